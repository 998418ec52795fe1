import Foundation
import MadoguchiDomain

/// Staff accounts, their sign-in state and sessions, API credentials, and the append-only staff event log. Every
/// operation is one transaction and records its event in it. The policies (password rules, lockout, idle time, who
/// may hold which credential) are `StaffService`'s.
public protocol StaffAccountStore: Sendable {
    func count() async throws -> Int
    /// A new account; its login must be free and its facility known. Records `created`.
    func create(_ account: StaffAccount, passwordHash: String, at: String, by actor: String) async throws -> StaffAccount
    func accounts() async throws -> [StaffAccount]
    func account(login: String) async throws -> StoredStaffAccount?
    /// Disables (ending its sessions) or enables an account. Records `disabled` or `enabled`.
    func setDisabled(login: String, _ disabled: Bool, at: String, by actor: String) async throws
    /// A new password hash; unlocks the account and ends its sessions. Records `passwordReset`.
    func setPassword(login: String, hash: String, at: String, by actor: String) async throws
    /// A failed sign-in: `event` (`signInFailed` or `lockedOut`), with the account's new failure count and lock when
    /// the password was checked (`state`), and nothing else changed otherwise.
    func signInFailed(accountId: Int64?, login: String, at: String, state: (failures: Int, lockedUntil: String?)?, event: String,
                      detail: [String: String]) async throws
    /// A successful sign-in: the failure count cleared, the session opened (its secret's SHA-256 only). Records `signedIn`.
    func signedIn(accountId: Int64, login: String, tokenHash: String, csrf: String, at: String, expiresAt: String) async throws
    /// A session and its account, as stored.
    func session(tokenHash: String) async throws -> (session: StoredStaffSession, account: StoredStaffAccount)?
    func touchSession(tokenHash: String, at: String) async throws
    /// The purpose of the session's reads, chosen on the counter page.
    func setPurpose(sessionHash: String, _ purpose: AccessPurpose?) async throws
    /// Ends a session still open. Records `signedOut`.
    func signOut(tokenHash: String, at: String) async throws
    /// An API credential. `scope` is the caller's rule: given the person's account (nil for a device), the roles and
    /// facility the credential may hold, or an error. It runs inside the transaction. Records `credentialIssued`.
    func issueCredential(
        tokenHash: String, label: String, login: String?, at: String, by actor: String,
        scope: @escaping @Sendable (StaffAccount?) throws -> (roles: Set<StaffRole>, facilityId: String?)
    ) async throws -> StaffCredential
    /// A credential and, for a person's, its person.
    func credential(tokenHash: String) async throws -> (credential: StaffCredential, person: StoredStaffAccount?)?
    func credentials() async throws -> [StaffCredential]
    /// Revokes an active credential. Records `credentialRevoked`.
    func revokeCredential(id: Int64, at: String, by actor: String) async throws
}

struct SQLStaffAccountStore: StaffAccountStore {
    let database: MadoguchiDatabase

    static func existing(_ db: any SQLSession, _ login: String) throws -> StoredStaffAccount {
        guard let found = try StaffStore.account(db, login: login) else {
            throw MadoguchiError(.notFound, ja: "職員が見つかりません: \(login)", en: "No staff account \(login)")
        }
        return found
    }

    func count() async throws -> Int {
        try await database.sqlRead { db in try StaffStore.count(db) }
    }

    func create(_ account: StaffAccount, passwordHash: String, at: String, by actor: String) async throws -> StaffAccount {
        try await database.sqlWrite { db in
            if let facility = account.facilityId, try !StaffStore.facilityExists(db, facility) {
                throw MadoguchiError(.staffInvalid, ja: "窓口が見つかりません: \(facility)", en: "No facility \(facility)")
            }
            guard try StaffStore.account(db, login: account.login) == nil else {
                throw MadoguchiError(.staffInvalid, ja: "このログイン名は使われています: \(account.login)", en: "Login \(account.login) is taken")
            }
            let id = try StaffStore.insert(db, account, passwordHash: passwordHash, at: at)
            try StaffStore.event(db, at: at, accountId: id, login: account.login, "created", actor: actor,
                                 detail: ["roles": account.roles.sorted().map(\.rawValue).joined(separator: ",")])
            var created = account
            created.id = id
            return created
        }
    }

    func accounts() async throws -> [StaffAccount] {
        try await database.sqlRead { db in try StaffStore.accounts(db) }
    }

    func account(login: String) async throws -> StoredStaffAccount? {
        try await database.sqlRead { db in try StaffStore.account(db, login: login) }
    }

    func setDisabled(login: String, _ disabled: Bool, at: String, by actor: String) async throws {
        try await database.sqlWrite { db in
            let found = try Self.existing(db, login)
            try StaffStore.setDisabled(db, id: found.account.id!, at: disabled ? at : nil)
            try StaffStore.event(db, at: at, accountId: found.account.id, login: login, disabled ? "disabled" : "enabled", actor: actor)
        }
    }

    func setPassword(login: String, hash: String, at: String, by actor: String) async throws {
        try await database.sqlWrite { db in
            let found = try Self.existing(db, login)
            try StaffStore.setPassword(db, id: found.account.id!, hash: hash, at: at)
            try StaffStore.event(db, at: at, accountId: found.account.id, login: login, "passwordReset", actor: actor)
        }
    }

    func signInFailed(accountId: Int64?, login: String, at: String, state: (failures: Int, lockedUntil: String?)?, event: String,
                      detail: [String: String]) async throws
    {
        let failures = state?.failures, lockedUntil = state?.lockedUntil
        try await database.sqlWrite { db in
            if let accountId, let failures {
                try StaffStore.setSignInState(db, id: accountId, failures: failures, lockedUntil: lockedUntil)
            }
            try StaffStore.event(db, at: at, accountId: accountId, login: login, event, actor: "sign-in", detail: detail)
        }
    }

    func signedIn(accountId: Int64, login: String, tokenHash: String, csrf: String, at: String, expiresAt: String) async throws {
        try await database.sqlWrite { db in
            try StaffStore.setSignInState(db, id: accountId, failures: 0, lockedUntil: nil)
            try StaffStore.insertSession(db, tokenHash: tokenHash, accountId: accountId, csrf: csrf, at: at, expiresAt: expiresAt)
            try StaffStore.event(db, at: at, accountId: accountId, login: login, "signedIn", actor: "sign-in")
        }
    }

    func session(tokenHash: String) async throws -> (session: StoredStaffSession, account: StoredStaffAccount)? {
        let found = try await database.sqlRead { db -> SessionAndAccount? in
            guard let s = try StaffStore.session(db, tokenHash: tokenHash), let a = try StaffStore.account(db, id: s.accountId) else { return nil }
            return SessionAndAccount(session: s, account: a)
        }
        return found.map { ($0.session, $0.account) }
    }

    func touchSession(tokenHash: String, at: String) async throws {
        try await database.sqlWrite { db in try StaffStore.touchSession(db, tokenHash: tokenHash, at: at) }
    }

    func setPurpose(sessionHash: String, _ purpose: AccessPurpose?) async throws {
        try await database.sqlWrite { db in try AccessLog.setPurpose(db, sessionHash: sessionHash, purpose) }
    }

    func signOut(tokenHash: String, at: String) async throws {
        try await database.sqlWrite { db in
            guard let s = try StaffStore.session(db, tokenHash: tokenHash), s.endedAt == nil, let a = try StaffStore.account(db, id: s.accountId)
            else { return }
            try StaffStore.endSession(db, tokenHash: tokenHash, at: at)
            try StaffStore.event(db, at: at, accountId: s.accountId, login: a.account.login, "signedOut", actor: a.account.login)
        }
    }

    func issueCredential(
        tokenHash: String, label: String, login: String?, at: String, by actor: String,
        scope: @escaping @Sendable (StaffAccount?) throws -> (roles: Set<StaffRole>, facilityId: String?)
    ) async throws -> StaffCredential {
        try await database.sqlWrite { db in
            let person = try login.map { try Self.existing(db, $0).account }
            let (roles, facility) = try scope(person)
            if let facility, try !StaffStore.facilityExists(db, facility) {
                throw MadoguchiError(.staffInvalid, ja: "窓口が見つかりません: \(facility)", en: "No facility \(facility)")
            }
            let id = try StaffStore.insertCredential(
                db, tokenHash: tokenHash, label: label, accountId: person?.id, roles: roles, facilityId: facility, at: at)
            try StaffStore.event(db, at: at, accountId: person?.id, login: login ?? "device:\(label)", "credentialIssued", actor: actor,
                                 detail: ["credential": String(id)])
            return StaffCredential(id: id, label: label, accountId: person?.id, roles: roles, facilityId: facility, createdAt: at)
        }
    }

    func credential(tokenHash: String) async throws -> (credential: StaffCredential, person: StoredStaffAccount?)? {
        let found = try await database.sqlRead { db -> CredentialAndPerson? in
            guard let c = try StaffStore.credential(db, tokenHash: tokenHash) else { return nil }
            return CredentialAndPerson(credential: c, person: try c.accountId.flatMap { try StaffStore.account(db, id: $0) })
        }
        return found.map { ($0.credential, $0.person) }
    }

    func credentials() async throws -> [StaffCredential] {
        try await database.sqlRead { db in try StaffStore.credentials(db) }
    }

    func revokeCredential(id: Int64, at: String, by actor: String) async throws {
        try await database.sqlWrite { db in
            guard let c = try StaffStore.revokeCredential(db, id: id, at: at) else {
                throw MadoguchiError(.notFound, ja: "取り消せる資格情報がありません: \(id)", en: "No active credential \(id)")
            }
            try StaffStore.event(db, at: at, accountId: c.accountId, login: c.accountId == nil ? "device:\(c.label)" : "credential:\(c.id)",
                                 "credentialRevoked", actor: actor, detail: ["credential": String(id)])
        }
    }
}

struct SessionAndAccount: Sendable {
    var session: StoredStaffSession
    var account: StoredStaffAccount
}

struct CredentialAndPerson: Sendable {
    var credential: StaffCredential
    var person: StoredStaffAccount?
}

extension MadoguchiDatabase {
    /// Staff accounts, sessions and API credentials.
    public var staff: any StaffAccountStore { SQLStaffAccountStore(database: self) }
}
