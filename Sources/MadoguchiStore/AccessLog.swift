import Foundation
import MadoguchiDomain

/// An access entry as stored: its place in the chain and its hash.
public struct AccessEntry: Sendable, Hashable {
    public var sequence: Int64
    public var hash: String
    public var record: AccessRecord
}

/// Which entries an auditor asks for.
public struct AccessFilter: Sendable, Hashable {
    /// From this instant (inclusive), as the log writes instants; a date `2026-11-24` works as its start
    public var from: String?
    /// Before this instant (exclusive)
    public var until: String?
    public var actor: String?
    public var residentId: Int64?
    public var flaggedOnly = false
    public var limit = 500

    public init(from: String? = nil, until: String? = nil, actor: String? = nil, residentId: Int64? = nil, flaggedOnly: Bool = false,
                limit: Int = 500) {
        self.from = from
        self.until = until
        self.actor = actor
        self.residentId = residentId
        self.flaggedOnly = flaggedOnly
        self.limit = limit
    }
}

/// The access log: append-only, each entry holding the previous entry's hash (as the ledger does), so that no read
/// can be taken out of it unnoticed. ``verify(_:)`` recomputes the chain and checks the index of people against it.
public enum AccessLog {
    /// Appends inside the caller's transaction. On PostgreSQL the transaction first takes the log's advisory lock, held
    /// to its commit, so that servers sharing the database extend one chain (the schema refuses a fork besides).
    @discardableResult
    public static func append(_ record: AccessRecord, in db: any SQLSession) throws -> AccessEntry {
        if db.engine == .postgres { try db.enqueue("SELECT pg_advisory_xact_lock(?)", [.integer(accessLock)]) }
        let last = try db.row("SELECT sequence, hash FROM accessEntry ORDER BY sequence DESC LIMIT 1")
        let sequence = (try last?.int("sequence") ?? 0) + 1
        let previous = try last?.text("hash") ?? Ledger.genesis
        let payload = try record.canonicalJSON()
        let hash = Ledger.hash(previous: previous, payload: payload)
        try db.enqueue(
            """
            INSERT INTO accessEntry (sequence, previousHash, hash, payload, at, actor, facilityId, action, purpose, flagged)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """,
            arguments: [
                sequence, previous, hash, String(decoding: payload, as: UTF8.self), record.at, record.actor, record.facilityId,
                record.action.rawValue, record.purpose.rawValue, record.flagged,
            ])
        for id in record.subjects { try db.enqueue("INSERT INTO accessSubject (residentId, sequence) VALUES (?, ?)", id, sequence) }
        return AccessEntry(sequence: sequence, hash: hash, record: record)
    }

    /// Appends `record`, flagged when it shows anyone under 支援措置 on `day`, inside the caller's transaction.
    @discardableResult
    public static func append(_ record: AccessRecord, flagProtectedOn day: CivilDate, in db: any SQLSession) throws -> AccessEntry {
        var record = record
        record.flagged = try anyProtected(db, record.subjects, on: day)
        return try append(record, in: db)
    }

    /// The access log's advisory lock on PostgreSQL (the ledger has its own).
    static let accessLock: Int64 = 0x6D61_646F_0004

    /// Whether any of these people is under 支援措置 on this day: a read of them is flagged for the auditor.
    public static func anyProtected(_ db: any SQLSession, _ ids: [Int64], on date: CivilDate) throws -> Bool {
        guard !ids.isEmpty else { return false }
        let day = date.description
        return try db.exists(
            """
            SELECT 1 FROM supportMeasure WHERE subjectId IN (\(ids.map { _ in "?" }.joined(separator: ",")))
            AND termStart <= ? AND termEnd >= ? AND state <> 'ended'
            """, arguments: ids + [day, day] as [any SQLBindable])
    }

    /// Walks the whole chain, a page at a time, and names the first entry that does not hold: a gap, a broken hash,
    /// content that is not canonical, indexed columns or people that differ from the content.
    public static func verify(_ db: any SQLSession, page: Int = 5_000) throws -> LedgerVerification {
        var previous = Ledger.genesis
        var expected: Int64 = 1
        var count = 0
        let decoder = JSONDecoder()
        var after: Int64 = 0
        while true {
            let rows = try db.rows("SELECT * FROM accessEntry WHERE sequence > ? ORDER BY sequence LIMIT ?", after, page)
            if rows.isEmpty { break }
            var people: [Int64: [Int64]] = [:]
            for row in try db.rows(
                "SELECT sequence, residentId FROM accessSubject WHERE sequence > ? AND sequence <= ? ORDER BY sequence, residentId",
                after, try rows.last!.int("sequence"))
            {
                people[try row.int("sequence"), default: []].append(try row.int("residentId"))
            }
            for row in rows {
                let sequence = try row.int("sequence")
                func bad(_ problem: String) -> LedgerVerification {
                    LedgerVerification(entries: count, head: nil, firstBad: sequence, problem: problem)
                }
                guard sequence == expected else { return bad("entry #\(expected) is missing") }
                guard try row.text("previousHash") == previous else { return bad("does not name the previous entry's hash") }
                let payload = Data(try row.text("payload").utf8)
                let hash = try row.text("hash")
                guard Ledger.hash(previous: previous, payload: payload) == hash else { return bad("its hash does not match its content") }
                guard let record = try? decoder.decode(AccessRecord.self, from: payload), (try? record.canonicalJSON()) == payload else {
                    return bad("its content is not a canonical access record")
                }
                guard try record.at == row.text("at"), try record.actor == row.text("actor"),
                    try record.facilityId == row.optionalText("facilityId"), try record.action.rawValue == row.text("action"),
                    try record.purpose.rawValue == row.text("purpose"), try record.flagged == (row.int("flagged") != 0)
                else { return bad("its indexed columns differ from its content") }
                guard (people[sequence] ?? []) == record.subjects else {
                    return bad("the people indexed for it differ from its content")
                }
                previous = hash
                expected += 1
                count += 1
                after = sequence
            }
        }
        return LedgerVerification(entries: count, head: count == 0 ? nil : previous, firstBad: nil, problem: nil)
    }

    /// Entries matching the filter, newest first.
    public static func entries(_ db: any SQLSession, _ filter: AccessFilter) throws -> [AccessEntry] {
        var clauses: [String] = []
        var arguments: [any SQLBindable] = []
        if let from = filter.from {
            clauses.append("e.at >= ?")
            arguments.append(from)
        }
        if let until = filter.until {
            clauses.append("e.at < ?")
            arguments.append(until)
        }
        if let actor = filter.actor {
            clauses.append("e.actor = ?")
            arguments.append(actor)
        }
        if let id = filter.residentId {
            clauses.append("e.sequence IN (SELECT sequence FROM accessSubject WHERE residentId = ?)")
            arguments.append(id)
        }
        if filter.flaggedOnly { clauses.append("e.flagged = 1") }
        let sql = """
            SELECT e.sequence, e.hash, e.payload FROM accessEntry e
            \(clauses.isEmpty ? "" : "WHERE " + clauses.joined(separator: " AND "))
            ORDER BY e.sequence DESC LIMIT ?
            """
        arguments.append(max(1, min(filter.limit, 100_000)))
        let decoder = JSONDecoder()
        return try db.rows(sql, arguments: arguments).map { row in
            AccessEntry(
                sequence: try row.int("sequence"), hash: try row.text("hash"),
                record: try decoder.decode(AccessRecord.self, from: Data(try row.text("payload").utf8)))
        }
    }

    public static func count(_ db: any SQLSession, flaggedOnly: Bool = false) throws -> Int {
        try db.scalar("SELECT count(*) FROM accessEntry\(flaggedOnly ? " WHERE flagged = 1" : "")", as: Int.self) ?? 0
    }

    // MARK: The session's purpose

    public static func setPurpose(_ db: any SQLSession, sessionHash: String, _ purpose: AccessPurpose?) throws {
        try db.execute("UPDATE staffSession SET purpose = ? WHERE tokenHash = ?", purpose?.rawValue, sessionHash)
    }
}
