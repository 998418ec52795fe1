import Foundation
import Hummingbird
import MadoguchiDomain
import MadoguchiIssuance
import Mustache

/// The public congestion page of a facility and its API (issue 14, item 6): how busy each line is now, and the
/// 混雑予想カレンダー of the next two months by day and hour. Public: it holds counts, never a person.
struct CongestionPages<Context: RequestContext> {
    let congestion: CongestionService
    let cityName: String

    static var style: String { Views.Asset.congestion.text }

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
        let page = CongestionPage(
            now: try await congestion.now(of: id), calendar: try await congestion.calendar(of: id),
            language: Language(request.uri.queryParameters.get("lang")))
        var response = HTML.response(HTML.page(
            title: page.title, cityName: cityName, body: Views.render(page, .congestion), style: Self.style, wide: true, lang: page.language.code))
        response.headers[.cacheControl] = "public, max-age=30"
        return response
    }
}

/// The congestion page: how busy each line is now, and the forecast by day and hour, in the language asked for.
struct CongestionPage {
    struct Badge {
        let level: String
        let symbol: String
        let text: String
    }

    struct Line {
        let letter: String
        let name: String
        let waiting: String
        let wait: String
        let badge: Badge
    }

    struct Cell {
        let level: String?
        let symbol: String
        let label: String
    }

    struct Day {
        let date: String
        let reasons: String?
        let open: Bool
        let closedText: String
        let cells: [Cell]
    }

    let language: Language
    let title: String
    let facility: String
    let asOf: String
    let closed: String?
    let noQueue: String?
    let overall: Badge?
    let lines: [Line]
    let hasLines: Bool
    let learnt: Bool
    let legend: [Badge]
    let hours: [String]
    let hourCount: Int
    let days: [Day]
    let words: [String: String]
    /// The scrolling boxes of the table of waits now and of the calendar (markup of the frame's `scroll` view)
    let nowBox: String
    let calendarBox: String

    init(now: CongestionService.Now, calendar: CongestionService.Calendar, language l: Language) {
        func badge(_ level: CongestionLevel) -> Badge { Badge(level: level.rawValue, symbol: level.symbol, text: l.en ? level.english : level.japanese) }
        self.language = l
        title = l.t("\(now.facilityName) 窓口の混雑状況", "How busy: \(now.facilityName)")
        facility = now.facilityId
        let minute = JapanTime.minuteOfDay(of: now.at)
        let at = String(format: "%d:%02d", minute / 60, minute % 60)
        asOf = l.t("現在の状況（\(at)現在）", "Now (as of \(at))")
        closed = now.open ? nil : l.t("ただいま受付時間外です。", "The counter is not taking numbers at this time.")
        noQueue = now.open && now.lines.isEmpty ? l.t("この施設には番号札の窓口がありません。", "This facility has no counter queue.") : nil
        overall = now.open ? now.level.map(badge) : nil
        lines = now.open
            ? now.lines.map {
                Line(
                    letter: $0.letter, name: l.en ? $0.english : $0.japanese, waiting: "\($0.waiting)" + l.t("人", ""),
                    wait: l.t("約\($0.estimatedWaitMinutes)分", "about \($0.estimatedWaitMinutes) min"), badge: badge($0.level))
            } : []
        hasLines = !lines.isEmpty
        learnt = calendar.hoursLearnt > 0
        legend = CongestionLevel.allCases.map(badge)
        // Every hour any of the days is open, in order.
        let hourList = Array(Set(calendar.days.flatMap { $0.hours.map(\.hour) })).sorted()
        hours = hourList.map { "\($0)" + l.t("時", ":00") }
        hourCount = hourList.count
        // Open days, and weekdays closed (holidays, the year-end, one-off closures); a regular weekend is left out.
        days = calendar.days.filter { $0.open || ($0.date.weekday != .saturday && $0.date.weekday != .sunday) }.map { d in
            let reasons = d.reasons.map { Self.reason($0, l) }.joined(separator: l.t("・", ", "))
            let cells = hourList.map { h -> Cell in
                guard let slot = d.hours.first(where: { $0.hour == h }) else { return Cell(level: nil, symbol: "–", label: l.t("受付なし", "closed")) }
                let level = l.en ? slot.level.english : slot.level.japanese
                let expected = Int(slot.expected.rounded())
                return Cell(level: slot.level.rawValue, symbol: slot.level.symbol, label: l.t("\(level)、約\(expected)人", "\(level), about \(expected) tickets"))
            }
            return Day(
                date: Self.date(d.date, l), reasons: reasons.isEmpty ? nil : reasons, open: d.open, closedText: l.en ? "Closed" : d.hoursText,
                cells: cells)
        }
        words = [
            "hours": l.t("開庁時間・取扱業務", "Hours and services"),
            "board": l.t("呼出状況", "Display board"),
            "web": l.t("Webで番号札を取る", "Take a number on the web"),
            "overall": l.t("全体: ", "Overall: "),
            "nowCaption": l.t("手続ごとの待ち状況", "Waiting now, by procedure"),
            "procedure": l.t("手続", "Procedure"),
            "waiting": l.t("待ち人数", "Waiting"),
            "wait": l.t("待ち時間の目安", "Estimated wait"),
            "status": l.t("状況", "Status"),
            "rule": l.t(
                "待ち時間の目安が15分以内は「空いています」、45分以内は「やや混雑」、それを超えると「混雑」です。",
                "Up to 15 minutes is quiet, up to 45 moderately busy, longer busy."),
            "forecast": l.t("混雑予想カレンダー（2か月）", "Forecast for the next two months"),
            "unlearnt": l.t("予想に必要な発券の記録がまだありません。", "There is not yet enough ticket history to forecast."),
            "how": l.t(
                "過去2年間の発券記録と暦（転入・転出の多い時期、月曜日、休日明け、月末）から予想しています。混雑の度合いは、この窓口のふだんの時間帯との比較です。",
                "Learnt from the last two years of tickets and the calendar (the moving season, Mondays, days after holidays, month ends). Levels compare with this counter's own ordinary hours."),
            "calendarCaption": l.t("日・時間帯ごとの混雑予想", "Expected crowding by day and hour"),
            "day": l.t("日", "Day"),
        ]
        nowBox = HTML.scroll(words["nowCaption"] ?? "")
        calendarBox = HTML.scroll(words["calendarCaption"] ?? "")
    }


    static func date(_ d: CivilDate, _ l: Language) -> String {
        l.en ? "\(d.weekday.english) \(d.day)/\(d.month)" : "\(d.month)月\(d.day)日（\(d.weekday.japanese)）"
    }

    static func reason(_ r: String, _ l: Language) -> String {
        guard l.en else { return r }
        return ["転入・転出の多い時期": "moving season", "月曜日": "Monday", "休日明け": "after a holiday", "月末": "month end"][r] ?? r
    }
}

// The calendar's cells are the page's many values (two months of hours): read by name, not by reflection.
extension CongestionPage.Cell: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "level": level
        case "symbol": symbol
        case "label": label
        default: nil
        }
    }
}

extension CongestionPage.Day: MustacheParent {
    func child(named name: String) -> Any? {
        switch name {
        case "date": date
        case "reasons": reasons
        case "open": open
        case "closedText": closedText
        case "cells": cells
        default: nil
        }
    }
}
