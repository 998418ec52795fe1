import Foundation
import Hummingbird
import MadoguchiDomain
import MadoguchiIssuance
import MadoguchiStore

/// `/audit`: the auditor reads the access log (who read whose data, where, when, why), filters it, verifies its
/// chain, and exports it as CSV. Reads of people under 支援措置 are marked 要確認. People are named by resident id
/// only: the auditor sees that a read happened, not the person's record.
struct AuditPages<Context: StaffContext>: Sendable {
    let audit: AccessAudit
    let staff: StaffService
    let cityName: String
    var secureCookie = false

    var signIn: StaffSignIn { StaffSignIn(base: "/audit", title: "監査", cityName: cityName, staff: staff, secureCookie: secureCookie) }

    func addRoutes(to router: Router<Context>) {
        router.get("/audit/login") { _, _ in signIn.page() }
        router.post("/audit/login") { request, _ in try await signIn.login(request) }
        router.get("/audit", use: page)
        router.get("/audit/access.csv", use: csv)
    }

    /// The filter a query string gives: `from`, `until` (dates or instants), `actor`, `resident`, `flagged=1`.
    static func filter(_ request: Request, limit: Int) -> AccessFilter {
        let q = request.uri.queryParameters
        func text(_ name: String) -> String? { q.get(name).flatMap { $0.isEmpty ? nil : $0 } }
        return AccessFilter(
            from: text("from"), until: text("until").map { CivilDate.parseGregorian($0).map { $0.adding(days: 1).description } ?? $0 },
            actor: text("actor"), residentId: text("resident").flatMap { Int64($0) }, flaggedOnly: q.get("flagged") == "1", limit: limit)
    }

    @Sendable func page(_ request: Request, context: Context) async throws -> Response {
        let filter = Self.filter(request, limit: 500)
        let entries = try await audit.entries(filter)
        let check: String
        if request.uri.queryParameters.get("verify") == "1" {
            let v = try await audit.verify()
            check = v.isIntact
                ? "<p id=\"verified\" data-intact=\"true\">記録の連鎖を検証しました: \(v.entries)件、改ざんはありません（先頭 <code>\(v.head ?? "—")</code>）</p>"
                : "<p id=\"verified\" data-intact=\"false\" role=\"alert\" style=\"color:#b00020\">記録 #\(v.firstBad ?? 0) が壊れています: \(HTML.escape(v.problem ?? ""))</p>"
        } else {
            check = ""
        }
        let q = request.uri.queryParameters
        func value(_ name: String) -> String { HTML.escape(q.get(name) ?? "") }
        let rows = entries.map { e -> String in
            let r = e.record
            return """
                <tr\(r.flagged ? " class=\"flagged\" style=\"background:#fff3cd\"" : "")><td>\(e.sequence)</td><td>\(HTML.escape(r.at))</td><td>\(HTML.escape(r.actor))</td>
                <td>\(HTML.escape(r.facilityId ?? "—"))</td><td>\(HTML.escape(r.action.japanese))</td><td>\(HTML.escape(r.purpose.japanese))</td>
                <td>\(r.subjects.map { "<a href=\"/audit?resident=\($0)\">\($0)</a>" }.joined(separator: " "))</td><td><code>\(HTML.escape(r.route))</code></td>
                <td>\(HTML.escape(r.query ?? ""))</td><td>\(r.flagged ? "要確認" : "")</td></tr>
                """
        }.joined(separator: "\n")
        let csvLink = "/audit/access.csv?" + (request.uri.query ?? "")
        let body = """
            <p>\(StaffSignIn.logoutForm(base: "/audit"))監査</p>
            <h1>個人情報の閲覧記録</h1>
            <p>職員が住民の情報を見るたびに、誰が・どの窓口で・いつ・何のために・誰の情報を見たかを記録しています。支援措置の対象者の閲覧は「要確認」です。</p>
            <form method="get" action="/audit"><p>
            <label>から <input name="from" value="\(value("from"))" placeholder="2026-11-24"></label>
            <label>まで <input name="until" value="\(value("until"))" placeholder="2026-11-30"></label>
            <label>職員 <input name="actor" value="\(value("actor"))"></label>
            <label>住民ID <input name="resident" value="\(value("resident"))" inputmode="numeric"></label>
            <label><input type="checkbox" name="flagged" value="1"\(q.get("flagged") == "1" ? " checked" : "")> 要確認のみ</label>
            <button type="submit">表示</button></p></form>
            <p><a href="/audit?verify=1">記録の連鎖を検証する</a>　<a id="csv" href="\(HTML.escape(csvLink))">CSVで出力</a></p>
            \(check)
            <p id="count" data-count="\(entries.count)">\(entries.count)件（新しい順、最大500件）</p>
            <table><thead><tr><th>番号</th><th>日時</th><th>職員</th><th>窓口</th><th>操作</th><th>用件</th><th>住民ID</th><th>経路</th><th>検索語</th><th></th></tr></thead>
            <tbody>\(rows)</tbody></table>
            """
        return HTML.response(HTML.page(title: "閲覧記録", cityName: cityName, body: body, wide: true))
    }

    @Sendable func csv(_ request: Request, context: Context) async throws -> Response {
        let entries = try await audit.entries(Self.filter(request, limit: 100_000))
        let text = "\u{FEFF}" + ([AccessRecord.csvHeader] + entries.reversed().map { $0.record.csvLine(sequence: $0.sequence) }).joined(separator: "\r\n") + "\r\n"
        var headers = HTTPFields()
        headers[.contentType] = "text/csv; charset=utf-8"
        headers[.contentDisposition] = "attachment; filename=\"access-log.csv\""
        headers[.cacheControl] = "no-store"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}
