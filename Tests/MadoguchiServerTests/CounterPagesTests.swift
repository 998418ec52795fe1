import Foundation
import GRDB
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import MadoguchiDomain
@testable import MadoguchiIssuance
@testable import MadoguchiServer
@testable import MadoguchiStore

@Suite("窓口の画面")
struct CounterPagesTests {
    static let cookie: HTTPFields = TestStaff.cookie("tester")

    /// A form as the signed-in `login`'s browser posts it: with the session's CSRF token.
    static func form(_ pairs: [(String, String)], as login: String? = "tester") -> ByteBuffer {
        let all = pairs + (login.map { [("csrf", TestStaff.csrf($0))] } ?? [])
        return ByteBuffer(string: all.map { "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)" }.joined(separator: "&"))
    }

    static var formHeaders: HTTPFields { formHeaders(as: "tester") }

    static func formHeaders(as login: String) -> HTTPFields {
        var h = TestStaff.cookie(login)
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

    @Test("signing in: without a session the pages send you to sign in; a wrong password is refused, five lock the account; the session works at the account's counter until signing out")
    func signIn() async throws {
        let (app, db) = try ServerTests.app()
        let clock = MadoguchiClock.parse("2026-11-24T10:00:00+09:00")!
        _ = try await StaffService(database: db, clock: clock).create(
            StaffAccount(login: "minato", displayName: "港 花子", roles: [.clerk], facilityId: "minato-branch-office"),
            password: "correct horse battery", by: "test")
        let plain: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]
        try await app.test(.router) { client in
            try await client.execute(uri: "/counter", method: .get) { response in
                #expect(response.status == .seeOther)
                #expect(response.headers[.location] == "/counter/login")
            }
            try await client.execute(uri: "/counter", method: .get, headers: [.cookie: "madoguchi_session=forged"]) { response in
                #expect(response.headers[.location] == "/counter/login")
            }
            try await client.execute(uri: "/counter/login", method: .post, headers: plain,
                                     body: Self.form([("login", "minato"), ("password", "wrong password!")], as: nil)) { response in
                #expect(response.status == .unauthorized)
                #expect(response.headers[.setCookie] == nil)
            }
            var session = ""
            try await client.execute(uri: "/counter/login", method: .post, headers: plain,
                                     body: Self.form([("login", "minato"), ("password", "correct horse battery")], as: nil)) { response in
                #expect(response.status == .seeOther)
                let cookie = response.headers[.setCookie] ?? ""
                #expect(cookie.contains("HttpOnly"))
                #expect(cookie.contains("SameSite=Strict"))
                #expect(!cookie.contains("Secure"), "plain HTTP in tests; MADOGUCHI_SECURE_COOKIES adds it")
                session = String(cookie.split(separator: ";")[0])
            }
            // No one is shown before the purpose is chosen; the counter page asks for it.
            try await client.execute(uri: "/counter/residents/1", method: .get, headers: [.cookie: session]) { response in
                #expect(response.status == .seeOther)
                #expect(response.headers[.location] == "/counter?purpose=required")
            }
            var csrf = ""
            try await client.execute(uri: "/counter?purpose=required", method: .get, headers: [.cookie: session]) { response in
                let html = String(buffer: response.body)
                #expect(html.contains("住民の情報を見る前に用件を選んでください"))
                csrf = String(html.components(separatedBy: "name=\"csrf\" value=\"")[1].prefix { $0 != "\"" })
            }
            try await client.execute(uri: "/counter/purpose", method: .post, headers: [.cookie: session, .contentType: "application/x-www-form-urlencoded"],
                                     body: ByteBuffer(string: "csrf=\(csrf)&purpose=consultation")) { response in
                #expect(response.status == .seeOther)
            }
            try await client.execute(uri: "/counter/residents/1", method: .get, headers: [.cookie: session]) { response in
                #expect(response.status == .ok)
                let html = String(buffer: response.body)
                #expect(html.contains("data-facility=\"minato-branch-office\""), "the counter is the account's, not a choice")
                #expect(!html.contains("name=\"facilityId\""))
                csrf = String(html.components(separatedBy: "name=\"csrf\" value=\"")[1].prefix { $0 != "\"" })
            }
            #expect(csrf.count >= 20)
            // The clerk may not reach planning or administration.
            try await client.execute(uri: "/planning", method: .get, headers: [.cookie: session]) { response in
                #expect(response.status == .forbidden)
            }
            try await client.execute(uri: "/admin", method: .get, headers: [.cookie: session]) { response in
                #expect(response.status == .forbidden)
            }
            // Signing out ends the session: the same cookie no longer opens the counter.
            try await client.execute(uri: "/logout", method: .post, headers: [.cookie: session, .contentType: "application/x-www-form-urlencoded"],
                                     body: ByteBuffer(string: "csrf=\(csrf)")) { response in
                #expect(response.status == .seeOther)
                #expect(response.headers[.setCookie]?.contains("Max-Age=0") == true)
            }
            try await client.execute(uri: "/counter", method: .get, headers: [.cookie: session]) { response in
                #expect(response.headers[.location] == "/counter/login")
            }
            // Five wrong passwords in a row lock the account, the right one included.
            for _ in 0..<SignInPolicy.maximumFailures {
                try await client.execute(uri: "/counter/login", method: .post, headers: plain,
                                         body: Self.form([("login", "minato"), ("password", "not the password")], as: nil)) { _ in }
            }
            try await client.execute(uri: "/counter/login", method: .post, headers: plain,
                                     body: Self.form([("login", "minato"), ("password", "correct horse battery")], as: nil)) { response in
                #expect(response.status == .tooManyRequests)
                #expect(response.headers[.setCookie] == nil)
            }
        }
    }

    @Test("CSRF: a staff form without the session's token, with another session's token, or from another site is refused (403) and changes nothing")
    func csrf() async throws {
        let (app, db) = try ServerTests.app()
        let subject = try CertificatesAPITests.subject(db)
        let fields: [(String, String)] = [("kind", "residentRecordCopy"), ("class", "self"), ("identityDocuments", "myNumberCard"),
                                          ("subjectId", "\(subject)"), ("idempotencyKey", "csrf-test"), ("copies", "1")]
        let before = try await db.writer.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM certificate") ?? 0 }
        try await app.test(.router) { client in
            try await client.execute(uri: "/counter/issue", method: .post, headers: Self.formHeaders, body: Self.form(fields, as: nil)) { response in
                #expect(response.status == .forbidden)
                #expect(String(buffer: response.body).contains("staff.csrf"))
            }
            try await client.execute(uri: "/counter/issue", method: .post, headers: Self.formHeaders, body: Self.form(fields, as: "clerk")) { response in
                #expect(response.status == .forbidden)
            }
            var crossSite = Self.formHeaders
            crossSite[.origin] = "https://evil.example"
            try await client.execute(uri: "/counter/issue", method: .post, headers: crossSite, body: Self.form(fields)) { response in
                #expect(response.status == .forbidden)
            }
        }
        let after = try await db.writer.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM certificate") ?? 0 }
        #expect(after == before)
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
                                                      ("facilityId", "chuo-ward-office"), ("reason", "\"><script>alert(1)</script>")])) { response in
                let html = String(buffer: response.body)
                #expect(html.contains("data-approved=\"true\""))
                #expect(html.contains("600円"))
                // What the clerk typed is carried to the confirmation as a value, never as markup.
                #expect(!html.contains("<script>alert") && html.contains("name=\"reason\" value=\"&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;\""))
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
                #expect(html.contains("href=\"\(locations[0])/document.pdf?signed=1\""), "the signed PDF for 電子交付 is offered")
            }
            try await client.execute(uri: locations[0] + "/document.pdf", method: .get, headers: Self.cookie) { response in
                #expect(response.headers[.contentType] == "application/pdf")
            }
            try await client.execute(uri: locations[0] + "/document.pdf?signed=1", method: .get, headers: Self.cookie) { response in
                #expect(response.headers[.contentType] == "application/pdf")
                #expect(response.headers[HTTPField.Name("X-Document-Signature")!] == "PAdES-B-T")
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
