import GRDB

extension Schema {
    /// v15 (issue 12): private keys are sealed with a key-encryption key kept outside the database (`KeyProtector`), so
    /// a document-signing key is no longer 32 bytes in the clear. The table is rebuilt without that length check; the
    /// keys themselves are sealed by `KeySealing` when the database is opened, since SQL cannot reach the key.
    ///
    /// Frozen text: this migration never changes once shipped.
    static let keysAtRestSQL = """
        CREATE TABLE signingKey_v15 (
          kid TEXT PRIMARY KEY NOT NULL CHECK (length(kid) >= 8),
          privateKey BLOB NOT NULL,
          publicJWK TEXT NOT NULL CHECK (json_valid(publicJWK)),
          createdAt TEXT NOT NULL,
          retiredAt TEXT
        );
        INSERT INTO signingKey_v15 (kid, privateKey, publicJWK, createdAt, retiredAt)
          SELECT kid, privateKey, publicJWK, createdAt, retiredAt FROM signingKey;
        DROP TABLE signingKey;
        ALTER TABLE signingKey_v15 RENAME TO signingKey;
        CREATE UNIQUE INDEX signingKey_one_active ON signingKey((retiredAt IS NULL)) WHERE retiredAt IS NULL;
        """
}
