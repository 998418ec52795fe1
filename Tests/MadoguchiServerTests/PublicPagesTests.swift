import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import MadoguchiServer

/// The public pages every resident and visitor sees first (issue 14, item 9): the home page, the closing days and the
/// verification page, as models and templates, in Japanese with an English toggle, and with no inline script.
@Suite("公開ページ")
struct PublicPagesTests {
    @Test("no page runs an inline script (the policy allows this site's script files only); the verify page's camera script is a file")
    func noInlineScript() async throws {
        let (app, _) = try ServerTests.app()
        try await app.test(.router) { client in
            for uri in [
                "/", "/?lang=en", "/calendar", "/calendar?year=2027&lang=en", "/verify", "/facilities", "/facilities/chuo-ward-office", "/finder",
                "/facilities/chuo-ward-office/queue", "/facilities/chuo-ward-office/board", "/facilities/chuo-ward-office/congestion",
            ] {
                let html = try await client.execute(uri: uri, method: .get) { r in
                    #expect(r.status == .ok, "\(uri)")
                    #expect(r.headers[HTTPField.Name("Content-Security-Policy")!]?.contains("script-src 'self'") == true, "\(uri)")
                    return String(buffer: r.body)
                }
                var rest = Substring(html)
                while let open = rest.range(of: "<script") {
                    let tag = rest[open.lowerBound...].prefix { $0 != ">" }
                    #expect(tag.contains(" src=\"/assets/"), "\(uri): \(tag)")
                    rest = rest[open.upperBound...]
                }
            }
            let verify = try await client.execute(uri: "/verify", method: .get) { String(buffer: $0.body) }
            #expect(verify.contains("<script src=\"/assets/verify.js\" defer></script>") && verify.contains("id=\"scan\" hidden"))
            try await client.execute(uri: "/assets/verify.js", method: .get) { r in
                #expect(r.status == .ok && r.headers[.contentType] == "text/javascript; charset=utf-8")
                #expect(String(buffer: r.body).contains("BarcodeDetector"))
            }
            // A pasted token is text in the form, never markup.
            try await client.execute(
                uri: "/verify", method: .post, headers: [.contentType: "application/x-www-form-urlencoded"],
                body: ByteBuffer(string: "token=%3C%2Ftextarea%3E%3Cscript%3Ealert(1)%3C%2Fscript%3E")
            ) { r in
                let html = String(buffer: r.body)
                #expect(html.contains("data-status=\"invalid\"") && html.contains("&lt;/textarea&gt;&lt;script&gt;alert(1)") && !html.contains("<script>alert"))
            }
        }
    }

    @Test("the home page and the closing days in English: the toggle, the links kept in English, holidays by their own names")
    func homeAndCalendarInEnglish() async throws {
        let (app, _) = try ServerTests.app()
        try await app.test(.router) { client in
            let ja = try await client.execute(uri: "/", method: .get) { String(buffer: $0.body) }
            #expect(ja.contains("本日（令和8年11月24日）は開庁日です。") && ja.contains("href=\"/?lang=en\" lang=\"en\">English</a>"))
            let en = try await client.execute(uri: "/?lang=en", method: .get) { String(buffer: $0.body) }
            #expect(en.contains("<html lang=\"en\">") && en.contains("Today (2026-11-24) the offices are open.") && en.contains("href=\"/finder?lang=en\""))
            #expect(!en.contains("本日") && en.contains("href=\"/?lang=ja\" lang=\"ja\">日本語</a>"))
            let calendar = try await client.execute(uri: "/calendar?year=2027&lang=en", method: .get) { String(buffer: $0.body) }
            #expect(calendar.contains("Days the offices are closed in 2027") && calendar.contains("<td>2027-01-01</td><td>令和9年1月1日（Fri）</td><td>元日</td>"))
            #expect(calendar.contains("href=\"/calendar?year=2028&amp;lang=en\"") && calendar.contains("href=\"/calendar?year=2027&amp;lang=ja\""))
            let far = try await client.execute(uri: "/calendar?year=1900&lang=en", method: .get) { ($0.status, String(buffer: $0.body)) }
            #expect(far.0 == .notFound && far.1.contains("The calendar covers"))
        }
    }
}
