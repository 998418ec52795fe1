import Foundation
import MadoguchiStore
import MadoguchiTestSupport
import Testing

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// The city on PostgreSQL from the command line (issue 13 item 4): `serve --db postgres://…` makes the demo into an
/// empty database, two servers share it, and the console commands read and verify the same database.
@Suite("PostgreSQLでの運用（コマンド）", .serialized)
struct PostgresCLITests {
    @Test("serve on an empty PostgreSQL database makes the demo; two servers issue on it; the ledger and access log verify",
          .enabled(if: TestEngines.available.contains(.postgres)))
    func serveOnPostgres() async throws {
        let store = try TestEngines.fresh(.postgres)
        let url = store.location
        let key = ["MADOGUCHI_MASTER_KEY": MasterKey.generate().fileText.trimmingCharacters(in: .whitespacesAndNewlines),
                   "MADOGUCHI_CLOCK": "2026-11-24T10:00:00+09:00", "MADOGUCHI_DEMO_PASSWORD": "demo-password-pg"]
        // Hostile: without the key-encryption key named, a server's database is not opened (no key is made up).
        let keyless = try CLI.run(["ledger", "verify", "--db", url])
        #expect(keyless.status != 0)
        #expect(keyless.err.contains("MADOGUCHI_MASTER_KEY"), "\(keyless.err)")

        let base = FreePorts.base(2)
        let dir = CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let first = try Daemon(["serve", "--db", url, "--residents", "300"], port: base, environment: key,
                               log: dir.appendingPathComponent("first.log"))
        defer { first.stop() }
        try await first.waitUntilHealthy()
        // Start-up says how far it got, a flushed line a phase, even with its output in a file.
        let phases = try String(contentsOf: dir.appendingPathComponent("first.log"), encoding: .utf8)
        for phase in ["migrations applied", "registry seeded", "planning data seeded", "staff accounts and keys ready", "starting to listen"] {
            #expect(phases.contains(phase), "\(phases)")
        }
        let second = try Daemon(["serve", "--db", url], port: base + 1, environment: key, log: dir.appendingPathComponent("second.log"))
        defer { second.stop() }
        try await second.waitUntilHealthy()

        let made = try CLI.run(["staff", "token", "--db", url, "--login", "clerk", "--label", "pg-test"], environment: key)
        #expect(made.status == 0, "\(made.err)")
        let token = String(made.out.split(separator: " ").last ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        let headers = ["Authorization": "Bearer \(token)", "X-Madoguchi-Purpose": "certificate"]
        let found = await HTTP.get(first.url + "/api/v1/residents?q=" + "たかはし".addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed)!,
                                   headers: headers)
        #expect(found?.0 == 200)
        let residents = try #require(found.flatMap { try? JSONSerialization.jsonObject(with: Data($0.1.utf8)) as? [String: Any] })
        let ids = (residents["residents"] as? [[String: Any]] ?? []).filter { $0["removed"] as? Bool == false }.compactMap { $0["id"] as? Int }
        #expect(ids.count >= 2, "\(residents)")
        // Each server issues one certificate; one chain, two entries.
        for (daemon, id) in zip([first, second], ids.prefix(2)) {
            let body = #"{"kind":"residentRecordCopy","subjectId":\#(id),"requester":{"class":"self","residentId":\#(id),"identityDocuments":["myNumberCard"]}}"#
            let issued = await HTTP.post(daemon.url + "/api/v1/certificates", json: body,
                                         headers: headers.merging(["Idempotency-Key": "pg-cli-\(id)"]) { $1 })
            #expect(issued?.0 == 201, "\(issued.map { String(decoding: $0.1, as: UTF8.self) } ?? "no answer")")
        }
        let ledger = try CLI.run(["ledger", "verify", "--db", url], environment: key)
        #expect(ledger.status == 0 && ledger.out.contains("ledger ok: 2 entries"), "\(ledger.out)\(ledger.err)")
        let audit = try CLI.run(["audit", "verify", "--db", url], environment: key)
        #expect(audit.status == 0 && audit.out.contains("access log ok"), "\(audit.out)\(audit.err)")
        // The public verification page of a certificate answers from either server.
        #expect(await HTTP.get(second.url + "/.well-known/jwks.json")?.0 == 200)
    }
}
