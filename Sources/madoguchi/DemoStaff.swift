import Foundation
import MadoguchiDomain
import MadoguchiIssuance
import MadoguchiPKI
import MadoguchiStore

/// The demo city's staff: one synthetic account per role, so that each page can be tried as the person who uses it
/// (and the four steps of a sheet's review by four different people). Passwords come from MADOGUCHI_DEMO_PASSWORD
/// (for scripts and tests) or are generated and shown once.
enum DemoStaff {
    static let accounts: [StaffAccount] = [
        StaffAccount(login: "admin", displayName: "管理 一郎", roles: [.admin]),
        StaffAccount(login: "clerk", displayName: "窓口 花子", roles: [.clerk], facilityId: "chuo-ward-office"),
        StaffAccount(login: "supervisor", displayName: "責任 太郎", roles: [.supervisor], facilityId: "chuo-ward-office"),
        StaffAccount(login: "minato.clerk", displayName: "港 次郎", roles: [.clerk], facilityId: "minato-branch-office"),
        StaffAccount(login: "planner", displayName: "企画 三郎", roles: [.planner]),
        StaffAccount(login: "chief", displayName: "課長 和子", roles: [.sectionChief]),
        StaffAccount(login: "director", displayName: "部長 誠", roles: [.director]),
        StaffAccount(login: "reviewer", displayName: "評価 委員", roles: [.externalReviewer]),
        StaffAccount(login: "regional", displayName: "地域 担当", roles: [.regionalStaff]),
        StaffAccount(login: "auditor", displayName: "監査 恵", roles: [.auditor]),
    ]

    static var givenPassword: String? { ProcessInfo.processInfo.environment["MADOGUCHI_DEMO_PASSWORD"].flatMap { $0.isEmpty ? nil : $0 } }

    /// Creates the accounts (facilities the city lacks are left off) and prints who can sign in.
    static func create(into database: MadoguchiDatabase, clock: MadoguchiClock) async throws {
        let staff = StaffService(database: database, clock: clock)
        let facilities = Set(try database.registry.facilities().map(\.id))
        var lines: [String] = []
        for account in accounts where account.facilityId.map(facilities.contains) ?? true {
            let password = givenPassword ?? StaffPasswords.secret(bytes: 9)
            _ = try await staff.create(account, password: password, by: "setup:demo")
            let shown = givenPassword == nil ? password : "$MADOGUCHI_DEMO_PASSWORD"
            lines.append("  \(account.login.padding(toLength: 13, withPad: " ", startingAt: 0)) \(shown)  \(account.roles.sorted().map(\.japanese).joined(separator: "・"))\(account.facilityId.map { "（\($0)）" } ?? "")")
        }
        print("デモ用の職員アカウント（パスワードはこの一度だけ表示します） / demo staff accounts (passwords shown once):")
        print(lines.joined(separator: "\n"))
    }

    /// At start-up of a database with no account: the first administrator (MADOGUCHI_ADMIN_PASSWORD, or generated and
    /// shown once), who then adds the others at /admin or with `madoguchi staff add`.
    static func bootstrap(_ database: MadoguchiDatabase, clock: MadoguchiClock) async throws {
        let given = ProcessInfo.processInfo.environment["MADOGUCHI_ADMIN_PASSWORD"].flatMap { $0.isEmpty ? nil : $0 }
        guard let admin = try await StaffService(database: database, clock: clock).bootstrapAdmin(password: given) else { return }
        print("最初の管理者を作成しました / first administrator: \(admin.login) \(given == nil ? admin.password : "$MADOGUCHI_ADMIN_PASSWORD")")
    }
}
