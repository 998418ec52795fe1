import Foundation
import Hummingbird
import MadoguchiDomain
import MadoguchiIssuance

/// The public pages of the facility network (issue 14, item 1): the network as it stood on any day, and each facility's
/// history with the decisions behind it. Each page is a model built from the use case, then a view of the model.
struct FacilityPages<Context: RequestContext> {
    let network: FacilityNetworkService
    let clock: MadoguchiClock
    let cityName: String
    let cityCode: String
    let stores: KioskPolicy

    func addRoutes(to router: Router<Context>) {
        router.get("/facilities", use: list)
        router.get("/facilities/:id", use: history)
        router.get("/facilities/:id/hours.ics", use: calendar)
        router.get("/finder", use: finderPage)
        router.get("/api/v1/finder", use: finderAPI)
    }

    /// The question in the query: `kind` (required), `date` (default today), `time` (`HH:MM`; default now when no
    /// date is given, else the whole day), `ward` and `town` or the page's `from` (the 町丁目 to measure from, optional).
    func question(_ request: Request) throws -> FinderQuestion? {
        let q = request.uri.queryParameters
        guard let raw = q.get("kind"), !raw.isEmpty else { return nil }
        guard let kind = CertificateKind(rawValue: raw) else {
            throw MadoguchiError(.badRequest, ja: "証明書の種類が正しくありません: \(raw)", en: "Unknown certificate kind: \(raw)")
        }
        var date = clock.today
        var time: TimeOfDay?
        if let text = q.get("date"), !text.isEmpty {
            guard let d = FacilityText.day(text) else {
                throw MadoguchiError(.badRequest, ja: "日付を読めません: \(text)", en: "Unreadable date: \(text)")
            }
            date = d
        } else {
            time = TimeOfDay(minutes: JapanTime.minuteOfDay(of: clock.now()))
        }
        if let text = q.get("time"), !text.isEmpty {
            guard let t = TimeOfDay(text) else {
                throw MadoguchiError(.badRequest, ja: "時刻を読めません: \(text)（例 18:30）", en: "Unreadable time: \(text) (e.g. 18:30)")
            }
            time = t
        }
        var ward = q.get("ward") ?? "", town = q.get("town") ?? ""
        // The page's one select sends `from=区|町丁目`.
        if let from = q.get("from"), let bar = from.firstIndex(of: "|") {
            ward = String(from[..<bar])
            town = String(from[from.index(after: bar)...])
        }
        return FinderQuestion(kind: kind, date: date, time: time, town: town.isEmpty ? nil : TownKey(ward: ward, town: town))
    }

    struct FinderView: ResponseEncodable {
        let kind: String
        let date: CivilDate
        let time: String?
        let from: String?
        let count: Int
        let results: [FinderResultView]
    }

    static func results(_ answers: [FinderAnswer]) -> [FinderResultView] {
        answers.map { a in
            let facility: FacilityPeriod? = if case .facility(let p) = a.place { p } else { nil }
            return FinderResultView(
                id: facility?.facilityId, name: a.name, kind: facility?.kind.rawValue ?? "stores",
                kindJa: facility?.kind.japanese ?? "コンビニ交付", address: facility?.address.description,
                distanceKm: a.distanceKm.map { ($0 * 10).rounded() / 10 }, hours: a.hours.spans.map(\.description), hoursJa: a.hours.japanese)
        }
    }

    @Sendable func finderAPI(_ request: Request, context: Context) async throws -> FinderView {
        guard let q = try question(request) else {
            throw MadoguchiError(.badRequest, ja: "証明書の種類（kind）を指定してください", en: "Say which certificate (kind)")
        }
        let answers = try await network.find(q.kind, on: q.date, at: q.time, from: q.town, stores: stores)
        return FinderView(
            kind: q.kind.rawValue, date: q.date, time: q.time?.description, from: q.town?.description, count: answers.count,
            results: Self.results(answers))
    }

    @Sendable func finderPage(_ request: Request, context: Context) async throws -> Response {
        let q = try question(request)
        var answers: [FinderAnswer]?
        if let q { answers = try await network.find(q.kind, on: q.date, at: q.time, from: q.town, stores: stores) }
        let page = FinderPage(
            question: q, answers: answers.map(Self.results), towns: try await network.towns(), today: clock.today,
            language: Language(request.uri.queryParameters.get("lang")), query: request.uri.query ?? "")
        return HTML.response(HTML.page(title: page.title, cityName: cityName, body: Views.render(page, .finder), wide: true, lang: page.language.code))
    }

    /// The facility's hours as iCalendar (RFC 5545): `from` (default today) for `days` (default 62, at most 400).
    @Sendable func calendar(_ request: Request, context: Context) async throws -> Response {
        let id = context.parameters.get("id") ?? ""
        let from = request.uri.queryParameters.get("from").flatMap(FacilityText.day) ?? clock.today
        let days = min(max(request.uri.queryParameters.get("days", as: Int.self) ?? 62, 1), 400)
        let (history, list) = try await network.hours(of: id, from: from, days: days)
        let text = ICalendar.hours(
            facilityId: id, name: history.facility.name, address: history.facility.address.description, days: list,
            uidDomain: "\(cityCode).madoguchi", stamp: ICalendar.stamp(clock.now()))
        var headers = HTTPFields()
        headers[.contentType] = "text/calendar; charset=utf-8"
        headers[.contentDisposition] = "attachment; filename=\"\(id)-hours.ics\""
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    @Sendable func list(_ request: Request, context: Context) async throws -> Response {
        let asked = request.uri.queryParameters.get("date")
        let language = Language(request.uri.queryParameters.get("lang"))
        guard let date = asked.map(FacilityText.day) ?? clock.today else {
            let problem = NetworkPage.Problem(
                title: language.t("窓口の一覧", "City service points"),
                message: language.t("日付を読めません。2012-04-01 のように年・月・日で指定してください。", "Unreadable date: write it as 2012-04-01."))
            return HTML.response(
                HTML.page(title: problem.title, cityName: cityName, body: Views.render(problem, .problem), lang: language.code), status: .badRequest)
        }
        let page = NetworkPage(date: date, today: clock.today, histories: try await network.histories(), language: language)
        return HTML.response(HTML.page(title: page.title, cityName: cityName, body: Views.render(page, .network), wide: true, lang: page.language.code))
    }

    @Sendable func history(_ request: Request, context: Context) async throws -> Response {
        let id = context.parameters.get("id") ?? ""
        let (history, days) = try await network.hours(of: id, from: clock.today, days: 14)
        let page = HistoryPage(history: history, days: days, language: Language(request.uri.queryParameters.get("lang")))
        return HTML.response(HTML.page(title: page.title, cityName: cityName, body: Views.render(page, .history), wide: true, lang: page.language.code))
    }
}

/// The network on a day: who was open, as what, where and for what; and who was not (not yet opened, or closed).
struct NetworkPage {
    struct Row {
        let href: String
        let name: String
        let kind: String
        let ward: String
        let address: String
        let menu: [MenuLine]
        let staffing: String
    }

    struct Absent {
        let href: String
        let name: String
        /// Its kind, and when it opens or closed
        let detail: String
    }

    let language: Language
    let toggle: String
    let title: String
    let date: String
    let back: Bool
    let count: String
    let caption: String
    let open: [Row]
    let absent: [Absent]
    let hasAbsent: Bool
    let words: [String: String]
    /// The table's scrolling box on a phone (markup of the frame's `scroll` view)
    let box: String

    /// A page that could not be answered: its heading and what was wrong.
    struct Problem {
        let title: String
        let message: String
    }

    init(date: CivilDate, today: CivilDate, histories: [FacilityNetworkService.History], language l: Language) {
        self.language = l
        toggle = "/facilities?" + (date == today ? "" : "date=\(date)&") + "lang=\(l.other)"
        let when = FacilityText.day(date, l)
        title = l.t("窓口の一覧（\(when) 現在）", "City service points on \(when)")
        self.date = date.description
        back = date != today
        var open: [Row] = []
        var absent: [Absent] = []
        for h in histories {
            if let p = h.period(on: date) {
                let staffing = p.manned ? l.t("職員が対応", "City staff") : p.kind == .postOffice ? l.t("郵便局員が対応", "Post office staff") : l.t("職員なし", "No staff")
                open.append(Row(
                    href: "/facilities/\(h.facility.id)", name: p.name, kind: l.en ? p.kind.english : p.kind.japanese, ward: p.ward,
                    address: p.address.description, menu: MenuLine.lines(p.menu, l), staffing: staffing))
            } else if let first = h.periods.first {
                let status =
                    first.from > date
                    ? l.t("\(FacilityText.day(first.from, l))に開設", "opens \(FacilityText.day(first.from, l))")
                    : h.closedOn.map { l.t("\(FacilityText.day($0, l))に廃止", "closed \(FacilityText.day($0, l))") } ?? ""
                let kind = l.en ? first.kind.english : first.kind.japanese
                absent.append(Absent(href: "/facilities/\(h.facility.id)", name: first.name, detail: l.t("（\(kind)）：\(status)", " (\(kind)): \(status)")))
            }
        }
        self.open = open
        self.absent = absent
        hasAbsent = !absent.isEmpty
        count = l.t(
            "\(open.count)か所の窓口が開設されていました。名称を選ぶと、開設からの経緯と根拠となった決定を表示します。",
            "\(open.count) service points were open. Choose a name for its history and the decisions behind it.")
        caption = l.t("\(when)の窓口", "Service points on \(when)")
        words = [
            "pick": l.t("日付を指定して、その日の窓口の配置を表示", "Show the network as it stood on a day"),
            "show": l.t("表示", "Show"),
            "today": l.t("本日の一覧へ", "Today's network"),
            "name": l.t("名称", "Name"),
            "kind": l.t("種別", "Kind"),
            "ward": l.t("区", "Ward"),
            "address": l.t("所在地", "Address"),
            "menu": l.t("取り扱う業務", "Services"),
            "staffing": l.t("対応", "Served by"),
            "absent": l.t("この日に開設されていなかった窓口", "Not open on this day"),
        ]
        box = HTML.scroll(caption)
    }
}

/// A line of a facility's menu in a cell: its certificates, 届出 or procedures.
struct MenuLine {
    /// Whether a line comes before it (the template breaks the line)
    let more: Bool
    let text: String

    /// Texts on a line each.
    static func lines(_ texts: [String]) -> [MenuLine] { texts.enumerated().map { MenuLine(more: $0.offset > 0, text: $0.element) } }

    static func lines(_ menu: Set<FacilityService>, _ l: Language) -> [MenuLine] {
        guard !menu.isEmpty else { return [MenuLine(more: false, text: l.t("取り扱う業務はありません", "No services"))] }
        let items = menu.sorted()
        var lines: [String] = []
        for (label, part) in [
            (l.t("証明書", "Certificates"), items.filter { if case .certificate = $0 { true } else { false } }),
            (l.t("届出", "Notifications"), items.filter { if case .notification = $0 { true } else { false } }),
            (l.t("手続", "Procedures"), items.filter { if case .procedure = $0 { true } else { false } }),
        ] where !part.isEmpty {
            lines.append(label + l.t("：", ": ") + part.map { l.en ? $0.english : $0.japanese }.joined(separator: l.t("、", ", ")))
        }
        return Self.lines(lines)
    }
}

/// One facility's history: each change with the decision it rests on, and the periods it stood through.
struct HistoryPage {
    struct Event {
        let on: String
        let change: String
        let what: [MenuLine]
        let decision: String
    }

    struct Period {
        let span: String
        let kind: String
        let name: String
        let address: String
        let menu: [MenuLine]
    }

    struct Day {
        let date: String
        let hours: String
    }

    let language: Language
    let toggle: String
    let title: String
    let id: String
    /// Whether the facility has counter windows with staff today (a queue, and so a congestion page)
    let queued: Bool
    let days: [Day]
    let events: [Event]
    let periods: [Period]
    let words: [String: String]
    /// The tables' scrolling boxes on a phone (markup of the frame's `scroll` view)
    let hoursBox: String
    let eventsBox: String
    let periodsBox: String

    /// - Parameter days: the next two weeks' hours
    init(history: FacilityNetworkService.History, days: [DayHours], language l: Language) {
        let f = history.facility
        self.language = l
        toggle = "/facilities/\(f.id)?lang=\(l.other)"
        title = f.name
        id = f.id
        if let today = days.first?.date, let period = history.period(on: today) {
            queued = !QueueProcedure.offered(menu: period.menu, staffed: period.manned).isEmpty
        } else {
            queued = false
        }
        self.days = days.map { d in
            Day(
                date: l.en ? "\(d.date) (\(d.date.weekday.english))" : "\(FacilityText.wareki(d.date))（\(d.date.weekday.japanese)）",
                hours: l.en ? (d.spans.isEmpty ? "Closed" : d.spans.map(\.description).joined(separator: ", ")) : d.japanese)
        }
        events = history.events.map { e in
            var what: [String] = []
            if let kind = e.kind { what.append(l.t("種別：", "Kind: ") + (l.en ? kind.english : kind.japanese)) }
            if let name = e.name { what.append(l.t("名称：", "Name: ") + name) }
            if let address = e.address { what.append(l.t("所在地：", "Address: ") + address.description) }
            let decision = history.recorded ? "\(e.decision.document)（\(FacilityText.day(e.decision.decidedOn, l))）" : l.t("記録なし", "Not recorded")
            return Event(
                on: FacilityText.day(e.effectiveOn, l), change: l.en ? e.change.english : e.change.japanese,
                what: MenuLine.lines(what), decision: decision)
        }
        periods = history.periods.map { p in
            let from = FacilityText.day(p.from, l)
            let span = l.en ? "\(from) to " + (p.until.map { "the day before \(FacilityText.day($0, l))" } ?? "now")
                : "\(from)から" + (p.until.map { "\(FacilityText.day($0, l))の前日まで" } ?? "現在まで")
            return Period(
                span: span, kind: l.en ? p.kind.english : p.kind.japanese, name: p.name, address: p.address.description, menu: MenuLine.lines(p.menu, l))
        }
        words = [
            "list": l.t("窓口の一覧へ", "All service points"),
            "hours": l.t("開庁時間（今日から2週間）", "Opening hours (the next two weeks)"),
            "hoursCaption": l.t("日ごとの開庁時間", "Hours by day"),
            "date": l.t("日付", "Date"),
            "open": l.t("開庁時間", "Hours"),
            "ics": l.t("開庁時間をカレンダーに取り込む（iCalendar）", "Add the hours to your calendar (iCalendar)"),
            "congestion": l.t("窓口の混雑状況と混雑予想カレンダー", "How busy the counter is, now and in the coming weeks"),
            "history": l.t("経緯", "History"),
            "eventsCaption": l.t("変更の記録（効力の生じた日の順）", "Changes, in the order they took effect"),
            "effective": l.t("効力の日", "Took effect"),
            "change": l.t("変更", "Change"),
            "what": l.t("内容", "What changed"),
            "decision": l.t("根拠となった決定", "Decision"),
            "periods": l.t("期間ごとの取扱業務", "Services by period"),
            "periodsCaption": l.t("期間ごとの種別・所在地・取り扱う業務", "Kind, address and services by period"),
            "span": l.t("期間", "Period"),
            "kind": l.t("種別", "Kind"),
            "name": l.t("名称", "Name"),
            "address": l.t("所在地", "Address"),
            "menu": l.t("取り扱う業務", "Services"),
        ]
        hoursBox = HTML.scroll(words["hoursCaption"] ?? "")
        eventsBox = HTML.scroll(words["eventsCaption"] ?? "")
        periodsBox = HTML.scroll(words["periodsCaption"] ?? "")
    }
}

/// The finder's page: the question's form, and the places that serve, nearest first.
struct FinderPage {
    struct Group {
        let ward: String
        let towns: [PageOption]
    }

    struct Row {
        let href: String?
        let name: String
        let kind: String
        let distance: String
        let hours: String
        let address: String
    }

    let language: Language
    /// The same question in the other language
    let toggle: String
    let title: String
    let kinds: [PageOption]
    let date: String
    let time: String
    let groups: [Group]
    /// What the page says when nothing serves, or nil
    let none: String?
    let caption: String?
    let rows: [Row]
    let hasRows: Bool
    let words: [String: String]
    /// The scrolling box of the results (markup of the frame's `scroll` view)
    let resultsBox: String

    /// - Parameter query: the query as asked, for the link to the other language
    init(question: FinderQuestion?, answers: [FinderResultView]?, towns: [TownKey], today: CivilDate, language l: Language, query: String) {
        self.language = l
        toggle = l.toggle("/finder", query: query)
        title = l.t("証明書を取れる場所を探す", "Where to get a certificate")
        kinds = CertificateKind.allCases.map { PageOption(value: $0.rawValue, text: l.en ? $0.english : $0.japanese, selected: question?.kind == $0) }
        date = (question?.date ?? today).description
        time = question?.time?.description ?? ""
        groups = Dictionary(grouping: towns, by: \.ward).sorted(by: { $0.key < $1.key }).map { ward, list in
            Group(ward: ward, towns: list.map { PageOption(value: "\($0.ward)|\($0.town)", text: $0.town, selected: question?.town == $0) })
        }
        var none: String?
        var caption: String?
        var rows: [Row] = []
        if let q = question, let answers {
            let when = l.en ? q.date.description + (q.time.map { " \($0)" } ?? "") : FacilityText.wareki(q.date) + (q.time.map { " \($0.japanese)" } ?? "")
            let kind = l.en ? q.kind.english : q.kind.japanese
            if answers.isEmpty {
                none = l.t("\(when)に\(kind)を取れる場所はありません。", "No place issues a \(kind) on \(when).")
            } else {
                caption = l.t("\(when)に\(kind)を取れる場所（近い順）", "Places that issue a \(kind) on \(when), nearest first")
                rows = answers.map { a in
                    Row(
                        href: a.id.map { "/facilities/\($0)" }, name: a.id == nil && l.en ? "Convenience stores (with the My Number card)" : a.name,
                        kind: l.en ? (FacilityKind(rawValue: a.kind)?.english ?? "stores") : a.kindJa,
                        distance: a.distanceKm.map { String(format: "%.1f km", $0) } ?? "—",
                        hours: l.en ? (a.hours.isEmpty ? "closed" : a.hours.joined(separator: ", ")) : a.hoursJa,
                        address: a.address ?? l.t("全国の対応店舗（6時30分から23時まで）", "Stores across Japan (6:30 to 23:00)"))
                }
            }
        }
        self.none = none
        self.caption = caption
        self.rows = rows
        hasRows = !rows.isEmpty
        resultsBox = HTML.scroll(l.t("検索結果", "Results"))
        words = [
            "kind": l.t("証明書", "Certificate"),
            "date": l.t("日付", "Date"),
            "time": l.t("時刻", "Time"),
            "from": l.t("お住まいの町丁目（近い順に並べます）", "Your 町丁目 (to list the nearest first)"),
            "any": l.t("指定しない", "Any"),
            "search": l.t("探す", "Search"),
            "note": l.t(
                "コンビニ交付にはマイナンバーカード（利用者証明用電子証明書）が必要です。時刻を空けると、その日に開いている場所をすべて表示します。",
                "The stores need the My Number card (its certificate for user authentication). Leave the time empty to list every place open that day."),
            "place": l.t("場所", "Place"),
            "kindHead": l.t("種別", "Kind"),
            "distance": l.t("距離", "Distance"),
            "hours": l.t("その日の時間", "Hours that day"),
            "address": l.t("所在地", "Address"),
        ]
    }
}

/// A finder question: which certificate, on which day, at what time (nil: any time that day), from which 町丁目.
struct FinderQuestion {
    var kind: CertificateKind
    var date: CivilDate
    var time: TimeOfDay?
    var town: TownKey?
}

/// One place in the finder's answer, as the API sends it.
struct FinderResultView: Codable, Sendable {
    let id: String?
    let name: String
    let kind: String
    let kindJa: String
    let address: String?
    let distanceKm: Double?
    let hours: [String]
    let hoursJa: String
}

/// How the facility pages write a day and a menu, and read a day.
enum FacilityText {
    /// YYYY-MM-DD or a 和暦 date.
    static func day(_ text: String) -> CivilDate? {
        CivilDate.parseGregorian(text) ?? (try? JapaneseDate.parse(text))?.gregorian
    }

    static func wareki(_ date: CivilDate) -> String { (try? JapaneseDate(date).description) ?? date.description }

    /// A day as the page's language writes it: 和暦 in Japanese, ISO 8601 in English.
    static func day(_ date: CivilDate, _ l: Language) -> String { l.en ? date.description : wareki(date) }
}
