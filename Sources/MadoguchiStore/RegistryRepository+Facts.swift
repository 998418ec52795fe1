import GRDB
import MadoguchiDomain

extension RegistryRepository {
    /// The facts the eligibility rules need about a subject on a date, or `nil` when no such resident.
    ///
    /// The 支援措置 and 本人通知 registrations are read for everyone a certificate about the subject could show: the
    /// subject, the current household (whose address it prints) and everyone recorded in the subject's 戸籍. With a
    /// request, the requester's own record is read too, and for 戸籍 kinds their tie to the subject's 戸籍.
    public static func subjectFacts(_ db: Database, id: Int64, on date: CivilDate, request: CertificateRequest? = nil) throws
        -> SubjectFacts?
    {
        try subjectFacts(GRDBSession(db: db), id: id, on: date, request: request)
    }

    /// The same on either engine.
    static func subjectFacts(_ s: any SQLSession, id: Int64, on date: CivilDate, request: CertificateRequest? = nil) throws
        -> SubjectFacts?
    {
        let day = date.description
        // The subject's own facts in one statement (on PostgreSQL each statement is a round trip): the record, the 戸籍
        // it is in (a current membership before a past one), a 転出届 filed for a day from this one, a live 印鑑登録.
        guard let r = try s.row(
            """
            SELECT r.householdId, r.birthDate, r.removalReason, r.familyName, r.givenName,
              (SELECT m.familyRegisterId FROM familyRegisterMember m WHERE m.residentId = r.id
               ORDER BY m.leftOn IS NOT NULL, m.id LIMIT 1) AS registerId,
              EXISTS (SELECT 1 FROM residentMovement v WHERE v.residentId = r.id AND v.kind = 'moveOutNotified'
                      AND v.occurredOn >= ?) AS moveOutFiled,
              EXISTS (SELECT 1 FROM sealRegistration g WHERE g.residentId = r.id AND g.abolishedOn IS NULL
                      AND g.registeredOn <= ?) AS hasActiveSeal
            FROM resident r WHERE r.id = ?
            """, day, day, id)
        else { return nil }
        let householdId: Int64 = r["householdId"]
        let members = Set(try s.column(
            "SELECT id FROM resident WHERE householdId = ? AND removedOn IS NULL", arguments: [householdId], as: Int64.self))
        let register: Int64? = r["registerId"]
        let registerMembers = try register.map { registerId in
            Set(try s.column(
                "SELECT residentId FROM familyRegisterMember WHERE familyRegisterId = ? AND residentId IS NOT NULL",
                arguments: [registerId], as: Int64.self))
        } ?? []
        let everyone = Array(members.union(registerMembers).union([id])).sorted()
        let marks = everyone.map { _ in "?" }.joined(separator: ",")
        let protections = try s.rows(
            """
            SELECT subjectId, otherPartyResidentId, otherPartyName, otherPartyBirthDate FROM supportMeasure
            WHERE subjectId IN (\(marks)) AND termStart <= ? AND termEnd >= ? AND state <> 'ended' ORDER BY id
            """, arguments: everyone + [day, day]
        ).map { m in
            Protection(
                protectedId: m["subjectId"], otherPartyId: m["otherPartyResidentId"], otherPartyName: m["otherPartyName"],
                otherPartyBirthDate: (m["otherPartyBirthDate"] as String?).flatMap(CivilDate.parseGregorian))
        }
        let notified = Set(try s.column(
            """
            SELECT residentId FROM holderNotificationRegistration
            WHERE residentId IN (\(marks)) AND registeredOn <= ? AND endedOn IS NULL
            """, arguments: everyone + [day], as: Int64.self))
        var requesterFacts: RequesterFacts?
        if let request, let requesterId = request.requester.residentId,
            let row = try s.row("SELECT familyName, givenName, birthDate, removalReason FROM resident WHERE id = ?", requesterId)
        {
            var tie: RegisterTie?
            if request.kind.isFamilyRegister, let register {
                tie = try RegisterKinship.tie(
                    of: requesterId, to: register,
                    rowsOfPerson: { person in
                        try s.rows("SELECT * FROM familyRegisterMember WHERE residentId = ?", person).map(Rows.registerMember)
                    },
                    rowsOfRegister: { registerId in
                        try s.rows("SELECT * FROM familyRegisterMember WHERE familyRegisterId = ?", registerId).map(Rows.registerMember)
                    })
            }
            requesterFacts = RequesterFacts(
                residentId: requesterId, name: (row["familyName"] as String) + "　" + (row["givenName"] as String),
                birthDate: Rows.date(row["birthDate"]),
                removal: (row["removalReason"] as String?).flatMap(RemovedRecord.Reason.init(rawValue:)), registerTie: tie)
        }
        // 支援措置 forwarded here by the cities where persons of this 戸籍 live.
        var forwarded: [ForwardedProtection] = []
        var subjectMembers: Set<Int64> = []
        if let register {
            forwarded = try s.rows(
                """
                SELECT f.registerMemberId, f.otherPartyName, f.otherPartyBirthDate FROM forwardedSupportMeasure f
                JOIN familyRegisterMember m ON m.id = f.registerMemberId
                WHERE m.familyRegisterId = ? AND f.state <> 'ended' AND f.termStart <= ? AND f.termEnd >= ? ORDER BY f.id
                """, register, day, day
            ).map {
                ForwardedProtection(
                    memberId: $0["registerMemberId"], otherPartyName: $0["otherPartyName"],
                    otherPartyBirthDate: ($0["otherPartyBirthDate"] as String?).flatMap(CivilDate.parseGregorian))
            }
            subjectMembers = Set(try s.column(
                "SELECT id FROM familyRegisterMember WHERE familyRegisterId = ? AND residentId = ?", arguments: [register, id],
                as: Int64.self))
        }
        return SubjectFacts(
            residentId: id, householdId: householdId, birthDate: Rows.date(r["birthDate"]),
            removal: (r["removalReason"] as String?).flatMap(RemovedRecord.Reason.init(rawValue:)),
            moveOutFiled: r["moveOutFiled"],
            protections: protections,
            householdMemberIds: members,
            hasActiveSeal: r["hasActiveSeal"],
            taxYears: Set(try s.column("SELECT fiscalYear FROM taxAssessment WHERE residentId = ?", arguments: [id], as: Int.self)
                .map(FiscalYear.init)),
            familyRegisterHere: register != nil, familyRegisterMemberIds: registerMembers,
            nameHasPendingGaiji: SubjectFacts.hasPendingGaiji((r["familyName"] as String) + (r["givenName"] as String)),
            holderNotificationIds: notified, requester: requesterFacts,
            familyRegisterClosed: try register.map { registerId in
                try s.exists(
                    """
                    SELECT 1 FROM familyRegisterMember WHERE familyRegisterId = ?
                    GROUP BY familyRegisterId HAVING count(*) = count(leftOn)
                    """, arguments: [registerId])
            } ?? false, forwardedProtections: forwarded, subjectMemberIds: subjectMembers)
    }
}
