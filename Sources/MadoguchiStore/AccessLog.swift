import Foundation
import GRDB
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
    /// Appends inside the caller's transaction.
    @discardableResult
    public static func append(_ record: AccessRecord, in db: Database) throws -> AccessEntry {
        let last = try Row.fetchOne(db.cachedStatement(sql: "SELECT sequence, hash FROM accessEntry ORDER BY sequence DESC LIMIT 1"))
        let sequence: Int64 = (last?["sequence"] ?? 0) + 1
        let previous: String = last?["hash"] ?? Ledger.genesis
        let payload = try record.canonicalJSON()
        let hash = Ledger.hash(previous: previous, payload: payload)
        try db.cachedStatement(
            sql: """
                INSERT INTO accessEntry (sequence, previousHash, hash, payload, at, actor, facilityId, action, purpose, flagged)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """
        ).execute(arguments: [
            sequence, previous, hash, String(decoding: payload, as: UTF8.self), record.at, record.actor, record.facilityId,
            record.action.rawValue, record.purpose.rawValue, record.flagged,
        ])
        let subject = try db.cachedStatement(sql: "INSERT INTO accessSubject (residentId, sequence) VALUES (?, ?)")
        for id in record.subjects { try subject.execute(arguments: [id, sequence]) }
        return AccessEntry(sequence: sequence, hash: hash, record: record)
    }

    /// Whether any of these people is under 支援措置 on this day: a read of them is flagged for the auditor.
    public static func anyProtected(_ db: Database, _ ids: [Int64], on date: CivilDate) throws -> Bool {
        guard !ids.isEmpty else { return false }
        let day = date.description
        return try Bool.fetchOne(
            db,
            sql: """
                SELECT EXISTS (SELECT 1 FROM supportMeasure WHERE subjectId IN (\(ids.map { _ in "?" }.joined(separator: ",")))
                AND termStart <= ? AND termEnd >= ? AND state <> 'ended')
                """,
            arguments: StatementArguments(ids + [day, day] as [any DatabaseValueConvertible])) ?? false
    }

    /// Walks the whole chain and names the first entry that does not hold: a gap, a broken hash, content that is not
    /// canonical, indexed columns or people that differ from the content.
    public static func verify(_ db: Database) throws -> LedgerVerification {
        var previous = Ledger.genesis
        var expected: Int64 = 1
        var count = 0
        let decoder = JSONDecoder()
        let people = try db.makeStatement(sql: "SELECT residentId FROM accessSubject WHERE sequence = ? ORDER BY residentId")
        let cursor = try Row.fetchCursor(db, sql: "SELECT * FROM accessEntry ORDER BY sequence")
        while let row = try cursor.next() {
            let sequence: Int64 = row["sequence"]
            func bad(_ problem: String) -> LedgerVerification {
                LedgerVerification(entries: count, head: nil, firstBad: sequence, problem: problem)
            }
            guard sequence == expected else { return bad("entry #\(expected) is missing") }
            guard row["previousHash"] == previous else { return bad("does not name the previous entry's hash") }
            let payload = Data((row["payload"] as String).utf8)
            guard Ledger.hash(previous: previous, payload: payload) == row["hash"] else { return bad("its hash does not match its content") }
            guard let record = try? decoder.decode(AccessRecord.self, from: payload), (try? record.canonicalJSON()) == payload else {
                return bad("its content is not a canonical access record")
            }
            guard record.at == row["at"], record.actor == row["actor"], record.facilityId == row["facilityId"],
                record.action.rawValue == row["action"], record.purpose.rawValue == row["purpose"], record.flagged == row["flagged"]
            else { return bad("its indexed columns differ from its content") }
            guard try Int64.fetchAll(people, arguments: [sequence]) == record.subjects else {
                return bad("the people indexed for it differ from its content")
            }
            previous = row["hash"]
            expected += 1
            count += 1
        }
        return LedgerVerification(entries: count, head: count == 0 ? nil : previous, firstBad: nil, problem: nil)
    }

    /// Entries matching the filter, newest first.
    public static func entries(_ db: Database, _ filter: AccessFilter) throws -> [AccessEntry] {
        var clauses: [String] = []
        var arguments: [any DatabaseValueConvertible] = []
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
        return try Row.fetchAll(db, sql: sql, arguments: StatementArguments(arguments)).map { row in
            AccessEntry(
                sequence: row["sequence"], hash: row["hash"],
                record: try decoder.decode(AccessRecord.self, from: Data((row["payload"] as String).utf8)))
        }
    }

    public static func count(_ db: Database, flaggedOnly: Bool = false) throws -> Int {
        try Int.fetchOne(db, sql: "SELECT count(*) FROM accessEntry\(flaggedOnly ? " WHERE flagged = 1" : "")") ?? 0
    }

    // MARK: The session's purpose

    public static func setPurpose(_ db: Database, sessionHash: String, _ purpose: AccessPurpose?) throws {
        try db.execute(sql: "UPDATE staffSession SET purpose = ? WHERE tokenHash = ?", arguments: [purpose?.rawValue, sessionHash])
    }
}
