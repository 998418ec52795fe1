import Foundation
import GRDB
@testable import MadoguchiStore
import MadoguchiTestSupport
import Testing

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// 個人番号 is never in any log (番号法 §19, §20: no one may collect or keep it beyond the law's uses), and neither is
/// a password or an API secret. A full run at the most verbose log level — a city, a hub, a store print, staff
/// signing in, searching, reading, issuing a 住民票 that prints the 個人番号, a 個人番号 typed into a search — and
/// then every log it wrote, the access log and its export are searched for every 個人番号 the city holds.
@Suite("ログに個人番号を残さない", .serialized)
struct LogHygieneTests {
    @Test("no log of a full run, nor the access log, holds a 個人番号, a password or an API secret")
    func noSecretsInLogs() async throws {
        let dir = CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        func path(_ name: String) -> String { dir.appendingPathComponent(name).path }
        let db = path("city.sqlite")
        #expect(try CLI.run(["seed", "--db", db, "--residents", "300"]).status == 0)
        let password = "hygiene-password-7Q2"
        #expect(try CLI.run(["staff", "add", "clerk", "--name", "窓口 花子", "--roles", "clerk", "--facility", "chuo-ward-office", "--db", db],
                            environment: ["MADOGUCHI_STAFF_PASSWORD": password]).status == 0)
        let token = try CLI.staffToken(db: db)
        let numbers = try await MadoguchiDatabase.open(path: db).writer.read { d in try String.fetchAll(d, sql: "SELECT individualNumber FROM resident") }
        #expect(numbers.count >= 300)
        let adult = try KioskCLITests.pick(db, "r.birthDate < '1990-01-01'")
        #expect(try CLI.run(["card", "issue", "--db", db, "--resident", String(adult), "--pin", "8351", "--out", path("card.json")],
                            environment: ["MADOGUCHI_CLOCK": "2026-11-24T09:00:00+09:00"]).status == 0)

        let base = FreePorts.base(6)
        let env = ["MADOGUCHI_CLOCK": "2026-11-24T10:00:00+09:00", "LOG_LEVEL": "trace", "MADOGUCHI_ADMIN_PASSWORD": "admin-password-9K4"]
        let setup = try HubSetup(dir)
        let city = try Daemon(["serve", "--db", db] + setup.city, port: base, environment: env, log: dir.appendingPathComponent("city.log"))
        let hub = try Daemon(["hub", "--city", "149802=http://127.0.0.1:\(base)"] + setup.hub, port: base + 1, environment: env,
                             log: dir.appendingPathComponent("hub.log"))
        defer { [city, hub].forEach { $0.stop() } }
        for d in [city, hub] { try await d.waitUntilHealthy() }

        let staff = ["Authorization": "Bearer \(token)", "X-Madoguchi-Purpose": "certificate"]
        let number = try #require(try await MadoguchiDatabase.open(path: db).writer.read { d in
            try String.fetchOne(d, sql: "SELECT individualNumber FROM resident WHERE id = ?", arguments: [adult])
        })
        // A 個人番号 typed into the search, a search by name, the detail, and a 住民票 printing the 個人番号.
        _ = await HTTP.get(city.url + "/api/v1/residents?q=\(number)", headers: staff)
        _ = await HTTP.get(city.url + "/api/v1/residents?q=%E3%82%84%E3%81%BE%E3%81%A0", headers: staff)
        #expect(await HTTP.get(city.url + "/api/v1/residents/\(adult)", headers: staff)?.0 == 200)
        let issued = await HTTP.post(city.url + "/api/v1/certificates", json: """
            {"kind": "residentRecordCopy", "subjectId": \(adult), "options": {"items": ["individualNumber"]},
             "requester": {"class": "self", "residentId": \(adult), "identityDocuments": ["myNumberCard"]}}
            """, headers: staff.merging(["Idempotency-Key": "hygiene-000001"]) { a, _ in a })
        #expect(issued?.0 == 201)
        // Staff sign in, wrongly then rightly.
        for attempt in ["wrong-\(password)", password] {
            var request = URLRequest(url: URL(string: city.url + "/counter/login")!)
            request.httpMethod = "POST"
            request.setValue("application/x-www-form-urlencoded", forHTTPHeaderField: "Content-Type")
            request.httpBody = Data("login=clerk&password=\(attempt)".utf8)
            _ = try? await URLSession.shared.data(for: request)
        }
        // A store print with the card and its PIN.
        let printed = try CLI.run(["kiosk", "--hub", hub.url, "--card", path("card.json"), "--pin", "8351", "--kind", "residentRecordCopy",
                                   "--out", path("store.pdf")], environment: setup.store("MADOGUCHI-MART").merging(["LOG_LEVEL": "trace"]) { a, _ in a })
        #expect(printed.status == 0, "\(printed.err)")
        city.stop()
        hub.stop()

        let audit = try CLI.run(["audit", "export", "--db", db]).out
        #expect(audit.contains("検索"), "the search was recorded")
        let logs = try ["city.log", "hub.log"].map { try String(contentsOfFile: path($0), encoding: .utf8) } + [printed.out, printed.err, audit]
        #expect(logs[0].contains("request"), "the city logged its requests")
        for (name, text) in zip(["city.log", "hub.log", "kiosk stdout", "kiosk stderr", "audit export"], logs) {
            let leaked = numbers.filter { text.contains($0) }
            #expect(leaked.isEmpty, "\(name) holds \(leaked.count) 個人番号")
            let hubKey = try String(contentsOfFile: setup.keyFile, encoding: .utf8).split(separator: " ").last.map(String.init) ?? "?"
            for secret in [password, token, "admin-password-9K4", hubKey.trimmingCharacters(in: .whitespacesAndNewlines)] + setup.secrets.values {
                #expect(!text.contains(secret), "\(name) holds a secret")
            }
            #expect(!text.contains("pin=8351") && !text.contains("\"8351\""), "\(name) holds the PIN")
        }
    }
}
