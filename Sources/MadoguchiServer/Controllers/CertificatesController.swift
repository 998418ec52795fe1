import Foundation
import HTTPTypes
import Hummingbird
import MadoguchiDomain
import MadoguchiIssuance
import MadoguchiStore

/// The counter API: request a certificate, read it back, void or reprint it.
struct CertificatesController<Context: StaffContext> {
    let service: IssuanceService
    let trail: AuditTrail

    func addRoutes(to group: RouterGroup<Context>) {
        group.post("certificates", use: createRoute)
        group.get("certificates/:id", use: show)
        group.get("certificates/:id/document.pdf", use: document)
        group.post("certificates/:id/void", use: void)
        group.post("certificates/:id/reprint", use: reprint)
        group.post("timestamps", use: timestamp)
    }

    /// `POST /api/v1/timestamps`: the city's timestamp service over HTTP as RFC 3161 §3.4 describes it
    /// (`application/timestamp-query` in, `application/timestamp-reply` out), for the city's own systems: staff only, so
    /// it is not a free public notary whose load anyone can drive. A request it cannot use still gets a reply, with
    /// status rejection and the reason.
    @Sendable func timestamp(_ request: Request, context: Context) async throws -> Response {
        let body = try await request.body.collect(upTo: 16 * 1024)
        let reply = try await service.timestamp(async: Array(buffer: body))
        var headers = HTTPFields()
        headers[.contentType] = "application/timestamp-reply"
        headers[.cacheControl] = "no-store"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: reply)))
    }

    /// The request body of `POST /api/v1/certificates`.
    struct CreateBody: Decodable {
        var kind: CertificateKind
        var subjectId: FlexibleID
        var requester: RequesterBody
        var facilityId: String?
        var channel: Channel?
        var options: OptionsBody?

        /// The submission as the acting member of staff makes it: at their facility (a body naming another is
        /// refused), and never as a store kiosk, whose requests come only through the hub with the card's signature.
        func submission(by context: some StaffContext) throws -> IssuanceService.Submission {
            if channel == .kiosk {
                throw APIError(.forbidden, MadoguchiError(
                    .staffForbidden, ja: "コンビニ交付は店舗端末からのみ請求できます",
                    en: "Kiosk issuance comes only through a hub with the card's signature"))
            }
            return IssuanceService.Submission(
                kind: kind, subjectId: subjectId.value, requester: requester.requester, channel: channel ?? .counter,
                facilityId: try context.actingFacility(requested: facilityId), options: options.certificateOptions)
        }
    }

    struct Created: ResponseEncodable {
        let id: String
        let url: String
        let documentUrl: String
        let kind: CertificateKind
        let serialNumber: String
        let feeYen: Int
        let copies: Int
        let status: String
        let contentDigest: String
        let ledgerSequence: Int64
        let holderNotified: Bool

        init(_ c: IssuedCertificate, holderNotified: Bool = false) {
            id = c.id
            url = "/api/v1/certificates/\(c.id)"
            documentUrl = "/api/v1/certificates/\(c.id)/document.pdf"
            kind = c.kind
            serialNumber = c.content.serialNumber
            feeYen = c.feeYen
            copies = c.copies
            status = c.status.rawValue
            contentDigest = c.contentDigest
            ledgerSequence = c.ledgerSequence
            self.holderNotified = holderNotified
        }
    }

    /// `POST /api/v1/certificates`. With `Accept: application/pdf` the answer is the document itself (201, with
    /// `Location` and `X-Certificate-Id`): one round trip from request to printable bytes.
    /// The issuance and its reads go into the access log in the issuing transaction: the document's read too when the
    /// PDF is asked for, before it is rendered (a read is never missing from the log; a rendering that fails leaves an
    /// entry for a file not sent, the side an auditor prefers).
    @Sendable func createRoute(_ request: Request, context: Context) async throws -> Response {
        let wantsPDF = request.headers[.accept]?.contains("application/pdf") == true
        let (created, issued) = try await create(request, context: context, reading: wantsPDF ? [.issue, .document] : [.issue])
        guard wantsPDF else {
            return try EditedResponse(status: .created, headers: [.location: created.url], response: created)
                .response(from: request, context: context)
        }
        // Rendered from the certificate just recorded, not read back: its content is what the ledger holds.
        let (_, pdf) = try await service.document(async: issued)
        var headers = HTTPFields()
        headers[.location] = created.url
        headers[HTTPField.Name("X-Certificate-Id")!] = created.id
        return PDFResponse.make(id: created.id, bytes: pdf, status: .created, extra: headers)
    }

    func create(_ request: Request, context: Context, reading actions: [AccessRecord.Action]) async throws -> (Created, IssuedCertificate) {
        guard let key = request.headers.first(where: { $0.name.canonicalName == "idempotency-key" })?.value else {
            throw APIError(.badRequest, MadoguchiError(
                .idempotencyKeyInvalid, ja: "Idempotency-Key ヘッダが必要です（再送で二重交付しないため）",
                en: "An Idempotency-Key header is required (so a retry never issues twice)"))
        }
        let body = try await JSONBody.decode(CreateBody.self, from: request)
        _ = try context.accessPurpose(request)  // no purpose, no issuance
        let outcome = try await service.issue(
            async: try body.submission(by: context), idempotencyKey: key, actor: try context.actingStaff().login,
            reads: try trail.reads(request, context, actions))
        switch outcome {
        case .issued(let c, let notified):
            return (Created(c, holderNotified: notified), c)
        case .refused(let reasons, _):
            throw APIError(.unprocessableContent, reasons[0].error, refusals: reasons.map { $0.error })
        }
    }

    struct CertificateView: ResponseEncodable {
        let id: String
        let kind: CertificateKind
        let status: String
        let supersededBy: String?
        let subjectId: Int64
        let channel: Channel
        let facilityId: String?
        let copies: Int
        let feeYen: Int
        let issuedAt: String
        let contentDigest: String
        let ledgerSequence: Int64
        let content: CertificateContent

        init(_ c: IssuedCertificate) {
            id = c.id
            kind = c.kind
            status = c.status.rawValue
            supersededBy = c.supersededBy
            subjectId = c.subjectId
            channel = c.channel
            facilityId = c.facilityId
            copies = c.copies
            feeYen = c.feeYen
            issuedAt = c.issuedAt
            contentDigest = c.contentDigest
            ledgerSequence = c.ledgerSequence
            content = c.content
        }
    }

    @Sendable func show(_ request: Request, context: Context) async throws -> CertificateView {
        let id = try context.parameters.require("id")
        guard let c = try await blocking({ try service.certificate(id) }) else {
            throw APIError(MadoguchiError(.notFound, ja: "証明書が見つかりません: \(id)", en: "No certificate \(id)"))
        }
        try await trail.record(request, context, .certificate, subjects: c.peopleShown, documentId: c.id)
        return CertificateView(c)
    }

    @Sendable func document(_ request: Request, context: Context) async throws -> Response {
        let (certificate, response) = try await PDFResponse.document(request, id: try context.parameters.require("id"), service: service)
        try await trail.record(request, context, .document, subjects: certificate.peopleShown, documentId: certificate.id)
        return response
    }

    struct ReasonBody: Decodable {
        var reason: String
    }

    @Sendable func void(_ request: Request, context: Context) async throws -> CertificateView {
        let body = try await JSONBody.decode(ReasonBody.self, from: request)
        let id = try context.parameters.require("id")
        let actor = try context.actingStaff().login
        return CertificateView(try await blocking { try service.void(id, reason: body.reason, actor: actor) })
    }

    @Sendable func reprint(_ request: Request, context: Context) async throws -> EditedResponse<CertificateView> {
        let body = try await JSONBody.decode(ReasonBody.self, from: request)
        let id = try context.parameters.require("id")
        let actor = try context.actingStaff().login
        _ = try context.accessPurpose(request)
        let copy = try await blocking { try service.reprint(id, reason: body.reason, actor: actor) }
        try await trail.record(request, context, .reprint, subjects: copy.peopleShown, documentId: copy.id)
        return EditedResponse(status: .created, headers: [.location: "/api/v1/certificates/\(copy.id)"], response: CertificateView(copy))
    }
}

/// JSON bodies decoded with errors in the API's own shape, naming the field that did not fit.
enum JSONBody {
    static func decode<T: Decodable>(_ type: T.Type, from request: Request) async throws -> T {
        let buffer = try await request.body.collect(upTo: 1 << 20)
        do {
            return try JSONDecoder().decode(T.self, from: Data(buffer: buffer))
        } catch let error as DecodingError {
            // Say what did not fit in the API's words, never the decoder's (no Swift type names).
            func json(_ type: Any.Type) -> String {
                switch type {
                case is String.Type: "a string"
                case is Bool.Type: "true or false"
                case is Int.Type, is Int64.Type, is Double.Type: "a number"
                case is [Any].Type: "an array"
                default: "another kind of value"
                }
            }
            let (path, what): ([CodingKey], String) = switch error {
            case .keyNotFound(let key, let c): (c.codingPath + [key], "missing")
            case .typeMismatch(let type, let c): (c.codingPath, "expected \(json(type))")
            case .valueNotFound(_, let c): (c.codingPath, "missing")
            case .dataCorrupted(let c): (c.codingPath, c.codingPath.isEmpty ? "not valid JSON" : "not an accepted value")
            @unknown default: ([], "unreadable")
            }
            let field = path.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".")
            throw APIError(.badRequest, MadoguchiError(
                .badRequest, ja: "リクエストの内容が読めません（\(field.isEmpty ? "本文" : field)）: \(what)",
                en: "Unreadable request body at \(field.isEmpty ? "(root)" : field): \(what)"))
        }
    }
}

/// An id given as a JSON number or a string of digits.
struct FlexibleID: Decodable {
    let value: Int64

    init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if let n = try? c.decode(Int64.self) {
            value = n
        } else if let s = try? c.decode(String.self), let n = Int64(s) {
            value = n
        } else {
            throw DecodingError.dataCorruptedError(in: c, debugDescription: "not an id")
        }
    }
}

/// A fiscal year given as 2026 or in any notation the calendar reads (令和8年度, R8, 2026年度).
struct FlexibleFiscalYear: Decodable {
    let value: FiscalYear

    init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if let n = try? c.decode(Int.self), n >= 1873, n <= 9999 {
            value = FiscalYear(n)
        } else if let s = try? c.decode(String.self), let y = try? FiscalYear.parse(s) {
            value = y
        } else {
            throw DecodingError.dataCorruptedError(in: c, debugDescription: "not a fiscal year")
        }
    }
}
