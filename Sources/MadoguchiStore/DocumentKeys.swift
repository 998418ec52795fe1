import Crypto
import Foundation
import MadoguchiDomain
import MadoguchiPKI
import X509

/// What the city signs its PDF certificates with (電子交付, PAdES B-T): the signing certificate and key, the timestamp
/// service, and the document authority that certified both, which the city publishes for anyone to check against.
public struct DocumentKeyring: Sendable {
    public let authority: Certificate
    public let signer: DocumentSigner
    public let timestamper: TimestampAuthority
}

/// The document authority and the keys it certified, kept in `documentKey` with their private keys sealed by the
/// master key (label `documentKey:<purpose>:<serial>`). Made at setup with the QR keys and the card authority, so a
/// signed PDF is served by a read; apart from both (issue 15, item 2; ADR 0017): a leak of one does not forge the other.
enum DocumentKeys {
    enum Purpose: String {
        case authority, signing, timestamping
    }

    /// The current authority, signer and timestamp service exist afterwards (made when missing).
    static func setUp(_ s: any SQLSession, now: Date, keys: any KeyProtector) throws {
        let at = LedgerRecord.timestamp(now)
        let city = try s.scalar("SELECT value FROM meta WHERE key = 'city.name'", as: String.self) ?? "窓口市"
        let needsSigner = try current(s, .signing) == nil
        let needsTimestamper = try current(s, .timestamping) == nil
        let stored = try current(s, .authority)
        // At every start-up all three exist: the authority's private key is opened only when it must certify a key.
        guard stored == nil || needsSigner || needsTimestamper else { return }
        let authority: DocumentAuthority
        if let row = stored {
            authority = try DocumentAuthority(certificateDER: row.certificate, privateKeyRaw: try open(row, keys: keys))
        } else {
            authority = try DocumentAuthority.create(city: city, now: now)
            try insert(s, .authority, authority.certificate, authority.privateKeyRaw, at: at, keys: keys)
        }
        if needsSigner {
            let key = P256.Signing.PrivateKey()
            try insert(s, .signing, try authority.issueSigner(key: key.publicKey, city: city, now: now), Array(key.rawRepresentation), at: at, keys: keys)
        }
        if needsTimestamper {
            let key = P256.Signing.PrivateKey()
            try insert(
                s, .timestamping, try authority.issueTimestamper(key: key.publicKey, city: city, now: now), Array(key.rawRepresentation), at: at,
                keys: keys)
        }
    }

    /// Retires the current signing and timestamping keys (the authority stays) and makes new ones; the new signing
    /// certificate's serial. Made at setup first if there are none.
    static func rotate(_ s: any SQLSession, now: Date, keys: any KeyProtector) throws -> String {
        try s.execute(
            "UPDATE documentKey SET retiredAt = ? WHERE purpose IN ('signing', 'timestamping') AND retiredAt IS NULL", LedgerRecord.timestamp(now))
        try setUp(s, now: now, keys: keys)
        guard let signer = try current(s, .signing) else { throw MadoguchiError(.storeFailure, ja: "署名鍵を作れませんでした", en: "No signing key after rotation") }
        return signer.serial
    }

    /// The current keys, opened; nil before setup.
    static func keyring(_ s: any SQLSession, keys: any KeyProtector) throws -> DocumentKeyring? {
        guard let authority = try current(s, .authority), let signing = try current(s, .signing),
            let timestamping = try current(s, .timestamping)
        else { return nil }
        let root = try Certificate(derEncoded: authority.certificate)
        return DocumentKeyring(
            authority: root,
            signer: DocumentSigner(
                certificate: try Certificate(derEncoded: signing.certificate), chain: [root],
                key: try P256.Signing.PrivateKey(rawRepresentation: try open(signing, keys: keys))),
            timestamper: TimestampAuthority(
                certificate: try Certificate(derEncoded: timestamping.certificate), chain: [root],
                key: try P256.Signing.PrivateKey(rawRepresentation: try open(timestamping, keys: keys))))
    }

    /// The document authority's certificate (public): no private key is opened.
    static func authorityCertificate(_ s: any SQLSession) throws -> Certificate? {
        try current(s, .authority).map { try Certificate(derEncoded: $0.certificate) }
    }

    struct Stored {
        let serial: String
        let purpose: Purpose
        let certificate: [UInt8]
        let sealedKey: Data
    }

    static func current(_ s: any SQLSession, _ purpose: Purpose) throws -> Stored? {
        guard let row = try s.row(
            "SELECT serial, certificate, privateKey FROM documentKey WHERE purpose = ? AND retiredAt IS NULL", arguments: [purpose.rawValue])
        else { return nil }
        return Stored(serial: try row.text("serial"), purpose: purpose, certificate: [UInt8](try row.blob("certificate")), sealedKey: try row.blob("privateKey"))
    }

    static func open(_ stored: Stored, keys: any KeyProtector) throws -> [UInt8] {
        [UInt8](try keys.open(stored.sealedKey, label: label(stored.purpose, stored.serial)))
    }

    static func label(_ purpose: Purpose, _ serial: String) -> String { "documentKey:\(purpose.rawValue):\(serial)" }

    static func insert(_ s: any SQLSession, _ purpose: Purpose, _ certificate: Certificate, _ privateKey: [UInt8], at: String, keys: any KeyProtector)
        throws
    {
        let serial = certificate.serialNumber.bytes.map { String(format: "%02x", $0) }.joined()
        try s.execute(
            "INSERT INTO documentKey (serial, purpose, certificate, privateKey, createdAt) VALUES (?, ?, ?, ?, ?)",
            serial, purpose.rawValue, Data(try certificate.derBytes()), try keys.seal(Data(privateKey), label: label(purpose, serial)), at)
    }
}
