import Foundation
import MadoguchiDomain

/// An account as stored, with what sign-in needs.
public struct StoredStaffAccount: Sendable, Hashable {
    public var account: StaffAccount
    public var passwordHash: String
    public var failedSignIns: Int
    public var lockedUntil: String?
}

/// A session as stored.
public struct StoredStaffSession: Sendable, Hashable {
    public var accountId: Int64
    public var csrfToken: String
    public var createdAt: String
    public var lastSeenAt: String
    public var expiresAt: String
    public var endedAt: String?
    /// The purpose chosen on the counter page for the reads that follow (v12)
    public var purpose: AccessPurpose?
}

/// An API credential as stored (its secret is not).
public struct StaffCredential: Sendable, Hashable, Codable {
    public var id: Int64
    public var label: String
    /// The person it acts for; nil for a device (a counter terminal, a hub link)
    public var accountId: Int64?
    /// The roles it may act in
    public var roles: Set<StaffRole>
    public var facilityId: String?
    public var createdAt: String
    public var revokedAt: String?

    public init(id: Int64, label: String, accountId: Int64?, roles: Set<StaffRole>, facilityId: String?, createdAt: String, revokedAt: String? = nil) {
        self.id = id
        self.label = label
        self.accountId = accountId
        self.roles = roles
        self.facilityId = facilityId
        self.createdAt = createdAt
        self.revokedAt = revokedAt
    }
}

/// Storage of staff accounts, sessions, credentials and their events, in the shared SQL. Rules are `StaffService`'s.
public enum StaffStore {
    static func roles(_ text: String) -> Set<StaffRole> {
        Set(((try? JSONDecoder().decode([String].self, from: Data(text.utf8))) ?? []).compactMap(StaffRole.init(rawValue:)))
    }

    static func rolesJSON(_ roles: Set<StaffRole>) -> String {
        String(decoding: (try? JSONEncoder().encode(roles.sorted().map(\.rawValue))) ?? Data("[]".utf8), as: UTF8.self)
    }

    /// A row of `staffAccount` (roles as a JSON array).
    static func account(_ row: SQLRow) throws -> StoredStaffAccount {
        StoredStaffAccount(
            account: StaffAccount(
                id: try row.int("id"), login: try row.text("login"), displayName: try row.text("displayName"),
                roles: roles(try row.text("roles")), facilityId: try row.optionalText("facilityId"),
                disabled: try row.optionalText("disabledAt") != nil),
            passwordHash: try row.text("passwordHash"), failedSignIns: Int(try row.int("failedSignIns")),
            lockedUntil: try row.optionalText("lockedUntil"))
    }

    /// A row of `staffSession` (the secret's SHA-256 only).
    static func session(_ row: SQLRow) throws -> StoredStaffSession {
        StoredStaffSession(
            accountId: try row.int("accountId"), csrfToken: try row.text("csrfToken"), createdAt: try row.text("createdAt"),
            lastSeenAt: try row.text("lastSeenAt"), expiresAt: try row.text("expiresAt"), endedAt: try row.optionalText("endedAt"),
            purpose: try row.optionalCode("purpose"))
    }

    /// A row of `staffCredential` (the secret's SHA-256 only).
    static func credential(_ row: SQLRow) throws -> StaffCredential {
        StaffCredential(
            id: try row.int("id"), label: try row.text("label"), accountId: try row.optionalInt("accountId"),
            roles: roles(try row.text("roles")), facilityId: try row.optionalText("facilityId"), createdAt: try row.text("createdAt"),
            revokedAt: try row.optionalText("revokedAt"))
    }

    public static func count(_ db: any SQLSession) throws -> Int {
        try db.scalar("SELECT count(*) FROM staffAccount", as: Int.self) ?? 0
    }

    public static func account(_ db: any SQLSession, login: String) throws -> StoredStaffAccount? {
        try db.row("SELECT * FROM staffAccount WHERE login = ?", login).map(account)
    }

    public static func account(_ db: any SQLSession, id: Int64) throws -> StoredStaffAccount? {
        try db.row("SELECT * FROM staffAccount WHERE id = ?", id).map(account)
    }

    public static func accounts(_ db: any SQLSession) throws -> [StaffAccount] {
        try db.rows("SELECT * FROM staffAccount ORDER BY login").map { try account($0).account }
    }

    public static func insert(_ db: any SQLSession, _ a: StaffAccount, passwordHash: String, at: String) throws -> Int64 {
        try db.insert(
            """
            INSERT INTO staffAccount (login, displayName, roles, facilityId, passwordHash, failedSignIns, createdAt, passwordChangedAt)
            VALUES (?, ?, ?, ?, ?, 0, ?, ?)
            """, arguments: [a.login, a.displayName, rolesJSON(a.roles), a.facilityId, passwordHash, at, at])
    }

    public static func setSignInState(_ db: any SQLSession, id: Int64, failures: Int, lockedUntil: String?) throws {
        try db.execute("UPDATE staffAccount SET failedSignIns = ?, lockedUntil = ? WHERE id = ?", failures, lockedUntil, id)
    }

    public static func setDisabled(_ db: any SQLSession, id: Int64, at: String?) throws {
        try db.execute("UPDATE staffAccount SET disabledAt = ? WHERE id = ?", at, id)
        if let at {
            try db.execute("UPDATE staffSession SET endedAt = ? WHERE accountId = ? AND endedAt IS NULL", at, id)
        }
    }

    public static func setPassword(_ db: any SQLSession, id: Int64, hash: String, at: String) throws {
        try db.execute(
            "UPDATE staffAccount SET passwordHash = ?, passwordChangedAt = ?, failedSignIns = 0, lockedUntil = NULL WHERE id = ?",
            hash, at, id)
        // A new password ends every session signed in with the old one.
        try db.execute("UPDATE staffSession SET endedAt = ? WHERE accountId = ? AND endedAt IS NULL", at, id)
    }

    public static func event(
        _ db: any SQLSession, at: String, accountId: Int64?, login: String, _ event: String, actor: String, detail: [String: String] = [:]
    ) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        try db.execute(
            "INSERT INTO staffEvent (at, accountId, login, event, actor, detail) VALUES (?, ?, ?, ?, ?, ?)",
            at, accountId, login, event, actor, String(decoding: try encoder.encode(detail), as: UTF8.self))
    }

    public static func events(_ db: any SQLSession, accountId: Int64) throws -> [String] {
        try db.column("SELECT event FROM staffEvent WHERE accountId = ? ORDER BY id", arguments: [accountId], as: String.self)
    }

    // MARK: Sessions

    public static func insertSession(_ db: any SQLSession, tokenHash: String, accountId: Int64, csrf: String, at: String, expiresAt: String) throws {
        try db.execute(
            """
            INSERT INTO staffSession (tokenHash, accountId, csrfToken, createdAt, lastSeenAt, expiresAt) VALUES (?, ?, ?, ?, ?, ?)
            """, tokenHash, accountId, csrf, at, at, expiresAt)
    }

    public static func session(_ db: any SQLSession, tokenHash: String) throws -> StoredStaffSession? {
        try db.row("SELECT * FROM staffSession WHERE tokenHash = ?", tokenHash).map(session)
    }

    public static func touchSession(_ db: any SQLSession, tokenHash: String, at: String) throws {
        try db.execute("UPDATE staffSession SET lastSeenAt = ? WHERE tokenHash = ?", at, tokenHash)
    }

    public static func endSession(_ db: any SQLSession, tokenHash: String, at: String) throws {
        try db.execute("UPDATE staffSession SET endedAt = ? WHERE tokenHash = ? AND endedAt IS NULL", at, tokenHash)
    }

    // MARK: API credentials

    public static func insertCredential(
        _ db: any SQLSession, tokenHash: String, label: String, accountId: Int64?, roles: Set<StaffRole>, facilityId: String?, at: String
    ) throws -> Int64 {
        try db.insert(
            "INSERT INTO staffCredential (tokenHash, label, accountId, roles, facilityId, createdAt) VALUES (?, ?, ?, ?, ?, ?)",
            arguments: [tokenHash, label, accountId, rolesJSON(roles), facilityId, at])
    }

    public static func credential(_ db: any SQLSession, tokenHash: String) throws -> StaffCredential? {
        try db.row("SELECT * FROM staffCredential WHERE tokenHash = ?", tokenHash).map(credential)
    }

    public static func credentials(_ db: any SQLSession) throws -> [StaffCredential] {
        try db.rows("SELECT * FROM staffCredential ORDER BY id").map(credential)
    }

    public static func revokeCredential(_ db: any SQLSession, id: Int64, at: String) throws -> StaffCredential? {
        guard try db.execute("UPDATE staffCredential SET revokedAt = ? WHERE id = ? AND revokedAt IS NULL", at, id) == 1 else { return nil }
        return try db.row("SELECT * FROM staffCredential WHERE id = ?", id).map(credential)
    }

    public static func facilityExists(_ db: any SQLSession, _ id: String) throws -> Bool {
        try db.exists("SELECT 1 FROM facility WHERE id = ?", arguments: [id])
    }
}
