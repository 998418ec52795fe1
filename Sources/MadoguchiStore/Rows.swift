import Foundation
import GRDB
import MadoguchiDomain

/// Row → domain value decoders, one per table, shared by every query.
enum Rows {
    static func date(_ text: String) -> CivilDate { CivilDate.parseGregorian(text)! }
    static func date(_ text: String?) -> CivilDate? { text.flatMap(CivilDate.parseGregorian) }

    static func name(_ row: SQLRow) -> PersonName {
        PersonName(family: row["familyName"], given: row["givenName"], familyKana: row["familyNameKana"],
                   givenKana: row["givenNameKana"])
    }

    static func household(_ h: SQLRow) -> Household {
        Household(
            id: h["id"],
            address: Address(prefecture: h["prefecture"], municipality: h["municipality"], ward: h["ward"], town: h["town"],
                             block: h["block"], building: h["building"]),
            formedOn: date(h["formedOn"]))
    }

    static func removal(_ row: SQLRow, residentId: Int64) -> RemovedRecord? {
        date(row["removedOn"] as String?).map {
            RemovedRecord(residentId: residentId, reason: RemovedRecord.Reason(rawValue: row["removalReason"])!,
                          removedOn: $0, destination: row["removalDestination"])
        }
    }

    static func movement(_ m: SQLRow) -> ResidentMovement {
        ResidentMovement(
            id: m["id"], residentId: m["residentId"], kind: ResidentMovement.Kind(rawValue: m["kind"])!,
            occurredOn: date(m["occurredOn"]), notifiedOn: date(m["notifiedOn"]), fromAddress: m["fromAddress"],
            toAddress: m["toAddress"])
    }

    static func seal(_ s: SQLRow) -> SealRegistration {
        SealRegistration(
            id: s["id"], residentId: s["residentId"], registrationNumber: s["registrationNumber"],
            registeredOn: date(s["registeredOn"]), sealImage: [UInt8](s["sealImage"] as Data),
            sealImageType: s["sealImageType"], abolishedOn: date(s["abolishedOn"] as String?))
    }

    static func tax(_ t: SQLRow) -> TaxAssessment {
        TaxAssessment(
            id: t["id"], residentId: t["residentId"], fiscalYear: FiscalYear(t["fiscalYear"]), grossIncome: t["grossIncome"],
            totalIncome: t["totalIncome"], taxableIncome: t["taxableIncome"], municipalTax: t["municipalTax"],
            prefecturalTax: t["prefecturalTax"])
    }

    static func register(_ f: SQLRow) -> FamilyRegister {
        FamilyRegister(id: f["id"], permanentDomicile: f["permanentDomicile"], headName: f["headName"],
                       createdOn: date(f["createdOn"]))
    }

    static func registerMember(_ m: SQLRow) -> FamilyRegisterMember {
        FamilyRegisterMember(
            id: m["id"], familyRegisterId: m["familyRegisterId"], residentId: m["residentId"], name: name(m),
            birthDate: date(m["birthDate"]), sex: Sex(rawValue: m["sex"])!, relationship: m["relationship"],
            fatherName: m["fatherName"], motherName: m["motherName"], leftOn: date(m["leftOn"] as String?))
    }

    static func registerEvent(_ e: SQLRow) -> FamilyRegisterEvent {
        FamilyRegisterEvent(
            id: e["id"], familyRegisterId: e["familyRegisterId"], memberId: e["memberId"],
            kind: FamilyRegisterEvent.Kind(rawValue: e["kind"])!, occurredOn: date(e["occurredOn"]), detail: e["detail"])
    }

    static func annexEntry(_ a: SQLRow) -> FamilyRegisterAnnexEntry {
        FamilyRegisterAnnexEntry(id: a["id"], memberId: a["memberId"], address: a["address"], since: date(a["since"]))
    }

    // GRDB rows, read through the same decoders.
    static func name(_ row: Row) -> PersonName { name(SQLRow(row)) }
    static func household(_ h: Row) -> Household { household(SQLRow(h)) }
    static func removal(_ row: Row, residentId: Int64) -> RemovedRecord? { removal(SQLRow(row), residentId: residentId) }
    static func movement(_ m: Row) -> ResidentMovement { movement(SQLRow(m)) }
    static func seal(_ s: Row) -> SealRegistration { seal(SQLRow(s)) }
    static func tax(_ t: Row) -> TaxAssessment { tax(SQLRow(t)) }
    static func register(_ f: Row) -> FamilyRegister { register(SQLRow(f)) }
    static func registerMember(_ m: Row) -> FamilyRegisterMember { registerMember(SQLRow(m)) }
    static func registerEvent(_ e: Row) -> FamilyRegisterEvent { registerEvent(SQLRow(e)) }
    static func annexEntry(_ a: Row) -> FamilyRegisterAnnexEntry { annexEntry(SQLRow(a)) }
}

extension RegistryRepository {
    /// A seal registration by its number (for printing the registered 印影).
    static func seal(_ s: any SQLSession, registrationNumber: String) throws -> SealRegistration? {
        try s.row("SELECT * FROM sealRegistration WHERE registrationNumber = ?", registrationNumber).map(Rows.seal)
    }

    /// Everything a certificate for `request` is made from, read inside the issuing transaction, on either engine.
    static func certificateSource(_ s: any SQLSession, _ request: CertificateRequest) throws -> CertificateSource? {
        guard let row = try s.row("SELECT * FROM resident WHERE id = ?", request.subjectId) else { return nil }
        let subject = resident(row)
        guard let subjectId = subject.id, let householdRow = try s.row("SELECT * FROM household WHERE id = ?", subject.householdId)
        else { return nil }
        let household = Rows.household(householdRow)
        let members = try s.rows(
            """
            SELECT * FROM resident WHERE householdId = ? AND removedOn IS NULL
            ORDER BY relationship <> 'householder', birthDate, id
            """, subject.householdId
        ).map(resident)
        let seal = try s.row("SELECT * FROM sealRegistration WHERE residentId = ? AND abolishedOn IS NULL", subjectId).map(Rows.seal)
        let tax = try request.options.fiscalYear.flatMap { year in
            try s.row("SELECT * FROM taxAssessment WHERE residentId = ? AND fiscalYear = ?", subjectId, year.startYear).map(Rows.tax)
        }
        var register: FamilyRegister?
        var registerMembers: [FamilyRegisterMember] = []
        var events: [FamilyRegisterEvent] = []
        var annex: [FamilyRegisterAnnexEntry] = []
        if request.kind.isFamilyRegister,
            let registerId = try s.scalar(
                "SELECT familyRegisterId FROM familyRegisterMember WHERE residentId = ? ORDER BY leftOn IS NOT NULL, id LIMIT 1",
                arguments: [subjectId], as: Int64.self)
        {
            register = try s.row("SELECT * FROM familyRegister WHERE id = ?", registerId).map(Rows.register)
            registerMembers = try s.rows("SELECT * FROM familyRegisterMember WHERE familyRegisterId = ? ORDER BY id", registerId)
                .map(Rows.registerMember)
            events = try s.rows("SELECT * FROM familyRegisterEvent WHERE familyRegisterId = ? ORDER BY occurredOn, id", registerId)
                .map(Rows.registerEvent)
            annex = try s.rows(
                """
                SELECT a.* FROM familyRegisterAnnexEntry a JOIN familyRegisterMember m ON m.id = a.memberId
                WHERE m.familyRegisterId = ? ORDER BY m.id, a.since
                """, registerId
            ).map(Rows.annexEntry)
        }
        return CertificateSource(
            subject: subject, household: household, members: members, removal: Rows.removal(row, residentId: subjectId),
            seal: seal, sealImageDigest: seal.map { Ledger.sha256(Data($0.sealImage)) }, tax: tax, register: register,
            registerMembers: registerMembers, registerEvents: events, annex: annex)
    }
}
