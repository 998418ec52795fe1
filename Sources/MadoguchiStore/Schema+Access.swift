import GRDB
import MadoguchiDomain

extension Schema {
    /// v12 (issue 11): the access log. Every read of a person's data by staff is an entry, hash-chained like the
    /// ledger and append-only; `accessSubject` indexes who was shown, so that a resident's reads are found at once.
    /// A session remembers the purpose chosen on the counter page.
    ///
    /// Frozen text: this migration never changes once shipped, and its vocabulary checks name the values of its day.
    static let accessSQL = #"""
        CREATE TABLE accessEntry (
          sequence INTEGER PRIMARY KEY CHECK (sequence >= 1),
          previousHash TEXT NOT NULL CHECK (length(previousHash) = 64),
          hash TEXT NOT NULL UNIQUE CHECK (length(hash) = 64),
          payload TEXT NOT NULL CHECK (json_valid(payload)),
          at TEXT NOT NULL,
          actor TEXT NOT NULL CHECK (actor <> ''),
          facilityId TEXT,
          action TEXT NOT NULL CHECK (action IN ('search', 'detail', 'procedures', 'preview', 'issue', 'certificate', 'document',
            'reprint', 'export')),
          purpose TEXT NOT NULL CHECK (purpose IN ('certificate', 'notification', 'consultation', 'supportMeasure', 'inquiry', 'audit')),
          flagged INTEGER NOT NULL CHECK (flagged IN (0, 1))
        );
        CREATE INDEX accessEntry_at ON accessEntry(at);
        CREATE INDEX accessEntry_actor ON accessEntry(actor, at);
        CREATE INDEX accessEntry_flagged ON accessEntry(at) WHERE flagged = 1;
        CREATE TRIGGER accessEntry_no_update BEFORE UPDATE ON accessEntry
        BEGIN SELECT RAISE(ABORT, 'the access log is append-only'); END;
        CREATE TRIGGER accessEntry_no_delete BEFORE DELETE ON accessEntry
        BEGIN SELECT RAISE(ABORT, 'the access log is append-only'); END;
        CREATE TRIGGER accessEntry_chain BEFORE INSERT ON accessEntry
        WHEN NEW.sequence <> coalesce((SELECT max(sequence) FROM accessEntry), 0) + 1
          OR NEW.previousHash <> coalesce((SELECT hash FROM accessEntry ORDER BY sequence DESC LIMIT 1), '0000000000000000000000000000000000000000000000000000000000000000')
        BEGIN SELECT RAISE(ABORT, 'access entries must extend the chain'); END;

        CREATE TABLE accessSubject (
          residentId INTEGER NOT NULL,
          sequence INTEGER NOT NULL REFERENCES accessEntry(sequence),
          PRIMARY KEY (residentId, sequence)
        ) WITHOUT ROWID;
        CREATE INDEX accessSubject_sequence ON accessSubject(sequence);
        CREATE TRIGGER accessSubject_no_update BEFORE UPDATE ON accessSubject
        BEGIN SELECT RAISE(ABORT, 'the access log is append-only'); END;
        CREATE TRIGGER accessSubject_no_delete BEFORE DELETE ON accessSubject
        BEGIN SELECT RAISE(ABORT, 'the access log is append-only'); END;
        CREATE TRIGGER accessSubject_latest BEFORE INSERT ON accessSubject
        WHEN NEW.sequence <> (SELECT max(sequence) FROM accessEntry)
        BEGIN SELECT RAISE(ABORT, 'an entry names its people when it is written'); END;

        ALTER TABLE staffSession ADD COLUMN purpose TEXT
          CHECK (purpose IS NULL OR purpose IN ('certificate', 'notification', 'consultation', 'supportMeasure', 'inquiry', 'audit'));
        """#
}
