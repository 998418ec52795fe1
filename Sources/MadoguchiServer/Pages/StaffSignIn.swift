import Hummingbird
import MadoguchiDomain
import MadoguchiIssuance
import MadoguchiStore

/// Signing staff in to a group of pages (`/counter`, `/planning`, `/admin`) with their login and password: the form,
/// the check (with the account's lockout), and the session cookie (HttpOnly, SameSite=Strict, Secure behind TLS).
struct StaffSignIn {
    /// The pages' base path: `/counter`.
    let base: String
    /// 窓口業務, 施策進行管理
    let title: String
    let cityName: String
    let staff: StaffService
    /// Add `Secure` to the cookie (the server is reached over TLS)
    var secureCookie = false

    /// The sign-in form's model.
    struct Form {
        let title: String
        let action: String
        let error: String?
    }

    func form(error: String?) -> String { Views.render(Form(title: "\(title) 職員ログイン", action: "\(base)/login", error: error), .staffSignIn) }

    func page() -> Response {
        HTML.response(HTML.page(title: "職員ログイン", cityName: cityName, body: form(error: nil)))
    }

    func login(_ request: Request) async throws -> Response {
        let form = try await FormData.read(request)
        do {
            let (secret, _) = try await staff.signIn(login: form["login"] ?? "", password: form["password"] ?? "")
            return Self.redirect(base, cookie: Self.cookie(secret, maxAge: Int(SignInPolicy.maximumSeconds), secure: secureCookie))
        } catch let error as MadoguchiError where [.staffSignInFailed, .staffLocked].contains(error.code) {
            return HTML.response(
                HTML.page(title: "職員ログイン", cityName: cityName, body: self.form(error: "\(error.ja) / \(error.en)")),
                status: error.code == .staffLocked ? .tooManyRequests : .unauthorized)
        }
    }

    static func cookie(_ value: String, maxAge: Int, secure: Bool) -> String {
        "\(sessionCookieName)=\(value); Path=/; HttpOnly; SameSite=Strict; Max-Age=\(maxAge)\(secure ? "; Secure" : "")"
    }

    /// The sign-out button every signed-in page shows; it comes back to this group's sign-in.
    static func logoutForm(base: String) -> String { Views.render(["to": "\(base)/login"], .logout) }

    /// `POST /logout`: the session ends and the cookie goes; back to the sign-in the form names (one of ours only).
    static func logout<Context: StaffContext>(_ staff: StaffService, secure: Bool) -> @Sendable (Request, Context) async throws -> Response {
        { request, context in
            if let secret = context.sessionSecret { try await staff.signOut(secret) }
            let to = try await FormData.read(request)["to"]
            let back = ["/counter/login", "/planning/login", "/admin/login", "/audit/login"].first { $0 == to } ?? "/counter/login"
            return redirect(back, cookie: cookie("", maxAge: 0, secure: secure))
        }
    }

    static func redirect(_ location: String, cookie: String? = nil) -> Response {
        var headers = HTTPFields()
        headers[.location] = location
        if let cookie { headers[.setCookie] = cookie }
        return Response(status: .seeOther, headers: headers)
    }
}
