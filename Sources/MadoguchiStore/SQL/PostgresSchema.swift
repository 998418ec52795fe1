import Foundation
import MadoguchiDomain

/// The PostgreSQL schema, as history: frozen SQL texts applied in order, each in its own transaction, recorded in
/// `schemaMigration`. Identifiers are the SQLite schema's (unquoted, so PostgreSQL folds them to lower case, which the
/// shared SQL never notices); booleans are integers and times are ISO 8601 text, as on SQLite, so one SQL text serves
/// both engines. What SQLite checks with triggers and `RAISE(ABORT …)` PostgreSQL checks with PL/pgSQL triggers that
/// raise SQLSTATE 23000, which maps to the same `store.constraint`.
///
/// Migrations move the PostgreSQL half forward slice by slice (ADR 0010); until a slice ships, its text may still
/// change. Shipped ones are pinned by `MigrationHistoryTests` like SQLite's.
enum PostgresSchema {
    static let migrations: [Schema.Migration] = [
        Schema.Migration("p1-ledger", ledgerSQL)
    ]

    /// The hash-chained ledger, append-only and chained by the database itself: an UPDATE, DELETE or TRUNCATE
    /// is refused, and an INSERT that does not extend the chain is refused, whoever sends it.
    static let ledgerSQL = #"""
        CREATE FUNCTION madoguchi_json_valid(t text) RETURNS boolean LANGUAGE plpgsql IMMUTABLE AS $$
        BEGIN
          PERFORM t::jsonb;
          RETURN true;
        EXCEPTION WHEN others THEN
          RETURN false;
        END $$;

        CREATE TABLE ledgerEntry (
          sequence BIGINT PRIMARY KEY CHECK (sequence >= 1),
          previousHash TEXT NOT NULL CHECK (previousHash ~ '^[0-9a-f]{64}$'),
          hash TEXT NOT NULL UNIQUE CHECK (hash ~ '^[0-9a-f]{64}$'),
          payload TEXT NOT NULL CHECK (madoguchi_json_valid(payload)),
          action TEXT NOT NULL CHECK (action IN ('issue', 'refuse', 'void', 'reprint')),
          documentId TEXT,
          subjectId BIGINT NOT NULL,
          at TEXT NOT NULL
        );
        CREATE INDEX ledgerEntry_document ON ledgerEntry(documentId);
        CREATE INDEX ledgerEntry_subject ON ledgerEntry(subjectId);

        CREATE FUNCTION ledger_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          RAISE EXCEPTION 'the ledger is append-only' USING ERRCODE = 'integrity_constraint_violation';
        END $$;
        CREATE TRIGGER ledgerEntry_no_change BEFORE UPDATE OR DELETE ON ledgerEntry
          FOR EACH ROW EXECUTE FUNCTION ledger_append_only();
        CREATE TRIGGER ledgerEntry_no_truncate BEFORE TRUNCATE ON ledgerEntry
          FOR EACH STATEMENT EXECUTE FUNCTION ledger_append_only();

        CREATE FUNCTION ledger_chain() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          IF NEW.sequence <> coalesce((SELECT max(sequence) FROM ledgerEntry), 0) + 1
             OR NEW.previousHash <> coalesce((SELECT hash FROM ledgerEntry ORDER BY sequence DESC LIMIT 1),
                                             '0000000000000000000000000000000000000000000000000000000000000000') THEN
            RAISE EXCEPTION 'ledger entries must extend the chain' USING ERRCODE = 'integrity_constraint_violation';
          END IF;
          RETURN NEW;
        END $$;
        CREATE TRIGGER ledgerEntry_chain BEFORE INSERT ON ledgerEntry
          FOR EACH ROW EXECUTE FUNCTION ledger_chain();
        """#

    /// Brings a database up to date. Two servers starting at once do not both migrate: the first holds an advisory
    /// lock until its migration commits, and the second then finds it applied.
    static func migrate(_ engine: PostgresEngine) throws {
        try engine.transaction { session in
            // Even `IF NOT EXISTS` races in the catalogue: the lock first.
            try session.execute("SELECT pg_advisory_xact_lock(?)", [.integer(Self.migrationLock)])
            try session.execute("CREATE TABLE IF NOT EXISTS schemaMigration (id TEXT PRIMARY KEY, appliedAt TEXT NOT NULL)", [])
        }
        for migration in migrations {
            try engine.transaction { session in
                try session.execute("SELECT pg_advisory_xact_lock(?)", [.integer(Self.migrationLock)])
                guard try session.row("SELECT 1 AS applied FROM schemaMigration WHERE id = ?", migration.id) == nil else { return }
                for statement in statements(migration.sql) { try session.execute(statement, []) }
                try session.execute(
                    "INSERT INTO schemaMigration (id, appliedAt) VALUES (?, ?)", migration.id, LedgerRecord.timestamp(Date()))
            }
        }
    }

    static func applied(_ engine: PostgresEngine) throws -> [String] {
        try engine.transaction(readOnly: true) { session in
            try session.rows("SELECT id FROM schemaMigration ORDER BY appliedAt, id", []).map { try $0.text("id") }
        }
    }

    /// The advisory lock key that serialises migrations (any fixed number; the ledger has its own).
    static let migrationLock: Int64 = 0x6D61_646F_0001

    /// A migration's statements one by one (PostgresNIO sends one statement per query). Splits on `;` outside quotes,
    /// dollar-quoted bodies and comments.
    static func statements(_ sql: String) -> [String] {
        var out: [String] = []
        var current = ""
        var inQuote = false
        var inDollar = false
        var inComment = false
        var previous: Character = " "
        for c in sql {
            if inComment {
                if c == "\n" { inComment = false }
                current.append(c)
            } else if inQuote {
                if c == "'" { inQuote = false }
                current.append(c)
            } else if inDollar {
                current.append(c)
                if c == "$" && previous == "$" { inDollar = false; previous = " "; continue }
            } else if c == "-" && previous == "-" {
                inComment = true
                current.append(c)
            } else if c == "'" {
                inQuote = true
                current.append(c)
            } else if c == "$" && previous == "$" {
                inDollar = true
                current.append(c)
                previous = " "
                continue
            } else if c == ";" {
                let statement = current.trimmingCharacters(in: .whitespacesAndNewlines)
                if !statement.isEmpty { out.append(statement) }
                current = ""
            } else {
                current.append(c)
            }
            previous = c
        }
        let last = current.trimmingCharacters(in: .whitespacesAndNewlines)
        if !last.isEmpty { out.append(last) }
        return out
    }
}
