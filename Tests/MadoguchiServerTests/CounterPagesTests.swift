import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import MadoguchiDomain
@testable import MadoguchiServer
@testable import MadoguchiStore

@Suite("窓口の画面")
struct CounterPagesTests {
    static let cookie: HTTPFields = [.cookie: "madoguchi_staff=\(ServerTests.token)"]

    static func form(_ pairs: [(String, String)]) -> ByteBuffer {
        ByteBuffer(string: pairs.map { "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)" }.joined(separator: "&"))
    }

    static var formHeaders: HTTPFields {
        var h = cookie
        h[.contentType] = "application/x-www-form-urlencoded"
        return h
    }

    /// The hidden fields of the confirmation form, as the browser would post them back.
    static func hiddenFields(_ html: String) -> [(String, String)] {
        html.components(separatedBy: "<input type=\"hidden\" ").dropFirst().map { chunk in
            func attribute(_ name: String) -> String {
                let start = chunk.range(of: "\(name)=\"")!.upperBound
                return String(chunk[start...].prefix { $0 != "\"" })
                    .replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&amp;", with: "&")
            }
            return (attribute("name"), attribute("value"))
        }
    }

    @Test("signing in: without the cookie the pages send you to sign in; a wrong token is refused")
    func signIn() async throws {
        let (app, _) = try ServerTests.app()
        try await app.test(.router) { client in
            try await client.execute(uri: "/counter", method: .get) { response in
                #expect(response.status == .seeOther)
                #expect(response.headers[.location] == "/counter/login")
            }
            try await client.execute(uri: "/counter/login", method: .post, headers: [.contentType: "application/x-www-form-urlencoded"],
                                     body: Self.form([("token", "wrong")])) { response in
                #expect(response.status == .unauthorized)
            }
            try await client.execute(uri: "/counter/login", method: .post, headers: [.contentType: "application/x-www-form-urlencoded"],
                                     body: Self.form([("token", ServerTests.token)])) { response in
                #expect(response.status == .seeOther)
                let cookie = response.headers[.setCookie] ?? ""
                #expect(cookie.contains("HttpOnly"))
                #expect(cookie.contains("SameSite=Strict"))
            }
        }
    }

    @Test("find → pre-filled form → preview → issue (once, even if sent twice) → print")
    func flow() async throws {
        let (app, db) = try ServerTests.app()
        let subject = try CertificatesAPITests.subject(db)
        let resident = try #require(try db.registry.detail(id: subject, on: Make.today)).resident
        try await app.test(.router) { client in
            let q = resident.name.familyKana.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
            try await client.execute(uri: "/counter?q=\(q)", method: .get, headers: Self.cookie) { response in
                #expect(String(buffer: response.body).contains("/counter/residents/\(subject)"))
            }
            try await client.execute(uri: "/counter/residents/\(subject)", method: .get, headers: Self.cookie) { response in
                let html = String(buffer: response.body)
                #expect(html.contains(HTML.escape(resident.name.full)), "the form is filled from the registry")
                #expect(html.contains("name=\"kind\" value=\"residentRecordCopy\" checked"))
            }
            var hidden: [(String, String)] = []
            try await client.execute(uri: "/counter/residents/\(subject)/preview", method: .post, headers: Self.formHeaders,
                                     body: Self.form([("kind", "residentRecordCopy"), ("copies", "2"), ("scope", "household"),
                                                      ("class", "self"), ("identityDocuments", "driversLicense"),
                                                      ("facilityId", "chuo-ward-office")])) { response in
                let html = String(buffer: response.body)
                #expect(html.contains("data-approved=\"true\""))
                #expect(html.contains("600円"))
                hidden = Self.hiddenFields(html)
            }
            #expect(hidden.contains { $0.0 == "idempotencyKey" })
            var locations: [String] = []
            for _ in 0..<2 {
                try await client.execute(uri: "/counter/issue", method: .post, headers: Self.formHeaders, body: Self.form(hidden)) { response in
                    #expect(response.status == .seeOther)
                    locations.append(response.headers[.location] ?? "")
                }
            }
            #expect(locations[0] == locations[1], "a double submit issues once")
            try await client.execute(uri: locations[0], method: .get, headers: Self.cookie) { response in
                let html = String(buffer: response.body)
                #expect(html.contains("data-status=\"issued\""))
                #expect(html.contains("2通　600円"))
            }
            try await client.execute(uri: locations[0] + "/document.pdf", method: .get, headers: Self.cookie) { response in
                #expect(response.headers[.contentType] == "application/pdf")
            }
        }
        let certificates = try await db.writer.read { d in try Int.fetchOne(d, sql: "SELECT count(*) FROM certificate") }
        #expect(certificates == 1)
    }

    @Test("the preview shows every refusal and records nothing; cross-site posts are refused")
    func refusedPreview() async throws {
        let (app, db) = try ServerTests.app()
        let subject = try CertificatesAPITests.subject(db)
        try await app.test(.router) { client in
            try await client.execute(uri: "/counter/residents/\(subject)/preview", method: .post, headers: Self.formHeaders,
                                     body: Self.form([("kind", "residentRecordCopy"), ("class", "proxy"), ("name", "代理　人")])) { response in
                let html = String(buffer: response.body)
                #expect(html.contains("data-approved=\"false\""))
                #expect(html.contains("data-code=\"refusal.identityNotVerified\""))
                #expect(html.contains("data-code=\"refusal.powerOfAttorneyRequired\""))
                #expect(!html.contains("交付する</button>"))
            }
            var crossSite = Self.formHeaders
            crossSite[.origin] = "https://evil.example"
            try await client.execute(uri: "/counter/residents/\(subject)/preview", method: .post, headers: crossSite,
                                     body: Self.form([("kind", "residentRecordCopy")])) { response in
                #expect(response.status == .forbidden)
            }
        }
        let entries = try await db.writer.read { d in try Int.fetchOne(d, sql: "SELECT count(*) FROM ledgerEntry") }
        #expect(entries == 0)
    }
}
