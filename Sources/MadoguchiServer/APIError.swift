import Foundation
import Hummingbird
import MadoguchiDomain

/// The one place domain errors meet HTTP: a status code and the JSON body
/// `{"error": {"code": ..., "message": {"ja": ..., "en": ...}}}`.
public struct APIError: HTTPResponseError {
    public let status: HTTPResponse.Status
    public let error: MadoguchiError

    public init(_ status: HTTPResponse.Status, _ error: MadoguchiError) {
        self.status = status
        self.error = error
    }

    public init(_ error: MadoguchiError) {
        self.init(APIError.status(for: error.code), error)
    }

    static func status(for code: MadoguchiError.Code) -> HTTPResponse.Status {
        switch code {
        case .notFound: .notFound
        case .unauthorized: .unauthorized
        case .storeBusy: .serviceUnavailable
        case .storeFailure: .internalServerError
        case .constraintViolation: .conflict
        default: .unprocessableContent
        }
    }

    struct Body: Encodable {
        struct Inner: Encodable {
            let code: String
            let message: [String: String]
        }
        let error: Inner
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        let body = Body(error: .init(code: error.code.rawValue, message: ["ja": error.ja, "en": error.en]))
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
