import Foundation
import MadoguchiDomain

/// The planner's sheet editor: the form's fields ↔ the sheet. Pure (no HTTP, no database) so that every
/// rule of the form is testable: years in any notation the sheets use, numbers with or without their unit,
/// grades on the sheet's scale; each problem names its field and says what to type.
struct SheetEditor {
    let original: EvaluationSheet

    /// The era bare years (`28年度`) are read in: the sheet's latest year's.
    var era: JapaneseEra? {
        (original.scheduleYears + original.indicators.flatMap { $0.years.map(\.year) } + [original.evaluationYear].compactMap { $0 }).max()?.era
    }

    /// The narrative kinds the form offers for this layout.
    var narrativeKinds: [NarrativeKind] {
        let base: [NarrativeKind] = original.layout == .program
            ? [.summary, .effects] : [.issues, .overview, .goals, .results, .remainingIssues, .evaluationReason, .direction]
        return base + original.narratives.map(\.kind).filter { !base.contains($0) }
    }

    // MARK: Reading the form

    /// Year rows offered for an indicator being added.
    static let newIndicatorRows = 5

    struct Outcome {
        var sheet: EvaluationSheet
        var problems: [SheetProblem]
    }

    func apply(_ form: [String: String]) -> Outcome {
        var sheet = original
        var problems: [SheetProblem] = []
        func problem(_ field: String, _ ja: String, _ en: String) { problems.append(SheetProblem(field: field, ja: ja, en: en)) }
        func text(_ key: String) -> String { (form[key] ?? "").trimmingCharacters(in: .whitespacesAndNewlines) }
        func year(_ key: String, required: Bool = false) -> FiscalYear? {
            let s = text(key)
            if s.isEmpty {
                if required { problem(key, "年度を入力してください", "Enter the fiscal year") }
                return nil
            }
            let digits = JapaneseText.normalized(s)
            if digits.count == 4, let n = Int(digits), (1900...2999).contains(n) { return FiscalYear(n) }
            do { return try FiscalYear.parse(s, era: era) } catch let e as MadoguchiError {
                problem(key, "年度が読めません（\(s)）。2024、令和6年度、R6、H28 のように入力してください", "Cannot read the year \(s): \(e.en)")
            } catch {}
            return nil
        }
        func figure(_ key: String, unit: String?) -> SheetFigure? {
            let s = text(key)
            if s.isEmpty { return nil }
            if let f = SheetFigure(s) { return f }
            let normalized = JapaneseText.normalized(s)
            if let unit, !unit.isEmpty, normalized.hasSuffix(unit), let f = SheetFigure(String(normalized.dropLast(unit.count))) { return f }
            if let unit, !unit.isEmpty, normalized.contains(where: { !$0.isNumber && !".,-".contains($0) }) {
                problem(key, "「\(s)」は数値として読めません。単位（\(unit)）は付けても付けなくても構いませんが、別の単位は使えません",
                        "\(s) is not a number in \(unit)")
            } else {
                problem(key, "「\(s)」は数値として読めません。数字（例 58.6、9,500）か、該当なしは「-」を入力してください",
                        "\(s) is not a number; type digits (58.6, 9,500) or - for not applicable")
            }
            return nil
        }
        func paragraphs(_ key: String) -> [String] {
            (form[key] ?? "").split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        }

        /// A schedule step typed in a cell (`asStatus`: in a 状況 column); blank is `nil`, anything else a problem.
        func mark(_ key: String, asStatus: Bool = false) -> ScheduleMark? {
            let s = text(key)
            if s.isEmpty { return nil }
            if let m = ScheduleMark(s) { return m }
            if asStatus {
                problem(key, "状況「\(s)」は検討・準備・決定・実施・順次実施・継続実施のどれかです", "\(s) is not a schedule step")
            } else {
                problem(key, "「\(s)」はスケジュールの区分（検討・準備・決定・実施・順次実施・継続実施・⇒）ではありません", "\(s) is not a schedule step")
            }
            return nil
        }
        /// A schedule row typed in `<prefix>.cell.<year index>`.
        func row(_ prefix: String) -> [ScheduleMark?] { original.scheduleYears.indices.map { mark("\(prefix).cell.\($0)") } }
        /// A grade on the sheet's scale.
        func grade(_ key: String) -> GradeMark? {
            do { return try original.gradeScale.read(text(key)) } catch let e as MadoguchiError { problem(key, e.ja, e.en) } catch {}
            return nil
        }

        if form["evaluationYear"] != nil { sheet.evaluationYear = year("evaluationYear") }

        // Narratives: one paragraph a line.
        for kind in narrativeKinds {
            let key = "narrative.\(kind.rawValue)"
            guard form[key] != nil else { continue }
            let ps = paragraphs(key)
            let fromYear = kind == .direction ? year("\(key).year") : nil
            if let i = sheet.narratives.firstIndex(where: { $0.kind == kind }) {
                if ps.isEmpty { sheet.narratives.remove(at: i) } else {
                    sheet.narratives[i].paragraphs = ps
                    if kind == .direction { sheet.narratives[i].fromYear = fromYear }
                }
            } else if !ps.isEmpty {
                sheet.narratives.append(Narrative(kind: kind, fromYear: fromYear, paragraphs: ps))
            }
        }

        // Indicators, and one added when its name is filled in.
        func readIndicator(_ p: String, _ indicator: Indicator, rows: Int) -> Indicator {
            var i = indicator
            i.name = text("\(p).name")
            if i.name.isEmpty { problem("\(p).name", "指標名を入力してください", "Enter the indicator's name") }
            let unit = text("\(p).unit")
            i.unit = unit.isEmpty ? nil : JapaneseText.normalized(unit)
            i.direction = IndicatorDirection(rawValue: text("\(p).direction"))
            let by = year("\(p).baseline.year"), bv = figure("\(p).baseline.value", unit: i.unit)
            i.baseline = by == nil && bv == nil ? nil : YearFigure(year: by, figure: bv)
            let ty = year("\(p).target.year"), tv = figure("\(p).target.value", unit: i.unit)
            i.target = ty == nil && tv == nil ? nil : YearFigure(year: ty, figure: tv)
            var years: [IndicatorYear] = []
            for k in 0..<rows {
                let r = "\(p).y.\(k)"
                let plan = figure("\(r).plan", unit: i.unit), actual = figure("\(r).actual", unit: i.unit)
                guard let y = year("\(r).year", required: plan != nil || actual != nil) else { continue }
                if years.contains(where: { $0.year == y }) {
                    problem("\(r).year", "\(y.japaneseDescription)が2度あります", "\(y.startYear) appears twice")
                    continue
                }
                years.append(IndicatorYear(year: y, plan: plan, actual: actual))
            }
            i.years = years.sorted { $0.year < $1.year }
            switch text("\(p).live") {
            case "": i.live = nil
            case let s:
                if let source = LiveIndicatorSource(rawValue: s) {
                    let kinds = text("\(p).live.kinds").split(whereSeparator: { "、,".contains($0) }).map { $0.trimmingCharacters(in: .whitespaces) }
                    let question = text("\(p).live.question")
                    i.live = LiveIndicatorDefinition(source: source, question: question.isEmpty ? nil : question, activityKinds: kinds)
                    if source == .surveySatisfaction && question.isEmpty {
                        problem("\(p).live.question", "アンケートの設問コードを入力してください", "Enter the survey question's code")
                    }
                } else {
                    problem("\(p).live", "自動集計の種類が不明です", "Unknown live source")
                }
            }
            return i
        }
        for (n, indicator) in original.indicators.enumerated() where form["ind.\(n).name"] != nil {
            sheet.indicators[n] = readIndicator("ind.\(n)", indicator, rows: indicator.years.count + 1)
        }
        if !text("ind.new.name").isEmpty {
            let number = (original.indicators.map(\.number).max() ?? 0) + 1
            sheet.indicators.append(readIndicator("ind.new", Indicator(number: number, name: ""), rows: Self.newIndicatorRows))
        }

        // An action item added, with its planned schedule.
        let newTitle = text("item.new.title")
        if !newTitle.isEmpty {
            if original.items.contains(where: { $0.title == newTitle }) {
                problem("item.new.title", "実施項目「\(newTitle)」は既にあります", "The action item exists already")
            }
            sheet.items.append(ActionItem(title: newTitle, schedule: Schedule(original: ScheduleRow(cells: row("item.new")))))
        }

        // Grades by year.
        if form["grade.0.year"] != nil {
            var grades: [YearGrade] = []
            for k in 0...original.grades.count {
                let g = text("grade.\(k).value")
                guard let y = year("grade.\(k).year", required: !g.isEmpty) else { continue }
                if g.isEmpty {
                    problem("grade.\(k).value", "評価を入力してください", "Enter the grade")
                    continue
                }
                if let mark = grade("grade.\(k).value") { grades.append(YearGrade(year: y, grade: mark)) }
            }
            sheet.grades = grades.sorted { $0.year < $1.year }
        }

        // Action items: entries edited and added, a schedule change added.
        for (n, item) in original.items.enumerated() {
            let p = "item.\(n)"
            for (j, entry) in item.progress.enumerated() where form["\(p).p.\(j).text"] != nil {
                var e = entry
                e.text = text("\(p).p.\(j).text")
                if e.kind == .evaluation {
                    e.grade = grade("\(p).p.\(j).status") ?? e.grade
                } else {
                    e.status = mark("\(p).p.\(j).status", asStatus: true)
                }
                sheet.items[n].progress[j] = e
            }
            let newText = text("\(p).new.text")
            if !newText.isEmpty {
                let y = year("\(p).new.year", required: true)
                let kind = ProgressEntryKind(rawValue: text("\(p).new.kind")) ?? .result
                var entry = ProgressEntry(year: y ?? FiscalYear(0), kind: kind, text: newText)
                if kind == .evaluation {
                    entry.grade = grade("\(p).new.status")
                } else {
                    entry.status = mark("\(p).new.status", asStatus: true)
                }
                if y != nil { sheet.items[n].progress.append(entry) }
            }
            let reason = text("\(p).change.reason")
            let typed = original.scheduleYears.indices.contains { !text("\(p).change.cell.\($0)").isEmpty }
            if !reason.isEmpty || typed {
                let changedIn = year("\(p).change.year", required: true)
                let cells = row("\(p).change")
                if reason.isEmpty { problem("\(p).change.reason", "変更理由を入力してください", "Enter the reason for the change") }
                if let changedIn, !reason.isEmpty {
                    sheet.items[n].schedule.revisions.append(ScheduleRevision(changedIn: changedIn, row: ScheduleRow(cells: cells), reason: reason))
                }
            }
        }

        // 事業費.
        if let budget = original.budget, form["budget.0.year"] != nil {
            var years: [BudgetYear] = []
            for k in 0...budget.years.count {
                var amounts: [BudgetAmount] = []
                for kind in BudgetAmountKind.allCases {
                    let key = "budget.\(k).\(kind.rawValue)"
                    let s = text(key)
                    if s.isEmpty { continue }
                    do { amounts.append(BudgetAmount(kind: kind, thousandYen: try BudgetUnits.thousandYen(s))) } catch {
                        problem(key, "「\(s)」は金額（千円）として読めません。326,331 や 326,331千円 のように入力してください", "\(s) is not an amount in thousand yen")
                    }
                }
                guard let y = year("budget.\(k).year", required: !amounts.isEmpty) else { continue }
                years.append(BudgetYear(year: y, amounts: amounts))
            }
            sheet.budget?.years = years.sorted { $0.year < $1.year }
        }

        // The model's own rules, on what the form made.
        if problems.isEmpty { problems += sheet.problems() }
        return Outcome(sheet: sheet, problems: problems)
    }
}
