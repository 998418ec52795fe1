import Foundation
import Hummingbird
import MadoguchiDomain
import MadoguchiIssuance

/// The one place domain errors meet HTTP: a status code and the JSON body
/// `{"error": {"code": ..., "message": {"ja": ..., "en": ...}}}`.
public struct APIError: HTTPResponseError {
    public let status: HTTPResponse.Status
    public let error: MadoguchiError
    /// Every refusal, when the request was refused for several reasons
    public let refusals: [MadoguchiError]

    public init(_ status: HTTPResponse.Status, _ error: MadoguchiError, refusals: [MadoguchiError] = []) {
        self.status = status
        self.error = error
        self.refusals = refusals
    }

    public init(_ error: MadoguchiError) {
        self.init(APIError.status(for: error.code), error)
    }

    static func status(for code: MadoguchiError.Code) -> HTTPResponse.Status {
        switch code {
        case .notFound: .notFound
        case .unauthorized: .unauthorized
        case .storeBusy: .serviceUnavailable
        case .storeFailure, .renderingFailed: .internalServerError
        case .certificateNotPrintable: .gone
        case .constraintViolation, .idempotencyConflict, .certificateNotIssued: .conflict
        case .idempotencyKeyInvalid, .reasonMissing, .badRequest, .badKioskRequest: .badRequest
        case .kioskClosed, .kioskNotConfigured: .serviceUnavailable
        case .kioskHubUnauthorized: .unauthorized
        case .wideAreaBadRequest: .badRequest
        case .supportMeasureNotAllowed: .conflict
        case .procedureInvalid: .unprocessableContent
        case .wideAreaBadAnswer, .wideAreaUnavailable: .badGateway
        case .relayUnauthorized: .unauthorized
        case .relayNotConfigured: .serviceUnavailable
        case .relayUnknownCity: .notFound
        case .kioskCardMismatch, .kioskNotThisSession: .forbidden
        case .cardStatusUnavailable: .badGateway
        case .kioskOutOfOrder, .kioskSessionEnded, .kioskRequestReused, .kioskAlreadyCompleted: .conflict
        case .kioskSessionExpired: .gone
        case .sheetNotFound: .notFound
        case .sheetVersionConflict, .sheetNotEditable, .reviewNotAllowed: .conflict
        case .reviewWrongRole, .reviewSamePerson, .staffForbidden, .staffCSRF: .forbidden
        case .auditPurposeRequired: .badRequest
        case .staffSignInFailed: .unauthorized
        case .staffLocked: .tooManyRequests
        case .activityInvalid, .surveyInvalid, .surveyAnswerUnknown, .sheetInvalid, .sheetJSONInvalid: .unprocessableContent
        default: .unprocessableContent
        }
    }

    struct Body: Encodable {
        struct Message: Encodable {
            let code: String
            let message: [String: String]
        }
        struct Inner: Encodable {
            let code: String
            let message: [String: String]
            let refusals: [Message]?
        }
        let error: Inner
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        let body = Body(error: .init(
            code: error.code.rawValue, message: ["ja": error.ja, "en": error.en],
            refusals: refusals.isEmpty ? nil : refusals.map { .init(code: $0.code.rawValue, message: ["ja": $0.ja, "en": $0.en]) }))
        let data = try JSONEncoder().encode(body)
        var headers = HTTPFields()
        headers[.contentType] = "application/json; charset=utf-8"
        if status == .unauthorized { headers[.wwwAuthenticate] = "Bearer realm=\"madoguchi\"" }
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(data: data)))
    }
}

extension MadoguchiError.Code {
    public static let unauthorized = Self("auth.unauthorized")
    public static let badRequest = Self("request.invalid")
}
