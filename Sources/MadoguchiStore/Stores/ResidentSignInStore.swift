import Foundation
import MadoguchiDomain

/// A one-time sign-in challenge as stored, before it was spent.
public struct StoredChallenge: Sendable, Hashable {
    public var nonce: Data
    public var expiresAt: String
    /// When it was spent before this read, if it was
    public var usedAt: String?
}

/// The resident's sign-in with the card (住民向けアクセス記録): one-time challenges, sessions kept as the SHA-256 of
/// their secret, and what the resident is shown. The rules (expiry, single use, what is left out) are the use case's.
public protocol ResidentSignInStore: Sendable {
    /// Stores a challenge, and forgets those that expired before `purgeBefore`.
    func saveChallenge(id: String, nonce: Data, expiresAt: String, purgeBefore: String) async throws
    /// Spends a challenge (marks it used at `at` if it was not) and returns it as it was before, or `nil` if unknown.
    func spendChallenge(id: String, at: String) async throws -> StoredChallenge?
    func openSession(tokenHash: String, residentId: Int64, cardSerial: String, at: String, expiresAt: String) async throws
    /// The resident of a session not ended and not expired at `at`.
    func resident(tokenHash: String, at: String) async throws -> Int64?
    func endSession(tokenHash: String, at: String) async throws
    /// The reads and certificates about a resident, as `ResidentAccess` shows them, newest first.
    func accessLines(residentId: Int64, on date: CivilDate) async throws -> [ResidentAccessLine]
}

struct SQLResidentSignInStore: ResidentSignInStore {
    let database: MadoguchiDatabase

    func saveChallenge(id: String, nonce: Data, expiresAt: String, purgeBefore: String) async throws {
        try await database.sqlWrite { db in
            try db.execute("DELETE FROM residentChallenge WHERE expiresAt < ?", purgeBefore)
            try db.execute("INSERT INTO residentChallenge (id, challenge, expiresAt) VALUES (?, ?, ?)", id, nonce, expiresAt)
        }
    }

    func spendChallenge(id: String, at: String) async throws -> StoredChallenge? {
        try await database.sqlWrite { db in
            // FOR UPDATE on PostgreSQL: two servers spending one challenge at once see it spent once.
            let lock = db.engine == .postgres ? " FOR UPDATE" : ""
            guard let row = try db.row("SELECT challenge, expiresAt, usedAt FROM residentChallenge WHERE id = ?\(lock)", id)
            else { return nil }
            try db.execute("UPDATE residentChallenge SET usedAt = ? WHERE id = ? AND usedAt IS NULL", at, id)
            return StoredChallenge(nonce: try row.blob("challenge"), expiresAt: try row.text("expiresAt"), usedAt: try row.optionalText("usedAt"))
        }
    }

    func openSession(tokenHash: String, residentId: Int64, cardSerial: String, at: String, expiresAt: String) async throws {
        try await database.sqlWrite { db in
            try db.execute(
                "INSERT INTO residentSession (tokenHash, residentId, cardSerial, createdAt, expiresAt) VALUES (?, ?, ?, ?, ?)",
                tokenHash, residentId, cardSerial, at, expiresAt)
        }
    }

    func resident(tokenHash: String, at: String) async throws -> Int64? {
        try await database.sqlRead { db in
            try db.scalar(
                "SELECT residentId FROM residentSession WHERE tokenHash = ? AND endedAt IS NULL AND expiresAt > ?",
                arguments: [tokenHash, at], as: Int64.self)
        }
    }

    func endSession(tokenHash: String, at: String) async throws {
        try await database.sqlWrite { db in
            try db.execute("UPDATE residentSession SET endedAt = ? WHERE tokenHash = ? AND endedAt IS NULL", at, tokenHash)
        }
    }

    func accessLines(residentId: Int64, on date: CivilDate) async throws -> [ResidentAccessLine] {
        try await database.sqlRead { db in try ResidentAccess.lines(db, residentId: residentId, on: date) }
    }
}

/// What the city's own records say about it (its code, name and mayor, as certificates print them).
public enum CityMeta {
    /// One statement for the three values (every certificate reads them; on PostgreSQL each statement is a round trip).
    static func city(_ s: any SQLSession) throws -> CityInfo {
        var meta: [String: String] = [:]
        for row in try s.rows("SELECT key, value FROM meta WHERE key IN ('city.name', 'city.code', 'city.mayor')") {
            meta[try row.text("key")] = try row.text("value")
        }
        let name = meta["city.name"] ?? "窓口市"
        return CityInfo(code: meta["city.code"] ?? "000000", name: name, mayor: meta["city.mayor"] ?? "\(name)長")
    }
}

extension MadoguchiDatabase {
    /// The resident's sign-in and what they are shown.
    public var residentSignIn: any ResidentSignInStore { SQLResidentSignInStore(database: self) }

    /// This city: its 全国地方公共団体コード, name and mayor.
    public func city() async throws -> CityInfo {
        try await sqlRead { db in try CityMeta.city(db) }
    }
}
