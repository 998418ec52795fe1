import Foundation
import GRDB
import MadoguchiDomain
import MadoguchiIssuance
import MadoguchiStore
import Testing

@Suite("台帳コマンド", .serialized)
struct LedgerCLITests {
    @Test("ledger verify passes an intact chain and names the first entry of a tampered one")
    func verify() throws {
        let dir = CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("ledger.sqlite").path
        #expect(try CLI.run(["seed", "--db", path, "--residents", "400"]).status == 0)
        let empty = try CLI.run(["ledger", "verify", "--db", path])
        #expect(empty.status == 0)
        #expect(empty.out.contains("0 entries"))

        let db = try MadoguchiDatabase.open(path: path)
        let service = IssuanceService(database: db, clock: MadoguchiClock.parse("2026-11-24T10:00:00+09:00")!)
        let subject = try #require(try db.writer.read { d in
            try Int64.fetchOne(d, sql: "SELECT id FROM resident WHERE removedOn IS NULL AND relationship = 'householder' LIMIT 1")
        })
        for copies in 1...3 {
            _ = try service.issue(.init(
                kind: .residentRecordCopy, subjectId: subject,
                requester: Requester(.self, residentId: subject, identityDocuments: [.myNumberCard]),
                options: .init(copies: copies)))
        }
        let intact = try CLI.run(["ledger", "verify", "--db", path])
        #expect(intact.status == 0)
        #expect(intact.out.contains("3 entries"))

        try db.writer.writeWithoutTransaction { d in
            try d.execute(sql: "DROP TRIGGER ledgerEntry_no_update")
            try d.execute(sql: "UPDATE ledgerEntry SET payload = replace(payload, '\"copies\":2', '\"copies\":9') WHERE sequence = 2")
        }
        let broken = try CLI.run(["ledger", "verify", "--db", path])
        #expect(broken.status == 1)
        #expect(broken.err.contains("#2"))
        #expect(broken.err.contains("第2項"))
    }
}
