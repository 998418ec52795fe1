import Foundation
import Hummingbird
import MadoguchiDomain
import MadoguchiIssuance
import MadoguchiPKI
import MadoguchiStore

/// `/admin`: the city's administrator keeps the staff accounts (who, which roles, which facility), resets passwords,
/// and issues and revokes API credentials for people and devices. A new password or credential secret is shown once,
/// on the page that made it, and stored only as a hash.
struct AdminPages<Context: StaffContext>: Sendable {
    let staff: StaffService
    let registry: RegistryRepository
    let cityName: String
    var secureCookie = false

    var signIn: StaffSignIn { StaffSignIn(base: "/admin", title: "職員管理", cityName: cityName, staff: staff, secureCookie: secureCookie) }

    func addRoutes(to router: Router<Context>) {
        router.get("/admin/login") { _, _ in signIn.page() }
        router.post("/admin/login") { request, _ in try await signIn.login(request) }
        router.get("/admin") { _, context in try await page(context, notice: nil) }
        router.post("/admin/accounts", use: createAccount)
        router.post("/admin/accounts/{login}/{action}", use: accountAction)
        router.post("/admin/credentials", use: issueCredential)
        router.post("/admin/credentials/{id}/revoke", use: revokeCredential)
    }

    @Sendable func createAccount(_ request: Request, context: Context) async throws -> Response {
        let actor = try context.actingStaff().login
        let form = try await FormData.read(request)
        let roles = Set(form.all("role").compactMap(StaffRole.init(rawValue:)))
        let facility = (form["facilityId"] ?? "").isEmpty ? nil : form["facilityId"]
        let given = form["password"] ?? ""
        let password = given.isEmpty ? StaffPasswords.secret(bytes: 12) : given
        do {
            let account = try await staff.create(
                StaffAccount(login: form["login"] ?? "", displayName: form["displayName"] ?? "", roles: roles, facilityId: facility),
                password: password, by: actor)
            let shown = given.isEmpty ? "（初期パスワード: <code>\(HTML.escape(password))</code>　この画面でのみ表示します）" : ""
            return try await page(context, notice: "職員 \(HTML.escape(account.login)) を登録しました\(shown)")
        } catch let error as MadoguchiError {
            return try await page(context, notice: nil, error: error)
        }
    }

    @Sendable func accountAction(_ request: Request, context: Context) async throws -> Response {
        let actor = try context.actingStaff().login
        let login = try context.parameters.require("login")
        do {
            switch context.parameters.get("action") {
            case "disable":
                guard login != actor else {
                    throw MadoguchiError(.staffInvalid, ja: "自分の職員アカウントは無効にできません", en: "You cannot disable your own account")
                }
                try await staff.setDisabled(login: login, true, by: actor)
                return try await page(context, notice: "\(HTML.escape(login)) を無効にしました（すべてのセッションを終了）")
            case "enable":
                try await staff.setDisabled(login: login, false, by: actor)
                return try await page(context, notice: "\(HTML.escape(login)) を有効にしました")
            case "reset":
                let password = try await staff.resetPassword(login: login, by: actor)
                return try await page(context, notice:
                    "\(HTML.escape(login)) の新しいパスワード: <code>\(HTML.escape(password))</code>（この画面でのみ表示します）")
            default:
                throw MadoguchiError(.notFound, ja: "その操作はありません", en: "No such account action")
            }
        } catch let error as MadoguchiError {
            return try await page(context, notice: nil, error: error)
        }
    }

    @Sendable func issueCredential(_ request: Request, context: Context) async throws -> Response {
        let actor = try context.actingStaff().login
        let form = try await FormData.read(request)
        let roles = Set(form.all("role").compactMap(StaffRole.init(rawValue:)))
        let login = (form["login"] ?? "").isEmpty ? nil : form["login"]
        let facility = (form["facilityId"] ?? "").isEmpty ? nil : form["facilityId"]
        do {
            let (secret, credential) = try await staff.issueCredential(
                label: form["label"] ?? "", login: login, roles: roles.isEmpty ? nil : roles, facilityId: facility, by: actor)
            return try await page(context, notice:
                "資格情報 #\(credential.id)（\(HTML.escape(credential.label))）: <code>\(HTML.escape(secret))</code>（この画面でのみ表示します）")
        } catch let error as MadoguchiError {
            return try await page(context, notice: nil, error: error)
        }
    }

    @Sendable func revokeCredential(_ request: Request, context: Context) async throws -> Response {
        let actor = try context.actingStaff().login
        guard let id = Int64(try context.parameters.require("id")) else {
            return try await page(context, notice: nil, error: MadoguchiError(.badRequest, ja: "番号が不正です", en: "Bad credential id"))
        }
        do {
            try await staff.revokeCredential(id: id, by: actor)
            return try await page(context, notice: "資格情報 #\(id) を取り消しました")
        } catch let error as MadoguchiError {
            return try await page(context, notice: nil, error: error)
        }
    }

    func page(_ context: Context, notice: String?, error: MadoguchiError? = nil) async throws -> Response {
        let me = try context.actingStaff()
        let accounts = try await staff.accounts()
        let credentials = try await staff.credentials()
        let facilities = try await blocking { [registry] in try registry.facilities() }
        let byId = Dictionary(uniqueKeysWithValues: accounts.compactMap { a in a.id.map { ($0, a.login) } })
        func roleNames(_ roles: Set<StaffRole>) -> String { roles.sorted().map(\.japanese).joined(separator: "・") }
        let roleBoxes = StaffRole.allCases.map {
            "<label><input type=\"checkbox\" name=\"role\" value=\"\($0.rawValue)\"> \(HTML.escape($0.japanese))</label>"
        }.joined(separator: " ")
        let facilityOptions = "<option value=\"\">（なし）</option>" + facilities.map {
            "<option value=\"\(HTML.escape($0.id))\">\(HTML.escape($0.name))</option>"
        }.joined()
        let accountRows = accounts.map { a -> String in
            let login = HTML.escape(a.login)
            let toggle = a.disabled ? "enable" : "disable"
            return """
                <tr><td>\(login)</td><td>\(HTML.escape(a.displayName))</td><td>\(HTML.escape(roleNames(a.roles)))</td>
                <td>\(HTML.escape(a.facilityId ?? "—"))</td><td>\(a.disabled ? "無効" : "有効")</td>
                <td><form method="post" action="/admin/accounts/\(login)/\(toggle)" style="display:inline"><button>\(a.disabled ? "有効にする" : "無効にする")</button></form>
                <form method="post" action="/admin/accounts/\(login)/reset" style="display:inline"><button>パスワード再発行</button></form></td></tr>
                """
        }.joined(separator: "\n")
        let credentialRows = credentials.map { c -> String in
            let owner = c.accountId.flatMap { byId[$0] } ?? "端末"
            let action = c.revokedAt == nil
                ? "<form method=\"post\" action=\"/admin/credentials/\(c.id)/revoke\"><button>取り消す</button></form>"
                : "取消済 \(HTML.escape(c.revokedAt ?? ""))"
            return """
                <tr><td>\(c.id)</td><td>\(HTML.escape(c.label))</td><td>\(HTML.escape(owner))</td><td>\(HTML.escape(roleNames(c.roles)))</td>
                <td>\(HTML.escape(c.facilityId ?? "—"))</td><td>\(HTML.escape(c.createdAt))</td><td>\(action)</td></tr>
                """
        }.joined(separator: "\n")
        let body = """
            <h1>職員管理</h1>
            <p>\(StaffSignIn.logoutForm(base: "/admin"))\(HTML.escape(me.displayName))（\(HTML.escape(me.login))）</p>
            \(notice.map { "<p role=\"status\">\($0)</p>" } ?? "")
            \(error.map { "<p role=\"alert\" style=\"color:#b00020\">\(HTML.escape($0.ja)) / \(HTML.escape($0.en))</p>" } ?? "")
            <h2>職員</h2>
            <table><thead><tr><th>ログイン名</th><th>氏名</th><th>役割</th><th>窓口</th><th>状態</th><th></th></tr></thead>
            <tbody>\(accountRows)</tbody></table>
            <h3>職員の登録</h3>
            <form method="post" action="/admin/accounts">
            <p><label>ログイン名 <input name="login" required pattern="[a-z0-9._-]{3,40}"></label>
            <label>氏名 <input name="displayName" required></label></p>
            <p>役割 \(roleBoxes)</p>
            <p><label>窓口 <select name="facilityId">\(facilityOptions)</select></label>
            <label>初期パスワード（空欄なら自動生成） <input type="password" name="password" autocomplete="new-password"></label></p>
            <p><button type="submit">登録する</button></p>
            </form>
            <h2>API 資格情報</h2>
            <table><thead><tr><th>番号</th><th>名前</th><th>職員</th><th>役割</th><th>窓口</th><th>発行</th><th></th></tr></thead>
            <tbody>\(credentialRows)</tbody></table>
            <h3>資格情報の発行</h3>
            <form method="post" action="/admin/credentials">
            <p><label>名前 <input name="label" required></label>
            <label>職員のログイン名（端末なら空欄） <input name="login"></label></p>
            <p>役割（職員の場合は空欄で本人の全役割） \(roleBoxes)</p>
            <p><label>窓口（端末のみ） <select name="facilityId">\(facilityOptions)</select></label></p>
            <p><button type="submit">発行する</button></p>
            </form>
            """
        let status: HTTPResponse.Status = error == nil ? .ok : (error?.code == .notFound ? .notFound : .unprocessableContent)
        return HTML.response(HTML.page(title: "職員管理", cityName: cityName, body: body, wide: true), status: status)
    }
}
