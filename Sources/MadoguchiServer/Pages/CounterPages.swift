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

    func page(_ title: String, _ body: String, status: HTTPResponse.Status = .ok, style: String = Views.Asset.counter.text) -> Response {
        HTML.response(
            HTML.page(title: title, cityName: cityName, body: Views.render(["logout": StaffSignIn.logoutForm(base: "/counter")], .counterBar) + body, style: style),
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
        var results: [ResidentSummary]?
        if !q.isEmpty {
            let rows = try await blocking { try registry.search(ResidentQuery(text: q)) }
            try await trail.record(request, context, .search, subjects: rows.map(\.id), query: q)
            results = rows
        }
        let chosen = try context.actingStaff().purpose
        let page = CounterSearchPage(
            query: q, results: results, chosen: chosen, asked: request.uri.queryParameters.get("purpose") == "required" && chosen == nil)
        return self.page("住民の検索", Views.render(page, .counterSearch))
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
        let page = CounterRequestPage(d, id: id, here: try await facilityLine(context))
        return self.page("証明書の請求", Views.render(page, .counterRequest))
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
        guard let own = try context.actingStaff().facilityId else { return Views.render(["id": "", "name": "（所属なし）"], .facilityLine) }
        let name = try await blocking { try registry.facilities() }.first { $0.id == own }?.name ?? own
        return Views.render(["id": own, "name": name], .facilityLine)
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
        let page = CounterPreviewPage(
            submission: s, decision: decision, detail: d, form: form.pairs, key: "counter-\(UUID().uuidString.lowercased())")
        return self.page("内容の確認", Views.render(page, .counterPreview))
    }

    // MARK: Issue, print

    @Sendable func issue(_ request: Request, context: Context) async throws -> Response {
        let form = try await FormData.read(request)
        guard let subject = form["subjectId"].flatMap({ Int64($0) }), let key = form["idempotencyKey"] else {
            throw APIError(.badRequest, MadoguchiError(.badRequest, ja: "確認画面から交付してください", en: "Issue from the preview page"))
        }
        let submitted = try submission(form, subjectId: subject, context: context)
        _ = try context.accessPurpose(request)  // no purpose, no issuance
        let reads = try trail.reads(request, context, [.issue])
        switch try await service.issue(async: submitted, idempotencyKey: key, actor: try context.actingStaff().login, reads: reads) {
        case .issued(let c, _):
            return Self.redirect("/counter/certificates/\(c.id)")
        case .refused(let reasons, _):
            let refusals = reasons.map { CounterPreviewPage.Refusal(code: $0.code, ja: $0.japanese, en: $0.english) }
            return page("交付できません", Views.render(["refusals": refusals], .counterRefused), status: .unprocessableContent)
        }
    }

    @Sendable func certificate(_ request: Request, context: Context) async throws -> Response {
        let id = try context.parameters.require("id")
        guard let c = try await blocking({ try service.certificate(id) }) else {
            throw APIError(MadoguchiError(.notFound, ja: "証明書が見つかりません", en: "No such certificate"))
        }
        try await trail.record(request, context, .certificate, subjects: c.peopleShown, documentId: c.id)
        return page("交付しました", Views.render(CounterCertificatePage(c), .counterCertificate))
    }

    @Sendable func document(_ request: Request, context: Context) async throws -> Response {
        let (certificate, response) = try await PDFResponse.document(request, id: try context.parameters.require("id"), service: service)
        try await trail.record(request, context, .document, subjects: certificate.peopleShown, documentId: certificate.id)
        return response
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

