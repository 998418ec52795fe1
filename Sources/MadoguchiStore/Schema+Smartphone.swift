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
}

extension Schema {
    /// v17 (issue 12, item 4): the live issuance counts keep a store's phone copies apart from its card copies. A
    /// store ledger entry carries the medium of the certificate that opened the session; copies issued with a
    /// smartphone's certificate count at the place `channel:kiosk:smartphone`, those with a card at
    /// `channel:kiosk` as before. Entries from before carry no medium: they were all cards and stay where they are.
    ///
    /// Frozen text: this migration never changes once shipped.
    static let mediumCountsSQL = """
        DROP TRIGGER ledgerEntry_counts_issue;
        DROP TRIGGER ledgerEntry_counts_void;
        CREATE TRIGGER ledgerEntry_counts_issue AFTER INSERT ON ledgerEntry WHEN NEW.action = 'issue'
        BEGIN
          INSERT INTO issuanceCount (fiscalYear, place, source, copies)
          VALUES (
            CAST(substr(NEW.at, 1, 4) AS INTEGER) - (CAST(substr(NEW.at, 6, 2) AS INTEGER) < 4),
            coalesce((SELECT f.kind FROM facility f WHERE f.id = json_extract(NEW.payload, '$.facilityId')),
                     'channel:' || json_extract(NEW.payload, '$.channel')
                       || CASE WHEN json_extract(NEW.payload, '$.medium') = 'smartphone' THEN ':smartphone' ELSE '' END),
            'ledger', json_extract(NEW.payload, '$.copies'))
          ON CONFLICT (fiscalYear, place, source) DO UPDATE SET copies = copies + excluded.copies;
        END;
        CREATE TRIGGER ledgerEntry_counts_void AFTER INSERT ON ledgerEntry
        WHEN NEW.action = 'void' AND NOT EXISTS (
          SELECT 1 FROM ledgerEntry v WHERE v.action = 'void' AND v.documentId = NEW.documentId AND v.sequence < NEW.sequence)
        BEGIN
          UPDATE issuanceCount
          SET copies = copies - (SELECT json_extract(i.payload, '$.copies') FROM ledgerEntry i
                                 WHERE i.action = 'issue' AND i.documentId = NEW.documentId)
          WHERE source = 'ledger' AND (fiscalYear, place) = (
            SELECT CAST(substr(i.at, 1, 4) AS INTEGER) - (CAST(substr(i.at, 6, 2) AS INTEGER) < 4),
                   coalesce((SELECT f.kind FROM facility f WHERE f.id = json_extract(i.payload, '$.facilityId')),
                            'channel:' || json_extract(i.payload, '$.channel')
                              || CASE WHEN json_extract(i.payload, '$.medium') = 'smartphone' THEN ':smartphone' ELSE '' END)
            FROM ledgerEntry i
            WHERE i.action = 'issue' AND i.documentId = NEW.documentId);
        END;
        """
}
