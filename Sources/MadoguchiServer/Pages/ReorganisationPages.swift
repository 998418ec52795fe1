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
        let page = ReorganisationPage(
            report: report, baseDay: shownDay, decay: decay, codes: report?.scenario.changes.map(\.code) ?? codes, facilities: facilities,
            decisions: decisions)
        return HTML.response(HTML.page(
            title: "窓口再編の試算", cityName: cityName, body: Views.render(page, .reorganisation), style: Views.Asset.reorganisation.text, wide: true))
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

/// The what-if page: the recorded decisions to replay, the form, and the outcome's tables before and after.
struct ReorganisationPage {
    struct Decision {
        let href: String
        let text: String
    }

    /// The outcome of a what-if, when one was asked.
    struct Result {
        let basis: String
        let changes: [String]
        let notReplayed: String?
        let withoutFigures: String?
        let cost: String
        let perCertificate: String
        let unserved: String?
        let changed: FigureTable
        let receivers: FigureTable
        let chart: BarChart?
        let channels: FigureTable
    }

    let decisions: [Decision]
    let baseDay: String
    let facilities: [PageOption]
    let actions: [PageOption]
    let codes: String
    let decay: String
    let result: Result?

    init(
        report: ReorganisationService.Report?, baseDay: CivilDate, decay: Double, codes: [String], facilities: [(String, String)],
        decisions: [(CivilDate, String)]
    ) {
        self.decisions = decisions.map { Decision(href: "/planning/reorganisation?replay=\($0.0)", text: "\($0.0)　\($0.1)") }
        self.baseDay = baseDay.description
        self.facilities = facilities.map { PageOption(value: $0.0, text: $0.1) }
        actions = [PageOption(value: "close", text: "廃止"), PageOption(value: "close-window", text: "有人窓口の廃止")]
            + [FacilityKind.serviceCorner, .communityCenter, .subBranchOffice, .branchOffice].map {
                PageOption(value: "convert:{id}:\($0.rawValue)", text: "\($0.japanese)へ転換")
            }
            + [PageOption(value: "hours:{id}:weekdays 08:30-19:00", text: "平日19時まで開庁"), PageOption(value: "hours:{id}:sat 09:00-12:00", text: "土曜午前も開庁")]
        self.codes = codes.joined(separator: "\n")
        self.decay = "\(decay)"
        result = report.map(Self.result)
    }

    static func result(_ report: ReorganisationService.Report) -> Result {
        let o = report.outcome
        let total = o.total
        let changed = FigureTable(
            "whatif", caption: "変更した施設", head: ["施設", "変更", "年間交付（前）", "（後）", "1枚あたり経費（前）", "主な利用者の町丁目（年間枚数）"],
            rows: o.rows.filter { $0.change != nil }.map { r in
                FigureTable.Row(r.name, [
                    r.change?.japanese ?? "", n(r.before), n(r.after), yen(r.before > 0 ? r.costBeforeYen / r.before : nil),
                    r.topTowns.map { "\($0.town) \(n($0.certificates))" }.joined(separator: "、"),
                ])
            })
        let receivers = o.receivers.filter { $0.change == nil || $0.before == 0 }
        let moved = receivers.reduce(0) { $0 + $1.after - $1.before }
        let receiving = FigureTable(
            "whatif", caption: "需要の移る先と、繁忙期（3月中旬〜4月上旬）の証明書窓口の平均待ち時間",
            head: ["移る先", "増える枚数（年）", "割合", "待ち時間（前）", "窓口の負荷（前）", "待ち時間（後）", "窓口の負荷（後）"],
            rows: receivers.prefix(12).map { r in
                let delta = r.after - r.before
                let share = moved > 0 ? String(format: "%.0f%%", delta / moved * 100) : "—"
                return FigureTable.Row(
                    r.name, cells: [FigureTable.Cell(signed(delta), className: "gain"), FigureTable.Cell(share)] + wait(r.peakBefore) + wait(r.peakAfter))
            })
        let top = Array(receivers.prefix(8))
        let channels = FigureTable(
            "whatif", caption: "チャネル別の交付枚数と証明書1枚あたりの経費", head: ["チャネル", "年間交付（前）", "（後）", "年間経費（前）", "（後）", "1枚あたり（前）", "（後）"],
            rows: o.channels.map { c in
                FigureTable.Row(c.channel.japanese, [
                    n(c.before), n(c.after), yen(c.costBeforeYen), yen(c.costAfterYen), yen(c.perCertificateBefore), yen(c.perCertificateAfter),
                ])
            } + [
                FigureTable.Row("計", [
                    n(total.before), n(total.after), yen(total.costBeforeYen), yen(total.costAfterYen), yen(total.perCertificateBefore),
                    yen(total.perCertificateAfter),
                ])
            ])
        return Result(
            basis: "基準日 \(report.scenario.baseDay)（\(o.fiscalYear)の実績）・距離減衰β \(String(format: "%.1f", o.decayPerKm))/km",
            changes: report.scenario.changes.map { c in "\(o.rows.first { $0.id == c.facilityId }?.name ?? c.facilityId)：\(c.japanese)" },
            notReplayed: report.notReplayed.isEmpty ? nil : report.notReplayed.joined(separator: "、"),
            withoutFigures: o.withoutFigures.isEmpty ? nil : o.withoutFigures.joined(separator: "、"),
            cost: "\(yen(total.costBeforeYen)) → \(yen(total.costAfterYen))（\(signed(total.costAfterYen - total.costBeforeYen))円）",
            perCertificate: "\(yen(total.perCertificateBefore)) → \(yen(total.perCertificateAfter))",
            unserved: o.unservedAfter >= 0.5 ? n(o.unservedAfter) : nil, changed: changed, receivers: receiving,
            chart: top.isEmpty
                ? nil
                : BarChart(
                    title: "需要の移る先（年間枚数）", caption: "需要の移る先（年間の増加枚数）", labels: top.map { String($0.name.prefix(6)) },
                    values: top.map { $0.after - $0.before }, unit: "枚"),
            channels: channels)
    }

    static func n(_ x: Double) -> String {
        let f = NumberFormatter()
        f.numberStyle = .decimal
        f.maximumFractionDigits = 0
        return f.string(from: NSNumber(value: x.rounded())) ?? String(Int(x.rounded()))
    }

    static func yen(_ x: Double?) -> String { x.map { "¥" + n($0) } ?? "—" }
    static func signed(_ x: Double) -> String { (x >= 0.5 ? "+" : "") + n(x) }

    /// The peak season's wait at a counter and its load: two cells.
    static func wait(_ p: PeakLoad?) -> [FigureTable.Cell] {
        guard let p else { return [FigureTable.Cell("—"), FigureTable.Cell("—")] }
        return [
            FigureTable.Cell("\(Int(p.waitMinutes.rounded()))分（閉庁時\(Int(p.closingWaitMinutes.rounded()))分）"),
            FigureTable.Cell("\(Int((p.utilisation * 100).rounded()))%" + (p.overloaded ? "（超過）" : "")),
        ]
    }
}
