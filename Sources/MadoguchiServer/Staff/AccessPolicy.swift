import Foundation
import HTTPTypes
import Hummingbird
import MadoguchiDomain
import MadoguchiIssuance

/// Who may reach a route.
enum Access: Sendable, Hashable {
    /// Anyone: the public pages, verification, the card authority's publications, health, sign-in
    case anyone
    /// Hubs only (the kiosk protocol, behind the hub's token)
    case hub
    /// The relay only (behind the city's relay secret)
    case relay
    /// A resident signed in with their card, for their own data only (`ResidentPages` checks the session)
    case resident
    /// A signed-in member of staff holding one of these roles (empty: any member of staff)
    case staff(Set<StaffRole>)
}

/// Which roles reach each route: the one place where it is declared. A route the router has and this table does not
/// is refused to everyone (and a test walks the router to make sure there is none).
enum AccessPolicy {
    static let counter: Set<StaffRole> = [.clerk, .supervisor]
    static let sheetReaders: Set<StaffRole> = [.planner, .sectionChief, .director, .externalReviewer]

    static let rules: [String: Access] = [
        // Public
        "GET /": .anyone, "GET /health": .anyone, "GET /openapi.json": .anyone, "GET /api/v1/city": .anyone,
        "GET /calendar": .anyone, "GET /facilities": .anyone, "GET /facilities/{id}": .anyone, "GET /facilities/{id}/hours.ics": .anyone, "GET /finder": .anyone, "GET /api/v1/finder": .anyone, "GET /verify": .anyone, "POST /verify": .anyone,
        "POST /api/v1/verify": .anyone, "GET /.well-known/jwks.json": .anyone,
        // The queue's public side: the entrance's touch page, a ticket by its secret, the display board
        "GET /facilities/{id}/queue": .anyone, "POST /facilities/{id}/queue": .anyone, "GET /facilities/{id}/board": .anyone,
        "GET /facilities/{id}/board/events": .anyone, "GET /tickets/{ticket}": .anyone, "POST /tickets/{ticket}/cancel": .anyone,
        "GET /tickets/{ticket}/events": .anyone, "POST /tickets/{ticket}/check-in": .anyone, "GET /assets/queue.js": .anyone, "GET /assets/verify.js": .anyone, "GET /facilities/{id}/congestion": .anyone,
        "GET /api/v1/facilities/{id}/congestion": .anyone,
        "POST /api/v1/facilities/{id}/tickets": .anyone, "POST /api/v1/facilities/{id}/reservations": .anyone,
        "GET /api/v1/facilities/{id}/board": .anyone, "GET /api/v1/tickets/{ticket}": .anyone, "POST /api/v1/tickets/{ticket}/{action}": .anyone,
        "GET /pki/ca.pem": .anyone, "GET /pki/documents.pem": .anyone, "GET /pki/crl.der": .anyone, "GET /pki/status/{serial}": .anyone,
        "GET /sheets": .anyone, "GET /sheets/{code}": .anyone, "GET /sheets/{code}/sheet.pdf": .anyone,
        "GET /sheets/opendata.csv": .anyone, "GET /sheets/opendata.json": .anyone,
        "GET /counter/login": .anyone, "POST /counter/login": .anyone, "GET /planning/login": .anyone, "POST /planning/login": .anyone,
        "GET /admin/login": .anyone, "POST /admin/login": .anyone, "POST /logout": .anyone,
        // Hubs and the relay, each behind its own secret
        "GET /kiosk/v1/menu": .hub, "GET /kiosk/v1/settlement": .hub, "POST /kiosk/v1/sessions": .hub,
        "POST /kiosk/v1/sessions/{requestId}/card": .hub, "POST /kiosk/v1/sessions/{requestId}/quote": .hub,
        "POST /kiosk/v1/sessions/{requestId}/order": .hub, "POST /kiosk/v1/sessions/{requestId}/printed": .hub,
        "POST /kiosk/v1/sessions/{requestId}/abort": .hub,
        "POST /relay/v1/wide-area": .relay, "POST /relay/v1/support-measures": .relay, "POST /relay/v1/card-status": .relay, "GET /ledger/checkpoint": .anyone,
        // The counter: finding people, issuing, the counter's own records
        "GET /api/v1/facilities": .staff([]),
        // The windows of the member of staff's own facility (a supervisor sets what each serves)
        "GET /api/v1/queue/windows": .staff(counter), "PUT /api/v1/queue/windows/{window}": .staff([.supervisor]),
        "POST /api/v1/queue/windows/{window}/{action}": .staff(counter), "POST /api/v1/queue/tickets/{number}/resume": .staff(counter),
        "GET /api/v1/residents": .staff(counter), "GET /api/v1/residents/{id}": .staff(counter),
        "POST /api/v1/certificates": .staff(counter), "GET /api/v1/certificates/{id}": .staff(counter.union([.auditor])),
        "GET /api/v1/certificates/{id}/document.pdf": .staff(counter), "POST /api/v1/certificates/{id}/reprint": .staff(counter), "POST /api/v1/timestamps": .staff(counter),
        "POST /api/v1/certificates/{id}/void": .staff([.supervisor]),
        "POST /api/v1/wide-area/certificates": .staff(counter),
        "GET /api/v1/residents/{id}/procedures": .staff(counter), "POST /api/v1/residents/{id}/support-measures": .staff(counter),
        "POST /api/v1/support-measures/{id}/{action}": .staff([.supervisor]),
        "POST /api/v1/residents/{id}/seal": .staff(counter), "POST /api/v1/seals/{number}/abolish": .staff(counter),
        "POST /api/v1/residents/{id}/holder-notification": .staff(counter),
        "POST /api/v1/residents/{id}/holder-notification/end": .staff(counter),
        "GET /counter": .staff(counter), "POST /counter/purpose": .staff(counter), "GET /counter/residents/{id}": .staff(counter), "POST /counter/residents/{id}/preview": .staff(counter),
        "POST /counter/issue": .staff(counter), "GET /counter/certificates/{id}": .staff(counter),
        "GET /counter/certificates/{id}/document.pdf": .staff(counter), "POST /counter/certificates/{id}/reprint": .staff(counter),
        "POST /counter/certificates/{id}/void": .staff([.supervisor]),
        "GET /counter/wide-area": .staff(counter), "POST /counter/wide-area": .staff(counter),
        "GET /counter/queue": .staff(counter), "POST /counter/queue/windows/{window}/{action}": .staff(counter),
        "POST /counter/queue/tickets/{number}/resume": .staff(counter),
        "GET /counter/residents/{id}/procedures": .staff(counter), "POST /counter/residents/{id}/procedures/support-measure": .staff(counter),
        "POST /counter/residents/{id}/procedures/support-measure/{measure}/{action}": .staff([.supervisor]),
        "POST /counter/residents/{id}/procedures/seal": .staff(counter), "POST /counter/residents/{id}/procedures/seal/abolish": .staff(counter),
        "POST /counter/residents/{id}/procedures/notification": .staff(counter),
        "POST /counter/residents/{id}/procedures/notification/end": .staff(counter),
        // Planning: the sheets, their review, activities and surveys
        "GET /api/v1/sheets": .staff(sheetReaders), "GET /api/v1/sheets/{code}": .staff(sheetReaders),
        "GET /api/v1/sheets/{code}/live": .staff(sheetReaders), "PUT /api/v1/sheets/{code}": .staff([.planner]),
        "POST /api/v1/sheets/{code}/review": .staff(sheetReaders),
        "GET /api/v1/activities": .staff([.planner, .regionalStaff]), "POST /api/v1/activities": .staff([.planner, .regionalStaff]),
        "GET /planning": .staff(sheetReaders.union([.regionalStaff])), "POST /planning/import": .staff([.planner]),
        "GET /planning/sheets/{code}": .staff(sheetReaders), "GET /planning/sheets/{code}/edit": .staff([.planner]),
        "POST /planning/sheets/{code}/edit": .staff([.planner]), "POST /planning/sheets/{code}/review": .staff(sheetReaders),
        "GET /planning/sheets/{code}/history": .staff(sheetReaders), "GET /planning/sheets/{code}/sheet.json": .staff(sheetReaders),
        "GET /planning/sheets/{code}/sheet.pdf": .staff(sheetReaders), "GET /planning/sheets/{code}/versions/{version}": .staff(sheetReaders),
        "GET /planning/activities": .staff([.planner, .regionalStaff]), "POST /planning/activities": .staff([.planner, .regionalStaff]),
        // Statistics: counts by facility, channel, procedure, window and hour (no person), for planning and the counters' supervisors
        "GET /planning/statistics": .staff(sheetReaders.union([.supervisor, .auditor])),
        "GET /planning/statistics/issuance.csv": .staff(sheetReaders.union([.supervisor, .auditor])),
        "GET /planning/statistics/tickets.csv": .staff(sheetReaders.union([.supervisor, .auditor])),
        "GET /planning/reorganisation": .staff(sheetReaders.union([.supervisor, .auditor])),
        "GET /planning/surveys": .staff([.planner]), "POST /planning/surveys": .staff([.planner]),
        "POST /planning/surveys/{id}/answers": .staff([.planner]), "POST /planning/surveys/{id}/responses": .staff([.planner]),
        // Residents: their own access record, behind their card (the session names the person; no route takes an id)
        "GET /my": .anyone, "POST /my/login": .anyone, "POST /my/logout": .anyone, "GET /my/access.json": .resident,
        // The auditor: the access log
        "GET /audit/login": .anyone, "POST /audit/login": .anyone, "GET /audit": .staff([.auditor]), "GET /audit/access.csv": .staff([.auditor]),
        // Administration
        "GET /admin": .staff([.admin]), "POST /admin/accounts": .staff([.admin]), "POST /admin/accounts/{login}/{action}": .staff([.admin]),
        "POST /admin/credentials": .staff([.admin]), "POST /admin/credentials/{id}/revoke": .staff([.admin]),
    ]

    /// The rule for a request, by its method and the route it matched.
    static func rule(method: HTTPRequest.Method, endpoint: String?) -> Access? {
        guard let endpoint else { return nil }
        return rules["\(method.rawValue) \(endpoint)"]
    }

    /// Where a page route's sign-in is.
    static func signInPath(for path: String) -> String {
        if path.hasPrefix("/planning") { return "/planning/login" }
        if path.hasPrefix("/admin") { return "/admin/login" }
        if path.hasPrefix("/audit") { return "/audit/login" }
        return "/counter/login"
    }

    static func isPage(_ path: String) -> Bool { !path.hasPrefix("/api/") && !path.hasPrefix("/kiosk/") && !path.hasPrefix("/relay/") }
}

/// The cookie that carries a signed-in member of staff's session.
let sessionCookieName = "madoguchi_session"

/// Finds who is acting: an API credential (`Authorization: Bearer …`) or the session cookie. Refuses nothing itself.
struct StaffAuthenticationMiddleware<Context: StaffContext>: RouterMiddleware {
    let staff: StaffService

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        // Only staff routes (and signing out) look anyone up: public routes never touch the staff tables.
        if request.uri.path != "/logout" {
            guard case .staff = AccessPolicy.rule(method: request.method, endpoint: context.endpointPath) else { return try await next(request, context) }
        }
        var context = context
        if let header = request.headers[.authorization], header.hasPrefix("Bearer "), !request.uri.path.hasPrefix("/kiosk/"),
            !request.uri.path.hasPrefix("/relay/")
        {
            context.staff = try await staff.credential(String(header.dropFirst(7)))
        } else if let secret = Self.cookie(request, sessionCookieName) {
            if let identity = try await staff.session(secret) {
                context.staff = identity
                context.sessionSecret = secret
            }
        }
        return try await next(request, context)
    }

    static func cookie(_ request: Request, _ name: String) -> String? {
        request.headers[.cookie].flatMap { header in
            header.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
                .first { $0.hasPrefix(name + "=") }.map { String($0.dropFirst(name.count + 1)) }
        }
    }
}

/// Applies `AccessPolicy` to every route, and guards the pages' forms: a POST with the session cookie must come from
/// this site and carry the session's CSRF token, and every form of a signed-in page gets that token (`HTML.withCSRF`).
struct AccessPolicyMiddleware<Context: StaffContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let path = request.uri.path
        guard let rule = AccessPolicy.rule(method: request.method, endpoint: context.endpointPath) else {
            if context.endpointPath == nil || context.endpointPath == "NotFound" { return try await next(request, context) }
            throw APIError(.forbidden, MadoguchiError(.staffForbidden, ja: "この操作は許可されていません", en: "No access policy covers this route"))
        }
        var request = request
        if case .staff(let roles) = rule {
            guard let staff = context.staff else {
                if AccessPolicy.isPage(path) { return StaffSignIn.redirect(AccessPolicy.signInPath(for: path)) }
                throw APIError(.unauthorized, MadoguchiError(
                    .unauthorized, ja: "職員の資格情報が必要です（Authorization: Bearer …）", en: "A staff credential is required (Authorization: Bearer …)"))
            }
            guard roles.isEmpty || staff.hasAny(roles) else {
                throw APIError(.forbidden, MadoguchiError(
                    .staffForbidden, ja: "この操作に必要な役割がありません（\(roles.sorted().map(\.japanese).joined(separator: "・"))）",
                    en: "This needs one of the roles: \(roles.sorted().map(\.rawValue).joined(separator: ", "))"))
            }
        }
        // What staff post with the session cookie (and signing out): this site only, and the session's CSRF token.
        var guarded = path == "/logout"
        if case .staff = rule { guarded = true }
        if guarded, context.sessionSecret != nil, request.method != .get, request.method != .head {
            if let origin = request.headers[.origin], let host = request.head.authority, !origin.hasSuffix("//" + host) {
                throw APIError(.forbidden, MadoguchiError(.badRequest, ja: "別のサイトからの送信は受け付けません", en: "Cross-site request refused"))
            }
            let body = try await request.body.collect(upTo: 2 << 20)
            request.body = .init(buffer: body)
            let sent = request.headers[HTTPField.Name("X-CSRF-Token")!] ?? FormData(String(buffer: body))["csrf"]
            guard let expected = context.staff?.csrfToken, let sent,
                Secrets.equal(Array(sent.utf8), Array(expected.utf8))
            else {
                throw APIError(.forbidden, MadoguchiError(.staffCSRF, ja: "画面を開き直してから送信してください（CSRF）", en: "Reload the page and send again (CSRF token)"))
            }
        }
        // Only the staff's own pages carry the token in their forms; public pages never show it.
        guard case .staff = rule, let token = context.staff?.csrfToken, context.sessionSecret != nil else {
            return try await next(request, context)
        }
        return try await HTML.$csrfToken.withValue(token) { try await next(request, context) }
    }
}
