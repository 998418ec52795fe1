import Foundation
import GRDB
import MadoguchiDomain

/// A 支援措置 with where it stands.
public struct SupportMeasureRecord: Sendable, Hashable, Codable {
    public var measure: SupportMeasure
    public var state: SupportMeasureState
    public var endedOn: CivilDate?
    /// The city keeping the person's 戸籍 (本籍地), to which the measure is forwarded
    public var honsekiCity: String?
    /// The last step has not reached the 本籍地 yet
    public var forwardPending: Bool = false
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
            endedOn: (row["endedOn"] as String?).flatMap(CivilDate.parseGregorian), honsekiCity: row["honsekiCity"],
            forwardPending: (row["forwardPending"] as Int?) == 1)
    }

    public static func setForwarding(_ db: Database, id: Int64, honsekiCity: String?, pending: Bool) throws {
        try db.execute(sql: "UPDATE supportMeasure SET honsekiCity = ?, forwardPending = ? WHERE id = ?", arguments: [honsekiCity, pending ? 1 : 0, id])
    }

    public static func pendingForwards(_ db: Database) throws -> [SupportMeasureRecord] {
        try Row.fetchAll(db, sql: "SELECT * FROM supportMeasure WHERE forwardPending = 1 ORDER BY id").map(record)
    }

    /// The person as their 戸籍 records them: 本籍, 筆頭者, 氏名 and 生年月日, from their 住民票.
    public static func registerIdentity(_ db: Database, residentId: Int64) throws -> (domicile: String, head: String, name: String, birth: CivilDate)? {
        guard let row = try Row.fetchOne(
            db, sql: "SELECT permanentDomicile, domicileHead, familyName, givenName, birthDate FROM resident WHERE id = ?", arguments: [residentId]),
            let domicile = row["permanentDomicile"] as String?, let head = row["domicileHead"] as String?
        else { return nil }
        return (domicile, head, (row["familyName"] as String) + "　" + (row["givenName"] as String), Rows.date(row["birthDate"]))
    }

    /// The row of a person in a 戸籍 kept here: by 本籍 and 筆頭者 (variants folded), then name and birth date.
    public static func registerMember(_ db: Database, domicile: String, head: String, name: String, birth: CivilDate) throws -> Int64? {
        let headKey = NameFolding.searchKey(head)
        let nameKey = NameFolding.searchKey(name)
        let registers = try Row.fetchAll(
            db, sql: "SELECT id, headName FROM familyRegister WHERE permanentDomicile = ?", arguments: [JapaneseText.normalized(domicile)]
        ).filter { NameFolding.searchKey($0["headName"] as String) == headKey }.map { $0["id"] as Int64 }
        let found = try registers.flatMap { register in
            try Row.fetchAll(
                db, sql: "SELECT id, familyName, givenName FROM familyRegisterMember WHERE familyRegisterId = ? AND birthDate = ?",
                arguments: [register, birth.description]
            ).filter { NameFolding.searchKey(($0["familyName"] as String) + ($0["givenName"] as String)) == nameKey }.map { $0["id"] as Int64 }
        }
        return found.count == 1 ? found[0] : nil
    }

    /// Keeps what the city of residence forwarded (the measure's latest step), and records it.
    public static func keepForwarded(
        _ db: Database, _ m: ForwardedSupportMeasure, from city: String, memberId: Int64, at: String
    ) throws {
        try db.execute(
            sql: """
                INSERT INTO forwardedSupportMeasure (fromCity, reference, registerMemberId, otherPartyName, otherPartyBirthDate, state,
                  termStart, termEnd, updatedAt)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (fromCity, reference) DO UPDATE SET registerMemberId = excluded.registerMemberId,
                  otherPartyName = excluded.otherPartyName, otherPartyBirthDate = excluded.otherPartyBirthDate, state = excluded.state,
                  termStart = excluded.termStart, termEnd = excluded.termEnd, updatedAt = excluded.updatedAt
                """,
            arguments: [city, m.reference, memberId, m.otherPartyName, m.otherPartyBirthDate?.description, m.state.rawValue,
                        m.termStart.description, m.termEnd.description, at])
        try logForwarded(db, m, from: city, memberId: memberId, outcome: "kept", at: at)
    }

    public static func logForwarded(_ db: Database, _ m: ForwardedSupportMeasure, from city: String, memberId: Int64?, outcome: String, at: String) throws {
        let detail = ["state": m.state.rawValue, "termEnd": m.termEnd.description]
        try db.execute(
            sql: """
                INSERT INTO forwardedSupportMeasureLog (at, fromCity, reference, registerMemberId, outcome, detail) VALUES (?, ?, ?, ?, ?, ?)
                """,
            arguments: [at, city, m.reference, memberId, outcome,
                        String(decoding: try JSONEncoder().encode(detail), as: UTF8.self)])
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
