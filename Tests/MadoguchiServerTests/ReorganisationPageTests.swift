import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import MadoguchiDomain
@testable import MadoguchiServer

/// Issue 14, item 8 over HTTP: the what-if page for the roles that plan, supervise and audit; the counter's clerk and
/// the public get nothing, and a change the page cannot read is a coded refusal.
@Suite("窓口再編の試算（画面）")
struct ReorganisationPageTests {
    @Test("the page offers the recorded decisions; replaying 柿の木's shows where its certificates go, the waits and the costs")
    func replay() async throws {
        let (app, _) = try ServerTests.app()
        try await app.test(.router) { client in
            try await client.execute(uri: "/planning/reorganisation", method: .get, headers: TestStaff.cookie("planner")) { r in
                let html = String(buffer: r.body)
                #expect(r.status == .ok, "\(html.prefix(300))")
                #expect(html.contains("<a href=\"/planning/reorganisation?replay=2015-04-01\">2015-04-01　柿の木連絡所機能再編計画</a>"))
                #expect(html.contains("replay=2017-04-01") && html.contains("replay=2012-04-01"))
                #expect(html.contains("<option value=\"kakinoki-liaison-office\">柿の木連絡所</option>") == false, "today it issues nothing")
            }
            try await client.execute(uri: "/planning/reorganisation?replay=2015-04-01", method: .get, headers: TestStaff.cookie("supervisor")) { r in
                let html = String(buffer: r.body)
                #expect(r.status == .ok, "\(html.prefix(300))")
                #expect(html.contains("基準日 2015-03-31（2014年度の実績）"))
                #expect(html.contains("<li>柿の木連絡所：有人窓口の廃止</li>"))
                #expect(html.contains("<th scope=\"row\">柿の木連絡所</th><td>有人窓口の廃止</td><td>2,5") || html.contains("<td>有人窓口の廃止</td><td>2,6"), "about 2,600 a year before")
                #expect(html.contains("<th scope=\"row\">山手区役所</th><td class=\"gain\">+"))
                #expect(html.contains("role=\"img\" aria-label=\"需要の移る先（年間枚数）\""))
                #expect(html.contains("<th scope=\"row\">窓口（区役所・支所・センター・コーナー等）</th>"))
                #expect(!html.contains("コンビニ交付</th>"), "no stores in FY2014")
            }
            // In English: the same figures, the words and the changes in English, the question kept in the toggle.
            try await client.execute(uri: "/planning/reorganisation?replay=2015-04-01&lang=en", method: .get, headers: TestStaff.cookie("planner")) { r in
                let html = String(buffer: r.body)
                #expect(r.status == .ok && html.contains("<html lang=\"en\">") && html.contains("Base day 2015-03-31"))
                #expect(html.contains("<li>柿の木連絡所: close the manned window</li>") && html.contains("<td class=\"gain\">+"))
                #expect(html.contains("<th scope=\"row\">counters (ward offices, branches, centres, corners)</th>") && html.contains(" min ("))
                #expect(html.contains("href=\"/planning/reorganisation?replay=2015-04-01&amp;lang=ja\"") && !html.contains("基準日"))
                #expect(html.contains("<input type=\"hidden\" name=\"lang\" value=\"en\">"))
            }
            let query = "on=2026-11-24&facility=yamate-sub-branch-office&action=close&changes=hours%3Akita-station-service-corner%3Aweekdays%2007%3A30-21%3A00"
            try await client.execute(uri: "/planning/reorganisation?\(query)", method: .get, headers: TestStaff.cookie("auditor")) { r in
                let html = String(buffer: r.body)
                #expect(r.status == .ok, "\(html.prefix(300))")
                #expect(html.contains("<li>柿の木まちづくりセンター：廃止</li>") && html.contains("<li>北駅行政サービスコーナー：開庁時間の変更（weekdays 07:30-21:00）</li>"))
                #expect(html.contains("<th scope=\"row\">コンビニ交付</th>"))
            }
            // Hostile: a clerk, the public, an unreadable change, an unknown facility, a base day without figures, a bad decay.
            try await client.execute(uri: "/planning/reorganisation", method: .get, headers: TestStaff.cookie("clerk")) { r in #expect(r.status == .forbidden) }
            try await client.execute(uri: "/planning/reorganisation?replay=2015-04-01", method: .get) { r in
                #expect(r.status == .unauthorized || r.status == .seeOther || r.status == .found)
            }
            for (bad, code) in [
                ("changes=demolish%3Achuo-ward-office", "reorganisation.invalid"), ("changes=close%3Ano-such-office", "reorganisation.invalid"),
                ("on=2010-04-01&changes=close%3Achuo-ward-office", "reorganisation.noFigures"), ("decay=abc&changes=close%3Achuo-ward-office", "reorganisation.invalid"),
                ("replay=2026-02-30", "reorganisation.invalid"), ("on=2026-11-24&changes=open%3An%3AserviceCorner%3A%E5%90%8D%3A%E5%B1%B1%E6%89%8B%E5%8C%BA%3A%E6%9C%88", "finder.unknownTown"),
            ] {
                try await client.execute(uri: "/planning/reorganisation?\(bad)", method: .get, headers: TestStaff.cookie("planner")) { r in
                    #expect(r.status == .unprocessableContent, "\(bad): \(r.status)")
                    #expect(String(buffer: r.body).contains(code), "\(bad): \(String(buffer: r.body).prefix(300))")
                }
            }
        }
    }
}
