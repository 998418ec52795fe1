import Foundation
import GRDB
import MadoguchiTestSupport
import Testing

@testable import MadoguchiStore

/// The log is folded beside the writer, and stays bounded when that falls behind (`WALCheckpointer`).
@Suite("WAL の書き戻し")
struct WALCheckpointTests {
    /// A pool on a new file whose writer reports to `checkpointer`, and a table of blobs to fill its log.
    static func pool(_ dir: URL, _ checkpointer: (String) -> WALCheckpointer) throws -> (DatabasePool, WALCheckpointer, String) {
        let path = dir.appendingPathComponent("wal.sqlite").path
        let c = checkpointer(path)
        let pool = try DatabasePool(path: path, configuration: MadoguchiDatabase.configuration(checkpointer: c))
        try pool.write { db in try db.execute(sql: "CREATE TABLE scratch (id INTEGER PRIMARY KEY, body BLOB NOT NULL)") }
        return (pool, c, path)
    }

    /// `count` transactions of one 16 KiB row each: five pages or so a commit.
    static func fill(_ pool: DatabasePool, _ count: Int) throws {
        let body = Data(repeating: 0xA5, count: 16 * 1024)
        for _ in 0..<count {
            try pool.write { db in try db.execute(sql: "INSERT INTO scratch (body) VALUES (?)", arguments: [body]) }
        }
    }

    static func walPages(_ path: String) -> Int {
        let size = (try? FileManager.default.attributesOfItem(atPath: path + "-wal")[.size] as? Int) ?? 0
        return size / 4096
    }

    @Test("past the threshold the log is folded on the checkpointer's own connection, and every row is there")
    func background() throws {
        let dir = Make.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let (pool, checkpointer, _) = try Self.pool(dir) { WALCheckpointer(path: $0, threshold: 100, backstop: .max) }
        try Self.fill(pool, 400)
        checkpointer.drain()
        #expect(checkpointer.completed >= 1)
        #expect(try pool.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM scratch") } == 400)
        // A new connection, reading the main file and the log, sees the same.
        let again = try DatabaseQueue(path: dir.appendingPathComponent("wal.sqlite").path)
        #expect(try again.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM scratch") } == 400)
    }

    @Test("when the checkpointer does not keep up, the writer folds the log itself past the backstop")
    func backstop() throws {
        let dir = Make.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        // Never in the background: only the writer's backstop can fold it.
        let (pool, checkpointer, path) = try Self.pool(dir) { WALCheckpointer(path: $0, threshold: .max, backstop: 200) }
        try Self.fill(pool, 600)  // about 3,000 frames written in all
        #expect(checkpointer.completed == 0)
        #expect(Self.walPages(path) < 300, "the log stays near the backstop: \(Self.walPages(path)) pages")
        #expect(try pool.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM scratch") } == 600)
    }

    @Test("without a backstop the same writes grow the log (the test above can fail)")
    func unbounded() throws {
        let dir = Make.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let (pool, _, path) = try Self.pool(dir) { WALCheckpointer(path: $0, threshold: .max, backstop: .max) }
        try Self.fill(pool, 600)
        #expect(Self.walPages(path) > 2000)
    }

    @Test("a database file opened by Madoguchi checkpoints beside its writer")
    func opened() throws {
        let dir = Make.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let db = try MadoguchiDatabase.open(path: dir.appendingPathComponent("city.sqlite").path)
        let checkpointer = try #require(db.checkpointer)
        #expect(checkpointer.threshold == 1000)
        let body = Data(repeating: 0x5A, count: 16 * 1024)
        try db.writer.write { d in try d.execute(sql: "CREATE TABLE scratch (id INTEGER PRIMARY KEY, body BLOB NOT NULL)") }
        for _ in 0..<400 {
            try db.writer.write { d in try d.execute(sql: "INSERT INTO scratch (body) VALUES (?)", arguments: [body]) }
        }
        checkpointer.drain()
        #expect(checkpointer.completed >= 1)
        #expect(try MadoguchiDatabase.inMemory().checkpointer == nil)
    }
}
