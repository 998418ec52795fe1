import Foundation
import GRDB
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

/// Storage of staff accounts, sessions, credentials and their events. Rules are `StaffService`'s.
public enum StaffStore {
    static func roles(_ text: String) -> Set<StaffRole> {
        Set(((try? JSONDecoder().decode([String].self, from: Data(text.utf8))) ?? []).compactMap(StaffRole.init(rawValue:)))
    }

    static func rolesJSON(_ roles: Set<StaffRole>) -> String {
        String(decoding: (try? JSONEncoder().encode(roles.sorted().map(\.rawValue))) ?? Data("[]".utf8), as: UTF8.self)
    }

    static func stored(_ row: Row) -> StoredStaffAccount {
        StoredStaffAccount(
            account: StaffAccount(
                id: row["id"], login: row["login"], displayName: row["displayName"], roles: roles(row["roles"]), facilityId: row["facilityId"],
                disabled: (row["disabledAt"] as String?) != nil),
            passwordHash: row["passwordHash"], failedSignIns: row["failedSignIns"], lockedUntil: row["lockedUntil"])
    }

    public static func count(_ db: Database) throws -> Int { try Int.fetchOne(db, sql: "SELECT count(*) FROM staffAccount") ?? 0 }

    public static func account(_ db: Database, login: String) throws -> StoredStaffAccount? {
        try Row.fetchOne(db, sql: "SELECT * FROM staffAccount WHERE login = ?", arguments: [login]).map(stored)
    }

    public static func account(_ db: Database, id: Int64) throws -> StoredStaffAccount? {
        try Row.fetchOne(db, sql: "SELECT * FROM staffAccount WHERE id = ?", arguments: [id]).map(stored)
    }

    public static func accounts(_ db: Database) throws -> [StaffAccount] {
        try Row.fetchAll(db, sql: "SELECT * FROM staffAccount ORDER BY login").map { stored($0).account }
    }

    public static func insert(_ db: Database, _ a: StaffAccount, passwordHash: String, at: String) throws -> Int64 {
        try db.execute(
            sql: """
                INSERT INTO staffAccount (login, displayName, roles, facilityId, passwordHash, createdAt, passwordChangedAt)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [a.login, a.displayName, rolesJSON(a.roles), a.facilityId, passwordHash, at, at])
        return db.lastInsertedRowID
    }

    public static func setSignInState(_ db: Database, id: Int64, failures: Int, lockedUntil: String?) throws {
        try db.execute(sql: "UPDATE staffAccount SET failedSignIns = ?, lockedUntil = ? WHERE id = ?", arguments: [failures, lockedUntil, id])
    }

    public static func setDisabled(_ db: Database, id: Int64, at: String?) throws {
        try db.execute(sql: "UPDATE staffAccount SET disabledAt = ? WHERE id = ?", arguments: [at, id])
        if at != nil {
            try db.execute(sql: "UPDATE staffSession SET endedAt = ? WHERE accountId = ? AND endedAt IS NULL", arguments: [at, id])
        }
    }

    public static func setPassword(_ db: Database, id: Int64, hash: String, at: String) throws {
        try db.execute(
            sql: "UPDATE staffAccount SET passwordHash = ?, passwordChangedAt = ?, failedSignIns = 0, lockedUntil = NULL WHERE id = ?",
            arguments: [hash, at, id])
        // A new password ends every session signed in with the old one.
        try db.execute(sql: "UPDATE staffSession SET endedAt = ? WHERE accountId = ? AND endedAt IS NULL", arguments: [at, id])
    }

    public static func event(_ db: Database, at: String, accountId: Int64?, login: String, _ event: String, actor: String, detail: [String: String] = [:]) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        try db.execute(
            sql: "INSERT INTO staffEvent (at, accountId, login, event, actor, detail) VALUES (?, ?, ?, ?, ?, ?)",
            arguments: [at, accountId, login, event, actor, String(decoding: try encoder.encode(detail), as: UTF8.self)])
    }

    public static func events(_ db: Database, accountId: Int64) throws -> [String] {
        try String.fetchAll(db, sql: "SELECT event FROM staffEvent WHERE accountId = ? ORDER BY id", arguments: [accountId])
    }

    // MARK: Sessions

    public static func insertSession(_ db: Database, tokenHash: String, accountId: Int64, csrf: String, at: String, expiresAt: String) throws {
        try db.execute(
            sql: "INSERT INTO staffSession (tokenHash, accountId, csrfToken, createdAt, lastSeenAt, expiresAt) VALUES (?, ?, ?, ?, ?, ?)",
            arguments: [tokenHash, accountId, csrf, at, at, expiresAt])
    }

    public static func session(_ db: Database, tokenHash: String) throws -> StoredStaffSession? {
        try Row.fetchOne(db, sql: "SELECT * FROM staffSession WHERE tokenHash = ?", arguments: [tokenHash]).map {
            StoredStaffSession(
                accountId: $0["accountId"], csrfToken: $0["csrfToken"], createdAt: $0["createdAt"], lastSeenAt: $0["lastSeenAt"],
                expiresAt: $0["expiresAt"], endedAt: $0["endedAt"], purpose: ($0["purpose"] as String?).flatMap(AccessPurpose.init(rawValue:)))
        }
    }

    public static func touchSession(_ db: Database, tokenHash: String, at: String) throws {
        try db.execute(sql: "UPDATE staffSession SET lastSeenAt = ? WHERE tokenHash = ?", arguments: [at, tokenHash])
    }

    public static func endSession(_ db: Database, tokenHash: String, at: String) throws {
        try db.execute(sql: "UPDATE staffSession SET endedAt = ? WHERE tokenHash = ? AND endedAt IS NULL", arguments: [at, tokenHash])
    }

    // MARK: API credentials

    public static func insertCredential(
        _ db: Database, tokenHash: String, label: String, accountId: Int64?, roles: Set<StaffRole>, facilityId: String?, at: String
    ) throws -> Int64 {
        try db.execute(
            sql: "INSERT INTO staffCredential (tokenHash, label, accountId, roles, facilityId, createdAt) VALUES (?, ?, ?, ?, ?, ?)",
            arguments: [tokenHash, label, accountId, rolesJSON(roles), facilityId, at])
        return db.lastInsertedRowID
    }

    static func credential(_ row: Row) -> StaffCredential {
        StaffCredential(
            id: row["id"], label: row["label"], accountId: row["accountId"], roles: roles(row["roles"]), facilityId: row["facilityId"],
            createdAt: row["createdAt"], revokedAt: row["revokedAt"])
    }

    public static func credential(_ db: Database, tokenHash: String) throws -> StaffCredential? {
        try Row.fetchOne(db, sql: "SELECT * FROM staffCredential WHERE tokenHash = ?", arguments: [tokenHash]).map(credential)
    }

    public static func credentials(_ db: Database) throws -> [StaffCredential] {
        try Row.fetchAll(db, sql: "SELECT * FROM staffCredential ORDER BY id").map(credential)
    }

    public static func revokeCredential(_ db: Database, id: Int64, at: String) throws -> StaffCredential? {
        try db.execute(sql: "UPDATE staffCredential SET revokedAt = ? WHERE id = ? AND revokedAt IS NULL", arguments: [at, id])
        guard db.changesCount == 1 else { return nil }
        return try Row.fetchOne(db, sql: "SELECT * FROM staffCredential WHERE id = ?", arguments: [id]).map(credential)
    }

    public static func facilityExists(_ db: Database, _ id: String) throws -> Bool {
        try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM facility WHERE id = ?)", arguments: [id]) ?? false
    }
}
