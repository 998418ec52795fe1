import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import MadoguchiDomain
@testable import MadoguchiServer

/// Issue 14, item 6 over HTTP: the public congestion page and its API, in Japanese and English; counts only, never a
/// person; an unknown facility is a coded 404.
@Suite("混雑状況のページとAPI")
struct CongestionPageTests {
    @Test("the page: each line now with its level, and two months of forecast by day and hour with a legend; the API the same")
    func pageAndAPI() async throws {
        let (app, _) = try ServerTests.app()
        try await app.test(.router) { client in
            // Twelve for certificates before any window opens: a moderate wait now.
            for _ in 0..<12 {
                try await client.execute(
                    uri: "/api/v1/facilities/chuo-ward-office/tickets", method: .post, headers: QueueAPITests.jsonHeaders,
                    body: QueueAPITests.body(#"{"route":["certificates"],"email":"someone@example.jp"}"#)) { r in #expect(r.status == .created) }
            }
            try await client.execute(uri: "/facilities/chuo-ward-office/congestion", method: .get) { r in
                let html = String(buffer: r.body)
                #expect(r.status == .ok && r.headers[.contentType]?.contains("text/html") == true)
                #expect(html.contains("中央区役所 窓口の混雑状況") && html.contains("10:00現在"))
                #expect(html.contains("A 証明書の交付</th><td>12人</td>"), "the certificates line now")
                #expect(html.contains("混雑予想カレンダー（2か月）") && html.contains("12月7日（月）") && html.contains("1月22日（金）"))
                #expect(html.contains("1月1日（金）") && html.contains("休業"), "a closed weekday is listed as closed")
                #expect(!html.contains("11月28日（土）"), "a regular weekend is left out")
                #expect(html.contains("休日明け") && html.contains("月末"))
                for level in ["○ 空いています", "△ やや混雑", "● 混雑"] { #expect(html.contains(level)) }
                #expect(html.contains("<td class=\"busy\"") && html.contains("<td class=\"quiet\""))
                #expect(!html.contains("example.jp"), "the page holds no address")
            }
            // The facility's page links to it; a post office's (no queue) does not.
            try await client.execute(uri: "/facilities/chuo-ward-office", method: .get) { r in
                #expect(String(buffer: r.body).contains("<a href=\"/facilities/chuo-ward-office/congestion\">"))
            }
            try await client.execute(uri: "/facilities/midorigaoka-post-office", method: .get) { r in
                #expect(r.status == .ok && !String(buffer: r.body).contains("/congestion"))
            }
            try await client.execute(uri: "/facilities/chuo-ward-office/congestion?lang=en", method: .get) { r in
                let html = String(buffer: r.body)
                #expect(html.contains("<html lang=\"en\"") && html.contains("How busy: 中央区役所") && html.contains("Now (as of 10:00)"))
                #expect(html.contains("Forecast for the next two months") && html.contains("Mon 7/12") && html.contains("after a holiday"))
            }
            try await client.execute(uri: "/api/v1/facilities/chuo-ward-office/congestion", method: .get) { r in
                #expect(r.status == .ok)
                let json = try ServerTests.json(r.body)
                let now = json["now"] as? [String: Any] ?? [:]
                let lines = now["lines"] as? [[String: Any]] ?? []
                let certificates = lines.first { $0["procedure"] as? String == "certificates" }
                #expect(now["open"] as? Bool == true && certificates?["waiting"] as? Int == 12 && certificates?["level"] as? String == "moderate")
                let calendar = json["calendar"] as? [String: Any] ?? [:]
                let days = calendar["days"] as? [[String: Any]] ?? []
                #expect(days.count == 61 && days.first?["date"] as? String == "2026-11-24")
                #expect((calendar["hoursLearnt"] as? Int ?? 0) > 4000)
                let thursday = days.first { $0["date"] as? String == "2026-12-03" }
                #expect((thursday?["hours"] as? [[String: Any]])?.count == 11, "Thursday to 19:00")
                #expect(!String(buffer: r.body).contains("example.jp"))
            }
            // A facility without a queue (a post office) has no lines and no forecast; an unknown one is a 404.
            try await client.execute(uri: "/api/v1/facilities/midorigaoka-post-office/congestion", method: .get) { r in
                let json = try ServerTests.json(r.body)
                let now = json["now"] as? [String: Any] ?? [:]
                #expect(r.status == .ok && (now["lines"] as? [Any])?.isEmpty == true && now["level"] == nil, "\(String(buffer: r.body))")
                #expect((json["calendar"] as? [String: Any])?["hoursLearnt"] as? Int == 0)
            }
            try await client.execute(uri: "/facilities/midorigaoka-post-office/congestion", method: .get) { r in
                let html = String(buffer: r.body)
                #expect(html.contains("この施設には番号札の窓口がありません") && html.contains("予想に必要な発券の記録がまだありません"))
            }
            try await client.execute(uri: "/api/v1/facilities/no-such-office/congestion", method: .get) { r in
                let error = try ServerTests.json(r.body)["error"] as? [String: Any]
                #expect(r.status == .notFound && error?["code"] as? String == "facility.unknown")
            }
            try await client.execute(uri: "/facilities/no-such-office/congestion", method: .get) { r in
                #expect(r.status == .notFound && String(buffer: r.body).contains("facility.unknown"))
            }
            try await client.execute(uri: "/facilities/chuo-ward-office/congestion", method: .post) { r in
                #expect(r.status == .methodNotAllowed || r.status == .notFound)
            }
        }
    }
}
