import Foundation
import Hummingbird
import MadoguchiDomain
import MadoguchiIssuance

/// The reorganisation what-if for the planners (issue 14, item 8): `GET /planning/reorganisation` with a base day
/// (`on`), changes (`changes`, one code a line, and `facility` with `action` from the form's lists), `decay`, or a
/// recorded day to replay (`replay`). Without any, the page offers the form and the recorded decisions to replay.
/// Counts and costs only: no person's data.
struct ReorganisationPages<Context: StaffContext> {
    let service: ReorganisationService
    let network: FacilityNetworkService
    let clock: MadoguchiClock
    let cityName: String

    func addRoutes(to router: Router<Context>) {
        router.get("/planning/reorganisation", use: page)
    }

    @Sendable func page(_ request: Request, context: Context) async throws -> Response {
        let q = request.uri.queryParameters
        func text(_ name: String) -> String? { q.get(name).flatMap { $0.trimmingCharacters(in: .whitespaces).isEmpty ? nil : $0 } }
        let decay = try text("decay").map { t -> Double in
            guard let d = Double(t), d.isFinite else {
                throw MadoguchiError(.reorganisationInvalid, ja: "距離減衰を読めません: \(t)", en: "Unreadable distance decay: \(t)")
            }
            return d
        } ?? DemandModel.defaultDecayPerKm
        var codes = (text("changes") ?? "").split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        if let facility = text("facility"), let action = text("action") {
            codes.append(action.contains("{id}") ? action.replacingOccurrences(of: "{id}", with: facility) : "\(action):\(facility)")
        }
        guard codes.count <= 20 else {
            throw MadoguchiError(.reorganisationInvalid, ja: "変更は20件までです", en: "At most 20 changes")
        }
        let today = clock.today
        let base = try text("on").map { t -> CivilDate in
            guard let d = CivilDate.parseGregorian(t) else {
                throw MadoguchiError(.reorganisationInvalid, ja: "基準日はYYYY-MM-DDで指定してください", en: "The base day is YYYY-MM-DD")
            }
            return d
        } ?? today
        var report: ReorganisationService.Report?
        if let replay = text("replay") {
            guard let day = CivilDate.parseGregorian(replay) else {
                throw MadoguchiError(.reorganisationInvalid, ja: "再現する日はYYYY-MM-DDで指定してください", en: "The day to replay is YYYY-MM-DD")
            }
            var (scenario, skipped) = try await service.replay(day)
            scenario.decayPerKm = decay
            report = try await service.run(scenario, notReplayed: skipped)
        } else if !codes.isEmpty {
            let scenario = ReorganisationService.Scenario(
                baseDay: base, changes: try codes.map(ReorganisationChange.init(code:)), decayPerKm: decay)
            report = try await service.run(scenario)
        }
        let shownDay = report?.scenario.baseDay ?? base
        // One read of the network's history for the form: the places a change can weigh (those that issued certificates
        // that day) and the recorded days to replay.
        let histories = try await network.histories()
        let facilities = histories.compactMap { h -> (String, String)? in
            guard let p = h.period(on: shownDay), p.menu.contains(where: { if case .certificate = $0 { true } else { false } }) else { return nil }
            return (h.facility.id, p.name)
        }
        let decisions = Self.recordedDays(histories)
        let body = ReorganisationViews.page(
            report: report, baseDay: shownDay, decay: decay, codes: report?.scenario.changes.map(\.code) ?? codes, facilities: facilities,
            decisions: decisions)
        return HTML.response(HTML.page(title: "窓口再編の試算", cityName: cityName, body: body, style: ReorganisationViews.style, wide: true))
    }

    /// The recorded days a what-if can replay (closures, manned windows closed, conversions), latest first, with the
    /// decisions behind them.
    static func recordedDays(_ histories: [FacilityNetworkService.History]) -> [(CivilDate, String)] {
        var days: [CivilDate: Set<String>] = [:]
        for h in histories where h.recorded {
            for e in h.events where [.closed, .mannedWindowClosed, .converted].contains(e.change) {
                days[e.effectiveOn, default: []].insert(e.decision.document)
            }
        }
        return days.sorted { $0.key > $1.key }.map { ($0.key, $0.value.sorted().joined(separator: "・")) }
    }
}

/// The what-if page's views.
enum ReorganisationViews {
    static func e(_ s: String) -> String { HTML.escape(s) }
    static func n(_ x: Double) -> String {
        let f = NumberFormatter()
        f.numberStyle = .decimal
        f.maximumFractionDigits = 0
        return f.string(from: NSNumber(value: x.rounded())) ?? String(Int(x.rounded()))
    }
    static func yen(_ x: Double?) -> String { x.map { "¥" + n($0) } ?? "—" }
    static func signed(_ x: Double) -> String { (x >= 0.5 ? "+" : "") + n(x) }

    static let style = """
        table.whatif{border-collapse:collapse;margin:.5rem 0 1rem;width:auto}
        table.whatif th,table.whatif td{border:1px solid #ccc;padding:.2rem .5rem}
        table.whatif td{text-align:right}
        .gain{color:#0b5394}.loss{color:#a61c00}
        textarea{width:100%;max-width:44rem;font-family:monospace}
        form p{margin:.4rem 0}
        """

    static func wait(_ p: PeakLoad?) -> String {
        guard let p else { return "<td>—</td><td>—</td>" }
        return "<td>\(Int(p.waitMinutes.rounded()))分（閉庁時\(Int(p.closingWaitMinutes.rounded()))分）</td><td>\(Int((p.utilisation * 100).rounded()))%\(p.overloaded ? "（超過）" : "")</td>"
    }

    static func page(
        report: ReorganisationService.Report?, baseDay: CivilDate, decay: Double, codes: [String], facilities: [(String, String)],
        decisions: [(CivilDate, String)]
    ) -> String {
        var out = "<h1>窓口再編の試算</h1>"
        out += "<p>施設の廃止・有人窓口の廃止・転換・開庁時間の変更・新設について、証明書の需要がどこへ移るか、受け入れる窓口の繁忙期の待ち時間、チャネル別の証明書1枚あたりの経費を、変更前と比べて示します。"
        out += "需要は住民記録の町丁目別人口と施設別の年度実績から推計します（距離減衰モデル。前提はADR 0014）。</p>"
        out += "<h2>記録された再編を再現する</h2><ul>"
        for (day, documents) in decisions {
            out += "<li><a href=\"/planning/reorganisation?replay=\(day)\">\(e(day.description))　\(e(documents))</a></li>"
        }
        out += "</ul>"
        out += "<h2>試算する</h2><form method=\"get\" action=\"/planning/reorganisation\">"
        out += "<p><label>基準日（この日の施設網と、この日までの最新年度の実績で試算） <input type=\"date\" name=\"on\" value=\"\(baseDay)\"></label></p>"
        out += "<p><label>施設 <select name=\"facility\"><option value=\"\">（選ぶ）</option>"
        for (id, name) in facilities { out += "<option value=\"\(e(id))\">\(e(name))</option>" }
        out += "</select></label> <label>変更 <select name=\"action\"><option value=\"close\">廃止</option><option value=\"close-window\">有人窓口の廃止</option>"
        for kind in [FacilityKind.serviceCorner, .communityCenter, .subBranchOffice, .branchOffice] {
            out += "<option value=\"convert:{id}:\(kind.rawValue)\">\(e(kind.japanese))へ転換</option>"
        }
        out += "<option value=\"hours:{id}:weekdays 08:30-19:00\">平日19時まで開庁</option><option value=\"hours:{id}:sat 09:00-12:00\">土曜午前も開庁</option>"
        out += "</select></label></p>"
        out += "<p><label>ほかの変更（1行に1件: close:ID、close-window:ID、convert:ID:種別、hours:ID:weekdays 08:30-19:00、open:ID:serviceCorner:名称:区:町丁目[:年間経費]）<br>"
        out += "<textarea name=\"changes\" rows=\"4\">\(e(codes.joined(separator: "\n")))</textarea></label></p>"
        out += "<p><label>距離減衰β（1kmあたり） <input type=\"number\" name=\"decay\" step=\"0.1\" min=\"0\" max=\"5\" value=\"\(decay)\"></label> "
        out += "<button type=\"submit\">試算</button></p></form>"
        guard let report else { return out }
        let o = report.outcome
        out += "<h2>結果</h2>"
        out += "<p>基準日 \(e(report.scenario.baseDay.description))（\(e(o.fiscalYear.description))の実績）・距離減衰β \(e(String(format: "%.1f", o.decayPerKm)))/km</p><ul>"
        for c in report.scenario.changes {
            let name = o.rows.first { $0.id == c.facilityId }?.name ?? c.facilityId
            out += "<li>\(e(name))：\(e(c.japanese))</li>"
        }
        out += "</ul>"
        if !report.notReplayed.isEmpty { out += "<p>再現の対象外（試算できない変更）: \(e(report.notReplayed.joined(separator: "、")))</p>" }
        if !o.withoutFigures.isEmpty { out += "<p>年度実績がないため試算から除いた施設: \(e(o.withoutFigures.joined(separator: "、")))</p>" }
        let total = o.total
        out += "<p><strong>年間経費 \(yen(total.costBeforeYen)) → \(yen(total.costAfterYen))（\(signed(total.costAfterYen - total.costBeforeYen))円）、"
        out += "証明書1枚あたり \(yen(total.perCertificateBefore)) → \(yen(total.perCertificateAfter))</strong></p>"
        if o.unservedAfter >= 0.5 { out += "<p class=\"loss\">どの施設・チャネルでも取り扱わなくなる需要: 年\(n(o.unservedAfter))枚</p>" }

        out += "<table class=\"whatif\"><caption>変更した施設</caption><thead><tr><th scope=\"col\">施設</th><th scope=\"col\">変更</th><th scope=\"col\">年間交付（前）</th><th scope=\"col\">（後）</th>"
        out += "<th scope=\"col\">1枚あたり経費（前）</th><th scope=\"col\">主な利用者の町丁目（年間枚数）</th></tr></thead><tbody>"
        for r in o.rows where r.change != nil {
            out += "<tr><th scope=\"row\">\(e(r.name))</th><td>\(e(r.change?.japanese ?? ""))</td><td>\(n(r.before))</td><td>\(n(r.after))</td>"
            out += "<td>\(yen(r.before > 0 ? r.costBeforeYen / r.before : nil))</td><td>\(e(r.topTowns.map { "\($0.town) \(n($0.certificates))" }.joined(separator: "、")))</td></tr>"
        }
        out += "</tbody></table>"

        let receivers = o.receivers.filter { $0.change == nil || $0.before == 0 }
        let moved = receivers.reduce(0) { $0 + $1.after - $1.before }
        out += "<table class=\"whatif\"><caption>需要の移る先と、繁忙期（3月中旬〜4月上旬）の証明書窓口の平均待ち時間</caption><thead><tr><th scope=\"col\">移る先</th><th scope=\"col\">増える枚数（年）</th><th scope=\"col\">割合</th>"
        out += "<th scope=\"col\">待ち時間（前）</th><th scope=\"col\">窓口の負荷（前）</th><th scope=\"col\">待ち時間（後）</th><th scope=\"col\">窓口の負荷（後）</th></tr></thead><tbody>"
        for r in receivers.prefix(12) {
            let delta = r.after - r.before
            out += "<tr><th scope=\"row\">\(e(r.name))</th><td class=\"gain\">\(signed(delta))</td><td>\(moved > 0 ? String(format: "%.0f%%", delta / moved * 100) : "—")</td>"
            out += wait(r.peakBefore) + wait(r.peakAfter) + "</tr>"
        }
        out += "</tbody></table>"
        if !receivers.isEmpty {
            let top = Array(receivers.prefix(8))
            out += "<figure>" + StatisticsViews.bars(
                title: "需要の移る先（年間枚数）", labels: top.map { String($0.name.prefix(6)) }, values: top.map { $0.after - $0.before }, unit: "枚")
            out += "<figcaption>需要の移る先（年間の増加枚数）</figcaption></figure>"
        }

        out += "<table class=\"whatif\"><caption>チャネル別の交付枚数と証明書1枚あたりの経費</caption><thead><tr><th scope=\"col\">チャネル</th><th scope=\"col\">年間交付（前）</th><th scope=\"col\">（後）</th>"
        out += "<th scope=\"col\">年間経費（前）</th><th scope=\"col\">（後）</th><th scope=\"col\">1枚あたり（前）</th><th scope=\"col\">（後）</th></tr></thead><tbody>"
        for c in o.channels {
            out += "<tr><th scope=\"row\">\(e(c.channel.japanese))</th><td>\(n(c.before))</td><td>\(n(c.after))</td><td>\(yen(c.costBeforeYen))</td><td>\(yen(c.costAfterYen))</td>"
            out += "<td>\(yen(c.perCertificateBefore))</td><td>\(yen(c.perCertificateAfter))</td></tr>"
        }
        out += "<tr><th scope=\"row\">計</th><td>\(n(total.before))</td><td>\(n(total.after))</td><td>\(yen(total.costBeforeYen))</td><td>\(yen(total.costAfterYen))</td>"
        out += "<td>\(yen(total.perCertificateBefore))</td><td>\(yen(total.perCertificateAfter))</td></tr></tbody></table>"
        out += "<p>待ち時間は、証明書の窓口数（他の手続と兼ねる窓口は按分し切り捨て）と実測の対応時間、繁忙期の1時間あたりの来庁数（各施設の番号札の履歴の形）から、"
        out += "開庁時に待ちのない1日の平均（M/M/c、閉庁時の待ちも併記）として求めています。経費は、廃止・有人窓口の廃止でその施設の経費がなくなり、開庁時間の変更では人件費が開庁時間に比例し、"
        out += "受け入れる窓口の固定費は変わらないものとしています（郵便局・コンビニは1枚あたりの手数料が増えます）。"
        out += "町丁目別の人口は現在の住民記録によります（過去の基準日でも同じ分布とみなします）。</p>"
        return out
    }
}
