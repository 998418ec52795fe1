import MadoguchiDomain

/// The editor's HTML form, filled from the sheet, or from what was typed when it is shown again with
/// its problems (each problem under its field, all of them listed at the top): a model (`SheetEditorPage`) rendered by
/// `sheet-editor.mustache`.
struct SheetEditorForm {
    let editor: SheetEditor
    let version: Int

    func render(form: [String: String]?, problems: [SheetProblem]) -> String {
        Views.render(SheetEditorPage(editor: editor, version: version, form: form, problems: problems), .sheetEditor)
    }
}

/// The editor's fields: every input named as `SheetEditor.apply` reads it, with what was typed or the sheet's value,
/// and its problems.
struct SheetEditorPage {
    /// A text field (or a textarea) with its problems.
    struct Input {
        let name: String
        let value: String
        let label: String?
        let cls: String?
        let problems: [String]
    }

    /// A select with its options, the one chosen marked.
    struct Select {
        let name: String
        let options: [PageOption]
        let problems: [String]
    }

    struct Problem {
        let field: String?
        let ja: String
    }

    struct Narrative {
        let label: String
        let text: Input
        /// The year a direction runs from (今後の方向性 only)
        let year: Input?
    }

    struct YearRow {
        let year: Input
        let plan: Input
        let actual: Input
    }

    struct IndicatorFields {
        let legend: String
        let name: Input
        let unit: Input
        let direction: Select
        let baselineYear: Input
        let baselineValue: Input
        let targetYear: Input
        let targetValue: Input
        let rows: [YearRow]
        let live: Select
        let question: Input
        let kinds: Input
    }

    struct GradeRow {
        let year: Input
        let grade: Input
    }

    struct Grades {
        let legend: String
        let rows: [GradeRow]
    }

    struct ProgressRow {
        let label: String
        let status: Input
        let text: Input
    }

    struct ScheduleChange {
        let years: [String]
        let year: Input
        let cells: [Input]
        let reason: Input
    }

    struct Item {
        let legend: String
        let progress: [ProgressRow]
        let newYear: Input
        let newKind: Select
        let newStatus: Input
        let newText: Input
        let change: ScheduleChange?
    }

    struct NewItem {
        let years: [String]
        let title: Input
        let cells: [Input]
    }

    struct BudgetRow {
        let year: Input
        let amounts: [Input]
    }

    struct Budget {
        let heads: [String]
        let rows: [BudgetRow]
    }

    let heading: String
    let problems: [Problem]
    let hasProblems: Bool
    let action: String
    let cancel: String
    let version: Int
    let evaluationYear: Input
    let narratives: [Narrative]
    let indicators: [IndicatorFields]
    let grades: Grades?
    let items: [Item]
    let newItem: NewItem?
    let budget: Budget?
    let note: Input

    init(editor: SheetEditor, version: Int, form: [String: String]?, problems all: [SheetProblem]) {
        let sheet = editor.original
        func messages(_ key: String) -> [String] { all.filter { $0.field == key }.map(\.ja) }
        func input(_ key: String, _ current: String, label: String? = nil, cls: String? = nil) -> Input {
            Input(name: key, value: form?[key] ?? current, label: label, cls: cls, problems: messages(key))
        }
        func select(_ key: String, _ current: String, _ options: [(String, String)]) -> Select {
            let chosen = form?[key] ?? current
            return Select(name: key, options: options.map { PageOption(value: $0.0, text: $0.1, selected: chosen == $0.0) }, problems: messages(key))
        }
        func fig(_ f: SheetFigure?) -> String { f?.description ?? "" }
        func yr(_ y: FiscalYear?) -> String { y.map { String($0.startYear) } ?? "" }

        heading = "編集: \(sheet.code) \(sheet.title)"
        problems = all.map { Problem(field: $0.field.isEmpty ? nil : $0.field, ja: $0.ja) }
        hasProblems = !all.isEmpty
        action = "/planning/sheets/\(sheet.code)/edit"
        cancel = "/planning/sheets/\(sheet.code)"
        self.version = version
        evaluationYear = input("evaluationYear", yr(sheet.evaluationYear), label: "評価年度")
        narratives = editor.narrativeKinds.map { kind in
            let n = sheet.narrative(kind)
            let key = "narrative.\(kind.rawValue)"
            return Narrative(
                label: n?.heading ?? (kind == .direction ? "今後の方向性" : kind.japanese), text: input(key, n?.paragraphs.joined(separator: "\n") ?? ""),
                year: kind == .direction ? input("\(key).year", yr(n?.fromYear), label: "方向性の開始年度") : nil)
        }
        func indicator(_ p: String, _ i: Indicator, legend: String, rows: Int) -> IndicatorFields {
            IndicatorFields(
                legend: legend, name: input("\(p).name", i.name, cls: "wide"), unit: input("\(p).unit", i.unit ?? ""),
                direction: select("\(p).direction", i.direction?.rawValue ?? "", [("", "（指定なし）")] + IndicatorDirection.allCases.map { ($0.rawValue, $0.japanese) }),
                baselineYear: input("\(p).baseline.year", yr(i.baseline?.year), label: "基準値の年度"),
                baselineValue: input("\(p).baseline.value", fig(i.baseline?.figure), label: "基準値"),
                targetYear: input("\(p).target.year", yr(i.target?.year), label: "目標値の年度"),
                targetValue: input("\(p).target.value", fig(i.target?.figure), label: "目標値"),
                rows: (0..<rows).map { k in
                    let y = k < i.years.count ? i.years[k] : nil
                    let r = "\(p).y.\(k)"
                    return YearRow(
                        year: input("\(r).year", yr(y?.year), label: "年度"), plan: input("\(r).plan", fig(y?.plan), label: "計画値"),
                        actual: input("\(r).actual", fig(y?.actual), label: "実績値"))
                },
                live: select("\(p).live", i.live?.source.rawValue ?? "", [("", "しない")] + LiveIndicatorSource.allCases.map { ($0.rawValue, $0.japanese) }),
                question: input("\(p).live.question", i.live?.question ?? ""), kinds: input("\(p).live.kinds", i.live?.activityKinds.joined(separator: "、") ?? ""))
        }
        let next = (sheet.indicators.map(\.number).max() ?? 0) + 1
        indicators = sheet.indicators.enumerated().map { n, i in indicator("ind.\(n)", i, legend: "指標\(i.marker)", rows: i.years.count + 1) }
            + [indicator(
                "ind.new", Indicator(number: next, name: ""), legend: "指標を追加（\(Indicator.marker(next))、指標名を入れたときだけ追加します）",
                rows: SheetEditor.newIndicatorRows)]
        if sheet.layout == .measure || !sheet.grades.isEmpty {
            let scale = sheet.gradeScale
            grades = Grades(
                legend: "評価結果（\(scale.grades.map(\.symbol).joined(separator: "・"))"
                    + (scale.qualifier.map { "、A は \($0.options.map(\.symbol).joined(separator: "・")) を付けて" } ?? "") + "）",
                rows: (0...sheet.grades.count).map { k in
                    let g = k < sheet.grades.count ? sheet.grades[k] : nil
                    return GradeRow(year: input("grade.\(k).year", yr(g?.year), label: "評価の年度"), grade: input("grade.\(k).value", g?.grade.description ?? "", label: "評価"))
                })
        } else {
            grades = nil
        }
        let years = sheet.scheduleYears.map(\.eraShort)
        items = sheet.items.enumerated().map { n, item in
            let p = "item.\(n)"
            return Item(
                legend: "実施項目: \(item.title)",
                progress: item.progress.enumerated().map { j, entry in
                    ProgressRow(
                        label: "\(entry.year.eraShort) \(entry.kind.japanese)",
                        status: input("\(p).p.\(j).status", entry.grade?.description ?? entry.status?.description ?? "", label: "状況"),
                        text: input("\(p).p.\(j).text", entry.text, label: "取組内容等"))
                },
                newYear: input("\(p).new.year", "", label: "追加する年度"),
                newKind: select("\(p).new.kind", ProgressEntryKind.result.rawValue, ProgressEntryKind.allCases.map { ($0.rawValue, $0.japanese) }),
                newStatus: input("\(p).new.status", "", label: "状況"), newText: input("\(p).new.text", "", label: "追加する取組内容等"),
                change: years.isEmpty
                    ? nil
                    : ScheduleChange(
                        years: years, year: input("\(p).change.year", "", label: "変更した年度"),
                        cells: years.indices.map { input("\(p).change.cell.\($0)", "", label: "\(years[$0])の区分") },
                        reason: input("\(p).change.reason", "", cls: "wide")))
        }
        newItem = years.isEmpty
            ? nil
            : NewItem(
                years: years, title: input("item.new.title", "", cls: "wide"), cells: years.indices.map { input("item.new.cell.\($0)", "", label: "\(years[$0])の区分") })
        budget = sheet.budget.map { b in
            Budget(
                heads: BudgetAmountKind.allCases.map(\.japanese),
                rows: (0...b.years.count).map { k in
                    let y = k < b.years.count ? b.years[k] : nil
                    return BudgetRow(
                        year: input("budget.\(k).year", yr(y?.year), label: "事業費の年度"),
                        amounts: BudgetAmountKind.allCases.map { input("budget.\(k).\($0.rawValue)", y?.amount($0)?.grouped ?? "", label: $0.japanese) })
                })
        }
        note = input("note", "", cls: "wide")
    }
}
