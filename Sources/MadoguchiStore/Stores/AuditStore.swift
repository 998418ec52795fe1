import Foundation
import MadoguchiDomain
import MadoguchiPKI

/// The access log (閲覧記録): every read of people's data by staff, append-only and hash-chained.
public protocol AccessLogStore: Sendable {
    /// Appends a read, flagged 要確認 when one of its subjects is under 支援措置 on `day` (looked up in the same
    /// transaction as the append).
    @discardableResult
    func append(_ record: AccessRecord, flagProtectedOn day: CivilDate) async throws -> AccessEntry
    func entries(_ filter: AccessFilter) async throws -> [AccessEntry]
    /// The chain recomputed from the first entry.
    func verify() async throws -> LedgerVerification
}

/// The issuance ledger as a whole (its entries are appended by issuance, in issuance's own transactions), the
/// document-signing keys' public half, and the signed checkpoints that anchor both chains.
public protocol LedgerStore: Sendable {
    /// The ledger's chain recomputed from the first entry.
    func verify() async throws -> LedgerVerification
    /// The city's document-signing public keys (JWKS), retired ones included.
    func publicKeys() async throws -> JWKSet
    /// A signed checkpoint of the heads of the ledger and the access log, now. Reads only.
    func checkpoint(at: String) async throws -> PublishedCheckpoint
    /// How the chains differ from a checkpoint kept earlier; empty when they still hold it.
    func problems(against checkpoint: ChainCheckpoint) async throws -> [String]
}

struct SQLAccessLogStore: AccessLogStore {
    let database: MadoguchiDatabase

    func append(_ record: AccessRecord, flagProtectedOn day: CivilDate) async throws -> AccessEntry {
        try await database.sqlWrite { db in try AccessLog.append(record, flagProtectedOn: day, in: db) }
    }

    func entries(_ filter: AccessFilter) async throws -> [AccessEntry] {
        try await database.sqlRead { db in try AccessLog.entries(db, filter) }
    }

    func verify() async throws -> LedgerVerification {
        try await database.sqlRead { db in try AccessLog.verify(db) }
    }
}

struct SQLLedgerStore: LedgerStore {
    let database: MadoguchiDatabase

    func verify() async throws -> LedgerVerification {
        try await database.sqlRead { db in try Ledger.verify(db) }
    }

    func publicKeys() async throws -> JWKSet {
        try await database.sqlRead { db in try SigningKeys.jwks(db) }
    }

    func checkpoint(at: String) async throws -> PublishedCheckpoint {
        let keys = database.keys
        return try await database.sqlRead { db in try Checkpoints.publish(db, at: at, keys: keys) }
    }

    func problems(against checkpoint: ChainCheckpoint) async throws -> [String] {
        try await database.sqlRead { db in try Checkpoints.problems(db, against: checkpoint) }
    }
}

extension MadoguchiDatabase {
    /// At setup: the active document-signing key and the card authority exist afterwards, so that public reads
    /// (JWKS, CA, CRL, checkpoints, verification) never need to write.
    public func setUpKeys(now: Date) async throws {
        let keys = self.keys
        try await sqlWrite { db in try SigningKeys.setUp(db, now: now, keys: keys) }
    }

    /// Who read whom: the access log.
    public var accessLog: any AccessLogStore { SQLAccessLogStore(database: self) }
    /// The issuance ledger's chain, keys and checkpoints.
    public var ledger: any LedgerStore { SQLLedgerStore(database: self) }
}
