import Foundation
import HTTPTypes
import Hummingbird
import MadoguchiDomain
import MadoguchiImport
import MadoguchiIssuance

/// Statistics for the planners and supervisors (issue 14, item 7): certificates issued by facility, channel and kind,
/// and tickets, waits and service times by facility, line, window and hour, over a period; SVG charts; CSV in UTF-8 or
/// CP932 (`?encoding=cp932`, for the spreadsheets the city's offices use). Counts only.
struct StatisticsPages<Context: StaffContext> {
    let statistics: StatisticsService
    let clock: MadoguchiClock
    let cityName: String

    func addRoutes(to router: Router<Context>) {
        router.get("/planning/statistics", use: page)
        router.get("/planning/statistics/issuance.csv", use: issuanceCSV)
        router.get("/planning/statistics/tickets.csv", use: ticketsCSV)
    }

    /// The period asked for: `from` and `through` (YYYY-MM-DD), this month so far by default.
    func report(_ request: Request) async throws -> StatisticsService.Report {
        let q = request.uri.queryParameters
        let today = clock.today
        func day(_ name: String, _ fallback: CivilDate) throws -> CivilDate {
            guard let text = q.get(name), !text.isEmpty else { return fallback }
            guard let d = CivilDate.parseGregorian(text) else {
                throw MadoguchiError(.statisticsInvalidPeriod, ja: "日付はYYYY-MM-DDで指定してください", en: "Dates are YYYY-MM-DD")
            }
            return d
        }
        let from = try day("from", CivilDate(year: today.year, month: today.month, day: 1)!)
        let through = try day("through", today)
        let facility = q.get("facility").flatMap { $0.isEmpty ? nil : $0 }
        return try await statistics.report(from: from, through: through, facilityId: facility)
    }

    @Sendable func page(_ request: Request, context: Context) async throws -> Response {
        let report = try await report(request)
        let page = StatisticsPage(report, query: request.uri.query ?? "", language: Language(request.uri.queryParameters.get("lang")))
        return HTML.response(HTML.page(
            title: page.title, cityName: cityName, body: Views.render(page, .statistics), style: Views.Asset.statistics.text, wide: true,
            lang: page.language.code))
    }

    @Sendable func issuanceCSV(_ request: Request, context: Context) async throws -> Response {
        try csv(StatisticsService.issuanceCSV(try await report(request)), name: "issuance", request)
    }

    @Sendable func ticketsCSV(_ request: Request, context: Context) async throws -> Response {
        try csv(StatisticsService.ticketsCSV(try await report(request)), name: "tickets", request)
    }

    func csv(_ text: String, name: String, _ request: Request) throws -> Response {
        let cp932 = request.uri.queryParameters.get("encoding")?.lowercased() == "cp932"
        let bytes = try TextEncoding.encode(text, as: cp932 ? .cp932 : .utf8)
        var headers = HTTPFields()
        headers[.contentType] = "text/csv; charset=\(cp932 ? "Shift_JIS" : "utf-8")"
        headers[.contentDisposition] = "attachment; filename=\"\(name)\(cp932 ? "-sjis" : "").csv\""
        headers[.cacheControl] = "no-store"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}

/// The statistics page: the period and facility asked for, the CSV links, and the tables and charts of certificates
/// issued and of tickets, waits and service times.
struct StatisticsPage {
    struct Link {
        let href: String
        let text: String
    }

    let language: Language
    let title: String
    /// The same period in the other language
    let toggle: String
    let from: String
    let through: String
    let facilities: [PageOption]
    let period: String
    let csv: [Link]
    let issuanceByFacility: FigureTable
    let issuanceByKind: FigureTable
    let issuanceByHour: BarChart
    let ticketsByLine: FigureTable
    let ticketsByWindow: FigureTable
    /// Tickets and the mean wait by the hour drawn, when any ticket was drawn
    let ticketHours: [BarChart]
    let words: [String: String]

    /// - Parameter query: the page's query (`from=…&through=…`), for the CSV links and the other language's link
    init(_ r: StatisticsService.Report, query: String, language l: Language) {
        language = l
        title = l.t("窓口の統計", "Counter statistics")
        toggle = l.toggle("/planning/statistics", query: query)
        let kept = Language.withoutLanguage(query)
        from = r.from.description
        through = r.through.description
        facilities = r.names.sorted(by: { $0.key < $1.key }).map { PageOption(value: $0.key, text: $0.value, selected: $0.key == r.facilityId) }
        period = "\(r.from)〜\(r.through)・" + (r.facilityId.map(r.name) ?? l.t("全施設", "all facilities"))
        let plain = kept.isEmpty ? "" : "?" + kept
        let cp932 = (kept.isEmpty ? "?" : "?" + kept + "&") + "encoding=cp932"
        csv = [
            Link(href: "/planning/statistics/issuance.csv" + plain, text: l.t("交付枚数（UTF-8）", "Certificates (UTF-8)")),
            Link(href: "/planning/statistics/issuance.csv" + cp932, text: l.t("交付枚数（Shift_JIS）", "Certificates (Shift_JIS)")),
            Link(href: "/planning/statistics/tickets.csv" + plain, text: l.t("番号札（UTF-8）", "Tickets (UTF-8)")),
            Link(href: "/planning/statistics/tickets.csv" + cp932, text: l.t("番号札（Shift_JIS）", "Tickets (Shift_JIS)")),
        ]
        func hour(_ h: Int) -> String { l.t("\(h)時", "\(h):00") }
        let copiesUnit = l.t("枚", " certificates"), ticketsUnit = l.t("枚", " tickets"), minutes = l.t("分", " min")
        let f = BarChart.figure

        // Certificates
        let channels = ["counter", "kiosk", "automaticMachine", "postOffice", "post", "online"]
        let byFacility = CounterStatistics.sum(r.issuance) { [$0.facilityId ?? "", $0.channel] }
        issuanceByFacility = FigureTable(
            "stats", caption: l.t("施設・交付チャネル別", "By facility and channel"),
            head: [l.t("施設", "Facility")] + channels.map { l.en ? Self.channelEnglish[$0] ?? $0 : StatisticsService.channelName($0) } + [l.t("計", "Total")],
            rows: Set(r.issuance.map { $0.facilityId ?? "" }).sorted().map { id in
                let counts = channels.map { byFacility[[id, $0]] ?? 0 }
                return FigureTable.Row(r.name(id.isEmpty ? nil : id), counts.map(String.init) + [String(counts.reduce(0, +))])
            })
        issuanceByKind = FigureTable(
            "stats", caption: l.t("証明書の種類別", "By certificate"), head: [l.t("種類", "Certificate"), l.t("枚数", "Copies")],
            rows: CounterStatistics.sum(r.issuance) { $0.kind }.sorted(by: { ($0.value, $1.key) > ($1.value, $0.key) }).map {
                FigureTable.Row(CertificateKind(rawValue: $0.key).map { l.en ? $0.english : $0.japanese } ?? $0.key, [String($0.value)])
            })
        let byHour = CounterStatistics.sum(r.issuance) { $0.hour }
        let hours = Array((byHour.keys.min() ?? 8)...(byHour.keys.max() ?? 17))
        issuanceByHour = BarChart(
            title: l.t("時間帯別の交付枚数", "Certificates by hour"), caption: l.t("時間帯別の交付枚数", "Certificates by hour"), labels: hours.map(hour),
            values: hours.map { Double(byHour[$0] ?? 0) }, unit: copiesUnit)

        // Tickets
        ticketsByLine = FigureTable(
            "stats",
            caption: l.t(
                "施設・手続別（待ち時間は発券から最初の呼出まで、対応時間は窓口での開始から終了まで）",
                "By facility and procedure (the wait runs from the ticket to its first call, the service from its start at the window to its end)"),
            head: [
                l.t("施設", "Facility"), l.t("手続", "Procedure"), l.t("発券数", "Tickets"), l.t("平均待ち時間（分）", "Mean wait (min)"),
                l.t("対応数", "Served"), l.t("平均対応時間（分）", "Mean service (min)"),
            ],
            rows: CounterStatistics.sum(r.tickets) { [$0.facilityId, $0.procedure.rawValue] }.values
                .sorted { ($0.facilityId, $0.procedure) < ($1.facilityId, $1.procedure) }
                .map {
                    FigureTable.Row(
                        r.name($0.facilityId),
                        [l.en ? $0.procedure.english : $0.procedure.japanese, String($0.tickets), f($0.meanWait), String($0.served), f($0.meanService)])
                })
        ticketsByWindow = FigureTable(
            "stats", caption: l.t("窓口別", "By window"),
            head: [l.t("施設", "Facility"), l.t("窓口", "Window"), l.t("対応数", "Served"), l.t("平均対応時間（分）", "Mean service (min)")],
            rows: CounterStatistics.sum(r.tickets.filter { $0.windowId != nil }) { [$0.facilityId, $0.windowId ?? ""] }.values
                .sorted { ($0.facilityId, $0.windowId ?? "") < ($1.facilityId, $1.windowId ?? "") }
                .map { FigureTable.Row(r.name($0.facilityId), [l.t("\($0.windowId ?? "")番", "Window \($0.windowId ?? "")"), String($0.served), f($0.meanService)]) })
        let ticketHours = CounterStatistics.sum(r.tickets) { $0.hour }
        if let first = ticketHours.keys.min(), let last = ticketHours.keys.max() {
            let span = Array(first...last)
            self.ticketHours = [
                BarChart(
                    title: l.t("時間帯別の発券数", "Tickets by hour"), caption: l.t("時間帯別の発券数", "Tickets by hour"), labels: span.map(hour),
                    values: span.map { Double(ticketHours[$0]?.tickets ?? 0) }, unit: ticketsUnit),
                BarChart(
                    title: l.t("時間帯別の平均待ち時間", "Mean wait by hour"),
                    caption: l.t("時間帯別の平均待ち時間（発券した時間帯ごと）", "Mean wait by the hour the ticket was drawn"), labels: span.map(hour),
                    values: span.map { ticketHours[$0]?.meanWait ?? 0 }, unit: minutes),
            ]
        } else {
            self.ticketHours = []
        }
        words = [
            "period": l.t("期間", "From"),
            "through": l.t("〜", "to"),
            "facility": l.t("施設", "Facility"),
            "all": l.t("すべて", "All"),
            "show": l.t("表示", "Show"),
            "issuance": l.t("証明書の交付枚数", "Certificates issued"),
            "tickets": l.t("番号札・待ち時間・対応時間", "Tickets, waits and service times"),
        ]
    }

    static let channelEnglish = [
        "counter": "Counter", "kiosk": "Stores", "automaticMachine": "Automatic machine", "postOffice": "Post office", "post": "By post",
        "online": "Online",
    ]
}
