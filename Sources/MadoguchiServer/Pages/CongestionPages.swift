import Foundation
import Hummingbird
import MadoguchiDomain
import MadoguchiIssuance

/// The public congestion page of a facility and its API (issue 14, item 6): how busy each line is now, and the
/// 混雑予想カレンダー of the next two months by day and hour. Public: it holds counts, never a person.
struct CongestionPages<Context: RequestContext> {
    let congestion: CongestionService
    let cityName: String

    func addRoutes(to router: Router<Context>, api: RouterGroup<Context>) {
        router.get("/facilities/:id/congestion", use: page)
        api.get("facilities/:id/congestion", use: json)
    }

    /// What the API answers: now, and the calendar.
    struct View: Codable, ResponseEncodable {
        var now: CongestionService.Now
        var calendar: CongestionService.Calendar
    }

    @Sendable func json(_ request: Request, context: Context) async throws -> Response {
        let id = context.parameters.get("id") ?? ""
        let view = View(now: try await congestion.now(of: id), calendar: try await congestion.calendar(of: id))
        var response = try view.response(from: request, context: context)
        // The calendar changes once a day, the waits every minute.
        response.headers[.cacheControl] = "public, max-age=30"
        return response
    }

    @Sendable func page(_ request: Request, context: Context) async throws -> Response {
        let id = context.parameters.get("id") ?? ""
        let model = CongestionModel(
            now: try await congestion.now(of: id), calendar: try await congestion.calendar(of: id),
            en: request.uri.queryParameters.get("lang") == "en")
        var response = HTML.response(HTML.page(
            title: model.title, cityName: cityName, body: CongestionViews.page(model), style: CongestionViews.style, wide: true,
            lang: model.en ? "en" : "ja"))
        response.headers[.cacheControl] = "public, max-age=30"
        return response
    }
}

/// The congestion page's model: what it shows, in the language asked for.
struct CongestionModel {
    var now: CongestionService.Now
    var calendar: CongestionService.Calendar
    var en: Bool

    var title: String { en ? "How busy: \(now.facilityName)" : "\(now.facilityName) 窓口の混雑状況" }

    /// The calendar's hours: every hour any of its days is open, in order.
    var hours: [Int] { Array(Set(calendar.days.flatMap { $0.hours.map(\.hour) })).sorted() }

    /// The days the calendar lists: open days, and weekdays closed (holidays, the year-end, one-off closures); a regular
    /// weekend is left out.
    var days: [CongestionService.Calendar.Day] {
        calendar.days.filter { $0.open || ($0.date.weekday != .saturday && $0.date.weekday != .sunday) }
    }

    func level(_ l: CongestionLevel) -> String { en ? l.english : l.japanese }

    func date(_ d: CivilDate) -> String {
        en ? "\(["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"][d.weekday.rawValue]) \(d.day)/\(d.month)" : "\(d.month)月\(d.day)日（\(d.weekday.japanese)）"
    }

    func reason(_ r: String) -> String {
        guard en else { return r }
        return ["転入・転出の多い時期": "moving season", "月曜日": "Monday", "休日明け": "after a holiday", "月末": "month end"][r] ?? r
    }
}

/// The congestion page's views: functions of the model; every value is escaped.
enum CongestionViews {
    static func e(_ s: String) -> String { HTML.escape(s) }

    static let style = """
        .level{display:inline-block;padding:.1rem .6rem;border-radius:.4rem;font-weight:700;border:1px solid currentColor}
        .quiet{background:#e6f4ea;color:#14532d}.moderate{background:#fff4d6;color:#6b4200}.busy{background:#fde2e1;color:#8b1a1a}
        table.forecast{border-collapse:collapse;font-size:.95rem}
        table.forecast th,table.forecast td{border:1px solid #ccc;padding:.2rem .35rem;text-align:center}
        table.forecast th[scope=row]{text-align:left;white-space:nowrap}
        table.forecast td.closed{color:#555;text-align:left}
        .reasons{display:block;font-weight:400;font-size:.8rem;color:#555}
        .legend span{margin-right:1rem}.muted{color:#555}
        .sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
        """

    static func badge(_ l: CongestionLevel, _ m: CongestionModel) -> String {
        "<span class=\"level \(l.rawValue)\">\(e(l.symbol)) \(e(m.level(l)))</span>"
    }

    static func page(_ m: CongestionModel) -> String {
        let en = m.en
        let id = e(m.now.facilityId)
        var out = "<h1>\(e(m.title))</h1>"
        out += "<p class=\"muted\"><a href=\"?lang=\(en ? "ja" : "en")\" lang=\"\(en ? "ja" : "en")\">\(en ? "日本語" : "English")</a>"
        out += " · <a href=\"/facilities/\(id)\">\(e(en ? "Hours and services" : "開庁時間・取扱業務"))</a>"
        out += " · <a href=\"/facilities/\(id)/board\">\(e(en ? "Display board" : "呼出状況"))</a>"
        out += " · <a href=\"/facilities/\(id)/queue?channel=web\(en ? "&amp;lang=en" : "")\">\(e(en ? "Take a number on the web" : "Webで番号札を取る"))</a></p>"

        // Now
        let time = JapanTime.minuteOfDay(of: m.now.at)
        let at = String(format: "%d:%02d", time / 60, time % 60)
        out += "<h2>\(e(en ? "Now (as of \(at))" : "現在の状況（\(at)現在）"))</h2>"
        if !m.now.open {
            out += "<p role=\"status\">\(e(en ? "The counter is not taking numbers at this time." : "ただいま受付時間外です。"))</p>"
        } else if m.now.lines.isEmpty {
            out += "<p>\(e(en ? "This facility has no counter queue." : "この施設には番号札の窓口がありません。"))</p>"
        } else {
            if let level = m.now.level { out += "<p class=\"facts\">\(e(en ? "Overall: " : "全体: "))\(badge(level, m))</p>" }
            out += HTML.scroll(en ? "Waiting now, by procedure" : "手続ごとの待ち状況")
            out += "<table class=\"forecast\"><caption>\(e(en ? "Waiting now, by procedure" : "手続ごとの待ち状況"))</caption><thead><tr>"
            out += "<th scope=\"col\">\(e(en ? "Procedure" : "手続"))</th><th scope=\"col\">\(e(en ? "Waiting" : "待ち人数"))</th>"
            out += "<th scope=\"col\">\(e(en ? "Estimated wait" : "待ち時間の目安"))</th><th scope=\"col\">\(e(en ? "Status" : "状況"))</th></tr></thead><tbody>"
            for l in m.now.lines {
                out += "<tr><th scope=\"row\">\(e(l.letter)) \(e(en ? l.english : l.japanese))</th>"
                out += "<td>\(l.waiting)\(e(en ? "" : "人"))</td><td>\(e(en ? "about \(l.estimatedWaitMinutes) min" : "約\(l.estimatedWaitMinutes)分"))</td>"
                out += "<td>\(badge(l.level, m))</td></tr>"
            }
            out += "</tbody></table></div>"
            out += "<p class=\"muted\">\(e(en ? "Up to 15 minutes is quiet, up to 45 moderately busy, longer busy." : "待ち時間の目安が15分以内は「空いています」、45分以内は「やや混雑」、それを超えると「混雑」です。"))</p>"
        }

        // The forecast
        out += "<h2>\(e(en ? "Forecast for the next two months" : "混雑予想カレンダー（2か月）"))</h2>"
        guard m.calendar.hoursLearnt > 0 else {
            return out + "<p>\(e(en ? "There is not yet enough ticket history to forecast." : "予想に必要な発券の記録がまだありません。"))</p>"
        }
        out += "<p class=\"muted\">\(e(en ? "Learnt from the last two years of tickets and the calendar (the moving season, Mondays, days after holidays, month ends). Levels compare with this counter's own ordinary hours." : "過去2年間の発券記録と暦（転入・転出の多い時期、月曜日、休日明け、月末）から予想しています。混雑の度合いは、この窓口のふだんの時間帯との比較です。"))</p>"
        out += "<p class=\"legend\">" + CongestionLevel.allCases.map { badge($0, m) }.joined(separator: " ") + "</p>"
        let hours = m.hours
        out += HTML.scroll(en ? "Expected crowding by day and hour" : "日・時間帯ごとの混雑予想")
        out += "<table class=\"forecast\"><caption>\(e(en ? "Expected crowding by day and hour" : "日・時間帯ごとの混雑予想"))</caption>"
        out += "<thead><tr><th scope=\"col\">\(e(en ? "Day" : "日"))</th>"
        for h in hours { out += "<th scope=\"col\">\(h)\(e(en ? ":00" : "時"))</th>" }
        out += "</tr></thead><tbody>"
        for d in m.days {
            let reasons = d.reasons.map(m.reason).joined(separator: en ? ", " : "・")
            out += "<tr><th scope=\"row\">\(e(m.date(d.date)))\(reasons.isEmpty ? "" : "<span class=\"reasons\">\(e(reasons))</span>")</th>"
            guard d.open else {
                out += "<td class=\"closed\" colspan=\"\(hours.count)\">\(e(en ? "Closed" : d.hoursText))</td></tr>"
                continue
            }
            for h in hours {
                guard let slot = d.hours.first(where: { $0.hour == h }) else {
                    out += "<td><span class=\"muted\" aria-label=\"\(e(en ? "closed" : "受付なし"))\">–</span></td>"
                    continue
                }
                let label = en ? "\(m.level(slot.level)), about \(Int(slot.expected.rounded())) tickets" : "\(m.level(slot.level))、約\(Int(slot.expected.rounded()))人"
                out += "<td class=\"\(slot.level.rawValue)\" title=\"\(e(label))\"><span aria-hidden=\"true\">\(e(slot.level.symbol))</span>"
                out += "<span class=\"sr\">\(e(label))</span></td>"
            }
            out += "</tr>"
        }
        out += "</tbody></table></div>"
        return out
    }
}
