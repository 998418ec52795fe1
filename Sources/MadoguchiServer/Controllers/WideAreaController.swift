import Foundation
import HTTPTypes
import Hummingbird
import MadoguchiDomain
import MadoguchiIssuance

/// 広域交付 at a city's edge: the keeping side answers the relay (`/relay/v1/wide-area`), the requesting side lets a
/// clerk ask another city (`/api/v1/wide-area/certificates`).
struct WideAreaController<Context: StaffContext> {
    let service: WideAreaService
    let relay: (any WideAreaRelay)?

    /// `POST /relay/v1/wide-area`, behind the relay's secret; the asking city is the one the relay names.
    func addRelayRoutes(to group: RouterGroup<Context>) {
        group.post("wide-area", use: answer)
        group.post("card-status", use: cardStatus)
    }

    struct CardStatusQuery: Decodable { var serial: String }

    /// `POST /relay/v1/card-status`, behind the relay's secret: this city's word on a card it issued, for a 本籍地
    /// whose store kiosk or resident page was shown that card. Only the status, never whose card it is.
    @Sendable func cardStatus(_ request: Request, context: Context) async throws -> Response {
        let query = try await JSONBody.decode(CardStatusQuery.self, from: request)
        guard (1...40).contains(query.serial.count), query.serial.allSatisfy({ $0.isASCII && $0.isNumber }) else {
            throw APIError(.badRequest, MadoguchiError(.wideAreaBadRequest, ja: "カードの番号が正しくありません", en: "Not a card serial"))
        }
        let status = try await service.cardStatus(serial: query.serial)
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(data: try JSONEncoder().encode(status))))
    }

    func addRoutes(to group: RouterGroup<Context>) {
        group.post("wide-area/certificates", use: create)
    }

    static var fromCity: HTTPField.Name { HTTPField.Name("X-Madoguchi-From-City")! }

    @Sendable func answer(_ request: Request, context: Context) async throws -> Response {
        guard let from = request.headers[Self.fromCity] else {
            throw APIError(.badRequest, MadoguchiError(
                .wideAreaBadRequest, ja: "依頼元の市区町村がありません", en: "The X-Madoguchi-From-City header is required"))
        }
        let query = try await JSONBody.decode(WideAreaQuery.self, from: request)
        let answer = try await service.answer(query, from: from)
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(data: try JSONEncoder().encode(answer))))
    }

    /// The body of `POST /api/v1/wide-area/certificates`.
    struct CreateBody: Decodable {
        struct Person: Decodable {
            var name: String
            var birthDate: CivilDate
        }
        /// The keeping city (住所地 or 本籍地)
        var keepingCity: String
        var kind: CertificateKind
        var subject: Person
        var requester: RequesterBody
        var facilityId: String?
        var options: OptionsBody?
    }

    @Sendable func create(_ request: Request, context: Context) async throws -> EditedResponse<CertificatesController<Context>.Created> {
        guard let key = request.headers.first(where: { $0.name.canonicalName == "idempotency-key" })?.value else {
            throw APIError(.badRequest, MadoguchiError(
                .idempotencyKeyInvalid, ja: "Idempotency-Key ヘッダが必要です（再送で二重交付しないため）",
                en: "An Idempotency-Key header is required (so a retry never issues twice)"))
        }
        let body = try await JSONBody.decode(CreateBody.self, from: request)
        let outcome = try await Self.issue(service, relay: relay, try body.query(by: context), keepingCity: body.keepingCity, key: key)
        switch outcome {
        case .issued(let c, _):
            return EditedResponse(status: .created, headers: [.location: "/api/v1/certificates/\(c.id)"], response: .init(c))
        case .refused(let reasons, _):
            throw APIError(.unprocessableContent, reasons[0].error, refusals: reasons.map { $0.error })
        }
    }

    /// Asks and prints, or says plainly that no relay is configured here.
    static func issue(
        _ service: WideAreaService, relay: (any WideAreaRelay)?, _ query: WideAreaQuery, keepingCity: String, key: String
    ) async throws -> IssuanceOutcome {
        guard let relay else {
            throw APIError(.serviceUnavailable, MadoguchiError(
                .wideAreaUnavailable, ja: "広域交付の中継が設定されていません（MADOGUCHI_RELAY_URL）",
                en: "No wide-area relay is configured (MADOGUCHI_RELAY_URL)"))
        }
        return try await service.issue(query, keepingCity: keepingCity, idempotencyKey: key, relay: relay)
    }
}

extension WideAreaController.CreateBody {
    /// The query as the keeping city reads it; the requesting city adds itself and the request id.
    func query(by context: some StaffContext) throws -> WideAreaQuery {
        WideAreaQuery(
            kind: kind, subjectName: subject.name, subjectBirthDate: subject.birthDate, requester: requester.requester,
            requesterBirthDate: requester.birthDate, options: options.certificateOptions,
            city: CityInfo(code: "", name: "", mayor: ""), facilityId: try context.actingFacility(requested: facilityId),
            actor: try context.actingStaff().login, requestId: "")
    }
}

/// The relay's secret on `/relay/v1`: without one configured the city answers no other city (no open doors).
struct RelayTokenMiddleware<Context: RequestContext>: RouterMiddleware {
    let token: String?

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let token else {
            throw APIError(.serviceUnavailable, MadoguchiError(
                .relayNotConfigured, ja: "この市は広域交付の中継に参加していません", en: "This city takes no wide-area requests"))
        }
        guard let header = request.headers[.authorization], header.hasPrefix("Bearer "),
            Secrets.equal(Array(header.dropFirst(7).utf8), Array(token.utf8))
        else {
            throw APIError(.unauthorized, MadoguchiError(.relayUnauthorized, ja: "中継の認証が必要です", en: "The relay's secret is required"))
        }
        return try await next(request, context)
    }
}
