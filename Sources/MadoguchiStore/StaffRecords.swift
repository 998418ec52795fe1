import Foundation
import GRDB
import MadoguchiDomain

/// A row of `staffAccount`, as stored (roles as a JSON array).
struct StaffAccountRecord: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "staffAccount"
    var id: Int64?
    var login: String
    var displayName: String
    var roles: String
    var facilityId: String?
    var passwordHash: String
    var failedSignIns: Int
    var lockedUntil: String?
    var disabledAt: String?
    var createdAt: String
    var passwordChangedAt: String

    enum Columns {
        static let id = Column(CodingKeys.id)
        static let login = Column(CodingKeys.login)
    }

    var stored: StoredStaffAccount {
        StoredStaffAccount(
            account: StaffAccount(
                id: id, login: login, displayName: displayName, roles: StaffStore.roles(roles), facilityId: facilityId,
                disabled: disabledAt != nil),
            passwordHash: passwordHash, failedSignIns: failedSignIns, lockedUntil: lockedUntil)
    }
}

/// A row of `staffSession` (the secret's SHA-256 only).
struct StaffSessionRecord: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "staffSession"
    var tokenHash: String
    var accountId: Int64
    var csrfToken: String
    var createdAt: String
    var lastSeenAt: String
    var expiresAt: String
    var endedAt: String?
    /// The purpose chosen for the session's reads (v12)
    var purpose: String?

    enum Columns {
        static let tokenHash = Column(CodingKeys.tokenHash)
    }

    var stored: StoredStaffSession {
        StoredStaffSession(
            accountId: accountId, csrfToken: csrfToken, createdAt: createdAt, lastSeenAt: lastSeenAt, expiresAt: expiresAt, endedAt: endedAt,
            purpose: purpose.flatMap(AccessPurpose.init(rawValue:)))
    }
}

/// A row of `staffCredential` (the secret's SHA-256 only).
struct StaffCredentialRecord: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "staffCredential"
    var id: Int64?
    var tokenHash: String
    var label: String
    var accountId: Int64?
    var roles: String
    var facilityId: String?
    var createdAt: String
    var revokedAt: String?

    enum Columns {
        static let id = Column(CodingKeys.id)
        static let tokenHash = Column(CodingKeys.tokenHash)
    }

    var credential: StaffCredential {
        StaffCredential(
            id: id ?? 0, label: label, accountId: accountId, roles: StaffStore.roles(roles), facilityId: facilityId, createdAt: createdAt,
            revokedAt: revokedAt)
    }
}
