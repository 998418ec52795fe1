import Foundation
import GRDB
import MadoguchiTestSupport
import Testing

@testable import MadoguchiStore

/// Write transactions that wait for the one SQLite writer are committed together (`GroupCommit`), and each still
/// stands alone: its own outcome, nothing of a failed one written, nobody told "written" before the commit.
@Suite("グループコミット")
struct GroupCommitTests {
    /// A pool on a new file with a table of rows and one of rows that point at them (for a commit that fails).
    static func pool(_ dir: URL) throws -> DatabasePool {
        let pool = try DatabasePool(path: dir.appendingPathComponent("group.sqlite").path, configuration: MadoguchiDatabase.configuration())
        try pool.write { db in
            try db.execute(sql: "CREATE TABLE entry (id INTEGER PRIMARY KEY, label TEXT NOT NULL)")
            try db.execute(sql: "CREATE TABLE note (id INTEGER PRIMARY KEY, entryId INTEGER NOT NULL REFERENCES entry(id))")
        }
        return pool
    }

    static func labels(_ pool: DatabasePool) throws -> [String] {
        try pool.read { db in try String.fetchAll(db, sql: "SELECT label FROM entry ORDER BY id") }
    }

    /// Holds the writer (a synchronous write on a thread of its own) until `release` is signalled, so that the
    /// transactions submitted meanwhile queue up.
    static func holdWriter(_ pool: DatabasePool) -> (held: DispatchSemaphore, release: DispatchSemaphore) {
        let held = DispatchSemaphore(value: 0)
        let release = DispatchSemaphore(value: 0)
        Thread {
            try? pool.writeWithoutTransaction { _ in
                held.signal()
                release.wait()
            }
        }.start()
        return (held, release)
    }

    /// Submits `body` as its own task, for the caller to await.
    static func submit(_ commit: GroupCommit, _ body: @escaping @Sendable (Database) throws -> String) -> Task<String, any Error> {
        Task { try await commit.write(body) }
    }

    /// Waits (off the pool) until `submitted` transactions have been submitted and `waiting` of them wait for a batch.
    static func until(_ commit: GroupCommit, submitted: Int, waiting: Int) async throws {
        _ = try await offThePool {
            let deadline = Date().addingTimeInterval(600)
            while commit.queue != (submitted, waiting), Date() < deadline { usleep(1_000) }
        }
        #expect(commit.queue == (submitted, waiting))
    }

    struct Refused: Error, Equatable {}

    @Test("queued transactions share a commit; one that throws or breaks a constraint is rolled back alone")
    func eachStandsAlone() async throws {
        let dir = Make.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let pool = try Self.pool(dir)
        let commit = GroupCommit(writer: pool)
        let (held, release) = Self.holdWriter(pool)
        _ = try await offThePool { held.wait() }
        let first = Self.submit(commit) { db in
            try db.execute(sql: "INSERT INTO entry (id, label) VALUES (1, 'a')")
            return "a"
        }
        try await Self.until(commit, submitted: 1, waiting: 0)  // the first is taken alone, and waits for the writer
        // Submitted one after another (tasks may start in any order), so the batch has them in this order.
        var tasks: [Task<String, any Error>] = []
        let bodies: [@Sendable (Database) throws -> String] = [
            { db in
                try db.execute(sql: "INSERT INTO entry (id, label) VALUES (2, 'b')")
                return "b"
            },
            { db in
                // Writes, then refuses: its row must not stay.
                try db.execute(sql: "INSERT INTO entry (id, label) VALUES (3, 'refused')")
                throw Refused()
            },
            { db in
                // The same key as the first: a constraint error, after a row of its own that must not stay either.
                try db.execute(sql: "INSERT INTO entry (id, label) VALUES (40, 'duplicate')")
                try db.execute(sql: "INSERT INTO entry (id, label) VALUES (1, 'duplicate')")
                return "duplicate"
            },
            { db in
                // Sees what the bodies before it in the batch wrote.
                let before = try Int.fetchOne(db, sql: "SELECT count(*) FROM entry") ?? -1
                try db.execute(sql: "INSERT INTO entry (id, label) VALUES (5, ?)", arguments: ["e\(before)"])
                return "e\(before)"
            },
        ]
        for body in bodies {
            tasks.append(Self.submit(commit, body))
            try await Self.until(commit, submitted: tasks.count + 1, waiting: tasks.count)
        }
        release.signal()
        #expect(try await first.value == "a")
        #expect(try await tasks[0].value == "b")
        await #expect(throws: Refused.self) { try await tasks[1].value }
        await #expect(throws: DatabaseError.self) { try await tasks[2].value }
        #expect(try await tasks[3].value == "e2", "the fifth saw the first two rows, and none of the refused ones")
        #expect(try Self.labels(pool) == ["a", "b", "e2"])
        #expect(commit.counts.batches == 2 && commit.counts.transactions == 5, "\(commit.counts)")
    }

    @Test("no caller is answered, and no reader sees a row, before its batch commits")
    func answeredAfterTheCommit() async throws {
        let dir = Make.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let pool = try Self.pool(dir)
        let commit = GroupCommit(writer: pool)
        let (held, release) = Self.holdWriter(pool)
        _ = try await offThePool { held.wait() }
        let lone = Self.submit(commit) { db in
            try db.execute(sql: "INSERT INTO entry (label) VALUES ('lone')")
            return "lone"
        }
        try await Self.until(commit, submitted: 1, waiting: 0)
        let entered = DispatchSemaphore(value: 0)
        let goOn = DispatchSemaphore(value: 0)
        let answered = Answered()
        let early = Task {
            let value = try await commit.write { db in
                try db.execute(sql: "INSERT INTO entry (label) VALUES ('early')")
                return "early"
            }
            answered.set()
            return value
        }
        try await Self.until(commit, submitted: 2, waiting: 1)
        let late = Self.submit(commit) { db in
            try db.execute(sql: "INSERT INTO entry (label) VALUES ('late')")
            entered.signal()
            goOn.wait()  // the batch stays open here, after `early` has written
            return "late"
        }
        try await Self.until(commit, submitted: 3, waiting: 2)
        release.signal()
        #expect(try await lone.value == "lone")
        _ = try await offThePool { entered.wait() }
        // `early`'s body is done and its batch not committed: its caller has no answer, and readers see nothing of it.
        #expect(!answered.value)
        #expect(try Self.labels(pool) == ["lone"])
        goOn.signal()
        #expect(try await early.value == "early")
        #expect(try await late.value == "late")
        #expect(try Self.labels(pool) == ["lone", "early", "late"])
    }

    @Test("a commit that fails fails every transaction of its batch, and writes none of them")
    func failedCommit() async throws {
        let dir = Make.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let pool = try Self.pool(dir)
        let commit = GroupCommit(writer: pool)
        let (held, release) = Self.holdWriter(pool)
        _ = try await offThePool { held.wait() }
        let lone = Self.submit(commit) { db in
            try db.execute(sql: "INSERT INTO entry (id, label) VALUES (1, 'lone')")
            return "lone"
        }
        try await Self.until(commit, submitted: 1, waiting: 0)
        let tasks = [
            Self.submit(commit) { db in
                try db.execute(sql: "INSERT INTO entry (label) VALUES ('before')")
                return "before"
            },
            Self.submit(commit) { db in
                // A foreign key checked only at COMMIT, pointing at nothing: the batch's commit fails.
                try db.execute(sql: "PRAGMA defer_foreign_keys = ON")
                try db.execute(sql: "INSERT INTO note (entryId) VALUES (999)")
                return "dangling"
            },
            Self.submit(commit) { db in
                try db.execute(sql: "INSERT INTO entry (label) VALUES ('after')")
                return "after"
            },
        ]
        try await Self.until(commit, submitted: 4, waiting: 3)
        release.signal()
        #expect(try await lone.value == "lone")
        for task in tasks {
            await #expect(throws: DatabaseError.self) { try await task.value }
        }
        #expect(try Self.labels(pool) == ["lone"])
        #expect(try await pool.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM note") } == 0)
        // The writer is not left inside the failed transaction: the next write commits.
        let next = try await commit.write { db in
            try db.execute(sql: "INSERT INTO entry (label) VALUES ('next')")
            return "next"
        }
        #expect(next == "next")
        #expect(try Self.labels(pool) == ["lone", "next"])
    }

    /// Set once, read from anywhere.
    final class Answered: @unchecked Sendable {
        private let lock = NSLock()
        private var isSet = false
        func set() { lock.withLock { isSet = true } }
        var value: Bool { lock.withLock { isSet } }
    }
}
