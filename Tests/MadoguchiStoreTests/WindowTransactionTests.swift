import Foundation
import GRDB
import Testing

@testable import MadoguchiDomain
@testable import MadoguchiStore

/// The unit of work the issuance, kiosk, 広域交付 and counter use cases run in (ADR 0010 §1): all or nothing, guarded
/// state changes, reads that cannot write, and stored values outside their vocabulary as coded errors.
@Suite("窓口の取引（ひとつのトランザクション）")
struct WindowTransactionTests {
    static func session(_ id: String = "req-00000001", state: KioskSessionState = .started) -> KioskSessionRecord {
        KioskSessionRecord(
            requestId: id, chain: "chain", store: "store-1", challenge: Data(repeating: 7, count: 32), state: state,
            createdAt: "2026-12-02T10:00:00+09:00", updatedAt: "2026-12-02T10:00:00+09:00", expiresAtMs: 1_000)
    }

    @Test("a body that throws leaves nothing behind")
    func rollsBack() throws {
        let database = try MadoguchiDatabase.inMemory()
        struct Stop: Error {}
        #expect(throws: Stop.self) {
            try database.transaction { tx in
                try tx.insertKioskSession(Self.session())
                #expect(try tx.kioskSession("req-00000001") != nil)
                throw Stop()
            }
        }
        #expect(try database.snapshot { tx in try tx.kioskSession("req-00000001") } == nil)
    }

    @Test("a session changes only from the state it was read in; a second writer from the same state loses")
    func guardedUpdate() async throws {
        let database = try MadoguchiDatabase.inMemory()
        try await database.transaction(async: { tx in try tx.insertKioskSession(Self.session()) })
        var first = Self.session(state: .aborted)
        first.abortReason = "cancel"
        let aborted = first
        #expect(try await database.transaction(async: { tx in try tx.updateKioskSession(aborted, expected: .started) }))
        // The same step again, from `started`: the row moved on, nothing is written.
        var second = Self.session(state: .aborted)
        second.abortReason = "timeout"
        let other = second
        #expect(try await database.transaction(async: { tx in try tx.updateKioskSession(other, expected: .started) }) == false)
        let stored = try await database.snapshot(async: { tx in try tx.kioskSession("req-00000001") })
        #expect(stored?.state == .aborted)
        #expect(stored?.abortReason == "cancel")
    }

    @Test("a snapshot cannot write, and says so with a code")
    func snapshotReadsOnly() throws {
        let database = try MadoguchiDatabase.inMemory()
        #expect {
            try database.snapshot { tx in try tx.insertKioskSession(Self.session()) }
        } throws: { error in
            (error as? MadoguchiError)?.code == .storeFailure
        }
        #expect(try database.snapshot { tx in try tx.kioskSession("req-00000001") } == nil)
    }

    @Test("a stored state outside the vocabulary is a coded error, never a crash")
    func unreadableState() throws {
        let database = try MadoguchiDatabase.inMemory()
        try database.transaction { tx in try tx.insertKioskSession(Self.session()) }
        // Only a database changed behind the schema's back holds such a value.
        try database.writer.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA ignore_check_constraints = ON")
            try db.execute(sql: "UPDATE kioskSession SET state = 'teleported'")
            try db.execute(sql: "PRAGMA ignore_check_constraints = OFF")
        }
        #expect {
            try database.snapshot { tx in try tx.kioskSession("req-00000001") }
        } throws: { error in
            let e = error as? MadoguchiError
            return e?.code == .storeFailure && e?.en.contains("kioskSession.state") == true
        }
    }

    @Test("the ledger sequence a certificate prints is the one its entry gets")
    func nextSequence() throws {
        let database = try MadoguchiDatabase.inMemory()
        let (expected, appended) = try database.transaction { tx in
            let expected = try tx.nextLedgerSequence()
            let entry = try tx.appendLedger(
                LedgerRecord(
                    action: .refuse, at: "2026-12-02T10:00:00+09:00", kind: .residentRecordCopy, subjectId: 0,
                    requesterClass: .self, channel: .counter, facilityId: nil, copies: 1, refusals: ["refusal.subjectNotFound"]))
            return (expected, entry.sequence)
        }
        #expect(expected == 1)
        #expect(appended == 1)
        #expect(try database.snapshot { tx in try tx.nextLedgerSequence() } == 2)
        #expect(try database.snapshot { tx in try tx.ledgerRecord(sequence: 1)?.refusals } == ["refusal.subjectNotFound"])
    }

    @Test("an insert bound straight into SQLite: a wrong count of arguments or a refused row is a coded error, and the id comes back")
    func directInsert() throws {
        let database = try MadoguchiDatabase.inMemory()
        let household = """
            INSERT INTO household (prefecture, municipality, ward, town, block, building, formedOn) VALUES (?, ?, ?, ?, ?, ?, ?)
            """
        let row: [SQLValue] = [.text("神奈川県"), .text("窓口市"), .text("中央区"), .text("本町"), .text("1-1"), .null, .text("2020-04-01")]
        let first = try database.transaction(readOnly: false) { s in try s.insert(household, row) }
        let second = try database.transaction(readOnly: false) { s in try s.insert(household, row) }
        #expect(second == first + 1)
        #expect {
            try database.transaction(readOnly: false) { s in _ = try s.insert(household, Array(row.dropLast())) }
        } throws: { error in
            (error as? MadoguchiError)?.code == .storeFailure
        }
        var bad = row
        bad[0] = .text("")  // the schema refuses an empty prefecture
        #expect {
            try database.transaction(readOnly: false) { s in _ = try s.insert(household, bad) }
        } throws: { error in
            (error as? MadoguchiError)?.code == .constraintViolation
        }
        // The statement is usable again after a failure, and nothing half-written stayed.
        #expect(try database.transaction(readOnly: false) { s in try s.insert(household, row) } == first + 2)
        #expect(try database.transaction(readOnly: true) { s in try s.scalar("SELECT count(*) FROM household", as: Int.self) } == 3)
    }
}
