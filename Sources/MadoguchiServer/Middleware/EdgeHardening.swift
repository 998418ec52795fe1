import Foundation
import HTTPTypes
import Hummingbird
import MadoguchiDomain
import HummingbirdCore
import NIOCore
import NIOHTTPTypes

/// Closes a connection whose request does not arrive whole in time: a client that sends its headers or body a
/// byte at a time (slowloris) holds a connection and a task for as long as it likes otherwise. The clock runs from
/// the connection's start, and again from the end of each response (keep-alive), until the request's last part;
/// the handler's own time does not count.
final class RequestDeadlineHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    let deadline: TimeAmount
    var timer: Scheduled<Void>?

    init(deadline: TimeAmount) { self.deadline = deadline }

    func start(_ context: ChannelHandlerContext) {
        timer?.cancel()
        let loopBound = NIOLoopBound(context, eventLoop: context.eventLoop)
        timer = context.eventLoop.scheduleTask(in: deadline) { loopBound.value.close(promise: nil) }
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { start(context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        start(context)
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if case .end = unwrapInboundIn(data) {
            timer?.cancel()
            timer = nil
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = unwrapOutboundIn(data) { start(context) }
        context.write(data, promise: promise)
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        timer?.cancel()
        timer = nil
    }

    func channelInactive(context: ChannelHandlerContext) {
        timer?.cancel()
        timer = nil
        context.fireChannelInactive()
    }
}

/// What every answer carries: no framing by other sites, no MIME sniffing, no referrer leaving the site, and a
/// Content-Security-Policy that allows this site's own resources only (the pages use inline styles and SVG, and no
/// script at all).
struct SecurityHeadersMiddleware<Context: RequestContext>: RouterMiddleware {
    static var contentSecurityPolicy: String {
        "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self'; object-src 'none'; "
            + "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            var response = try await next(request, context)
            Self.add(&response.headers)
            return response
        } catch let error as HTTPResponseError {
            var response = try error.response(from: request, context: context)
            Self.add(&response.headers)
            return response
        }
    }

    static func add(_ headers: inout HTTPFields) {
        headers[.xContentTypeOptions] = "nosniff"
        headers[HTTPField.Name("Referrer-Policy")!] = "same-origin"  // no-referrer would make browsers send `Origin: null` on our own forms
        headers[HTTPField.Name("X-Frame-Options")!] = "DENY"
        headers[HTTPField.Name("Cross-Origin-Opener-Policy")!] = "same-origin"
        if headers[.contentSecurityPolicy] == nil { headers[.contentSecurityPolicy] = contentSecurityPolicy }
    }
}

/// Counts requests per client address in fixed one-minute windows.
actor RateLimiter {
    let limit: Int
    let clock: MadoguchiClock
    var window: Int64 = 0
    var counts: [String: Int] = [:]

    init(perMinute limit: Int, clock: MadoguchiClock) {
        self.limit = limit
        self.clock = clock
    }

    /// Whether one more request from this address fits in the current minute; when not, the seconds until it does.
    func admit(_ address: String) -> Int? {
        let now = clock.now().timeIntervalSince1970
        let minute = Int64(now / 60)
        if minute != window {
            window = minute
            counts.removeAll(keepingCapacity: true)
        }
        let n = counts[address, default: 0] + 1
        counts[address] = n
        return n > limit ? max(1, 60 - Int(now.truncatingRemainder(dividingBy: 60))) : nil
    }
}

/// Rate limits at the edge: sign-in (beyond each account's own lockout, so that one address cannot try many
/// accounts) and the public verification (anyone may verify, but not flood the signer and the database).
struct RateLimitMiddleware<Context: StaffContext>: RouterMiddleware {
    let signIn: RateLimiter
    let verify: RateLimiter
    var tickets: RateLimiter? = nil

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let path = request.uri.path
        let limiter: RateLimiter?
        if request.method == .post && path.hasSuffix("/login") {
            limiter = signIn
        } else if request.method == .post, path.hasPrefix("/facilities/") || path.hasPrefix("/api/v1/facilities/"),
            path.hasSuffix("/queue") || path.hasSuffix("/tickets") || path.hasSuffix("/reservations")
        {
            limiter = tickets
        } else if path == "/verify" || path == "/api/v1/verify" || path == "/ledger/checkpoint" || (request.method == .get && path == "/my") {
            limiter = verify
        } else {
            limiter = nil
        }
        if let limiter, let wait = await limiter.admit(context.clientAddress ?? "local") {
            throw RateLimited(retryAfter: wait)
        }
        return try await next(request, context)
    }
}

struct RateLimited: HTTPResponseError {
    let retryAfter: Int
    var status: HTTPResponse.Status { .tooManyRequests }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        var response = try APIError(.tooManyRequests, MadoguchiError(
            .rateLimited, ja: "短い時間に多くの要求がありました。\(retryAfter)秒後にもう一度お試しください",
            en: "Too many requests; try again in \(retryAfter) s")).response(from: request, context: context)
        response.headers[.retryAfter] = String(retryAfter)
        return response
    }
}

extension MadoguchiError.Code {
    static let rateLimited = Self("http.rateLimited")
}
