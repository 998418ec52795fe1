import GRDB

extension Schema {
    /// v10 (issue 10): a 支援措置 reaches the 戸籍 wherever it is kept. The city of residence (住所地) records where the
    /// protected person's 戸籍 is kept (本籍地) and forwards the measure there, as the 事務処理要領 asks, since the 附票
    /// there records the person's address. The 本籍地 keeps what it was sent, and the record of every forwarding.
    ///
    /// Frozen text: this migration never changes once shipped, and its vocabulary checks name the values of its day.
    static let forwardedSQL = """
        ALTER TABLE supportMeasure ADD COLUMN honsekiCity TEXT
          CHECK (honsekiCity IS NULL OR (length(honsekiCity) = 6 AND honsekiCity NOT GLOB '*[^0-9]*'));
        ALTER TABLE supportMeasure ADD COLUMN forwardPending INTEGER NOT NULL DEFAULT 0 CHECK (forwardPending IN (0, 1));

        CREATE TABLE forwardedSupportMeasure (
          id INTEGER PRIMARY KEY,
          fromCity TEXT NOT NULL CHECK (length(fromCity) = 6 AND fromCity NOT GLOB '*[^0-9]*'),
          reference TEXT NOT NULL CHECK (reference <> ''),
          registerMemberId INTEGER NOT NULL REFERENCES familyRegisterMember(id),
          otherPartyName TEXT NOT NULL CHECK (otherPartyName <> ''),
          otherPartyBirthDate TEXT CHECK (otherPartyBirthDate IS NULL OR date(otherPartyBirthDate) IS otherPartyBirthDate),
          state TEXT NOT NULL CHECK (state IN ('applied', 'decided', 'ended')),
          termStart TEXT NOT NULL CHECK (date(termStart) IS termStart),
          termEnd TEXT NOT NULL CHECK (date(termEnd) IS termEnd AND termEnd >= termStart),
          updatedAt TEXT NOT NULL,
          UNIQUE (fromCity, reference)
        );
        CREATE INDEX forwardedSupportMeasure_member ON forwardedSupportMeasure(registerMemberId);

        CREATE TABLE forwardedSupportMeasureLog (
          id INTEGER PRIMARY KEY,
          at TEXT NOT NULL,
          fromCity TEXT NOT NULL,
          reference TEXT NOT NULL,
          registerMemberId INTEGER REFERENCES familyRegisterMember(id),
          outcome TEXT NOT NULL CHECK (outcome IN ('kept', 'refused')),
          detail TEXT NOT NULL CHECK (json_valid(detail))
        );
        CREATE TRIGGER forwardedSupportMeasureLog_no_update BEFORE UPDATE ON forwardedSupportMeasureLog
        BEGIN SELECT RAISE(ABORT, 'the record of forwarded measures is append-only'); END;
        CREATE TRIGGER forwardedSupportMeasureLog_no_delete BEFORE DELETE ON forwardedSupportMeasureLog
        BEGIN SELECT RAISE(ABORT, 'the record of forwarded measures is append-only'); END;
        """
}
