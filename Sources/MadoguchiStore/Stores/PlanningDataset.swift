import Foundation
import MadoguchiDomain

/// A whole set of planning data to load at once (the demo's, or a city's migration from an older system): surveys
/// with their answers, the regional staff's activity log, issuance counts from before the ledger, and sheets with
/// the edit and the review steps each went through. Loaded in one transaction: all of it or none.
public struct PlanningDataset: Sendable {
    public struct SurveyLoad: Sendable {
        public var survey: Survey
        public var responses: [SurveyResponseRow]
        public init(survey: Survey, responses: [SurveyResponseRow]) {
            self.survey = survey
            self.responses = responses
        }
    }

    public struct IssuanceCountLoad: Sendable {
        public var year: FiscalYear
        /// A facility kind (`serviceCorner`) or `channel:<channel>`
        public var place: String
        public var copies: Int
        /// Where the count comes from (never `ledger`)
        public var source: String
        public init(year: FiscalYear, place: String, copies: Int, source: String) {
            self.year = year
            self.place = place
            self.copies = copies
            self.source = source
        }
    }

    public struct ReviewStep: Sendable {
        public var action: ReviewAction
        public var role: ReviewRole
        public var author: String
        public var comment: String?
        public init(action: ReviewAction, role: ReviewRole, author: String, comment: String?) {
            self.action = action
            self.role = role
            self.author = author
            self.comment = comment
        }
    }

    public struct SheetLoad: Sendable {
        /// As imported (version 1)
        public var imported: EvaluationSheet
        /// Then edited (version 2), with its note
        public var edited: EvaluationSheet?
        public var editNote: String?
        /// Then taken through these review steps, on the last version
        public var reviews: [ReviewStep]
        public init(imported: EvaluationSheet, edited: EvaluationSheet? = nil, editNote: String? = nil, reviews: [ReviewStep] = []) {
            self.imported = imported
            self.edited = edited
            self.editNote = editNote
            self.reviews = reviews
        }
    }

    public var surveys: [SurveyLoad] = []
    public var activities: [RegionalActivity] = []
    public var counts: [IssuanceCountLoad] = []
    public var sheets: [SheetLoad] = []
    /// Who recorded the activities, and who imported and edited the sheets
    public var importer: String
    public var editor: String

    public init(importer: String, editor: String) {
        self.importer = importer
        self.editor = editor
    }
}

extension MadoguchiDatabase {
    /// Loads a planning dataset in one transaction. Each row passes the same checks as when entered one by one.
    public func load(_ dataset: PlanningDataset, now: Date) throws {
        do {
            try transaction(readOnly: false) { db in
                for load in dataset.surveys {
                    try LiveIndicators.saveSurvey(db, load.survey)
                    try LiveIndicators.answer(db, survey: load.survey, rows: load.responses.map { ($0.respondent, $0.answers) })
                }
                try LiveIndicators.record(db, activities: dataset.activities, by: dataset.importer, now: now)
                for count in dataset.counts {
                    try LiveIndicators.setIssuanceCount(db, year: count.year, place: count.place, copies: count.copies, source: count.source)
                }
                for load in dataset.sheets {
                    var stored = try Sheets.save(db, load.imported, source: "import", author: dataset.importer, now: now)
                    if let edited = load.edited {
                        stored = try Sheets.save(
                            db, edited, source: "edit", author: dataset.editor, note: load.editNote, expectedVersion: stored.version, now: now)
                    }
                    for step in load.reviews {
                        try Sheets.review(
                            db, code: load.imported.code, action: step.action, role: step.role, author: step.author, comment: step.comment,
                            expectedVersion: stored.version, now: now)
                    }
                }
            }
        } catch let e as MadoguchiError { throw e } catch { throw StoreError.map(error) }
    }
}
