import GRDB

extension Schema {
    /// v9 (issue 10): what the counter keeps itself. A 支援措置 has a state (申出 → 決定 → 終了), and every procedure on
    /// the registry done at a counter (支援措置, 印鑑登録 and 廃止, 本人通知) is recorded, append-only, with who did it
    /// and where. Measures held before keep protecting: they read as decided.
    ///
    /// Frozen text: this migration never changes once shipped, and its vocabulary checks name the values of its day.
    static let counterRecordsSQL = """
        ALTER TABLE supportMeasure ADD COLUMN state TEXT NOT NULL DEFAULT 'decided'
          CHECK (state IN ('applied', 'decided', 'ended'));
        ALTER TABLE supportMeasure ADD COLUMN endedOn TEXT CHECK (endedOn IS NULL OR date(endedOn) IS endedOn);

        CREATE TABLE registryProcedure (
          id INTEGER PRIMARY KEY,
          at TEXT NOT NULL,
          procedure TEXT NOT NULL CHECK (procedure IN ('supportMeasureApplied', 'supportMeasureDecided', 'supportMeasureExtended',
            'supportMeasureEnded', 'sealRegistered', 'sealAbolished', 'holderNotificationRegistered', 'holderNotificationEnded')),
          residentId INTEGER NOT NULL REFERENCES resident(id),
          actor TEXT NOT NULL CHECK (actor <> ''),
          facilityId TEXT REFERENCES facility(id),
          detail TEXT NOT NULL CHECK (json_valid(detail))
        );
        CREATE INDEX registryProcedure_resident ON registryProcedure(residentId);
        CREATE TRIGGER registryProcedure_no_update BEFORE UPDATE ON registryProcedure
        BEGIN SELECT RAISE(ABORT, 'the record of counter procedures is append-only'); END;
        CREATE TRIGGER registryProcedure_no_delete BEFORE DELETE ON registryProcedure
        BEGIN SELECT RAISE(ABORT, 'the record of counter procedures is append-only'); END;
        """
}
