import Foundation
import GRDB
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing
import MadoguchiPKI

@testable import MadoguchiDemo
@testable import MadoguchiImport
@testable import MadoguchiDomain
@testable import MadoguchiIssuance
@testable import MadoguchiServer
@testable import MadoguchiStore

/// Who reaches what: the one table (`AccessPolicy`) against the router, every route tried by every role and by no one.
@Suite("職員の権限")
struct AccessPolicyTests {
    static let clock = MadoguchiClock.parse("2026-11-24T10:00:00+09:00")!

    static func app() throws -> (some ApplicationProtocol, MadoguchiDatabase, Router<AppRequestContext>) {
        let db = try MadoguchiDatabase.inMemory()
        _ = try DemoCityGenerator.generate(into: db, options: .init(residents: 200, seed: 3))
        try TestStaff.install(db, clock: clock)
        let hub = HubSignature.SigningKey.generate(id: "test-hub")
        let config = ServerConfiguration(
            host: "127.0.0.1", port: 0, clock: clock, hubKeys: try HubKeys.parse("\(hub.id) \(hub.publicKey)"), relayToken: "relay-secret")
        return (try buildApplication(configuration: config, database: db), db, try buildRouter(configuration: config, database: db))
    }

    @Test("every route the server has is in the policy table, and every rule in it names a route")
    func tableMatchesRouter() throws {
        let (_, _, router) = try Self.app()
        let routes = Set(router.routes.map { "\($0.method.rawValue) \($0.path)" })
        for route in routes.sorted() {
            #expect(AccessPolicy.rules[route] != nil, "no access rule for \(route): it would be refused to everyone")
        }
        for rule in AccessPolicy.rules.keys.sorted() {
            #expect(routes.contains(rule), "the rule \(rule) names no route")
        }
    }

    @Test("what the table says, in the words of the city's rules: a clerk issues but does not void; planners never see residents; only admins keep accounts",
          arguments: [
            ("POST /api/v1/certificates", StaffRole.clerk, true), ("POST /api/v1/certificates/{id}/void", .clerk, false),
            ("POST /api/v1/certificates/{id}/void", .supervisor, true), ("GET /api/v1/residents/{id}", .planner, false),
            ("GET /api/v1/residents/{id}", .auditor, false), ("GET /counter/residents/{id}", .externalReviewer, false),
            ("PUT /api/v1/sheets/{code}", .externalReviewer, false), ("PUT /api/v1/sheets/{code}", .planner, true),
            ("POST /admin/accounts", .supervisor, false), ("POST /admin/accounts", .admin, true), ("GET /counter", .admin, false),
            ("POST /api/v1/support-measures/{id}/{action}", .clerk, false),
          ])
    func intent(route: String, role: StaffRole, allowed: Bool) throws {
        guard case .staff(let roles) = try #require(AccessPolicy.rules[route]) else { Issue.record("\(route) is not a staff route"); return }
        #expect(roles.contains(role) == allowed)
    }

    /// A route's path with its parameters filled in with values that name nothing.
    static func concrete(_ path: String) -> String {
        path.replacingOccurrences(of: #"\{[^}]+\}"#, with: "0", options: .regularExpression)
    }

    @Test("each role reaches exactly the routes the table gives it; no one else does (401 or sign-in, 403)")
    func matrix() async throws {
        let (app, _, router) = try Self.app()
        let routes = router.routes.map { (method: $0.method, path: "\($0.path)") }
        try await app.test(.router) { client in
            for route in routes {
                guard let rule = AccessPolicy.rules["\(route.method.rawValue) \(route.path)"] else { continue }
                let uri = Self.concrete(route.path)
                let isPage = AccessPolicy.isPage(route.path)
                switch rule {
                case .anyone:
                    try await client.execute(uri: uri, method: route.method) { response in
                        if route.method == .post && route.path.hasSuffix("/login") {
                            #expect(response.status == .unauthorized, "\(route): no login, no password, no session")
                            #expect(response.headers[.setCookie] == nil)
                        } else {
                            #expect(response.status != .unauthorized && response.status != .forbidden, "\(route) is public")
                        }
                    }
                case .resident:
                    // Neither no one nor a member of staff reads a resident's record here: only the resident's card session.
                    for headers: HTTPFields in [[:], TestStaff.bearer("tester"), TestStaff.cookie("tester")] {
                        try await client.execute(uri: uri, method: route.method, headers: headers) { response in
                            #expect(response.status == .unauthorized, "\(route) without the resident's card session")
                        }
                    }
                case .hub, .relay:
                    // A member of staff's credential does not open the hub's or the relay's door.
                    for headers: HTTPFields in [[:], TestStaff.bearer("tester")] {
                        try await client.execute(uri: uri, method: route.method, headers: headers) { response in
                            #expect(response.status == .unauthorized, "\(route) without its own secret")
                        }
                    }
                case .staff(let roles):
                    try await client.execute(uri: uri, method: route.method) { response in
                        if isPage {
                            #expect(response.status == .seeOther, "\(route) sends the anonymous to sign in")
                            #expect(response.headers[.location] == AccessPolicy.signInPath(for: route.path))
                        } else {
                            #expect(response.status == .unauthorized, "\(route) without a credential")
                        }
                    }
                    for person in TestStaff.people {
                        let allowed = roles.isEmpty || !person.roles.isDisjoint(with: roles)
                        try await client.execute(uri: uri, method: route.method, headers: TestStaff.bearer(person.login)) { response in
                            let body = String(buffer: response.body)
                            if allowed {
                                #expect(response.status != .unauthorized, "\(route) for \(person.login)")
                                #expect(!body.contains("staff.forbidden"), "\(route) for \(person.login)")
                            } else {
                                #expect(response.status == .forbidden, "\(route) refused to \(person.login)")
                                #expect(body.contains("staff.forbidden"), "\(route) refused to \(person.login)")
                            }
                        }
                    }
                }
            }
        }
    }

    @Test("a revoked credential, and any credential of a disabled account, is refused (401)")
    func revokedAndDisabled() async throws {
        let (app, db, _) = try Self.app()
        let staff = StaffService(database: db, clock: Self.clock)
        let credentials = try await staff.credentials()
        let clerks = try #require(credentials.first { c in c.accountId != nil && c.roles == [.clerk] })
        try await staff.revokeCredential(id: clerks.id, by: "test")
        try await staff.setDisabled(login: "supervisor", true, by: "test")
        try await app.test(.router) { client in
            for login in ["clerk", "supervisor"] {
                try await client.execute(uri: "/api/v1/facilities", method: .get, headers: TestStaff.bearer(login)) { response in
                    #expect(response.status == .unauthorized, "\(login)")
                }
            }
            try await client.execute(uri: "/counter", method: .get, headers: TestStaff.cookie("supervisor")) { response in
                #expect(response.headers[.location] == "/counter/login", "a disabled account's session ends")
            }
            try await client.execute(uri: "/api/v1/facilities", method: .get, headers: TestStaff.bearer("tester")) { response in
                #expect(response.status == .ok)
            }
        }
    }

    @Test("a clerk issues at their own counter under their own name: another facility or a store kiosk is refused (403)")
    func facilityAndActorFromTheAccount() async throws {
        let (app, db, _) = try Self.app()
        let id = try CertificatesAPITests.subject(db)
        @Sendable func body(_ extra: String) -> ByteBuffer {
            ByteBuffer(string: """
                {"kind": "residentRecordCopy", "subjectId": \(id)\(extra),
                 "requester": {"class": "self", "residentId": \(id), "identityDocuments": ["driversLicense"]}}
                """)
        }
        @Sendable func headers(_ key: String) -> HTTPFields {
            var h = TestStaff.bearer("clerk")
            h[.contentType] = "application/json"
            h[HTTPField.Name("Idempotency-Key")!] = key
            return h
        }
        try await app.test(.router) { client in
            try await client.execute(uri: "/api/v1/certificates", method: .post, headers: headers("facility-1"),
                                     body: body(#", "facilityId": "minato-branch-office""#)) { response in
                #expect(response.status == .forbidden)
                #expect(String(buffer: response.body).contains("staff.wrongFacility"))
            }
            try await client.execute(uri: "/api/v1/certificates", method: .post, headers: headers("facility-2"), body: body(#", "channel": "kiosk""#)) { response in
                #expect(response.status == .forbidden)
            }
            try await client.execute(uri: "/api/v1/certificates", method: .post, headers: headers("facility-3"), body: body("")) { response in
                #expect(response.status == .created)
                let created = try ServerTests.json(response.body)
                let certificate = try #require(try IssuanceService(database: db, clock: Self.clock).certificate(created["id"] as! String))
                #expect(certificate.facilityId == TestStaff.facility)
                #expect(certificate.channel == .counter)
            }
        }
        let actors = try await db.writer.read { d in try String.fetchAll(d, sql: "SELECT json_extract(payload, '$.actor') FROM ledgerEntry WHERE json_extract(payload, '$.actor') IS NOT NULL") }
        #expect(actors.contains("clerk"), "the ledger names the account that issued")
        #expect(!actors.contains("staff-api"))
    }

    @Test("administration: an admin adds an account (its first password shown once, and it signs in), issues and revokes a credential, disables an account; no one else may")
    func admin() async throws {
        let (app, db, _) = try Self.app()
        let admin = CounterPagesTests.formHeaders(as: "admin")
        try await app.test(.router) { client in
            try await client.execute(uri: "/admin", method: .get, headers: TestStaff.cookie("admin")) { response in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body).contains("<td>clerk</td>"))
            }
            try await client.execute(uri: "/admin", method: .get, headers: TestStaff.cookie("clerk")) { response in
                #expect(response.status == .forbidden)
            }
            try await client.execute(uri: "/admin/accounts", method: .post, headers: CounterPagesTests.formHeaders(as: "clerk"),
                                     body: CounterPagesTests.form([("login", "mallory"), ("displayName", "x"), ("role", "admin")], as: "clerk")) { response in
                #expect(response.status == .forbidden)
            }
            var password = ""
            try await client.execute(uri: "/admin/accounts", method: .post, headers: admin,
                                     body: CounterPagesTests.form([("login", "hama.clerk"), ("displayName", "浜 一子"), ("role", "clerk"),
                                                                   ("facilityId", "hama-branch-office")], as: "admin")) { response in
                #expect(response.status == .ok)
                let html = String(buffer: response.body)
                password = String(html.components(separatedBy: "初期パスワード: <code>").dropFirst().first?.prefix { $0 != "<" } ?? "")
            }
            #expect(password.count >= 12)
            try await client.execute(uri: "/admin/accounts", method: .post, headers: admin,
                                     body: CounterPagesTests.form([("login", "bad"), ("displayName", "x"), ("role", "clerk")], as: "admin")) { response in
                #expect(response.status == .unprocessableContent, "a clerk needs a facility")
            }
            try await client.execute(uri: "/counter/login", method: .post, headers: [.contentType: "application/x-www-form-urlencoded"],
                                     body: CounterPagesTests.form([("login", "hama.clerk"), ("password", password)], as: nil)) { response in
                #expect(response.status == .seeOther)
                #expect(response.headers[.setCookie]?.hasPrefix("madoguchi_session=") == true)
            }
            var secret = ""
            try await client.execute(uri: "/admin/credentials", method: .post, headers: admin,
                                     body: CounterPagesTests.form([("label", "窓口端末1"), ("role", "clerk"), ("facilityId", "chuo-ward-office")], as: "admin")) { response in
                #expect(response.status == .ok)
                secret = String(String(buffer: response.body).components(separatedBy: "）: <code>").dropFirst().first?.prefix { $0 != "<" } ?? "")
            }
            #expect(!secret.isEmpty)
            try await client.execute(uri: "/api/v1/residents/1", method: .get, headers: [.authorization: "Bearer \(secret)"]) { response in
                #expect(response.status != .unauthorized && response.status != .forbidden, "a counter terminal acts as a clerk")
            }
            let id = try #require(try await StaffService(database: db, clock: Self.clock).credentials().first { $0.label == "窓口端末1" }?.id)
            try await client.execute(uri: "/admin/credentials/\(id)/revoke", method: .post, headers: admin, body: CounterPagesTests.form([], as: "admin")) { response in
                #expect(response.status == .ok)
            }
            try await client.execute(uri: "/api/v1/residents/1", method: .get, headers: [.authorization: "Bearer \(secret)"]) { response in
                #expect(response.status == .unauthorized)
            }
            try await client.execute(uri: "/admin/accounts/clerk/disable", method: .post, headers: admin, body: CounterPagesTests.form([], as: "admin")) { response in
                #expect(response.status == .ok)
            }
            try await client.execute(uri: "/counter", method: .get, headers: TestStaff.cookie("clerk")) { response in
                #expect(response.headers[.location] == "/counter/login")
            }
            try await client.execute(uri: "/admin/accounts/admin/disable", method: .post, headers: admin, body: CounterPagesTests.form([], as: "admin")) { response in
                #expect(response.status == .unprocessableContent, "no one locks themself out")
            }
        }
        let events = try await db.writer.read { d in try String.fetchAll(d, sql: "SELECT event || ' ' || actor FROM staffEvent ORDER BY id") }
        #expect(events.contains("created admin"))
        #expect(events.contains("credentialRevoked admin"))
        #expect(events.contains("disabled admin"))
    }

    @Test("every form that posts, on every signed-in page, carries the session's CSRF token; public pages carry none")
    func everyFormCarriesTheToken() async throws {
        let (app, db, _) = try Self.app()
        let now = Self.clock.now()
        for name in ["program-P1-1-3.tsv", "measure-72302000.txt"] {
            let sheet = try SheetImporter().read([UInt8](try Data(contentsOf: PlanningPagesTests.sheets.appendingPathComponent(name)))).0
            try await db.writer.write { d in try Sheets.save(GRDBSession(db: d), sheet, source: "import", author: "import", now: now) }
        }
        let subject = try CertificatesAPITests.subject(db)
        let pages = [
            "/counter", "/counter/residents/\(subject)", "/counter/residents/\(subject)/procedures", "/counter/wide-area",
            "/planning", "/planning/sheets/72302000", "/planning/sheets/P1-1-3/edit", "/planning/activities", "/planning/surveys", "/admin",
        ]
        try await app.test(.router) { client in
            for page in pages {
                try await client.execute(uri: page, method: .get, headers: TestStaff.cookie("tester")) { response in
                    #expect(response.status == .ok, "\(page)")
                    let html = String(buffer: response.body)
                    let forms = html.components(separatedBy: "<form").dropFirst().filter { $0.prefix { $0 != ">" }.contains("method=\"post\"") }
                    #expect(!forms.isEmpty, "\(page) has forms that post")
                    for form in forms {
                        #expect(form.contains("name=\"csrf\" value=\"\(TestStaff.csrf("tester"))\""), "\(page): \(form.prefix(120))")
                    }
                }
            }
            try await client.execute(uri: "/verify", method: .get, headers: TestStaff.cookie("tester")) { response in
                #expect(!String(buffer: response.body).contains("name=\"csrf\""), "a public page never shows the token")
            }
        }
    }
}
