import GRDB

extension Schema {
    /// v25 (issue 15, item 2): the keys the city signs PDF certificates with (電子交付, PAdES), apart from the card
    /// authority and the QR keys: its document authority, the signing certificate it issued, and the city's timestamp
    /// service (RFC 3161). One of each purpose is current; a retired one stays so that what it signed can be traced.
    /// Private keys are sealed by the master key (`KeyProtector`, label `documentKey:<purpose>:<serial>`); the
    /// database alone holds none in the clear.
    ///
    /// Frozen text: this migration never changes once shipped.
    static let documentKeysSQL = """
        CREATE TABLE documentKey (
          serial TEXT PRIMARY KEY NOT NULL CHECK (length(serial) BETWEEN 2 AND 42),
          purpose TEXT NOT NULL CHECK (purpose IN ('authority', 'signing', 'timestamping')),
          certificate BLOB NOT NULL CHECK (typeof(certificate) = 'blob' AND length(certificate) > 0),
          privateKey BLOB NOT NULL CHECK (substr(privateKey, 1, 3) = CAST('MK1' AS BLOB)),
          createdAt TEXT NOT NULL,
          retiredAt TEXT
        );
        CREATE UNIQUE INDEX documentKey_one_current ON documentKey(purpose) WHERE retiredAt IS NULL;
        """
}
