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

    static func option(_ name: String, _ value: String, _ label: String, type: String, checked: Bool = false) -> String {
        "<label><input type=\"\(type)\" name=\"\(name)\" value=\"\(value)\"\(checked ? " checked" : "")> \(HTML.escape(label))</label>"
    }

    @Sendable func form(_ request: Request, context: Context) async throws -> Response {
        let here = try await counter.facilityLine(context)
        let configured = relay == nil
            ? "<p role=\"alert\" style=\"color:#b00020\">広域交付の中継が設定されていません（MADOGUCHI_RELAY_URL）。</p>" : ""
        let body = """
            <h1>広域交付（他の市区町村の住民票・戸籍）</h1>
            \(configured)
            <p>住民票の写し（住民基本台帳法第12条の4）はご本人・同一世帯の方、戸籍全部事項証明（戸籍法第120条の2）はご本人・配偶者・直系の方が、
            顔写真付きの本人確認書類をお持ちのうえ窓口に来られた場合に限ります。</p>
            <form method="post" action="/counter/wide-area">
            <input type="hidden" name="idempotencyKey" value="counter-wide-\(UUID().uuidString.lowercased())">
            <p><label>住所地・本籍地の団体コード <input name="keepingCity" inputmode="numeric" pattern="[0-9]{6}" required></label></p>
            <p>\(Self.option("kind", CertificateKind.residentRecordCopy.rawValue, "住民票の写し", type: "radio", checked: true))
            \(Self.option("kind", CertificateKind.familyRegisterFull.rawValue, "戸籍全部事項証明（除籍を含む）", type: "radio"))</p>
            <h2>証明書に記載される方</h2>
            <p><label>氏名 <input name="subjectName" required></label> <label>生年月日 <input name="subjectBirthDate" placeholder="1980-01-02 / 昭和55年1月2日" required></label></p>
            <h2>請求者</h2>
            <p>\(Self.option("class", "self", "本人", type: "radio", checked: true)) \(Self.option("class", "householdMember", "同一世帯員・配偶者・直系", type: "radio"))</p>
            <p><label>氏名（本人以外） <input name="name"></label> <label>生年月日 <input name="requesterBirthDate"></label></p>
            <p>顔写真付きの本人確認書類: \(WideArea.photoIdentities.sorted { $0.rawValue < $1.rawValue }.map { Self.option("identityDocuments", $0.rawValue, $0.japanese, type: "checkbox") }.joined(separator: " "))</p>
            <p>\(Self.option("kinshipDocuments", "1", "戸籍謄本等で配偶者・直系の関係を確認した", type: "checkbox"))</p>
            <fieldset><legend>住民票の範囲・記載事項</legend>
            <p>\(Self.option("scope", "individual", "一部（本人）", type: "radio", checked: true)) \(Self.option("scope", "household", "世帯全員", type: "radio"))</p>
            <p>\(OptionalItem.allCases.filter { !WideArea.withheldItems.contains($0) }.map { Self.option("items", $0.rawValue, $0.japanese, type: "checkbox") }.joined(separator: " "))</p>
            </fieldset>
            <p>通数 <input type="number" name="copies" value="1" min="1" max="\(CertificateOptions.maximumCopies)"></p>
            \(here)
            <p><button type="submit">請求する</button></p>
            </form>
            """
        return counter.page("広域交付", body)
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
            return counter.page("交付できません", """
                <h1>交付できません（広域交付）</h1>
                <ul role="alert">\(reasons.map { "<li data-code=\"\($0.code)\">\(HTML.escape($0.japanese))<br><small>\(HTML.escape($0.english))</small></li>" }.joined())</ul>
                <p>この不交付は台帳に記録され、\(HTML.escape(keeping)) にも照会の記録が残ります。</p>
                <p><a href="/counter/wide-area">入力に戻る</a></p>
                """, status: .unprocessableContent)
        }
    }
}
