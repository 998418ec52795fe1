import Crypto
import Foundation
import GRDB
import MadoguchiDomain
import MadoguchiPKI

/// The city's document-signing keys, kept in the database sealed by a `KeyProtector` whose key is not in it
/// (ADR 0009 §5; an HSM or KMS fits behind that seam). One key is active; retired keys stay in the JWKS so papers
/// they signed still verify.
public enum SigningKeys {
    /// The active key, created on first use, inside the caller's transaction.
    public static func active(_ db: Database, at: String, keys: any KeyProtector) throws -> SigningKey {
        try active(GRDBSession(db: db), at: at, keys: keys)
    }

    static func active(_ s: any SQLSession, at: String, keys: any KeyProtector) throws -> SigningKey {
        if let row = try s.row("SELECT kid, privateKey FROM signingKey WHERE retiredAt IS NULL") {
            let kid = try row.text("kid")
            let raw = try keys.open(try row.blob("privateKey"), label: "signingKey:\(kid)")
            return SigningKey(kid: kid, privateKey: try P256.Signing.PrivateKey(rawRepresentation: raw))
        }
        return try create(s, at: at, keys: keys)
    }

    /// At setup: the active document-signing key, the card authority and the PDF signing keys exist afterwards, so that public reads (JWKS,
    /// CA, CRL, checkpoints, verification) never need to write.
    public static func setUp(_ db: Database, now: Date, keys: any KeyProtector) throws {
        try setUp(GRDBSession(db: db), now: now, keys: keys)
    }

    static func setUp(_ s: any SQLSession, now: Date, keys: any KeyProtector) throws {
        let at = LedgerRecord.timestamp(now)
        _ = try active(s, at: at, keys: keys)
        _ = try Cards.authority(s, at: at, now: now, keys: keys)
        try DocumentKeys.setUp(s, now: now, keys: keys)
    }

    /// Retires the active key and makes a new one active.
    @discardableResult
    static func rotate(_ s: any SQLSession, at: String, keys: any KeyProtector) throws -> SigningKey {
        try s.execute("UPDATE signingKey SET retiredAt = ? WHERE retiredAt IS NULL", at)
        return try create(s, at: at, keys: keys)
    }

    static func create(_ s: any SQLSession, at: String, keys: any KeyProtector) throws -> SigningKey {
        let key = SigningKey.generate()
        let jwk = String(decoding: try JSONEncoder().encode(key.publicJWK), as: UTF8.self)
        try s.execute(
            "INSERT INTO signingKey (kid, privateKey, publicJWK, createdAt) VALUES (?, ?, ?, ?)",
            key.kid, try keys.seal(key.privateKey.rawRepresentation, label: "signingKey:\(key.kid)"), jwk, at)
        return key
    }

    /// Every published key, active first.
    public static func jwks(_ db: Database) throws -> JWKSet { try jwks(GRDBSession(db: db)) }

    static func jwks(_ s: any SQLSession) throws -> JWKSet {
        JWKSet(keys: try s.column(
            "SELECT publicJWK FROM signingKey ORDER BY retiredAt IS NOT NULL, createdAt DESC", as: String.self
        ).map { try JSONDecoder().decode(PublicJWK.self, from: Data($0.utf8)) })
    }
}
