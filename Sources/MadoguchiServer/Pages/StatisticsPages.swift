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
        let page = StatisticsPage(report, query: request.uri.query ?? "")
        return HTML.response(HTML.page(
            title: "窓口の統計", cityName: cityName, body: Views.render(page, .statistics), style: Views.Asset.statistics.text, wide: true))
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

    /// - Parameter query: the page's query (`from=…&through=…`), for the CSV links
    init(_ r: StatisticsService.Report, query: String) {
        from = r.from.description
        through = r.through.description
        facilities = r.names.sorted(by: { $0.key < $1.key }).map { PageOption(value: $0.key, text: $0.value, selected: $0.key == r.facilityId) }
        period = "\(r.from)〜\(r.through)・" + (r.facilityId.map(r.name) ?? "全施設")
        let plain = query.isEmpty ? "" : "?" + query
        let cp932 = (query.isEmpty ? "?" : "?" + query + "&") + "encoding=cp932"
        csv = [
            Link(href: "/planning/statistics/issuance.csv" + plain, text: "交付枚数（UTF-8）"),
            Link(href: "/planning/statistics/issuance.csv" + cp932, text: "交付枚数（Shift_JIS）"),
            Link(href: "/planning/statistics/tickets.csv" + plain, text: "番号札（UTF-8）"),
            Link(href: "/planning/statistics/tickets.csv" + cp932, text: "番号札（Shift_JIS）"),
        ]
        let f = BarChart.figure

        // Certificates
        let channels = ["counter", "kiosk", "automaticMachine", "postOffice", "post", "online"]
        let byFacility = CounterStatistics.sum(r.issuance) { [$0.facilityId ?? "", $0.channel] }
        issuanceByFacility = FigureTable(
            "stats", caption: "施設・交付チャネル別", head: ["施設"] + channels.map(StatisticsService.channelName) + ["計"],
            rows: Set(r.issuance.map { $0.facilityId ?? "" }).sorted().map { id in
                let counts = channels.map { byFacility[[id, $0]] ?? 0 }
                return FigureTable.Row(r.name(id.isEmpty ? nil : id), counts.map(String.init) + [String(counts.reduce(0, +))])
            })
        issuanceByKind = FigureTable(
            "stats", caption: "証明書の種類別", head: ["種類", "枚数"],
            rows: CounterStatistics.sum(r.issuance) { $0.kind }.sorted(by: { ($0.value, $1.key) > ($1.value, $0.key) }).map {
                FigureTable.Row(CertificateKind(rawValue: $0.key)?.japanese ?? $0.key, [String($0.value)])
            })
        let byHour = CounterStatistics.sum(r.issuance) { $0.hour }
        let hours = Array((byHour.keys.min() ?? 8)...(byHour.keys.max() ?? 17))
        issuanceByHour = BarChart(
            title: "時間帯別の交付枚数", caption: "時間帯別の交付枚数", labels: hours.map { "\($0)時" }, values: hours.map { Double(byHour[$0] ?? 0) }, unit: "枚")

        // Tickets
        ticketsByLine = FigureTable(
            "stats", caption: "施設・手続別（待ち時間は発券から最初の呼出まで、対応時間は窓口での開始から終了まで）",
            head: ["施設", "手続", "発券数", "平均待ち時間（分）", "対応数", "平均対応時間（分）"],
            rows: CounterStatistics.sum(r.tickets) { [$0.facilityId, $0.procedure.rawValue] }.values
                .sorted { ($0.facilityId, $0.procedure) < ($1.facilityId, $1.procedure) }
                .map { FigureTable.Row(r.name($0.facilityId), [$0.procedure.japanese, String($0.tickets), f($0.meanWait), String($0.served), f($0.meanService)]) })
        ticketsByWindow = FigureTable(
            "stats", caption: "窓口別", head: ["施設", "窓口", "対応数", "平均対応時間（分）"],
            rows: CounterStatistics.sum(r.tickets.filter { $0.windowId != nil }) { [$0.facilityId, $0.windowId ?? ""] }.values
                .sorted { ($0.facilityId, $0.windowId ?? "") < ($1.facilityId, $1.windowId ?? "") }
                .map { FigureTable.Row(r.name($0.facilityId), ["\($0.windowId ?? "")番", String($0.served), f($0.meanService)]) })
        let ticketHours = CounterStatistics.sum(r.tickets) { $0.hour }
        if let first = ticketHours.keys.min(), let last = ticketHours.keys.max() {
            let span = Array(first...last)
            self.ticketHours = [
                BarChart(
                    title: "時間帯別の発券数", caption: "時間帯別の発券数", labels: span.map { "\($0)時" },
                    values: span.map { Double(ticketHours[$0]?.tickets ?? 0) }, unit: "枚"),
                BarChart(
                    title: "時間帯別の平均待ち時間", caption: "時間帯別の平均待ち時間（発券した時間帯ごと）", labels: span.map { "\($0)時" },
                    values: span.map { ticketHours[$0]?.meanWait ?? 0 }, unit: "分"),
            ]
        } else {
            self.ticketHours = []
        }
    }
}
