import GRDB

extension Schema {
    /// v16 (issue 12, item 4): a 利用者証明用電子証明書 is on the card or on a smartphone (スマホ用電子証明書). Each
    /// certificate keeps its medium; a store session keeps the medium it was opened with, so settlement and the
    /// indicators can count them apart.
    ///
    /// Frozen text: this migration never changes once shipped.
    static let smartphoneSQL = """
        ALTER TABLE card ADD COLUMN medium TEXT NOT NULL DEFAULT 'card' CHECK (medium IN ('card', 'smartphone'));
        ALTER TABLE kioskSession ADD COLUMN medium TEXT CHECK (medium IS NULL OR medium IN ('card', 'smartphone'));
        """

    static func createSmartphone(_ db: Database) throws {
        try db.execute(sql: smartphoneSQL)
    }
}
