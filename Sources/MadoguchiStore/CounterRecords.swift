import Foundation
import GRDB
import MadoguchiDomain

/// A 支援措置 with where it stands.
public struct SupportMeasureRecord: Sendable, Hashable, Codable {
    public var measure: SupportMeasure
    public var state: SupportMeasureState
    public var endedOn: CivilDate?
}

/// One procedure done at a counter, as recorded.
public struct ProcedureRecord: Sendable, Hashable, Codable {
    public var id: Int64
    public var at: String
    public var procedure: RegistryProcedureKind
    public var residentId: Int64
    public var actor: String
    public var facilityId: String?
    public var detail: [String: String]
}

/// What the counter keeps itself: 支援措置 with their state, seals, 本人通知 registrations, and the append-only record of
/// every procedure on them. Storage only; the rules are `RegistryProcedures`'.
public enum CounterRecords {
    public static func supportMeasure(_ db: Database, id: Int64) throws -> SupportMeasureRecord? {
        try Row.fetchOne(db, sql: "SELECT * FROM supportMeasure WHERE id = ?", arguments: [id]).map(record)
    }

    public static func supportMeasures(_ db: Database, subjectId: Int64) throws -> [SupportMeasureRecord] {
        try Row.fetchAll(db, sql: "SELECT * FROM supportMeasure WHERE subjectId = ? ORDER BY id", arguments: [subjectId]).map(record)
    }

    static func record(_ row: Row) -> SupportMeasureRecord {
        SupportMeasureRecord(
            measure: SupportMeasure(
                id: row["id"], subjectId: row["subjectId"], otherPartyName: row["otherPartyName"],
                otherPartyBirthDate: (row["otherPartyBirthDate"] as String?).flatMap(CivilDate.parseGregorian),
                otherPartyResidentId: row["otherPartyResidentId"], termStart: Rows.date(row["termStart"]), termEnd: Rows.date(row["termEnd"])),
            state: SupportMeasureState(rawValue: row["state"]) ?? .decided,
            endedOn: (row["endedOn"] as String?).flatMap(CivilDate.parseGregorian))
    }

    public static func insert(_ db: Database, _ measure: SupportMeasure, state: SupportMeasureState) throws -> Int64 {
        try db.execute(
            sql: """
                INSERT INTO supportMeasure (subjectId, otherPartyName, otherPartyBirthDate, otherPartyResidentId, termStart, termEnd, state)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [measure.subjectId, measure.otherPartyName, measure.otherPartyBirthDate?.description, measure.otherPartyResidentId,
                        measure.termStart.description, measure.termEnd.description, state.rawValue])
        return db.lastInsertedRowID
    }

    public static func update(_ db: Database, id: Int64, state: SupportMeasureState, term: ClosedRange<CivilDate>, endedOn: CivilDate?) throws {
        try db.execute(
            sql: "UPDATE supportMeasure SET state = ?, termStart = ?, termEnd = ?, endedOn = ? WHERE id = ?",
            arguments: [state.rawValue, term.lowerBound.description, term.upperBound.description, endedOn?.description, id])
    }

    /// Records a procedure, in the caller's transaction.
    public static func log(
        _ db: Database, _ procedure: RegistryProcedureKind, residentId: Int64, actor: String, facilityId: String?, at: String,
        detail: [String: String]
    ) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        try db.execute(
            sql: "INSERT INTO registryProcedure (at, procedure, residentId, actor, facilityId, detail) VALUES (?, ?, ?, ?, ?, ?)",
            arguments: [at, procedure.rawValue, residentId, actor, facilityId, String(decoding: try encoder.encode(detail), as: UTF8.self)])
    }

    public static func history(_ db: Database, residentId: Int64) throws -> [ProcedureRecord] {
        try Row.fetchAll(db, sql: "SELECT * FROM registryProcedure WHERE residentId = ? ORDER BY id", arguments: [residentId]).map { row in
            ProcedureRecord(
                id: row["id"], at: row["at"], procedure: RegistryProcedureKind(rawValue: row["procedure"])!, residentId: row["residentId"],
                actor: row["actor"], facilityId: row["facilityId"],
                detail: (try? JSONDecoder().decode([String: String].self, from: Data((row["detail"] as String).utf8))) ?? [:])
        }
    }

    /// A resident's state for a procedure: current or removed, birth date.
    public static func resident(_ db: Database, id: Int64) throws -> (birthDate: CivilDate, removed: Bool)? {
        try Row.fetchOne(db, sql: "SELECT birthDate, removedOn FROM resident WHERE id = ?", arguments: [id]).map {
            (Rows.date($0["birthDate"]), ($0["removedOn"] as String?) != nil)
        }
    }

    public static func facilityExists(_ db: Database, _ id: String) throws -> Bool {
        try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM facility WHERE id = ?)", arguments: [id]) ?? false
    }

    public static func activeSeal(_ db: Database, residentId: Int64) throws -> SealRegistration? {
        try Row.fetchOne(db, sql: "SELECT * FROM sealRegistration WHERE residentId = ? AND abolishedOn IS NULL", arguments: [residentId])
            .map(Rows.seal)
    }

    public static func seal(_ db: Database, number: String) throws -> SealRegistration? {
        try RegistryRepository.seal(db, registrationNumber: number)
    }

    /// The next 登録番号 of a year: `2026-000123`.
    public static func nextSealNumber(_ db: Database, year: Int) throws -> String {
        let prefix = "\(year)-"
        let last = try String.fetchOne(
            db, sql: "SELECT max(registrationNumber) FROM sealRegistration WHERE registrationNumber GLOB ?", arguments: [prefix + "[0-9][0-9][0-9][0-9][0-9][0-9]"])
        let next = (last.flatMap { Int($0.dropFirst(prefix.count)) } ?? 0) + 1
        return prefix + String(format: "%06d", next)
    }

    public static func insert(_ db: Database, _ seal: SealRegistration) throws {
        _ = try RegistryWriter(db).insert(seal)
    }

    public static func abolishSeal(_ db: Database, number: String, on date: CivilDate) throws {
        try db.execute(
            sql: "UPDATE sealRegistration SET abolishedOn = ? WHERE registrationNumber = ? AND abolishedOn IS NULL",
            arguments: [date.description, number])
    }

    public static func activeHolderNotification(_ db: Database, residentId: Int64) throws -> HolderNotificationRegistration? {
        try Row.fetchOne(db, sql: "SELECT * FROM holderNotificationRegistration WHERE residentId = ? AND endedOn IS NULL", arguments: [residentId])
            .map { HolderNotificationRegistration(id: $0["id"], residentId: $0["residentId"], registeredOn: Rows.date($0["registeredOn"])) }
    }

    public static func insert(_ db: Database, _ registration: HolderNotificationRegistration) throws {
        _ = try RegistryWriter(db).insert(registration)
    }

    public static func endHolderNotification(_ db: Database, id: Int64, on date: CivilDate) throws {
        try db.execute(sql: "UPDATE holderNotificationRegistration SET endedOn = ? WHERE id = ?", arguments: [date.description, id])
    }
}
