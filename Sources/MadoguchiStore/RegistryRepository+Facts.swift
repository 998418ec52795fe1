import GRDB
import MadoguchiDomain

extension RegistryRepository {
    /// The facts the eligibility rules need about a subject on a date, or `nil` when no such resident.
    public static func subjectFacts(_ db: Database, id: Int64, on date: CivilDate) throws -> SubjectFacts? {
        guard
            let r = try Row.fetchOne(
                db.cachedStatement(
                    sql: "SELECT householdId, birthDate, removalReason, familyName, givenName FROM resident WHERE id = ?"),
                arguments: [id])
        else { return nil }
        let day = date.description
        let householdId: Int64 = r["householdId"]
        let members = try Int64.fetchSet(
            db.cachedStatement(sql: "SELECT id FROM resident WHERE householdId = ? AND removedOn IS NULL"),
            arguments: [householdId])
        // 支援措置 in force for anyone in the household protect the whole household's records.
        let measures = try Row.fetchAll(
            db.cachedStatement(
                sql: """
                    SELECT subjectId, otherPartyResidentId, otherPartyName FROM supportMeasure
                    WHERE subjectId IN (SELECT id FROM resident WHERE householdId = ?) AND termStart <= ? AND termEnd >= ?
                    """), arguments: [householdId, day, day])
        let register = try Int64.fetchOne(
            db.cachedStatement(sql: "SELECT familyRegisterId FROM familyRegisterMember WHERE residentId = ? LIMIT 1"),
            arguments: [id])
        let registerMembers = try register.map { registerId in
            try Int64.fetchSet(
                db.cachedStatement(
                    sql: "SELECT residentId FROM familyRegisterMember WHERE familyRegisterId = ? AND residentId IS NOT NULL"),
                arguments: [registerId])
        } ?? []
        func exists(_ sql: String, _ arguments: StatementArguments) throws -> Bool {
            try Bool.fetchOne(db.cachedStatement(sql: "SELECT EXISTS (\(sql))"), arguments: arguments) ?? false
        }
        return SubjectFacts(
            residentId: id, householdId: householdId, birthDate: Rows.date(r["birthDate"]),
            removal: (r["removalReason"] as String?).flatMap(RemovedRecord.Reason.init(rawValue:)),
            moveOutFiled: try exists(
                "SELECT 1 FROM residentMovement WHERE residentId = ? AND kind = 'moveOutNotified' AND occurredOn >= ?",
                [id, day]),
            supportMeasureActive: measures.contains { ($0["subjectId"] as Int64) == id },
            supportMeasureOtherPartyIds: Set(measures.compactMap { $0["otherPartyResidentId"] as Int64? }),
            supportMeasureOtherPartyNames: Set(measures.map { $0["otherPartyName"] as String }),
            householdMemberIds: members,
            hasActiveSeal: try exists(
                "SELECT 1 FROM sealRegistration WHERE residentId = ? AND abolishedOn IS NULL AND registeredOn <= ?", [id, day]),
            taxYears: Set(try Int.fetchAll(
                db.cachedStatement(sql: "SELECT fiscalYear FROM taxAssessment WHERE residentId = ?"), arguments: [id]
            ).map(FiscalYear.init)),
            familyRegisterHere: register != nil, familyRegisterMemberIds: registerMembers,
            nameHasPendingGaiji: SubjectFacts.hasPendingGaiji((r["familyName"] as String) + (r["givenName"] as String)),
            holderNotification: try exists(
                "SELECT 1 FROM holderNotificationRegistration WHERE residentId = ? AND registeredOn <= ? AND endedOn IS NULL",
                [id, day]))
    }
}
