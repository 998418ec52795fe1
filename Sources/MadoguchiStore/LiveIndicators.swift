import Foundation
import GRDB
import MadoguchiDomain

/// The operations live indicators are computed from, and the computation.
public enum LiveIndicators {
    // MARK: - Activity log

    @discardableResult
    public static func record(_ db: Database, _ activity: RegionalActivity, by author: String, now: Date) throws -> Int64 {
        let problems = activity.problems()
        guard problems.isEmpty else {
            throw MadoguchiError(.activityInvalid, ja: problems.map(\.ja).joined(separator: "、"), en: problems.map(\.en).joined(separator: "; "))
        }
        // Cached: a dataset load records tens of thousands in one transaction.
        try db.cachedStatement(
            sql: """
                INSERT INTO regionalActivity (staff, center, date, kind, participants, note, recordedAt, recordedBy)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """
        ).execute(
            arguments: [activity.staff.trimmingCharacters(in: .whitespaces), activity.center.trimmingCharacters(in: .whitespaces),
                        activity.date.description, activity.kind.trimmingCharacters(in: .whitespaces), activity.participants,
                        activity.note, LedgerRecord.timestamp(now), author])
        return db.lastInsertedRowID
    }

    /// The latest activities, newest first.
    public static func activities(_ db: Database, limit: Int = 100) throws -> [RegionalActivity] {
        try Row.fetchAll(
            db, sql: "SELECT id, staff, center, date, kind, participants, note FROM regionalActivity ORDER BY date DESC, id DESC LIMIT ?",
            arguments: [limit]
        ).map {
            RegionalActivity(id: $0["id"], staff: $0["staff"], center: $0["center"], date: CivilDate.parseGregorian($0["date"])!,
                             kind: $0["kind"], participants: $0["participants"], note: $0["note"])
        }
    }

    // MARK: - Surveys

    public static func saveSurvey(_ db: Database, _ survey: Survey) throws {
        let problems = survey.problems()
        guard problems.isEmpty else {
            throw MadoguchiError(.surveyInvalid, ja: problems.map(\.ja).joined(separator: "、"), en: problems.map(\.en).joined(separator: "; "))
        }
        guard try !Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM survey WHERE id = ?)", arguments: [survey.id])! else {
            throw MadoguchiError(.surveyInvalid, ja: "調査\(survey.id)は既にあります", en: "Survey \(survey.id) exists already")
        }
        try db.execute(sql: "INSERT INTO survey (id, title, fiscalYear) VALUES (?, ?, ?)",
                       arguments: [survey.id, survey.title, survey.fiscalYear.startYear])
        for (i, q) in survey.questions.enumerated() {
            try db.execute(
                sql: "INSERT INTO surveyQuestion (surveyId, code, text, options, satisfied, position) VALUES (?, ?, ?, ?, ?, ?)",
                arguments: [survey.id, q.code, q.text, json(q.options), json(q.satisfied), i])
        }
    }

    static func json(_ strings: [String]) -> String {
        String(decoding: try! JSONEncoder().encode(strings), as: UTF8.self)
    }

    public static func survey(_ db: Database, id: String) throws -> Survey? {
        guard let row = try Row.fetchOne(db, sql: "SELECT id, title, fiscalYear FROM survey WHERE id = ?", arguments: [id]) else { return nil }
        let questions = try Row.fetchAll(
            db, sql: "SELECT code, text, options, satisfied FROM surveyQuestion WHERE surveyId = ? ORDER BY position", arguments: [id]
        ).map {
            SurveyQuestion(
                code: $0["code"], text: $0["text"], options: try JSONDecoder().decode([String].self, from: Data(($0["options"] as String).utf8)),
                satisfied: try JSONDecoder().decode([String].self, from: Data(($0["satisfied"] as String).utf8)))
        }
        return Survey(id: row["id"], title: row["title"], fiscalYear: FiscalYear(row["fiscalYear"]), questions: questions)
    }

    public static func surveys(_ db: Database) throws -> [(Survey, responses: Int)] {
        try String.fetchAll(db, sql: "SELECT id FROM survey ORDER BY fiscalYear DESC, id").compactMap { id in
            guard let s = try survey(db, id: id) else { return nil }
            let n = try Int.fetchOne(db, sql: "SELECT count(*) FROM surveyResponse WHERE surveyId = ?", arguments: [id]) ?? 0
            return (s, n)
        }
    }

    /// Records one respondent's answers (question code → answer as written). Blank answers are 無回答.
    public static func answer(_ db: Database, surveyId: String, respondent: String, answers: [String: String]) throws {
        try answer(db, survey: try requireSurvey(db, id: surveyId), respondent: respondent, answers: answers)
    }

    public static func requireSurvey(_ db: Database, id: String) throws -> Survey {
        guard let survey = try survey(db, id: id) else {
            throw MadoguchiError(.surveyInvalid, ja: "調査\(id)はありません", en: "No survey \(id)")
        }
        return survey
    }

    /// Records one respondent's answers to a survey already read (for many respondents in a row).
    public static func answer(_ db: Database, survey: Survey, respondent: String, answers: [String: String]) throws {
        guard !respondent.isEmpty else { throw MadoguchiError(.surveyInvalid, ja: "回答者IDがありません", en: "No respondent id") }
        for (code, _) in answers where !survey.questions.contains(where: { $0.code == code }) {
            throw MadoguchiError(.surveyInvalid, ja: "設問\(code)はこの調査にありません", en: "The survey has no question \(code)")
        }
        let values = try survey.questions.map { q in (q.code, try answers[q.code].flatMap { try q.answer($0) }) }
        do {
            try db.cachedStatement(sql: "INSERT INTO surveyResponse (surveyId, respondent) VALUES (?, ?)").execute(arguments: [survey.id, respondent])
        } catch let e as DatabaseError where e.resultCode == .SQLITE_CONSTRAINT {
            throw MadoguchiError(.surveyInvalid, ja: "回答者\(respondent)の回答は既にあります", en: "Respondent \(respondent) has answered already")
        }
        let insert = try db.cachedStatement(sql: "INSERT INTO surveyAnswer (surveyId, respondent, question, answer) VALUES (?, ?, ?, ?)")
        for (code, value) in values {
            guard let value else { continue }
            try insert.execute(arguments: [survey.id, respondent, code, value])
        }
    }

    // MARK: - Issuance counts from before the ledger

    /// Sets the copies issued at a place in a year before the ledger (a facility kind such as `serviceCorner`,
    /// or `channel:kiosk`). The ledger's own counts (source `ledger`) are kept by the ledger and cannot be set.
    public static func setIssuanceCount(_ db: Database, year: FiscalYear, place: String, copies: Int, source: String) throws {
        guard source != "ledger", !source.isEmpty else {
            throw MadoguchiError(.sheetInvalid, ja: "集計の出典を指定してください（ledger は台帳専用です）", en: "Give the counts' source (ledger is the ledger's own)")
        }
        try db.execute(
            sql: """
                INSERT INTO issuanceCount (fiscalYear, place, source, copies) VALUES (?, ?, ?, ?)
                ON CONFLICT(fiscalYear, place, source) DO UPDATE SET copies = excluded.copies
                """, arguments: [year.startYear, place, source, copies])
    }

    // MARK: - Readings

    /// The open data rows of the published sheets (and, with `drafts`, the current version of sheets not yet
    /// published), with each sheet's live readings.
    public static func openData(_ db: Database, drafts: Bool = false, now: Date) throws -> [IndicatorOpenData.Row] {
        let sheets = try Sheets.list(db).compactMap { summary -> EvaluationSheet? in
            if let p = try Sheets.published(db, code: summary.code) { return p.0 }
            return drafts ? try Sheets.require(db, code: summary.code).sheet : nil
        }
        var live: [String: [Int: LiveIndicatorReading]] = [:]
        for sheet in sheets { live[sheet.code] = try readings(db, sheet: sheet, now: now) }
        return IndicatorOpenData.rows(sheets, live: live)
    }

    /// Every live indicator of a sheet, computed now.
    public static func readings(_ db: Database, sheet: EvaluationSheet, now: Date) throws -> [Int: LiveIndicatorReading] {
        var out: [Int: LiveIndicatorReading] = [:]
        for indicator in sheet.indicators {
            if let definition = indicator.live { out[indicator.number] = try reading(db, definition, now: now) }
        }
        return out
    }

    public static func reading(_ db: Database, _ definition: LiveIndicatorDefinition, now: Date) throws -> LiveIndicatorReading {
        let asOf = LedgerRecord.timestamp(now)
        switch definition.source {
        case .serviceCornerShare:
            return LiveIndicatorReading(
                source: .serviceCornerShare, detail: "交付した部数（無効にした証明書を除く）。台帳より前の年度は旧システムの集計", asOf: asOf,
                values: try serviceCornerShare(db))
        case .storeSmartphoneShare:
            return LiveIndicatorReading(
                source: .storeSmartphoneShare, detail: "コンビニ交付の部数のうちスマホ用電子証明書で交付した部数（無効にした証明書を除く）",
                asOf: asOf, values: try storeSmartphoneShare(db))
        case .regionalStaffActivities:
            var sql = """
                SELECT CAST(substr(date, 1, 4) AS INTEGER) - (CAST(substr(date, 6, 2) AS INTEGER) < 4) AS fy, count(*) AS n
                FROM regionalActivity
                """
            var arguments: [any DatabaseValueConvertible] = []
            if !definition.activityKinds.isEmpty {
                sql += " WHERE kind IN (\(definition.activityKinds.map { _ in "?" }.joined(separator: ", ")))"
                arguments = definition.activityKinds
            }
            sql += " GROUP BY fy ORDER BY fy"
            let values = try Row.fetchAll(db, sql: sql, arguments: StatementArguments(arguments)).map {
                LiveYearValue(year: FiscalYear($0["fy"]), value: SheetNumber($0["n"] as Int), numerator: $0["n"])
            }
            let detail = definition.activityKinds.isEmpty ? "すべての活動" : definition.activityKinds.joined(separator: "・")
            return LiveIndicatorReading(source: .regionalStaffActivities, detail: detail, asOf: asOf, values: values)
        case .surveySatisfaction:
            guard let question = definition.question else {
                throw MadoguchiError(.sheetInvalid, ja: "アンケートの設問コードが指定されていません", en: "The survey question is not set")
            }
            let rows = try Row.fetchAll(
                db, sql: """
                    SELECT s.fiscalYear AS fy,
                      sum(CASE WHEN EXISTS (SELECT 1 FROM json_each(q.satisfied) o WHERE o.value = a.answer) THEN 1 ELSE 0 END) AS satisfied,
                      count(*) AS answered
                    FROM surveyAnswer a
                    JOIN surveyQuestion q ON q.surveyId = a.surveyId AND q.code = a.question
                    JOIN survey s ON s.id = a.surveyId
                    WHERE a.question = ?
                    GROUP BY s.fiscalYear ORDER BY s.fiscalYear
                    """, arguments: [question])
            let values = rows.compactMap { row -> LiveYearValue? in
                let part: Int = row["satisfied"], whole: Int = row["answered"]
                return Share.percent(part, of: whole).map { LiveYearValue(year: FiscalYear(row["fy"]), value: $0, numerator: part, denominator: whole) }
            }
            let text = try String.fetchOne(db, sql: "SELECT text FROM surveyQuestion WHERE code = ? ORDER BY surveyId DESC LIMIT 1", arguments: [question])
            return LiveIndicatorReading(
                source: .surveySatisfaction, detail: "設問\(question)\(text.map { "「\($0)」" } ?? "")（無回答を除く）", asOf: asOf, values: values)
        }
    }

    /// Copies issued at 行政サービスコーナー ÷ all copies issued, per fiscal year: the counts the ledger keeps as it
    /// goes (voided documents taken back out) and the counts kept for years before the ledger.
    static func serviceCornerShare(_ db: Database) throws -> [LiveYearValue] {
        try Row.fetchAll(
            db, sql: """
                SELECT fiscalYear, sum(copies) AS total, sum(CASE WHEN place = 'serviceCorner' THEN copies ELSE 0 END) AS corner
                FROM issuanceCount GROUP BY fiscalYear ORDER BY fiscalYear
                """
        ).compactMap { row in
            let corner: Int = row["corner"], total: Int = row["total"]
            return Share.percent(corner, of: total).map {
                LiveYearValue(year: FiscalYear(row["fiscalYear"]), value: $0, numerator: corner, denominator: total)
            }
        }
    }

    /// Copies a store issued with a smartphone's certificate ÷ all copies a store issued, per fiscal year (the
    /// ledger's counts: `channel:kiosk:smartphone` against `channel:kiosk` and it).
    static func storeSmartphoneShare(_ db: Database) throws -> [LiveYearValue] {
        try Row.fetchAll(
            db, sql: """
                SELECT fiscalYear, sum(copies) AS total, sum(CASE WHEN place = 'channel:kiosk:smartphone' THEN copies ELSE 0 END) AS phone
                FROM issuanceCount WHERE place IN ('channel:kiosk', 'channel:kiosk:smartphone')
                GROUP BY fiscalYear ORDER BY fiscalYear
                """
        ).compactMap { row in
            let phone: Int = row["phone"], total: Int = row["total"]
            return Share.percent(phone, of: total).map {
                LiveYearValue(year: FiscalYear(row["fiscalYear"]), value: $0, numerator: phone, denominator: total)
            }
        }
    }
}
