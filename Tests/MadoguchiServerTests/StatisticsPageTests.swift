import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import MadoguchiImport
import Testing

@testable import MadoguchiDomain
@testable import MadoguchiServer

/// Issue 14, item 7 over HTTP: the statistics page and its CSV (UTF-8 and CP932) count what the ledger's certificates
/// and the tickets' events say happened, for the roles that plan and supervise; the counter's clerk and the public get
/// nothing.
@Suite("窓口の統計")
struct StatisticsPageTests {
    @Test("a certificate and a ticket served through window 3 show in the tables, the charts and both CSVs")
    func countsWhatHappened() async throws {
        let (app, db) = try ServerTests.app()
        let subject = try CertificatesAPITests.subject(db)
        try await app.test(.router) { client in
            var headers = TestStaff.bearer("clerk")
            headers[.contentType] = "application/json"
            headers[HTTPField.Name("Idempotency-Key")!] = "statistics-0001"
            let body = """
                {"kind": "residentRecordCopy", "subjectId": \(subject), "options": {"copies": 2},
                 "requester": {"class": "self", "residentId": \(subject), "identityDocuments": ["driversLicense"]}}
                """
            try await client.execute(uri: "/api/v1/certificates", method: .post, headers: headers, body: ByteBuffer(string: body)) { r in
                #expect(r.status == .created, "\(String(buffer: r.body))")
            }
            try await client.execute(
                uri: "/api/v1/facilities/chuo-ward-office/tickets", method: .post, headers: QueueAPITests.jsonHeaders,
                body: QueueAPITests.body(#"{"route":["moving"]}"#)) { r in #expect(r.status == .created) }
            for action in ["open", "next", "start", "complete"] {
                try await client.execute(uri: "/api/v1/queue/windows/3/\(action)", method: .post, headers: QueueAPITests.bearer("clerk")) { r in
                    #expect(r.status == .ok, "\(action): \(String(buffer: r.body))")
                }
            }
            let period = "from=2026-11-24&through=2026-11-24"
            try await client.execute(uri: "/planning/statistics?\(period)", method: .get, headers: TestStaff.cookie("planner")) { r in
                let html = String(buffer: r.body)
                #expect(r.status == .ok, "\(html.prefix(300))")
                #expect(html.contains("<th scope=\"row\">中央区役所</th><td>2</td>"), "two copies at the counter of 中央区役所")
                #expect(html.contains("<th scope=\"row\">住民票の写し</th><td>2</td>"))
                #expect(html.contains("<td>住所の異動（転入・転出・転居）</td><td>1</td>"), "one ticket for 住所異動")
                #expect(html.contains("<td>3番</td><td>1</td>"), "one service at window 3")
                #expect(html.contains("role=\"img\" aria-label=\"時間帯別の交付枚数\"") && html.contains("<title>10時: 2.0枚</title>"))
            }
            try await client.execute(uri: "/planning/statistics?\(period)&lang=en", method: .get, headers: TestStaff.cookie("planner")) { r in
                let html = String(buffer: r.body)
                #expect(r.status == .ok && html.contains("<html lang=\"en\">") && html.contains("<h1>Counter statistics</h1>"))
                #expect(html.contains("<th scope=\"row\">\(CertificateKind.residentRecordCopy.english)</th><td>2</td>"))
                #expect(html.contains("<td>Window 3</td><td>1</td>") && html.contains("<title>10:00: 2.0 certificates</title>"))
                #expect(html.contains("href=\"/planning/statistics?\(period.replacingOccurrences(of: "&", with: "&amp;"))&amp;lang=ja\""))
                #expect(html.contains("href=\"/planning/statistics/issuance.csv?\(period.replacingOccurrences(of: "&", with: "&amp;"))\""), "the CSV is the same, whatever the page's language")
            }
            try await client.execute(uri: "/planning/statistics/issuance.csv?\(period)", method: .get, headers: TestStaff.cookie("supervisor")) { r in
                let text = String(buffer: r.body)
                #expect(r.status == .ok && r.headers[.contentType] == "text/csv; charset=utf-8")
                #expect(text.hasPrefix("施設ID,施設名,交付チャネル,証明書の種類,月,時,交付枚数\r\n"))
                #expect(text.contains("chuo-ward-office,中央区役所,窓口,住民票の写し,2026-11,10,2\r\n"), "\(text)")
            }
            try await client.execute(uri: "/planning/statistics/tickets.csv?\(period)&encoding=cp932", method: .get, headers: TestStaff.cookie("auditor")) { r in
                #expect(r.status == .ok && r.headers[.contentType] == "text/csv; charset=Shift_JIS")
                let text = try TextEncoding.decode(Array(buffer: r.body), as: .cp932).0
                #expect(text.hasPrefix("施設ID,施設名,手続,窓口,日,時,発券数,呼出数,平均待ち時間（分）,対応数,平均対応時間（分）\r\n"))
                #expect(text.contains("chuo-ward-office,中央区役所,住所の異動（転入・転出・転居）,,2026-11-24,10,1,1,0.0,0,\r\n"), "\(text)")
                #expect(text.contains("chuo-ward-office,中央区役所,住所の異動（転入・転出・転居）,3,2026-11-24,10,0,0,,1,0.0\r\n"), "\(text)")
            }
            // Hostile: a clerk, the public, a period backwards or too long, a date that is not one, an unknown facility.
            try await client.execute(uri: "/planning/statistics", method: .get, headers: TestStaff.cookie("clerk")) { r in #expect(r.status == .forbidden) }
            try await client.execute(uri: "/planning/statistics/issuance.csv", method: .get) { r in
                #expect(r.status == .unauthorized || r.status == .seeOther || r.status == .found)
            }
            for bad in ["from=2026-11-24&through=2026-11-01", "from=2025-01-01&through=2026-11-24", "from=2026-02-30", "facility=no-such-office"] {
                try await client.execute(uri: "/planning/statistics/issuance.csv?\(bad)", method: .get, headers: TestStaff.cookie("planner")) { r in
                    #expect(r.status == .unprocessableContent || r.status == .notFound, "\(bad): \(r.status)")
                    #expect(String(buffer: r.body).contains(bad.hasPrefix("facility") ? "facility.unknown" : "statistics.invalidPeriod"), "\(bad)")
                }
            }
        }
    }
}
