import Foundation
import Hummingbird
import MadoguchiDomain

/// Compares a presented secret with the expected one in time independent of where they differ.
enum Secrets {
    static func equal(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        var diff: UInt8 = 0
        for i in 0..<a.count { diff |= a[i] ^ b[i] }
        return diff == 0
    }
}

/// Logs method, path (never the query, which may hold a name), status and time: no personal data. A path segment that
/// is a bearer secret (a queue ticket's: whoever has it can follow and cancel the ticket, ADR 0012) is logged as `…`.
struct AccessLogMiddleware<Context: RequestContext>: RouterMiddleware {
    /// Route parameters whose values are secrets.
    static var secretParameters: Set<String> { ["{ticket}"] }

    /// The path as logged: each segment the route template names a secret parameter becomes `…`.
    static func loggedPath(_ path: String, endpoint: String?) -> String {
        guard let endpoint, secretParameters.contains(where: endpoint.contains) else { return path }
        let template = endpoint.split(separator: "/", omittingEmptySubsequences: false)
        var segments = path.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        for (i, part) in template.enumerated() where i < segments.count && secretParameters.contains(String(part)) {
            segments[i] = "…"
        }
        return segments.joined(separator: "/")
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        let start = ContinuousClock.now
        do {
            let response = try await next(request, context)
            log(request, context, status: response.status.code, start: start)
            return response
        } catch let error as HTTPResponseError {
            log(request, context, status: error.status.code, start: start)
            throw error
        } catch {
            log(request, context, status: 500, start: start)
            throw error
        }
    }

    func log(_ request: Request, _ context: Context, status: Int, start: ContinuousClock.Instant) {
        let elapsed = ContinuousClock.now - start
        let ms = Double(elapsed.components.attoseconds) / 1e15 + Double(elapsed.components.seconds) * 1000
        context.logger.info(
            "request",
            metadata: [
                "method": "\(request.method.rawValue)", "path": "\(Self.loggedPath(request.uri.path, endpoint: context.endpointPath))", "status": "\(status)",
                "ms": "\(String(format: "%.1f", ms))",
            ])
    }
}


/// The one place errors leave the server:
/// - a domain error becomes its coded answer (`APIError`);
/// - a database failure says so without the database's words (no table, column or constraint names), and anything
///   unexpected is a 500 with a code, its detail in the server's log (its type only: no personal data);
/// - a page route answers with an HTML page and the real status, not JSON (a PDF, CSV or JSON route keeps JSON).
struct DomainErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    var cityName = "窓口市"

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        do {
            return try await next(request, context)
        } catch let error as MadoguchiError {
            throw present(APIError(Self.sanitized(error)), request)
        } catch let error as APIError {
            throw present(APIError(error.status, Self.sanitized(error.error), refusals: error.refusals), request)
        } catch let error as HTTPResponseError {
            guard error.status.code >= 400, Self.isPage(request) else { throw error }
            throw present(APIError(error.status, MadoguchiError(
                error.status == .notFound ? .notFound : .badRequest, ja: Self.japanese(error.status), en: error.status.reasonPhrase)), request)
        } catch {
            context.logger.error("unexpected error", metadata: ["type": "\(type(of: error))"])
            throw present(APIError(.internalServerError, MadoguchiError(
                .serverInternal, ja: "処理中に問題が発生しました。しばらくしてからもう一度お試しください", en: "Something went wrong; try again shortly")),
                request)
        }
    }

    /// What a database error may say to a client: its kind, not the schema's words.
    static func sanitized(_ error: MadoguchiError) -> MadoguchiError {
        switch error.code {
        case .constraintViolation:
            MadoguchiError(.constraintViolation, ja: "データの整合性に反するため保存できません", en: "Refused by a data constraint")
        case .storeFailure:
            MadoguchiError(.storeFailure, ja: "データベースの処理に失敗しました", en: "Database failure")
        default: error
        }
    }

    static func isPage(_ request: Request) -> Bool {
        let path = request.uri.path
        return AccessPolicy.isPage(path) && !path.hasSuffix(".pdf") && !path.hasSuffix(".csv") && !path.hasSuffix(".json")
            && !path.hasPrefix("/pki/") && !path.hasPrefix("/.well-known/") && path != "/health" && !(request.method == .post && path == "/verify" && request.headers[.contentType]?.contains("json") == true)
    }

    static func japanese(_ status: HTTPResponse.Status) -> String {
        switch status.code {
        case 404: "ページが見つかりません"
        case 405: "この操作はできません"
        case 413: "送信された内容が大きすぎます"
        default: "リクエストを処理できません"
        }
    }

    func present(_ error: APIError, _ request: Request) -> any HTTPResponseError {
        Self.isPage(request) ? ErrorPage(error: error, cityName: cityName) : error
    }
}

/// An error on a page route: an HTML page with the real status, the message in Japanese and English, and its code.
struct ErrorPage: HTTPResponseError {
    let error: APIError
    let cityName: String
    var status: HTTPResponse.Status { error.status }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        let e = error.error
        let page = Model(
            ja: e.ja, en: e.en, code: e.code.rawValue, status: Int(status.code),
            refusals: error.refusals.map { Model.Refusal(code: $0.code.rawValue, ja: $0.ja, en: $0.en) }, hasRefusals: !error.refusals.isEmpty)
        return HTML.response(HTML.page(title: e.ja, cityName: cityName, body: Views.render(page, .error)), status: status)
    }

    /// The page's model.
    struct Model {
        struct Refusal {
            let code: String
            let ja: String
            let en: String
        }

        let ja: String
        let en: String
        let code: String
        let status: Int
        let refusals: [Refusal]
        let hasRefusals: Bool
    }
}

extension MadoguchiError.Code {
    static let serverInternal = Self("server.internal")
}
