import Foundation
import MadoguchiDomain

/// The operations live indicators are computed from, and the computation.
public enum LiveIndicators {
    // MARK: - Activity log

    @discardableResult
    public static func record(_ db: any SQLSession, _ activity: RegionalActivity, by author: String, now: Date) throws -> Int64 {
        let problems = activity.problems()
        guard problems.isEmpty else {
            throw MadoguchiError(.activityInvalid, ja: problems.map(\.ja).joined(separator: "、"), en: problems.map(\.en).joined(separator: "; "))
        }
        // Cached: a dataset load records tens of thousands in one transaction.
        return try db.insert(
            """
            INSERT INTO regionalActivity (staff, center, date, kind, participants, note, recordedAt, recordedBy)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """,
            arguments: [activity.staff.trimmingSpaces, activity.center.trimmingSpaces,
                        activity.date.description, activity.kind.trimmingSpaces, activity.participants,
                        activity.note, LedgerRecord.timestamp(now), author])
    }

    /// Many activities, each checked as one entered alone, inserted a few hundred rows to a statement (a dataset load
    /// records tens of thousands; on PostgreSQL a statement is a round trip).
    public static func record(_ db: any SQLSession, activities: [RegionalActivity], by author: String, now: Date) throws {
        for activity in activities {
            let problems = activity.problems()
            guard problems.isEmpty else {
                throw MadoguchiError(.activityInvalid, ja: problems.map(\.ja).joined(separator: "、"), en: problems.map(\.en).joined(separator: "; "))
            }
        }
        let at = LedgerRecord.timestamp(now)
        try db.insertRows(
            "INSERT INTO regionalActivity (staff, center, date, kind, participants, note, recordedAt, recordedBy) VALUES", columns: 8,
            activities.map { a in
                [a.staff.trimmingSpaces, a.center.trimmingSpaces, a.date.description,
                 a.kind.trimmingSpaces, a.participants, a.note, at, author]
            })
    }

    /// The latest activities, newest first.
    public static func activities(_ db: any SQLSession, limit: Int = 100) throws -> [RegionalActivity] {
        try db.rows("SELECT id, staff, center, date, kind, participants, note FROM regionalActivity ORDER BY date DESC, id DESC LIMIT ?", limit)
            .map {
                RegionalActivity(
                    id: try $0.int("id"), staff: try $0.text("staff"), center: try $0.text("center"),
                    date: try Unreadable.value(CivilDate.parseGregorian(try $0.text("date")), "date"), kind: try $0.text("kind"),
                    participants: Int(try $0.int("participants")), note: try $0.optionalText("note"))
            }
    }

    // MARK: - Surveys

    public static func saveSurvey(_ db: any SQLSession, _ survey: Survey) throws {
        let problems = survey.problems()
        guard problems.isEmpty else {
            throw MadoguchiError(.surveyInvalid, ja: problems.map(\.ja).joined(separator: "、"), en: problems.map(\.en).joined(separator: "; "))
        }
        guard try !db.exists("SELECT 1 FROM survey WHERE id = ?", arguments: [survey.id]) else {
            throw MadoguchiError(.surveyInvalid, ja: "調査\(survey.id)は既にあります", en: "Survey \(survey.id) exists already")
        }
        try db.execute("INSERT INTO survey (id, title, fiscalYear) VALUES (?, ?, ?)", survey.id, survey.title, survey.fiscalYear.startYear)
        for (i, q) in survey.questions.enumerated() {
            try db.execute(
                "INSERT INTO surveyQuestion (surveyId, code, text, options, satisfied, position) VALUES (?, ?, ?, ?, ?, ?)",
                survey.id, q.code, q.text, json(q.options), json(q.satisfied), i)
        }
    }

    static func json(_ strings: [String]) -> String {
        String(decoding: try! JSONEncoder().encode(strings), as: UTF8.self)
    }

    public static func survey(_ db: any SQLSession, id: String) throws -> Survey? {
        guard let row = try db.row("SELECT id, title, fiscalYear FROM survey WHERE id = ?", id) else { return nil }
        let questions = try db.rows("SELECT code, text, options, satisfied FROM surveyQuestion WHERE surveyId = ? ORDER BY position", id).map {
            SurveyQuestion(
                code: try $0.text("code"), text: try $0.text("text"), options: try strings($0, "options"), satisfied: try strings($0, "satisfied"))
        }
        return Survey(id: try row.text("id"), title: try row.text("title"), fiscalYear: FiscalYear(Int(try row.int("fiscalYear"))), questions: questions)
    }

    /// A JSON array of strings in a text column.
    static func strings(_ row: SQLRow, _ column: String) throws -> [String] {
        do { return try JSONDecoder().decode([String].self, from: Data(try row.text(column).utf8)) } catch { throw SQLRow.unreadable(column) }
    }

    public static func surveys(_ db: any SQLSession) throws -> [(Survey, responses: Int)] {
        try db.column("SELECT id FROM survey ORDER BY fiscalYear DESC, id", as: String.self).compactMap { id in
            guard let s = try survey(db, id: id) else { return nil }
            let n = try db.scalar("SELECT count(*) FROM surveyResponse WHERE surveyId = ?", arguments: [id], as: Int.self) ?? 0
            return (s, n)
        }
    }

    /// Records one respondent's answers (question code → answer as written). Blank answers are 無回答.
    public static func answer(_ db: any SQLSession, surveyId: String, respondent: String, answers: [String: String]) throws {
        try answer(db, survey: try requireSurvey(db, id: surveyId), respondent: respondent, answers: answers)
    }

    public static func requireSurvey(_ db: any SQLSession, id: String) throws -> Survey {
        guard let survey = try survey(db, id: id) else {
            throw MadoguchiError(.surveyInvalid, ja: "調査\(id)はありません", en: "No survey \(id)")
        }
        return survey
    }

    /// Records one respondent's answers to a survey already read (for many respondents in a row).
    public static func answer(_ db: any SQLSession, survey: Survey, respondent: String, answers: [String: String]) throws {
        guard !respondent.isEmpty else { throw MadoguchiError(.surveyInvalid, ja: "回答者IDがありません", en: "No respondent id") }
        for (code, _) in answers where !survey.questions.contains(where: { $0.code == code }) {
            throw MadoguchiError(.surveyInvalid, ja: "設問\(code)はこの調査にありません", en: "The survey has no question \(code)")
        }
        let values = try survey.questions.map { q in (q.code, try answers[q.code].flatMap { try q.answer($0) }) }
        // One respondent answers once; the primary key holds it against a racing writer too.
        guard try !db.exists("SELECT 1 FROM surveyResponse WHERE surveyId = ? AND respondent = ?", arguments: [survey.id, respondent]) else {
            throw MadoguchiError(.surveyInvalid, ja: "回答者\(respondent)の回答は既にあります", en: "Respondent \(respondent) has answered already")
        }
        try db.execute("INSERT INTO surveyResponse (surveyId, respondent) VALUES (?, ?)", survey.id, respondent)
        for (code, value) in values {
            guard let value else { continue }
            try db.execute("INSERT INTO surveyAnswer (surveyId, respondent, question, answer) VALUES (?, ?, ?, ?)", survey.id, respondent, code, value)
        }
    }

    /// Many respondents' answers to a survey already read, all checked first, then inserted a few hundred rows to a
    /// statement. A respondent twice in `rows`, or one who has answered already, refuses the whole load.
    public static func answer(_ db: any SQLSession, survey: Survey, rows: [(respondent: String, answers: [String: String])]) throws {
        var seen = Set<String>()
        var responses: [[any SQLBindable]] = []
        var answers: [[any SQLBindable]] = []
        for row in rows {
            guard !row.respondent.isEmpty else { throw MadoguchiError(.surveyInvalid, ja: "回答者IDがありません", en: "No respondent id") }
            for (code, _) in row.answers where !survey.questions.contains(where: { $0.code == code }) {
                throw MadoguchiError(.surveyInvalid, ja: "設問\(code)はこの調査にありません", en: "The survey has no question \(code)")
            }
            guard seen.insert(row.respondent).inserted else {
                throw MadoguchiError(.surveyInvalid, ja: "回答者\(row.respondent)の回答が重複しています", en: "Respondent \(row.respondent) appears twice")
            }
            responses.append([survey.id, row.respondent])
            for q in survey.questions {
                if let value = try row.answers[q.code].flatMap({ try q.answer($0) }) { answers.append([survey.id, row.respondent, q.code, value]) }
            }
        }
        let taken = try db.column("SELECT respondent FROM surveyResponse WHERE surveyId = ?", arguments: [survey.id], as: String.self)
        if let again = taken.first(where: seen.contains) {
            throw MadoguchiError(.surveyInvalid, ja: "回答者\(again)の回答は既にあります", en: "Respondent \(again) has answered already")
        }
        try db.insertRows("INSERT INTO surveyResponse (surveyId, respondent) VALUES", columns: 2, responses)
        try db.insertRows("INSERT INTO surveyAnswer (surveyId, respondent, question, answer) VALUES", columns: 4, answers)
    }

    // MARK: - Issuance counts from before the ledger

    /// Sets the copies issued at a place in a year before the ledger (a facility kind such as `serviceCorner`,
    /// or `channel:kiosk`). The ledger's own counts (source `ledger`) are kept by the ledger and cannot be set.
    public static func setIssuanceCount(_ db: any SQLSession, year: FiscalYear, place: String, copies: Int, source: String) throws {
        guard source != "ledger", !source.isEmpty else {
            throw MadoguchiError(.sheetInvalid, ja: "集計の出典を指定してください（ledger は台帳専用です）", en: "Give the counts' source (ledger is the ledger's own)")
        }
        try db.execute(
            """
            INSERT INTO issuanceCount (fiscalYear, place, source, copies) VALUES (?, ?, ?, ?)
            ON CONFLICT(fiscalYear, place, source) DO UPDATE SET copies = excluded.copies
            """, year.startYear, place, source, copies)
    }

    // MARK: - Readings

    /// The fiscal year (April to March) of an ISO date or JST timestamp column, in SQL both engines read alike.
    static func fiscalYearSQL(_ column: String) -> String {
        "CAST(substr(\(column), 1, 4) AS INTEGER) - CASE WHEN CAST(substr(\(column), 6, 2) AS INTEGER) < 4 THEN 1 ELSE 0 END"
    }

    /// The open data rows of the published sheets (and, with `drafts`, the current version of sheets not yet
    /// published), with each sheet's live readings.
    public static func openData(_ db: any SQLSession, drafts: Bool = false, now: Date) throws -> [IndicatorOpenData.Row] {
        let sheets = try Sheets.list(db).compactMap { summary -> EvaluationSheet? in
            if let p = try Sheets.published(db, code: summary.code) { return p.0 }
            return drafts ? try Sheets.require(db, code: summary.code).sheet : nil
        }
        var live: [String: [Int: LiveIndicatorReading]] = [:]
        for sheet in sheets { live[sheet.code] = try readings(db, sheet: sheet, now: now) }
        return IndicatorOpenData.rows(sheets, live: live)
    }

    /// Every live indicator of a sheet, computed now.
    public static func readings(_ db: any SQLSession, sheet: EvaluationSheet, now: Date) throws -> [Int: LiveIndicatorReading] {
        var out: [Int: LiveIndicatorReading] = [:]
        for indicator in sheet.indicators {
            if let definition = indicator.live { out[indicator.number] = try reading(db, definition, now: now) }
        }
        return out
    }

    public static func reading(_ db: any SQLSession, _ definition: LiveIndicatorDefinition, now: Date) throws -> LiveIndicatorReading {
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
        case .counterMeanWait:
            let kind = definition.facilityKind ?? .wardOffice, month = definition.month ?? 3
            guard (1...12).contains(month) else {
                throw MadoguchiError(.sheetInvalid, ja: "月は1から12までです", en: "The month is 1 to 12")
            }
            return LiveIndicatorReading(
                source: .counterMeanWait, detail: "\(kind.japanese)の番号札、各年度の\(month)月（発券から最初の呼出まで。呼出のなかった番号札を除く）",
                asOf: asOf, values: try counterMeanWait(db, kind: kind, month: month))
        case .regionalStaffActivities:
            var sql = """
                SELECT \(Self.fiscalYearSQL("date")) AS fy, count(*) AS n
                FROM regionalActivity
                """
            var arguments: [any SQLBindable] = []
            if !definition.activityKinds.isEmpty {
                sql += " WHERE kind IN (\(definition.activityKinds.map { _ in "?" }.joined(separator: ", ")))"
                arguments = definition.activityKinds
            }
            sql += " GROUP BY fy ORDER BY fy"
            let values = try db.rows(sql, arguments: arguments).map {
                let n = Int(try $0.int("n"))
                return LiveYearValue(year: FiscalYear(Int(try $0.int("fy"))), value: SheetNumber(n), numerator: n)
            }
            let detail = definition.activityKinds.isEmpty ? "すべての活動" : definition.activityKinds.joined(separator: "・")
            return LiveIndicatorReading(source: .regionalStaffActivities, detail: detail, asOf: asOf, values: values)
        case .surveySatisfaction:
            guard let question = definition.question else {
                throw MadoguchiError(.sheetInvalid, ja: "アンケートの設問コードが指定されていません", en: "The survey question is not set")
            }
            // Answers counted per survey and answer in SQL; which answers are 満足 is each survey's question's own list,
            // applied here so that one SQL text serves both engines (no JSON functions in the query).
            var satisfiedBySurvey: [String: Set<String>] = [:]
            for row in try db.rows("SELECT surveyId, satisfied FROM surveyQuestion WHERE code = ?", question) {
                satisfiedBySurvey[try row.text("surveyId")] = Set(try strings(row, "satisfied"))
            }
            var counts: [Int: (part: Int, whole: Int)] = [:]
            for row in try db.rows(
                """
                SELECT s.fiscalYear AS fy, a.surveyId, a.answer, count(*) AS n
                FROM surveyAnswer a JOIN survey s ON s.id = a.surveyId
                WHERE a.question = ?
                GROUP BY s.fiscalYear, a.surveyId, a.answer
                """, question)
            {
                let year = Int(try row.int("fy")), n = Int(try row.int("n"))
                let satisfied = satisfiedBySurvey[try row.text("surveyId")]?.contains(try row.text("answer")) == true
                counts[year, default: (0, 0)].whole += n
                if satisfied { counts[year, default: (0, 0)].part += n }
            }
            let values = counts.keys.sorted().compactMap { year -> LiveYearValue? in
                let (part, whole) = counts[year]!
                return Share.percent(part, of: whole).map { LiveYearValue(year: FiscalYear(year), value: $0, numerator: part, denominator: whole) }
            }
            let text = try db.scalar("SELECT text FROM surveyQuestion WHERE code = ? ORDER BY surveyId DESC LIMIT 1", arguments: [question], as: String.self)
            return LiveIndicatorReading(
                source: .surveySatisfaction, detail: "設問\(question)\(text.map { "「\($0)」" } ?? "")（無回答を除く）", asOf: asOf, values: values)
        }
    }

    /// Copies issued at 行政サービスコーナー ÷ all copies issued, per fiscal year: the counts the ledger keeps as it
    /// goes (voided documents taken back out) and the counts kept for years before the ledger.
    static func serviceCornerShare(_ db: any SQLSession) throws -> [LiveYearValue] {
        try db.rows(
            """
            SELECT fiscalYear, sum(copies) AS total, sum(CASE WHEN place = 'serviceCorner' THEN copies ELSE 0 END) AS corner
            FROM issuanceCount GROUP BY fiscalYear ORDER BY fiscalYear
            """
        ).compactMap { row in
            let corner = Int(try row.int("corner")), total = Int(try row.int("total"))
            let year = FiscalYear(Int(try row.int("fiscalYear")))
            return Share.percent(corner, of: total).map { LiveYearValue(year: year, value: $0, numerator: corner, denominator: total) }
        }
    }

    /// The mean wait (minutes, to a tenth) of the tickets drawn in `month` at facilities of `kind`, per fiscal year:
    /// from drawing (a reservation: its check-in) to the first call, as the events recorded them. The numerator is the
    /// minutes waited in all, the denominator the tickets called. The kind is the facility's as last recorded.
    static func counterMeanWait(_ db: any SQLSession, kind: FacilityKind, month: Int) throws -> [LiveYearValue] {
        var sums: [Int: (minutes: Double, tickets: Int)] = [:]
        for row in try db.rows(
            """
            SELECT t.day AS day, t.issuedAt AS issuedAt,
              min(CASE WHEN e.kind = 'checkedIn' THEN e.at END) AS checkedIn,
              min(CASE WHEN e.kind = 'called' AND e.step = 0 THEN e.at END) AS called
            FROM queueTicket t JOIN facility f ON f.id = t.facilityId JOIN queueEvent e ON e.ticketId = t.id
            WHERE f.kind = ? AND substr(t.day, 6, 2) = ?
            GROUP BY t.id, t.day, t.issuedAt
            """, kind.rawValue, month < 10 ? "0\(month)" : String(month))
        {
            guard let calledText = try row.optionalText("called") else { continue }
            let from = try row.optionalText("checkedIn") ?? row.text("issuedAt")
            guard let queued = QueueRows.fastInstant(from) ?? Cards.instant(from),
                let called = QueueRows.fastInstant(calledText) ?? Cards.instant(calledText),
                let day = CivilDate.parseGregorian(try row.text("day"))
            else { throw SQLRow.unreadable("queueEvent.at") }
            let year = day.month < 4 ? day.year - 1 : day.year
            sums[year, default: (0, 0)].minutes += max(0, called.timeIntervalSince(queued)) / 60
            sums[year, default: (0, 0)].tickets += 1
        }
        return sums.keys.sorted().map { year in
            let (minutes, tickets) = sums[year]!
            let mean = (minutes / Double(tickets) * 10).rounded() / 10
            return LiveYearValue(
                year: FiscalYear(year), value: SheetNumber(String(format: "%.1f", mean)) ?? SheetNumber(Int(mean)),
                numerator: Int(minutes.rounded()), denominator: tickets)
        }
    }

    /// Copies a store issued with a smartphone's certificate ÷ all copies a store issued, per fiscal year (the
    /// ledger's counts: `channel:kiosk:smartphone` against `channel:kiosk` and it).
    static func storeSmartphoneShare(_ db: any SQLSession) throws -> [LiveYearValue] {
        try db.rows(
            """
            SELECT fiscalYear, sum(copies) AS total, sum(CASE WHEN place = 'channel:kiosk:smartphone' THEN copies ELSE 0 END) AS phone
            FROM issuanceCount WHERE place IN ('channel:kiosk', 'channel:kiosk:smartphone')
            GROUP BY fiscalYear ORDER BY fiscalYear
            """
        ).compactMap { row in
            let phone = Int(try row.int("phone")), total = Int(try row.int("total"))
            let year = FiscalYear(Int(try row.int("fiscalYear")))
            return Share.percent(phone, of: total).map { LiveYearValue(year: year, value: $0, numerator: phone, denominator: total) }
        }
    }
}
