import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import MadoguchiTestSupport
import Testing

@testable import MadoguchiDemo
@testable import MadoguchiDomain
@testable import MadoguchiIssuance
@testable import MadoguchiServer
@testable import MadoguchiStore

/// The law's cases over the staff API: refusals come back as 422 with their codes; what is issued is read back
/// from the PDF the API serves.
@Suite("誰に何を見せるか（API）")
struct WhoSeesWhatAPITests {
    static func app() throws -> (some ApplicationProtocol, DemoScenarios.People) {
        let db = try MadoguchiDatabase.inMemory()
        _ = try DemoCityGenerator.generate(into: db, options: .init(residents: 200, seed: 3))
        let people = try DemoScenarios.add(into: db, asOf: CivilDate(year: 2026, month: 11, day: 24)!)
        let clock = MadoguchiClock.parse("2026-11-24T10:00:00+09:00")!
        try TestStaff.install(db, clock: clock)
        let config = ServerConfiguration(host: "127.0.0.1", port: 0, clock: clock)
        return (try buildApplication(configuration: config, database: db), people)
    }

    static func post(
        _ client: some TestClientProtocol, _ key: String, _ json: String, uri: String = "/api/v1/certificates"
    ) async throws -> (HTTPResponse.Status, [String: Any]) {
        try await client.execute(
            uri: uri, method: .post, headers: CertificatesAPITests.headers(key: key), body: ByteBuffer(string: json)
        ) { response in (response.status, try ServerTests.json(response.body)) }
    }

    static func pdfText(_ client: some TestClientProtocol, _ body: [String: Any]) async throws -> String {
        let url = try #require(body["documentUrl"] as? String)
        let bytes = try await client.execute(uri: url, method: .get, headers: ServerTests.bearer) { response in
            [UInt8](Data(buffer: response.body))
        }
        let file = try Poppler.write(bytes)
        defer { try? FileManager.default.removeItem(at: file) }
        return Poppler.compact(try Poppler.text(file))
    }

    @Test("支援措置 over the API: the other party's request for the 附票 of his own 戸籍 is 422 refusal.supportMeasureOtherParty")
    func otherPartyAnnex() async throws {
        let (app, p) = try Self.app()
        try await app.test(.router) { client in
            let (status, body) = try await Self.post(client, "law-dv-000001", """
                {"kind": "familyRegisterAnnex", "subjectId": \(p.otherParty),
                 "requester": {"class": "self", "residentId": \(p.otherParty), "identityDocuments": ["driversLicense"]}}
                """)
            #expect(status == .unprocessableContent)
            let error = try #require(body["error"] as? [String: Any])
            #expect(error["code"] as? String == "refusal.supportMeasureOtherParty")
            let message = try #require(error["message"] as? [String: String])
            #expect(message["ja"]?.contains("支援措置") == true)
            #expect(message["en"]?.isEmpty == false)
        }
    }

    @Test("除票 over the API: refused to a household member; a third party's PDF has the basic items without the 転出先; a need stated prints it")
    func removedRecord() async throws {
        let (app, p) = try Self.app()
        try await app.test(.router) { client in
            let (refused, error) = try await Self.post(client, "law-removed-0001", """
                {"kind": "removedRecord", "subjectId": \(p.movedOut),
                 "requester": {"class": "householdMember", "residentId": \(p.movedOutSpouse), "identityDocuments": ["driversLicense"]}}
                """)
            #expect(refused == .unprocessableContent)
            #expect((error["error"] as? [String: Any])?["code"] as? String == "refusal.removedRecordThirdPartyOnly")
            let thirdParty = """
                {"class": "thirdParty", "residentId": \(p.movedOutSpouse), "name": "移川 直子", "identityDocuments": ["driversLicense"],
                 "reason": "離婚調停の申立てのため", "supportingDocuments": true
                """
            let (status, body) = try await Self.post(client, "law-removed-0002", """
                {"kind": "removedRecord", "subjectId": \(p.movedOut), "requester": \(thirdParty)}}
                """)
            #expect(status == .created)
            let text = try await Self.pdfText(client, body)
            #expect(text.contains("移川") && text.contains("桜町三丁目"))
            #expect(!text.contains("霞が関"))
            let (stated, statedBody) = try await Self.post(client, "law-removed-0003", """
                {"kind": "removedRecord", "subjectId": \(p.movedOut), "requester": \(thirdParty), "statedNeed": "調停の申立書に相手方の住所が必要"}}
                """)
            #expect(stated == .created)
            #expect(try await Self.pdfText(client, statedBody).contains("霞が関一丁目"))
        }
    }

    @Test("死亡 over the API: a 除票 with the deceased's 個人番号 is 422 for the widow; the one issued prints no 個人番号")
    func deceased() async throws {
        let (app, p) = try Self.app()
        try await app.test(.router) { client in
            let requester = """
                {"class": "thirdParty", "residentId": \(p.widow), "identityDocuments": ["driversLicense"],
                 "reason": "相続手続のため", "supportingDocuments": true, "statedNeed": "相続手続"}
                """
            let (status, body) = try await Self.post(client, "law-dead-000001", """
                {"kind": "removedRecord", "subjectId": \(p.deceased), "requester": \(requester), "options": {"items": ["individualNumber"]}}
                """)
            #expect(status == .unprocessableContent)
            let codes = ((body["error"] as? [String: Any])?["refusals"] as? [[String: Any]])?.compactMap { $0["code"] as? String } ?? []
            #expect(codes.contains("refusal.identifiersOfDeceased"))
            let (issued, issuedBody) = try await Self.post(client, "law-dead-000002", """
                {"kind": "removedRecord", "subjectId": \(p.deceased), "requester": \(requester)}
                """)
            #expect(issued == .created)
            let text = try await Self.pdfText(client, issuedBody)
            #expect(text.contains("死亡") && !text.contains("個人番号"))
        }
    }

    @Test("本人 over the API: a self request without a residentId is 422 refusal.selfNotSubject")
    func selfWithoutId() async throws {
        let (app, p) = try Self.app()
        try await app.test(.router) { client in
            let (status, body) = try await Self.post(client, "law-self-000001", """
                {"kind": "residentRecordCopy", "subjectId": \(p.mother),
                 "requester": {"class": "self", "identityDocuments": ["driversLicense"]}, "options": {"items": ["individualNumber"]}}
                """)
            #expect(status == .unprocessableContent)
            #expect((body["error"] as? [String: Any])?["code"] as? String == "refusal.selfNotSubject")
        }
    }
}

@Suite("誰に何を見せるか（窓口の画面）")
struct WhoSeesWhatCounterTests {
    @Test("the counter preview refuses a household member the 除票 and the other party the 附票, with their codes; a stated need passes")
    func counterPreview() async throws {
        let (app, p) = try WhoSeesWhatAPITests.app()
        try await app.test(.router) { client in
            func preview(_ subject: Int64, _ pairs: [(String, String)]) async throws -> String {
                try await client.execute(uri: "/counter/residents/\(subject)/preview", method: .post,
                                         headers: CounterPagesTests.formHeaders, body: CounterPagesTests.form(pairs)) { response in
                    String(buffer: response.body)
                }
            }
            let household = try await preview(p.movedOut, [("kind", "removedRecord"), ("class", "householdMember"),
                                                             ("requesterResidentId", String(p.movedOutSpouse)),
                                                             ("identityDocuments", "driversLicense")])
            #expect(household.contains("data-code=\"refusal.removedRecordThirdPartyOnly\""))
            let annex = try await preview(p.otherParty, [("kind", "familyRegisterAnnex"), ("class", "self"),
                                                         ("identityDocuments", "driversLicense")])
            #expect(annex.contains("data-code=\"refusal.supportMeasureOtherParty\""))
            let thirdParty: [(String, String)] = [("kind", "residentRecordCopy"), ("class", "thirdParty"), ("name", "債権　太郎"),
                                                  ("identityDocuments", "driversLicense"), ("reason", "貸金返還請求のため"),
                                                  ("supportingDocuments", "1"), ("items", "relationship")]
            #expect(try await preview(p.mother, thirdParty).contains("data-code=\"refusal.statedNeedRequired\""))
            #expect(try await preview(p.mother, thirdParty + [("statedNeed", "相続人の確定のため")]).contains("data-approved=\"true\""))
        }
    }
}

@Suite("広域交付（API）")
struct WideAreaAPITests {
    @Test("no open doors: without a relay secret a city answers no other city; without a relay its counter asks none")
    func notConfigured() async throws {
        let (app, p) = try WhoSeesWhatAPITests.app()
        try await app.test(.router) { client in
            var headers = CertificatesAPITests.headers(key: nil)
            headers[HTTPField.Name("X-Madoguchi-From-City")!] = "149829"
            try await client.execute(uri: "/relay/v1/wide-area", method: .post, headers: headers, body: ByteBuffer(string: "{}")) { response in
                #expect(response.status == .serviceUnavailable)
                let error = try ServerTests.json(response.body)["error"] as? [String: Any]
                #expect(error?["code"] as? String == "relay.notConfigured")
            }
            let (status, body) = try await WhoSeesWhatAPITests.post(client, "wide-none-0001", """
                {"keepingCity": "149829", "kind": "residentRecordCopy", "subject": {"name": "系譜 幸子", "birthDate": "1962-10-20"},
                 "requester": {"class": "self", "identityDocuments": ["driversLicense"]}}
                """, uri: "/api/v1/wide-area/certificates")
            #expect(status == .serviceUnavailable)
            #expect((body["error"] as? [String: Any])?["code"] as? String == "wideArea.unavailable")
            _ = p
        }
    }
}

/// 東窓市's records answered in process, as the relay would.
struct InProcessRelay: WideAreaRelay {
    let keeping: WideAreaService
    func ask(_ query: WideAreaQuery, city: String) async throws -> WideAreaAnswer {
        try await keeping.answer(query, from: "149802")
    }

    func forward(_ measure: ForwardedSupportMeasure, city: String) async throws {
        throw MadoguchiError(.wideAreaUnavailable, ja: "転送先がありません", en: "No forwarding in this test")
    }

    func cardStatus(serial: String, city: String) async throws -> RelayedCardStatus {
        try await keeping.cardStatus(serial: serial)
    }
}

@Suite("広域交付（窓口の画面）")
struct WideAreaCounterTests {
    @Test("the counter's 広域交付 form prints 東窓市's 住民票 for 本人 with photo ID, and shows the code of a refusal")
    func counterForm() async throws {
        let b = try MadoguchiDatabase.inMemory()
        _ = try DemoCityGenerator.generate(
            into: b, options: .init(residents: 100, seed: 2, city: .init(code: try LocalGovernmentCode("149829"), name: "東窓市")))
        let people = try DemoScenarios.add(into: b, asOf: CivilDate(year: 2026, month: 11, day: 24)!)
        let clock = MadoguchiClock.parse("2026-11-24T10:00:00+09:00")!
        let keeping = WideAreaService(issuance: IssuanceService(database: b, clock: clock))
        let mother = try #require(try b.registry.detail(id: people.mother, on: CivilDate(year: 2026, month: 11, day: 24)!)).resident
        let a = try MadoguchiDatabase.inMemory()
        _ = try DemoCityGenerator.generate(into: a, options: .init(residents: 100, seed: 3))
        try TestStaff.install(a, clock: clock)
        let config = ServerConfiguration(host: "127.0.0.1", port: 0, clock: clock,
                                         wideAreaRelay: InProcessRelay(keeping: keeping))
        let app = try buildApplication(configuration: config, database: a)
        try await app.test(.router) { client in
            var key = ""
            try await client.execute(uri: "/counter/wide-area", method: .get, headers: CounterPagesTests.cookie) { response in
                let html = String(buffer: response.body)
                #expect(html.contains("広域交付"))
                key = String(html.components(separatedBy: "name=\"idempotencyKey\" value=\"")[1].prefix { $0 != "\"" })
            }
            let fields: [(String, String)] = [
                ("idempotencyKey", key), ("keepingCity", "149829"), ("kind", "residentRecordCopy"), ("subjectName", mother.name.full),
                ("subjectBirthDate", mother.birthDate.description), ("class", "self"), ("identityDocuments", "myNumberCard"),
                ("facilityId", "chuo-ward-office"),
            ]
            try await client.execute(uri: "/counter/wide-area", method: .post, headers: CounterPagesTests.formHeaders,
                                     body: CounterPagesTests.form(fields)) { response in
                #expect(response.status == .seeOther)
                #expect(response.headers[.location]?.hasPrefix("/counter/certificates/") == true)
            }
            var refused = fields
            refused[0] = ("idempotencyKey", key + "-2")
            refused[6] = ("identityDocuments", "healthInsuranceCard")
            try await client.execute(uri: "/counter/wide-area", method: .post, headers: CounterPagesTests.formHeaders,
                                     body: CounterPagesTests.form(refused)) { response in
                #expect(response.status == .unprocessableContent)
                #expect(String(buffer: response.body).contains("data-code=\"refusal.wideAreaPhotoIdentityRequired\""))
            }
        }
        let printed = try await a.writer.read { d in try Int.fetchOne(d, sql: "SELECT count(*) FROM certificate WHERE keepingCityCode = '149829'") }
        #expect(printed == 1)
    }
}

@Suite("窓口の手続（API・画面）")
struct ProceduresAPITests {
    @Test("支援措置 over the API: 申出 201, 決定, 終了 without a reason 422, with one 200; the record lists each step")
    func supportMeasureOverAPI() async throws {
        let (app, p) = try WhoSeesWhatAPITests.app()
        try await app.test(.router) { client in
            func post(_ uri: String, _ json: String) async throws -> (HTTPResponse.Status, [String: Any]) {
                try await client.execute(uri: uri, method: .post, headers: CertificatesAPITests.headers(key: nil), body: ByteBuffer(string: json)) {
                    ($0.status, (try? ServerTests.json($0.body)) ?? [:])
                }
            }
            let (created, measure) = try await post("/api/v1/residents/\(p.widow)/support-measures",
                                                    #"{"otherPartyName": "加害 者", "facilityId": "chuo-ward-office"}"#)
            #expect(created == .created)
            #expect(measure["state"] as? String == "applied")
            let id = try #require(measure["id"] as? Int)
            #expect(try await post("/api/v1/support-measures/\(id)/decide", "{}").0 == .ok)
            let (noReason, error) = try await post("/api/v1/support-measures/\(id)/end", "{}")
            #expect(noReason == .unprocessableContent)
            #expect((error["error"] as? [String: Any])?["code"] as? String == "procedure.invalid")
            #expect(try await post("/api/v1/support-measures/\(id)/decide", "{}").0 == .conflict)
            #expect(try await post("/api/v1/support-measures/\(id)/end", #"{"reason": "本人の申出"}"#).0 == .ok)
            #expect(try await post("/api/v1/support-measures/\(id)/explode", "{}").0 == .notFound)
            let svg = Data("<svg xmlns=\"http://www.w3.org/2000/svg\"><circle r=\"9\"/></svg>".utf8).base64EncodedString()
            #expect(try await post("/api/v1/residents/\(p.widow)/seal", #"{"image": "\#(svg)", "imageType": "image/svg+xml"}"#).0 == .created)
            #expect(try await post("/api/v1/residents/\(p.widow)/seal", #"{"image": "not base64!", "imageType": "image/svg+xml"}"#).0 == .badRequest)
            try await client.execute(uri: "/api/v1/residents/\(p.widow)/procedures", method: .get, headers: ServerTests.bearer) { response in
                let body = try ServerTests.json(response.body)
                let history = (body["history"] as? [[String: Any]])?.compactMap { $0["procedure"] as? String }
                #expect(history == ["supportMeasureApplied", "supportMeasureDecided", "supportMeasureEnded", "sealRegistered"])
                #expect((body["seal"] as? [String: Any])?["registrationNumber"] as? String == "2026-000001")
            }
            // Without the staff token: nothing.
            try await client.execute(uri: "/api/v1/residents/\(p.widow)/support-measures", method: .post,
                                     body: ByteBuffer(string: #"{"otherPartyName": "x"}"#)) { #expect($0.status == .unauthorized) }
        }
    }

    @Test("the counter page takes a 申出 and shows the record of procedures")
    func counterPage() async throws {
        let (app, p) = try WhoSeesWhatAPITests.app()
        try await app.test(.router) { client in
            try await client.execute(uri: "/counter/residents/\(p.widow)/procedures/support-measure", method: .post,
                                     headers: CounterPagesTests.formHeaders,
                                     body: CounterPagesTests.form([("otherPartyName", "加害　者"), ("facilityId", "chuo-ward-office")])) { response in
                #expect(response.status == .seeOther)
            }
            try await client.execute(uri: "/counter/residents/\(p.widow)/procedures", method: .get, headers: CounterPagesTests.cookie) { response in
                let html = String(buffer: response.body)
                #expect(html.contains("data-state=\"applied\""))
                #expect(html.contains("data-procedure=\"supportMeasureApplied\""))
                #expect(html.contains("支援決定"))
            }
            // Without the cookie: sign in first.
            try await client.execute(uri: "/counter/residents/\(p.widow)/procedures", method: .get) { #expect($0.status == .seeOther) }
        }
    }
}
