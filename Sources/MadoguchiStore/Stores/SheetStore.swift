import Foundation
import MadoguchiDomain

/// A published version of a sheet: what the public pages show.
public struct PublishedSheet: Sendable, Hashable {
    public var sheet: EvaluationSheet
    public var version: Int
    public var at: String
}

/// The evaluation sheets (施策進行管理・評価票): every save a new version, the plan tree, and the review steps.
public protocol SheetStore: Sendable {
    /// Saves a sheet as its next version. An edit names the version it was made from (`expectedVersion`).
    @discardableResult
    func save(_ sheet: EvaluationSheet, source: String, author: String, note: String?, expectedVersion: Int?, now: Date) async throws
        -> StoredSheet
    /// Imported sheets, each as its next version: all of them or none.
    func importSheets(_ sheets: [EvaluationSheet], author: String, now: Date) async throws
    /// The sheet as it stands, or `sheet.notFound`.
    func sheet(code: String) async throws -> StoredSheet
    func published(code: String) async throws -> PublishedSheet?
    func list(publishedOnly: Bool) async throws -> [SheetSummary]
    func tree() async throws -> [PlanNode]
    func revisions(code: String) async throws -> [SheetRevisionRecord]
    func reviews(code: String) async throws -> [SheetReviewRecord]
    /// One review step in the role the sheet's stage needs. `authorize` is the caller's rule on who may act in that
    /// role; it runs inside the step's transaction, on the stage read there.
    @discardableResult
    func review(
        code: String, action: ReviewAction, author: String, comment: String?, expectedVersion: Int?, now: Date,
        authorize: @escaping @Sendable (ReviewRole) throws -> Void
    ) async throws -> StoredSheet
}

extension SheetStore {
    @discardableResult
    public func save(_ sheet: EvaluationSheet, source: String, author: String, now: Date) async throws -> StoredSheet {
        try await save(sheet, source: source, author: author, note: nil, expectedVersion: nil, now: now)
    }

    public func list() async throws -> [SheetSummary] { try await list(publishedOnly: false) }
}

struct SQLSheetStore: SheetStore {
    let database: MadoguchiDatabase

    func save(_ sheet: EvaluationSheet, source: String, author: String, note: String?, expectedVersion: Int?, now: Date) async throws
        -> StoredSheet
    {
        try await database.sqlWrite { db in
            try Sheets.save(db, sheet, source: source, author: author, note: note, expectedVersion: expectedVersion, now: now)
        }
    }

    func importSheets(_ sheets: [EvaluationSheet], author: String, now: Date) async throws {
        try await database.sqlWrite { db in
            for sheet in sheets { try Sheets.save(db, sheet, source: "import", author: author, now: now) }
        }
    }

    func sheet(code: String) async throws -> StoredSheet {
        try await database.sqlRead { db in try Sheets.require(db, code: code) }
    }

    func published(code: String) async throws -> PublishedSheet? {
        try await database.sqlRead { db in
            try Sheets.published(db, code: code).map { PublishedSheet(sheet: $0.0, version: $0.version, at: $0.at) }
        }
    }

    func list(publishedOnly: Bool) async throws -> [SheetSummary] {
        try await database.sqlRead { db in try Sheets.list(db, publishedOnly: publishedOnly) }
    }

    func tree() async throws -> [PlanNode] {
        try await database.sqlRead { db in try Sheets.tree(db) }
    }

    func revisions(code: String) async throws -> [SheetRevisionRecord] {
        try await database.sqlRead { db in try Sheets.revisions(db, code: code) }
    }

    func reviews(code: String) async throws -> [SheetReviewRecord] {
        try await database.sqlRead { db in try Sheets.reviews(db, code: code) }
    }

    func review(
        code: String, action: ReviewAction, author: String, comment: String?, expectedVersion: Int?, now: Date,
        authorize: @escaping @Sendable (ReviewRole) throws -> Void
    ) async throws -> StoredSheet {
        try await database.sqlWrite { db in
            let role = try Sheets.require(db, code: code).stage.actor
            try authorize(role)
            return try Sheets.review(
                db, code: code, action: action, role: role, author: author, comment: comment, expectedVersion: expectedVersion, now: now)
        }
    }
}

/// One respondent's answers from a questionnaire file, with the line it came from.
public struct SurveyResponseRow: Sendable, Hashable {
    public var line: Int
    public var respondent: String
    /// Question code → the answer as written
    public var answers: [String: String]

    public init(line: Int, respondent: String, answers: [String: String]) {
        self.line = line
        self.respondent = respondent
        self.answers = answers
    }
}

/// What live indicators are computed from besides the ledger (the activity log, surveys, counts from before the
/// ledger), and the readings themselves.
public protocol LiveIndicatorStore: Sendable {
    /// Every live indicator of a sheet, computed now.
    func readings(for sheet: EvaluationSheet, now: Date) async throws -> [Int: LiveIndicatorReading]
    func reading(_ definition: LiveIndicatorDefinition, now: Date) async throws -> LiveIndicatorReading
    /// The open-data rows of the published sheets (with `drafts`, of the others' current versions too).
    func openData(drafts: Bool, now: Date) async throws -> [IndicatorOpenData.Row]
    @discardableResult
    func record(_ activity: RegionalActivity, by author: String, now: Date) async throws -> Int64
    func activities(limit: Int) async throws -> [RegionalActivity]
    func saveSurvey(_ survey: Survey) async throws
    func surveys() async throws -> [(Survey, responses: Int)]
    func answer(surveyId: String, respondent: String, answers: [String: String]) async throws
    /// Many respondents' answers, all or none: a bad row fails the whole file, named by its line.
    @discardableResult
    func answer(surveyId: String, rows: [SurveyResponseRow]) async throws -> Int
    /// Copies issued at a place in a year before the ledger (never the ledger's own counts).
    func setIssuanceCount(year: FiscalYear, place: String, copies: Int, source: String) async throws
}

extension LiveIndicatorStore {
    public func openData(now: Date) async throws -> [IndicatorOpenData.Row] { try await openData(drafts: false, now: now) }
}

struct SQLLiveIndicatorStore: LiveIndicatorStore {
    let database: MadoguchiDatabase

    func readings(for sheet: EvaluationSheet, now: Date) async throws -> [Int: LiveIndicatorReading] {
        try await database.sqlRead { db in try LiveIndicators.readings(db, sheet: sheet, now: now) }
    }

    func reading(_ definition: LiveIndicatorDefinition, now: Date) async throws -> LiveIndicatorReading {
        try await database.sqlRead { db in try LiveIndicators.reading(db, definition, now: now) }
    }

    func openData(drafts: Bool, now: Date) async throws -> [IndicatorOpenData.Row] {
        try await database.sqlRead { db in try LiveIndicators.openData(db, drafts: drafts, now: now) }
    }

    func record(_ activity: RegionalActivity, by author: String, now: Date) async throws -> Int64 {
        try await database.sqlWrite { db in try LiveIndicators.record(db, activity, by: author, now: now) }
    }

    func activities(limit: Int) async throws -> [RegionalActivity] {
        try await database.sqlRead { db in try LiveIndicators.activities(db, limit: limit) }
    }

    func saveSurvey(_ survey: Survey) async throws {
        try await database.sqlWrite { db in try LiveIndicators.saveSurvey(db, survey) }
    }

    func surveys() async throws -> [(Survey, responses: Int)] {
        try await database.sqlRead { db in try LiveIndicators.surveys(db) }
    }

    func answer(surveyId: String, respondent: String, answers: [String: String]) async throws {
        try await database.sqlWrite { db in try LiveIndicators.answer(db, surveyId: surveyId, respondent: respondent, answers: answers) }
    }

    func answer(surveyId: String, rows: [SurveyResponseRow]) async throws -> Int {
        try await database.sqlWrite { db in
            let survey = try LiveIndicators.requireSurvey(db, id: surveyId)
            for row in rows {
                do {
                    try LiveIndicators.answer(db, survey: survey, respondent: row.respondent, answers: row.answers)
                } catch let e as MadoguchiError {
                    throw MadoguchiError(e.code, ja: "\(row.line)行目: \(e.ja)", en: "Line \(row.line): \(e.en)")
                }
            }
            return rows.count
        }
    }

    func setIssuanceCount(year: FiscalYear, place: String, copies: Int, source: String) async throws {
        try await database.sqlWrite { db in try LiveIndicators.setIssuanceCount(db, year: year, place: place, copies: copies, source: source) }
    }
}

extension MadoguchiDatabase {
    /// The evaluation sheets and their review.
    public var sheets: any SheetStore { SQLSheetStore(database: self) }
    /// The sources of live indicators, and their readings.
    public var indicators: any LiveIndicatorStore { SQLLiveIndicatorStore(database: self) }
}
