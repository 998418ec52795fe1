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
        let query = request.uri.query.map { "?" + $0 } ?? ""
        return HTML.response(HTML.page(
            title: "窓口の統計", cityName: cityName, body: StatisticsViews.page(report, query: query), style: StatisticsViews.style, wide: true))
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

/// The statistics page's views, and its charts.
enum StatisticsViews {
    static func e(_ s: String) -> String { HTML.escape(s) }
    static func f(_ x: Double?) -> String { x.map { String(format: "%.1f", $0) } ?? "—" }

    static let style = """
        table.stats{border-collapse:collapse;margin:.5rem 0 1rem}
        table.stats th,table.stats td{border:1px solid #ccc;padding:.2rem .5rem}
        table.stats td{text-align:right}
        figure{margin:.5rem 0 1.5rem}
        """

    /// A bar chart of values by label, as SVG with its numbers in a title per bar, labelled for screen readers.
    static func bars(title: String, labels: [String], values: [Double], unit: String, width: Int = 640, height: Int = 220) -> String {
        let left = 48.0, bottom = 28.0, top = 12.0
        let plotW = Double(width) - left - 8, plotH = Double(height) - top - bottom
        let maxValue = max(values.max() ?? 0, 1)
        let slot = plotW / Double(max(values.count, 1))
        var s = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(width)\" height=\"\(height)\" viewBox=\"0 0 \(width) \(height)\" role=\"img\" aria-label=\"\(e(title))\">"
        s += "<line x1=\"\(left)\" y1=\"\(top + plotH)\" x2=\"\(Double(width) - 8)\" y2=\"\(top + plotH)\" stroke=\"#333\"/>"
        s += "<text x=\"\(left - 6)\" y=\"\(top + 8)\" font-size=\"11\" text-anchor=\"end\">\(e(f(maxValue)))</text>"
        s += "<text x=\"\(left - 6)\" y=\"\(top + plotH)\" font-size=\"11\" text-anchor=\"end\">0</text>"
        for (i, (label, value)) in zip(labels, values).enumerated() {
            let h = plotH * value / maxValue, x = left + Double(i) * slot
            s += "<rect x=\(q(x + slot * 0.15)) y=\(q(top + plotH - h)) width=\(q(slot * 0.7)) height=\(q(h)) fill=\"#0b5394\"><title>\(e("\(label): \(f(value))\(unit)"))</title></rect>"
            s += "<text x=\(q(x + slot / 2)) y=\(q(Double(height) - 10)) font-size=\"11\" text-anchor=\"middle\">\(e(label))</text>"
        }
        return s + "</svg>"
    }

    static func q(_ v: Double) -> String { "\"" + String(format: "%.1f", v) + "\"" }

    static func page(_ r: StatisticsService.Report, query: String) -> String {
        var out = "<h1>窓口の統計</h1>"
        out += "<form method=\"get\" action=\"/planning/statistics\"><label>期間 <input type=\"date\" name=\"from\" value=\"\(r.from)\"></label>"
        out += " <label>〜 <input type=\"date\" name=\"through\" value=\"\(r.through)\"></label>"
        out += " <label>施設 <select name=\"facility\"><option value=\"\">すべて</option>"
        for (id, name) in r.names.sorted(by: { $0.key < $1.key }) {
            out += "<option value=\"\(e(id))\"\(id == r.facilityId ? " selected" : "")>\(e(name))</option>"
        }
        out += "</select></label> <button type=\"submit\">表示</button></form>"
        out += "<p>\(e(r.from.description))〜\(e(r.through.description))・\(e(r.facilityId.map(r.name) ?? "全施設"))</p>"
        let csvQuery = query.isEmpty ? "?" : query + "&amp;"
        out += "<p>CSV: <a href=\"/planning/statistics/issuance.csv\(e(query))\">交付枚数（UTF-8）</a> · "
        out += "<a href=\"/planning/statistics/issuance.csv\(csvQuery)encoding=cp932\">交付枚数（Shift_JIS）</a> · "
        out += "<a href=\"/planning/statistics/tickets.csv\(e(query))\">番号札（UTF-8）</a> · "
        out += "<a href=\"/planning/statistics/tickets.csv\(csvQuery)encoding=cp932\">番号札（Shift_JIS）</a></p>"

        // Certificates
        out += "<h2>証明書の交付枚数</h2>"
        let channels = ["counter", "kiosk", "automaticMachine", "postOffice", "post", "online"]
        let byFacility = CounterStatistics.sum(r.issuance) { [$0.facilityId ?? "", $0.channel] }
        let facilities = Set(r.issuance.map { $0.facilityId ?? "" }).sorted()
        out += "<table class=\"stats\"><caption>施設・交付チャネル別</caption><thead><tr><th scope=\"col\">施設</th>"
        for c in channels { out += "<th scope=\"col\">\(e(StatisticsService.channelName(c)))</th>" }
        out += "<th scope=\"col\">計</th></tr></thead><tbody>"
        for id in facilities {
            out += "<tr><th scope=\"row\">\(e(r.name(id.isEmpty ? nil : id)))</th>"
            for c in channels { out += "<td>\(byFacility[[id, c]] ?? 0)</td>" }
            out += "<td>\(channels.reduce(0) { $0 + (byFacility[[id, $1]] ?? 0) })</td></tr>"
        }
        out += "</tbody></table>"
        let byKind = CounterStatistics.sum(r.issuance) { $0.kind }
        out += "<table class=\"stats\"><caption>証明書の種類別</caption><thead><tr><th scope=\"col\">種類</th><th scope=\"col\">枚数</th></tr></thead><tbody>"
        for (kind, copies) in byKind.sorted(by: { $0.value > $1.value }) {
            out += "<tr><th scope=\"row\">\(e(CertificateKind(rawValue: kind)?.japanese ?? kind))</th><td>\(copies)</td></tr>"
        }
        out += "</tbody></table>"
        let byHour = CounterStatistics.sum(r.issuance) { $0.hour }
        let hours = Array((byHour.keys.min() ?? 8)...(byHour.keys.max() ?? 17))
        out += "<figure>" + bars(title: "時間帯別の交付枚数", labels: hours.map { "\($0)時" }, values: hours.map { Double(byHour[$0] ?? 0) }, unit: "枚")
        out += "<figcaption>時間帯別の交付枚数</figcaption></figure>"

        // Tickets
        out += "<h2>番号札・待ち時間・対応時間</h2>"
        let byLine = CounterStatistics.sum(r.tickets) { [$0.facilityId, $0.procedure.rawValue] }
        out += "<table class=\"stats\"><caption>施設・手続別（待ち時間は発券から最初の呼出まで、対応時間は窓口での開始から終了まで）</caption><thead><tr>"
        out += "<th scope=\"col\">施設</th><th scope=\"col\">手続</th><th scope=\"col\">発券数</th><th scope=\"col\">平均待ち時間（分）</th><th scope=\"col\">対応数</th><th scope=\"col\">平均対応時間（分）</th></tr></thead><tbody>"
        for (_, t) in byLine.sorted(by: { ($0.value.facilityId, $0.value.procedure) < ($1.value.facilityId, $1.value.procedure) }) {
            out += "<tr><th scope=\"row\">\(e(r.name(t.facilityId)))</th><td>\(e(t.procedure.japanese))</td><td>\(t.tickets)</td><td>\(f(t.meanWait))</td>"
            out += "<td>\(t.served)</td><td>\(f(t.meanService))</td></tr>"
        }
        out += "</tbody></table>"
        let byWindow = CounterStatistics.sum(r.tickets.filter { $0.windowId != nil }) { [$0.facilityId, $0.windowId ?? ""] }
        out += "<table class=\"stats\"><caption>窓口別</caption><thead><tr><th scope=\"col\">施設</th><th scope=\"col\">窓口</th><th scope=\"col\">対応数</th><th scope=\"col\">平均対応時間（分）</th></tr></thead><tbody>"
        for (_, t) in byWindow.sorted(by: { ($0.value.facilityId, $0.value.windowId ?? "") < ($1.value.facilityId, $1.value.windowId ?? "") }) {
            out += "<tr><th scope=\"row\">\(e(r.name(t.facilityId)))</th><td>\(e(t.windowId ?? ""))番</td><td>\(t.served)</td><td>\(f(t.meanService))</td></tr>"
        }
        out += "</tbody></table>"
        let ticketHours = CounterStatistics.sum(r.tickets) { $0.hour }
        if let first = ticketHours.keys.min(), let last = ticketHours.keys.max() {
            let span = Array(first...last)
            out += "<figure>" + bars(title: "時間帯別の発券数", labels: span.map { "\($0)時" }, values: span.map { Double(ticketHours[$0]?.tickets ?? 0) }, unit: "枚")
            out += "<figcaption>時間帯別の発券数</figcaption></figure>"
            out += "<figure>" + bars(title: "時間帯別の平均待ち時間", labels: span.map { "\($0)時" }, values: span.map { ticketHours[$0]?.meanWait ?? 0 }, unit: "分")
            out += "<figcaption>時間帯別の平均待ち時間（発券した時間帯ごと）</figcaption></figure>"
        }
        return out
    }
}
