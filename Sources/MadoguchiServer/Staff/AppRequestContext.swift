import Hummingbird
import MadoguchiDomain
import MadoguchiIssuance
import NIOCore

/// What every request carries through the server: who is acting, if anyone signed in or presented a credential.
public protocol StaffContext: RequestContext {
    /// The account (or device) acting: set by `StaffAuthenticationMiddleware`, required by `AccessPolicyMiddleware`
    var staff: StaffIdentity? { get set }
    /// The session's secret, when the request came with the sign-in cookie (forms must then carry the CSRF token)
    var sessionSecret: String? { get set }
    /// Who is calling, by network address: what rate limits count by (behind trusted proxies, from X-Forwarded-For)
    var clientAddress: String? { get set }
}

/// The server's request context.
public struct AppRequestContext: StaffContext {
    public var coreContext: CoreRequestContextStorage
    public var staff: StaffIdentity?
    public var sessionSecret: String?
    /// The client's address, for rate limits: the connection's peer, or behind trusted proxies the client they name
    /// (`ForwardedForMiddleware`)
    public var clientAddress: String?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        staff = nil
        sessionSecret = nil
        clientAddress = source.channel.remoteAddress?.ipAddress
    }
}

extension StaffContext {
    /// The acting account: only called behind a policy that requires one.
    func actingStaff() throws -> StaffIdentity {
        guard let staff else {
            throw APIError(.unauthorized, MadoguchiError(.unauthorized, ja: "ログインが必要です", en: "Sign in first"))
        }
        return staff
    }
}

extension StaffContext {
    /// Where the acting member of staff works: an issuance or a procedure is recorded at the account's (or counter
    /// terminal's) facility, never at one a request names. A request naming another facility is refused, so that no
    /// clerk can record work at a counter they are not at.
    func actingFacility(requested: String?) throws -> String? {
        let staff = try actingStaff()
        let requested = requested.flatMap { $0.isEmpty ? nil : $0 }
        guard let own = staff.facilityId else {
            guard requested == nil else { throw Self.wrongFacility(requested!, own: nil) }
            return nil
        }
        if let requested, requested != own { throw Self.wrongFacility(requested, own: own) }
        return own
    }

    static func wrongFacility(_ requested: String, own: String?) -> APIError {
        APIError(.forbidden, MadoguchiError(
            .staffWrongFacility, ja: "所属していない窓口（\(requested)）では記録できません",
            en: "You work at \(own ?? "no facility"), not at \(requested)"))
    }
}

extension MadoguchiError.Code {
    static let staffWrongFacility = Self("staff.wrongFacility")
}
