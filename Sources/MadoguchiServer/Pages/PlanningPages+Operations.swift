import Foundation
import Hummingbird
import MadoguchiDomain
import MadoguchiImport
import MadoguchiStore

/// The entry pages of what live indicators count: the regional-staff activity log and the citizen surveys.
extension PlanningPages {
    @Sendable func activities(_ request: Request, context: Context) async throws -> Response {
        try await activitiesPage(form: [:], problems: [], status: .ok)
    }

    func activitiesPage(form: [String: String], problems: [SheetProblem], status: HTTPResponse.Status, saved: Bool = false) async throws -> Response {
        let page = ActivitiesPage(
            list: try await database.indicators.activities(limit: 50), form: form, problems: problems, saved: saved, today: clock.today)
        return self.page("地域活動の記録", Views.render(page, .activities), status: status)
    }

    @Sendable func addActivity(_ request: Request, context: Context) async throws -> Response {
        let form = Dictionary((try await FormData.read(request)).pairs, uniquingKeysWith: { a, _ in a })
        var problems: [SheetProblem] = []
        let date = CivilDate.parseGregorian(JapaneseText.normalized(form["date"] ?? "")) ?? (try? JapaneseDate.parse(form["date"] ?? "").gregorian)
        if date == nil { problems.append(SheetProblem(field: "date", ja: "活動日が日付として読めません（2026-11-21 や 令和8年11月21日）", en: "Not a date")) }
        let participantsText = JapaneseText.normalized(form["participants"] ?? "0")
        let participants = participantsText.isEmpty ? 0 : Int(participantsText)
        if participants == nil { problems.append(SheetProblem(field: "participants", ja: "参加人数は0以上の整数です", en: "Participants is a whole number")) }
        let note = (form["note"] ?? "").trimmingCharacters(in: .whitespaces)
        let activity = RegionalActivity(
            staff: form["staff"] ?? "", center: form["center"] ?? "", date: date ?? clock.today, kind: form["kind"] ?? "",
            participants: participants ?? 0, note: note.isEmpty ? nil : note)
        problems += activity.problems().filter { p in !problems.contains { $0.field == p.field } }
        guard problems.isEmpty else { return try await activitiesPage(form: form, problems: problems, status: .unprocessableContent) }
        let now = clock.now()
        let by = try context.actingStaff().login
        _ = try await database.indicators.record(activity, by: by, now: now)
        return try await activitiesPage(form: [:], problems: [], status: .ok, saved: true)
    }

    @Sendable func surveys(_ request: Request, context: Context) async throws -> Response {
        try await surveysPage(message: nil, status: .ok)
    }

    func surveysPage(message: (String, Bool)?, status: HTTPResponse.Status) async throws -> Response {
        let page = SurveysPage(list: try await database.indicators.surveys(), message: message)
        return self.page("市民アンケート", Views.render(page, .surveys), status: status)
    }

    @Sendable func createSurvey(_ request: Request, context: Context) async throws -> Response {
        let form = try await FormData.read(request)
        func list(_ key: String) -> [String] {
            (form[key] ?? "").split(whereSeparator: { "、,，".contains($0) }).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        }
        do {
            let year = try FiscalYear.parse(form["year"] ?? "", era: clock.today.year >= 2019 ? .reiwa : nil)
            let survey = Survey(
                id: (form["id"] ?? "").trimmingCharacters(in: .whitespaces), title: form["title"] ?? "", fiscalYear: year,
                questions: [SurveyQuestion(code: (form["question"] ?? "").trimmingCharacters(in: .whitespaces), text: form["text"] ?? "",
                                           options: list("options"), satisfied: list("satisfied"))])
            try await database.indicators.saveSurvey(survey)
            return try await surveysPage(message: ("調査\(survey.id)を登録しました。", true), status: .ok)
        } catch let e as MadoguchiError {
            return try await surveysPage(message: (e.ja, false), status: .unprocessableContent)
        }
    }

    @Sendable func addResponse(_ request: Request, context: Context) async throws -> Response {
        let id = context.parameters.get("id") ?? ""
        let form = try await FormData.read(request)
        let respondent = JapaneseText.normalized(form["respondent"] ?? "")
        let answers = Dictionary(form.pairs.filter { $0.0.hasPrefix("q.") }.map { (String($0.0.dropFirst(2)), $0.1) }, uniquingKeysWith: { a, _ in a })
        do {
            try await database.indicators.answer(surveyId: id, respondent: respondent, answers: answers)
            return try await surveysPage(message: ("回答者\(respondent)の回答を登録しました。", true), status: .ok)
        } catch let e as MadoguchiError {
            return try await surveysPage(message: ("登録できませんでした: \(e.ja)", false), status: .unprocessableContent)
        }
    }

    @Sendable func importAnswers(_ request: Request, context: Context) async throws -> Response {
        let id = context.parameters.get("id") ?? ""
        let form = try await FormData.read(request)
        let csv = Array((form["csv"] ?? "").utf8)
        do {
            let n = try await SurveyCSVImporter().run(csv, surveyId: id, into: database.indicators)
            return try await surveysPage(message: ("\(n)件の回答を取り込みました。", true), status: .ok)
        } catch let e as MadoguchiError {
            return try await surveysPage(message: ("取り込めませんでした（何も取り込んでいません）: \(e.ja)", false), status: .unprocessableContent)
        }
    }
}

/// The regional staff's activity log: the form (what was typed kept, each problem by its field) and the latest entries.
struct ActivitiesPage {
    struct Field {
        let name: String
        let label: String
        let value: String
        let problems: [String]
    }

    struct Row {
        let date: String
        let center: String
        let staff: String
        let kind: String
        let participants: Int
        let note: String
    }

    let saved: Bool
    let invalid: Bool
    let date: Field
    let center: Field
    let staff: Field
    let kind: Field
    let participants: Field
    let note: Field
    let kinds: [String]
    let rows: [Row]
    let hasRows: Bool

    init(list: [RegionalActivity], form: [String: String], problems: [SheetProblem], saved: Bool, today: CivilDate) {
        func field(_ name: String, _ label: String, _ fallback: String = "") -> Field {
            Field(name: name, label: label, value: form[name] ?? fallback, problems: problems.filter { $0.field == name }.map(\.ja))
        }
        self.saved = saved
        invalid = !problems.isEmpty
        date = field("date", "活動日", today.description)
        center = field("center", "まちづくりセンター")
        staff = field("staff", "地域担当職員")
        kind = field("kind", "活動の種類")
        participants = field("participants", "参加人数", "0")
        note = field("note", "メモ")
        kinds = RegionalActivity.commonKinds
        rows = list.map { Row(date: $0.date.description, center: $0.center, staff: $0.staff, kind: $0.kind, participants: $0.participants, note: $0.note ?? "") }
        hasRows = !rows.isEmpty
    }
}

/// The citizen surveys: each with its questions and responses, a form for one paper response and one for a CSV of
/// them, and the form for a new survey.
struct SurveysPage {
    struct Question {
        let code: String
        let text: String
        let satisfied: String
        let options: [String]
    }

    struct Entry {
        let id: String
        let title: String
        let year: String
        let questions: [Question]
        let responses: Int
        let csvHead: String
    }

    let message: String?
    let failed: Bool
    let surveys: [Entry]
    let hasSurveys: Bool

    /// - Parameter message: what the last step did, and whether it went well
    init(list: [(Survey, responses: Int)], message: (String, Bool)?) {
        self.message = message?.0
        failed = message.map { !$0.1 } ?? false
        surveys = list.map { s, n in
            Entry(
                id: s.id, title: s.title, year: s.fiscalYear.japaneseDescription,
                questions: s.questions.map { Question(code: $0.code, text: $0.text, satisfied: $0.satisfied.joined(separator: "・"), options: $0.options) },
                responses: n, csvHead: "回答者ID," + s.questions.map(\.code).joined(separator: ","))
        }
        hasSurveys = !surveys.isEmpty
    }
}
