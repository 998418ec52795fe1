import Foundation
import Hummingbird
import MadoguchiDomain
import MadoguchiIssuance
import MadoguchiStore

/// The clerk's web flow at the window: find the resident → choose the certificate → the requester and the
/// documents checked → preview → issue → print. 書かない窓口: the request form is filled from the registry;
/// the resident only checks it and signs.
struct CounterPages<Context: StaffContext> {
    let registry: RegistryRepository
    let service: IssuanceService
    let clock: MadoguchiClock
    let cityName: String
    let staff: StaffService
    let trail: AuditTrail
    var secureCookie = false

    func addRoutes(to router: Router<Context>) {
        router.get("/counter/login", use: loginPage)
        router.post("/counter/login", use: login)
        let counter = router.group("counter")
        counter.get("", use: search)
        counter.post("purpose", use: choosePurpose)
        counter.get("residents/:id", use: requestForm)
        counter.post("residents/:id/preview", use: preview)
        counter.post("issue", use: issue)
        counter.get("certificates/:id", use: certificate)
        counter.get("certificates/:id/document.pdf", use: document)
        counter.post("certificates/:id/reprint", use: reprint)
        counter.post("certificates/:id/void", use: void)
    }

    func page(_ title: String, _ body: String, status: HTTPResponse.Status = .ok, style: String = "") -> Response {
        HTML.response(
            HTML.page(title: title, cityName: cityName, body: "<p>\(StaffSignIn.logoutForm(base: "/counter"))<a href=\"/counter\">窓口業務</a></p>" + body, style: style),
            status: status)
    }

    static func redirect(_ location: String, cookie: String? = nil) -> Response { StaffSignIn.redirect(location, cookie: cookie) }

    var signIn: StaffSignIn { StaffSignIn(base: "/counter", title: "窓口業務", cityName: cityName, staff: staff, secureCookie: secureCookie) }

    // MARK: Sign-in

    @Sendable func loginPage(_ request: Request, context: Context) async throws -> Response { signIn.page() }

    @Sendable func login(_ request: Request, context: Context) async throws -> Response { try await signIn.login(request) }

    // MARK: Find the resident

    @Sendable func search(_ request: Request, context: Context) async throws -> Response {
        let q = request.uri.queryParameters.get("q") ?? ""
        var results = ""
        if !q.isEmpty {
            let rows = try await blocking { try registry.search(ResidentQuery(text: q)) }
            try await trail.record(request, context, .search, subjects: rows.map(\.id), query: q)
            results = rows.isEmpty ? "<p>該当する住民はいません。</p>" : """
                <table><thead><tr><th>氏名</th><th>フリガナ</th><th>生年月日</th><th>住所</th><th>状態</th></tr></thead><tbody>
                \(rows.map { r in
                    "<tr><td><a href=\"/counter/residents/\(r.id)\">\(HTML.escape(r.name.full))</a></td><td>\(HTML.escape(r.name.fullKana))</td>"
                        + "<td>\(HTML.escape((try? JapaneseDate(r.birthDate).description) ?? r.birthDate.description))</td>"
                        + "<td>\(HTML.escape(r.address))</td><td>\(r.removed ? "除票" : "")</td></tr>"
                }.joined(separator: "\n"))
                </tbody></table>
                """
        }
        let chosen = try context.actingStaff().purpose
        let asked = request.uri.queryParameters.get("purpose") == "required" && chosen == nil
        let purposeForm = """
            <form method="post" action="/counter/purpose" id="purpose"><p\(asked ? " role=\"alert\" style=\"color:#b00020\"" : "")>
            <label>用件（個人の情報を見る目的） <select name="purpose" required><option value="">選んでください</option>
            \(AccessPurpose.allCases.filter { $0 != .audit }.map { "<option value=\"\($0.rawValue)\"\($0 == chosen ? " selected" : "")>\(HTML.escape($0.japanese))</option>" }.joined())
            </select></label> <button type="submit">決める</button>
            \(asked ? "住民の情報を見る前に用件を選んでください。" : chosen.map { "現在の用件: <strong data-purpose=\"\($0.rawValue)\">\(HTML.escape($0.japanese))</strong>（閲覧はすべて記録され、住民本人も確認できます）" } ?? "")</p>
            </form>
            """
        return page("住民の検索", """
            <h1>住民の検索</h1>
            \(purposeForm)
            <form method="get" action="/counter">
            <p><label>氏名・フリガナ・生年月日 <input name="q" value="\(HTML.escape(q))" autofocus></label>
            <button type="submit">検索</button></p>
            </form>
            \(results)
            <p><a href="/counter/wide-area">広域交付（他の市区町村の住民票・戸籍）</a></p>
            <p><a href="/counter/queue">窓口の呼出（番号札）</a></p>
            """)
    }

    /// `POST /counter/purpose`: the purpose of the reads that follow in this session.
    @Sendable func choosePurpose(_ request: Request, context: Context) async throws -> Response {
        let form = try await FormData.read(request)
        guard let purpose = form["purpose"].flatMap(AccessPurpose.init(rawValue:)), purpose != .audit, let secret = context.sessionSecret else {
            return Self.redirect("/counter?purpose=required")
        }
        try await staff.choosePurpose(purpose, session: secret)
        return Self.redirect("/counter")
    }

    // MARK: The request form, pre-filled

    func residentId(_ context: Context) throws -> Int64 {
        guard let id = context.parameters.get("id", as: Int64.self) else {
            throw APIError(MadoguchiError(.notFound, ja: "住民が見つかりません", en: "No such resident"))
        }
        return id
    }

    @Sendable func requestForm(_ request: Request, context: Context) async throws -> Response {
        let id = try residentId(context)
        let today = clock.today
        guard let d = try await blocking({ try registry.detail(id: id, on: today) }) else {
            throw APIError(MadoguchiError(.notFound, ja: "住民が見つかりません（ID \(id)）", en: "No resident \(id)"))
        }
        try await trail.record(request, context, .detail, subjects: [id] + d.householdMembers.map(\.id))
        let r = d.resident
        let here = try await facilityLine(context)
        func checkbox(_ name: String, _ value: String, _ label: String, checked: Bool = false) -> String {
            "<label><input type=\"checkbox\" name=\"\(name)\" value=\"\(value)\"\(checked ? " checked" : "")> \(HTML.escape(label))</label>"
        }
        func radio(_ name: String, _ value: String, _ label: String, checked: Bool = false) -> String {
            "<label><input type=\"radio\" name=\"\(name)\" value=\"\(value)\"\(checked ? " checked" : "")> \(HTML.escape(label))</label>"
        }
        var warnings = ""
        if d.protectedBySupportMeasure { warnings += "<p role=\"alert\" style=\"color:#b00020\"><strong>支援措置対象者です。</strong>本人以外への交付に注意してください。</p>" }
        if d.namedAsOtherParty { warnings += "<p role=\"alert\" style=\"color:#b00020\"><strong>支援措置の相手方として申出があります。</strong></p>" }
        if let removal = d.removal { warnings += "<p>この方は除票です（\(removal.reason.japanese)、\(HTML.escape((try? JapaneseDate(removal.removedOn).description) ?? ""))）。</p>" }
        let members = d.householdMembers.map { m in
            checkbox("memberIds", String(m.id), "\(m.name.full)（\(m.relationship.japanese)）", checked: m.id == id)
        }.joined(separator: "<br>")
        let body = """
            <h1>証明書の請求（書かない窓口）</h1>
            \(warnings)
            <p><a href="/counter/residents/\(id)/procedures">窓口の手続（支援措置・印鑑登録・本人通知）</a></p>
            <h2>請求の対象となる方（住民記録から）</h2>
            <table>
            <tr><th>氏名</th><td style="font-family:'IPAmjMincho',serif">\(HTML.escape(r.name.full))（\(HTML.escape(r.name.fullKana))）</td></tr>
            <tr><th>生年月日</th><td>\(HTML.escape((try? JapaneseDate(r.birthDate).description) ?? ""))</td></tr>
            <tr><th>住所</th><td>\(HTML.escape(d.household.address.description))</td></tr>
            </table>
            <form method="post" action="/counter/residents/\(id)/preview">
            <h2>証明書</h2>
            <p>\(CertificateKind.allCases.map { radio("kind", $0.rawValue, $0.japanese, checked: $0 == .residentRecordCopy) }.joined(separator: "<br>"))</p>
            <p>通数 <input type="number" name="copies" value="1" min="1" max="\(CertificateOptions.maximumCopies)"></p>
            <fieldset><legend>住民票の範囲・記載事項</legend>
            <p>\(radio("scope", "individual", "一部（選んだ方）", checked: true)) \(radio("scope", "household", "世帯全員"))</p>
            <p>\(members)</p>
            <p>\(radio("layout", "individualSheet", "個人票", checked: true)) \(radio("layout", "householdSheet", "世帯連記式"))</p>
            <p>\(OptionalItem.allCases.map { checkbox("items", $0.rawValue, $0.japanese) }.joined(separator: " "))</p>
            </fieldset>
            <p>課税年度 <select name="fiscalYear"><option value="">（所得・課税証明書のみ）</option>
            \(d.taxYears.reversed().map { "<option value=\"\($0.startYear)\">\(HTML.escape($0.japaneseDescription))</option>" }.joined())</select></p>
            <h2>請求者</h2>
            <p>\(RequesterClass.allCases.map { radio("class", $0.rawValue, $0.japanese, checked: $0 == .self) }.joined(separator: " "))</p>
            <p><label>氏名（本人以外） <input name="name"></label>
            <label>請求者の住民ID（同一世帯員など） <input name="requesterResidentId" inputmode="numeric"></label></p>
            <p>本人確認書類: \(IdentityDocument.allCases.map { checkbox("identityDocuments", $0.rawValue, $0.japanese) }.joined(separator: " "))</p>
            <p>\(checkbox("powerOfAttorney", "1", "委任状あり")) \(checkbox("sealCardPresented", "1", "印鑑登録証の提示あり"))
            \(checkbox("supportingDocuments", "1", "疎明資料あり")) \(checkbox("professionalForm", "1", "職務上請求書あり"))
            \(checkbox("officialForm", "1", "公用請求書あり"))</p>
            <p><label>請求事由 <input name="reason" size="40"></label>
            <label>基本4情報以外の記載が必要な理由（第三者・職務上・公用） <input name="statedNeed" size="30"></label></p>
            <p>\(checkbox("kinshipDocuments", "1", "戸籍謄本等で配偶者・直系の関係を確認した（戸籍・附票）"))
            職務上請求の目的 <select name="professionalPurpose"><option value="">—</option>\(ProfessionalPurpose.allCases.map { "<option value=\"\($0.rawValue)\">\($0.japanese)</option>" }.joined())</select></p>
            <p>資格 <select name="profession"><option value="">—</option>\(Profession.allCases.map { "<option value=\"\($0.rawValue)\">\($0.japanese)</option>" }.joined())</select>
            <label>機関名 <input name="agency"></label>
            手数料免除 <select name="feeWaiver"><option value="">なし</option>\(FeeWaiver.allCases.map { "<option value=\"\($0.rawValue)\">\($0.japanese)</option>" }.joined())</select></p>
            <h2>窓口</h2>
            \(here)
            <p><button type="submit">確認（プレビュー）</button></p>
            </form>
            """
        return page("証明書の請求", body)
    }

    /// The submission a form describes (the preview form, or the hidden copy on the confirmation page).
    func submission(_ form: FormData, subjectId: Int64, context: Context) throws -> IssuanceService.Submission {
        func invalid(_ field: String) -> APIError {
            APIError(.badRequest, MadoguchiError(.badRequest, ja: "入力を確認してください（\(field)）", en: "Check the field \(field)"))
        }
        guard let kind = form["kind"].flatMap(CertificateKind.init(rawValue:)) else { throw invalid("kind") }
        guard let cls = RequesterClass(rawValue: form["class"] ?? "self") else { throw invalid("class") }
        let copies = Int(form["copies"] ?? "1") ?? 0
        let fiscalYear = (form["fiscalYear"] ?? "").isEmpty ? nil : try? FiscalYear.parse(form["fiscalYear"]!)
        let requesterId = (form["requesterResidentId"] ?? "").isEmpty ? (cls == .self ? subjectId : nil) : Int64(form["requesterResidentId"]!)
        return IssuanceService.Submission(
            kind: kind, subjectId: subjectId,
            requester: Requester(
                cls, residentId: requesterId, name: (form["name"] ?? "").isEmpty ? nil : form["name"],
                identityDocuments: Set(form.all("identityDocuments").compactMap(IdentityDocument.init(rawValue:))),
                powerOfAttorney: form.flag("powerOfAttorney"), sealCardPresented: form.flag("sealCardPresented"),
                reason: (form["reason"] ?? "").isEmpty ? nil : form["reason"], supportingDocuments: form.flag("supportingDocuments"),
                profession: form["profession"].flatMap(Profession.init(rawValue:)), professionalForm: form.flag("professionalForm"),
                agency: (form["agency"] ?? "").isEmpty ? nil : form["agency"], officialForm: form.flag("officialForm"),
                feeWaiver: form["feeWaiver"].flatMap(FeeWaiver.init(rawValue:)),
                statedNeed: (form["statedNeed"] ?? "").isEmpty ? nil : form["statedNeed"], kinshipDocuments: form.flag("kinshipDocuments"),
                professionalPurpose: form["professionalPurpose"].flatMap(ProfessionalPurpose.init(rawValue:))),
            channel: .counter, facilityId: try context.actingFacility(requested: form["facilityId"]),
            options: CertificateOptions(
                scope: RecordScope(rawValue: form["scope"] ?? "") ?? .individual,
                memberIds: form.all("memberIds").compactMap { Int64($0) },
                layout: RecordLayout(rawValue: form["layout"] ?? "") ?? .individualSheet,
                items: Set(form.all("items").compactMap(OptionalItem.init(rawValue:))), fiscalYear: fiscalYear, copies: copies))
    }

    /// The counter the signed-in member of staff works at: what they issue is recorded there (no choosing another).
    func facilityLine(_ context: Context) async throws -> String {
        guard let own = try context.actingStaff().facilityId else { return "<p data-facility=\"\">窓口: （所属なし）</p>" }
        let name = try await blocking { try registry.facilities() }.first { $0.id == own }?.name ?? own
        return "<p data-facility=\"\(HTML.escape(own))\">窓口: \(HTML.escape(name))</p>"
    }

    // MARK: Preview

    @Sendable func preview(_ request: Request, context: Context) async throws -> Response {
        let id = try residentId(context)
        let form = try await FormData.read(request)
        let s = try submission(form, subjectId: id, context: context)
        let decision = try await blocking { try service.preview(s) }
        let today = clock.today
        guard let d = try await blocking({ try registry.detail(id: id, on: today) }) else {
            throw APIError(MadoguchiError(.notFound, ja: "住民が見つかりません", en: "No such resident"))
        }
        try await trail.record(request, context, .preview, subjects: [id] + (s.requester.residentId.map { [$0] } ?? []))
        // Carry every field to the confirmation, plus a key fixed now so a double click issues once.
        let hidden = form.pairs.map { "<input type=\"hidden\" name=\"\(HTML.escape($0.0))\" value=\"\(HTML.escape($0.1))\">" }.joined()
            + "<input type=\"hidden\" name=\"subjectId\" value=\"\(id)\">"
            + "<input type=\"hidden\" name=\"idempotencyKey\" value=\"counter-\(UUID().uuidString.lowercased())\">"
        let summary = """
            <h2>請求書（ご本人確認用）</h2>
            <table>
            <tr><th>証明書</th><td>\(HTML.escape(s.kind.japanese))　\(s.options.copies)通</td></tr>
            <tr><th>対象者</th><td style="font-family:'IPAmjMincho',serif">\(HTML.escape(d.resident.name.full))（\(HTML.escape((try? JapaneseDate(d.resident.birthDate).description) ?? ""))生）</td></tr>
            <tr><th>住所</th><td>\(HTML.escape(d.household.address.description))</td></tr>
            <tr><th>請求者</th><td>\(HTML.escape(s.requester.requesterClass.japanese))\(s.requester.name.map { "　" + HTML.escape($0) } ?? "")</td></tr>
            <tr><th>本人確認書類</th><td>\(HTML.escape(s.requester.identityDocuments.map(\.japanese).sorted().joined(separator: "、")))</td></tr>
            \(s.kind.isResidentRecord ? "<tr><th>範囲・記載事項</th><td>\(s.options.scope == .household ? "世帯全員" : "一部")　\(HTML.escape(s.options.items.sorted().map(\.japanese).joined(separator: "・")))</td></tr>" : "")
            </table>
            """
        let body: String
        if decision.isApproved, let fee = decision.fee {
            body = """
                <h1>内容の確認</h1>
                <section id="decision" data-approved="true"><p>交付できます。手数料 <strong>\(fee.total)円</strong>\(fee.waiver.map { "（\($0.japanese)により免除）" } ?? "（\(fee.perCopy)円 × \(fee.copies)通）")\(decision.holderNotification ? "。<strong>本人通知の対象です。</strong>" : "")</p></section>
                \(summary)
                <form method="post" action="/counter/issue">\(hidden)
                <p><button type="submit">交付する</button> <a href="/counter/residents/\(id)">戻る</a></p></form>
                """
        } else {
            body = """
                <h1>内容の確認</h1>
                <section id="decision" data-approved="false" role="alert" style="color:#b00020"><p><strong>交付できません。</strong></p>
                <ul>\(decision.refusals.map { "<li data-code=\"\($0.code)\">\(HTML.escape($0.japanese))<br><small>\(HTML.escape($0.english))</small></li>" }.joined())</ul></section>
                \(summary)
                <p><a href="/counter/residents/\(id)">入力に戻る</a></p>
                """
        }
        return page("内容の確認", body)
    }

    // MARK: Issue, print

    @Sendable func issue(_ request: Request, context: Context) async throws -> Response {
        let form = try await FormData.read(request)
        guard let subject = form["subjectId"].flatMap({ Int64($0) }), let key = form["idempotencyKey"] else {
            throw APIError(.badRequest, MadoguchiError(.badRequest, ja: "確認画面から交付してください", en: "Issue from the preview page"))
        }
        let submitted = try submission(form, subjectId: subject, context: context)
        _ = try context.accessPurpose(request)  // no purpose, no issuance
        switch try await service.issue(async: submitted, idempotencyKey: key, actor: try context.actingStaff().login) {
        case .issued(let c, _):
            try await trail.record(request, context, .issue, subjects: c.peopleShown, documentId: c.id)
            return Self.redirect("/counter/certificates/\(c.id)")
        case .refused(let reasons, _):
            return page("交付できません", """
                <h1>交付できません</h1>
                <ul role="alert">\(reasons.map { "<li data-code=\"\($0.code)\">\(HTML.escape($0.japanese))</li>" }.joined())</ul>
                <p>この不交付は台帳に記録されました。</p>
                """, status: .unprocessableContent)
        }
    }

    @Sendable func certificate(_ request: Request, context: Context) async throws -> Response {
        let id = try context.parameters.require("id")
        guard let c = try await blocking({ try service.certificate(id) }) else {
            throw APIError(MadoguchiError(.notFound, ja: "証明書が見つかりません", en: "No such certificate"))
        }
        try await trail.record(request, context, .certificate, subjects: c.peopleShown, documentId: c.id)
        let actions = c.status == .issued ? """
            <p><a id="print" href="/counter/certificates/\(c.id)/document.pdf" target="_blank">印刷する（PDF）</a></p>
            <form method="post" action="/counter/certificates/\(c.id)/reprint"><p>
            <label>再印刷の理由 <input name="reason" required></label> <button type="submit">再印刷</button></p></form>
            <form method="post" action="/counter/certificates/\(c.id)/void"><p>
            <label>無効にする理由 <input name="reason" required></label> <button type="submit">無効にする</button></p></form>
            """ : "<p>この証明書は\(c.status == .voided ? "無効です" : "再印刷により差し替えられました（<a href=\"/counter/certificates/\(c.supersededBy ?? "")\">新しい証明書</a>）")。</p>"
        return page("交付しました", """
            <h1 id="status" data-status="\(c.status.rawValue)">\(HTML.escape(c.content.title))　\(HTML.escape(c.content.serialNumber))</h1>
            <table>
            <tr><th>対象者</th><td>\(HTML.escape(c.content.persons.map(\.name).joined(separator: "、")))</td></tr>
            <tr><th>通数・手数料</th><td>\(c.copies)通　\(c.feeYen)円</td></tr>
            <tr><th>交付日時</th><td>\(HTML.escape(c.issuedAt))</td></tr>
            <tr><th>台帳番号</th><td>\(c.ledgerSequence)</td></tr>
            </table>
            \(actions)
            """)
    }

    @Sendable func document(_ request: Request, context: Context) async throws -> Response {
        let (certificate, pdf) = try await service.document(async: try context.parameters.require("id"))
        try await trail.record(request, context, .document, subjects: certificate.peopleShown, documentId: certificate.id)
        return PDFResponse.make(id: certificate.id, bytes: pdf)
    }

    @Sendable func reprint(_ request: Request, context: Context) async throws -> Response {
        let form = try await FormData.read(request)
        let id = try context.parameters.require("id")
        _ = try context.accessPurpose(request)
        let actor = try context.actingStaff().login
        let copy = try await blocking { try service.reprint(id, reason: form["reason"] ?? "", actor: actor) }
        try await trail.record(request, context, .reprint, subjects: copy.peopleShown, documentId: copy.id)
        return Self.redirect("/counter/certificates/\(copy.id)")
    }

    @Sendable func void(_ request: Request, context: Context) async throws -> Response {
        let form = try await FormData.read(request)
        let id = try context.parameters.require("id")
        let actor = try context.actingStaff().login
        _ = try await blocking { try service.void(id, reason: form["reason"] ?? "", actor: actor) }
        return Self.redirect("/counter/certificates/\(id)")
    }
}

