import Foundation

/// A problem with a sheet's content: where (a path a form can point at) and what, in both languages.
public struct SheetProblem: Hashable, Sendable, Codable, CustomStringConvertible {
    /// `indicators[0].years[2].actual`
    public var field: String
    public var ja: String
    public var en: String

    public init(field: String, ja: String, en: String) {
        self.field = field
        self.ja = ja
        self.en = en
    }

    public var description: String { "\(field): \(ja) / \(en)" }
}

extension EvaluationSheet {
    /// Every problem found, in sheet order; empty for a sheet that can be saved.
    public func problems() -> [SheetProblem] {
        var out: [SheetProblem] = []
        func add(_ field: String, _ ja: String, _ en: String) { out.append(SheetProblem(field: field, ja: ja, en: en)) }

        if path.isEmpty { add("path", "計画体系がありません", "The sheet has no plan node") }
        do { try PlanNode.validate(path: path) } catch let e as MadoguchiError { add("path", e.ja, e.en) } catch {}
        if let node, ![PlanLevel.program, .measure].contains(node.level) {
            add("path", "評価票はプログラムか施策課題について作ります", "A sheet is kept for a program or a measure")
        }
        for (i, node) in path.enumerated() where node.title.trimmingCharacters(in: .whitespaces).isEmpty {
            add("path[\(i)].title", "\(node.level.japanese)の名称が空です", "The \(node.level.rawValue) has no title")
        }
        if let period, period.to < period.from {
            add("period", "計画期間の終わりが始まりより前です", "The plan period ends before it starts")
        }
        for (i, year) in scheduleYears.enumerated() where i > 0 && year.startYear != scheduleYears[i - 1].startYear + 1 {
            add("scheduleYears[\(i)]", "スケジュールの年度は連続していなければなりません（\(year.japaneseDescription)）",
                "Schedule years must be consecutive (\(year.startYear))")
        }
        for (i, item) in items.enumerated() {
            let at = "items[\(i)]"
            if item.title.isEmpty { add("\(at).title", "実施項目の名称が空です", "An action item has no title") }
            let rows = [("\(at).schedule.original", item.schedule.original)]
                + item.schedule.revisions.enumerated().map { ("\(at).schedule.revisions[\($0.offset)]", $0.element.row) }
            for (field, row) in rows where row.cells.count != scheduleYears.count {
                add(field, "スケジュールの欄の数（\(row.cells.count)）が年度の数（\(scheduleYears.count)）と違います",
                    "The row has \(row.cells.count) cells for \(scheduleYears.count) years")
            }
            for (r, revision) in item.schedule.revisions.enumerated() {
                if revision.reason.trimmingCharacters(in: .whitespaces).isEmpty {
                    add("\(at).schedule.revisions[\(r)].reason", "変更理由がありません", "A schedule change needs its reason")
                }
                if r > 0 && revision.changedIn < item.schedule.revisions[r - 1].changedIn {
                    add("\(at).schedule.revisions[\(r)].changedIn", "変更は年度の順に並べてください",
                        "Schedule changes must be in the order of their years")
                }
            }
            for (p, entry) in item.progress.enumerated() {
                if let grade = entry.grade { checkGrade(grade, "\(at).progress[\(p)].grade", add) }
                if entry.kind == .evaluation && entry.grade == nil {
                    add("\(at).progress[\(p)].grade", "評価の行には評価区分が要ります", "An evaluation row needs a grade")
                }
            }
        }
        var numbers: Set<Int> = []
        for (i, indicator) in indicators.enumerated() {
            let at = "indicators[\(i)]"
            if !numbers.insert(indicator.number).inserted {
                add("\(at).number", "指標番号\(indicator.marker)が重複しています", "Indicator \(indicator.number) appears twice")
            }
            if indicator.name.isEmpty { add("\(at).name", "指標名が空です", "An indicator has no name") }
            for (y, year) in indicator.years.enumerated() where y > 0 && year.year <= indicator.years[y - 1].year {
                add("\(at).years[\(y)]", "指標の年度は重複なく古い順に並べてください（\(year.year.japaneseDescription)）",
                    "Indicator years must be ascending without repeats (\(year.year.startYear))")
            }
            for (field, yf) in [("baseline", indicator.baseline), ("target", indicator.target)] {
                if let yf, yf.figure?.number != nil, yf.year == nil {
                    add("\(at).\(field).year", "\(field == "baseline" ? "基準値" : "目標値")の年度がありません",
                        "The \(field) value needs its year")
                }
            }
            let hasNumbers = indicator.years.contains { $0.plan?.number != nil || $0.actual?.number != nil }
                || indicator.baseline?.figure?.number != nil || indicator.target?.figure?.number != nil
            if hasNumbers && (indicator.unit ?? "").isEmpty {
                add("\(at).unit", "数値のある指標には単位が要ります", "An indicator with values needs a unit")
            }
            if let live = indicator.live, live.source == .surveySatisfaction, (live.question ?? "").isEmpty {
                add("\(at).live.question", "アンケートから集計する指標には設問コードが要ります", "A survey-fed indicator needs its question code")
            }
            if indicator.unit == "%" {
                let values = indicator.years.flatMap { [$0.plan?.number, $0.actual?.number] }.compactMap { $0 }
                for value in values where value.decimal < 0 {
                    add("\(at)", "割合が負です（\(value.text)%）", "A share is negative (\(value.text)%)")
                }
            }
        }
        for (i, note) in indicatorNotes.enumerated() {
            for n in note.indicators where !numbers.contains(n) {
                add("indicatorNotes[\(i)]", "注記の指標\(Indicator.marker(n))がありません", "The note names indicator \(n), which is not on the sheet")
            }
        }
        for (i, g) in grades.enumerated() {
            checkGrade(g.grade, "grades[\(i)]", add)
            if i > 0 && g.year <= grades[i - 1].year {
                add("grades[\(i)].year", "評価の年度は重複なく古い順に並べてください", "Grades must be in year order without repeats")
            }
        }
        if let budget {
            for (i, year) in budget.years.enumerated() {
                if i > 0 && year.year <= budget.years[i - 1].year {
                    add("budget.years[\(i)]", "事業費の年度は重複なく古い順に並べてください", "Budget years must be ascending without repeats")
                }
                var kinds: Set<BudgetAmountKind> = []
                for amount in year.amounts where !kinds.insert(amount.kind).inserted {
                    add("budget.years[\(i)]", "\(year.year.japaneseDescription)の\(amount.kind.japanese)が重複しています",
                        "\(amount.kind.rawValue) appears twice in \(year.year.startYear)")
                }
                if year.amount(.settled) != nil && year.amount(.settledEstimate) != nil {
                    add("budget.years[\(i)]", "決算と決算見込は同じ年度に並びません", "A year has a settlement or an estimate, not both")
                }
            }
        }
        for (i, entry) in glossary.enumerated() where entry.term.isEmpty {
            add("glossary[\(i)].term", "用語が空です", "A glossary entry has no term")
        }
        return out
    }

    private func checkGrade(_ grade: GradeMark, _ field: String, _ add: (String, String, String) -> Void) {
        do {
            let read = try gradeScale.read(grade.description)
            if read != grade { throw MadoguchiError(.gradeUnknown, ja: "", en: "") }
        } catch {
            add(field, "評価「\(grade)」は評価区分にありません", "The grade \(grade) is not on the sheet's scale")
        }
    }

    /// Throws the problems as one error when there are any.
    public func validate() throws {
        let found = problems()
        guard found.isEmpty else {
            throw MadoguchiError(
                .sheetInvalid, ja: found.map { "\($0.field): \($0.ja)" }.joined(separator: "\n"),
                en: found.map { "\($0.field): \($0.en)" }.joined(separator: "\n"))
        }
    }
}

extension MadoguchiError.Code {
    // Evaluation sheets
    public static let sheetUnreadable = Self("sheet.unreadable")
    public static let sheetInvalid = Self("sheet.invalid")
    public static let sheetJSONInvalid = Self("sheet.json.invalid")
    public static let sheetNotFound = Self("sheet.notFound")
    public static let gradeUnknown = Self("sheet.grade.unknown")
}
