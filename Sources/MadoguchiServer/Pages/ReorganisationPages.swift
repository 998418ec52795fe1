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
            decisions: decisions, language: Language(q.get("lang")), query: request.uri.query ?? "")
        return HTML.response(HTML.page(
            title: page.title, cityName: cityName, body: Views.render(page, .reorganisation), style: Views.Asset.reorganisation.text, wide: true,
            lang: page.language.code))
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

    let language: Language
    let title: String
    /// The same question in the other language
    let toggle: String
    let decisions: [Decision]
    let baseDay: String
    let facilities: [PageOption]
    let actions: [PageOption]
    let codes: String
    let decay: String
    let result: Result?
    let words: [String: String]

    /// - Parameter query: the page's query, for the link to the other language
    init(
        report: ReorganisationService.Report?, baseDay: CivilDate, decay: Double, codes: [String], facilities: [(String, String)],
        decisions: [(CivilDate, String)], language l: Language, query: String
    ) {
        language = l
        title = l.t("窓口再編の試算", "Weighing a reorganisation")
        toggle = l.toggle("/planning/reorganisation", query: query)
        let lang = l.en ? "&lang=en" : ""
        self.decisions = decisions.map { Decision(href: "/planning/reorganisation?replay=\($0.0)\(lang)", text: "\($0.0)　\($0.1)") }
        self.baseDay = baseDay.description
        self.facilities = facilities.map { PageOption(value: $0.0, text: $0.1) }
        actions = [PageOption(value: "close", text: l.t("廃止", "Close")), PageOption(value: "close-window", text: l.t("有人窓口の廃止", "Close the manned window"))]
            + [FacilityKind.serviceCorner, .communityCenter, .subBranchOffice, .branchOffice].map {
                PageOption(value: "convert:{id}:\($0.rawValue)", text: l.t("\($0.japanese)へ転換", "Convert to a \($0.english)"))
            }
            + [
                PageOption(value: "hours:{id}:weekdays 08:30-19:00", text: l.t("平日19時まで開庁", "Open to 19:00 on weekdays")),
                PageOption(value: "hours:{id}:sat 09:00-12:00", text: l.t("土曜午前も開庁", "Open on Saturday mornings too")),
            ]
        self.codes = codes.joined(separator: "\n")
        self.decay = "\(decay)"
        result = report.map { Self.result($0, l) }
        words = [
            "intro": l.t(
                "施設の廃止・有人窓口の廃止・転換・開庁時間の変更・新設について、証明書の需要がどこへ移るか、受け入れる窓口の繁忙期の待ち時間、チャネル別の証明書1枚あたりの経費を、変更前と比べて示します。需要は住民記録の町丁目別人口と施設別の年度実績から推計します（距離減衰モデル。前提はADR 0014）。",
                "For closing a facility or its manned window, converting it, changing its hours or opening a new one: where the demand for certificates goes, the peak-season wait at the counters that receive it, and the cost of a certificate by channel, before and after. Demand is estimated from the residents of each 町丁目 and each facility's figures for the year (a distance-decay model; ADR 0014 has its assumptions)."),
            "replay": l.t("記録された再編を再現する", "Replay a recorded reorganisation"),
            "weigh": l.t("試算する", "Weigh a change"),
            "baseDay": l.t("基準日（この日の施設網と、この日までの最新年度の実績で試算）", "Base day (the network of that day, and the latest year's figures before it)"),
            "facility": l.t("施設", "Facility"),
            "choose": l.t("（選ぶ）", "(choose)"),
            "change": l.t("変更", "Change"),
            "codes": l.t(
                "ほかの変更（1行に1件: close:ID、close-window:ID、convert:ID:種別、hours:ID:weekdays 08:30-19:00、open:ID:serviceCorner:名称:区:町丁目[:年間経費]）",
                "Other changes (one a line: close:ID, close-window:ID, convert:ID:KIND, hours:ID:weekdays 08:30-19:00, open:ID:serviceCorner:NAME:WARD:TOWN[:YEARLY COST])"),
            "decay": l.t("距離減衰β（1kmあたり）", "Distance decay β (per km)"),
            "submit": l.t("試算", "Weigh"),
            "result": l.t("結果", "Result"),
            "notReplayed": l.t("再現の対象外（試算できない変更）: ", "Not replayed (changes the model cannot weigh): "),
            "withoutFigures": l.t("年度実績がないため試算から除いた施設: ", "Left out for want of the year's figures: "),
            "cost": l.t("年間経費 ", "Yearly cost "),
            "perCertificate": l.t("、証明書1枚あたり ", "; a certificate "),
            "unserved": l.t("どの施設・チャネルでも取り扱わなくなる需要: 年", "Demand no facility or channel serves after: "),
            "unservedUnit": l.t("枚", " certificates a year"),
            "notes": l.t(
                "待ち時間は、証明書の窓口数（他の手続と兼ねる窓口は按分し切り捨て）と実測の対応時間、繁忙期の1時間あたりの来庁数（各施設の番号札の履歴の形）から、開庁時に待ちのない1日の平均（M/M/c、閉庁時の待ちも併記）として求めています。経費は、廃止・有人窓口の廃止でその施設の経費がなくなり、開庁時間の変更では人件費が開庁時間に比例し、受け入れる窓口の固定費は変わらないものとしています（郵便局・コンビニは1枚あたりの手数料が増えます）。町丁目別の人口は現在の住民記録によります（過去の基準日でも同じ分布とみなします）。",
                "The wait is the mean over a day that opens with no queue (M/M/c, with the wait at closing beside it), from the number of certificate windows (windows shared with other procedures counted by their share, rounded down), the measured service times, and the peak season's arrivals an hour (the shape of each facility's ticket history). Costs: closing a facility or its manned window removes its cost; new hours scale its staff cost; the receiving counters' fixed costs stay (post offices and stores are paid by the certificate). The residents by 町丁目 are today's register's (taken as the same on past base days)."),
        ]
    }

    static func result(_ report: ReorganisationService.Report, _ l: Language) -> Result {
        let o = report.outcome
        let total = o.total
        let changed = FigureTable(
            "whatif", caption: l.t("変更した施設", "The facilities changed"),
            head: [
                l.t("施設", "Facility"), l.t("変更", "Change"), l.t("年間交付（前）", "Certificates a year (before)"), l.t("（後）", "(after)"),
                l.t("1枚あたり経費（前）", "Cost a certificate (before)"), l.t("主な利用者の町丁目（年間枚数）", "Where its users live (certificates a year)"),
            ],
            rows: o.rows.filter { $0.change != nil }.map { r in
                FigureTable.Row(r.name, [
                    r.change.map { l.en ? $0.english : $0.japanese } ?? "", n(r.before), n(r.after), yen(r.before > 0 ? r.costBeforeYen / r.before : nil),
                    r.topTowns.map { "\($0.town) \(n($0.certificates))" }.joined(separator: "、"),
                ])
            })
        let receivers = o.receivers.filter { $0.change == nil || $0.before == 0 }
        let moved = receivers.reduce(0) { $0 + $1.after - $1.before }
        let receiving = FigureTable(
            "whatif",
            caption: l.t(
                "需要の移る先と、繁忙期（3月中旬〜4月上旬）の証明書窓口の平均待ち時間",
                "Where the demand goes, and the mean wait at the certificate windows in the peak season (mid-March to early April)"),
            head: [
                l.t("移る先", "Goes to"), l.t("増える枚数（年）", "More certificates (a year)"), l.t("割合", "Share"), l.t("待ち時間（前）", "Wait (before)"),
                l.t("窓口の負荷（前）", "Load (before)"), l.t("待ち時間（後）", "Wait (after)"), l.t("窓口の負荷（後）", "Load (after)"),
            ],
            rows: receivers.prefix(12).map { r in
                let delta = r.after - r.before
                let share = moved > 0 ? String(format: "%.0f%%", delta / moved * 100) : "—"
                return FigureTable.Row(
                    r.name, cells: [FigureTable.Cell(signed(delta), className: "gain"), FigureTable.Cell(share)] + wait(r.peakBefore, l) + wait(r.peakAfter, l))
            })
        let top = Array(receivers.prefix(8))
        let channels = FigureTable(
            "whatif", caption: l.t("チャネル別の交付枚数と証明書1枚あたりの経費", "Certificates and the cost of one, by channel"),
            head: [
                l.t("チャネル", "Channel"), l.t("年間交付（前）", "Certificates a year (before)"), l.t("（後）", "(after)"), l.t("年間経費（前）", "Yearly cost (before)"),
                l.t("（後）", "(after)"), l.t("1枚あたり（前）", "A certificate (before)"), l.t("（後）", "(after)"),
            ],
            rows: o.channels.map { c in
                FigureTable.Row(l.en ? c.channel.english : c.channel.japanese, [
                    n(c.before), n(c.after), yen(c.costBeforeYen), yen(c.costAfterYen), yen(c.perCertificateBefore), yen(c.perCertificateAfter),
                ])
            } + [
                FigureTable.Row(l.t("計", "Total"), [
                    n(total.before), n(total.after), yen(total.costBeforeYen), yen(total.costAfterYen), yen(total.perCertificateBefore),
                    yen(total.perCertificateAfter),
                ])
            ])
        return Result(
            basis: l.t("基準日 \(report.scenario.baseDay)（\(o.fiscalYear)の実績）", "Base day \(report.scenario.baseDay) (figures of \(o.fiscalYear))")
                + l.t("・距離減衰β ", ", distance decay β ") + String(format: "%.1f", o.decayPerKm) + "/km",
            changes: report.scenario.changes.map { c in
                "\(o.rows.first { $0.id == c.facilityId }?.name ?? c.facilityId)" + l.t("：", ": ") + (l.en ? c.english : c.japanese)
            },
            notReplayed: report.notReplayed.isEmpty ? nil : report.notReplayed.joined(separator: "、"),
            withoutFigures: o.withoutFigures.isEmpty ? nil : o.withoutFigures.joined(separator: "、"),
            cost: "\(yen(total.costBeforeYen)) → \(yen(total.costAfterYen))"
                + l.t("（\(signed(total.costAfterYen - total.costBeforeYen))円）", " (¥\(signed(total.costAfterYen - total.costBeforeYen)))"),
            perCertificate: "\(yen(total.perCertificateBefore)) → \(yen(total.perCertificateAfter))",
            unserved: o.unservedAfter >= 0.5 ? n(o.unservedAfter) : nil, changed: changed, receivers: receiving,
            chart: top.isEmpty
                ? nil
                : BarChart(
                    title: l.t("需要の移る先（年間枚数）", "Where the demand goes (certificates a year)"),
                    caption: l.t("需要の移る先（年間の増加枚数）", "Where the demand goes (more certificates a year)"), labels: top.map { String($0.name.prefix(6)) },
                    values: top.map { $0.after - $0.before }, unit: l.t("枚", " certificates")),
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
    static func wait(_ p: PeakLoad?, _ l: Language) -> [FigureTable.Cell] {
        guard let p else { return [FigureTable.Cell("—"), FigureTable.Cell("—")] }
        let (wait, closing) = (Int(p.waitMinutes.rounded()), Int(p.closingWaitMinutes.rounded()))
        return [
            FigureTable.Cell(l.t("\(wait)分（閉庁時\(closing)分）", "\(wait) min (\(closing) at closing)")),
            FigureTable.Cell("\(Int((p.utilisation * 100).rounded()))%" + (p.overloaded ? l.t("（超過）", " (over capacity)") : "")),
        ]
    }
}
