import GRDB
import Hummingbird
import MadoguchiDomain
import MadoguchiStore

/// Signing staff in to a group of pages (`/counter`, `/planning`): the token form, the check, and a
/// cookie scoped to that group's path.
struct StaffSignIn {
    /// The pages' base path: `/counter`.
    let base: String
    /// 窓口業務, 施策進行管理
    let title: String
    let cityName: String
    let staffToken: String

    func form(error: String?) -> String {
        """
        <h1>\(HTML.escape(title)) 職員ログイン</h1>
        \(error.map { "<p role=\"alert\" style=\"color:#b00020\">\(HTML.escape($0))</p>" } ?? "")
        <form method="post" action="\(base)/login">
        <p><label>職員用トークン <input type="password" name="token" autocomplete="off" required></label></p>
        <p><button type="submit">ログイン</button></p>
        </form>
        """
    }

    func page() -> Response {
        HTML.response(HTML.page(title: "職員ログイン", cityName: cityName, body: form(error: nil)))
    }

    func login(_ request: Request) async throws -> Response {
        let form = try await FormData.read(request)
        guard StaffTokenMiddleware<BasicRequestContext>.constantTimeEqual(Array((form["token"] ?? "").utf8), Array(staffToken.utf8)) else {
            return HTML.response(
                HTML.page(title: "職員ログイン", cityName: cityName, body: self.form(error: "トークンが違います / Wrong token")),
                status: .unauthorized)
        }
        return Self.redirect(base, cookie: "\(staffCookieName)=\(staffToken); Path=\(base); HttpOnly; SameSite=Strict")
    }

    static func redirect(_ location: String, cookie: String? = nil) -> Response {
        var headers = HTTPFields()
        headers[.location] = location
        if let cookie { headers[.setCookie] = cookie }
        return Response(status: .seeOther, headers: headers)
    }
}

/// Database work from a handler: GRDB's blocking calls run off the cooperative pool, and storage
/// failures come out as domain errors.
extension MadoguchiDatabase {
    func reading<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        let writer = self.writer
        return try await blocking { try writer.read(body) }
    }

    func writing<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        let writer = self.writer
        return try await blocking {
            do { return try writer.write(body) } catch let e as MadoguchiError { throw e } catch { throw StoreError.map(error) }
        }
    }
}
