import Foundation
import Hummingbird
import MadoguchiDomain
import MadoguchiIssuance
import MadoguchiPKI
import MadoguchiStore

/// `/my`: 住民向けアクセス記録. The resident signs in with the card (the page shows a one-time challenge; the card
/// reader on their device signs it after the PIN and gives an answer to paste back), then sees every read of their
/// data by staff and every certificate about them: when, where, what, why, and who asked for a certificate
/// (本人・代理人・第三者…), never the member of staff. The session is the resident's own: no route takes a person's id.
struct ResidentPages<Context: StaffContext>: Sendable {
    let portal: ResidentPortal
    let cityName: String
    var secureCookie = false

    static var cookieName: String { "madoguchi_resident" }

    func addRoutes(to router: Router<Context>) {
        router.get("/my", use: page)
        router.post("/my/login", use: login)
        router.post("/my/logout", use: logout)
        router.get("/my/access.json", use: json)
    }

    func cookie(_ value: String, maxAge: Int) -> String {
        "\(Self.cookieName)=\(value); Path=/my; HttpOnly; SameSite=Strict; Max-Age=\(maxAge)\(secureCookie ? "; Secure" : "")"
    }

    func resident(_ request: Request) async throws -> Int64? {
        guard let secret = StaffAuthenticationMiddleware<Context>.cookie(request, Self.cookieName) else { return nil }
        return try await portal.resident(session: secret)
    }

    func signInPage(error: String? = nil, status: HTTPResponse.Status = .ok) async throws -> Response {
        let (id, challenge) = try await portal.challenge()
        let page = ResidentSignInPage(challengeId: id, code: challenge.encoded, error: error)
        var response = HTML.response(
            HTML.page(title: "わたしの情報の利用記録", cityName: cityName, body: Views.render(page, .mySignIn), style: Views.Asset.my.text), status: status)
        response.headers[.cacheControl] = "no-store"
        return response
    }

    @Sendable func page(_ request: Request, context: Context) async throws -> Response {
        guard let residentId = try await resident(request) else { return try await signInPage() }
        let page = ResidentAccessPage(try await portal.lines(residentId: residentId))
        var response = HTML.response(HTML.page(
            title: "わたしの情報の利用記録", cityName: cityName, body: Views.render(page, .myAccess), style: Views.Asset.my.text, wide: true))
        response.headers[.cacheControl] = "no-store"
        return response
    }

    @Sendable func login(_ request: Request, context: Context) async throws -> Response {
        let form = try await FormData.read(request)
        guard let answer = CardAnswer.read(form["answer"] ?? ""), let challengeId = form["challengeId"] else {
            return try await signInPage(error: "カードの応答を読めません。もう一度お試しください。", status: .unauthorized)
        }
        do {
            let (secret, _) = try await portal.signIn(challengeId: challengeId, certificatePEM: answer.certificatePEM, signature: answer.signature)
            return StaffSignIn.redirect("/my", cookie: cookie(secret, maxAge: Int(ResidentPortal.sessionSeconds)))
        } catch let error as MadoguchiError {
            return try await signInPage(error: "\(error.ja)（\(error.code.rawValue)）", status: .unauthorized)
        }
    }

    @Sendable func logout(_ request: Request, context: Context) async throws -> Response {
        if let secret = StaffAuthenticationMiddleware<Context>.cookie(request, Self.cookieName) { try await portal.signOut(secret) }
        return StaffSignIn.redirect("/my", cookie: cookie("", maxAge: 0))
    }

    struct Lines: ResponseEncodable {
        let count: Int
        let lines: [ResidentAccessLine]
    }

    @Sendable func json(_ request: Request, context: Context) async throws -> Lines {
        guard let residentId = try await resident(request) else {
            throw APIError(.unauthorized, MadoguchiError(.unauthorized, ja: "カードでログインしてください", en: "Sign in with the card first"))
        }
        let lines = try await portal.lines(residentId: residentId)
        return Lines(count: lines.count, lines: lines)
    }
}

extension ResidentAccessLine: ResponseEncodable {}

/// The resident's sign-in: the one-time challenge to sign with the card, and the form for the card's answer.
struct ResidentSignInPage {
    let challengeId: String
    let code: String
    let error: String?
}

/// The resident's own record of reads and certificates, newest first.
struct ResidentAccessPage {
    struct Line {
        let source: String
        let when: String
        let place: String
        let what: String
        let purpose: String
        let requester: String
    }

    let count: Int
    let lines: [Line]
    /// The table's scrolling box on a phone (markup of the frame's `scroll` view)
    let box = HTML.scroll("利用と交付の記録")

    /// 2026-11-24T10:00:00.000+09:00 → 2026年11月24日 10:00
    static func when(_ at: String) -> String {
        let c = Array(at)
        guard c.count >= 16 else { return at }
        return "\(String(c[0..<4]))年\(Int(String(c[5..<7])) ?? 0)月\(Int(String(c[8..<10])) ?? 0)日 \(String(c[11..<16]))"
    }

    init(_ lines: [ResidentAccessLine]) {
        count = lines.count
        self.lines = lines.map {
            Line(
                source: $0.source.rawValue, when: Self.when($0.at), place: $0.place, what: $0.what, purpose: $0.purpose ?? "—",
                requester: $0.requester ?? "—")
        }
    }
}
