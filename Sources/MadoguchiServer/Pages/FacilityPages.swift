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
        let en = request.uri.queryParameters.get("lang") == "en"
        let model = FinderModel(
            question: q, answers: answers.map(Self.results), towns: try await network.towns(), today: clock.today, en: en,
            query: request.uri.query ?? "")
        return HTML.response(HTML.page(
            title: en ? "Where to get a certificate" : "証明書を取れる場所を探す", cityName: cityName, body: model.html, wide: true, lang: en ? "en" : "ja"))
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
        guard let date = asked.map(FacilityText.day) ?? clock.today else {
            let body = "<h1>窓口の一覧</h1><p role=\"alert\">日付を読めません。2012-04-01 のように年・月・日で指定してください。</p>"
            return HTML.response(HTML.page(title: "窓口の一覧", cityName: cityName, body: body), status: .badRequest)
        }
        let model = NetworkModel(date: date, today: clock.today, histories: try await network.histories())
        return HTML.response(HTML.page(title: "窓口の一覧", cityName: cityName, body: model.html, wide: true))
    }

    @Sendable func history(_ request: Request, context: Context) async throws -> Response {
        let id = context.parameters.get("id") ?? ""
        let (history, days) = try await network.hours(of: id, from: clock.today, days: 14)
        let model = HistoryModel(history: history, days: days)
        return HTML.response(HTML.page(title: model.history.facility.name, cityName: cityName, body: model.html, wide: true))
    }
}

/// The network on a day: who was open, as what, where and for what; and who was not (not yet opened, or closed).
struct NetworkModel {
    struct Row {
        var id: String
        var period: FacilityPeriod
    }

    struct Absent {
        var id: String
        var name: String
        var kind: FacilityKind
        /// 開設前: opens on this day; 廃止: closed on this day
        var opens: CivilDate?
        var closed: CivilDate?
    }

    let date: CivilDate
    let today: CivilDate
    var open: [Row] = []
    var absent: [Absent] = []

    init(date: CivilDate, today: CivilDate, histories: [FacilityNetworkService.History]) {
        self.date = date
        self.today = today
        for h in histories {
            if let period = h.period(on: date) {
                open.append(Row(id: h.facility.id, period: period))
            } else if let first = h.periods.first {
                absent.append(Absent(
                    id: h.facility.id, name: first.name, kind: first.kind, opens: first.from > date ? first.from : nil,
                    closed: first.from > date ? nil : h.closedOn))
            }
        }
    }

    var html: String {
        let when = FacilityText.wareki(date)
        var rows = ""
        for r in open {
            let p = r.period
            rows += "<tr><td><a href=\"/facilities/\(HTML.escape(r.id))\">\(HTML.escape(p.name))</a></td>"
                + "<td>\(HTML.escape(p.kind.japanese))</td><td>\(HTML.escape(p.ward))</td>"
                + "<td>\(HTML.escape(p.address.description))</td><td>\(FacilityText.menu(p.menu))</td>"
                + "<td>\(p.manned ? "職員が対応" : (p.kind == .postOffice ? "郵便局員が対応" : "職員なし"))</td></tr>\n"
        }
        var gone = ""
        for a in absent {
            let status = a.opens.map { "\(FacilityText.wareki($0))に開設" }
                ?? a.closed.map { "\(FacilityText.wareki($0))に廃止" } ?? ""
            gone += "<li class=\"closed\"><a href=\"/facilities/\(HTML.escape(a.id))\">\(HTML.escape(a.name))</a>"
                + "（\(HTML.escape(a.kind.japanese))）：\(HTML.escape(status))</li>\n"
        }
        return """
            <h1>窓口の一覧（\(HTML.escape(when)) 現在）</h1>
            <form method="get" action="/facilities">
            <label for="date">日付を指定して、その日の窓口の配置を表示</label>
            <input type="date" id="date" name="date" value="\(date)" min="1972-04-01">
            <button type="submit">表示</button>
            \(date == today ? "" : "<a href=\"/facilities\">本日の一覧へ</a>")
            </form>
            <p>\(open.count)か所の窓口が開設されていました。名称を選ぶと、開設からの経緯と根拠となった決定を表示します。</p>
            <table>
            <caption>\(HTML.escape(when))の窓口</caption>
            <thead><tr><th scope="col">名称</th><th scope="col">種別</th><th scope="col">区</th><th scope="col">所在地</th><th scope="col">取り扱う業務</th><th scope="col">対応</th></tr></thead>
            <tbody>
            \(rows)</tbody>
            </table>
            \(gone.isEmpty ? "" : "<h2>この日に開設されていなかった窓口</h2>\n<ul>\n\(gone)</ul>")
            """
    }
}

/// One facility's history: each change with the decision it rests on, and the periods it stood through.
struct HistoryModel {
    let history: FacilityNetworkService.History
    /// The next two weeks' hours
    let days: [DayHours]

    /// Whether the facility has counter windows with staff today (a queue, and so a congestion page)
    var queued: Bool {
        guard let today = days.first?.date, let period = history.period(on: today) else { return false }
        return !QueueProcedure.offered(menu: period.menu, staffed: period.manned).isEmpty
    }

    var html: String {
        let f = history.facility
        var rows = ""
        for e in history.events {
            var what: [String] = []
            if let kind = e.kind { what.append("種別：\(kind.japanese)") }
            if let name = e.name { what.append("名称：\(name)") }
            if let address = e.address { what.append("所在地：\(address.description)") }
            let decision = history.recorded ? "\(e.decision.document)（\(FacilityText.wareki(e.decision.decidedOn))）" : "記録なし"
            rows += "<tr><td>\(HTML.escape(FacilityText.wareki(e.effectiveOn)))</td><td>\(HTML.escape(e.change.japanese))</td>"
                + "<td>\(what.map(HTML.escape).joined(separator: "<br>"))</td><td>\(HTML.escape(decision))</td></tr>\n"
        }
        var periods = ""
        for p in history.periods {
            let span = "\(FacilityText.wareki(p.from))から" + (p.until.map { "\(FacilityText.wareki($0))の前日まで" } ?? "現在まで")
            periods += "<tr><td>\(HTML.escape(span))</td><td>\(HTML.escape(p.kind.japanese))</td><td>\(HTML.escape(p.name))</td>"
                + "<td>\(HTML.escape(p.address.description))</td><td>\(FacilityText.menu(p.menu))</td></tr>\n"
        }
        var hours = ""
        for d in days {
            hours += "<tr><td>\(HTML.escape(FacilityText.wareki(d.date)))（\(d.date.weekday.japanese)）</td><td>\(HTML.escape(d.japanese))</td></tr>\n"
        }
        return """
            <h1>\(HTML.escape(f.name))</h1>
            <p><a href="/facilities">窓口の一覧へ</a></p>
            <h2>開庁時間（今日から2週間）</h2>
            <table>
            <caption>日ごとの開庁時間</caption>
            <thead><tr><th scope="col">日付</th><th scope="col">開庁時間</th></tr></thead>
            <tbody>
            \(hours)</tbody>
            </table>
            <p><a href="/facilities/\(HTML.escape(f.id))/hours.ics">開庁時間をカレンダーに取り込む（iCalendar）</a></p>
            \(queued ? "<p><a href=\"/facilities/\(HTML.escape(f.id))/congestion\">窓口の混雑状況と混雑予想カレンダー</a></p>" : "")
            <h2>経緯</h2>
            <table>
            <caption>変更の記録（効力の生じた日の順）</caption>
            <thead><tr><th scope="col">効力の日</th><th scope="col">変更</th><th scope="col">内容</th><th scope="col">根拠となった決定</th></tr></thead>
            <tbody>
            \(rows)</tbody>
            </table>
            <h2>期間ごとの取扱業務</h2>
            <table>
            <caption>期間ごとの種別・所在地・取り扱う業務</caption>
            <thead><tr><th scope="col">期間</th><th scope="col">種別</th><th scope="col">名称</th><th scope="col">所在地</th><th scope="col">取り扱う業務</th></tr></thead>
            <tbody>
            \(periods)</tbody>
            </table>
            """
    }
}

/// The finder's page: the question's form, and the places that serve, nearest first.
struct FinderModel {
    let question: FinderQuestion?
    let answers: [FinderResultView]?
    let towns: [TownKey]
    let today: CivilDate
    /// The page in English (`?lang=en`); addresses and 町丁目 stay as the city writes them
    var en = false
    /// The query as asked, for the link to the other language
    var query = ""

    /// The same question in the other language.
    var otherLanguage: String {
        let kept = query.split(separator: "&").filter { !$0.hasPrefix("lang=") }.joined(separator: "&")
        let lang = en ? "lang=ja" : "lang=en"
        return "/finder?" + (kept.isEmpty ? lang : kept + "&" + lang)
    }

    func t(_ ja: String, _ english: String) -> String { HTML.escape(en ? english : ja) }

    var html: String {
        let kinds = CertificateKind.allCases.map { k in
            "<option value=\"\(k.rawValue)\"\(question?.kind == k ? " selected" : "")>\(t(k.japanese, k.english))</option>"
        }.joined()
        var groups = ""
        for (ward, list) in Dictionary(grouping: towns, by: \.ward).sorted(by: { $0.key < $1.key }) {
            groups += "<optgroup label=\"\(HTML.escape(ward))\">" + list.map { t in
                let value = "\(t.ward)|\(t.town)"
                return "<option value=\"\(HTML.escape(value))\"\(question?.town == t ? " selected" : "")>\(HTML.escape(t.town))</option>"
            }.joined() + "</optgroup>"
        }
        var result = ""
        if let q = question, let answers {
            let when = en ? q.date.description + (q.time.map { " \($0)" } ?? "") : FacilityText.wareki(q.date) + (q.time.map { " \($0.japanese)" } ?? "")
            let kind = en ? q.kind.english : q.kind.japanese
            if answers.isEmpty {
                result = "<p role=\"status\">\(t("\(when)に\(kind)を取れる場所はありません。", "No place issues a \(kind) on \(when)."))</p>"
            } else {
                let rows = answers.map { a in
                    let label = a.id == nil && en ? "Convenience stores (with the My Number card)" : a.name
                    let name = a.id.map { "<a href=\"/facilities/\(HTML.escape($0))\">\(HTML.escape(label))</a>" } ?? HTML.escape(label)
                    let kindText = en ? (FacilityKind(rawValue: a.kind)?.english ?? "stores") : a.kindJa
                    let hours = en ? (a.hours.isEmpty ? "closed" : a.hours.joined(separator: ", ")) : a.hoursJa
                    return "<tr><td>\(name)</td><td>\(HTML.escape(kindText))</td><td>\(a.distanceKm.map { String(format: "%.1f km", $0) } ?? "—")</td>"
                        + "<td>\(HTML.escape(hours))</td><td>\(HTML.escape(a.address ?? (en ? "Stores across Japan (6:30 to 23:00)" : "全国の対応店舗（6時30分から23時まで）")))</td></tr>"
                }.joined(separator: "\n")
                result = """
                    \(HTML.scroll(en ? "Results" : "検索結果"))
                    <table>
                    <caption>\(t("\(when)に\(kind)を取れる場所（近い順）", "Places that issue a \(kind) on \(when), nearest first"))</caption>
                    <thead><tr><th scope="col">\(t("場所", "Place"))</th><th scope="col">\(t("種別", "Kind"))</th><th scope="col">\(t("距離", "Distance"))</th><th scope="col">\(t("その日の時間", "Hours that day"))</th><th scope="col">\(t("所在地", "Address"))</th></tr></thead>
                    <tbody>
                    \(rows)
                    </tbody>
                    </table>
                    </div>
                    """
            }
        }
        return """
            <h1>\(t("証明書を取れる場所を探す", "Where to get a certificate"))</h1>
            <p><a href="\(HTML.escape(otherLanguage))" lang="\(en ? "ja" : "en")">\(en ? "日本語" : "English")</a></p>
            <form method="get" action="/finder">\(en ? "<input type=\"hidden\" name=\"lang\" value=\"en\">" : "")
            <p><label for="kind">\(t("証明書", "Certificate"))</label> <select id="kind" name="kind">\(kinds)</select></p>
            <p><label for="date">\(t("日付", "Date"))</label> <input type="date" id="date" name="date" value="\(question?.date ?? today)">
            <label for="time">\(t("時刻", "Time"))</label> <input type="time" id="time" name="time" value="\(question?.time?.description ?? "")"></p>
            <p><label for="from">\(t("お住まいの町丁目（近い順に並べます）", "Your 町丁目 (to list the nearest first)"))</label> <select id="from" name="from"><option value="">\(t("指定しない", "Any"))</option>\(groups)</select></p>
            <p><button type="submit">\(t("探す", "Search"))</button></p>
            </form>
            <p>\(t("コンビニ交付にはマイナンバーカード（利用者証明用電子証明書）が必要です。時刻を空けると、その日に開いている場所をすべて表示します。", "The stores need the My Number card (its certificate for user authentication). Leave the time empty to list every place open that day."))</p>
            \(result)
            """
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

    /// The menu in a cell: certificates, 届出 and procedures on a line each.
    static func menu(_ menu: Set<FacilityService>) -> String {
        guard !menu.isEmpty else { return "取り扱う業務はありません" }
        let items = menu.sorted()
        var lines: [String] = []
        for (label, part) in [
            ("証明書", items.filter { if case .certificate = $0 { true } else { false } }),
            ("届出", items.filter { if case .notification = $0 { true } else { false } }),
            ("手続", items.filter { if case .procedure = $0 { true } else { false } }),
        ] where !part.isEmpty {
            lines.append("\(label)：" + part.map(\.japanese).joined(separator: "、"))
        }
        return lines.map(HTML.escape).joined(separator: "<br>")
    }
}
