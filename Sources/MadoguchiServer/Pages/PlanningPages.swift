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
        let nav = Views.render(PlanningNav(staff: staff), .planningNav)
        return HTML.response(
            HTML.page(title: title, cityName: cityName, body: nav + body, style: SheetHTML.style + Self.style, wide: true), status: status)
    }

    static var style: String { Views.Asset.planning.text }

    /// A step that could not be taken: why, and the way back.
    func problem(_ title: String, _ heading: String, _ e: MadoguchiError, back: PageLink, status: HTTPResponse.Status) -> Response {
        page(title, Views.render(PlanningProblem(heading: heading, code: e.code.rawValue, ja: e.ja, en: e.en, back: back), .planningProblem), status: status)
    }
}

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
        return page("計画体系", Views.render(PlanTreePage(nodes: nodes, sheets: sheets), .planTree))
    }

    @Sendable func importSheet(_ request: Request, context: Context) async throws -> Response {
        let form = try await FormData.read(request)
        let author = try context.actingStaff().login
        do {
            let (sheet, _) = try SheetImporter().read(Array((form["content"] ?? "").utf8))
            let now = clock.now()
            try await database.sheets.save(sheet, source: "import", author: author, now: now)
            return Self.redirect("/planning/sheets/\(sheet.code)")
        } catch let e as MadoguchiError {
            return problem("取込できません", "取り込めませんでした", e, back: PageLink(href: "/planning", text: "戻る"), status: .unprocessableContent)
        }
    }

    // MARK: A sheet, its review

    @Sendable func sheetPage(_ request: Request, context: Context) async throws -> Response {
        let code = try code(context)
        let now = clock.now()
        let stored = try await database.sheets.sheet(code: code)
        let reviews = try await database.sheets.reviews(code: code)
        let live = try await database.indicators.readings(for: stored.sheet, now: now)
        let page = PlanningSheetPage(
            stored: stored, reviews: reviews, me: try context.actingStaff(), body: SheetHTML.body(stored.sheet, options: .init(live: live)))
        return self.page(stored.sheet.title, Views.render(page, .planningSheet))
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
            return problem(
                "操作できません", "操作できませんでした", e, back: PageLink(href: "/planning/sheets/\(code)", text: "評価票に戻る"), status: APIError.status(for: e.code))
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
        return page("変更履歴", Views.render(SheetHistoryPage(code: code, revisions: revisions, reviews: reviews), .sheetHistory))
    }

    @Sendable func version(_ request: Request, context: Context) async throws -> Response {
        let code = try code(context)
        let v = context.parameters.get("version", as: Int.self) ?? 0
        let revisions = try await database.sheets.revisions(code: code)
        guard let r = revisions.first(where: { $0.version == v }) else {
            throw MadoguchiError(.sheetNotFound, ja: "評価票\(code)の第\(v)版はありません", en: "Sheet \(code) has no version \(v)")
        }
        let back = SheetBodyPage(
            note: "（第\(v)版、\(r.at)）", link: PageLink(href: "/planning/sheets/\(code)/history", text: "変更履歴に戻る"), body: SheetHTML.body(r.content))
        return page("第\(v)版", Views.render(back, .sheetBody))
    }

    // MARK: Public view

    @Sendable func publicList(_ request: Request, context: Context) async throws -> Response {
        let sheets = try await database.sheets.list(publishedOnly: true)
        return page("施策の進行管理・評価", Views.render(PublicSheetsPage(cityName: cityName, sheets: sheets), .publicSheets), staff: false)
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
        let shown = SheetBodyPage(
            note: "公表版（第\(version)版、\(at)公表）　", link: PageLink(href: "/sheets/\(code)/sheet.pdf", text: "PDFで見る"),
            body: SheetHTML.body(sheet, options: .init(live: live)), noteFirst: true)
        return page(sheet.title, Views.render(shown, .sheetBody), staff: false)
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
