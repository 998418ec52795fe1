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
        let last = try Row.fetchOne(
            db.cachedStatement(sql: "SELECT sequence, hash FROM ledgerEntry ORDER BY sequence DESC LIMIT 1"))
        let sequence: Int64 = (last?["sequence"] ?? 0) + 1
        let previous: String = last?["hash"] ?? genesis
        let payload = try record.canonicalJSON()
        let hash = hash(previous: previous, payload: payload)
        try db.cachedStatement(
            sql: """
                INSERT INTO ledgerEntry (sequence, previousHash, hash, payload, action, documentId, subjectId, at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """
        ).execute(arguments: [
            sequence, previous, hash, String(decoding: payload, as: UTF8.self), record.action.rawValue,
            record.documentId, record.subjectId, record.at,
        ])
        return LedgerEntry(sequence: sequence, previousHash: previous, hash: hash, record: record)
    }

    /// Walks the whole chain in order and names the first entry that does not hold.
    public static func verify(_ db: Database) throws -> LedgerVerification {
        var previous = genesis
        var expected: Int64 = 1
        var count = 0
        let cursor = try Row.fetchCursor(
            db, sql: "SELECT sequence, previousHash, hash, payload, action, documentId, subjectId, at FROM ledgerEntry ORDER BY sequence")
        let decoder = JSONDecoder()
        while let row = try cursor.next() {
            let sequence: Int64 = row["sequence"]
            func bad(_ problem: String) -> LedgerVerification {
                LedgerVerification(entries: count, head: nil, firstBad: sequence, problem: problem)
            }
            guard sequence == expected else { return bad("entry #\(expected) is missing") }
            guard row["previousHash"] == previous else { return bad("does not name the previous entry's hash") }
            let payload = Data((row["payload"] as String).utf8)
            guard hash(previous: previous, payload: payload) == row["hash"] else {
                return bad("its hash does not match its content")
            }
            guard let record = try? decoder.decode(LedgerRecord.self, from: payload),
                (try? record.canonicalJSON()) == payload
            else { return bad("its content is not a canonical ledger record") }
            guard record.action.rawValue == row["action"], record.documentId == row["documentId"],
                record.subjectId == row["subjectId"], record.at == row["at"]
            else { return bad("its indexed columns differ from its content") }
            previous = row["hash"]
            expected += 1
            count += 1
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
