import Foundation
import MadoguchiDomain
import MadoguchiStore

/// Records every read of people's data by staff in the access log, before the data is shown: when the record cannot
/// be written, the read fails (no one is shown unrecorded). Each entry says who, at which facility, when, why, and
/// which people; a read that shows someone under 支援措置 is flagged for the auditor.
public struct AccessAudit: Sendable {
    let log: any AccessLogStore
    let clock: MadoguchiClock

    public init(database: MadoguchiDatabase, clock: MadoguchiClock = .system) {
        self.log = database.accessLog
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
        try await log.append(entry(read, by: staff, purpose: purpose), flagProtectedOn: clock.today)
    }

    /// The entry `record` appends, for a caller that appends it inside its own transaction instead (issuance records a
    /// certificate and its reads in one: `IssuanceService.Reads`). Flagged there, against that transaction's day.
    public func entry(_ read: Read, by staff: StaffIdentity, purpose: AccessPurpose) -> AccessRecord {
        AccessRecord(
            at: LedgerRecord.timestamp(clock.now()), actor: staff.login, facilityId: staff.facilityId, action: read.action,
            purpose: purpose, subjects: read.subjects, route: read.route, query: read.query, documentId: read.documentId, flagged: false)
    }

    public func entries(_ filter: AccessFilter) async throws -> [AccessEntry] {
        try await log.entries(filter)
    }

    public func verify() async throws -> LedgerVerification {
        try await log.verify()
    }
}
