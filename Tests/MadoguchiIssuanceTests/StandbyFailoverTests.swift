import Foundation
import MadoguchiPKI
import MadoguchiTestSupport
import Testing

@testable import MadoguchiDemo
@testable import MadoguchiDomain
@testable import MadoguchiIssuance
@testable import MadoguchiStore

/// A city on a PostgreSQL primary with a streaming standby on loopback (issue 13 item 4): the standby serves public
/// verification and search; when the primary dies those reads go on, writes stop; the standby is promoted and the
/// ledger verifies there, whole, and issuance goes on from it.
@Suite("スタンバイへの切替（PostgreSQL）", .serialized)
struct StandbyFailoverTests {
    static let clock = MadoguchiClock.parse("2026-11-24T10:00:00+09:00")!
    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("scripts/pg-cluster.sh").path

    /// Runs `scripts/pg-cluster.sh` to its end. The servers it starts outlive it; they get none of this process's
    /// descriptors (`Spawned` closes them in the child), so they hold no other test's pipe open.
    static func cluster(_ arguments: [String]) throws {
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("pg-cluster-\(UUID().uuidString).log").path
        defer { try? FileManager.default.removeItem(atPath: log) }
        let script = try Spawned("/bin/bash", [Self.script] + arguments, output: .file(log), error: .output)
        guard script.wait(limit: .seconds(300)) == 0 else {
            if script.isRunning { Subprocess.killTree(script.pid) }
            let message = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
            throw MadoguchiError(.storeFailure, ja: "", en: "pg-cluster.sh \(arguments.joined(separator: " ")) (\(script.status ?? -1)): \(message)")
        }
    }

    static func me(_ id: Int64) -> Requester { Requester(.self, residentId: id, identityDocuments: [.myNumberCard]) }

    @Test("the standby answers verification and search, keeps answering with the primary gone, and once promoted holds the whole ledger",
          .enabled(if: TestEngines.available.contains(.postgres)), .timeLimit(.minutes(10)))
    func failover() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("madoguchi-failover-\(UUID().uuidString)")
        let primaryDir = dir.appendingPathComponent("primary").path, standbyDir = dir.appendingPathComponent("standby").path
        defer {
            try? Self.cluster(["remove", standbyDir])
            try? Self.cluster(["remove", primaryDir])
            try? FileManager.default.removeItem(at: dir)
        }
        let ports = FreePorts.base(2)
        try Self.cluster(["primary", primaryDir, String(ports)])
        let admin = try PostgresEngine(url: "postgres://postgres@127.0.0.1:\(ports)/postgres", threads: 1)
        try admin.autocommit("CREATE DATABASE city")
        admin.closeIdle()
        let primaryURL = "postgres://postgres@127.0.0.1:\(ports)/city", standbyURL = "postgres://postgres@127.0.0.1:\(ports + 1)/city"
        let keys = MasterKey.generate()
        let db = try MadoguchiDatabase.open(postgres: primaryURL, keys: keys, standby: standbyURL)
        _ = try DemoCityGenerator.generate(into: db, options: .init(residents: 200, seed: 7))
        let service = IssuanceService(database: db, clock: Self.clock)
        try service.prepareSigning()
        let subjects = try db.transaction(readOnly: true) { s in
            try s.column(
                """
                SELECT id FROM resident WHERE removedOn IS NULL
                AND NOT EXISTS (SELECT 1 FROM supportMeasure m WHERE m.subjectId = resident.id) ORDER BY id LIMIT 6
                """, as: Int64.self)
        }
        func issue(_ service: IssuanceService, _ subject: Int64) throws -> IssuedCertificate {
            let outcome = try service.issue(IssuanceService.Submission(kind: .residentRecordCopy, subjectId: subject, requester: Self.me(subject)))
            guard case .issued(let c, _) = outcome else { throw MadoguchiError(.storeFailure, ja: "", en: "refused: \(outcome)") }
            return c
        }
        // Three before the standby is copied, three streamed to it after.
        var issued = try subjects.prefix(3).map { try issue(service, $0) }
        try Self.cluster(["standby", standbyDir, String(ports), String(ports + 1)])
        issued += try subjects.dropFirst(3).map { try issue(service, $0) }
        let standby = try PostgresEngine(url: standbyURL, threads: 1)
        defer { standby.closeIdle() }
        let caughtUp = ContinuousClock.now + .seconds(60)
        while try standby.transaction(readOnly: true, { s in try s.scalar("SELECT count(*) FROM ledgerEntry", as: Int.self) }) != 6 {
            guard ContinuousClock.now < caughtUp else { Issue.record("the standby did not replay the ledger in 60 s"); return }
            Thread.sleep(forTimeInterval: 0.1)
        }
        // Hostile: nothing is written on a standby, even by someone with its address.
        #expect(throws: MadoguchiError.self) {
            try standby.transaction { s in try s.execute("INSERT INTO meta (key, value) VALUES ('x', 'y')") }
        }

        // The primary dies. Public verification, the keys and search answer from the standby; issuing stops.
        try Self.cluster(["stop", primaryDir])
        for certificate in issued { #expect(try service.verify(certificate.token).status == .valid) }
        #expect(try service.jwks().keys.isEmpty == false)
        let found = try db.publicRead { s in try s.scalar("SELECT familyNameKana FROM resident ORDER BY id LIMIT 1", as: String.self) }
        #expect(try db.registry.search(ResidentQuery(text: try #require(found))).isEmpty == false, "search answers from the standby")
        #expect {
            _ = try issue(service, subjects[0])
        } throws: { ($0 as? MadoguchiError)?.code == .storeUnavailable }

        // Failover: the standby is promoted; the city reopens on it with its key; the ledger is whole and goes on.
        try Self.cluster(["promote", standbyDir])
        let promoted = try MadoguchiDatabase.open(postgres: standbyURL, keys: keys)
        let after = IssuanceService(database: promoted, clock: Self.clock)
        let verified = try after.verifyLedger()
        #expect(verified.entries == 6 && verified.firstBad == nil, "\(verified)")
        #expect(try promoted.transaction(readOnly: true) { s in try AccessLog.verify(s) }.firstBad == nil)
        let next = try issue(after, subjects[0])
        #expect(next.ledgerSequence == 7)
        #expect(try after.verify(next.token).status == .valid)
        for certificate in issued { #expect(try after.verify(certificate.token).status == .valid) }
        #expect(try after.verifyLedger().entries == 7)
    }
}
