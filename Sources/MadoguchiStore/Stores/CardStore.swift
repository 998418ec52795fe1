import Foundation
import GRDB
import MadoguchiDomain
import MadoguchiPKI
import X509

/// The card authority and the 利用者証明用電子証明書 it issued (on cards and on smartphones), as the counter, the
/// console and the public PKI routes need them. Rules (who may hold a phone certificate, how long a certificate
/// runs) are applied in `Cards`; this is where they are reached from outside storage.
public protocol CardStore: Sendable {
    /// The authority's certificate (public): no private key is opened, nothing is written.
    func authorityCertificate() async throws -> Certificate?
    /// The authority, made on first use (at setup) and named after the city.
    func authority(now: Date) async throws -> CardAuthority
    /// A certificate for a current resident, guarded by `pin`: on the card, or on a smartphone for a holder of a
    /// valid card certificate.
    func issue(residentId: Int64, pin: String, medium: CertificateMedium, now: Date) async throws -> SoftwareCard
    /// A new key and certificate of the same medium; the old one revoked as superseded, together.
    func renew(serial: String, pin: String, now: Date) async throws -> SoftwareCard
    func revoke(serial: String, reason: RevocationReason, at: String) async throws
    func card(serial: String) async throws -> CardRecord?
    /// The CRL signed now by the authority, or `nil` before there is one. Reads only.
    func revocationList(now: Date) async throws -> [UInt8]?
    /// Good, revoked, expired or unknown on a date.
    func status(serial: String, on date: CivilDate) async throws -> CardStatus
    /// Who a presented card is, proven: chain, issue, revocation, expiry and its signature over `challenge`.
    func authenticate(certificatePEM: String, challenge: Data, signature: Data, now: Date) async throws -> (serial: String, residentId: Int64)
    /// 本籍地利用登録: a card of another city (issued by `authorityPEM`) linked to a record here whose 戸籍 this city
    /// keeps. Returns the card's serial.
    func registerHonseki(residentId: Int64, cardCertificatePEM: String, authorityPEM: String, cardCityCode: String, at: String)
        async throws -> String
}

/// The card store on the SQLite database.
struct SQLiteCardStore: CardStore {
    let database: MadoguchiDatabase

    func authorityCertificate() async throws -> Certificate? {
        try await database.sqlRead { db in try Cards.authorityCertificate(db) }
    }

    func authority(now: Date) async throws -> CardAuthority {
        let keys = database.keys
        if let stored = try await database.sqlRead({ db in try Cards.storedAuthority(db, keys: keys) }) { return stored }
        return try await database.sqlWrite { db in try Cards.authority(db, at: LedgerRecord.timestamp(now), now: now, keys: keys) }
    }

    func issue(residentId: Int64, pin: String, medium: CertificateMedium, now: Date) async throws -> SoftwareCard {
        let keys = database.keys
        return try await database.sqlWrite { db in try Cards.issue(db, residentId: residentId, pin: pin, now: now, keys: keys, medium: medium) }
    }

    func renew(serial: String, pin: String, now: Date) async throws -> SoftwareCard {
        let keys = database.keys
        return try await database.sqlWrite { db in try Cards.renew(db, serial: serial, pin: pin, now: now, keys: keys) }
    }

    func revoke(serial: String, reason: RevocationReason, at: String) async throws {
        try await database.sqlWrite { db in try Cards.revoke(db, serial: serial, reason: reason, at: at) }
    }

    func card(serial: String) async throws -> CardRecord? {
        try await database.sqlRead { db in try Cards.card(db, serial: serial) }
    }

    func revocationList(now: Date) async throws -> [UInt8]? {
        let keys = database.keys
        return try await database.sqlRead { db in
            guard let ca = try Cards.storedAuthority(db, keys: keys) else { return nil }
            return try Cards.crl(db, authority: ca, now: now)
        }
    }

    func status(serial: String, on date: CivilDate) async throws -> CardStatus {
        try await database.sqlRead { db in try Cards.status(db, serial: serial, on: date) }
    }

    func authenticate(certificatePEM: String, challenge: Data, signature: Data, now: Date) async throws -> (serial: String, residentId: Int64) {
        try await Cards.authenticate(database, certificatePEM: certificatePEM, challenge: challenge, signature: signature, now: now)
    }

    func registerHonseki(residentId: Int64, cardCertificatePEM: String, authorityPEM: String, cardCityCode: String, at: String)
        async throws -> String
    {
        try await database.sqlWrite { db in
            try Honseki.register(
                db, residentId: residentId, cardCertificatePEM: cardCertificatePEM, authorityPEM: authorityPEM,
                cardCityCode: cardCityCode, at: at)
        }
    }
}

extension MadoguchiDatabase {
    /// The card authority and its certificates.
    public var cards: any CardStore { SQLiteCardStore(database: self) }

    /// A read on GRDB's async API: it suspends, never blocking a thread of the cooperative pool. Storage failures
    /// come out as coded errors.
    func reading<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        do { return try await writer.read(body) } catch let e as MadoguchiError { throw e } catch { throw StoreError.map(error) }
    }

    /// A write transaction on GRDB's async API: all of `body` or nothing.
    func writing<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        do { return try await writer.write(body) } catch let e as MadoguchiError { throw e } catch { throw StoreError.map(error) }
    }
}
