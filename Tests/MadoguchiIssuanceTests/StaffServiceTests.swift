import Foundation
import GRDB
import Testing

@testable import MadoguchiDomain
@testable import MadoguchiIssuance
@testable import MadoguchiStore

@Suite("職員アカウント・ログイン・API資格情報", .serialized)
struct StaffServiceTests {
    static let password = "correct horse battery"

    func code(_ body: () async throws -> Void) async -> String? { await CardAuthenticationTests.errorCode(body) }

    func make() throws -> (LawCity, SteppingClock, StaffService) {
        let city = try LawCity()
        let time = SteppingClock("2026-11-24T10:00:00+09:00")
        return (city, time, StaffService(database: city.db, clock: time.clock))
    }

    @Test("an account: a valid login, roles, a facility for a clerk, a strong password; the password is stored only as scrypt")
    func create() async throws {
        let (city, _, staff) = try make()
        let clerk = try await staff.create(
            StaffAccount(login: "tanaka.k", displayName: "田中 花", roles: [.clerk], facilityId: "chuo-ward-office"), password: Self.password, by: "admin")
        #expect(clerk.id != nil)
        #expect(await code { _ = try await staff.create(StaffAccount(login: "tanaka.k", displayName: "別人", roles: [.planner]), password: Self.password, by: "admin") }
            == "staff.invalid", "a login is taken once")
        #expect(await code { _ = try await staff.create(StaffAccount(login: "x", displayName: "短い", roles: [.planner]), password: Self.password, by: "admin") }
            == "staff.invalid")
        #expect(await code { _ = try await staff.create(StaffAccount(login: "clerk.two", displayName: "窓口", roles: [.clerk]), password: Self.password, by: "admin") }
            == "staff.invalid", "a clerk works at a facility")
        #expect(await code { _ = try await staff.create(StaffAccount(login: "weak.one", displayName: "弱い", roles: [.planner]), password: "short", by: "admin") }
            == "staff.passwordWeak")
        #expect(await code { _ = try await staff.create(StaffAccount(login: "aaaaaaaaaaaaa", displayName: "同じ", roles: [.planner]), password: "aaaaaaaaaaaaa", by: "admin") }
            == "staff.passwordWeak")
        let stored = try await city.db.writer.read { d in try String.fetchOne(d, sql: "SELECT passwordHash FROM staffAccount WHERE login = 'tanaka.k'") }
        #expect(stored?.hasPrefix("scrypt$32768$8$1$") == true)
        #expect(stored?.contains(Self.password) == false)
    }

    @Test("sign-in: a session that ends after 30 minutes unused, at sign-out and when the account is disabled; wrong passwords lock it for 15 minutes")
    func signIn() async throws {
        let (city, time, staff) = try make()
        _ = try await staff.create(StaffAccount(login: "sato.planner", displayName: "佐藤", roles: [.planner]), password: Self.password, by: "admin")
        let (secret, me) = try await staff.signIn(login: "sato.planner", password: Self.password)
        #expect(me.roles == [.planner])
        #expect((me.csrfToken ?? "").count >= 32)
        #expect(try await staff.session(secret)?.login == "sato.planner")
        time.advance(29 * 60)
        #expect(try await staff.session(secret) != nil, "used within 30 minutes")
        time.advance(29 * 60)
        #expect(try await staff.session(secret) != nil, "each use keeps it alive")
        time.advance(31 * 60)
        #expect(try await staff.session(secret) == nil, "30 minutes unused: ended")
        let (second, _) = try await staff.signIn(login: "sato.planner", password: Self.password)
        try await staff.signOut(second)
        #expect(try await staff.session(second) == nil)
        let (third, _) = try await staff.signIn(login: "sato.planner", password: Self.password)
        try await staff.setDisabled(login: "sato.planner", true, by: "admin")
        #expect(try await staff.session(third) == nil, "disabling ends the sessions")
        #expect(await code { _ = try await staff.signIn(login: "sato.planner", password: Self.password) } == "staff.signInFailed")
        try await staff.setDisabled(login: "sato.planner", false, by: "admin")
        // Brute force: the fifth wrong password locks; the right one is refused while locked; unlocked after 15 minutes.
        for _ in 0..<4 { #expect(await code { _ = try await staff.signIn(login: "sato.planner", password: "wrong password!") } == "staff.signInFailed") }
        #expect(await code { _ = try await staff.signIn(login: "sato.planner", password: "wrong password!") } == "staff.locked")
        #expect(await code { _ = try await staff.signIn(login: "sato.planner", password: Self.password) } == "staff.locked")
        time.advance(15 * 60 + 1)
        _ = try await staff.signIn(login: "sato.planner", password: Self.password)
        // An unknown login fails the same way.
        #expect(await code { _ = try await staff.signIn(login: "nobody", password: Self.password) } == "staff.signInFailed")
        let events = try await city.db.writer.read { d in
            try StaffStore.events(GRDBSession(db: d), accountId: try StaffStore.account(GRDBSession(db: d), login: "sato.planner")!.account.id!)
        }
        #expect(events.filter { $0 == "signInFailed" }.count == 6)
        #expect(events.contains("lockedOut"))
        #expect(events.contains("disabled") && events.contains("enabled") && events.contains("signedOut"))
    }

    @Test("a password reset unlocks the account, ends its sessions and is recorded")
    func reset() async throws {
        let (_, _, staff) = try make()
        _ = try await staff.create(StaffAccount(login: "suzuki.r", displayName: "鈴木", roles: [.regionalStaff]), password: Self.password, by: "admin")
        let (secret, _) = try await staff.signIn(login: "suzuki.r", password: Self.password)
        let new = try await staff.resetPassword(login: "suzuki.r", by: "admin")
        #expect(try await staff.session(secret) == nil)
        #expect(await code { _ = try await staff.signIn(login: "suzuki.r", password: Self.password) } == "staff.signInFailed")
        _ = try await staff.signIn(login: "suzuki.r", password: new)
    }

    @Test("API credentials: a person's scoped to their roles, a device's with its facility; revoked, they stop; no admin device")
    func credentials() async throws {
        let (_, _, staff) = try make()
        _ = try await staff.create(
            StaffAccount(login: "ito.supervisor", displayName: "伊藤", roles: [.clerk, .supervisor], facilityId: "chuo-ward-office"),
            password: Self.password, by: "admin")
        let (personal, _) = try await staff.issueCredential(label: "伊藤の端末", login: "ito.supervisor", roles: [.clerk], by: "admin")
        let who = try #require(try await staff.credential(personal))
        #expect(who.roles == [.clerk] && who.facilityId == "chuo-ward-office" && who.login == "ito.supervisor")
        #expect(await code { _ = try await staff.issueCredential(label: "x", login: "ito.supervisor", roles: [.auditor], by: "admin") } == "staff.invalid")
        let (terminal, device) = try await staff.issueCredential(label: "中央区役所 3番窓口", login: nil, roles: [.clerk], facilityId: "chuo-ward-office", by: "admin")
        #expect(try await staff.credential(terminal)?.login == "device:中央区役所 3番窓口")
        #expect(await code { _ = try await staff.issueCredential(label: "x", login: nil, roles: [.admin], by: "admin") } == "staff.invalid")
        #expect(await code { _ = try await staff.issueCredential(label: "x", login: nil, roles: [.clerk], by: "admin") } == "staff.invalid")
        try await staff.revokeCredential(id: device.id, by: "admin")
        #expect(try await staff.credential(terminal) == nil)
        #expect(try await staff.credential("made-up-secret") == nil)
        try await staff.setDisabled(login: "ito.supervisor", true, by: "admin")
        #expect(try await staff.credential(personal) == nil, "a disabled person's credentials stop")
    }

    @Test("the first administrator is created once, at setup")
    func bootstrap() async throws {
        let (_, _, staff) = try make()
        let first = try #require(try await staff.bootstrapAdmin())
        #expect(first.login == "admin" && first.password.count >= 12)
        #expect(try await staff.bootstrapAdmin() == nil)
        _ = try await staff.signIn(login: "admin", password: first.password)
    }
}
