import GRDB

extension Schema {
    /// v14 (issue 12): every kiosk step after the card is bound to the session by a secret the city issues at the
    /// card step. Only its SHA-256 (hex) is stored; a row that has a card and no secret (a session started before
    /// this migration) accepts no further step and times out.
    ///
    /// Frozen text: this migration never changes once shipped.
    static let kioskChannelSQL = """
        ALTER TABLE kioskSession ADD COLUMN secretHash TEXT CHECK (secretHash IS NULL OR length(secretHash) = 64);
        """
}
