import GRDB

extension Schema {
    /// v13 (issue 11): residents signing in with the card to see who read their data. A challenge is used once
    /// and lives two minutes; a session lives fifteen. Only SHA-256 digests of session secrets are stored.
    ///
    /// Frozen text: this migration never changes once shipped.
    static let residentViewSQL = """
        CREATE TABLE residentChallenge (
          id TEXT PRIMARY KEY NOT NULL CHECK (length(id) >= 16),
          challenge BLOB NOT NULL CHECK (length(challenge) = 32),
          expiresAt TEXT NOT NULL,
          usedAt TEXT
        );
        CREATE TABLE residentSession (
          tokenHash TEXT PRIMARY KEY NOT NULL CHECK (length(tokenHash) = 64),
          residentId INTEGER NOT NULL REFERENCES resident(id),
          cardSerial TEXT NOT NULL,
          createdAt TEXT NOT NULL,
          expiresAt TEXT NOT NULL,
          endedAt TEXT
        );
        """
}
