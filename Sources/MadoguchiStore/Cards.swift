import Foundation
import GRDB
import MadoguchiDomain
import MadoguchiPKI
import X509
import _CryptoExtras

/// A card certificate as the city keeps it.
public struct CardRecord: Sendable, Hashable {
    public var serial: String
    public var residentId: Int64
    public var certificateDER: [UInt8]
    public var issuedAt: String
    public var notAfter: CivilDate
    public var revokedAt: String?
    public var revocationReason: RevocationReason?
}

/// A row of `card`: a 利用者証明用電子証明書 the city issued, on a card or a smartphone.
struct CardRow {
    var serial: String
    var residentId: Int64
    var certificate: Data
    var issuedAt: String
    var notAfter: String
    var revokedAt: String?
    var revocationReason: String?
    /// `card` or `smartphone` (v16)
    var medium: String

    init(serial: String, residentId: Int64, certificate: Data, issuedAt: String, notAfter: String, revokedAt: String?,
         revocationReason: String?, medium: String) {
        self.serial = serial
        self.residentId = residentId
        self.certificate = certificate
        self.issuedAt = issuedAt
        self.notAfter = notAfter
        self.revokedAt = revokedAt
        self.revocationReason = revocationReason
        self.medium = medium
    }

    init(_ r: SQLRow) throws {
        self.init(
            serial: try r.text("serial"), residentId: try r.int("residentId"), certificate: try r.blob("certificate"),
            issuedAt: try r.text("issuedAt"), notAfter: try r.text("notAfter"), revokedAt: try r.optionalText("revokedAt"),
            revocationReason: try r.optionalText("revocationReason"), medium: try r.text("medium"))
    }

    static func fetch(_ s: any SQLSession, serial: String) throws -> CardRow? {
        try s.row("SELECT * FROM card WHERE serial = ?", serial).map(CardRow.init)
    }

    func insert(_ s: any SQLSession) throws {
        try s.execute(
            """
            INSERT INTO card (serial, residentId, certificate, issuedAt, notAfter, revokedAt, revocationReason, medium)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """, serial, residentId, certificate, issuedAt, notAfter, revokedAt, revocationReason, medium)
    }

    var record: CardRecord {
        CardRecord(
            serial: serial, residentId: residentId, certificateDER: [UInt8](certificate), issuedAt: issuedAt, notAfter: Rows.date(notAfter),
            revokedAt: revokedAt, revocationReason: revocationReason.flatMap(RevocationReason.init(rawValue:)))
    }
}

/// Issuing and revoking cards at the counter.
public enum Cards {
    /// The city's card authority, when it exists (read only); its private key is opened with `keys`.
    public static func storedAuthority(_ db: Database, keys: any KeyProtector) throws -> CardAuthority? {
        try storedAuthority(GRDBSession(db: db), keys: keys)
    }

    static func storedAuthority(_ s: any SQLSession, keys: any KeyProtector) throws -> CardAuthority? {
        guard let row = try s.row("SELECT certificate, privateKey FROM cardAuthority WHERE id = 1") else { return nil }
        let key = try keys.open(try row.blob("privateKey"), label: "cardAuthority")
        return try CardAuthority(certificateDER: [UInt8](try row.blob("certificate")), privateKeyDER: [UInt8](key))
    }

    /// The card authority's certificate (public), when it exists: no private key is opened.
    static func authorityCertificate(_ db: any SQLSession) throws -> Certificate? {
        guard let der = try db.scalar("SELECT certificate FROM cardAuthority WHERE id = 1", as: Data.self) else { return nil }
        return try Certificate(derEncoded: [UInt8](der))
    }

    /// The city's card authority, created on first use (named after the city), its private key sealed with `keys`.
    public static func authority(_ db: Database, at: String, now: Date, keys: any KeyProtector) throws -> CardAuthority {
        try authority(GRDBSession(db: db), at: at, now: now, keys: keys)
    }

    static func authority(_ s: any SQLSession, at: String, now: Date, keys: any KeyProtector) throws -> CardAuthority {
        if let stored = try storedAuthority(s, keys: keys) { return stored }
        let city = try s.scalar("SELECT value FROM meta WHERE key = 'city.name'", as: String.self) ?? "窓口市"
        let ca = try CardAuthority.create(organization: city, now: now)
        try s.execute(
            "INSERT INTO cardAuthority (id, certificate, privateKey, createdAt) VALUES (1, ?, ?, ?)",
            Data(ca.certificateDER), try keys.seal(Data(ca.privateKeyDER), label: "cardAuthority"), at)
        return ca
    }

    /// Issues a card to a current resident: a new key pair, a certificate valid to the fifth birthday
    /// after issue, and the software card guarded by `pin`. A smartphone's certificate (スマホ用電子証明書) is its own
    /// key and serial, for a resident whose card certificate is valid, and ends with it; it is guarded by the phone's
    /// own PIN.
    public static func issue(
        _ db: Database, residentId: Int64, pin: String, now: Date, keys: any KeyProtector, medium: CertificateMedium = .card
    ) throws -> SoftwareCard {
        try issue(GRDBSession(db: db), residentId: residentId, pin: pin, now: now, keys: keys, medium: medium)
    }

    static func issue(
        _ db: any SQLSession, residentId: Int64, pin: String, now: Date, keys: any KeyProtector, medium: CertificateMedium = .card
    ) throws -> SoftwareCard {
        guard PINState.isWellFormed(pin) else {
            throw MadoguchiError(.cardPINMalformed, ja: "暗証番号は4桁の数字です", en: "A PIN is four digits")
        }
        guard let row = try db.row("SELECT birthDate, removedOn FROM resident WHERE id = ?", residentId) else {
            throw MadoguchiError(.notFound, ja: "住民が見つかりません（ID \(residentId)）", en: "No resident \(residentId)")
        }
        guard (row["removedOn"] as String?) == nil else {
            throw MadoguchiError(.cardNotForRemoved, ja: "除票の方にはカードを発行できません", en: "No card for a removed record")
        }
        let at = LedgerRecord.timestamp(now)
        let cityCode = try db.scalar("SELECT value FROM meta WHERE key = 'city.code'", as: String.self) ?? "000000"
        let ca = try authority(db, at: at, now: now, keys: keys)
        let today = JapanTime.date(of: now)
        var expiry = CardValidity.expiry(birth: Rows.date(row["birthDate"] as String), issuedOn: today)
        if medium == .smartphone {
            guard let cardEnds = try db.scalar(
                "SELECT max(notAfter) FROM card WHERE residentId = ? AND medium = 'card' AND revokedAt IS NULL AND notAfter >= ?",
                arguments: [residentId, today.description], as: String.self).flatMap(CivilDate.parseGregorian)
            else {
                throw MadoguchiError(
                    .cardSmartphoneNeedsCard, ja: "スマホ用電子証明書は、有効なマイナンバーカードの電子証明書をお持ちの方に発行します",
                    en: "A smartphone certificate is issued only to a holder of a valid card certificate")
            }
            expiry = min(expiry, cardEnds)
        }
        // The certificate ends at the end of the expiry day, JST.
        let notAfter = Date(timeIntervalSince1970: TimeInterval((expiry.dayNumber + 1) * 86_400 - JapanTime.offsetSeconds - 1))
        let serial = String(UInt64.random(in: 1_000_000_000_000...9_999_999_999_999_999))
        let key = try _RSA.Signing.PrivateKey(keySize: .bits2048)
        let certificate = try ca.issueCardCertificate(
            cardKey: key.publicKey, serial: serial, notBefore: now.addingTimeInterval(-60), notAfter: notAfter)
        let card = try SoftwareCard(serial: serial, cityCode: cityCode, certificate: certificate, key: key, pin: pin, medium: medium.rawValue)
        try CardRow(
            serial: serial, residentId: residentId, certificate: Data(try certificate.derBytes()), issuedAt: at, notAfter: expiry.description,
            revokedAt: nil, revocationReason: nil, medium: medium.rawValue
        ).insert(db)
        return card
    }

    /// Revokes a card certificate with an X.509 reason.
    static func revoke(_ db: any SQLSession, serial: String, reason: RevocationReason, at: String) throws {
        let changed = try db.execute(
            "UPDATE card SET revokedAt = ?, revocationReason = ? WHERE serial = ? AND revokedAt IS NULL", at, reason.rawValue, serial)
        guard changed == 1 else {
            throw MadoguchiError(
                .notFound, ja: "失効できるカードがありません: \(serial)", en: "No unrevoked card \(serial)")
        }
    }

    /// Renews a card at the counter (更新): a new key and certificate to the fifth birthday from today; the old
    /// certificate is revoked as superseded in the same transaction.
    static func renew(_ db: any SQLSession, serial: String, pin: String, now: Date, keys: any KeyProtector) throws -> SoftwareCard {
        guard let old = try card(db, serial: serial), old.revokedAt == nil else {
            throw MadoguchiError(.notFound, ja: "更新できるカードがありません: \(serial)", en: "No unrevoked card \(serial) to renew")
        }
        let medium = try CardRow.fetch(db, serial: serial).flatMap { CertificateMedium(rawValue: $0.medium) } ?? .card
        try revoke(db, serial: serial, reason: .superseded, at: LedgerRecord.timestamp(now))
        return try issue(db, residentId: old.residentId, pin: pin, now: now, keys: keys, medium: medium)
    }

    public static func card(_ db: Database, serial: String) throws -> CardRecord? {
        try card(GRDBSession(db: db), serial: serial)
    }

    static func card(_ db: any SQLSession, serial: String) throws -> CardRecord? {
        try CardRow.fetch(db, serial: serial)?.record
    }
}

extension MadoguchiError.Code {
    public static let cardPINMalformed = Self("card.pinMalformed")
    public static let cardNotForRemoved = Self("card.removedRecord")
    public static let cardSmartphoneNeedsCard = Self("card.smartphoneNeedsCard")
}

extension Cards {
    static func instant(_ timestamp: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.date(from: timestamp)
    }

    /// The CRL (DER) of every revoked card, signed now by a given authority, valid one day: reads only.
    static func crl(_ db: any SQLSession, authority ca: CardAuthority, now: Date) throws -> [UInt8] {
        let entries = try db.rows(
            "SELECT certificate, revokedAt, revocationReason FROM card WHERE revokedAt IS NOT NULL ORDER BY revokedAt"
        ).map { row in
            let certificate = try Certificate(derEncoded: [UInt8](try row.blob("certificate")))
            return RevokedEntry(
                serialNumber: Array(certificate.serialNumber.bytes), revokedAt: instant(row["revokedAt"]) ?? now,
                reasonCode: RevocationReason(rawValue: row["revocationReason"])?.code ?? 0)
        }
        return try CertificateRevocationList.make(
            authority: ca, revoked: entries, number: Int(now.timeIntervalSince1970), thisUpdate: now.addingTimeInterval(-60),
            nextUpdate: now.addingTimeInterval(86_400))
    }

    /// A card's status, OCSP-style: good, revoked (with reason and time) or unknown; expired after its fifth birthday.
    static func status(_ db: any SQLSession, serial: String, on date: CivilDate) throws -> CardStatus {
        guard let card = try card(db, serial: serial) else { return CardStatus(serial: serial, status: "unknown") }
        if let reason = card.revocationReason {
            return CardStatus(serial: serial, status: "revoked", reason: reason.rawValue, revokedAt: card.revokedAt,
                              notAfter: card.notAfter.description)
        }
        if date > card.notAfter { return CardStatus(serial: serial, status: "expired", notAfter: card.notAfter.description) }
        return CardStatus(serial: serial, status: "good", notAfter: card.notAfter.description)
    }
}

/// What the status endpoint answers about a card certificate.
public struct CardStatus: Codable, Sendable, Hashable {
    public var serial: String
    /// good, revoked, expired or unknown
    public var status: String
    public var reason: String?
    public var revokedAt: String?
    public var notAfter: String?

    public init(serial: String, status: String, reason: String? = nil, revokedAt: String? = nil, notAfter: String? = nil) {
        self.serial = serial
        self.status = status
        self.reason = reason
        self.revokedAt = revokedAt
        self.notAfter = notAfter
    }
}

extension Cards {
    /// Who a presented card is, proven: the certificate chains to this city's card authority at `now`, is
    /// one the city issued and has not revoked or let expire, and its key signed `challenge`.
    /// Returns the card serial and the resident. Every refusal has its own code.
    public static func authenticate(
        _ database: MadoguchiDatabase, certificatePEM: String, challenge: Data, signature: Data, now: Date
    ) async throws -> (serial: String, residentId: Int64) {
        guard let certificate = try? Certificate(pemEncoded: certificatePEM), let der = try? certificate.derBytes() else {
            throw MadoguchiError(.cardMalformed, ja: "カードの証明書を読めません", en: "The card certificate is unreadable")
        }
        struct Found: Sendable {
            var root: Certificate?
            var serial: String?
            var residentId: Int64?
            var revocationReason: String?
        }
        // Reads only, and opens no private key: the authority's certificate is public.
        let found = try await database.transaction(readOnly: true, async: { db -> Found in
            let root = try authorityCertificate(db)
            if let row = try db.row("SELECT serial, residentId, revocationReason FROM card WHERE certificate = ?", Data(der)) {
                return Found(root: root, serial: row["serial"], residentId: row["residentId"],
                             revocationReason: row["revocationReason"])
            }
            // A card of another city, registered here for its 戸籍 (本籍地利用登録): checked against that city's authority.
            if let row = try db.row(
                "SELECT cardSerial, residentId, authority FROM honsekiRegistration WHERE cardCertificate = ? AND endedAt IS NULL", Data(der)),
                let root = try? Certificate(derEncoded: [UInt8](try row.blob("authority")))
            {
                return Found(root: root, serial: row["cardSerial"], residentId: row["residentId"], revocationReason: nil)
            }
            return Found(root: root)
        })
        if certificate.notValidAfter < now {
            throw MadoguchiError(.cardExpired, ja: "電子証明書の有効期限が切れています", en: "The card certificate has expired")
        }
        guard let root = found.root, await CardAuthority.validates(card: certificate, root: root, at: now) else {
            throw MadoguchiError(.cardUntrusted, ja: "この市が発行した電子証明書ではありません", en: "Not a certificate this city issued")
        }
        guard let serial = found.serial, let residentId = found.residentId else {
            throw MadoguchiError(.cardUnknown, ja: "発行記録のない電子証明書です", en: "No record of this card certificate")
        }
        if let reason = found.revocationReason.flatMap(RevocationReason.init(rawValue:)) {
            throw MadoguchiError(
                .cardRevoked, ja: "この電子証明書は失効しています（\(reason.japanese)）", en: "This card certificate is revoked (\(reason.rawValue))")
        }
        guard SoftwareCard.verify(signature: signature, challenge: challenge, certificate: certificate) else {
            throw MadoguchiError(.cardBadSignature, ja: "カードの署名を確認できません", en: "The card's signature does not verify")
        }
        return (serial, residentId)
    }
}

extension MadoguchiError.Code {
    public static let cardMalformed = Self("card.malformed")
    public static let cardExpired = Self("card.expired")
    public static let cardUntrusted = Self("card.untrusted")
    public static let cardUnknown = Self("card.unknown")
    public static let cardRevoked = Self("card.revoked")
    public static let cardBadSignature = Self("card.badSignature")
}

/// 本籍地利用登録 at the 本籍地's counter: the clerk checks the holder in person and links their card (from the
/// city where they live) to the record here whose 戸籍 the city keeps. The card's revocation is checked by the hub
/// with the card's own city at every use; this city checks the chain and the card's signature.
public enum Honseki {
    static func register(
        _ db: any SQLSession, residentId: Int64, cardCertificatePEM: String, authorityPEM: String, cardCityCode: String, at: String
    ) throws -> String {
        guard let card = try? Certificate(pemEncoded: cardCertificatePEM), let authority = try? Certificate(pemEncoded: authorityPEM) else {
            throw MadoguchiError(.cardMalformed, ja: "カードまたは認証局の証明書を読めません", en: "Unreadable card or authority certificate")
        }
        guard card.issuer == authority.subject else {
            throw MadoguchiError(.cardUntrusted, ja: "カードの発行元と認証局が一致しません", en: "The card was not issued by this authority")
        }
        let own = try db.scalar("SELECT value FROM meta WHERE key = 'city.code'", as: String.self)
        guard cardCityCode != own else {
            throw MadoguchiError(
                .honsekiOwnCard, ja: "この市のカードは登録不要です（そのまま利用できます）", en: "Cards of this city need no registration")
        }
        guard try db.exists("SELECT 1 FROM familyRegisterMember WHERE residentId = ?", arguments: [residentId]) else {
            throw MadoguchiError(
                .honsekiNoRegister, ja: "この方の戸籍はこの市にありません（ID \(residentId)）", en: "This city keeps no 戸籍 for \(residentId)")
        }
        let serial = String(decoding: card.serialNumber.bytes, as: UTF8.self)
        try db.execute(
            """
            INSERT INTO honsekiRegistration (residentId, cardSerial, cardCertificate, cardCityCode, authority, registeredAt)
            VALUES (?, ?, ?, ?, ?, ?)
            """, residentId, serial, Data(try card.derBytes()), cardCityCode, Data(try authority.derBytes()), at)
        return serial
    }

    /// Whether a residentId's session came in on a card registered here (本籍地): only 戸籍 prints then.
    static func isRegisteredCard(_ s: any SQLSession, serial: String) throws -> Bool {
        try s.exists("SELECT 1 FROM honsekiRegistration WHERE cardSerial = ? AND endedAt IS NULL", arguments: [serial])
    }

    /// The city that issued a card registered here (本籍地利用登録), or nil for this city's own cards (reads only).
    public static func cardCity(_ database: MadoguchiDatabase, serial: String) async throws -> String? {
        try await database.transaction(readOnly: true, async: { db in try cardCity(db, serial: serial) })
    }

    /// The city that issued a card registered here (本籍地利用登録), or nil for this city's own cards.
    static func cardCity(_ db: any SQLSession, serial: String) throws -> String? {
        try db.scalar("SELECT cardCityCode FROM honsekiRegistration WHERE cardSerial = ? AND endedAt IS NULL", arguments: [serial], as: String.self)
    }
}

extension MadoguchiError.Code {
    public static let honsekiOwnCard = Self("honseki.ownCard")
    public static let honsekiNoRegister = Self("honseki.noRegister")
}
