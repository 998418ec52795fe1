import Foundation
import MadoguchiDomain

/// A store session as stored, for the runs that check invariants.
public struct StoredKioskSession: Sendable, Hashable {
    public var state: KioskSessionState?
    public var cardSerial: String?
    public var residentId: Int64?
    public var documentId: String?
}

/// A certificate as stored, for the runs that check invariants.
public struct StoredCertificateFact: Sendable, Hashable {
    public var subjectId: Int64
    /// `issued`, `voided` or `superseded`
    public var status: String
    public var token: String
}

/// What the store-channel fault run checks against, read in one snapshot.
public struct KioskFacts: Sendable {
    public var sessions: [String: StoredKioskSession]
    /// The store channel's certificates, by document id
    public var certificates: [String: StoredCertificateFact]
    /// Documents with a void entry in the ledger
    public var voided: Set<String>
    public var openSessions: Int
    public var ledger: LedgerVerification
}

/// What the crash run checks against, read in one snapshot.
public struct IssuanceFacts: Sendable {
    /// Every certificate's subject, by document id
    public var subjects: [String: Int64]
    /// How many issue entries each idempotency key has in the ledger
    public var issuesByKey: [String: Int]
    /// The documents the ledger records as issued
    public var issuedDocuments: Set<String>
}

/// Whole-database reads for the fault, crash and load runs, which check what is stored against what clients were
/// told. Not for serving: nothing here is on a request's path.
public protocol InspectionStore: Sendable {
    /// Residents a run may act for, by id: current, not under 支援措置 and, if asked, without a 転出届 and with a
    /// registered seal; born before or after a day (ISO date) when given.
    func subjects(bornBefore: String?, bornAfter: String?, withoutMoveOutNotice: Bool, withSeal: Bool, limit: Int) async throws -> [Int64]
    func birthDate(residentId: Int64) async throws -> String?
    /// Every resident's id, removed ones too, in order.
    func residentIds() async throws -> [Int64]
    /// The 住民票コード of every current resident, in id order.
    func currentResidentRecordCodes() async throws -> [String]
    /// The facts the rules read for each request (the subject as of `date`), in one snapshot; `nil` for an unknown subject.
    func subjectFacts(_ requests: [CertificateRequest], on date: CivilDate) async throws -> [SubjectFacts?]
    func kioskFacts() async throws -> KioskFacts
    func openKioskSessions() async throws -> Int
    func issuanceFacts() async throws -> IssuanceFacts
}

struct SQLInspectionStore: InspectionStore {
    let database: MadoguchiDatabase

    func subjects(bornBefore: String?, bornAfter: String?, withoutMoveOutNotice: Bool, withSeal: Bool, limit: Int) async throws -> [Int64] {
        var conditions = ["r.removedOn IS NULL", "NOT EXISTS (SELECT 1 FROM supportMeasure m WHERE m.subjectId = r.id)"]
        var arguments: [SQLValue] = []
        if withoutMoveOutNotice {
            conditions.append("NOT EXISTS (SELECT 1 FROM residentMovement v WHERE v.residentId = r.id AND v.kind = 'moveOutNotified')")
        }
        if withSeal { conditions.append("EXISTS (SELECT 1 FROM sealRegistration s WHERE s.residentId = r.id)") }
        if let bornBefore {
            conditions.append("r.birthDate < ?")
            arguments.append(.text(bornBefore))
        }
        if let bornAfter {
            conditions.append("r.birthDate > ?")
            arguments.append(.text(bornAfter))
        }
        arguments.append(.integer(Int64(limit)))
        let sql = "SELECT r.id FROM resident r WHERE \(conditions.joined(separator: " AND ")) ORDER BY r.id LIMIT ?"
        let bound = arguments
        return try await database.sqlRead { db in try db.rows(sql, bound).map { try $0.int("id") } }
    }

    func birthDate(residentId: Int64) async throws -> String? {
        try await database.sqlRead { db in try db.scalar("SELECT birthDate FROM resident WHERE id = ?", arguments: [residentId], as: String.self) }
    }

    func residentIds() async throws -> [Int64] {
        try await database.sqlRead { db in try db.column("SELECT id FROM resident ORDER BY id", as: Int64.self) }
    }

    func currentResidentRecordCodes() async throws -> [String] {
        try await database.sqlRead { db in
            try db.column("SELECT residentRecordCode FROM resident WHERE removedOn IS NULL ORDER BY id", as: String.self)
        }
    }

    func subjectFacts(_ requests: [CertificateRequest], on date: CivilDate) async throws -> [SubjectFacts?] {
        try await database.sqlRead { db in
            try requests.map { try RegistryRepository.subjectFacts(db, id: $0.subjectId, on: date, request: $0) }
        }
    }

    func kioskFacts() async throws -> KioskFacts {
        try await database.sqlRead { db in
            var sessions: [String: StoredKioskSession] = [:]
            for row in try db.rows("SELECT requestId, state, cardSerial, residentId, documentId FROM kioskSession") {
                sessions[try row.text("requestId")] = StoredKioskSession(
                    state: KioskSessionState(rawValue: try row.text("state")), cardSerial: try row.optionalText("cardSerial"),
                    residentId: try row.optionalInt("residentId"), documentId: try row.optionalText("documentId"))
            }
            var certificates: [String: StoredCertificateFact] = [:]
            for row in try db.rows("SELECT id, subjectId, status, token FROM certificate WHERE channel = 'kiosk'") {
                certificates[try row.text("id")] = StoredCertificateFact(
                    subjectId: try row.int("subjectId"), status: try row.text("status"), token: try row.text("token"))
            }
            let voided = Set(try db.column("SELECT documentId FROM ledgerEntry WHERE action = 'void'", as: String.self))
            return KioskFacts(
                sessions: sessions, certificates: certificates, voided: voided, openSessions: try Self.open(db), ledger: try Ledger.verify(db))
        }
    }

    static func open(_ db: any SQLSession) throws -> Int {
        try db.scalar("SELECT count(*) FROM kioskSession WHERE state IN (\(KioskSessionState.openSQLList))", as: Int.self) ?? 0
    }

    func openKioskSessions() async throws -> Int {
        try await database.sqlRead { db in try Self.open(db) }
    }

    func issuanceFacts() async throws -> IssuanceFacts {
        try await database.sqlRead { db in
            var subjects: [String: Int64] = [:]
            for row in try db.rows("SELECT id, subjectId FROM certificate") { subjects[try row.text("id")] = try row.int("subjectId") }
            var byKey: [String: Int] = [:]
            var issued = Set<String>()
            let decoder = JSONDecoder()
            for row in try db.rows("SELECT payload, documentId FROM ledgerEntry WHERE action = 'issue'") {
                let record = try decoder.decode(LedgerRecord.self, from: Data(try row.text("payload").utf8))
                if let key = record.idempotencyKey { byKey[key, default: 0] += 1 }
                if let id = try row.optionalText("documentId") { issued.insert(id) }
            }
            return IssuanceFacts(subjects: subjects, issuesByKey: byKey, issuedDocuments: issued)
        }
    }
}

extension MadoguchiDatabase {
    /// For benchmarks only: `issues` synthetic issue entries over three fiscal years from FY2023 (30 % at stores, the
    /// rest at `facilities`), one in a hundred voided, appended through the ledger's own chain.
    ///
    /// `withoutTriggers` (PostgreSQL, a superuser's connection): the entries are written with the database's triggers
    /// off (`session_replication_role = replica`), chained by Swift exactly as `Ledger.append` chains them, and the
    /// live counts are then built in one statement, the one migration p3 fills `issuanceCount` with from a ledger that
    /// already exists. With the triggers on, PostgreSQL writes about 3,000 entries a second (the count trigger's
    /// upsert of a hot row), and ten million would take an hour.
    public func fillSyntheticLedger(issues: Int, facilities: [String], seed: UInt64, withoutTriggers: Bool = false) async throws {
        let triggersOff = withoutTriggers && engine == .postgres
        var state = seed | 1
        func next() -> UInt64 {  // xorshift: the same ledger for a seed
            state ^= state << 13
            state ^= state >> 7
            state ^= state << 17
            return state
        }
        // 500 entries to a statement, chained in Swift after the head read under the ledger's lock: the same entries
        // `Ledger.append` would write, without a round trip each. A hundred thousand issues to a transaction on
        // SQLite; one statement's 500 on PostgreSQL, where the count trigger updates the same few dozen `issuanceCount` rows
        // for every entry: each update leaves a row version that cannot be pruned before the commit, and the next
        // update of that row walks them all (a million entries in 100,000-entry transactions took 601 s).
        let perTransaction = engine == .postgres && !triggersOff ? 500 : 100_000
        var i = 0
        while i < issues {
            var records: [LedgerRecord] = []
            let end = min(issues, i + perTransaction)
            for n in i..<end {
                let day = CivilDate(dayNumber: CivilDate(year: 2023, month: 4, day: 1)!.dayNumber + n * 1096 / max(issues, 1))
                let at = "\(day)T10:00:00.000+09:00"
                let store = next() % 10 < 3
                let record = LedgerRecord(
                    action: .issue, at: at, documentId: "bench-\(n)", kind: .residentRecordCopy, subjectId: 1, requesterClass: .self,
                    channel: store ? .kiosk : .counter, facilityId: store || facilities.isEmpty ? nil : facilities[Int(next() % UInt64(facilities.count))],
                    copies: 1 + Int(next() % 2), feeYen: 300, medium: store && next() % 4 == 0 ? .smartphone : nil)
                records.append(record)
                if n % 100 == 0 {
                    records.append(LedgerRecord(action: .void, at: at, documentId: "bench-\(n)", kind: .residentRecordCopy, subjectId: 1,
                                                requesterClass: .self, channel: record.channel, reason: "bench"))
                }
            }
            let batch = records
            try await sqlWrite { db in
                if triggersOff { try db.execute("SET LOCAL session_replication_role = replica") }
                try Ledger.append(batch, in: db)
            }
            i = end
        }
        if triggersOff {
            try await sqlWrite { db in
                try db.execute("DELETE FROM issuanceCount WHERE source = 'ledger'")
                // Migration p3's own statement for the counts of a ledger that already exists.
                try db.execute(
                    """
                    INSERT INTO issuanceCount (fiscalYear, place, source, copies)
                    SELECT madoguchi_fiscal_year(e.at) AS fy, madoguchi_count_place(e.payload) AS place, 'ledger', sum((e.payload::jsonb ->> 'copies')::bigint)
                    FROM ledgerEntry e
                    WHERE e.action = 'issue' AND NOT EXISTS (SELECT 1 FROM ledgerEntry v WHERE v.action = 'void' AND v.documentId = e.documentId)
                    GROUP BY 1, 2
                    """)
            }
        }
    }

    /// Whole-database reads for the runs that check invariants (never for serving).
    public var inspection: any InspectionStore { SQLInspectionStore(database: self) }
}
