import Foundation
import Testing

@testable import MadoguchiDomain
@testable import MadoguchiIssuance
@testable import MadoguchiServer
@testable import MadoguchiStore

/// Issue 14, item 9: the public pages are models rendered by templates. The models are built here from use-case answers
/// without a database; the templates must parse, escape every value, and speak the language asked for.
@Suite("画面のモデルとテンプレート")
struct ViewsTests {
    static let hostile = #"<script>alert("x")</script>' onmouseover="y"#

    static func status(
        _ state: TicketState, language: String = "ja", facility: String = "中央区役所", window: String? = nil, near: Bool = false
    ) -> QueueService.Status {
        QueueService.Status(
            number: "B012", facilityId: "chuo-ward-office", facilityName: facility, state: state, procedure: .moving, step: 0, steps: 2,
            ahead: 4, estimatedWaitMinutes: 25, windowId: window, near: near, version: 7, language: language, slot: nil, alertsByMail: false)
    }

    @Test("every template parses and is registered under its name")
    func templatesParse() {
        for template in Views.Template.allCases {
            #expect(Views.library.getTemplate(named: template.rawValue) != nil, "\(template.rawValue)")
            #expect(!template.text.isEmpty, "\(template.rawValue) is empty")
        }
        for asset in Views.Asset.allCases { #expect(!asset.text.isEmpty, "\(asset)") }
    }

    @Test("the frame: the page's language, its title escaped, its style and script; a value never becomes markup")
    func frame() {
        let html = HTML.page(title: Self.hostile, cityName: "みどり市", body: "<p>本文</p>", style: ".x{}", wide: true, lang: "en", script: "/assets/queue.js")
        #expect(html.hasPrefix("<!doctype html>\n<html lang=\"en\">"))
        #expect(html.contains("<title>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&#39; onmouseover=&quot;y｜みどり市</title>"))
        #expect(!html.contains("<script>alert"))
        #expect(html.contains("<script src=\"/assets/queue.js\" defer></script>") && html.contains("main{max-width:76rem}"))
        #expect(html.contains(".x{}") && html.contains("<p>本文</p>") && html.contains("City services"))
        let plain = HTML.page(title: "t", cityName: "c", body: "")
        #expect(plain.contains("<html lang=\"ja\">") && !plain.contains("<script") && !plain.contains("76rem") && plain.contains("窓口サービス"))
    }

    @Test("the ticket page in the language asked for, not only the one it was drawn in; its events follow the page")
    func ticketLanguage() {
        let drawn = Self.status(.waiting, language: "ja")
        let ja = TicketPage(status: drawn, ticket: "SECRET", url: "https://city.example/tickets/SECRET", language: Language("ja"))
        #expect(ja.language.code == "ja" && ja.events == "/tickets/SECRET/events" && ja.toggle == "/tickets/SECRET?lang=en")
        let jaHTML = Views.render(ja, .ticket)
        #expect(jaHTML.contains("あなたの前に4人・およそ25分") && jaHTML.contains("（2件中1件目）") && jaHTML.contains("順番を取り消す"))
        #expect(jaHTML.contains("<svg") && jaHTML.contains(">English</a>") && jaHTML.contains("action=\"/tickets/SECRET/cancel\""))

        let en = TicketPage(status: drawn, ticket: "SECRET", url: nil, language: Language("en"))
        #expect(en.language.code == "en" && en.events == "/tickets/SECRET/events?lang=en" && en.title == "Ticket B012")
        let enHTML = Views.render(en, .ticket)
        #expect(enHTML.contains("4 ahead of you, about 25 minutes") && enHTML.contains(" (step 1 of 2)") && enHTML.contains("Give up my place"))
        #expect(!enHTML.contains("あなたの前に") && enHTML.contains("lang=\"ja\">日本語</a>") && !enHTML.contains("<svg"))
        // Drawn in English and shown in English: the events need no language of their own.
        #expect(TicketPage(status: Self.status(.waiting, language: "en"), ticket: "S", url: nil, language: Language("en")).events == "/tickets/S/events")
    }

    @Test("the ticket's alerts: called names the window, near asks to come back; a finished ticket offers nothing to do")
    func ticketStates() {
        let called = TicketPage(status: Self.status(.called, window: "3"), ticket: "S", url: nil, language: Language("ja"))
        #expect(called.alert == "called" && called.title == "B012番 3番窓口へ" && called.live.contains("3番窓口へお越しください。"))
        #expect(called.live.contains("class=\"alert called\" role=\"alert\"") && !Views.render(called, .ticket).contains("/cancel"))
        let near = TicketPage(status: Self.status(.waiting, near: true), ticket: "S", url: nil, language: Language("en"))
        #expect(near.alert == "near" && near.live.contains("Your turn is near") && !near.live.contains("alert called"))
        let reserved = Views.render(TicketPage(status: Self.status(.reserved), ticket: "S", url: nil, language: Language("ja")), .ticket)
        #expect(reserved.contains("/tickets/S/check-in") && reserved.contains("/tickets/S/cancel"))
        let done = Views.render(TicketPage(status: Self.status(.done), ticket: "S", url: "https://x/tickets/S", language: Language("ja")), .ticket)
        #expect(!done.contains("<form") && !done.contains("id=\"notify\"") && !done.contains("<svg") && done.contains("<noscript>"))
    }

    @Test("hostile names are text on the ticket, the board, the congestion page and the finder")
    func hostileNamesAreText() {
        let ticket = Views.render(
            TicketPage(status: Self.status(.waiting, facility: Self.hostile), ticket: "S", url: nil, language: Language("ja")), .ticket)
        let board = BoardPage(
            QueueService.Board(
                facilityId: "a\"b", facilityName: Self.hostile, version: 1,
                windows: [.init(id: "<1>", number: "B001", state: .called)], calling: [Self.hostile],
                lines: [.init(procedure: .moving, letter: "B", japanese: Self.hostile, english: Self.hostile, waiting: 3, estimatedWaitMinutes: 12)]))
        let boardHTML = Views.render(board, .board)
        let finder = Views.render(
            FinderPage(
                question: FinderQuestion(kind: .residentRecordCopy, date: CivilDate(year: 2026, month: 11, day: 24)!, time: nil, town: nil),
                answers: [FinderResultView(id: "x\"y", name: Self.hostile, kind: "wardOffice", kindJa: "区役所", address: Self.hostile, distanceKm: 1.24, hours: [], hoursJa: Self.hostile)],
                towns: [TownKey(ward: Self.hostile, town: Self.hostile)], today: CivilDate(year: 2026, month: 11, day: 24)!, language: Language("ja"),
                query: "kind=\"><script>"), .finder)
        for html in [ticket, boardHTML, finder] {
            #expect(!html.contains("<script>") && !html.contains("\" onmouseover") && !html.contains("' onmouseover"))
            #expect(html.contains("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&#39; onmouseover=&quot;y"))
        }
        #expect(boardHTML.contains("data-events=\"/facilities/a&quot;b/board/events\"") && boardHTML.contains("&lt;1&gt;番"))
        #expect(finder.contains("href=\"/facilities/x&quot;y\"") && finder.contains("1.2 km"))
    }

    @Test("the board: every window and line, the calls newest first up to six, a dash when none is called")
    func board() {
        func board(_ calling: [String]) -> String {
            BoardPage(
                QueueService.Board(
                    facilityId: "f", facilityName: "中央区役所", version: 1,
                    windows: [.init(id: "1", number: "A003", state: .serving), .init(id: "2", number: nil, state: nil), .init(id: "3", number: "B004", state: .called)],
                    calling: calling,
                    lines: [.init(procedure: .certificates, letter: "A", japanese: "証明書", english: "Certificates", waiting: 5, estimatedWaitMinutes: 10)])
            ).live
        }
        let html = board((1...8).map { "B00\($0)" })
        #expect(html.components(separatedBy: "<strong>").count - 1 == 6 && !html.contains("B007"))
        #expect(html.components(separatedBy: "<tr>").count - 1 == 2 + 3 + 1)  // a head a table, three windows, one line
        #expect(html.contains("<span class=\"num\">A003</span> 受付中") && html.contains("<span class=\"num\">—</span></td>"))
        #expect(html.contains("<span class=\"num\">B004</span> お越しください") && html.contains("<td>5人</td><td>約10分"))
        #expect(board([]).contains("<p class=\"calling\">—</p>"))
    }

    @Test("the finder: the question kept in the other language's link, the towns grouped by ward, nothing found said plainly")
    func finder() {
        let day = CivilDate(year: 2026, month: 11, day: 24)!
        let towns = [TownKey(ward: "中央区", town: "本町一丁目"), TownKey(ward: "港区", town: "港一丁目"), TownKey(ward: "中央区", town: "本町二丁目")]
        let page = FinderPage(
            question: FinderQuestion(kind: .sealRegistrationCertificate, date: day, time: TimeOfDay("18:30"), town: towns[2]), answers: [], towns: towns,
            today: day, language: Language("en"), query: "kind=sealRegistrationCertificate&lang=en&date=2026-11-24")
        #expect(page.toggle == "/finder?kind=sealRegistrationCertificate&date=2026-11-24&lang=ja")
        #expect(page.groups.map(\.ward) == ["中央区", "港区"] && page.groups[0].towns.map(\.selected) == [false, true])
        #expect(page.none == "No place issues a \(CertificateKind.sealRegistrationCertificate.english) on 2026-11-24 18:30." && !page.hasRows)
        let html = Views.render(page, .finder)
        #expect(html.contains("<option value=\"sealRegistrationCertificate\" selected>") && html.contains("value=\"18:30\""))
        #expect(html.contains("<input type=\"hidden\" name=\"lang\" value=\"en\">") && !html.contains("<table>"))
        let ja = FinderPage(question: nil, answers: nil, towns: towns, today: day, language: Language("ja"), query: "")
        #expect(ja.toggle == "/finder?lang=en" && ja.none == nil && !Views.render(ja, .finder).contains("name=\"lang\""))
    }

    @Test("the congestion page: levels now, and a calendar of open days and closed weekdays, regular weekends left out")
    func congestion() {
        let at = ISO8601DateFormatter().date(from: "2026-11-24T10:05:00+09:00")!
        let now = CongestionService.Now(
            facilityId: "f", facilityName: "中央区役所", at: at, open: true, level: .moderate,
            lines: [.init(procedure: .moving, letter: "B", japanese: "住所の異動", english: "Moving", waiting: 7, estimatedWaitMinutes: 30, level: .moderate)])
        func day(_ d: Int, open: Bool, reasons: [String] = []) -> CongestionService.Calendar.Day {
            .init(
                date: CivilDate(year: 2026, month: 11, day: d)!, hoursText: open ? "8:30〜17:15" : "休日", open: open, reasons: reasons,
                hours: open ? [.init(hour: 9, expected: 12.4, level: .busy), .init(hour: 10, expected: 3, level: .quiet)] : [], level: open ? .busy : nil)
        }
        let calendar = CongestionService.Calendar(
            facilityId: "f", facilityName: "中央区役所", learntOn: CivilDate(year: 2026, month: 11, day: 23)!, hoursLearnt: 900, moderateAbove: 5,
            busyAbove: 10, days: [day(23, open: false), day(24, open: true, reasons: ["休日明け"]), day(28, open: false), day(30, open: true, reasons: ["月曜日", "月末"])])
        let page = CongestionPage(now: now, calendar: calendar, language: Language("en"))
        #expect(page.asOf == "Now (as of 10:05)" && page.overall?.text == "Moderately busy")
        #expect(page.days.map(\.date) == ["Mon 23/11", "Tue 24/11", "Mon 30/11"])  // Saturday the 28th is a regular weekend
        #expect(page.days[0].closedText == "Closed" && page.days[2].reasons == "Monday, month end" && page.hours == ["9:00", "10:00"])
        #expect(page.days[1].cells.map(\.label) == ["Busy, about 12 tickets", "Quiet, about 3 tickets"])
        let html = Views.render(page, .congestion)
        #expect(html.contains("<td class=\"closed\" colspan=\"2\">Closed</td>") && html.contains("<td class=\"busy\" title=\"Busy, about 12 tickets\">"))
        #expect(html.contains("<td>7</td><td>about 30 min</td>") && html.contains("queue?channel=web&amp;lang=en"))
        let ja = Views.render(CongestionPage(now: now, calendar: calendar, language: Language("ja")), .congestion)
        #expect(ja.contains("11月23日（月）") && ja.contains("<td class=\"closed\" colspan=\"2\">休日</td>") && ja.contains("<td>7人</td><td>約30分</td>"))
        var closed = now
        closed.open = false
        let unlearnt = CongestionService.Calendar(
            facilityId: "f", facilityName: "x", learntOn: calendar.learntOn, hoursLearnt: 0, moderateAbove: 0, busyAbove: 0, days: [])
        let quiet = Views.render(CongestionPage(now: closed, calendar: unlearnt, language: Language("ja")), .congestion)
        #expect(quiet.contains("ただいま受付時間外です。") && quiet.contains("予想に必要な発券の記録がまだありません。") && !quiet.contains("<table"))
    }

    @Test("a table of figures and a bar chart: every value is text, a missing class is no attribute, the bars scale to the largest")
    func figures() {
        let table = FigureTable(
            "stats", caption: Self.hostile, head: ["施設", Self.hostile],
            rows: [FigureTable.Row(Self.hostile, cells: [FigureTable.Cell("+3", className: "gain"), FigureTable.Cell(Self.hostile)]), FigureTable.Row("計", ["3"])])
        let html = Views.render(table, .table)
        #expect(!html.contains("<script>") && html.contains("<caption>&lt;script&gt;"))
        #expect(html.contains("<td class=\"gain\">+3</td>") && html.contains("<tr><th scope=\"row\">計</th><td>3</td></tr>"))
        #expect(html.components(separatedBy: "<th scope=\"col\">").count - 1 == 2 && html.hasSuffix("</table>\n</div>\n"))
        let chart = BarChart(title: "時間帯別", caption: Self.hostile, labels: ["9時", "10時"], values: [1, 4], unit: "枚", width: 248, height: 140)
        #expect(chart.bars.map(\.height) == ["25.0", "100.0"] && chart.bars.map(\.title) == ["9時: 1.0枚", "10時: 4.0枚"] && chart.maxText == "4.0")
        let svg = Views.render(chart, .chart)
        #expect(svg.contains("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"248\" height=\"140\" viewBox=\"0 0 248 140\" role=\"img\" aria-label=\"時間帯別\">"))
        #expect(svg.contains("<rect x=\"158.4\" y=\"12.0\" width=\"67.2\" height=\"100.0\" fill=\"#0b5394\"><title>10時: 4.0枚</title></rect>"))
        #expect(svg.contains("<figcaption>&lt;script&gt;") && !svg.contains("<script>"))
    }

    @Test("the auditor's page: a search word typed by staff is text on it, never script that runs in the auditor's browser")
    func auditPageEscapesWhatStaffTyped() {
        let record = AccessRecord(
            at: "2026-11-24T10:00:00.000+09:00", actor: "clerk\"><img src=x>", facilityId: "chuo-ward-office", action: .search, purpose: .certificate,
            subjects: [12, 7], route: "GET /counter/residents", query: Self.hostile, flagged: true)
        let entry = AccessEntry(sequence: 41, hash: String(repeating: "a", count: 64), record: record)
        let page = AuditPage(
            entries: [entry], verification: LedgerVerification(entries: 41, head: "abc", firstBad: nil, problem: nil),
            value: { ["actor": "\"><script>x</script>", "flagged": "1"][$0] ?? "" }, rawQuery: "actor=%22&flagged=1")
        let html = Views.render(page, .audit)
        #expect(!html.contains("<script>") && !html.contains("<img") && html.contains("&lt;script&gt;alert(&quot;x&quot;)"))
        #expect(html.contains("<tr class=\"flagged\"><td>41</td>") && html.contains("<a href=\"/audit?resident=7\">7</a> <a href=\"/audit?resident=12\">12</a>"))
        #expect(html.contains("value=\"&quot;&gt;&lt;script&gt;x&lt;/script&gt;\"") && html.contains(" checked>") && html.contains("<td>要確認</td>"))
        #expect(html.contains("data-intact=\"true\">記録の連鎖を検証しました: 41件、改ざんはありません（先頭 <code>abc</code>）"))
        #expect(html.contains("href=\"/audit/access.csv?actor=%22&amp;flagged=1\"") && html.contains("action=\"/logout\""))
        let broken = Views.render(
            AuditPage(entries: [], verification: LedgerVerification(entries: 3, head: nil, firstBad: 2, problem: "<b>hash</b>"), value: { _ in "" }, rawQuery: ""), .audit)
        #expect(broken.contains("data-intact=\"false\" role=\"alert\" class=\"error\">記録 #2 が壊れています: &lt;b&gt;hash&lt;/b&gt;</p>"))
    }

    @Test("the administrator's page: a name is text; a new secret is shown once, in its own code, as text")
    func adminPage() {
        var account = StaffAccount(login: "x", displayName: Self.hostile, roles: [.clerk], facilityId: nil)
        account.id = 3
        let page = AdminPage(
            me: StaffIdentity(accountId: 1, login: "admin", displayName: "管理者", roles: [.admin], facilityId: nil),
            accounts: [account],
            credentials: [
                StaffCredential(id: 9, label: Self.hostile, accountId: 3, roles: [.clerk], facilityId: nil, createdAt: "2026-11-24"),
                StaffCredential(id: 10, label: "hub", accountId: nil, roles: [.clerk], facilityId: nil, createdAt: "2026-11-24", revokedAt: "2026-11-25"),
            ],
            facilities: [], notice: AdminPage.Notice("資格情報 #9: ", secret: "a<b&c", "（この画面でのみ表示します）"), error: nil)
        let html = Views.render(page, .admin)
        #expect(!html.contains("<script>") && html.components(separatedBy: "&lt;script&gt;").count - 1 == 2)
        #expect(html.contains("<p role=\"status\">資格情報 #9: <code>a&lt;b&amp;c</code>（この画面でのみ表示します）</p>"))
        #expect(html.contains("action=\"/admin/credentials/9/revoke\"") && !html.contains("/admin/credentials/10/revoke") && html.contains("取消済 2026-11-25"))
        #expect(html.contains("<td>x</td>") && html.contains("action=\"/admin/accounts/x/disable\""))
    }

    @Test("the plan tree recurses through one partial; a node without a sheet never takes its parent's link (the leading dot)")
    func planTree() {
        let nodes = [
            PlanNode(code: "P1", level: .policy, title: "方針"),
            PlanNode(code: "P1-1", level: .field, number: "1", title: "分野<1>", parentCode: "P1"),
            PlanNode(code: "P1-1-3", level: .program, number: "3", title: "プログラム", parentCode: "P1-1"),
        ]
        let sheet = SheetSummary(code: "P1-1", title: "分野", layout: .program, stage: .published, version: 2, publishedVersion: 2, updatedAt: "2026-11-24")
        let html = Views.render(PlanTreePage(nodes: nodes, sheets: [sheet]), .planTree)
        #expect(html.contains("<ul><li data-code=\"P1\"><span class=\"level\">\(PlanLevel.policy.japanese)</span>方針<ul><li data-code=\"P1-1\">"))
        #expect(html.contains("1 <a href=\"/planning/sheets/P1-1\">分野&lt;1&gt;</a> <span class=\"stage stage-published\">\(ReviewStage.published.japanese)</span> 第2版"))
        #expect(html.contains("<li data-code=\"P1-1-3\"><span class=\"level\">\(PlanLevel.program.japanese)</span>3 プログラム</li></ul></li></ul></li></ul>"))
        #expect(html.components(separatedBy: "<a href=").count - 1 == 1, "only the node with a sheet links")
        #expect(Views.render(PlanTreePage(nodes: [], sheets: []), .planTree).contains("評価票はまだありません"))
    }
}
