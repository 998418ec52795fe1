import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import MadoguchiPKI
import Testing

@testable import MadoguchiDomain
@testable import MadoguchiServer
@testable import MadoguchiStore

/// Issue 14, item 4 over HTTP: residents draw and follow tickets by their secret; staff run the windows of their own
/// facility only, with the roles the policy names; the board shows numbers, never an address.
@Suite("順番待ちのAPIと画面")
struct QueueAPITests {
    static func body(_ json: String) -> ByteBuffer { ByteBuffer(string: json) }
    static let jsonHeaders: HTTPFields = [.contentType: "application/json"]

    static func bearer(_ login: String) -> HTTPFields {
        var h = TestStaff.bearer(login)
        h[.contentType] = "application/json"
        return h
    }

    @Test("a resident's ticket through a window: drawn (public), called and served (clerk), followed by its secret")
    func ticketThroughWindow() async throws {
        let (app, _) = try ServerTests.app()
        try await app.test(.router) { client in
            var secret = ""
            try await client.execute(
                uri: "/api/v1/facilities/chuo-ward-office/tickets", method: .post, headers: Self.jsonHeaders,
                body: Self.body(#"{"route":["moving","myNumberCard"],"language":"en","email":"someone@example.jp"}"#)
            ) { r in
                #expect(r.status == .created)
                let json = try ServerTests.json(r.body)
                secret = json["ticket"] as? String ?? ""
                let status = json["status"] as? [String: Any]
                #expect(status?["number"] as? String == "B001" && status?["steps"] as? Int == 2 && status?["alertsByMail"] as? Bool == true)
                #expect(status?["ruleOfThumbMinutes"] as? Int == 0 && status?["ahead"] as? Int == 0)
            }
            #expect(secret.count == 26)
            for action in ["open", "next", "start"] {
                try await client.execute(uri: "/api/v1/queue/windows/3/\(action)", method: .post, headers: Self.bearer("clerk")) { r in
                    #expect(r.status == .ok, "\(action): \(String(buffer: r.body))")
                }
            }
            try await client.execute(uri: "/api/v1/tickets/\(secret)", method: .get) { r in
                let json = try ServerTests.json(r.body)
                #expect(json["state"] as? String == "serving" && json["window"] as? String == "3" && json["stateEnglish"] as? String == "Being served")
            }
            try await client.execute(uri: "/api/v1/queue/windows/3/complete", method: .post, headers: Self.bearer("clerk")) { r in
                let json = try ServerTests.json(r.body)
                #expect(json["state"] as? String == "waiting" && json["procedure"] as? String == "myNumberCard" && json["step"] as? Int == 2)
            }
            // The board: the lines' counts, the open windows; never the address or the secret.
            try await client.execute(uri: "/api/v1/facilities/chuo-ward-office/board", method: .get) { r in
                let text = String(buffer: r.body)
                #expect(r.status == .ok && !text.contains("example.jp") && !text.contains(secret))
                let board = try ServerTests.json(r.body)["board"] as? [String: Any]
                let lines = board?["lines"] as? [[String: Any]] ?? []
                #expect(lines.first { $0["procedure"] as? String == "myNumberCard" }?["waiting"] as? Int == 1)
            }
            try await client.execute(uri: "/facilities/chuo-ward-office/board", method: .get) { r in
                let html = String(buffer: r.body)
                #expect(html.contains("data-events=\"/facilities/chuo-ward-office/board/events\"") && html.contains("3番") && !html.contains(secret))
            }
            // The resident gives up the second step.
            try await client.execute(uri: "/api/v1/tickets/\(secret)/cancel", method: .post) { r in
                let json = try ServerTests.json(r.body)
                #expect(json["state"] as? String == "cancelled")
            }
            try await client.execute(uri: "/api/v1/tickets/\(secret)/cancel", method: .post) { r in
                #expect(r.status == .conflict && String(buffer: r.body).contains("queue.invalidStep"))
            }
        }
    }

    /// A clerk of 港支所: their windows are 港支所's, whatever the request says.
    static func addMinatoClerk(_ db: MadoguchiDatabase) throws {
        try db.transaction(readOnly: false) { s in
            let account = StaffAccount(login: "minato", displayName: "試験 港", roles: [.clerk], facilityId: "minato-branch-office")
            let id = try StaffStore.insert(s, account, passwordHash: "scrypt$unusable", at: "2026-11-24T10:00:00.000+09:00")
            _ = try StaffStore.insertCredential(
                s, tokenHash: StaffPasswords.fingerprint("token-minato"), label: "test", accountId: id, roles: [.clerk],
                facilityId: "minato-branch-office", at: "2026-11-24T10:00:00.000+09:00")
        }
    }

    @Test("the request log names a ticket's route, never its secret (ADR 0012: the secret is the ticket)")
    func loggedPathHidesTheSecret() {
        typealias Log = AccessLogMiddleware<BasicRequestContext>
        #expect(Log.loggedPath("/tickets/Qx7-secret", endpoint: "/tickets/{ticket}") == "/tickets/…")
        #expect(Log.loggedPath("/tickets/Qx7-secret/events", endpoint: "/tickets/{ticket}/events") == "/tickets/…/events")
        #expect(Log.loggedPath("/api/v1/tickets/Qx7-secret/cancel", endpoint: "/api/v1/tickets/{ticket}/{action}")
                == "/api/v1/tickets/…/cancel")
        // Other parameters are not secrets: a facility and a window stay readable.
        #expect(Log.loggedPath("/facilities/chuo-ward-office/board", endpoint: "/facilities/{id}/board") == "/facilities/chuo-ward-office/board")
        #expect(Log.loggedPath("/no/route", endpoint: nil) == "/no/route")
    }

    @Test("hostile: no credential, the wrong role, another facility's clerk, a guessed secret, malformed bodies")
    func hostile() async throws {
        let (app, db) = try ServerTests.app()
        try Self.addMinatoClerk(db)
        try await app.test(.router) { client in
            try await client.execute(
                uri: "/api/v1/facilities/chuo-ward-office/tickets", method: .post, headers: Self.jsonHeaders, body: Self.body(#"{"route":["certificates"]}"#)
            ) { r in #expect(r.status == .created) }
            try await client.execute(uri: "/api/v1/queue/windows/1/open", method: .post, headers: Self.bearer("clerk")) { _ in }
            try await client.execute(uri: "/api/v1/queue/windows/1/next", method: .post) { r in #expect(r.status == .unauthorized) }
            try await client.execute(uri: "/api/v1/queue/windows/1/next", method: .post, headers: Self.bearer("planner")) { r in
                #expect(r.status == .forbidden)
            }
            try await client.execute(uri: "/api/v1/queue/windows/1", method: .put, headers: Self.bearer("clerk"), body: Self.body(#"{"skills":["moving"]}"#)) { r in
                #expect(r.status == .forbidden)
            }
            try await client.execute(uri: "/api/v1/queue/windows/1/next", method: .post, headers: Self.bearer("minato")) { r in
                #expect(r.status == .conflict && String(buffer: r.body).contains("queue.windowClosed"))
            }
            try await client.execute(uri: "/api/v1/queue/windows/1/open", method: .post, headers: Self.bearer("minato")) { _ in }
            try await client.execute(uri: "/api/v1/queue/windows/1/next", method: .post, headers: Self.bearer("minato")) { r in
                #expect(r.status == .conflict && String(buffer: r.body).contains("queue.empty"))
            }
            // 中央区役所's A001 is still waiting: 港支所's clerk never reached it.
            try await client.execute(uri: "/api/v1/facilities/chuo-ward-office/board", method: .get) { r in
                let board = try ServerTests.json(r.body)["board"] as? [String: Any]
                #expect((board?["calling"] as? [String])?.isEmpty == true)
            }
            try await client.execute(uri: "/api/v1/queue/windows/1", method: .put, headers: Self.bearer("supervisor"), body: Self.body(#"{"skills":["certificates","sealRegistration"]}"#)) { r in
                #expect(r.status == .ok, "\(String(buffer: r.body))")
            }
            try await client.execute(uri: "/api/v1/tickets/\(String(repeating: "a", count: 26))", method: .get) { r in #expect(r.status == .notFound) }
            try await client.execute(uri: "/tickets/nope", method: .get) { r in #expect(r.status == .notFound) }
            for bad in [#"{"route":[]}"#, #"{"route":["nothing"]}"#, #"{"route":"certificates"}"#, "not json", #"{"route":["moving"],"email":"a b@c"}"#] {
                try await client.execute(uri: "/api/v1/facilities/chuo-ward-office/tickets", method: .post, headers: Self.jsonHeaders, body: Self.body(bad)) { r in
                    #expect(r.status == .badRequest || r.status == .unprocessableContent, "\(bad): \(r.status)")
                    #expect(String(buffer: r.body).contains("\"code\""))
                }
            }
            try await client.execute(uri: "/api/v1/facilities/nowhere/tickets", method: .post, headers: Self.jsonHeaders, body: Self.body(#"{"route":["certificates"]}"#)) { r in
                #expect(r.status == .notFound)
            }
            try await client.execute(uri: "/api/v1/queue/windows/1/transfer", method: .post, headers: Self.bearer("clerk"), body: Self.body("{}")) { r in
                #expect(r.status == .badRequest)
            }
        }
    }

    @Test("the touch page draws a ticket and sends the resident to its page; the ticket page carries its QR code and no cache")
    func touchPage() async throws {
        let (app, _) = try ServerTests.app()
        try await app.test(.router) { client in
            try await client.execute(uri: "/facilities/chuo-ward-office/queue", method: .get) { r in
                let html = String(buffer: r.body)
                #expect(html.contains("証明書の交付") && html.contains("name=\"route\" value=\"moving\"") && html.contains("type=\"email\""))
            }
            var location = ""
            try await client.execute(
                uri: "/facilities/chuo-ward-office/queue", method: .post, headers: [.contentType: "application/x-www-form-urlencoded"],
                body: ByteBuffer(string: "lang=ja&channel=entrance&route=certificates")
            ) { r in
                #expect(r.status == .seeOther)
                location = r.headers[.location] ?? ""
            }
            #expect(location.hasPrefix("/tickets/"))
            try await client.execute(uri: location, method: .get) { r in
                let html = String(buffer: r.body)
                #expect(html.contains("A001") && html.contains("<svg") && html.contains("/assets/queue.js") && html.contains("data-events"))
                #expect(r.headers[.cacheControl] == "no-store")
            }
            // A line the service corner does not have: the page says so, in the resident's language.
            try await client.execute(
                uri: "/facilities/chuo-station-service-corner/queue", method: .post, headers: [.contentType: "application/x-www-form-urlencoded"],
                body: ByteBuffer(string: "lang=en&route=moving")
            ) { r in
                #expect(r.status == .unprocessableContent && String(buffer: r.body).contains("does not handle"))
            }
        }
    }

    @Test("the clerk's window page: open, call, start, park and put back, with the session's CSRF token; others are refused")
    func windowPage() async throws {
        let (app, _) = try ServerTests.app()
        @Sendable func form(_ login: String, csrf: Bool = true) -> HTTPFields {
            var h = TestStaff.cookie(login)
            h[.contentType] = "application/x-www-form-urlencoded"
            if csrf { h[HTTPField.Name("X-CSRF-Token")!] = TestStaff.csrf(login) }
            return h
        }
        try await app.test(.router) { client in
            try await client.execute(
                uri: "/api/v1/facilities/chuo-ward-office/tickets", method: .post, headers: Self.jsonHeaders, body: Self.body(#"{"route":["certificates"]}"#)
            ) { r in #expect(r.status == .created) }
            try await client.execute(uri: "/counter/queue?window=1", method: .get, headers: TestStaff.cookie("clerk")) { r in
                let html = String(buffer: r.body)
                #expect(r.status == .ok && html.contains("1番窓口") && html.contains("data-line=\"certificates\">1人"))
            }
            try await client.execute(uri: "/counter/queue/windows/1/open", method: .post, headers: form("clerk", csrf: false)) { r in
                #expect(r.status == .forbidden)
            }
            for action in ["open", "next", "start", "park"] {
                try await client.execute(uri: "/counter/queue/windows/1/\(action)", method: .post, headers: form("clerk")) { r in
                    #expect(r.status == .seeOther, "\(action): \(String(buffer: r.body))")
                }
            }
            try await client.execute(uri: "/counter/queue?window=1", method: .get, headers: TestStaff.cookie("clerk")) { r in
                let html = String(buffer: r.body)
                #expect(html.contains("保留中の番号") && html.contains("A001") && html.contains("data-action=\"next\""))
            }
            try await client.execute(uri: "/counter/queue/tickets/A001/resume", method: .post, headers: form("clerk"), body: ByteBuffer(string: "window=1")) { r in
                #expect(r.status == .seeOther)
            }
            // A refused step says why on the page, and changes nothing.
            try await client.execute(uri: "/counter/queue/windows/1/complete", method: .post, headers: form("clerk")) { r in
                #expect(r.status == .conflict && String(buffer: r.body).contains("対応中の番号はありません"))
            }
            try await client.execute(uri: "/counter/queue", method: .get, headers: TestStaff.cookie("planner")) { r in
                #expect(r.status == .forbidden)
            }
            // Called again: the window offers what a called number allows, and a transfer to the other lines only.
            try await client.execute(uri: "/counter/queue/windows/1/next", method: .post, headers: form("clerk")) { r in #expect(r.status == .seeOther) }
            try await client.execute(uri: "/counter/queue?window=1", method: .get, headers: TestStaff.cookie("clerk")) { r in
                let html = String(buffer: r.body)
                #expect(html.contains("data-ticket=\"A001\"><strong>A001</strong> お呼び出し中・証明書の交付</p>"))
                for action in ["start", "recall", "no-show", "park", "transfer"] { #expect(html.contains("data-action=\"\(action)\""), "\(action)") }
                #expect(!html.contains("data-action=\"next\"") && !html.contains("data-action=\"complete\""))
                #expect(html.contains("<option value=\"moving\">") && !html.contains("<option value=\"certificates\">"))
            }
        }
    }

    @Test("a reservation: reserved by API, checked in from its page on arrival, then in line")
    func reservationCheckIn() async throws {
        let (app, _) = try ServerTests.app()
        try await app.test(.router) { client in
            var secret = ""
            try await client.execute(
                uri: "/api/v1/facilities/chuo-ward-office/reservations", method: .post, headers: Self.jsonHeaders,
                body: Self.body(#"{"route":["moving"],"slot":"2026-11-24T10:30:00+09:00"}"#)
            ) { r in
                #expect(r.status == .created, "\(String(buffer: r.body))")
                secret = try ServerTests.json(r.body)["ticket"] as? String ?? ""
            }
            try await client.execute(uri: "/tickets/\(secret)", method: .get) { r in
                let html = String(buffer: r.body)
                #expect(html.contains("10:30の予約です") && html.contains("/tickets/\(secret)/check-in"))
            }
            try await client.execute(uri: "/tickets/\(secret)/check-in", method: .post) { r in #expect(r.status == .seeOther) }
            try await client.execute(uri: "/api/v1/tickets/\(secret)", method: .get) { r in
                let json = try ServerTests.json(r.body)
                #expect(json["state"] as? String == "waiting")
            }
            try await client.execute(
                uri: "/api/v1/facilities/chuo-ward-office/reservations", method: .post, headers: Self.jsonHeaders,
                body: Self.body(#"{"route":["moving"]}"#)
            ) { r in #expect(r.status == .badRequest) }
        }
    }

    @Test("the ticket's page and its events in the language asked for (?lang=), else the one it was drawn in; a bad lang is ignored")
    func ticketPageLanguage() async throws {
        let (app, _) = try ServerTests.app()
        try await app.test(.router) { client in
            var secret = ""
            try await client.execute(
                uri: "/api/v1/facilities/chuo-ward-office/tickets", method: .post, headers: Self.jsonHeaders,
                body: Self.body(#"{"route":["moving"],"language":"ja"}"#)
            ) { r in secret = try ServerTests.json(r.body)["ticket"] as? String ?? "" }
            try await client.execute(uri: "/tickets/\(secret)", method: .get) { r in
                let html = String(buffer: r.body)
                #expect(html.contains("<html lang=\"ja\">") && html.contains("あなたの番号") && html.contains("href=\"/tickets/\(secret)?lang=en\""))
                #expect(html.contains("data-events=\"/tickets/\(secret)/events\""))
            }
            try await client.execute(uri: "/tickets/\(secret)?lang=en", method: .get) { r in
                let html = String(buffer: r.body)
                #expect(html.contains("<html lang=\"en\">") && html.contains("Your number") && !html.contains("あなたの番号"))
                #expect(html.contains("data-events=\"/tickets/\(secret)/events?lang=en\"") && html.contains("Give up my place"))
            }
            try await client.execute(uri: "/tickets/\(secret)?lang=%3Cx%3E", method: .get) { r in
                #expect(r.status == .ok && String(buffer: r.body).contains("あなたの番号"))
            }
            // A finished ticket's stream sends one event and ends: in the page's language.
            try await client.execute(uri: "/api/v1/tickets/\(secret)/cancel", method: .post) { r in #expect(r.status == .ok) }
            try await client.execute(uri: "/tickets/\(secret)/events?lang=en", method: .get) { r in
                let text = String(buffer: r.body)
                #expect(text.contains("Your number") && text.contains("Cancelled") && text.contains(#""final":"1""#) && !text.contains("あなたの番号"))
            }
            try await client.execute(uri: "/tickets/\(secret)/events", method: .get) { r in
                #expect(String(buffer: r.body).contains("あなたの番号"))
            }
        }
    }
}
