import Foundation
import MadoguchiDomain

/// The evaluation sheet as HTML, in the layout of the seed it came from: the program sheet's
/// 実施項目とスケジュール, 成果 and 取組内容等; the 施策進行管理・評価票's 基本情報 … 用語説明.
/// Every section a sheet has is printed, whichever layout it is in.
public enum SheetHTML {
    public struct Options: Sendable {
        /// Live values per indicator number, shown with their source and as-of time.
        public var live: [Int: LiveIndicatorReading]
        /// Draw the 計画 vs 実績 charts.
        public var charts: Bool
        public var thresholds: ProgressThresholds

        public init(live: [Int: LiveIndicatorReading] = [:], charts: Bool = true, thresholds: ProgressThresholds = .standard) {
            self.live = live
            self.charts = charts
            self.thresholds = thresholds
        }
    }

    /// A whole page: the sheet with its print style.
    public static func document(_ sheet: EvaluationSheet, options: Options = Options()) -> String {
        """
        <!DOCTYPE html>
        <html lang="ja">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>\(e(sheet.code)) \(e(sheet.title))</title>
        <style>
        \(style)
        </style>
        </head>
        <body>
        \(body(sheet, options: options))
        </body>
        </html>

        """
    }

    /// The style the sheet needs, for pages that embed ``body(_:options:)``.
    public static let style = """
        .sheet{font-family:"IPAexMincho","Hiragino Mincho ProN",serif;max-width:1100px;margin:0 auto;color:#111;line-height:1.5}
        .sheet h1{font-size:1.4em;margin:.4em 0}.sheet h2{font-size:1.1em;margin:1.2em 0 .4em;border-bottom:2px solid #333}
        .sheet table{border-collapse:collapse;width:100%;margin:.4em 0}.sheet th,.sheet td{border:1px solid #555;padding:3px 6px;vertical-align:top}
        .sheet th{background:#eef1f5;font-weight:bold;text-align:left;white-space:nowrap}
        .sheet td.num{text-align:right;white-space:nowrap}.sheet td.mark{text-align:center;white-space:nowrap}
        .sheet tr.change td,.sheet tr.change th{background:#fff8e6}.sheet tr.reason td,.sheet tr.reason th{background:#fffdf5;font-size:.92em}
        .sheet td.continues{color:#555}.sheet .status-onTrack{color:#1d6b1d}.sheet .status-slightlyBehind{color:#9a6700}.sheet .status-behind{color:#b01c1c}
        .sheet .legend{font-size:.92em}.sheet .note{font-size:.92em}.sheet .live{font-size:.9em;color:#1a5fb4}
        .sheet .charts{display:flex;flex-wrap:wrap;gap:12px}.sheet .grade{font-weight:bold;text-align:center}
        .sheet .progress th[rowspan],.sheet .schedule tr.item th{white-space:normal;width:14em}.sheet .progress td:nth-last-child(3){white-space:nowrap}
        @media print{.sheet{max-width:none}.sheet .charts{break-inside:avoid}}
        """

    public static func body(_ sheet: EvaluationSheet, options: Options = Options()) -> String {
        var h = "<article class=\"sheet layout-\(sheet.layout.rawValue)\" data-code=\"\(e(sheet.code))\">\n"
        switch sheet.layout {
        case .program:
            h += programHeader(sheet)
            h += narrative(sheet, .summary, heading: "【 実施概要 】")
            h += schedule(sheet)
            h += "<section class=\"results\"><h2>【 成果 】</h2>\n"
            if let effects = sheet.narrative(.effects) {
                h += "<table><tr><th>効果</th><td>\(paragraphs(effects.paragraphs))</td></tr></table>\n"
            }
            h += indicatorTable(sheet, options: options)
            h += notes(sheet)
            h += charts(sheet, options: options)
            h += "</section>\n"
            h += progress(sheet)
            h += measureSections(sheet, options: options, includeIndicators: false)
            h += legend(sheet)
        case .measure:
            h += measureHeader(sheet)
            h += measureSections(sheet, options: options, includeIndicators: true)
            h += schedule(sheet)
            h += progress(sheet)
        }
        h += "</article>\n"
        return h
    }

    // MARK: - Program layout

    static func programHeader(_ sheet: EvaluationSheet) -> String {
        var h = "<h1>\(e(sheet.layout.japanese))</h1>\n<table class=\"basic\">\n"
        for node in sheet.path {
            let label = node.level == .program ? "プログラム名" : node.level.japanese
            h += "<tr><th>\(label)</th><td class=\"mark\">\(e(node.number ?? ""))</td><td>\(e(node.title))</td></tr>\n"
        }
        h += "<tr><th>所管課</th><td colspan=\"2\">\(e(sheet.responsibleDivisions.joined(separator: "、")))</td></tr>\n"
        if !sheet.relatedDivisions.isEmpty {
            h += "<tr><th>関係課</th><td colspan=\"2\">\(e(sheet.relatedDivisions.joined(separator: "、")))</td></tr>\n"
        }
        return h + "</table>\n"
    }

    static func yearHead(_ year: FiscalYear, _ sheet: EvaluationSheet) -> String {
        sheet.layout == .program ? "\(year.eraYear)年度" : year.gregorianWithEra
    }

    static func schedule(_ sheet: EvaluationSheet) -> String {
        guard !sheet.items.isEmpty, !sheet.scheduleYears.isEmpty else { return "" }
        let span = sheet.scheduleYears.count
        var h = "<section class=\"schedule\"><h2>【 実施項目 と スケジュール 】</h2>\n<table>\n<tr><th>実施項目</th>"
        for y in sheet.scheduleYears { h += "<th>\(yearHead(y, sheet))</th>" }
        h += "</tr>\n"
        func cells(_ row: ScheduleRow) -> String {
            row.cells.map { cell in
                switch cell {
                case nil: "<td class=\"mark\"></td>"
                case .continues?: "<td class=\"mark continues\">⇒</td>"
                case let mark?: "<td class=\"mark\">\(e(mark.description))</td>"
                }
            }.joined()
        }
        for item in sheet.items {
            h += "<tr class=\"item\"><th>\(e(item.title))</th>\(cells(item.schedule.original))</tr>\n"
            for revision in item.schedule.revisions {
                h += "<tr class=\"change\"><th>【\(revision.changedIn.eraYear)年度変更】</th>\(cells(revision.row))</tr>\n"
                h += "<tr class=\"reason\"><th>上記変更理由</th><td colspan=\"\(span)\">\(e(revision.reason))</td></tr>\n"
            }
        }
        return h + "</table></section>\n"
    }

    static func value(_ figure: SheetFigure?, unit: String?) -> String { e(SheetFormat.value(figure, unit: unit)) }

    static func statusCell(_ indicator: Indicator, _ options: Options) -> String {
        guard let s = indicator.status(thresholds: options.thresholds) else { return "<td class=\"mark\">-</td>" }
        let basis = s.comparedWithTarget ? "目標値" : "計画値"
        return "<td class=\"mark status-\(s.progress.rawValue)\" title=\"\(s.year.eraShort) 実績 \(s.actual.text) ÷ \(basis) \(s.comparedWith.text)\">\(s.progress.japanese)<br>\(s.achievementPercent)%</td>"
    }

    static func indicatorTable(_ sheet: EvaluationSheet, options: Options) -> String {
        guard !sheet.indicators.isEmpty else { return "" }
        // The program sheet's 指標の推移: one row per indicator, one column per year.
        let (years, baselineYear, targetYear) = SheetFormat.indicatorColumns(sheet)
        var h = "<table class=\"indicators\">\n<tr><th>(指標の推移)</th><th>指標</th><th>基準値\(baselineYear.map { "(\($0.eraShort))" } ?? "")</th>"
        for y in years { h += "<th>\(y.eraShort)</th>" }
        h += "<th>目標値\(targetYear.map { "(\($0.eraShort))" } ?? "")</th><th>状況</th></tr>\n"
        for indicator in sheet.indicators {
            h += "<tr><td></td><td>\(e(indicator.marker + indicator.name))"
            h += liveNote(indicator, options)
            h += "</td><td class=\"num\">\(value(indicator.baseline?.figure, unit: indicator.unit))</td>"
            for y in years {
                let entry = indicator.years.first { $0.year == y }
                var cell = value(entry?.actual, unit: indicator.unit)
                if let plan = entry?.plan { cell += "<br><small>計画 \(value(plan, unit: indicator.unit))</small>" }
                if entry?.actual == nil, let live = options.live[indicator.number]?.values.first(where: { $0.year == y }) {
                    cell = "<span class=\"live\" title=\"速報値\">\(e(live.value.text + (indicator.unit ?? "")))</span>"
                }
                h += "<td class=\"num\">\(cell)</td>"
            }
            h += "<td class=\"num\">\(value(indicator.target?.figure, unit: indicator.unit))</td>\(statusCell(indicator, options))</tr>\n"
        }
        return h + "</table>\n"
    }

    static func liveNote(_ indicator: Indicator, _ options: Options) -> String {
        guard let reading = options.live[indicator.number] else { return "" }
        let latest = reading.values.last.map { "\($0.year.eraShort) \($0.value.text)\(reading.source.unit)" } ?? "データなし"
        return "<div class=\"live\" data-source=\"\(reading.source.rawValue)\">自動集計: \(e(latest))（出典: \(e(reading.source.japanese))、\(e(reading.detail))、\(e(reading.asOf))時点）</div>"
    }

    static func notes(_ sheet: EvaluationSheet) -> String {
        sheet.indicatorNotes.map { "<p class=\"note\">\(e($0.text))</p>\n" }.joined()
    }

    static func charts(_ sheet: EvaluationSheet, options: Options) -> String {
        guard options.charts else { return "" }
        let svgs = sheet.indicators.compactMap { indicator -> String? in
            SheetChart.svg(indicator, live: SheetFormat.liveSeries(options.live[indicator.number])).map { "<figure>\($0)<figcaption>\(e(indicator.marker + indicator.name))</figcaption></figure>" }
        }
        guard !svgs.isEmpty else { return "" }
        return "<div class=\"charts\">\n\(svgs.joined(separator: "\n"))\n</div>\n"
    }

    static func progress(_ sheet: EvaluationSheet) -> String {
        guard sheet.items.contains(where: { !$0.progress.isEmpty }) else { return "" }
        var h = "<section class=\"progress\"><h2>【 取組内容等 】</h2>\n<table>\n<tr><th>実施項目</th><th>年度</th><th>状況</th><th>取組内容等</th></tr>\n"
        for item in sheet.items where !item.progress.isEmpty {
            for (i, entry) in item.progress.enumerated() {
                h += "<tr>"
                if i == 0 { h += "<th rowspan=\"\(item.progress.count)\">\(e(item.title))</th>" }
                let status = entry.grade.map { "<span class=\"grade\">\(e($0.description))</span>" } ?? e(entry.status?.description ?? "")
                h += "<td>\(entry.year.eraShort) \(entry.kind.japanese)</td><td class=\"mark\">\(status)</td><td>\(e(entry.text))</td></tr>\n"
            }
        }
        return h + "</table></section>\n"
    }

    static func legend(_ sheet: EvaluationSheet) -> String {
        "<p class=\"legend\">評価区分　\(SheetFormat.legendParts(sheet.gradeScale).map(e).joined(separator: "　"))</p>\n"
    }

    // MARK: - 施策進行管理・評価票 layout

    static func measureHeader(_ sheet: EvaluationSheet) -> String {
        var h = "<h1>\(e(sheet.formTitle ?? sheet.layout.japanese))</h1>\n"
        if let year = sheet.evaluationYear { h += "<p class=\"year\">評価年度\(year.startYear)年度</p>\n" }
        func node(_ level: PlanLevel) -> PlanNode? { sheet.path.first { $0.level == level } }
        h += "<section class=\"basic\"><h2>&lt;基本情報&gt;</h2>\n<table>\n"
        if let m = node(.measure) {
            h += "<tr><th>施策課題</th><td>\(e(m.code))</td><td>\(e(m.title))</td><th>作成課</th><td>\(e(sheet.responsibleDivisions.joined(separator: "、")))</td></tr>\n"
        }
        h += "<tr><th>基本政策</th><td colspan=\"2\">\(e(node(.basicPolicy)?.title ?? ""))</td><th>政策の基本方向</th><td>\(e(node(.policyDirection)?.title ?? ""))</td></tr>\n"
        h += "<tr><th>基本施策</th><td colspan=\"4\">\(e(node(.basicMeasure)?.title ?? ""))</td></tr>\n"
        h += "<tr><th>関係課</th><td colspan=\"2\">\(e(sheet.relatedDivisions.joined(separator: "、")))</td><th>重点</th><td>\(e(sheet.priority ?? ""))</td></tr>\n"
        return h + "</table></section>\n"
    }

    static func measureSections(_ sheet: EvaluationSheet, options: Options, includeIndicators: Bool) -> String {
        var h = ""
        let planKinds: [NarrativeKind] = [.issues, .overview, .goals]
        if planKinds.contains(where: { sheet.narrative($0) != nil }) {
            let period = SheetFormat.periodPrefix(sheet.period)
            h += "<section class=\"plan\"><h2>&lt;\(e(period))施策の概要及び施策の目標&gt;</h2>\n<table>\n"
            for kind in planKinds { if let n = sheet.narrative(kind) { h += "<tr><th>\(e(n.heading))</th><td>\(paragraphs(n.paragraphs))</td></tr>\n" } }
            h += "</table></section>\n"
        }
        if [.results, .remainingIssues, .evaluationReason].contains(where: { sheet.narrative($0) != nil }) || !sheet.grades.isEmpty {
            h += "<section class=\"evaluation\"><h2>&lt;成果の説明&gt;</h2>\n<table>\n"
            for kind in [NarrativeKind.results, .remainingIssues] {
                if let n = sheet.narrative(kind) { h += "<tr><th>\(e(n.heading))</th><td colspan=\"2\">\(paragraphs(n.paragraphs))</td></tr>\n" }
            }
            if !sheet.grades.isEmpty || sheet.narrative(.evaluationReason) != nil {
                h += "<tr><th>\(NarrativeKind.evaluationReason.japanese)</th><td><table class=\"grades\"><tr>"
                for g in sheet.grades { h += "<th>\(g.year.startYear)</th>" }
                h += "</tr><tr>"
                for g in sheet.grades { h += "<td class=\"grade\">\(e(g.grade.description))</td>" }
                h += "</tr></table></td><td>\(paragraphs(sheet.narrative(.evaluationReason)?.paragraphs ?? []))</td></tr>\n"
            }
            h += "</table>\n\(legend(sheet))</section>\n"
        }
        if let d = sheet.narrative(.direction) {
            h += "<section class=\"direction\"><h2>&lt;今後の取組や方向性及び改善に向けた考え方&gt;</h2>\n<table><tr><th>\(e(d.heading))</th><td>\(paragraphs(d.paragraphs))</td></tr></table></section>\n"
        }
        if includeIndicators && !sheet.indicators.isEmpty {
            h += "<section class=\"indicators\"><h2>&lt;参考指標&gt;</h2>\n"
            for indicator in sheet.indicators {
                h += "<table class=\"indicator\" data-number=\"\(indicator.number)\">\n"
                h += "<tr><th>参考指標名\(indicator.marker)</th><td colspan=\"4\">\(e(indicator.name))\(liveNote(indicator, options))</td></tr>\n"
                if let x = indicator.explanation { h += "<tr><th>指標の説明\(indicator.marker)</th><td colspan=\"4\">\(e(x))</td></tr>\n" }
                if let d = indicator.direction { h += "<tr><th>指標の方向性\(indicator.marker)</th><td colspan=\"4\">\(d.japanese)</td></tr>\n" }
                h += "<tr><th>年度</th><th>計画値</th><th>実績値</th><th>単位</th><th>状況</th></tr>\n"
                let status = statusCell(indicator, options)
                for (i, y) in indicator.years.enumerated() {
                    var actual = value(y.actual, unit: nil)
                    if y.actual == nil, let live = options.live[indicator.number]?.values.first(where: { $0.year == y.year }) {
                        actual = "<span class=\"live\" title=\"速報値\">\(e(live.value.text))</span>"
                    }
                    let hasAny = y.plan != nil || y.actual != nil || actual != ""
                    h += "<tr><td>\(y.year.startYear)</td><td class=\"num\">\(value(y.plan, unit: nil))</td><td class=\"num\">\(actual)</td><td>\(hasAny ? e(indicator.unit ?? "") : "")</td>"
                    h += i == 0 ? status.replacingOccurrences(of: "<td ", with: "<td rowspan=\"\(indicator.years.count)\" ") : ""
                    h += "</tr>\n"
                }
                h += "</table>\n"
            }
            h += notes(sheet)
            h += charts(sheet, options: options)
            h += "</section>\n"
        }
        if let budget = sheet.budget {
            h += "<section class=\"budget\"><h2>&lt;事業費&gt;</h2>\n<p>(単位:千円)</p>\n<table>\n<tr><th>年度</th>"
            for y in budget.years { h += "<th colspan=\"\(y.amounts.count)\">\(y.year.gregorianWithEra)</th>" }
            h += "</tr>\n<tr><th></th>"
            for y in budget.years { for a in y.amounts { h += "<th>\(a.kind.japanese)</th>" } }
            h += "</tr>\n<tr><th>\(e(budget.label))</th>"
            for y in budget.years {
                for a in y.amounts {
                    h += "<td class=\"num\">\(e(SheetFormat.amount(a.thousandYen)))</td>"
                }
            }
            h += "</tr>\n</table></section>\n"
        }
        if sheet.layout == .measure || !sheet.subProjects.isEmpty {
            let period = sheet.period?.name ?? "計画"
            h += "<section class=\"projects\"><h2>&lt;配下の事務事業一覧&gt;</h2>\n<table><tr><th>事務事業名</th><th>\(e(period))期間の達成状況</th></tr>\n"
            for p in sheet.subProjects { h += "<tr><td>\(e(p.name))</td><td>\(e(p.achievement ?? ""))</td></tr>\n" }
            h += "</table></section>\n"
        }
        if sheet.layout == .measure || !sheet.glossary.isEmpty {
            h += "<section class=\"glossary\"><h2>&lt;用語説明&gt;</h2>\n"
            if sheet.glossary.isEmpty {
                h += "<p>（なし）</p>\n"
            } else {
                h += "<dl>" + sheet.glossary.map { "<dt>\(e($0.term))</dt><dd>\(e($0.explanation))</dd>" }.joined() + "</dl>\n"
            }
            h += "</section>\n"
        }
        return h
    }

    static func narrative(_ sheet: EvaluationSheet, _ kind: NarrativeKind, heading: String) -> String {
        guard let n = sheet.narrative(kind) else { return "" }
        return "<section class=\"\(kind.rawValue)\"><h2>\(e(heading))</h2>\n\(paragraphs(n.paragraphs))</section>\n"
    }

    static func paragraphs(_ ps: [String]) -> String { ps.map { "<p>\(e($0))</p>" }.joined() }

    static func e(_ s: String) -> String { HTMLText.escape(s) }
}
