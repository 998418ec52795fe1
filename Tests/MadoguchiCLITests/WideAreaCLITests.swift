import Foundation
import GRDB
@testable import MadoguchiStore
import MadoguchiTestSupport
import Testing

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

extension HTTP {
    static func post(_ url: String, json: String, headers: [String: String] = [:]) async -> (Int, Data)? {
        var request = URLRequest(url: URL(string: url)!)
        request.httpMethod = "POST"
        request.httpBody = Data(json.utf8)
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        for (k, v) in headers { request.setValue(v, forHTTPHeaderField: k) }
        guard let (data, response) = try? await URLSession.shared.data(for: request) else { return nil }
        return ((response as! HTTPURLResponse).statusCode, data)
    }

    static func bytes(_ url: String, headers: [String: String] = [:]) async -> Data? {
        var request = URLRequest(url: URL(string: url)!)
        for (k, v) in headers { request.setValue(v, forHTTPHeaderField: k) }
        return try? await URLSession.shared.data(for: request).0
    }
}

@Suite("広域交付（中継経由）", .serialized)
struct WideAreaCLITests {
    @Test("窓口市's counter prints 東窓市's 住民票 and 戸籍 through the relay; each end records it; neither city nor relay can be asked without its secret")
    func throughTheRelay() async throws {
        let dir = CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        func path(_ name: String) -> String { dir.appendingPathComponent(name).path }
        #expect(try CLI.run(["seed", "--db", path("a.sqlite"), "--residents", "300", "--no-cases"]).status == 0)
        #expect(try CLI.run(["seed", "--db", path("b.sqlite"), "--residents", "300", "--seed", "2", "--city", "149829",
                             "--city-name", "東窓市"]).status == 0)
        let (sachiko, grandchild, kazuo) = try await MadoguchiDatabase.open(path: path("b.sqlite")).writer.read { d in
            (try String.fetchOne(d, sql: "SELECT birthDate FROM resident WHERE familyName = '系譜' AND givenName = '幸子'")!,
             try String.fetchOne(d, sql: "SELECT birthDate FROM resident WHERE familyName = '縁田' AND givenName = '蓮'")!,
             try String.fetchOne(d, sql: "SELECT birthDate FROM resident WHERE familyName = '系譜' AND givenName = '一男'")!)
        }
        let staffA = try CLI.staffToken(db: path("a.sqlite"))
        let secretA = String(repeating: "a1", count: 20)
        let secretB = String(repeating: "b2", count: 20)
        try "# 広域交付の秘密\n149802 \(secretA)\n149829 \(secretB)\n".write(toFile: path("secrets"), atomically: true, encoding: .utf8)
        let base = FreePorts.base(6)
        let clock = "2026-11-24T10:00:00+09:00"
        let relayURL = "http://127.0.0.1:\(base + 2)"
        let a = try Daemon(["serve", "--db", path("a.sqlite")], port: base, environment: [
            "MADOGUCHI_CLOCK": clock, "MADOGUCHI_RELAY_TOKEN": secretA, "MADOGUCHI_RELAY_URL": relayURL,
        ])
        let b = try Daemon(["serve", "--db", path("b.sqlite"), "--city", "149829", "--city-name", "東窓市"], port: base + 1, environment: [
            "MADOGUCHI_CLOCK": clock, "MADOGUCHI_RELAY_TOKEN": secretB,
        ])
        let relay = try Daemon(["relay", "--city", "149802=http://127.0.0.1:\(base)", "--city", "149829=http://127.0.0.1:\(base + 1)",
                                "--secrets", path("secrets")], port: base + 2)
        defer { [a, b, relay].forEach { $0.stop() } }
        for d in [a, b, relay] { try await d.waitUntilHealthy() }

        func ask(_ key: String, _ json: String) async throws -> (Int, [String: Any]) {
            let answer = try #require(await HTTP.post(a.url + "/api/v1/wide-area/certificates", json: json,
                                                      headers: ["Authorization": "Bearer \(staffA)", "Idempotency-Key": key]))
            return (answer.0, (try JSONSerialization.jsonObject(with: answer.1) as? [String: Any]) ?? [:])
        }
        // 本人, with a driving licence, at 窓口市 中央区役所: 東窓市's 住民票 printed by 窓口市.
        let (status, created) = try await ask("wide-cli-000001", """
            {"keepingCity": "149829", "kind": "residentRecordCopy", "facilityId": "chuo-ward-office",
             "subject": {"name": "系譜 幸子", "birthDate": "\(sachiko)"},
             "requester": {"class": "self", "identityDocuments": ["driversLicense"]}}
            """)
        #expect(status == 201, "\(created)")
        let documentUrl = try #require(created["documentUrl"] as? String)
        let pdf = try #require(await HTTP.bytes(a.url + documentUrl, headers: ["Authorization": "Bearer \(staffA)", "X-Madoguchi-Purpose": "certificate"]))
        let file = try Poppler.write([UInt8](pdf))
        let text = Poppler.compact(try Poppler.text(file))
        #expect(text.contains("幸子") && text.contains("窓口市長") && text.contains("住所地東窓市"))
        // The grandchild's 戸籍 request for his grandparents' 戸籍, kept by 東窓市.
        let (registerStatus, register) = try await ask("wide-cli-000002", """
            {"keepingCity": "149829", "kind": "familyRegisterFull", "facilityId": "chuo-ward-office",
             "subject": {"name": "系譜 一男", "birthDate": "\(kazuo)"},
             "requester": {"class": "householdMember", "name": "縁田 蓮", "birthDate": "\(grandchild)", "identityDocuments": ["myNumberCard"]}}
            """)
        #expect(registerStatus == 201, "\(register)")
        #expect(register["feeYen"] as? Int == 450)
        // A proxy is refused, with the code, and the refusal is in 窓口市's ledger.
        let (refused, error) = try await ask("wide-cli-000003", """
            {"keepingCity": "149829", "kind": "residentRecordCopy",
             "subject": {"name": "系譜 幸子", "birthDate": "\(sachiko)"},
             "requester": {"class": "proxy", "name": "代理 人", "identityDocuments": ["driversLicense"], "powerOfAttorney": true}}
            """)
        #expect(refused == 422)
        #expect((error["error"] as? [String: Any])?["code"] as? String == "refusal.wideAreaInPersonOnly")

        // 東窓市 knows who asked: three queries, all from 149802, from 中央区役所 or unnamed, none in its own ledger.
        let asked = try await MadoguchiDatabase.open(path: path("b.sqlite")).writer.read { d in
            try Row.fetchAll(d, sql: "SELECT fromCity, facilityId, outcome FROM wideAreaRequest ORDER BY id")
        }
        #expect(asked.map { $0["fromCity"] as String } == ["149802", "149802", "149802"])
        #expect(asked.map { $0["outcome"] as String } == ["answered", "answered", "refused"])
        #expect(try CLI.run(["ledger", "verify", "--db", path("a.sqlite")]).status == 0)

        // Hostile: 東窓市 answers nobody without its secret, not even 窓口市 with its own; the relay answers no one
        // without a city's secret, and a city cannot pass itself off as another.
        let query = """
            {"kind": "residentRecordCopy", "subjectName": "系譜 幸子", "subjectBirthDate": "\(sachiko)",
             "requester": {"requesterClass": "self", "identityDocuments": ["driversLicense"], "powerOfAttorney": false,
                           "sealCardPresented": false, "supportingDocuments": false, "professionalForm": false, "officialForm": false},
             "options": {"scope": "individual", "memberIds": [], "layout": "individualSheet", "items": [], "copies": 1},
             "city": {"code": "149899", "name": "偽市", "mayor": "偽市長"}, "requestId": "hostile-0001"}
            """
        let direct = await HTTP.post(b.url + "/relay/v1/wide-area", json: query, headers: ["X-Madoguchi-From-City": "149802"])
        #expect(direct?.0 == 401)
        let withWrongSecret = await HTTP.post(b.url + "/relay/v1/wide-area", json: query,
                                              headers: ["Authorization": "Bearer \(secretA)", "X-Madoguchi-From-City": "149802"])
        #expect(withWrongSecret?.0 == 401)
        let noSecret = await HTTP.post(relay.url + "/relay/v1/cities/149829/wide-area", json: query)
        #expect(noSecret?.0 == 401)
        let spoofed = await HTTP.post(relay.url + "/relay/v1/cities/149829/wide-area", json: query,
                                      headers: ["Authorization": "Bearer \(secretA)", "X-Madoguchi-From-City": "149899"])
        #expect(spoofed?.0 == 200)
        let last = try await MadoguchiDatabase.open(path: path("b.sqlite")).writer.read { d in
            try String.fetchOne(d, sql: "SELECT fromCity FROM wideAreaRequest ORDER BY id DESC LIMIT 1")
        }
        #expect(last == "149802", "the relay names the city whose secret asked")
        let unknown = await HTTP.post(relay.url + "/relay/v1/cities/131016/wide-area", json: query, headers: ["Authorization": "Bearer \(secretA)"])
        #expect(unknown?.0 == 404)

        // 支援措置 forwarded to the 本籍地: 系譜 幸子 moves to 窓口市 (her 戸籍 stays in 東窓市) and applies there.
        let header = "異動事由,異動日,届出日,住民票コード,氏,名,氏カナ,名カナ,生年月日,性別,続柄,本籍,筆頭者,個人番号,都道府県,市区町村,区,町丁目,番地"
        let code = "98765432103"
        try ([header, "転入,2026-11-20,2026-11-21,\(code),系譜,幸子,ケイフ,サチコ,\(sachiko),女,世帯主,東窓市南区松原一丁目10番地,系譜　一男,"
              + "555444333229,神奈川県,窓口市,北区,新町二丁目,9番9号"].joined(separator: "\r\n") + "\r\n")
            .write(toFile: path("moved.csv"), atomically: true, encoding: .utf8)
        let moved = try CLI.run(["import", "changes", path("moved.csv"), "--db", path("a.sqlite")])
        #expect(moved.status == 0, "\(moved.err)")
        let newId = try #require(try await MadoguchiDatabase.open(path: path("a.sqlite")).writer.read { d in
            try Int64.fetchOne(d, sql: "SELECT id FROM resident WHERE residentRecordCode = ?", arguments: [code])
        })
        let applied = try CLI.run(
            ["registry", "support-measure", "apply", "--db", path("a.sqlite"), "--resident", String(newId), "--other-party", "加害 者",
             "--honseki-city", "149829", "--actor", "clerk-a"],
            environment: ["MADOGUCHI_CLOCK": clock, "MADOGUCHI_RELAY_URL": relayURL, "MADOGUCHI_RELAY_TOKEN": secretA])
        #expect(applied.status == 0, "\(applied.err)")
        #expect(applied.out.contains("転送済み"), "\(applied.out)")
        let kept = try await MadoguchiDatabase.open(path: path("b.sqlite")).writer.read { d in
            try Row.fetchOne(d, sql: "SELECT fromCity, state FROM forwardedSupportMeasure")
        }
        #expect(kept?["fromCity"] as String? == "149802")
        #expect(kept?["state"] as String? == "applied")
    }
}
