import Foundation
import GRDB
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import MadoguchiDemo
@testable import MadoguchiDomain
@testable import MadoguchiIssuance
@testable import MadoguchiServer
@testable import MadoguchiStore

/// The access log (issue 11, item 4): every read of a person's data names who, where, when, why and whom.
@Suite("閲覧記録")
struct AccessAuditTests {
    static let clock = MadoguchiClock.parse("2026-11-24T10:00:00+09:00")!

    static func app() throws -> (some ApplicationProtocol, MadoguchiDatabase, DemoScenarios.People) {
        let db = try MadoguchiDatabase.inMemory()
        _ = try DemoCityGenerator.generate(into: db, options: .init(residents: 200, seed: 3))
        let people = try DemoScenarios.add(into: db, asOf: CivilDate(year: 2026, month: 11, day: 24)!)
        try TestStaff.install(db, clock: clock)
        return (try buildApplication(configuration: ServerConfiguration(host: "127.0.0.1", port: 0, clock: clock), database: db), db, people)
    }

    static func log(_ db: MadoguchiDatabase) async throws -> [AccessRecord] {
        try await db.writer.read { d in try AccessLog.entries(GRDBSession(db: d), AccessFilter()) }.reversed().map(\.record)
    }

    @Test("each read is recorded before it is shown: the search with its results, the detail with the household, the issue and the PDF; who, where, why")
    func everyRead() async throws {
        let (app, db, _) = try Self.app()
        let subject = try CertificatesAPITests.subject(db)
        let detail = try #require(try db.registry.detail(id: subject, on: Make.today))
        let kana = detail.resident.name.familyKana.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
        let found = try await app.test(.router) { client -> [Int64] in
            var found: [Int64] = []
            try await client.execute(uri: "/api/v1/residents?q=\(kana)", method: .get, headers: TestStaff.bearer("clerk")) { response in
                #expect(response.status == .ok)
                found = (try ServerTests.json(response.body)["residents"] as? [[String: Any]] ?? []).compactMap { ($0["id"] as? NSNumber)?.int64Value }
            }
            #expect(found.contains(subject))
            try await client.execute(uri: "/api/v1/residents/\(subject)", method: .get, headers: TestStaff.bearer("clerk")) { response in
                #expect(response.status == .ok)
            }
            var headers = TestStaff.bearer("clerk")
            headers[.contentType] = "application/json"
            headers[HTTPField.Name("Idempotency-Key")!] = "audit-test-0001"
            headers[.accept] = "application/pdf"
            let body = """
                {"kind": "residentRecordCopy", "subjectId": \(subject),
                 "requester": {"class": "self", "residentId": \(subject), "identityDocuments": ["driversLicense"]}}
                """
            try await client.execute(uri: "/api/v1/certificates", method: .post, headers: headers, body: ByteBuffer(string: body)) { response in
                #expect(response.status == .created, "\(String(buffer: response.body))")
            }
            try await client.execute(uri: "/counter/residents/\(subject)/procedures", method: .get, headers: TestStaff.cookie("supervisor")) { response in
                #expect(response.status == .ok)
            }
            return found
        }
        let log = try await Self.log(db)
        #expect(log.map(\.action) == [.search, .detail, .issue, .document, .procedures])
        #expect(log[0].subjects == found.sorted())
        #expect(log[0].query == detail.resident.name.familyKana)
        #expect(log[0].route == "GET /api/v1/residents")
        #expect(Set(log[1].subjects) == Set([subject] + detail.householdMembers.map(\.id)), "the household shown with the person")
        #expect(log[2].documentId != nil && log[2].documentId == log[3].documentId)
        #expect(log.allSatisfy { $0.purpose == .certificate && $0.at == "2026-11-24T10:00:00.000+09:00" })
        #expect(log[0...3].allSatisfy { $0.actor == "clerk" && $0.facilityId == TestStaff.facility })
        #expect(log[4].actor == "supervisor" && log[4].route == "GET /counter/residents/{id}/procedures")
        let verified = try await db.writer.read { d in try AccessLog.verify(GRDBSession(db: d)) }
        #expect(verified.isIntact && verified.entries == 5)
    }

    @Test("no purpose, no read: the API without X-Madoguchi-Purpose or with an unknown one is 400 and records and shows nothing")
    func purposeRequired() async throws {
        let (app, db, _) = try Self.app()
        let subject = try CertificatesAPITests.subject(db)
        try await app.test(.router) { client in
            for purpose in [nil, "curiosity"] {
                var headers: HTTPFields = [.authorization: "Bearer \(TestStaff.token("clerk"))"]
                if let purpose { headers[HTTPField.Name("X-Madoguchi-Purpose")!] = purpose }
                try await client.execute(uri: "/api/v1/residents/\(subject)", method: .get, headers: headers) { response in
                    #expect(response.status == .badRequest)
                    let text = String(buffer: response.body)
                    #expect(text.contains("audit.purposeRequired"))
                    #expect(!text.contains("\"name\""), "no person's data in the refusal")
                }
                headers[.contentType] = "application/json"
                headers[HTTPField.Name("Idempotency-Key")!] = "no-purpose-\(purpose ?? "none")"
                try await client.execute(uri: "/api/v1/certificates", method: .post, headers: headers, body: ByteBuffer(string: """
                    {"kind": "residentRecordCopy", "subjectId": \(subject), "requester": {"class": "self", "residentId": \(subject), "identityDocuments": ["driversLicense"]}}
                    """)) { response in
                    #expect(response.status == .badRequest, "no certificate without a purpose")
                    #expect(String(buffer: response.body).contains("audit.purposeRequired"))
                }
            }
        }
        #expect(try await Self.log(db).isEmpty)
        let issued = try await db.writer.read { d in try Int.fetchOne(d, sql: "SELECT count(*) FROM certificate") ?? 0 }
        #expect(issued == 0)
    }

    @Test("a read that shows a person under 支援措置 is flagged for the auditor; one that does not, is not")
    func flagged() async throws {
        let (app, db, people) = try Self.app()
        try await app.test(.router) { client in
            for id in [people.protected, people.movedOut] {
                try await client.execute(uri: "/api/v1/residents/\(id)", method: .get, headers: TestStaff.bearer("clerk")) { response in
                    #expect(response.status == .ok)
                }
            }
        }
        let log = try await Self.log(db)
        #expect(log.map(\.flagged) == [true, false])
        let flagged = try await db.writer.read { d in try AccessLog.entries(GRDBSession(db: d), AccessFilter(flaggedOnly: true)) }
        #expect(flagged.map(\.record.subjects).allSatisfy { $0.contains(people.protected) })
    }

    @Test("the auditor's page lists the reads, filters a resident's and the flagged ones, verifies the chain, and exports CSV; a clerk may not")
    func auditorPage() async throws {
        let (app, db, people) = try Self.app()
        try await app.test(.router) { client in
            for id in [people.protected, people.movedOut, people.widow] {
                try await client.execute(uri: "/api/v1/residents/\(id)", method: .get, headers: TestStaff.bearer("clerk")) { _ in }
            }
            try await client.execute(uri: "/audit?verify=1", method: .get, headers: TestStaff.cookie("auditor")) { response in
                #expect(response.status == .ok)
                let html = String(buffer: response.body)
                #expect(html.contains("data-count=\"3\""))
                #expect(html.contains("data-intact=\"true\""))
                #expect(html.contains("要確認"))
            }
            try await client.execute(uri: "/audit?flagged=1", method: .get, headers: TestStaff.cookie("auditor")) { response in
                #expect(String(buffer: response.body).contains("data-count=\"1\""))
            }
            try await client.execute(uri: "/audit?resident=\(people.widow)", method: .get, headers: TestStaff.cookie("auditor")) { response in
                #expect(String(buffer: response.body).contains("data-count=\"1\""))
            }
            try await client.execute(uri: "/audit/access.csv", method: .get, headers: TestStaff.cookie("auditor")) { response in
                #expect(response.headers[.contentType] == "text/csv; charset=utf-8")
                let lines = String(buffer: response.body).split(separator: "\r\n")
                #expect(lines.count == 4)
                #expect(lines[0].hasSuffix(AccessRecord.csvHeader))
                #expect(lines[1].hasPrefix("1,2026-11-24T10:00:00.000+09:00,clerk,chuo-ward-office,住民記録の表示,証明書の交付,"))
                #expect(lines[1].hasSuffix(",要確認"))
            }
            try await client.execute(uri: "/audit", method: .get, headers: TestStaff.cookie("clerk")) { response in
                #expect(response.status == .forbidden)
            }
        }
        // Reading the log is not a read of anyone's record: it names ids only, and adds nothing to itself.
        #expect(try await Self.log(db).count == 3)
    }

    @Test("the log cannot be changed through the schema, and a change made around it is found by verify")
    func tamper() async throws {
        let (app, db, people) = try Self.app()
        try await app.test(.router) { client in
            for id in [people.protected, people.movedOut] {
                try await client.execute(uri: "/api/v1/residents/\(id)", method: .get, headers: TestStaff.bearer("clerk")) { _ in }
            }
        }
        await #expect(throws: (any Error).self) {
            try await db.writer.write { d in try d.execute(sql: "UPDATE accessEntry SET actor = 'someone' WHERE sequence = 1") }
        }
        await #expect(throws: (any Error).self) {
            try await db.writer.write { d in try d.execute(sql: "DELETE FROM accessSubject WHERE sequence = 1") }
        }
        await #expect(throws: (any Error).self) {
            try await db.writer.write { d in try d.execute(sql: "INSERT INTO accessSubject (residentId, sequence) VALUES (1, 1)") }
        }
        // Someone with the file drops the guard and hides who was read at entry 1.
        try await db.writer.write { d in
            try d.execute(sql: "DROP TRIGGER accessSubject_no_delete")
            try d.execute(sql: "DELETE FROM accessSubject WHERE sequence = 1")
        }
        let verified = try await db.writer.read { d in try AccessLog.verify(GRDBSession(db: d)) }
        #expect(verified.firstBad == 1)
        #expect(verified.problem?.contains("people") == true)
    }

    @Test("a search's words keep no long number: a 個人番号 typed into the search never reaches the log")
    func masked() {
        #expect(AccessRecord.masked("やまだ 123456789018") == "やまだ ＊")
        #expect(AccessRecord.masked("１２３４５６７８９０１２") == "＊")
        #expect(AccessRecord.masked("1980-05-01") == "1980-05-01")
        let record = AccessRecord(at: "x", actor: "a", facilityId: nil, action: .search, purpose: .certificate, subjects: [3, 1, 3], route: "r",
                                  query: "番号 555444333229")
        #expect(record.query == "番号 ＊")
        #expect(record.subjects == [1, 3])
    }
}
