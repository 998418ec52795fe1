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
    public static func supportMeasure(_ db: any SQLSession, id: Int64) throws -> SupportMeasureRecord? {
        try db.row("SELECT * FROM supportMeasure WHERE id = ?", id).map(record)
    }

    public static func supportMeasures(_ db: any SQLSession, subjectId: Int64) throws -> [SupportMeasureRecord] {
        try db.rows("SELECT * FROM supportMeasure WHERE subjectId = ? ORDER BY id", subjectId).map(record)
    }

    static func record(_ row: SQLRow) -> SupportMeasureRecord {
        SupportMeasureRecord(
            measure: SupportMeasure(
                id: row["id"], subjectId: row["subjectId"], otherPartyName: row["otherPartyName"],
                otherPartyBirthDate: (row["otherPartyBirthDate"] as String?).flatMap(CivilDate.parseGregorian),
                otherPartyResidentId: row["otherPartyResidentId"], termStart: Rows.date(row["termStart"]), termEnd: Rows.date(row["termEnd"])),
            state: SupportMeasureState(rawValue: row["state"]) ?? .decided,
            endedOn: (row["endedOn"] as String?).flatMap(CivilDate.parseGregorian), honsekiCity: row["honsekiCity"],
            forwardPending: (row["forwardPending"] as Int?) == 1)
    }

    public static func setForwarding(_ db: any SQLSession, id: Int64, honsekiCity: String?, pending: Bool) throws {
        try db.execute("UPDATE supportMeasure SET honsekiCity = ?, forwardPending = ? WHERE id = ?", honsekiCity, pending ? 1 : 0, id)
    }

    public static func pendingForwards(_ db: any SQLSession) throws -> [SupportMeasureRecord] {
        try db.rows("SELECT * FROM supportMeasure WHERE forwardPending = 1 ORDER BY id").map(record)
    }

    /// The person as their 戸籍 records them: 本籍, 筆頭者, 氏名 and 生年月日, from their 住民票.
    public static func registerIdentity(_ db: any SQLSession, residentId: Int64) throws -> (domicile: String, head: String, name: String, birth: CivilDate)? {
        guard let row = try db.row(
            "SELECT permanentDomicile, domicileHead, familyName, givenName, birthDate FROM resident WHERE id = ?", residentId),
            let domicile = row["permanentDomicile"] as String?, let head = row["domicileHead"] as String?
        else { return nil }
        return (domicile, head, (row["familyName"] as String) + "　" + (row["givenName"] as String), Rows.date(row["birthDate"]))
    }

    /// The row of a person in a 戸籍 kept here: by 本籍 and 筆頭者 (variants folded), then name and birth date.
    public static func registerMember(_ db: any SQLSession, domicile: String, head: String, name: String, birth: CivilDate) throws -> Int64? {
        let headKey = NameFolding.searchKey(head)
        let nameKey = NameFolding.searchKey(name)
        let registers = try db.rows(
            "SELECT id, headName FROM familyRegister WHERE permanentDomicile = ?", JapaneseText.normalized(domicile)
        ).filter { NameFolding.searchKey($0["headName"] as String) == headKey }.map { $0["id"] as Int64 }
        let found = try registers.flatMap { register in
            try db.rows(
                "SELECT id, familyName, givenName FROM familyRegisterMember WHERE familyRegisterId = ? AND birthDate = ?",
                register, birth.description
            ).filter { NameFolding.searchKey(($0["familyName"] as String) + ($0["givenName"] as String)) == nameKey }.map { $0["id"] as Int64 }
        }
        return found.count == 1 ? found[0] : nil
    }

    /// Keeps what the city of residence forwarded (the measure's latest step), and records it.
    public static func keepForwarded(
        _ db: any SQLSession, _ m: ForwardedSupportMeasure, from city: String, memberId: Int64, at: String
    ) throws {
        try db.execute(
            """
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

    public static func logForwarded(_ db: any SQLSession, _ m: ForwardedSupportMeasure, from city: String, memberId: Int64?, outcome: String, at: String) throws {
        let detail = ["state": m.state.rawValue, "termEnd": m.termEnd.description]
        try db.execute(
            """
                INSERT INTO forwardedSupportMeasureLog (at, fromCity, reference, registerMemberId, outcome, detail) VALUES (?, ?, ?, ?, ?, ?)
                """,
            arguments: [at, city, m.reference, memberId, outcome,
                        String(decoding: try JSONEncoder().encode(detail), as: UTF8.self)])
    }

    public static func insert(_ db: any SQLSession, _ measure: SupportMeasure, state: SupportMeasureState) throws -> Int64 {
        try db.insert(
            """
                INSERT INTO supportMeasure (subjectId, otherPartyName, otherPartyBirthDate, otherPartyResidentId, termStart, termEnd, state)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [measure.subjectId, measure.otherPartyName, measure.otherPartyBirthDate?.description, measure.otherPartyResidentId,
                        measure.termStart.description, measure.termEnd.description, state.rawValue])
    }

    public static func update(_ db: any SQLSession, id: Int64, state: SupportMeasureState, term: ClosedRange<CivilDate>, endedOn: CivilDate?) throws {
        try db.execute(
            "UPDATE supportMeasure SET state = ?, termStart = ?, termEnd = ?, endedOn = ? WHERE id = ?",
            arguments: [state.rawValue, term.lowerBound.description, term.upperBound.description, endedOn?.description, id])
    }

    /// Records a procedure, in the caller's transaction.
    public static func log(
        _ db: any SQLSession, _ procedure: RegistryProcedureKind, residentId: Int64, actor: String, facilityId: String?, at: String,
        detail: [String: String]
    ) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        try db.execute(
            "INSERT INTO registryProcedure (at, procedure, residentId, actor, facilityId, detail) VALUES (?, ?, ?, ?, ?, ?)",
            arguments: [at, procedure.rawValue, residentId, actor, facilityId, String(decoding: try encoder.encode(detail), as: UTF8.self)])
    }

    public static func history(_ db: any SQLSession, residentId: Int64) throws -> [ProcedureRecord] {
        try db.rows("SELECT * FROM registryProcedure WHERE residentId = ? ORDER BY id", residentId).map { row in
            ProcedureRecord(
                id: row["id"], at: row["at"],
                procedure: try Unreadable.value(RegistryProcedureKind(rawValue: row["procedure"]), "registryProcedure.procedure"),
                residentId: row["residentId"],
                actor: row["actor"], facilityId: row["facilityId"],
                detail: (try? JSONDecoder().decode([String: String].self, from: Data((row["detail"] as String).utf8))) ?? [:])
        }
    }

    /// A resident's state for a procedure: current or removed, birth date.
    public static func resident(_ db: any SQLSession, id: Int64) throws -> (birthDate: CivilDate, removed: Bool)? {
        try db.row("SELECT birthDate, removedOn FROM resident WHERE id = ?", id).map {
            (Rows.date($0["birthDate"]), ($0["removedOn"] as String?) != nil)
        }
    }

    public static func facilityExists(_ db: any SQLSession, _ id: String) throws -> Bool {
        try db.exists("SELECT 1 FROM facility WHERE id = ?", arguments: [id])
    }

    public static func activeSeal(_ db: any SQLSession, residentId: Int64) throws -> SealRegistration? {
        try db.row("SELECT * FROM sealRegistration WHERE residentId = ? AND abolishedOn IS NULL", residentId).map(Rows.seal)
    }

    /// The next 登録番号 of a year: `2026-000123`.
    public static func nextSealNumber(_ db: any SQLSession, year: Int) throws -> String {
        let prefix = "\(year)-"
        // Numbers of the year sort as text (six digits after the year); LIKE, not GLOB, so that both engines read it.
        let last = try db.scalar(
            "SELECT max(registrationNumber) FROM sealRegistration WHERE registrationNumber LIKE ? AND length(registrationNumber) = ?",
            arguments: [prefix + "%", prefix.count + 6], as: String.self)
        let next = (last.flatMap { Int($0.dropFirst(prefix.count)) } ?? 0) + 1
        return prefix + String(format: "%06d", next)
    }

    public static func insert(_ db: any SQLSession, _ seal: SealRegistration) throws {
        _ = try RegistryWriter(db).insert(seal)
    }

    public static func abolishSeal(_ db: any SQLSession, number: String, on date: CivilDate) throws {
        try db.execute(
            "UPDATE sealRegistration SET abolishedOn = ? WHERE registrationNumber = ? AND abolishedOn IS NULL", date.description, number)
    }

    public static func activeHolderNotification(_ db: any SQLSession, residentId: Int64) throws -> HolderNotificationRegistration? {
        try db.row("SELECT * FROM holderNotificationRegistration WHERE residentId = ? AND endedOn IS NULL", residentId)
            .map { HolderNotificationRegistration(id: $0["id"], residentId: $0["residentId"], registeredOn: Rows.date($0["registeredOn"])) }
    }

    public static func insert(_ db: any SQLSession, _ registration: HolderNotificationRegistration) throws {
        _ = try RegistryWriter(db).insert(registration)
    }

    public static func endHolderNotification(_ db: any SQLSession, id: Int64, on date: CivilDate) throws {
        try db.execute("UPDATE holderNotificationRegistration SET endedOn = ? WHERE id = ?", date.description, id)
    }
}
