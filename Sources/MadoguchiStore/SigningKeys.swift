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
        if let row = try Row.fetchOne(
            db.cachedStatement(sql: "SELECT kid, privateKey FROM signingKey WHERE retiredAt IS NULL"))
        {
            let kid: String = row["kid"]
            let raw = try keys.open(row["privateKey"], label: "signingKey:\(kid)")
            return SigningKey(kid: kid, privateKey: try P256.Signing.PrivateKey(rawRepresentation: raw))
        }
        return try create(db, at: at, keys: keys)
    }

    /// At setup: the active document-signing key and the card authority exist afterwards, so that public reads (JWKS,
    /// CA, CRL, checkpoints, verification) never need to write.
    public static func setUp(_ db: Database, now: Date, keys: any KeyProtector) throws {
        let at = LedgerRecord.timestamp(now)
        _ = try active(db, at: at, keys: keys)
        _ = try Cards.authority(db, at: at, now: now, keys: keys)
    }

    /// Retires the active key and makes a new one active.
    @discardableResult
    public static func rotate(_ db: Database, at: String, keys: any KeyProtector) throws -> SigningKey {
        try db.execute(sql: "UPDATE signingKey SET retiredAt = ? WHERE retiredAt IS NULL", arguments: [at])
        return try create(db, at: at, keys: keys)
    }

    static func create(_ db: Database, at: String, keys: any KeyProtector) throws -> SigningKey {
        let key = SigningKey.generate()
        let jwk = String(decoding: try JSONEncoder().encode(key.publicJWK), as: UTF8.self)
        try db.execute(
            sql: "INSERT INTO signingKey (kid, privateKey, publicJWK, createdAt) VALUES (?, ?, ?, ?)",
            arguments: [key.kid, try keys.seal(key.privateKey.rawRepresentation, label: "signingKey:\(key.kid)"), jwk, at])
        return key
    }

    /// Every published key, active first.
    public static func jwks(_ db: Database) throws -> JWKSet {
        JWKSet(keys: try String.fetchAll(
            db, sql: "SELECT publicJWK FROM signingKey ORDER BY retiredAt IS NOT NULL, createdAt DESC"
        ).map { try JSONDecoder().decode(PublicJWK.self, from: Data($0.utf8)) })
    }
}
