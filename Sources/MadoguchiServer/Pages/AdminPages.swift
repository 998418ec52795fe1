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
            return try await page(
                context,
                notice: given.isEmpty
                    ? AdminPage.Notice("職員 \(account.login) を登録しました（初期パスワード: ", secret: password, "　この画面でのみ表示します）")
                    : AdminPage.Notice("職員 \(account.login) を登録しました"))
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
                return try await page(context, notice: AdminPage.Notice("\(login) を無効にしました（すべてのセッションを終了）"))
            case "enable":
                try await staff.setDisabled(login: login, false, by: actor)
                return try await page(context, notice: AdminPage.Notice("\(login) を有効にしました"))
            case "reset":
                let password = try await staff.resetPassword(login: login, by: actor)
                return try await page(context, notice: AdminPage.Notice("\(login) の新しいパスワード: ", secret: password, "（この画面でのみ表示します）"))
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
            return try await page(
                context, notice: AdminPage.Notice("資格情報 #\(credential.id)（\(credential.label)）: ", secret: secret, "（この画面でのみ表示します）"))
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
            return try await page(context, notice: AdminPage.Notice("資格情報 #\(id) を取り消しました"))
        } catch let error as MadoguchiError {
            return try await page(context, notice: nil, error: error)
        }
    }

    func page(_ context: Context, notice: AdminPage.Notice?, error: MadoguchiError? = nil) async throws -> Response {
        let page = AdminPage(
            me: try context.actingStaff(), accounts: try await staff.accounts(), credentials: try await staff.credentials(),
            facilities: try await blocking { [registry] in try registry.facilities() }, notice: notice, error: error)
        let status: HTTPResponse.Status = error == nil ? .ok : (error?.code == .notFound ? .notFound : .unprocessableContent)
        return HTML.response(
            HTML.page(title: "職員管理", cityName: cityName, body: Views.render(page, .admin), style: Views.Asset.counter.text, wide: true), status: status)
    }
}

/// The administrator's page: the accounts and the API credentials with what can be done to each, the forms to add them,
/// and what the last step did (a new password or secret shown this once).
struct AdminPage {
    /// What the last step did; a secret made by it is shown in a `code` of its own.
    struct Notice {
        let before: String
        let secret: String?
        let after: String

        init(_ before: String, secret: String? = nil, _ after: String = "") {
            self.before = before
            self.secret = secret
            self.after = after
        }
    }

    struct Account {
        let login: String
        let name: String
        let roles: String
        let facility: String
        let state: String
        let toggle: String
        let toggleText: String
    }

    struct Credential {
        let id: Int64
        let label: String
        let owner: String
        let roles: String
        let facility: String
        let created: String
        /// When it was revoked, or nil while it is in force
        let revoked: String?
    }

    let me: String
    let logout: String
    let notice: Notice?
    let error: String?
    let accounts: [Account]
    let credentials: [Credential]
    let roles: [PageOption]
    let facilities: [PageOption]

    init(me: StaffIdentity, accounts: [StaffAccount], credentials: [StaffCredential], facilities: [Facility], notice: Notice?, error: MadoguchiError?) {
        func roleNames(_ roles: Set<StaffRole>) -> String { roles.sorted().map(\.japanese).joined(separator: "・") }
        self.me = "\(me.displayName)（\(me.login)）"
        logout = StaffSignIn.logoutForm(base: "/admin")
        self.notice = notice
        self.error = error.map { "\($0.ja) / \($0.en)" }
        self.accounts = accounts.map { a in
            Account(
                login: a.login, name: a.displayName, roles: roleNames(a.roles), facility: a.facilityId ?? "—", state: a.disabled ? "無効" : "有効",
                toggle: a.disabled ? "enable" : "disable", toggleText: a.disabled ? "有効にする" : "無効にする")
        }
        let byId = Dictionary(uniqueKeysWithValues: accounts.compactMap { a in a.id.map { ($0, a.login) } })
        self.credentials = credentials.map { c in
            Credential(
                id: c.id, label: c.label, owner: c.accountId.flatMap { byId[$0] } ?? "端末", roles: roleNames(c.roles), facility: c.facilityId ?? "—",
                created: c.createdAt, revoked: c.revokedAt)
        }
        roles = StaffRole.allCases.map { PageOption(value: $0.rawValue, text: $0.japanese) }
        self.facilities = facilities.map { PageOption(value: $0.id, text: $0.name) }
    }
}
