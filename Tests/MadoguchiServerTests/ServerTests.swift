import Foundation
import Hummingbird
import HummingbirdTesting
import MadoguchiTestSupport
import Testing

@testable import MadoguchiDemo
@testable import MadoguchiDomain
@testable import MadoguchiServer
@testable import MadoguchiStore

@Suite("サーバ")
struct ServerTests {
    static let token = "test-staff-token"
    static var bearer: HTTPFields { TestStaff.bearer("tester") }

    /// A demo city of 800 persons in memory, with the clock fixed on a weekday.
    static func app() throws -> (some ApplicationProtocol, MadoguchiDatabase) {
        let db = try MadoguchiDatabase.inMemory()
        _ = try DemoCityGenerator.generate(into: db, options: .init(residents: 800, seed: 3))
        let clock = MadoguchiClock.parse("2026-11-24T10:00:00+09:00")!
        try TestStaff.install(db, clock: clock)
        let config = ServerConfiguration(host: "127.0.0.1", port: 0, clock: clock)
        return (try buildApplication(configuration: config, database: db), db)
    }

    static func json(_ buffer: ByteBuffer) throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: Data(buffer: buffer)) as! [String: Any]
    }

    @Test("/api/v1/city tells which city this server is, without a token")
    func city() async throws {
        let (app, _) = try Self.app()
        try await app.test(.router) { client in
            try await client.execute(uri: "/api/v1/city", method: .get) { response in
                #expect(response.status == .ok)
                let body = try Self.json(response.body)
                #expect(body["code"] as? String == "149802")
                #expect(body["name"] as? String == "窓口市")
            }
        }
    }

    @Test("the PKI endpoints are public: the CA in PEM, a DER CRL, and an OCSP-style status")
    func pki() async throws {
        let (app, _) = try Self.app()
        try await app.test(.router) { client in
            try await client.execute(uri: "/pki/ca.pem", method: .get) { response in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body).hasPrefix("-----BEGIN CERTIFICATE-----"))
            }
            try await client.execute(uri: "/pki/crl.der", method: .get) { response in
                #expect(response.headers[.contentType] == "application/pkix-crl")
                #expect(response.body.readableBytesView.first == 0x30, "a DER SEQUENCE")
            }
            try await client.execute(uri: "/pki/status/0000000000", method: .get) { response in
                let body = try Self.json(response.body)
                #expect(body["status"] as? String == "unknown")
            }
        }
    }

    @Test("/health answers without a token")
    func health() async throws {
        let (app, _) = try Self.app()
        try await app.test(.router) { client in
            try await client.execute(uri: "/health", method: .get) { response in
                #expect(response.status == .ok)
                let body = try Self.json(response.body)
                #expect(body["status"] as? String == "ok")
            }
        }
    }

    @Test("the staff API refuses requests without a credential, or with an unknown one, as 401 with a coded error",
          arguments: ["/api/v1/residents?q=%E3%82%84", "/api/v1/residents/1", "/api/v1/facilities"])
    func unauthorized(path: String) async throws {
        let (app, _) = try Self.app()
        try await app.test(.router) { client in
            for headers: HTTPFields in [[:], [.authorization: "Bearer nope"], [.authorization: Self.token]] {
                try await client.execute(uri: path, method: .get, headers: headers) { response in
                    #expect(response.status == .unauthorized)
                    #expect(response.headers[.wwwAuthenticate] != nil)
                    let error = try Self.json(response.body)["error"] as! [String: Any]
                    #expect(error["code"] as? String == "auth.unauthorized")
                    let message = error["message"] as! [String: String]
                    #expect(message["ja"]?.contains("資格情報") == true)
                    #expect(message["en"]?.contains("credential") == true)
                }
            }
        }
    }

    @Test("search finds residents by kana and by name, and the detail matches the registry")
    func search() async throws {
        let (app, db) = try Self.app()
        let someone = try #require(try db.registry.search(ResidentQuery(text: "サトウ")).first)
        try await app.test(.router) { client in
            let q = "サトウ".addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed)!
            try await client.execute(uri: "/api/v1/residents?q=\(q)", method: .get, headers: Self.bearer) { response in
                #expect(response.status == .ok)
                let body = try Self.json(response.body)
                let residents = body["residents"] as! [[String: Any]]
                #expect(!residents.isEmpty)
                #expect(residents.allSatisfy { (($0["name"] as! [String: String])["familyKana"]) == "サトウ" })
            }
            let name = (someone.name.family + " " + someone.name.given).addingPercentEncoding(withAllowedCharacters: .urlQueryAllowed)!
            let birth = someone.birthDate.description
            try await client.execute(uri: "/api/v1/residents?q=\(name)%20\(birth)", method: .get, headers: Self.bearer) { response in
                let residents = try Self.json(response.body)["residents"] as! [[String: Any]]
                #expect(residents.contains { ($0["id"] as? Int).map(Int64.init) == someone.id })
            }
            try await client.execute(uri: "/api/v1/residents/\(someone.id)", method: .get, headers: Self.bearer) { response in
                #expect(response.status == .ok)
                let body = try Self.json(response.body)
                #expect((body["name"] as! [String: String])["given"] == someone.name.given)
                #expect(body["birthDate"] as? String == birth)
                #expect((body["birthDateJapanese"] as? String)?.contains("年") == true)
                #expect(body["individualNumber"] == nil, "the 個人番号 is not sent")
                #expect(body["residentRecordCode"] == nil)
                #expect(body["flags"] != nil)
                let text = String(buffer: response.body)
                let stored = try #require(try db.registry.detail(id: someone.id, on: Make.today))
                #expect(!text.contains(stored.resident.individualNumber))
            }
        }
    }

    @Test("bad queries and unknown residents get coded errors")
    func errors() async throws {
        let (app, _) = try Self.app()
        try await app.test(.router) { client in
            try await client.execute(uri: "/api/v1/residents?q=", method: .get, headers: Self.bearer) { response in
                #expect(response.status == .badRequest)
                let error = try Self.json(response.body)["error"] as! [String: Any]
                #expect(error["code"] as? String == "request.invalid")
            }
            try await client.execute(uri: "/api/v1/residents/987654321", method: .get, headers: Self.bearer) { response in
                #expect(response.status == .notFound)
                let error = try Self.json(response.body)["error"] as! [String: Any]
                #expect(error["code"] as? String == "registry.notFound")
            }
        }
    }

    @Test("facilities: the network of the seeds, with the closed liaison office marked")
    func facilities() async throws {
        let (app, _) = try Self.app()
        try await app.test(.router) { client in
            try await client.execute(uri: "/api/v1/facilities", method: .get, headers: Self.bearer) { response in
                let body = try Self.json(response.body)
                let list = body["facilities"] as! [[String: Any]]
                #expect(list.count == 27)
                #expect(list.filter { $0["kind"] as? String == "serviceCorner" }.count == 6)
                let miyano = try #require(list.first { $0["id"] as? String == "miyano-liaison-office" })
                #expect(miyano["operating"] as? Bool == false)
            }
        }
    }

    @Test("the Japanese home page links the pages that exist, and each of them answers")
    func pages() async throws {
        let (app, _) = try Self.app()
        try await app.test(.router) { client in
            var links: [String] = []
            try await client.execute(uri: "/", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType]?.hasPrefix("text/html") == true)
                let html = String(buffer: response.body)
                #expect(html.contains("<html lang=\"ja\">"))
                #expect(html.contains("窓口市の窓口サービス"))
                #expect(html.contains("本日（令和8年11月24日）は開庁日です。"))
                links = html.components(separatedBy: "href=\"").dropFirst().map { String($0.prefix { $0 != "\"" }) }
            }
            #expect(links.contains("/facilities"))
            #expect(links.contains("/calendar"))
            #expect(links.contains("/counter"))
            #expect(links.contains("/sheets"))
            #expect(links.contains("/planning"))
            for link in links {
                try await client.execute(uri: link, method: .get) { response in
                    if link.hasPrefix("/counter") || link.hasPrefix("/planning") {
                        // Staff pages send a visitor to sign in.
                        #expect(response.status == .seeOther, "\(link)")
                        #expect(response.headers[.location] == "\(link)/login")
                    } else {
                        #expect(response.status == .ok, "\(link)")
                    }
                }
            }
            try await client.execute(uri: "/calendar?year=2019", method: .get) { response in
                let html = String(buffer: response.body)
                #expect(html.contains("天皇の即位の日"))
                #expect(html.contains("令和元年5月1日（水）"))
            }
            try await client.execute(uri: "/facilities", method: .get) { response in
                #expect(String(buffer: response.body).contains("宮野連絡所"))
            }
        }
    }

    @Test("the public network page as it stood on any day, and each facility's history with its decisions (issue 14, item 1)")
    func networkPages() async throws {
        let (app, _) = try Self.app()
        try await app.test(.router) { client in
            func page(_ uri: String) async throws -> (HTTPResponse.Status, String) {
                try await client.execute(uri: uri, method: .get) { ($0.status, String(buffer: $0.body)) }
            }
            func openTable(_ html: String) -> String {
                String(html[html.range(of: "<tbody>")!.upperBound..<html.range(of: "</tbody>")!.lowerBound])
            }
            let before = try await page("/facilities?date=2012-03-31"), after = try await page("/facilities?date=2012-04-01")
            #expect(before.0 == .ok && after.0 == .ok)
            #expect(before.1.contains("平成24年3月31日 現在"))
            #expect(openTable(before.1).contains("宮野連絡所") && !openTable(after.1).contains("宮野連絡所"))
            #expect(after.1.contains("宮野連絡所</a>（連絡所）：平成24年4月1日に廃止"))
            let today = try await page("/facilities")
            #expect(openTable(today.1).contains("桜台まちづくりセンター") && !openTable(today.1).contains("桜台出張所"))
            #expect(openTable(try await page("/facilities?date=2017-03-31").1).contains("桜台出張所"))
            #expect(today.1.contains("<label for=\"date\">") && today.1.contains("<caption>"))
            let kakinoki = try await page("/facilities/kakinoki-liaison-office")
            #expect(kakinoki.0 == .ok)
            #expect(kakinoki.1.contains("有人窓口の廃止") && kakinoki.1.contains("柿の木連絡所機能再編計画（平成26年3月27日）"))
            #expect(kakinoki.1.contains("取り扱う業務はありません"))
            #expect(try await page("/facilities/atlantis").0 == .notFound)
            #expect(try await page("/facilities?date=not-a-day").0 == .badRequest)
            #expect(try await page("/facilities?date=%3Cscript%3E").1.contains("<script>") == false)
            // In English: ISO dates, the kinds' and changes' English names; names and addresses as the city writes them.
            let english = try await page("/facilities?date=2012-04-01&lang=en")
            #expect(english.1.contains("<html lang=\"en\">") && english.1.contains("City service points on 2012-04-01"))
            #expect(english.1.contains("宮野連絡所</a> (\(FacilityKind.liaisonOffice.english)): closed 2012-04-01"))
            #expect(english.1.contains("href=\"/facilities?date=2012-04-01&amp;lang=ja\"") && !english.1.contains("平成"))
            let kakinokiEnglish = try await page("/facilities/kakinoki-liaison-office?lang=en")
            #expect(kakinokiEnglish.1.contains("manned window closed") && kakinokiEnglish.1.contains("柿の木連絡所機能再編計画（2014-03-27）"))
            #expect(kakinokiEnglish.1.contains("No services") && kakinokiEnglish.1.contains("href=\"/facilities/kakinoki-liaison-office?lang=ja\""))
            #expect(try await page("/facilities?date=not-a-day&lang=en").1.contains("Unreadable date"))
        }
    }

    @Test("a facility's hours: the page shows the next two weeks, and the .ics reads back in an independent parser (RFC 5545)")
    func hoursCalendar() async throws {
        let (app, _) = try Self.app()
        try await app.test(.router) { client in
            let page = try await client.execute(uri: "/facilities/chuo-ward-office", method: .get) { String(buffer: $0.body) }
            #expect(page.contains("令和8年11月26日（木）</td><td>8時30分から19時まで"))
            #expect(page.contains("令和8年12月6日（日）</td><td>休業</td>"), "the 1st Sunday")
            #expect(page.contains("令和8年11月29日（日）</td><td>休業</td>") && !page.contains("11月23日"), "from today, the 5th Sunday closed")
            #expect(page.contains("href=\"/facilities/chuo-ward-office/hours.ics\""))
            let (status, type, body) = try await client.execute(uri: "/facilities/chuo-ward-office/hours.ics?from=2026-12-24&days=14", method: .get) {
                ($0.status, $0.headers[.contentType], Data(buffer: $0.body))
            }
            #expect(status == .ok && type == "text/calendar; charset=utf-8")
            let file = FileManager.default.temporaryDirectory.appendingPathComponent("hours-\(UUID().uuidString).ics")
            defer { try? FileManager.default.removeItem(at: file) }
            try body.write(to: file)
            let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
                .appendingPathComponent("Interop/read_ics.py").path
            let (out, code) = try Poppler.python(script, [file.path])
            #expect(code == 0, "\(out)")
            let parsed = try JSONSerialization.jsonObject(with: Data(out.utf8)) as! [String: Any]
            #expect(parsed["name"] as? String == "中央区役所の開庁時間" && parsed["timezones"] as? [String] == ["Asia/Tokyo"])
            let events = parsed["events"] as! [[String: Any]]
            let timed = events.filter { $0["allDay"] as? Bool == false }.map { "\($0["start"]!) \($0["end"]!)" }
            // 12/24 (Thu) to 19:00, 12/25 (Fri), 12/27 (4th Sunday) morning, then the year-end, then 1/4–1/6.
            #expect(timed == [
                "2026-12-24T08:30:00+09:00 2026-12-24T19:00:00+09:00", "2026-12-25T08:30:00+09:00 2026-12-25T17:00:00+09:00",
                "2026-12-27T09:00:00+09:00 2026-12-27T12:00:00+09:00", "2026-12-28T08:30:00+09:00 2026-12-28T17:00:00+09:00",
                "2027-01-04T08:30:00+09:00 2027-01-04T17:00:00+09:00", "2027-01-05T08:30:00+09:00 2027-01-05T17:00:00+09:00",
                "2027-01-06T08:30:00+09:00 2027-01-06T17:00:00+09:00",
            ], "\(timed)")
            let notes = events.filter { $0["allDay"] as? Bool == true }
            #expect(notes.map { $0["start"] as? String } == ["2026-12-29", "2026-12-30", "2026-12-31", "2027-01-01", "2027-01-02", "2027-01-03"])
            #expect(Set(events.map { $0["uid"] as! String }).count == events.count, "UIDs are unique")
            #expect(try await client.execute(uri: "/facilities/atlantis/hours.ics", method: .get) { $0.status } == .notFound)
        }
    }

    @Test("the finder: a public API and page, nearest first; a missing kind, a bad time or an unknown 町丁目 is a coded error")
    func finder() async throws {
        let (app, _) = try Self.app()
        try await app.test(.router) { client in
            let uri = "/api/v1/finder?kind=residentRecordCopy&date=2026-12-04&time=18:30&ward=%E4%B8%AD%E5%A4%AE%E5%8C%BA&town=%E6%9C%AC%E7%94%BA%E4%B8%80%E4%B8%81%E7%9B%AE"
            let body = try await client.execute(uri: uri, method: .get) { response in
                #expect(response.status == .ok)
                return try Self.json(response.body)
            }
            let results = body["results"] as! [[String: Any]]
            #expect(body["from"] as? String == "中央区本町一丁目" && body["time"] as? String == "18:30")
            #expect(results.first?["kind"] as? String == "stores" && results.first?["hours"] as? [String] == ["06:30-23:00"])
            #expect(results.dropFirst().allSatisfy { $0["kind"] as? String == "serviceCorner" } && results.count == 7)
            let km = results.dropFirst().compactMap { $0["distanceKm"] as? Double }
            #expect(km.count == 6 && km == km.sorted())
            for (bad, status, code) in [
                ("/api/v1/finder", HTTPResponse.Status.badRequest, "request.invalid"),
                ("/api/v1/finder?kind=passport", .badRequest, "request.invalid"),
                ("/api/v1/finder?kind=taxCertificate&time=25:00", .badRequest, "request.invalid"),
                ("/api/v1/finder?kind=taxCertificate&ward=x&town=y", .unprocessableContent, "finder.unknownTown"),
            ] {
                try await client.execute(uri: bad, method: .get) { response in
                    #expect(response.status == status, "\(bad)")
                    let error = (try Self.json(response.body))["error"] as? [String: Any]
                    #expect(error?["code"] as? String == code, "\(bad)")
                }
            }
            let form = try await client.execute(uri: "/finder", method: .get) { ($0.status, String(buffer: $0.body)) }
            #expect(form.0 == .ok && form.1.contains("<label for=\"kind\">") && form.1.contains("<optgroup label=\"中央区\">"))
            let page = try await client.execute(uri: "/finder?kind=removedRecord&date=2026-12-04&time=10:00&from=%E4%B8%AD%E5%A4%AE%E5%8C%BA%7C%E6%9C%AC%E7%94%BA%E4%B8%80%E4%B8%81%E7%9B%AE", method: .get) {
                String(buffer: $0.body)
            }
            #expect(page.contains("除票の写しを取れる場所（近い順）") && page.contains("<td><a href=\"/facilities/chuo-ward-office\">中央区役所</a></td><td>区役所</td><td>0.0 km</td>"))
            #expect(!page.contains("コンビニエンスストア（マイナンバーカード）</td>"))
            #expect(page.contains("<a href=\"/finder?kind=removedRecord&amp;date=2026-12-04&amp;time=10:00&amp;from=%E4%B8%AD%E5%A4%AE%E5%8C%BA%7C%E6%9C%AC%E7%94%BA%E4%B8%80%E4%B8%81%E7%9B%AE&amp;lang=en\" lang=\"en\">English</a>"))
            // The English toggle: the same question, the page in English; addresses stay as the city writes them.
            let english = try await client.execute(uri: "/finder?kind=residentRecordCopy&date=2026-12-04&time=10:00&lang=en", method: .get) {
                String(buffer: $0.body)
            }
            #expect(english.contains("<html lang=\"en\">") && english.contains("Places that issue a copy of the resident record on 2026-12-04 10:00, nearest first"), "\(english.prefix(400))")
            #expect(english.contains("<td>ward office</td>") && english.contains("Convenience stores (with the My Number card)") && english.contains("<input type=\"hidden\" name=\"lang\" value=\"en\">"))
            #expect(english.contains("<a href=\"/finder?kind=residentRecordCopy&amp;date=2026-12-04&amp;time=10:00&amp;lang=ja\" lang=\"ja\">日本語</a>"))
        }
    }
}

enum Make {
    static let today = CivilDate(year: 2026, month: 11, day: 24)!
}
