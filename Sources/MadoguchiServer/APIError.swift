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

    /// The one status map (`ErrorStatus`), shared with the hub and the store copier.
    static func status(for code: MadoguchiError.Code) -> HTTPResponse.Status {
        HTTPResponse.Status(code: ErrorStatus.status(of: code.rawValue))
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        var headers = HTTPFields()
        headers[.contentType] = ErrorEnvelope.contentType
        if status == .unauthorized { headers[.wwwAuthenticate] = "Bearer realm=\"madoguchi\"" }
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(data: ErrorEnvelope(error, refusals: refusals).encoded())))
    }
}

extension MadoguchiError.Code {
    public static let unauthorized = Self("auth.unauthorized")
    public static let badRequest = Self("request.invalid")
}
