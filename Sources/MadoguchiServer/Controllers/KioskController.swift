import Foundation
import HTTPTypes
import Hummingbird
import MadoguchiDomain
import MadoguchiIssuance
import MadoguchiPKI

/// The city's side of the store kiosk protocol (`/kiosk/v1`), which hubs call on behalf of stores. Every
/// answer echoes the request id in `X-Request-Id` and in the body.
struct KioskController<Context: RequestContext> {
    let service: KioskService

    func addRoutes(to group: RouterGroup<Context>) {
        group.get("menu", use: menu)
        group.post("sessions", use: start)
        group.post("sessions/:requestId/card", use: card)
        group.post("sessions/:requestId/quote", use: quote)
        group.post("sessions/:requestId/order", use: order)
        group.post("sessions/:requestId/printed", use: printed)
        group.post("sessions/:requestId/abort", use: abort)
        group.get("settlement", use: settlement)
    }

    @Sendable func menu(_ request: Request, context: Context) async throws -> Response {
        try KioskJSON.response(try await service.menu())
    }

    @Sendable func start(_ request: Request, context: Context) async throws -> Response {
        let body = try await JSONBody.decode(KioskWire.Start.self, from: request)
        let view = try await service.start(requestId: body.requestId, chain: body.chain, store: body.store)
        return try KioskJSON.response(view, status: .created)
    }

    @Sendable func card(_ request: Request, context: Context) async throws -> Response {
        let requestId = try context.parameters.require("requestId")
        let body = try await JSONBody.decode(KioskWire.CardProof.self, from: request)
        guard let signature = Base64URL.decode(body.signature) else {
            throw APIError(MadoguchiError(.badKioskRequest, ja: "署名が読めません", en: "The signature is not base64url"))
        }
        let view = try await service.authenticate(requestId: requestId, certificatePEM: body.certificate, signature: signature)
        return try KioskJSON.response(view)
    }

    @Sendable func quote(_ request: Request, context: Context) async throws -> Response {
        let requestId = try context.parameters.require("requestId")
        let body = try await JSONBody.decode(KioskWire.Choice.self, from: request)
        var (decision, view) = try await service.quote(
            requestId: requestId, cardSerial: body.cardSerial, sessionSecret: body.sessionSecret, order: body.order)
        view.quoteYen = decision.fee?.total
        view.refusals = decision.refusals.isEmpty ? nil : decision.refusals.map(KioskJSON.message)
        return try KioskJSON.response(view)
    }

    @Sendable func order(_ request: Request, context: Context) async throws -> Response {
        let requestId = try context.parameters.require("requestId")
        let body = try await JSONBody.decode(KioskWire.Choice.self, from: request)
        let outcome = try await service.order(
            requestId: requestId, cardSerial: body.cardSerial, sessionSecret: body.sessionSecret, order: body.order,
            paidYen: body.paidYen ?? -1)
        var view = outcome.view
        switch outcome {
        case .refused(_, let reasons):
            view.refusals = reasons.map(KioskJSON.message)
        case .issued:
            let (certificate, pdf) = try await service.document(
                requestId: requestId, cardSerial: body.cardSerial, sessionSecret: body.sessionSecret)
            view.pdf = Data(pdf).base64EncodedString()
            view.token = certificate.token
            try await service.delivered(requestId: requestId, documentId: certificate.id)
        }
        return try KioskJSON.response(view)
    }

    @Sendable func printed(_ request: Request, context: Context) async throws -> Response {
        let requestId = try context.parameters.require("requestId")
        let body = try await JSONBody.decode(KioskWire.Printed.self, from: request)
        return try KioskJSON.response(
            try await service.printed(
                requestId: requestId, cardSerial: body.cardSerial, sessionSecret: body.sessionSecret, documentId: body.documentId))
    }

    @Sendable func abort(_ request: Request, context: Context) async throws -> Response {
        let requestId = try context.parameters.require("requestId")
        let body = try await JSONBody.decode(KioskWire.Abort.self, from: request)
        return try KioskJSON.response(
            try await service.abort(requestId: requestId, sessionSecret: body.sessionSecret, reason: body.reason))
    }

    /// `GET /kiosk/v1/settlement?month=2026-11`: completed sessions by store chain and kind, as CSV.
    @Sendable func settlement(_ request: Request, context: Context) async throws -> Response {
        let month = request.uri.queryParameters.get("month") ?? service.currentMonth
        let lines = try await service.settlement(month: month)
        var headers = HTTPFields()
        headers[.contentType] = "text/csv; charset=utf-8"
        return Response(
            status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: Settlement.csv(month: month, lines.map {
                Settlement.Line(month: month, cityCode: $0.cityCode, chain: $0.chain, kind: $0.kind.rawValue,
                                sessions: $0.sessions, copies: $0.copies, feeYen: $0.feeYen, medium: $0.medium)
            }))))
    }
}

enum KioskJSON {
    static func message(_ reason: RefusalReason) -> KioskMessage {
        KioskMessage(code: reason.code, ja: reason.japanese, en: reason.english)
    }

    static func response(_ value: some Encodable, status: HTTPResponse.Status = .ok) throws -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        var headers = HTTPFields()
        headers[.contentType] = "application/json; charset=utf-8"
        if let view = value as? KioskSessionView { headers[HTTPField.Name("X-Request-Id")!] = view.requestId }
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(data: try encoder.encode(value))))
    }
}

/// The kiosk protocol answers signed requests from the hubs this city was given, and nothing else (ADR 0009 §3):
/// the signature covers the method, the path and query, this city's code, the time, a nonce and the body's digest.
/// Without hub keys the protocol is off (503 `kiosk.notConfigured`): no open doors.
struct HubSignatureMiddleware<Context: RequestContext>: RouterMiddleware {
    let keys: HubKeys?
    let cityCode: String
    let clock: MadoguchiClock
    let nonces: NonceCache

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        guard let keys else {
            throw APIError(
                .serviceUnavailable,
                MadoguchiError(.kioskNotConfigured, ja: "この市区町村のシステムはコンビニ交付のハブを登録していません",
                               en: "This city has no hub keys configured; its kiosk protocol is off"))
        }
        var request = request
        let body = try await request.collectBody(upTo: 1 << 20)
        let target = request.uri.path + (request.uri.query.map { "?" + $0 } ?? "")
        let verdict = keys.verify(
            method: request.method.rawValue, target: target, city: cityCode, body: Data(buffer: body), now: clock.now()
        ) { name in request.headers[HTTPField.Name(name)!] }
        switch verdict {
        case .failure(let refusal):
            throw Self.refused(refusal)
        case .success(let signed):
            guard await nonces.claim(signed.nonce, until: signed.date + HubSignature.windowSeconds) else { throw Self.refused(.replayed) }
            return try await next(request, context)
        }
    }

    static func refused(_ refusal: HubSignature.Refusal) -> APIError {
        APIError(
            .unauthorized,
            MadoguchiError(.kioskHubUnauthorized, ja: "登録されたハブの署名が必要です（\(refusal.rawValue)）",
                           en: "A registered hub's signature is required (\(refusal.rawValue))"))
    }
}

/// The nonces of signed requests seen while their signatures stay fresh: a second request with one is a replay.
actor NonceCache {
    private var seen: [String: Int64] = [:]
    private var claims = 0
    let clock: MadoguchiClock

    init(clock: MadoguchiClock) { self.clock = clock }

    /// True the first time a nonce is claimed; it is kept until `until` (unix seconds).
    func claim(_ nonce: String, until: Int64) -> Bool {
        claims += 1
        if claims % 1024 == 0 {
            let now = Int64(clock.now().timeIntervalSince1970)
            seen = seen.filter { $0.value >= now }
        }
        guard seen[nonce] == nil else { return false }
        seen[nonce] = until
        return true
    }
}
