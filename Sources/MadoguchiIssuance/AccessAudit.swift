import Foundation
import GRDB
import MadoguchiDomain
import MadoguchiStore

/// Records every read of people's data by staff in the access log, before the data is shown: when the record cannot
/// be written, the read fails (no one is shown unrecorded). Each entry says who, at which facility, when, why, and
/// which people; a read that shows someone under 支援措置 is flagged for the auditor.
public struct AccessAudit: Sendable {
    let database: MadoguchiDatabase
    let clock: MadoguchiClock

    public init(database: MadoguchiDatabase, clock: MadoguchiClock = .system) {
        self.database = database
        self.clock = clock
    }

    /// What was read, as a handler describes it.
    public struct Read: Sendable {
        public var action: AccessRecord.Action
        public var subjects: [Int64]
        public var route: String
        public var query: String?
        public var documentId: String?

        public init(_ action: AccessRecord.Action, subjects: [Int64], route: String, query: String? = nil, documentId: String? = nil) {
            self.action = action
            self.subjects = subjects
            self.route = route
            self.query = query
            self.documentId = documentId
        }
    }

    @discardableResult
    public func record(_ read: Read, by staff: StaffIdentity, purpose: AccessPurpose) async throws -> AccessEntry {
        let now = clock.now()
        let today = clock.today
        do {
            return try await database.writer.write { db in
                let record = AccessRecord(
                    at: LedgerRecord.timestamp(now), actor: staff.login, facilityId: staff.facilityId, action: read.action, purpose: purpose,
                    subjects: read.subjects, route: read.route, query: read.query, documentId: read.documentId,
                    flagged: try AccessLog.anyProtected(db, read.subjects, on: today))
                return try AccessLog.append(record, in: db)
            }
        } catch let e as MadoguchiError { throw e } catch { throw StoreError.map(error) }
    }

    public func entries(_ filter: AccessFilter) async throws -> [AccessEntry] {
        try await database.writer.read { db in try AccessLog.entries(db, filter) }
    }

    public func verify() async throws -> LedgerVerification {
        try await database.writer.read { db in try AccessLog.verify(db) }
    }
}
