import Foundation
import Hummingbird
import MadoguchiDomain
import MadoguchiIssuance

/// 広域交付 at the counter: a resident of another city (or a 戸籍 kept by another city) asks here, in person with
/// photo identity; this city asks the keeping city through the relay and prints the answer as its own paper.
struct WideAreaPages<Context: StaffContext> {
    let counter: CounterPages<Context>
    let service: WideAreaService
    let relay: (any WideAreaRelay)?

    func addRoutes(to counter: RouterGroup<Context>) {
        counter.get("wide-area", use: form)
        counter.post("wide-area", use: issue)
    }

    @Sendable func form(_ request: Request, context: Context) async throws -> Response {
        let page = WideAreaPage(
            configured: relay != nil, key: "counter-wide-\(UUID().uuidString.lowercased())", here: try await counter.facilityLine(context))
        return counter.page("広域交付", Views.render(page, .wideArea))
    }

    static func date(_ text: String?) -> CivilDate? {
        guard let text = text?.trimmingCharacters(in: .whitespaces), !text.isEmpty else { return nil }
        return CivilDate.parseGregorian(text) ?? (try? JapaneseDate.parse(text))?.gregorian
    }

    @Sendable func issue(_ request: Request, context: Context) async throws -> Response {
        let form = try await FormData.read(request)
        func invalid(_ field: String) -> APIError {
            APIError(.badRequest, MadoguchiError(.badRequest, ja: "入力を確認してください（\(field)）", en: "Check the field \(field)"))
        }
        guard let key = form["idempotencyKey"] else { throw invalid("idempotencyKey") }
        guard let keeping = form["keepingCity"], keeping.count == 6, keeping.allSatisfy(\.isNumber) else { throw invalid("keepingCity") }
        guard let kind = form["kind"].flatMap(CertificateKind.init(rawValue:)) else { throw invalid("kind") }
        guard let name = form["subjectName"], !name.isEmpty else { throw invalid("subjectName") }
        guard let birth = Self.date(form["subjectBirthDate"]) else { throw invalid("subjectBirthDate") }
        guard let cls = RequesterClass(rawValue: form["class"] ?? "self") else { throw invalid("class") }
        let requester = Requester(
            cls, name: (form["name"] ?? "").isEmpty ? nil : form["name"],
            identityDocuments: Set(form.all("identityDocuments").compactMap(IdentityDocument.init(rawValue:))),
            kinshipDocuments: form.flag("kinshipDocuments"))
        let query = WideAreaQuery(
            kind: kind, subjectName: name, subjectBirthDate: birth, requester: requester, requesterBirthDate: Self.date(form["requesterBirthDate"]),
            options: CertificateOptions(
                scope: RecordScope(rawValue: form["scope"] ?? "") ?? .individual,
                items: Set(form.all("items").compactMap(OptionalItem.init(rawValue:))), copies: Int(form["copies"] ?? "1") ?? 0),
            city: CityInfo(code: "", name: "", mayor: ""), facilityId: try context.actingFacility(requested: form["facilityId"]), actor: try context.actingStaff().login,
            requestId: "")
        switch try await WideAreaController<Context>.issue(service, relay: relay, query, keepingCity: keeping, key: key) {
        case .issued(let c, _):
            return CounterPages<Context>.redirect("/counter/certificates/\(c.id)")
        case .refused(let reasons, _):
            let refusals = reasons.map { CounterPreviewPage.Refusal(code: $0.code, ja: $0.japanese, en: $0.english) }
            return counter.page(
                "交付できません", Views.render(WideAreaRefusal(refusals: refusals, keeping: keeping), .wideAreaRefused), status: .unprocessableContent)
        }
    }
}

/// A wide-area request refused: why, and that the keeping city has the record of the query too.
struct WideAreaRefusal {
    let refusals: [CounterPreviewPage.Refusal]
    let keeping: String
}
