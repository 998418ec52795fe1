import Foundation
import GRDB
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import MadoguchiImport
import Testing

@testable import MadoguchiDomain
@testable import MadoguchiServer
@testable import MadoguchiStore

/// The planners' pages and the public view, driven as a browser would.
@Suite("施策進行管理の画面")
struct PlanningPagesTests {
    static let sheets = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("data/sheets")
    static let cookie: HTTPFields = TestStaff.cookie("tester")
    static var formHeaders: HTTPFields { CounterPagesTests.formHeaders(as: "tester") }
    static let now = Date(timeIntervalSince1970: 1_795_000_000)

    static func seeded() throws -> (some ApplicationProtocol, MadoguchiDatabase) {
        let (app, db) = try ServerTests.app()
        for name in ["program-P1-1-3.tsv", "measure-72302000.txt"] {
            let bytes = [UInt8](try Data(contentsOf: sheets.appendingPathComponent(name)))
            let sheet = try SheetImporter().read(bytes).0
            try db.writer.write { d in try Sheets.save(GRDBSession(db: d), sheet, source: "import", author: "import", now: now) }
        }
        return (app, db)
    }

    /// A form as `login`'s browser posts it, with the session's CSRF token.
    static func form(_ pairs: [(String, String)], as login: String = "tester") -> ByteBuffer {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._")
        let pairs = pairs.contains { $0.0 == "csrf" } ? pairs : pairs + [("csrf", TestStaff.csrf(login))]
        return ByteBuffer(string: pairs.map { "\($0.0.addingPercentEncoding(withAllowedCharacters: allowed)!)=\($0.1.addingPercentEncoding(withAllowedCharacters: allowed)!)" }.joined(separator: "&"))
    }

    /// Every field of a form as the browser would send it unchanged: inputs, textareas, selected options.
    static func formFields(_ html: String) -> [(String, String)] {
        func unescape(_ s: String) -> String {
            s.replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&#39;", with: "'").replacingOccurrences(of: "&lt;", with: "<")
                .replacingOccurrences(of: "&gt;", with: ">").replacingOccurrences(of: "&amp;", with: "&")
        }
        func attribute(_ tag: Substring, _ name: String) -> String? {
            guard let r = tag.range(of: " \(name)=\"") else { return nil }
            return unescape(String(tag[r.upperBound...].prefix { $0 != "\"" }))
        }
        var out: [(String, String)] = []
        var rest = Substring(html)
        while let open = rest.firstIndex(of: "<") {
            rest = rest[open...]
            let tagEnd = rest.firstIndex(of: ">") ?? rest.endIndex
            let tag = rest[..<tagEnd]
            if tag.hasPrefix("<input"), let name = attribute(tag, "name") {
                out.append((name, attribute(tag, "value") ?? ""))
            } else if tag.hasPrefix("<textarea"), let name = attribute(tag, "name") {
                let body = rest[rest.index(after: tagEnd)...]
                out.append((name, unescape(String(body[..<body.range(of: "</textarea>")!.lowerBound]))))
            } else if tag.hasPrefix("<select"), let name = attribute(tag, "name") {
                let body = rest[rest.index(after: tagEnd)...]
                let select = body[..<body.range(of: "</select>")!.lowerBound]
                let selected = select.components(separatedBy: "<option").first { $0.contains(" selected") }
                out.append((name, selected.flatMap { attribute(Substring($0), "value") } ?? ""))
            }
            rest = rest.dropFirst()
        }
        return out
    }

    @Test("the editor's form, sent back unchanged, gives back the same sheet (both layouts)", arguments: ["P1-1-3", "72302000"])
    func unchangedRoundTrip(_ code: String) throws {
        let (_, db) = try Self.seeded()
        let stored = try db.writer.read { d in try Sheets.require(GRDBSession(db: d), code: code) }
        let html = SheetEditorForm(editor: SheetEditor(original: stored.sheet), version: stored.version).render(form: nil, problems: [])
        let fields = Dictionary(Self.formFields(html), uniquingKeysWith: { a, _ in a })
        let outcome = SheetEditor(original: stored.sheet).apply(fields)
        #expect(outcome.problems == [])
        #expect(SheetDiff.changes(from: stored.sheet, to: outcome.sheet) == [])
    }

    @Test("the editor adds an indicator (with its unit and live source) and an action item with its schedule")
    func addIndicatorAndItem() throws {
        let (_, db) = try Self.seeded()
        let stored = try db.writer.read { d in try Sheets.require(GRDBSession(db: d), code: "P1-1-3") }
        let html = SheetEditorForm(editor: SheetEditor(original: stored.sheet), version: stored.version).render(form: nil, problems: [])
        #expect(html.contains("指標を追加（④"))
        var fields = Dictionary(Self.formFields(html), uniquingKeysWith: { a, _ in a })
        for (k, v) in [
            ("ind.new.name", "行政サービスコーナーでの証明書発行件数の割合"), ("ind.new.unit", "%"), ("ind.new.direction", "higherIsBetter"),
            ("ind.new.y.0.year", "R6"), ("ind.new.y.0.plan", "15"), ("ind.new.live", "serviceCornerShare"),
            ("item.new.title", "窓口の混雑状況の公開"), ("item.new.cell.3", "準備"), ("item.new.cell.4", "実施"),
        ] { fields[k] = v }
        let outcome = SheetEditor(original: stored.sheet).apply(fields)
        #expect(outcome.problems == [])
        let added = try #require(outcome.sheet.indicators.last)
        #expect(added.number == 4 && added.unit == "%" && added.direction == .higherIsBetter)
        #expect(added.years == [IndicatorYear(year: FiscalYear(2024), plan: .number(SheetNumber("15")!))])
        #expect(added.live == LiveIndicatorDefinition(source: .serviceCornerShare))
        #expect(outcome.sheet.items.last?.title == "窓口の混雑状況の公開")
        #expect(outcome.sheet.items.last?.schedule.original.cells == [nil, nil, nil, .phases([.preparation]), .phases([.implementation])])
        fields["item.new.title"] = "実施方針の策定"
        #expect(SheetEditor(original: stored.sheet).apply(fields).problems.map(\.field) == ["item.new.title"])
    }

    @Test("the editor refuses what it cannot read, each message at its field; a good edit is a new version with its history")
    func editAndHistory() async throws {
        let (app, db) = try Self.seeded()
        let stored = try await db.writer.read { d in try Sheets.require(GRDBSession(db: d), code: "P1-1-3") }
        let html = SheetEditorForm(editor: SheetEditor(original: stored.sheet), version: stored.version).render(form: nil, problems: [])
        func with(_ changes: [(String, String)]) -> [(String, String)] {
            var fields = Self.formFields(html)
            for (name, value) in changes {
                if let i = fields.firstIndex(where: { $0.0 == name }) { fields[i].1 = value } else { fields.append((name, value)) }
            }
            return fields
        }
        let bad = Self.form(with([
            ("ind.0.y.3.actual", "61.0件"), ("ind.0.y.5.year", "平成三十一年"), ("ind.0.y.5.actual", "63"), ("item.2.change.cell.4", "たぶん"),
            ("author", "企画 太郎"),
        ]))
        let good = Self.form(with([
            ("ind.0.y.3.actual", "61.0%"), ("ind.0.y.5.year", "R1"), ("ind.0.y.5.actual", "63"), ("item.2.change.cell.4", "実施"),
            ("item.2.change.year", "令和元年度"), ("item.2.change.reason", "サービスコーナー化の結果を見て開庁時間を決めるため。"),
            ("note", "H29実績とR1の変更"),
        ]))
        try await app.test(.router) { client in
            try await client.execute(uri: "/planning/sheets/P1-1-3/edit", method: .post, headers: Self.formHeaders, body: bad) { response in
                #expect(response.status == .unprocessableContent)
                let page = String(buffer: response.body)
                #expect(page.contains("「61.0件」は数値として読めません"))
                #expect(page.contains("年度が読めません（平成三十一年）"))
                #expect(page.contains("「たぶん」はスケジュールの区分"))
                #expect(page.contains("変更理由を入力してください"))
                #expect(page.contains("value=\"61.0件\""), "what was typed is kept")
            }
            try await client.execute(uri: "/planning/sheets/P1-1-3/edit", method: .post, headers: Self.formHeaders, body: good) { response in
                #expect(response.status == .seeOther, "\(String(buffer: response.body).prefix(3000))")
            }
            try await client.execute(uri: "/planning/sheets/P1-1-3/history", method: .get, headers: Self.cookie) { response in
                let page = String(buffer: response.body)
                #expect(page.contains("第2版"))
                #expect(page.contains("編集 — tester、"), "the author is the signed-in account, not a field of the form")
                #expect(page.contains("「H29実績とR1の変更」"))
                #expect(page.contains("<code>indicators[0].years[3].actual</code></td><td>（なし）</td><td>61.0</td>"))
                #expect(page.contains("<code>items[2].schedule.revisions[1].reason</code>"))
            }
        }
        let saved = try await db.writer.read { d in try Sheets.require(GRDBSession(db: d), code: "P1-1-3") }
        #expect(saved.version == 2)
        #expect(saved.sheet.indicators[0].years.map(\.year.startYear) == [2014, 2015, 2016, 2017, 2018, 2019])
        #expect(saved.sheet.indicators[0].years[5].actual == .number(SheetNumber("63")!))
        #expect(saved.sheet.items[2].schedule.revisions.last?.changedIn == FiscalYear(2019))
        #expect(saved.sheet.items[2].schedule.revisions.last?.row.cells[4] == .phases([.implementation]))
        // The old version still reads back as it was.
        let first = try await db.writer.read { d in try Sheets.revisions(GRDBSession(db: d), code: "P1-1-3") }.first?.content
        #expect(first == stored.sheet)
    }

    @Test("review on the pages: 担当 submits, 課長 and 部長 approve, 外部評価 publishes; the public sees only published sheets")
    func reviewAndPublish() async throws {
        let (app, _) = try Self.seeded()
        try await app.test(.router) { client in
            try await client.execute(uri: "/sheets/72302000", method: .get) { response in
                #expect(response.status == .notFound)
            }
            try await client.execute(uri: "/planning", method: .get) { response in
                #expect(response.status == .seeOther)
                #expect(response.headers[.location] == "/planning/login")
            }
            try await client.execute(uri: "/planning", method: .get, headers: Self.cookie) { response in
                let page = String(buffer: response.body)
                #expect(page.contains("<span class=\"level\">基本政策</span>参加と協働による市民自治のまちづくり"))
                #expect(page.contains("<a href=\"/planning/sheets/72302000\">区役所と支所、出張所等の窓口サービス機能再編の取組</a>"))
                #expect(page.contains("<li data-code=\"72302000-01\"><span class=\"level\">事務事業</span>区役所窓口サービス機能の再編"))
            }
            // A counter clerk does not reach planning at all; a 部長 may not submit for the 担当.
            try await client.execute(uri: "/planning/sheets/72302000/review", method: .post, headers: CounterPagesTests.formHeaders(as: "clerk"),
                                     body: Self.form([("action", "submit"), ("version", "1")], as: "clerk")) { response in
                #expect(response.status == .forbidden)
            }
            try await client.execute(uri: "/planning/sheets/72302000/review", method: .post, headers: CounterPagesTests.formHeaders(as: "director"),
                                     body: Self.form([("action", "submit"), ("version", "1")], as: "director")) { response in
                #expect(response.status == .forbidden)
                #expect(String(buffer: response.body).contains("sheet.review.wrongRole"))
            }
            // tester holds every role, but one person takes one step of a round: having submitted, they may not approve.
            try await client.execute(uri: "/planning/sheets/72302000/review", method: .post, headers: Self.formHeaders,
                                     body: Self.form([("action", "submit"), ("comment", "2013年度の評価を記入"), ("version", "1")])) { response in
                #expect(response.status == .seeOther)
            }
            try await client.execute(uri: "/planning/sheets/72302000/review", method: .post, headers: Self.formHeaders,
                                     body: Self.form([("action", "approve"), ("version", "1")])) { response in
                #expect(response.status == .forbidden)
                #expect(String(buffer: response.body).contains("sheet.review.samePerson"))
            }
            for (login, comment) in [("chief", ""), ("director", "了承"), ("reviewer", "妥当")] {
                try await client.execute(uri: "/planning/sheets/72302000/review", method: .post, headers: CounterPagesTests.formHeaders(as: login),
                                         body: Self.form([("action", "approve"), ("comment", comment), ("version", "1")], as: login)) { response in
                    #expect(response.status == .seeOther, "approve by \(login)")
                }
            }
            try await client.execute(uri: "/planning/sheets/72302000", method: .get, headers: Self.cookie) { response in
                let page = String(buffer: response.body)
                #expect(page.contains("stage-published"))
                #expect(page.contains("reviewer"), "the history names who approved")
                #expect(page.contains("value=\"reopen\""))
            }
            try await client.execute(uri: "/sheets", method: .get) { response in
                let page = String(buffer: response.body)
                #expect(page.contains("/sheets/72302000"))
                #expect(!page.contains("/sheets/P1-1-3\""))
            }
            try await client.execute(uri: "/sheets/72302000", method: .get) { response in
                #expect(response.status == .ok)
                let page = String(buffer: response.body)
                #expect(page.contains("公表版（第1版"))
                #expect(page.contains("<svg"))
                #expect(!page.contains("/planning/sheets/72302000/edit"))
            }
            try await client.execute(uri: "/sheets/72302000/sheet.pdf", method: .get) { response in
                #expect(response.headers[.contentType] == "application/pdf")
                #expect(Array(String(buffer: response.body).utf8.prefix(5)) == Array("%PDF-".utf8))
            }
            try await client.execute(uri: "/sheets/opendata.csv?encoding=cp932", method: .get) { response in
                let bytes = Data(buffer: response.body)
                #expect(response.headers[.contentType] == "text/csv; charset=Shift_JIS")
                let text = try #require(String(data: bytes, encoding: .shiftJIS))
                #expect(text.contains("72302000,区役所と支所、出張所等の窓口サービス機能再編の取組,1,"))
                #expect(!text.contains("P1-1-3"))
            }
            try await client.execute(uri: "/sheets/opendata.json", method: .get) { response in
                let body = try ServerTests.json(response.body)
                #expect((body["values"] as? [[String: Any]])?.count == 6)
            }
        }
    }

    @Test("the activity log page feeds ③; bad input is shown back with its message")
    func activities() async throws {
        let (app, db) = try Self.seeded()
        try await app.test(.router) { client in
            try await client.execute(uri: "/planning/activities", method: .post, headers: Self.formHeaders,
                                     body: Self.form([("date", "令和8年4月10日"), ("center", "中央まちづくりセンター"), ("staff", "地域 花子"),
                                                      ("kind", "地域の会議への出席"), ("participants", "１５")])) { response in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body).contains("記録しました"))
            }
            try await client.execute(uri: "/planning/activities", method: .post, headers: Self.formHeaders,
                                     body: Self.form([("date", "4月31日"), ("center", ""), ("staff", "地域 花子"), ("kind", "相談対応"), ("participants", "多数")])) { response in
                #expect(response.status == .unprocessableContent)
                let page = String(buffer: response.body)
                #expect(page.contains("活動日が日付として読めません"))
                #expect(page.contains("参加人数は0以上の整数です"))
                #expect(page.contains("まちづくりセンターを入力してください"))
            }
            // The API records too, and refuses a bad date with a stable code.
            var json = ServerTests.bearer
            json[.contentType] = "application/json"
            try await client.execute(uri: "/api/v1/activities", method: .post, headers: json,
                                     body: ByteBuffer(string: #"{"staff":"地域 次郎","center":"北まちづくりセンター","date":"2026-05-01","kind":"相談対応","participants":3}"#)) { response in
                #expect(response.status == .created)
            }
            try await client.execute(uri: "/api/v1/activities", method: .post, headers: json,
                                     body: ByteBuffer(string: #"{"staff":"x","center":"y","date":"2026-13-01","kind":"z","participants":1}"#)) { response in
                #expect(response.status == .unprocessableContent)
                let error = try ServerTests.json(response.body)["error"] as? [String: Any]
                #expect(error?["code"] as? String == "activity.invalid")
            }
        }
        let reading = try await db.writer.read { d in
            try LiveIndicators.reading(GRDBSession(db: d), LiveIndicatorDefinition(source: .regionalStaffActivities), now: Self.now)
        }
        #expect(reading.values.map(\.value.text) == ["2"])
        #expect(reading.values.first?.year == FiscalYear(2026))
    }

    @Test("surveys: registered on the page, answers pasted as CSV; a bad answer names its line and records nothing")
    func surveys() async throws {
        let (app, db) = try Self.seeded()
        try await app.test(.router) { client in
            try await client.execute(uri: "/planning/surveys", method: .post, headers: Self.formHeaders,
                                     body: Self.form([("id", "2026-ward"), ("title", "令和8年度 区民アンケート"), ("year", "令和8年度"),
                                                      ("question", "ward-satisfaction"), ("text", "区役所の手続きに満足していますか"),
                                                      ("options", "満足、やや満足、どちらともいえない、やや不満、不満"), ("satisfied", "満足、やや満足")])) { response in
                #expect(String(buffer: response.body).contains("調査2026-wardを登録しました"))
            }
            try await client.execute(uri: "/planning/surveys/2026-ward/answers", method: .post, headers: Self.formHeaders,
                                     body: Self.form([("csv", "回答者ID,ward-satisfaction\na,1\nb,大満足\n")])) { response in
                #expect(response.status == .unprocessableContent)
                #expect(String(buffer: response.body).contains("3行目"))
            }
            try await client.execute(uri: "/planning/surveys/2026-ward/answers", method: .post, headers: Self.formHeaders,
                                     body: Self.form([("csv", "回答者ID,ward-satisfaction\na,1\nb,不満\nc,やや満足\n")])) { response in
                #expect(String(buffer: response.body).contains("3件の回答を取り込みました"))
            }
            // One paper questionnaire entered by hand; the same respondent twice is refused.
            try await client.execute(uri: "/planning/surveys/2026-ward/responses", method: .post, headers: Self.formHeaders,
                                     body: Self.form([("respondent", "ｄ"), ("q.ward-satisfaction", "満足")])) { response in
                #expect(String(buffer: response.body).contains("回答者dの回答を登録しました"))
            }
            try await client.execute(uri: "/planning/surveys/2026-ward/responses", method: .post, headers: Self.formHeaders,
                                     body: Self.form([("respondent", "d"), ("q.ward-satisfaction", "不満")])) { response in
                #expect(response.status == .unprocessableContent)
                #expect(String(buffer: response.body).contains("回答者dの回答は既にあります"))
            }
        }
        let reading = try await db.writer.read { d in
            try LiveIndicators.reading(GRDBSession(db: d), LiveIndicatorDefinition(source: .surveySatisfaction, question: "ward-satisfaction"), now: Self.now)
        }
        #expect(reading.values.map(\.value.text) == ["75.0"])  // 3 satisfied of 4
    }

    @Test("the sheet API: canonical JSON with its version; a stale PUT is a conflict; review by JSON")
    func api() async throws {
        let (app, _) = try Self.seeded()
        try await app.test(.router) { client in
            var body = ByteBuffer()
            try await client.execute(uri: "/api/v1/sheets/72302000", method: .get, headers: ServerTests.bearer) { response in
                #expect(response.headers[.eTag] == "\"v1\"")
                body = response.body
            }
            var put = ServerTests.bearer
            put[.contentType] = "application/json"
            try await client.execute(uri: "/api/v1/sheets/72302000", method: .put, headers: put, body: body) { response in
                #expect(response.status == .preconditionRequired)
            }
            put[.ifMatch] = "\"v1\""
            try await client.execute(uri: "/api/v1/sheets/72302000", method: .put, headers: put, body: body) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.eTag] == "\"v2\"")
            }
            try await client.execute(uri: "/api/v1/sheets/72302000", method: .put, headers: put, body: body) { response in
                #expect(response.status == .conflict)
            }
            var json = ServerTests.bearer
            json[.contentType] = "application/json"
            try await client.execute(uri: "/api/v1/sheets/72302000/review", method: .post, headers: json,
                                     body: ByteBuffer(string: #"{"action":"submit","version":2}"#)) { response in
                #expect(response.status == .ok)
                let stage = try ServerTests.json(response.body)["stage"] as? String
                #expect(stage == "sectionChief")
            }
            // The one who submitted may not approve; the 課長's own credential may.
            try await client.execute(uri: "/api/v1/sheets/72302000/review", method: .post, headers: json,
                                     body: ByteBuffer(string: #"{"action":"approve","version":2}"#)) { response in
                #expect(response.status == .forbidden)
            }
            var chief = TestStaff.bearer("chief")
            chief[.contentType] = "application/json"
            try await client.execute(uri: "/api/v1/sheets/72302000/review", method: .post, headers: chief,
                                     body: ByteBuffer(string: #"{"action":"approve","version":2}"#)) { response in
                #expect(response.status == .ok)
                let stage = try ServerTests.json(response.body)["stage"] as? String
                #expect(stage == "director")
            }
            try await client.execute(uri: "/api/v1/sheets/72302000", method: .put, headers: put, body: body) { response in
                #expect(response.status == .conflict)
                let error = try ServerTests.json(response.body)["error"] as? [String: Any]
                #expect(error?["code"] as? String == "sheet.versionConflict")
            }
            try await client.execute(uri: "/api/v1/sheets", method: .get) { response in
                #expect(response.status == .unauthorized)
            }
        }
    }
}
