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

    public static func count(_ db: Database) throws -> Int { try StaffAccountRecord.fetchCount(db) }

    public static func account(_ db: Database, login: String) throws -> StoredStaffAccount? {
        try StaffAccountRecord.filter(StaffAccountRecord.Columns.login == login).fetchOne(db)?.stored
    }

    public static func account(_ db: Database, id: Int64) throws -> StoredStaffAccount? {
        try StaffAccountRecord.fetchOne(db, key: id)?.stored
    }

    public static func accounts(_ db: Database) throws -> [StaffAccount] {
        try StaffAccountRecord.order(StaffAccountRecord.Columns.login).fetchAll(db).map(\.stored.account)
    }

    public static func insert(_ db: Database, _ a: StaffAccount, passwordHash: String, at: String) throws -> Int64 {
        let record = StaffAccountRecord(
            id: nil, login: a.login, displayName: a.displayName, roles: rolesJSON(a.roles), facilityId: a.facilityId, passwordHash: passwordHash,
            failedSignIns: 0, lockedUntil: nil, disabledAt: nil, createdAt: at, passwordChangedAt: at)
        try record.insert(db)
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
        try StaffSessionRecord(
            tokenHash: tokenHash, accountId: accountId, csrfToken: csrf, createdAt: at, lastSeenAt: at, expiresAt: expiresAt, endedAt: nil,
            purpose: nil
        ).insert(db)
    }

    public static func session(_ db: Database, tokenHash: String) throws -> StoredStaffSession? {
        try StaffSessionRecord.fetchOne(db, key: tokenHash)?.stored
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
        try StaffCredentialRecord(
            id: nil, tokenHash: tokenHash, label: label, accountId: accountId, roles: rolesJSON(roles), facilityId: facilityId, createdAt: at,
            revokedAt: nil
        ).insert(db)
        return db.lastInsertedRowID
    }

    public static func credential(_ db: Database, tokenHash: String) throws -> StaffCredential? {
        try StaffCredentialRecord.filter(StaffCredentialRecord.Columns.tokenHash == tokenHash).fetchOne(db)?.credential
    }

    public static func credentials(_ db: Database) throws -> [StaffCredential] {
        try StaffCredentialRecord.order(StaffCredentialRecord.Columns.id).fetchAll(db).map(\.credential)
    }

    public static func revokeCredential(_ db: Database, id: Int64, at: String) throws -> StaffCredential? {
        try db.execute(sql: "UPDATE staffCredential SET revokedAt = ? WHERE id = ? AND revokedAt IS NULL", arguments: [at, id])
        guard db.changesCount == 1 else { return nil }
        return try StaffCredentialRecord.fetchOne(db, key: id)?.credential
    }

    public static func facilityExists(_ db: Database, _ id: String) throws -> Bool {
        try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM facility WHERE id = ?)", arguments: [id]) ?? false
    }
}
