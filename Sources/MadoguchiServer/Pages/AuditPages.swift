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
        let entries = try await audit.entries(Self.filter(request, limit: 500))
        let verification = request.uri.queryParameters.get("verify") == "1" ? try await audit.verify() : nil
        let q = request.uri.queryParameters
        let page = AuditPage(entries: entries, verification: verification, value: { q.get($0) ?? "" }, rawQuery: request.uri.query ?? "")
        return HTML.response(HTML.page(title: "閲覧記録", cityName: cityName, body: Views.render(page, .audit), style: Views.Asset.audit.text, wide: true))
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

/// The auditor's page: the filter as asked, the chain's check when asked, and the entries, newest first.
struct AuditPage {
    struct Entry {
        let sequence: Int64
        let at: String
        let actor: String
        let facility: String
        let action: String
        let purpose: String
        let subjects: [PageLink]
        let route: String
        let query: String
        let flagged: Bool
    }

    /// The chain's check: intact with its length and head, or the first broken entry.
    struct Check {
        let intact: Bool
        let text: String
        let head: String?
    }

    let logout: String
    let from: String
    let until: String
    let actor: String
    let resident: String
    let flaggedOnly: Bool
    let csv: String
    let check: Check?
    let count: Int
    let entries: [Entry]
    let box: String

    /// - Parameter value: the query's value of a name, empty when absent
    init(entries: [AccessEntry], verification v: LedgerVerification?, value: (String) -> String, rawQuery: String) {
        logout = StaffSignIn.logoutForm(base: "/audit")
        from = value("from")
        until = value("until")
        actor = value("actor")
        resident = value("resident")
        flaggedOnly = value("flagged") == "1"
        csv = "/audit/access.csv?" + rawQuery
        check = v.map { v in
            v.isIntact
                ? Check(intact: true, text: "記録の連鎖を検証しました: \(v.entries)件、改ざんはありません（先頭 ", head: v.head ?? "—")
                : Check(intact: false, text: "記録 #\(v.firstBad ?? 0) が壊れています: \(v.problem ?? "")", head: nil)
        }
        count = entries.count
        self.entries = entries.map { e in
            let r = e.record
            return Entry(
                sequence: e.sequence, at: r.at, actor: r.actor, facility: r.facilityId ?? "—", action: r.action.japanese, purpose: r.purpose.japanese,
                subjects: r.subjects.map { PageLink(href: "/audit?resident=\($0)", text: "\($0)") }, route: r.route, query: r.query ?? "",
                flagged: r.flagged)
        }
        box = HTML.scroll("閲覧記録")
    }
}
