import Dispatch
import Foundation
import GRDB
import MadoguchiDomain
import MadoguchiPKI
import MadoguchiStore

/// Who is acting, as their session or API credential shows: every action and read names it.
public struct StaffIdentity: Sendable, Hashable {
    /// The person's account; nil for a device credential (a counter terminal, a hub link)
    public var accountId: Int64?
    /// The account's login, or `device:<label>`: what ledgers and records name
    public var login: String
    public var displayName: String
    /// The roles it acts in (a credential's scope: never more than its person's)
    public var roles: Set<StaffRole>
    /// Where it works: an issuance's facility and channel come from here, never from a request
    public var facilityId: String?
    /// The API credential it came with, if any
    public var credentialId: Int64?
    /// The session's CSRF token (pages only)
    public var csrfToken: String?
    /// The purpose chosen on the counter page for this session's reads (pages only)
    public var purpose: AccessPurpose?

    public init(
        accountId: Int64?, login: String, displayName: String, roles: Set<StaffRole>, facilityId: String? = nil, credentialId: Int64? = nil,
        csrfToken: String? = nil, purpose: AccessPurpose? = nil
    ) {
        self.accountId = accountId
        self.login = login
        self.displayName = displayName
        self.roles = roles
        self.facilityId = facilityId
        self.credentialId = credentialId
        self.csrfToken = csrfToken
        self.purpose = purpose
    }

    public func has(_ role: StaffRole) -> Bool { roles.contains(role) }
    public func hasAny(_ wanted: Set<StaffRole>) -> Bool { !roles.isDisjoint(with: wanted) }
}

/// Staff accounts, sign-in and API credentials.
///
/// - Passwords are kept as scrypt hashes only (`StaffPasswords`), and must meet `SignInPolicy`.
/// - Five wrong passwords in a row lock the account for 15 minutes; a right one while locked is refused too.
/// - A session ends after 30 minutes unused, or 10 hours after sign-in, or at sign-out, a password reset, or when the
///   account is disabled. Only a SHA-256 of its secret is stored.
/// - API credentials belong to a person (scoped to some of their roles) or to a device, and can be revoked.
/// - Every change and sign-in, failed or not, is recorded in `staffEvent` (append-only).
public struct StaffService: Sendable {
    let database: MadoguchiDatabase
    let clock: MadoguchiClock

    public init(database: MadoguchiDatabase, clock: MadoguchiClock = .system) {
        self.database = database
        self.clock = clock
    }

    /// Runs CPU-heavy work (a password hash) on a dispatch thread, not the cooperative pool.
    static func offPool<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(with: Result { try body() }) }
        }
    }

    func write<T: Sendable>(_ body: @escaping @Sendable (Database) throws -> T) async throws -> T {
        do { return try await database.writer.write(body) } catch let e as MadoguchiError { throw e } catch { throw StoreError.map(error) }
    }

    static func identity(_ a: StaffAccount, csrf: String? = nil) -> StaffIdentity {
        StaffIdentity(accountId: a.id, login: a.login, displayName: a.displayName, roles: a.roles, facilityId: a.facilityId, csrfToken: csrf)
    }

    // MARK: Accounts

    /// Adds an account. `actor` is who adds it (an admin's login, or `setup`).
    public func create(_ account: StaffAccount, password: String, by actor: String) async throws -> StaffAccount {
        try account.validate()
        try SignInPolicy.check(password: password, login: account.login)
        let hash = try await Self.offPool { try StaffPasswords.hash(password) }
        let at = LedgerRecord.timestamp(clock.now())
        return try await write { db in
            if let facility = account.facilityId, try !StaffStore.facilityExists(db, facility) {
                throw MadoguchiError(.staffInvalid, ja: "窓口が見つかりません: \(facility)", en: "No facility \(facility)")
            }
            guard try StaffStore.account(db, login: account.login) == nil else {
                throw MadoguchiError(.staffInvalid, ja: "このログイン名は使われています: \(account.login)", en: "Login \(account.login) is taken")
            }
            let id = try StaffStore.insert(db, account, passwordHash: hash, at: at)
            try StaffStore.event(db, at: at, accountId: id, login: account.login, "created", actor: actor,
                                 detail: ["roles": account.roles.sorted().map(\.rawValue).joined(separator: ",")])
            var created = account
            created.id = id
            return created
        }
    }

    public func accounts() async throws -> [StaffAccount] {
        try await database.writer.read { db in try StaffStore.accounts(db) }
    }

    public func account(login: String) async throws -> StaffAccount? {
        try await database.writer.read { db in try StaffStore.account(db, login: login)?.account }
    }

    func existing(_ db: Database, _ login: String) throws -> StoredStaffAccount {
        guard let found = try StaffStore.account(db, login: login) else {
            throw MadoguchiError(.notFound, ja: "職員が見つかりません: \(login)", en: "No staff account \(login)")
        }
        return found
    }

    /// Disables (or enables again) an account; disabling ends its sessions at once.
    public func setDisabled(login: String, _ disabled: Bool, by actor: String) async throws {
        let at = LedgerRecord.timestamp(clock.now())
        try await write { db in
            let found = try existing(db, login)
            try StaffStore.setDisabled(db, id: found.account.id!, at: disabled ? at : nil)
            try StaffStore.event(db, at: at, accountId: found.account.id, login: login, disabled ? "disabled" : "enabled", actor: actor)
        }
    }

    /// Sets a new password (generated when none is given, and returned once); unlocks the account and ends its sessions.
    public func resetPassword(login: String, to password: String? = nil, by actor: String) async throws -> String {
        let chosen = password ?? StaffPasswords.secret(bytes: 12)
        try SignInPolicy.check(password: chosen, login: login)
        let hash = try await Self.offPool { try StaffPasswords.hash(chosen) }
        let at = LedgerRecord.timestamp(clock.now())
        try await write { db in
            let found = try existing(db, login)
            try StaffStore.setPassword(db, id: found.account.id!, hash: hash, at: at)
            try StaffStore.event(db, at: at, accountId: found.account.id, login: login, "passwordReset", actor: actor)
        }
        return chosen
    }

    // MARK: Sign-in and sessions

    /// Signs in: the session's secret (for the cookie) and who it is. Wrong passwords count towards a lockout; the
    /// answer never says whether the login exists.
    public func signIn(login: String, password: String) async throws -> (secret: String, identity: StaffIdentity) {
        let now = clock.now()
        let at = LedgerRecord.timestamp(now)
        let found = try await database.writer.read { db in try StaffStore.account(db, login: login) }
        let wrong = MadoguchiError(.staffSignInFailed, ja: "ログイン名またはパスワードが違います", en: "Wrong login or password")
        guard let found, !found.account.disabled else {
            // Spend the same work as a real check, so timing does not tell which logins exist.
            _ = try? await Self.offPool { StaffPasswords.verify(password, against: "scrypt$32768$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA") }
            try await write { db in try StaffStore.event(db, at: at, accountId: found?.account.id, login: String(login.prefix(40)), "signInFailed", actor: "sign-in") }
            throw wrong
        }
        let id = found.account.id!
        if let until = found.lockedUntil, until > at {
            try await write { db in try StaffStore.event(db, at: at, accountId: id, login: login, "signInFailed", actor: "sign-in", detail: ["locked": until]) }
            throw MadoguchiError(.staffLocked, ja: "パスワードの誤りが続いたため、しばらくログインできません", en: "Too many wrong passwords; sign-in is locked for a while")
        }
        let hash = found.passwordHash
        guard try await Self.offPool({ StaffPasswords.verify(password, against: hash) }) else {
            let failures = found.failedSignIns + 1
            let locks = failures >= SignInPolicy.maximumFailures
            let until = locks ? LedgerRecord.timestamp(now.addingTimeInterval(SignInPolicy.lockoutSeconds)) : nil
            try await write { db in
                try StaffStore.setSignInState(db, id: id, failures: locks ? 0 : failures, lockedUntil: until)
                try StaffStore.event(db, at: at, accountId: id, login: login, locks ? "lockedOut" : "signInFailed", actor: "sign-in")
            }
            throw locks
                ? MadoguchiError(.staffLocked, ja: "パスワードの誤りが続いたため、しばらくログインできません", en: "Too many wrong passwords; sign-in is locked for a while")
                : wrong
        }
        let secret = StaffPasswords.secret()
        let csrf = StaffPasswords.secret()
        let expires = LedgerRecord.timestamp(now.addingTimeInterval(SignInPolicy.maximumSeconds))
        try await write { db in
            try StaffStore.setSignInState(db, id: id, failures: 0, lockedUntil: nil)
            try StaffStore.insertSession(db, tokenHash: StaffPasswords.fingerprint(secret), accountId: id, csrf: csrf, at: at, expiresAt: expires)
            try StaffStore.event(db, at: at, accountId: id, login: login, "signedIn", actor: "sign-in")
        }
        return (secret, Self.identity(found.account, csrf: csrf))
    }

    /// Who a session is, or nil when it has ended, expired, or gone unused too long.
    public func session(_ secret: String) async throws -> StaffIdentity? {
        let now = clock.now()
        let at = LedgerRecord.timestamp(now)
        let idleSince = LedgerRecord.timestamp(now.addingTimeInterval(-SignInPolicy.idleSeconds))
        let touchBefore = LedgerRecord.timestamp(now.addingTimeInterval(-60))
        let tokenHash = StaffPasswords.fingerprint(secret)
        let found = try await database.writer.read { db -> (StoredStaffSession, StoredStaffAccount)? in
            guard let s = try StaffStore.session(db, tokenHash: tokenHash), s.endedAt == nil, s.expiresAt > at, s.lastSeenAt >= idleSince,
                let a = try StaffStore.account(db, id: s.accountId), !a.account.disabled
            else { return nil }
            return (s, a)
        }
        guard let (session, account) = found else { return nil }
        if session.lastSeenAt < touchBefore {
            try await write { db in try StaffStore.touchSession(db, tokenHash: tokenHash, at: at) }
        }
        var identity = Self.identity(account.account, csrf: session.csrfToken)
        identity.purpose = session.purpose
        return identity
    }

    /// Sets the purpose of the session's reads, chosen on the counter page.
    public func choosePurpose(_ purpose: AccessPurpose?, session secret: String) async throws {
        let tokenHash = StaffPasswords.fingerprint(secret)
        try await write { db in try AccessLog.setPurpose(db, sessionHash: tokenHash, purpose) }
    }

    public func signOut(_ secret: String) async throws {
        let at = LedgerRecord.timestamp(clock.now())
        let tokenHash = StaffPasswords.fingerprint(secret)
        try await write { db in
            guard let s = try StaffStore.session(db, tokenHash: tokenHash), s.endedAt == nil, let a = try StaffStore.account(db, id: s.accountId)
            else { return }
            try StaffStore.endSession(db, tokenHash: tokenHash, at: at)
            try StaffStore.event(db, at: at, accountId: s.accountId, login: a.account.login, "signedOut", actor: a.account.login)
        }
    }

    // MARK: API credentials

    /// Issues an API credential: a person's (scoped to `roles`, by default all of theirs) or a device's (`login` nil,
    /// with its own roles and facility). The secret is returned once and never stored.
    public func issueCredential(
        label: String, login: String?, roles: Set<StaffRole>? = nil, facilityId: String? = nil, by actor: String
    ) async throws -> (secret: String, credential: StaffCredential) {
        guard !label.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw MadoguchiError(.staffInvalid, ja: "資格情報の名前が必要です", en: "A credential needs a label")
        }
        let secret = StaffPasswords.secret()
        let at = LedgerRecord.timestamp(clock.now())
        let credential = try await write { db -> StaffCredential in
            var scope = roles ?? []
            var facility = facilityId
            var owner: Int64?
            if let login {
                let person = try existing(db, login)
                guard !person.account.disabled else { throw MadoguchiError(.staffInvalid, ja: "無効な職員です", en: "The account is disabled") }
                scope = roles ?? person.account.roles
                guard scope.isSubset(of: person.account.roles) else {
                    throw MadoguchiError(.staffInvalid, ja: "本人の持たない役割は与えられません", en: "A credential cannot hold roles its person lacks")
                }
                facility = person.account.facilityId
                owner = person.account.id
            }
            guard !scope.isEmpty else { throw MadoguchiError(.staffInvalid, ja: "役割を指定してください", en: "Give the credential's roles") }
            guard !scope.contains(.admin) || owner != nil else {
                throw MadoguchiError(.staffInvalid, ja: "端末に管理者の役割は与えられません", en: "A device cannot hold the admin role")
            }
            if scope.contains(where: \.worksAtAFacility) && facility == nil {
                throw MadoguchiError(.staffInvalid, ja: "窓口の端末は窓口を指定してください", en: "A counter terminal names its facility")
            }
            if let facility, try !StaffStore.facilityExists(db, facility) {
                throw MadoguchiError(.staffInvalid, ja: "窓口が見つかりません: \(facility)", en: "No facility \(facility)")
            }
            let id = try StaffStore.insertCredential(
                db, tokenHash: StaffPasswords.fingerprint(secret), label: label, accountId: owner, roles: scope, facilityId: facility, at: at)
            try StaffStore.event(db, at: at, accountId: owner, login: login ?? "device:\(label)", "credentialIssued", actor: actor,
                                 detail: ["credential": String(id)])
            return StaffCredential(id: id, label: label, accountId: owner, roles: scope, facilityId: facility, createdAt: at)
        }
        return (secret, credential)
    }

    /// Who an API credential is, or nil when unknown or revoked (or its person disabled).
    public func credential(_ secret: String) async throws -> StaffIdentity? {
        let tokenHash = StaffPasswords.fingerprint(secret)
        return try await database.writer.read { db in
            guard let c = try StaffStore.credential(db, tokenHash: tokenHash), c.revokedAt == nil else { return nil }
            if let owner = c.accountId {
                guard let person = try StaffStore.account(db, id: owner), !person.account.disabled else { return nil }
                return StaffIdentity(
                    accountId: owner, login: person.account.login, displayName: person.account.displayName,
                    roles: c.roles.intersection(person.account.roles), facilityId: person.account.facilityId, credentialId: c.id)
            }
            return StaffIdentity(accountId: nil, login: "device:\(c.label)", displayName: c.label, roles: c.roles, facilityId: c.facilityId,
                                 credentialId: c.id)
        }
    }

    public func credentials() async throws -> [StaffCredential] {
        try await database.writer.read { db in try StaffStore.credentials(db) }
    }

    public func revokeCredential(id: Int64, by actor: String) async throws {
        let at = LedgerRecord.timestamp(clock.now())
        try await write { db in
            guard let c = try StaffStore.revokeCredential(db, id: id, at: at) else {
                throw MadoguchiError(.notFound, ja: "取り消せる資格情報がありません: \(id)", en: "No active credential \(id)")
            }
            try StaffStore.event(db, at: at, accountId: c.accountId, login: c.accountId == nil ? "device:\(c.label)" : "credential:\(c.id)",
                                 "credentialRevoked", actor: actor, detail: ["credential": String(id)])
        }
    }

    // MARK: Setup

    /// At setup, when no account exists: the first administrator, with the password given or a generated one
    /// (returned once). Nil when accounts exist already.
    public func bootstrapAdmin(login: String = "admin", password: String? = nil) async throws -> (login: String, password: String)? {
        guard try await database.writer.read({ db in try StaffStore.count(db) }) == 0 else { return nil }
        let chosen = password ?? StaffPasswords.secret(bytes: 12)
        _ = try await create(StaffAccount(login: login, displayName: "管理者", roles: [.admin]), password: chosen, by: "setup")
        return (login, chosen)
    }
}
