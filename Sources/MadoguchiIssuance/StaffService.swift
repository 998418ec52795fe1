import Dispatch
import Foundation
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
    let store: any StaffAccountStore
    let clock: MadoguchiClock

    public init(database: MadoguchiDatabase, clock: MadoguchiClock = .system) {
        self.store = database.staff
        self.clock = clock
    }

    /// Runs CPU-heavy work (a password hash) on a dispatch thread, not the cooperative pool.
    static func offPool<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(with: Result { try body() }) }
        }
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
        return try await store.create(account, passwordHash: hash, at: at, by: actor)
    }

    public func accounts() async throws -> [StaffAccount] {
        try await store.accounts()
    }

    public func account(login: String) async throws -> StaffAccount? {
        try await store.account(login: login)?.account
    }

    /// Disables (or enables again) an account; disabling ends its sessions at once.
    public func setDisabled(login: String, _ disabled: Bool, by actor: String) async throws {
        let at = LedgerRecord.timestamp(clock.now())
        try await store.setDisabled(login: login, disabled, at: at, by: actor)
    }

    /// Sets a new password (generated when none is given, and returned once); unlocks the account and ends its sessions.
    public func resetPassword(login: String, to password: String? = nil, by actor: String) async throws -> String {
        let chosen = password ?? StaffPasswords.secret(bytes: 12)
        try SignInPolicy.check(password: chosen, login: login)
        let hash = try await Self.offPool { try StaffPasswords.hash(chosen) }
        let at = LedgerRecord.timestamp(clock.now())
        try await store.setPassword(login: login, hash: hash, at: at, by: actor)
        return chosen
    }

    // MARK: Sign-in and sessions

    /// Signs in: the session's secret (for the cookie) and who it is. Wrong passwords count towards a lockout; the
    /// answer never says whether the login exists.
    public func signIn(login: String, password: String) async throws -> (secret: String, identity: StaffIdentity) {
        let now = clock.now()
        let at = LedgerRecord.timestamp(now)
        let found = try await store.account(login: login)
        let wrong = MadoguchiError(.staffSignInFailed, ja: "ログイン名またはパスワードが違います", en: "Wrong login or password")
        guard let found, !found.account.disabled else {
            // Spend the same work as a real check, so timing does not tell which logins exist.
            _ = try? await Self.offPool { StaffPasswords.verify(password, against: "scrypt$32768$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA") }
            try await store.signInFailed(
                accountId: found?.account.id, login: String(login.prefix(40)), at: at, state: nil, event: "signInFailed", detail: [:])
            throw wrong
        }
        let id = found.account.id!
        if let until = found.lockedUntil, until > at {
            try await store.signInFailed(accountId: id, login: login, at: at, state: nil, event: "signInFailed", detail: ["locked": until])
            throw MadoguchiError(.staffLocked, ja: "パスワードの誤りが続いたため、しばらくログインできません", en: "Too many wrong passwords; sign-in is locked for a while")
        }
        let hash = found.passwordHash
        guard try await Self.offPool({ StaffPasswords.verify(password, against: hash) }) else {
            let failures = found.failedSignIns + 1
            let locks = failures >= SignInPolicy.maximumFailures
            let until = locks ? LedgerRecord.timestamp(now.addingTimeInterval(SignInPolicy.lockoutSeconds)) : nil
            try await store.signInFailed(
                accountId: id, login: login, at: at, state: (locks ? 0 : failures, until), event: locks ? "lockedOut" : "signInFailed", detail: [:])
            throw locks
                ? MadoguchiError(.staffLocked, ja: "パスワードの誤りが続いたため、しばらくログインできません", en: "Too many wrong passwords; sign-in is locked for a while")
                : wrong
        }
        let secret = StaffPasswords.secret()
        let csrf = StaffPasswords.secret()
        let expires = LedgerRecord.timestamp(now.addingTimeInterval(SignInPolicy.maximumSeconds))
        try await store.signedIn(accountId: id, login: login, tokenHash: StaffPasswords.fingerprint(secret), csrf: csrf, at: at, expiresAt: expires)
        return (secret, Self.identity(found.account, csrf: csrf))
    }

    /// Who a session is, or nil when it has ended, expired, or gone unused too long.
    public func session(_ secret: String) async throws -> StaffIdentity? {
        let now = clock.now()
        let at = LedgerRecord.timestamp(now)
        let idleSince = LedgerRecord.timestamp(now.addingTimeInterval(-SignInPolicy.idleSeconds))
        let touchBefore = LedgerRecord.timestamp(now.addingTimeInterval(-60))
        let tokenHash = StaffPasswords.fingerprint(secret)
        guard let (session, account) = try await store.session(tokenHash: tokenHash), session.endedAt == nil, session.expiresAt > at,
            session.lastSeenAt >= idleSince, !account.account.disabled
        else { return nil }
        if session.lastSeenAt < touchBefore {
            try await store.touchSession(tokenHash: tokenHash, at: at)
        }
        var identity = Self.identity(account.account, csrf: session.csrfToken)
        identity.purpose = session.purpose
        return identity
    }

    /// Sets the purpose of the session's reads, chosen on the counter page.
    public func choosePurpose(_ purpose: AccessPurpose?, session secret: String) async throws {
        let tokenHash = StaffPasswords.fingerprint(secret)
        try await store.setPurpose(sessionHash: tokenHash, purpose)
    }

    public func signOut(_ secret: String) async throws {
        let at = LedgerRecord.timestamp(clock.now())
        let tokenHash = StaffPasswords.fingerprint(secret)
        try await store.signOut(tokenHash: tokenHash, at: at)
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
        let credential = try await store.issueCredential(
            tokenHash: StaffPasswords.fingerprint(secret), label: label, login: login, at: at, by: actor
        ) { person in
            // A person's credential holds some of their roles at their facility; a device's holds its own, never admin.
            var scope = roles ?? []
            var facility = facilityId
            if let person {
                guard !person.disabled else { throw MadoguchiError(.staffInvalid, ja: "無効な職員です", en: "The account is disabled") }
                scope = roles ?? person.roles
                guard scope.isSubset(of: person.roles) else {
                    throw MadoguchiError(.staffInvalid, ja: "本人の持たない役割は与えられません", en: "A credential cannot hold roles its person lacks")
                }
                facility = person.facilityId
            }
            guard !scope.isEmpty else { throw MadoguchiError(.staffInvalid, ja: "役割を指定してください", en: "Give the credential's roles") }
            guard !scope.contains(.admin) || person != nil else {
                throw MadoguchiError(.staffInvalid, ja: "端末に管理者の役割は与えられません", en: "A device cannot hold the admin role")
            }
            if scope.contains(where: \.worksAtAFacility) && facility == nil {
                throw MadoguchiError(.staffInvalid, ja: "窓口の端末は窓口を指定してください", en: "A counter terminal names its facility")
            }
            return (scope, facility)
        }
        return (secret, credential)
    }

    /// Who an API credential is, or nil when unknown or revoked (or its person disabled).
    public func credential(_ secret: String) async throws -> StaffIdentity? {
        let tokenHash = StaffPasswords.fingerprint(secret)
        guard let (c, person) = try await store.credential(tokenHash: tokenHash), c.revokedAt == nil else { return nil }
        if let owner = c.accountId {
            guard let person, !person.account.disabled else { return nil }
            return StaffIdentity(
                accountId: owner, login: person.account.login, displayName: person.account.displayName,
                roles: c.roles.intersection(person.account.roles), facilityId: person.account.facilityId, credentialId: c.id)
        }
        return StaffIdentity(accountId: nil, login: "device:\(c.label)", displayName: c.label, roles: c.roles, facilityId: c.facilityId,
                             credentialId: c.id)
    }

    public func credentials() async throws -> [StaffCredential] {
        try await store.credentials()
    }

    public func revokeCredential(id: Int64, by actor: String) async throws {
        let at = LedgerRecord.timestamp(clock.now())
        try await store.revokeCredential(id: id, at: at, by: actor)
    }

    // MARK: Setup

    /// At setup, when no account exists: the first administrator, with the password given or a generated one
    /// (returned once). Nil when accounts exist already.
    public func bootstrapAdmin(login: String = "admin", password: String? = nil) async throws -> (login: String, password: String)? {
        guard try await store.count() == 0 else { return nil }
        let chosen = password ?? StaffPasswords.secret(bytes: 12)
        _ = try await create(StaffAccount(login: login, displayName: "管理者", roles: [.admin]), password: chosen, by: "setup")
        return (login, chosen)
    }
}
