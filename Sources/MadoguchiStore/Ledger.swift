import Crypto
import Foundation
import GRDB
import MadoguchiDomain

/// An entry as stored: its place in the chain and its hash.
public struct LedgerEntry: Sendable, Hashable {
    public var sequence: Int64
    public var previousHash: String
    public var hash: String
    public var record: LedgerRecord
}

/// What `ledger verify` found.
public struct LedgerVerification: Sendable, Hashable {
    public var entries: Int
    /// The last entry's hash (the chain's head), when it holds
    public var head: String?
    /// The first entry that does not hold, and why
    public var firstBad: Int64?
    public var problem: String?

    public var isIntact: Bool { firstBad == nil }
}

/// The issuance ledger: append-only, each entry holding the previous entry's hash, so that any change
/// to any past entry breaks every hash after it. The schema refuses updates, deletions and
/// out-of-chain inserts; ``verify(_:)`` recomputes every hash from the stored payloads.
public enum Ledger {
    public static let genesis = String(repeating: "0", count: 64)

    /// SHA-256 over the previous hash, a newline, and the record's canonical JSON.
    public static func hash(previous: String, payload: Data) -> String {
        var h = SHA256()
        h.update(data: Data(previous.utf8))
        h.update(data: Data([0x0A]))
        h.update(data: payload)
        return hex(h.finalize())
    }

    public static func sha256(_ data: Data) -> String { hex(SHA256.hash(data: data)) }

    static func hex<D: Sequence>(_ digest: D) -> String where D.Element == UInt8 {
        let digits = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        out.reserveCapacity(64)
        for b in digest {
            out.append(digits[Int(b >> 4)])
            out.append(digits[Int(b & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Appends a record inside the caller's transaction (so the entry and what it records commit together).
    @discardableResult
    public static func append(_ record: LedgerRecord, in db: Database) throws -> LedgerEntry {
        try append(record, in: GRDBSession(db: db))
    }

    /// Appends a record inside the caller's transaction, on either engine. The append is serialised by the database:
    /// SQLite has one writer; on PostgreSQL the transaction first takes the ledger's advisory lock, held to its commit,
    /// so that servers sharing the database extend one chain (and the schema refuses any entry that would fork it).
    @discardableResult
    public static func append(_ record: LedgerRecord, in session: any SQLSession) throws -> LedgerEntry {
        try append(record, in: session, after: nil)
    }

    /// Appends many records in order inside the caller's transaction, a few hundred rows to a statement (bulk loads and
    /// benchmarks); the chain is the one `append` would make, one entry at a time.
    static func append(_ records: [LedgerRecord], in session: any SQLSession) throws {
        var head = try lockedHead(session)
        var rows: [[any SQLBindable]] = []
        rows.reserveCapacity(records.count)
        for record in records {
            let payload = try record.canonicalJSON()
            let hash = hash(previous: head.hash, payload: payload)
            rows.append([head.sequence + 1, head.hash, hash, String(decoding: payload, as: UTF8.self), record.action.rawValue,
                         record.documentId, record.subjectId, record.at])
            head = Head(sequence: head.sequence + 1, hash: hash)
        }
        try session.insertRows(
            "INSERT INTO ledgerEntry (sequence, previousHash, hash, payload, action, documentId, subjectId, at) VALUES",
            columns: 8, rows, chunk: 500)
    }

    /// The chain's last entry (sequence 0 and the genesis hash for an empty ledger).
    public struct Head: Sendable, Hashable {
        public var sequence: Int64
        public var hash: String
    }

    /// Takes the ledger's lock (PostgreSQL) and reads the head: from here to the commit no other transaction appends,
    /// so the head read stays the head until this transaction appends after it.
    public static func lockedHead(_ session: any SQLSession) throws -> Head {
        try serialise(session)
        let last = try session.row("SELECT sequence, hash FROM ledgerEntry ORDER BY sequence DESC LIMIT 1")
        return Head(sequence: try last?.int("sequence") ?? 0, hash: try last?.text("hash") ?? genesis)
    }

    /// Appends after `head` when the caller holds it from `lockedHead` in this transaction (one lock and one read
    /// fewer inside the serialised part); else locks and reads the head first.
    public static func append(_ record: LedgerRecord, in session: any SQLSession, after head: Head?) throws -> LedgerEntry {
        let head = try head ?? lockedHead(session)
        let sequence = head.sequence + 1
        let previous = head.hash
        let payload = try record.canonicalJSON()
        let hash = hash(previous: previous, payload: payload)
        try session.enqueue(
            """
            INSERT INTO ledgerEntry (sequence, previousHash, hash, payload, action, documentId, subjectId, at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """,
            sequence, previous, hash, String(decoding: payload, as: UTF8.self), record.action.rawValue, record.documentId,
            record.subjectId, record.at)
        return LedgerEntry(sequence: sequence, previousHash: previous, hash: hash, record: record)
    }

    /// The sequence the next entry of this transaction gets. On PostgreSQL it takes the ledger's lock first, so the
    /// number cannot be taken by another server before this transaction appends (a certificate prints it).
    public static func nextSequence(in session: any SQLSession) throws -> Int64 {
        try lockedHead(session).sequence + 1
    }

    /// The ledger's transaction-level advisory lock on PostgreSQL (released at commit or rollback); nothing on SQLite,
    /// whose one writer already serialises.
    static func serialise(_ session: any SQLSession) throws {
        guard session.engine == .postgres else { return }
        try session.enqueue("SELECT pg_advisory_xact_lock(?)", [.integer(ledgerLock)])
    }

    static let ledgerLock: Int64 = 0x6D61_646F_0002

    /// On PostgreSQL, a transaction-level lock on one idempotency key (its hash, in a namespace of its own): a retry
    /// racing its original waits for it and then finds the key, while requests with other keys go on. The ledger's
    /// lock is taken later, only around the append. Nothing on SQLite.
    static func serialise(_ session: any SQLSession, idempotencyKey key: String) throws {
        guard session.engine == .postgres else { return }
        try session.enqueue("SELECT pg_advisory_xact_lock(CAST(? AS integer), hashtext(?))", [.integer(keyLockNamespace), .text(key)])
    }

    static let keyLockNamespace: Int64 = 0x6D61_6403

    /// Walks the whole chain in order and names the first entry that does not hold.
    public static func verify(_ db: Database) throws -> LedgerVerification {
        try verify(GRDBSession(db: db))
    }

    /// Walks the whole chain in order, a page at a time (memory stays flat over millions of entries), and names the
    /// first entry that does not hold.
    public static func verify(_ session: any SQLSession, page: Int = 5_000) throws -> LedgerVerification {
        var previous = genesis
        var expected: Int64 = 1
        var count = 0
        let decoder = JSONDecoder()
        var after: Int64 = 0
        while true {
            let rows = try session.rows(
                """
                SELECT sequence, previousHash, hash, payload, action, documentId, subjectId, at FROM ledgerEntry
                WHERE sequence > ? ORDER BY sequence LIMIT ?
                """,
                after, page)
            for row in rows {
                let sequence = try row.int("sequence")
                func bad(_ problem: String) -> LedgerVerification {
                    LedgerVerification(entries: count, head: nil, firstBad: sequence, problem: problem)
                }
                guard sequence == expected else { return bad("entry #\(expected) is missing") }
                guard try row.text("previousHash") == previous else { return bad("does not name the previous entry's hash") }
                let payload = Data(try row.text("payload").utf8)
                let stored = try row.text("hash")
                guard hash(previous: previous, payload: payload) == stored else {
                    return bad("its hash does not match its content")
                }
                guard let record = try? decoder.decode(LedgerRecord.self, from: payload),
                    (try? record.canonicalJSON()) == payload
                else { return bad("its content is not a canonical ledger record") }
                guard try record.action.rawValue == row.text("action"), try record.documentId == row.optionalText("documentId"),
                    try record.subjectId == row.int("subjectId"), try record.at == row.text("at")
                else { return bad("its indexed columns differ from its content") }
                previous = stored
                expected += 1
                count += 1
                after = sequence
            }
            if rows.count < page { break }
        }
        return LedgerVerification(entries: count, head: count == 0 ? nil : previous, firstBad: nil, problem: nil)
    }

    public static func entries(_ db: Database, documentId: String) throws -> [LedgerEntry] {
        try Row.fetchAll(
            db, sql: "SELECT sequence, previousHash, hash, payload FROM ledgerEntry WHERE documentId = ? ORDER BY sequence",
            arguments: [documentId]
        ).map { row in
            LedgerEntry(
                sequence: row["sequence"], previousHash: row["previousHash"], hash: row["hash"],
                record: try JSONDecoder().decode(LedgerRecord.self, from: Data((row["payload"] as String).utf8)))
        }
    }
}
