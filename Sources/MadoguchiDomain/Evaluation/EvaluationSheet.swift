/// The two sheet layouts of the seeds.
public enum SheetLayout: String, Sendable, Codable, CaseIterable {
    /// The 行財政改革 program sheet: 実施項目とスケジュール, 成果 and 指標の推移, 取組内容等 (seed 000, a TSV export).
    case program
    /// 施策進行管理・評価票: 基本情報, 施策の概要及び目標, 成果の説明 with AⅠ/AⅡ, 参考指標, 事業費, 配下の事務事業 (seed 002).
    case measure

    public var japanese: String {
        switch self {
        case .program: "改革プログラム進行管理票"
        case .measure: "施策進行管理・評価票"
        }
    }
}

/// 第3期実行計画(2011(H23)〜2013(H25)年度)
public struct PlanPeriod: Hashable, Sendable, Codable {
    public var name: String
    public var from: FiscalYear
    public var to: FiscalYear

    public init(name: String, from: FiscalYear, to: FiscalYear) {
        self.name = name
        self.from = from
        self.to = to
    }
}

/// The prose parts of a sheet, by what they say.
public enum NarrativeKind: String, Sendable, Codable, CaseIterable {
    /// 実施概要
    case summary
    /// 効果
    case effects
    /// 当該施策によって解決すべき課題
    case issues
    /// 施策の概要
    case overview
    /// 施策の目標
    case goals
    /// 解決すべき課題に対する当該年度の成果
    case results
    /// 残された課題,新たな課題,社会環境の変化等
    case remainingIssues
    /// 評価結果及びその評価区分とした理由
    case evaluationReason
    /// 20XX年度以降の方向性
    case direction

    public var japanese: String {
        switch self {
        case .summary: "実施概要"
        case .effects: "効果"
        case .issues: "当該施策によって解決すべき課題"
        case .overview: "施策の概要"
        case .goals: "施策の目標"
        case .results: "解決すべき課題に対する当該年度の成果"
        case .remainingIssues: "残された課題,新たな課題,社会環境の変化等"
        case .evaluationReason: "評価結果及びその評価区分とした理由"
        case .direction: "以降の方向性"
        }
    }
}

/// A prose part: its paragraphs (one per ○ or ● bullet, as written) and, for 方向性, the year it starts.
public struct Narrative: Hashable, Sendable, Codable {
    public var kind: NarrativeKind
    public var fromYear: FiscalYear?
    public var paragraphs: [String]

    public init(kind: NarrativeKind, fromYear: FiscalYear? = nil, paragraphs: [String]) {
        self.kind = kind
        self.fromYear = fromYear
        self.paragraphs = paragraphs
    }

    /// The heading as the sheet prints it: 2014年度以降の方向性.
    public var heading: String {
        if kind == .direction, let fromYear { return "\(fromYear.startYear)年度以降の方向性" }
        return kind == .direction ? "今後の方向性" : kind.japanese
    }
}

/// The kinds of yearly entry under an implementation item (取組内容等).
public enum ProgressEntryKind: String, Sendable, Codable, CaseIterable {
    /// 取組実績
    case result
    /// 取組予定
    case plan
    /// 取組実績 (3月末時点)
    case resultAtMarchEnd
    /// 評価
    case evaluation

    public var japanese: String {
        switch self {
        case .result: "取組実績"
        case .plan: "取組予定"
        case .resultAtMarchEnd: "取組実績 (3月末時点)"
        case .evaluation: "評価"
        }
    }
}

/// One row of 取組内容等: H28 取組予定 | 決定 | …
public struct ProgressEntry: Hashable, Sendable, Codable {
    public var year: FiscalYear
    public var kind: ProgressEntryKind
    /// 状況 (検討, 決定 …) for results and plans.
    public var status: ScheduleMark?
    /// 評価 (A, B, C) for an evaluation.
    public var grade: GradeMark?
    public var text: String

    public init(year: FiscalYear, kind: ProgressEntryKind, status: ScheduleMark? = nil, grade: GradeMark? = nil, text: String) {
        self.year = year
        self.kind = kind
        self.status = status
        self.grade = grade
        self.text = text
    }
}

/// 実施項目: one line of the schedule and its yearly entries.
public struct ActionItem: Hashable, Sendable, Codable {
    public var title: String
    public var schedule: Schedule
    public var progress: [ProgressEntry]

    public init(title: String, schedule: Schedule, progress: [ProgressEntry] = []) {
        self.title = title
        self.schedule = schedule
        self.progress = progress
    }
}

/// A year's grade of the whole measure: 2012 AⅡ.
public struct YearGrade: Hashable, Sendable, Codable {
    public var year: FiscalYear
    public var grade: GradeMark

    public init(year: FiscalYear, grade: GradeMark) {
        self.year = year
        self.grade = grade
    }
}

/// 配下の事務事業: a project under the measure and its 達成状況 over the plan period.
public struct SubProject: Hashable, Sendable, Codable {
    public var code: String?
    public var name: String
    /// 第3期実行計画期間の達成状況
    public var achievement: String?

    public init(code: String? = nil, name: String, achievement: String? = nil) {
        self.code = code
        self.name = name
        self.achievement = achievement
    }
}

/// 用語説明
public struct GlossaryEntry: Hashable, Sendable, Codable {
    public var term: String
    public var explanation: String

    public init(term: String, explanation: String) {
        self.term = term
        self.explanation = explanation
    }
}

/// 施策進行管理・評価票: everything one sheet says, in either seed's layout.
public struct EvaluationSheet: Hashable, Sendable, Codable, Identifiable {
    /// The layout the sheet is printed in.
    public var layout: SheetLayout
    /// 施策進行管理・評価票(1)
    public var formTitle: String?
    /// 評価年度
    public var evaluationYear: FiscalYear?
    /// The plan tree from its root down to this sheet's node.
    public var path: [PlanNode]
    /// 所管課 / 作成課
    public var responsibleDivisions: [String]
    /// 関係課
    public var relatedDivisions: [String]
    /// 重点
    public var priority: String?
    public var period: PlanPeriod?
    public var narratives: [Narrative]
    /// The fiscal years of the schedule grid's columns.
    public var scheduleYears: [FiscalYear]
    public var items: [ActionItem]
    public var indicators: [Indicator]
    public var indicatorNotes: [IndicatorNote]
    public var gradeScale: GradeScale
    /// 評価結果 per fiscal year
    public var grades: [YearGrade]
    public var budget: BudgetTable?
    public var subProjects: [SubProject]
    public var glossary: [GlossaryEntry]

    public init(
        layout: SheetLayout, formTitle: String? = nil, evaluationYear: FiscalYear? = nil, path: [PlanNode],
        responsibleDivisions: [String] = [], relatedDivisions: [String] = [], priority: String? = nil,
        period: PlanPeriod? = nil, narratives: [Narrative] = [], scheduleYears: [FiscalYear] = [],
        items: [ActionItem] = [], indicators: [Indicator] = [], indicatorNotes: [IndicatorNote] = [],
        gradeScale: GradeScale, grades: [YearGrade] = [], budget: BudgetTable? = nil,
        subProjects: [SubProject] = [], glossary: [GlossaryEntry] = []
    ) {
        self.layout = layout
        self.formTitle = formTitle
        self.evaluationYear = evaluationYear
        self.path = path
        self.responsibleDivisions = responsibleDivisions
        self.relatedDivisions = relatedDivisions
        self.priority = priority
        self.period = period
        self.narratives = narratives
        self.scheduleYears = scheduleYears
        self.items = items
        self.indicators = indicators
        self.indicatorNotes = indicatorNotes
        self.gradeScale = gradeScale
        self.grades = grades
        self.budget = budget
        self.subProjects = subProjects
        self.glossary = glossary
    }

    /// The sheet's code: its plan node's.
    public var code: String { path.last?.code ?? "" }
    public var id: String { code }
    public var title: String { path.last?.title ?? "" }
    public var node: PlanNode? { path.last }

    public func narrative(_ kind: NarrativeKind) -> Narrative? { narratives.first { $0.kind == kind } }
}
