import Foundation
import Hummingbird
import MadoguchiDocuments
import MadoguchiDomain
import MadoguchiImport
import MadoguchiIssuance
import MadoguchiStore

/// The planners' pages (施策進行管理): the plan tree, each sheet with its review, the editor, the change
/// history, the activity log and the surveys; and the public's read-only view of published sheets with
/// their open data.
struct PlanningPages<Context: StaffContext> {
    let database: MadoguchiDatabase
    let clock: MadoguchiClock
    let cityName: String
    let staff: StaffService
    var secureCookie = false

    func addRoutes(to router: Router<Context>) {
        router.get("/sheets", use: publicList)
        router.get("/sheets/opendata.csv", use: openDataCSV)
        router.get("/sheets/opendata.json", use: openDataJSON)
        router.get("/sheets/:code", use: publicSheet)
        router.get("/sheets/:code/sheet.pdf", use: publicPDF)
        router.get("/planning/login", use: loginPage)
        router.post("/planning/login", use: login)
        let planning = router.group("planning")
        planning.get("", use: tree)
        planning.post("import", use: importSheet)
        planning.get("sheets/:code", use: sheetPage)
        planning.get("sheets/:code/sheet.pdf", use: draftPDF)
        planning.get("sheets/:code/sheet.json", use: draftJSON)
        planning.get("sheets/:code/edit", use: editPage)
        planning.post("sheets/:code/edit", use: save)
        planning.post("sheets/:code/review", use: review)
        planning.get("sheets/:code/history", use: history)
        planning.get("sheets/:code/versions/:version", use: version)
        planning.get("activities", use: activities)
        planning.post("activities", use: addActivity)
        planning.get("surveys", use: surveys)
        planning.post("surveys", use: createSurvey)
        planning.post("surveys/:id/answers", use: importAnswers)
        planning.post("surveys/:id/responses", use: addResponse)
    }

    func page(_ title: String, _ body: String, status: HTTPResponse.Status = .ok, staff: Bool = true) -> Response {
        let nav = staff
            ? "<nav>\(StaffSignIn.logoutForm(base: "/planning"))<a href=\"/planning\">計画体系・評価票</a><a href=\"/planning/activities\">地域活動の記録</a><a href=\"/planning/surveys\">市民アンケート</a><a href=\"/sheets\">公表ページ</a></nav>"
            : "<nav><a href=\"/sheets\">施策の進行管理・評価</a><a href=\"/sheets/opendata.csv\">オープンデータ（CSV）</a><a href=\"/sheets/opendata.json\">（JSON）</a></nav>"
        return HTML.response(
            HTML.page(title: title, cityName: cityName, body: nav + body, style: SheetHTML.style + Self.style, wide: true), status: status)
    }

    static var style: String { planningStyle }
}

private let planningStyle = """
        .stage{display:inline-block;padding:0 .5em;border-radius:.3em;background:#eef3f8;font-size:.9em}
        .stage-published{background:#d8f0d8}.problems{color:#b00020}.problem{color:#b00020;font-size:.9em;display:block}
        .tree ul{list-style:none;padding-left:1.2em}.tree li{margin:.2em 0}.level{color:#555;font-size:.85em;margin-right:.4em}
        form.editor input[type=text]{width:7em}form.editor input.wide,form.editor textarea{width:100%}
        form.editor textarea{min-height:5em}fieldset{margin:1em 0;border:1px solid #bbb}legend{font-weight:bold}
        .actions form{display:inline-block;margin-right:1em}.changes td{font-size:.9em}
        @media print{header,nav,.actions{display:none}main{padding:0}}
        """

extension PlanningPages {

    func code(_ context: Context) throws -> String {
        guard let code = context.parameters.get("code"), !code.isEmpty else {
            throw MadoguchiError(.sheetNotFound, ja: "評価票が指定されていません", en: "No sheet code")
        }
        return code
    }

    static func redirect(_ location: String, cookie: String? = nil) -> Response { StaffSignIn.redirect(location, cookie: cookie) }

    var signIn: StaffSignIn { StaffSignIn(base: "/planning", title: "施策進行管理", cityName: cityName, staff: staff, secureCookie: secureCookie) }

    // MARK: Sign-in

    @Sendable func loginPage(_ request: Request, context: Context) async throws -> Response { signIn.page() }

    @Sendable func login(_ request: Request, context: Context) async throws -> Response { try await signIn.login(request) }

    // MARK: The plan tree

    @Sendable func tree(_ request: Request, context: Context) async throws -> Response {
        let (nodes, sheets) = (try await database.sheets.tree(), try await database.sheets.list())
        let byCode = Dictionary(uniqueKeysWithValues: sheets.map { ($0.code, $0) })
        var children: [String?: [PlanNode]] = [:]
        for node in nodes { children[node.parentCode, default: []].append(node) }
        func list(_ parent: String?) -> String {
            guard let nodes = children[parent], !nodes.isEmpty else { return "" }
            return "<ul>" + nodes.map { node in
                var line = "<span class=\"level\">\(node.level.japanese)</span>\(HTML.escape(node.number.map { "\($0) " } ?? ""))"
                if let s = byCode[node.code] {
                    line += "<a href=\"/planning/sheets/\(HTML.escape(node.code))\">\(HTML.escape(node.title))</a> \(stage(s.stage)) 第\(s.version)版"
                } else {
                    line += HTML.escape(node.title)
                }
                return "<li data-code=\"\(HTML.escape(node.code))\">\(line)\(list(node.code))</li>"
            }.joined() + "</ul>"
        }
        let body = """
            <h1>計画体系と施策進行管理・評価票</h1>
            <div class="tree">\(nodes.isEmpty ? "<p>評価票はまだありません。下から取り込んでください。</p>" : list(nil))</div>
            <h2>評価票の取込</h2>
            <p>プログラム進行管理票のTSV、施策進行管理・評価票のテキスト、正規JSONのいずれかを貼り付けてください。同じコードの評価票は新しい版になります。</p>
            <form method="post" action="/planning/import">
            <p><textarea name="content" rows="6" style="width:100%" required></textarea></p>
            <p><button type="submit">取り込む</button></p>
            </form>
            """
        return page("計画体系", body)
    }

    func stage(_ s: ReviewStage) -> String { "<span class=\"stage stage-\(s.rawValue)\">\(s.japanese)</span>" }

    @Sendable func importSheet(_ request: Request, context: Context) async throws -> Response {
        let form = try await FormData.read(request)
        let author = try context.actingStaff().login
        do {
            let (sheet, _) = try SheetImporter().read(Array((form["content"] ?? "").utf8))
            let now = clock.now()
            try await database.sheets.save(sheet, source: "import", author: author, now: now)
            return Self.redirect("/planning/sheets/\(sheet.code)")
        } catch let e as MadoguchiError {
            return page("取込できません", "<h1>取り込めませんでした</h1><p class=\"problems\" role=\"alert\">\(HTML.escape(e.ja))<br>\(HTML.escape(e.en))</p><p><a href=\"/planning\">戻る</a></p>",
                        status: .unprocessableContent)
        }
    }

    // MARK: A sheet, its review

    @Sendable func sheetPage(_ request: Request, context: Context) async throws -> Response {
        let code = try code(context)
        let now = clock.now()
        let stored = try await database.sheets.sheet(code: code)
        let reviews = try await database.sheets.reviews(code: code)
        let live = try await database.indicators.readings(for: stored.sheet, now: now)
        let e = HTML.escape
        let me = try context.actingStaff()
        // The actions of this stage, for whoever holds the stage's role.
        let mayAct = me.has(stored.stage.actor.staffRole)
        let actions = ReviewAction.allCases.filter { (try? ReviewWorkflow.next(from: stored.stage, action: $0, by: stored.stage.actor)) != nil }
        let forms = mayAct ? actions.map { action -> String in
            """
            <form method="post" action="/planning/sheets/\(e(code))/review">
            <input type="hidden" name="action" value="\(action.rawValue)"><input type="hidden" name="version" value="\(stored.version)">
            <label>コメント <input name="comment" class="wide"\(action == .sendBack ? " required" : "")></label>
            <button type="submit">\(action.japanese)</button>（\(e(me.displayName))・\(stored.stage.actor.japanese)として）
            </form>
            """
        }.joined(separator: "\n") : "<p>この段階の操作は\(stored.stage.actor.japanese)が行います。</p>"
        let last = reviews.last.map { "最終操作: \(e($0.role.japanese)) \(e($0.author))（\(e($0.action.japanese))、\(e($0.at))）\($0.comment.map { "「\(e($0))」" } ?? "")" } ?? ""
        let body = """
            <h1>\(e(stored.sheet.code)) \(e(stored.sheet.title))</h1>
            <p>段階: \(stage(stored.stage)) 第\(stored.version)版（\(e(stored.updatedAt))、\(e(stored.updatedBy))）\(stored.publishedVersion.map { "／公表中: 第\($0)版" } ?? "")</p>
            <p>\(last)</p>
            <p>\(ReviewWorkflow.isEditable(stored.stage) ? "<a href=\"/planning/sheets/\(e(code))/edit\">編集する</a>　" : "")<a href="/planning/sheets/\(e(code))/history">変更履歴</a>　<a href="/planning/sheets/\(e(code))/sheet.pdf">PDF</a>　<a href="/planning/sheets/\(e(code))/sheet.json">JSON</a>\(stored.publishedVersion != nil ? "　<a href=\"/sheets/\(e(code))\">公表ページ</a>" : "")</p>
            <section class="actions"><h2>進行管理（担当 → 課長 → 部長 → 外部評価 → 公表）</h2>\(forms)</section>
            \(SheetHTML.body(stored.sheet, options: .init(live: live)))
            """
        return page(stored.sheet.title, body)
    }

    @Sendable func review(_ request: Request, context: Context) async throws -> Response {
        let code = try code(context)
        let form = try await FormData.read(request)
        guard let action = ReviewAction(rawValue: form["action"] ?? "") else {
            throw MadoguchiError(.badRequest, ja: "操作が正しくありません", en: "Bad review action")
        }
        let me = try context.actingStaff()
        let comment = form["comment"], version = Int(form["version"] ?? "")
        let now = clock.now()
        do {
            _ = try await SheetReview.perform(database.sheets, code: code, action: action, by: me, comment: comment, expectedVersion: version, now: now)
        } catch let e as MadoguchiError {
            return page("操作できません", "<h1>操作できませんでした</h1><p class=\"problems\" role=\"alert\" data-code=\"\(e.code.rawValue)\">\(HTML.escape(e.ja))<br>\(HTML.escape(e.en))</p><p><a href=\"/planning/sheets/\(HTML.escape(code))\">評価票に戻る</a></p>",
                        status: APIError.status(for: e.code))
        }
        return Self.redirect("/planning/sheets/\(code)")
    }

    @Sendable func draftPDF(_ request: Request, context: Context) async throws -> Response {
        let code = try code(context)
        let now = clock.now()
        let sheet = try await database.sheets.sheet(code: code).sheet
        let live = try await database.indicators.readings(for: sheet, now: now)
        return PDFResponse.make(id: code, bytes: try await blocking { try SheetPDF.render(sheet, options: .init(live: live)) })
    }

    @Sendable func draftJSON(_ request: Request, context: Context) async throws -> Response {
        let code = try code(context)
        let sheet = try await database.sheets.sheet(code: code).sheet
        var headers = HTTPFields()
        headers[.contentType] = "application/json; charset=utf-8"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(data: CanonicalSheetJSON.encode(sheet))))
    }

    // MARK: The editor

    @Sendable func editPage(_ request: Request, context: Context) async throws -> Response {
        let code = try code(context)
        let stored = try await database.sheets.sheet(code: code)
        guard ReviewWorkflow.isEditable(stored.stage) else { return Self.redirect("/planning/sheets/\(code)") }
        return page("編集: \(stored.sheet.title)", SheetEditorForm(editor: SheetEditor(original: stored.sheet), version: stored.version).render(form: nil, problems: []))
    }

    @Sendable func save(_ request: Request, context: Context) async throws -> Response {
        let code = try code(context)
        let form = try await FormData.read(request)
        let fields = Dictionary(form.pairs, uniquingKeysWith: { a, _ in a })
        let stored = try await database.sheets.sheet(code: code)
        let editor = SheetEditor(original: stored.sheet)
        let version = Int(fields["version"] ?? "") ?? stored.version
        var outcome = editor.apply(fields)
        let author = try context.actingStaff().login
        if outcome.problems.isEmpty {
            let sheet = outcome.sheet, note = fields["note"].flatMap { $0.isEmpty ? nil : $0 }, now = clock.now()
            do {
                try await database.sheets.save(sheet, source: "edit", author: author, note: note, expectedVersion: version, now: now)
                return Self.redirect("/planning/sheets/\(code)")
            } catch let e as MadoguchiError {
                outcome.problems.append(SheetProblem(field: "", ja: e.ja, en: e.en))
            }
        }
        let html = SheetEditorForm(editor: editor, version: version).render(form: fields, problems: outcome.problems)
        return page("編集: \(stored.sheet.title)", html, status: .unprocessableContent)
    }

    // MARK: History

    @Sendable func history(_ request: Request, context: Context) async throws -> Response {
        let code = try code(context)
        let (revisions, reviews) = (try await database.sheets.revisions(code: code), try await database.sheets.reviews(code: code))
        guard !revisions.isEmpty else { throw MadoguchiError(.sheetNotFound, ja: "評価票\(code)はありません", en: "No sheet \(code)") }
        let e = HTML.escape
        var rows = ""
        for (i, r) in revisions.enumerated().reversed() {
            let changes = i == 0 ? [] : SheetDiff.changes(from: revisions[i - 1].content, to: r.content)
            let list = changes.prefix(40).map { "<tr><td><code>\(e($0.field))</code></td><td>\(e($0.before ?? "（なし）"))</td><td>\(e($0.after ?? "（削除）"))</td></tr>" }.joined()
            rows += """
                <h3>第\(r.version)版 <a href="/planning/sheets/\(e(code))/versions/\(r.version)">表示</a></h3>
                <p>\(r.source == "import" ? "取込" : "編集") — \(e(r.author))、\(e(r.at))\(r.note.map { "「\(e($0))」" } ?? "")</p>
                \(i == 0 ? "" : changes.isEmpty ? "<p>内容の変更なし</p>" : "<table class=\"changes\"><tr><th>項目</th><th>変更前</th><th>変更後</th></tr>\(list)</table>\(changes.count > 40 ? "<p>ほか\(changes.count - 40)項目</p>" : "")")
                """
        }
        let steps = reviews.map {
            "<tr><td>第\($0.version)版</td><td>\(e($0.fromStage.japanese)) → \(e($0.toStage.japanese))</td><td>\(e($0.action.japanese))</td><td>\(e($0.role.japanese)) \(e($0.author))</td><td>\(e($0.comment ?? ""))</td><td>\(e($0.at))</td></tr>"
        }.joined()
        let body = """
            <h1>変更履歴: \(e(code)) \(e(revisions.last!.content.title))</h1>
            <p><a href="/planning/sheets/\(e(code))">評価票に戻る</a></p>
            <h2>進行管理の記録</h2>
            \(reviews.isEmpty ? "<p>まだありません。</p>" : "<table><tr><th>版</th><th>段階</th><th>操作</th><th>担当者</th><th>コメント</th><th>日時</th></tr>\(steps)</table>")
            <h2>版の記録</h2>
            \(rows)
            """
        return page("変更履歴", body)
    }

    @Sendable func version(_ request: Request, context: Context) async throws -> Response {
        let code = try code(context)
        let v = context.parameters.get("version", as: Int.self) ?? 0
        let revisions = try await database.sheets.revisions(code: code)
        guard let r = revisions.first(where: { $0.version == v }) else {
            throw MadoguchiError(.sheetNotFound, ja: "評価票\(code)の第\(v)版はありません", en: "Sheet \(code) has no version \(v)")
        }
        return page("第\(v)版", "<p><a href=\"/planning/sheets/\(HTML.escape(code))/history\">変更履歴に戻る</a>（第\(v)版、\(HTML.escape(r.at))）</p>" + SheetHTML.body(r.content))
    }

    // MARK: Public view

    @Sendable func publicList(_ request: Request, context: Context) async throws -> Response {
        let sheets = try await database.sheets.list(publishedOnly: true)
        let rows = sheets.map {
            "<tr><td>\(HTML.escape($0.code))</td><td><a href=\"/sheets/\(HTML.escape($0.code))\">\(HTML.escape($0.title))</a></td><td>\($0.layout.japanese)</td></tr>"
        }.joined()
        let body = """
            <h1>施策の進行管理・評価</h1>
            <p>\(HTML.escape(cityName))が公表している施策進行管理・評価票です。指標の値はオープンデータ（<a href="/sheets/opendata.csv">CSV UTF-8</a>・<a href="/sheets/opendata.csv?encoding=cp932">CSV Shift_JIS</a>・<a href="/sheets/opendata.json">JSON</a>、CC BY 4.0）でも提供しています。</p>
            \(sheets.isEmpty ? "<p>公表している評価票はまだありません。</p>" : "<table><tr><th>コード</th><th>施策・プログラム</th><th>様式</th></tr>\(rows)</table>")
            """
        return page("施策の進行管理・評価", body, staff: false)
    }

    func published(_ code: String) async throws -> (EvaluationSheet, Int, String, [Int: LiveIndicatorReading]) {
        let now = clock.now()
        guard let p = try await database.sheets.published(code: code) else {
            throw MadoguchiError(.sheetNotFound, ja: "評価票\(code)は公表されていません", en: "Sheet \(code) is not published")
        }
        return (p.sheet, p.version, p.at, try await database.indicators.readings(for: p.sheet, now: now))
    }

    @Sendable func publicSheet(_ request: Request, context: Context) async throws -> Response {
        let code = try code(context)
        let (sheet, version, at, live) = try await published(code)
        let body = """
            <p>公表版（第\(version)版、\(HTML.escape(at))公表）　<a href="/sheets/\(HTML.escape(code))/sheet.pdf">PDFで見る</a></p>
            \(SheetHTML.body(sheet, options: .init(live: live)))
            """
        return page(sheet.title, body, staff: false)
    }

    @Sendable func publicPDF(_ request: Request, context: Context) async throws -> Response {
        let code = try code(context)
        let (sheet, _, _, live) = try await published(code)
        return PDFResponse.make(id: code, bytes: try await blocking { try SheetPDF.render(sheet, options: .init(live: live)) })
    }

    func openDataRows() async throws -> ([IndicatorOpenData.Row], String) {
        let now = clock.now()
        return (try await database.indicators.openData(now: now), LedgerRecord.timestamp(now))
    }

    @Sendable func openDataCSV(_ request: Request, context: Context) async throws -> Response {
        let (rows, _) = try await openDataRows()
        let cp932 = request.uri.queryParameters.get("encoding")?.lowercased() == "cp932"
        let bytes = try TextEncoding.encode(IndicatorOpenData.csv(rows), as: cp932 ? .cp932 : .utf8)
        var headers = HTTPFields()
        headers[.contentType] = "text/csv; charset=\(cp932 ? "Shift_JIS" : "utf-8")"
        headers[.contentDisposition] = "attachment; filename=\"indicators\(cp932 ? "-sjis" : "").csv\""
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    @Sendable func openDataJSON(_ request: Request, context: Context) async throws -> Response {
        let (rows, at) = try await openDataRows()
        var headers = HTTPFields()
        headers[.contentType] = "application/json; charset=utf-8"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(data: IndicatorOpenData.json(rows, generatedAt: at))))
    }
}

/// A review step by a signed-in account: it acts in the role the sheet's stage needs, which it must hold, and under its
/// own login, so that the four steps of a round need four people (`ReviewWorkflow.checkSeparation`).
enum SheetReview {
    static func perform(
        _ sheets: any SheetStore, code: String, action: ReviewAction, by staff: StaffIdentity, comment: String?, expectedVersion: Int?,
        now: Date
    ) async throws -> StoredSheet {
        try await sheets.review(
            code: code, action: action, author: staff.login, comment: comment, expectedVersion: expectedVersion, now: now
        ) { role in
            guard staff.has(role.staffRole) else {
                throw MadoguchiError(
                    .reviewWrongRole, ja: "この段階で操作できるのは\(role.japanese)です", en: "At this stage only the \(role.rawValue) acts")
            }
        }
    }
}
