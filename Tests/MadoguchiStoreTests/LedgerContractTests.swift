import Foundation
import MadoguchiTestSupport
import Testing

@testable import MadoguchiDomain
@testable import MadoguchiStore

/// The ledger's contract, on SQLite and on PostgreSQL alike (issue 13 item 4): entries chain and verify, the database
/// itself refuses any change, removal or entry that does not extend the chain, a failed transaction leaves nothing, and
/// two servers sharing one database append in parallel without forking or breaking the chain.
@Suite("台帳の契約（SQLite と PostgreSQL）", .serialized)
struct LedgerContractTests {
    static func record(_ n: Int, actor: String = "clerk") -> LedgerRecord {
        LedgerRecord(
            action: .refuse, at: "2026-12-02T10:00:00+09:00", kind: .residentRecordCopy, subjectId: Int64(n),
            requesterClass: .self, channel: .counter, facilityId: nil, copies: 1, refusals: ["refusal.subjectNotFound"], actor: actor)
    }

    static func expectConstraint(_ body: () throws -> Void) {
        #expect {
            try body()
        } throws: { error in
            (error as? MadoguchiError)?.code == .constraintViolation
        }
    }

    @Test("appended entries chain from the genesis hash and verify", arguments: TestEngines.available)
    func appendAndVerify(engine: SQLEngine) throws {
        let store = try TestEngines.fresh(engine)
        let db = try store.open()
        let entries = try db.transaction(readOnly: false) { s in try (1...5).map { try Ledger.append(Self.record($0), in: s) } }
        #expect(entries.map(\.sequence) == [1, 2, 3, 4, 5])
        #expect(entries[0].previousHash == Ledger.genesis)
        #expect(zip(entries.dropFirst(), entries).allSatisfy { $0.previousHash == $1.hash })
        let verification = try db.transaction(readOnly: true) { s in try Ledger.verify(s) }
        #expect(verification.isIntact)
        #expect(verification.entries == 5)
        #expect(verification.head == entries.last?.hash)
        // Paging does not change the walk.
        #expect(try db.transaction(readOnly: true) { s in try Ledger.verify(s, page: 2) } == verification)
        #expect(try db.transaction(readOnly: true) { s in try Ledger.nextSequence(in: s) } == 6)
    }

    @Test("the database refuses to change, remove or fork the ledger, whoever asks", arguments: TestEngines.available)
    func appendOnly(engine: SQLEngine) throws {
        let store = try TestEngines.fresh(engine)
        let db = try store.open()
        let first = try db.transaction(readOnly: false) { s in try Ledger.append(Self.record(1), in: s) }
        Self.expectConstraint { try db.transaction(readOnly: false) { s in _ = try s.execute("UPDATE ledgerEntry SET at = 'x'") } }
        Self.expectConstraint { try db.transaction(readOnly: false) { s in _ = try s.execute("DELETE FROM ledgerEntry") } }
        let payload = String(decoding: try Self.record(2).canonicalJSON(), as: UTF8.self)
        let insert = """
            INSERT INTO ledgerEntry (sequence, previousHash, hash, payload, action, documentId, subjectId, at)
            VALUES (?, ?, ?, ?, 'refuse', NULL, 2, '2026-12-02T10:00:00+09:00')
            """
        // A gap in the sequence, and a second entry 2 naming the genesis instead of entry 1.
        Self.expectConstraint {
            try db.transaction(readOnly: false) { s in
                _ = try s.execute(insert, 3, first.hash, Ledger.hash(previous: first.hash, payload: Data(payload.utf8)), payload)
            }
        }
        Self.expectConstraint {
            try db.transaction(readOnly: false) { s in
                _ = try s.execute(insert, 2, Ledger.genesis, Ledger.hash(previous: Ledger.genesis, payload: Data(payload.utf8)), payload)
            }
        }
        if engine == .postgres {
            // CASCADE would take the certificates with it; the ledger's own trigger still refuses.
            Self.expectConstraint { try db.transaction(readOnly: false) { s in _ = try s.execute("TRUNCATE ledgerEntry CASCADE") } }
        }
        let verification = try db.transaction(readOnly: true) { s in try Ledger.verify(s) }
        #expect(verification.isIntact)
        #expect(verification.entries == 1)
    }

    @Test("a transaction that fails after appending leaves no entry", arguments: TestEngines.available)
    func rollback(engine: SQLEngine) throws {
        let store = try TestEngines.fresh(engine)
        let db = try store.open()
        struct Stop: Error {}
        #expect(throws: Stop.self) {
            try db.transaction(readOnly: false) { s in
                _ = try Ledger.append(Self.record(1), in: s)
                throw Stop()
            }
        }
        #expect(try db.transaction(readOnly: true) { s in try Ledger.verify(s) }.entries == 0)
        #expect(try db.transaction(readOnly: false) { s in try Ledger.append(Self.record(1), in: s) }.sequence == 1)
    }

    @Test("a read-only transaction cannot append", arguments: TestEngines.available)
    func readOnly(engine: SQLEngine) throws {
        let store = try TestEngines.fresh(engine)
        let db = try store.open()
        #expect {
            try db.transaction(readOnly: true) { s in _ = try Ledger.append(Self.record(1), in: s) }
        } throws: { error in
            (error as? MadoguchiError)?.code == .storeFailure
        }
    }

    /// Two servers (two handles with their own connections) and several tasks each, appending at once: the database
    /// serialises the append, so the chain neither forks nor skips, and no append is lost.
    @Test("two servers append in parallel to one chain", arguments: TestEngines.available)
    func twoServers(engine: SQLEngine) async throws {
        let store = try TestEngines.fresh(engine)
        let servers = [try store.open(), try store.open()]
        let perTask = 25
        let tasksPerServer = 4
        let sequences = try await withThrowingTaskGroup(of: [Int64].self) { group in
            for (s, server) in servers.enumerated() {
                for t in 0..<tasksPerServer {
                    group.addTask {
                        var mine: [Int64] = []
                        for i in 0..<perTask {
                            let n = (s * tasksPerServer + t) * perTask + i
                            mine.append(
                                try await server.transaction(readOnly: false, async: { session in
                                    let next = try Ledger.nextSequence(in: session)
                                    let entry = try Ledger.append(Self.record(n, actor: "server\(s)"), in: session)
                                    precondition(entry.sequence == next)
                                    return entry.sequence
                                }))
                        }
                        return mine
                    }
                }
            }
            return try await group.reduce(into: []) { $0 += $1 }
        }
        let total = servers.count * tasksPerServer * perTask
        #expect(sequences.count == total)
        #expect(Set(sequences) == Set((1...Int64(total)).map { $0 }))
        let verification = try await servers[0].transaction(readOnly: true, async: { s in try Ledger.verify(s) })
        #expect(verification.isIntact)
        #expect(verification.entries == total)
    }

    @Test("PostgreSQL: the schema is migrated once, even by two servers starting together")
    func migratesOnce() async throws {
        guard TestEngines.available.contains(.postgres) else { return }
        let store = try TestEngines.fresh(.postgres)
        let a = Task.detached { _ = try store.open() }
        let b = Task.detached { _ = try store.open() }
        try await a.value
        try await b.value
        let applied = try await Task.detached { try PostgresEngine.open(url: store.location).appliedMigrations() }.value
        #expect(applied == PostgresSchema.migrations.map(\.id))
    }

    @Test("a malformed PostgreSQL URL, or no server there, is a coded error")
    func badURL() throws {
        #expect {
            _ = try PostgresEngine(url: "mysql://x@y/z")
        } throws: { error in
            (error as? MadoguchiError)?.code == .storeBadURL
        }
        #expect {
            _ = try PostgresEngine.open(url: "postgres://nobody@127.0.0.1:1/none")
        } throws: { error in
            (error as? MadoguchiError)?.code == .storeUnavailable
        }
    }

    @Test("statements split on semicolons outside quotes, dollar-quoted bodies and comments")
    func splitting() {
        let sql = """
            CREATE TABLE a (x TEXT DEFAULT ';'); -- a comment; with a semicolon
            CREATE FUNCTION f() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'no; never'; END $$;
            SELECT 1
            """
        let parts = PostgresSchema.statements(sql)
        #expect(parts.count == 3)
        #expect(parts[0] == "CREATE TABLE a (x TEXT DEFAULT ';')")
        #expect(parts[1].hasSuffix("END $$"))
        #expect(parts[2] == "SELECT 1")
        #expect(Placeholders.numbered("SELECT ? , '?' , \"a?\" , ?") == "SELECT $1 , '?' , \"a?\" , $2")
    }
}
