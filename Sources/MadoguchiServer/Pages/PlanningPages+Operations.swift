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
        let list = try await database.indicators.activities(limit: 50)
        let e = HTML.escape
        func field(_ name: String, _ label: String, _ input: String) -> String {
            let messages = problems.filter { $0.field == name }.map { "<span class=\"problem\" role=\"alert\">\(e($0.ja))</span>" }.joined()
            return "<p><label>\(label) \(input)</label>\(messages)</p>"
        }
        let today = clock.today.description
        let kinds = RegionalActivity.commonKinds.map { "<option value=\"\(e($0))\">" }.joined()
        let rows = list.map {
            "<tr><td>\($0.date)</td><td>\(e($0.center))</td><td>\(e($0.staff))</td><td>\(e($0.kind))</td><td class=\"num\">\($0.participants)</td><td>\(e($0.note ?? ""))</td></tr>"
        }.joined()
        let body = """
            <h1>まちづくりセンター地域担当職員の活動記録</h1>
            <p>ここに記録した活動の件数が、指標「まちづくりセンター地域担当職員の地域での活動件数」に年度ごとに自動集計されます。</p>
            \(saved ? "<p role=\"status\">記録しました。</p>" : "")
            \(problems.isEmpty ? "" : "<p class=\"problems\" role=\"alert\">入力を確かめてください。</p>")
            <form method="post" action="/planning/activities">
            \(field("date", "活動日", "<input type=\"date\" name=\"date\" value=\"\(e(form["date"] ?? today))\" required>"))
            \(field("center", "まちづくりセンター", "<input name=\"center\" value=\"\(e(form["center"] ?? ""))\" required>"))
            \(field("staff", "地域担当職員", "<input name=\"staff\" value=\"\(e(form["staff"] ?? ""))\" required>"))
            \(field("kind", "活動の種類", "<input name=\"kind\" list=\"kinds\" value=\"\(e(form["kind"] ?? ""))\" required><datalist id=\"kinds\">\(kinds)</datalist>"))
            \(field("participants", "参加人数", "<input type=\"number\" name=\"participants\" min=\"0\" value=\"\(e(form["participants"] ?? "0"))\">"))
            \(field("note", "メモ", "<input name=\"note\" class=\"wide\" value=\"\(e(form["note"] ?? ""))\">"))
            <p><button type="submit">記録する</button></p>
            </form>
            <h2>最近の活動</h2>
            \(list.isEmpty ? "<p>まだ記録はありません。</p>" : "<table><tr><th>活動日</th><th>センター</th><th>職員</th><th>種類</th><th>参加人数</th><th>メモ</th></tr>\(rows)</table>")
            """
        return page("地域活動の記録", body, status: status)
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
        let list = try await database.indicators.surveys()
        let e = HTML.escape
        let rows = list.map { (s, n) in
            """
            <tr><td>\(e(s.id))</td><td>\(e(s.title))</td><td>\(e(s.fiscalYear.japaneseDescription))</td>
            <td>\(s.questions.map { "<code>\(e($0.code))</code> \(e($0.text))（満足: \(e($0.satisfied.joined(separator: "・"))))" }.joined(separator: "<br>"))</td>
            <td class="num">\(n)</td></tr>
            <tr><td colspan="5"><form method="post" action="/planning/surveys/\(e(s.id))/responses" class="response">
            調査票を1枚ずつ入力: <label>回答者ID <input name="respondent" required></label>
            \(s.questions.map { q in
                "<label>\(e(q.code)) <select name=\"q.\(e(q.code))\"><option value=\"\">無回答</option>"
                    + q.options.map { "<option value=\"\(e($0))\">\(e($0))</option>" }.joined() + "</select></label>"
            }.joined(separator: " "))
            <button type="submit">1件登録</button></form>
            <form method="post" action="/planning/surveys/\(e(s.id))/answers">
            回答のCSV（1行目: 回答者ID,\(e(s.questions.map(\.code).joined(separator: ",")))）<textarea name="csv" rows="3" style="width:100%" required></textarea>
            <button type="submit">回答を取り込む</button></form></td></tr>
            """
        }.joined()
        let body = """
            <h1>市民アンケート</h1>
            <p>設問ごとに「満足」に数える選択肢を決めておくと、満足している市民の割合が年度ごとに指標へ自動集計されます。</p>
            \(message.map { "<p class=\"\($0.1 ? "" : "problems")\" role=\"\($0.1 ? "status" : "alert")\">\(e($0.0))</p>" } ?? "")
            \(list.isEmpty ? "<p>調査はまだありません。</p>" : "<table><tr><th>ID</th><th>調査名</th><th>年度</th><th>設問</th><th>回答数</th></tr>\(rows)</table>")
            <h2>調査を登録する</h2>
            <form method="post" action="/planning/surveys">
            <p><label>調査ID（英数字） <input name="id" required pattern="[A-Za-z0-9-]+"></label> <label>調査名 <input name="title" required></label>
            <label>年度 <input name="year" required placeholder="令和8年度"></label></p>
            <p><label>設問コード <input name="question" required placeholder="ward-satisfaction"></label> <label>設問文 <input name="text" class="wide" required></label></p>
            <p><label>選択肢（、区切り） <input name="options" class="wide" value="満足、やや満足、どちらともいえない、やや不満、不満" required></label></p>
            <p><label>「満足」に数える選択肢（、区切り） <input name="satisfied" value="満足、やや満足" required></label></p>
            <p><button type="submit">登録する</button></p>
            </form>
            """
        return page("市民アンケート", body, status: status)
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
