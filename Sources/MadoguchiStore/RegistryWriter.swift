import Foundation
import GRDB
import MadoguchiDomain

/// One registry row ready to insert: its statement and values, checked by the domain and with its search keys folded.
/// It can be made on any thread (the demo's generator makes them beside the thread that writes).
public struct RegistryRow: Sendable {
    let sql: String
    let values: [SQLValue]

    init(_ sql: String, _ arguments: [any SQLBindable]) {
        self.sql = sql
        self.values = arguments.map(\.sqlValue)
    }
}

/// Inserts registry records inside one open write transaction, through cached prepared statements
/// (the demo generator and the CSV import write millions of rows through here).
///
/// Every record is validated by the domain first; the schema's constraints then stand behind it.
public struct RegistryWriter {
    let db: any SQLSession

    init(_ db: Database) { self.db = GRDBSession(db: db) }

    init(_ session: any SQLSession) { self.db = session }

    /// The id the next row of one of the registry's tables gets (its largest id plus one), for a bulk load that
    /// plans its rows' ids before writing them.
    public func nextRowId(_ table: String) throws -> Int64 {
        guard RegistryRepository.bulkTables.contains(table) else {
            throw MadoguchiError(.notFound, ja: "登録簿の表ではありません: \(table)", en: "Not a registry table: \(table)")
        }
        return try db.scalar("SELECT coalesce(max(id), 0) + 1 FROM \(table)", as: Int64.self) ?? 1
    }

    public func setMeta(_ key: String, _ value: String) throws {
        try db.execute("INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value", key, value)
    }

    /// Writes a row made by one of the `row` functions.
    @discardableResult
    public func insert(_ row: RegistryRow) throws -> Int64 {
        try db.insert(row.sql, row.values)
    }

    /// The row of a Household.
    public static func row(_ h: Household) -> RegistryRow {
        RegistryRow(
            """
            INSERT INTO household (prefecture, municipality, ward, town, block, building, formedOn)
            VALUES (?, ?, ?, ?, ?, ?, ?)
            """,
            [h.address.prefecture, h.address.municipality, h.address.ward, h.address.town, h.address.block,
             h.address.building, h.formedOn.description])
    }

    @discardableResult
    public func insert(_ h: Household) throws -> Int64 { try insert(Self.row(h)) }

    /// The row of a Resident, checked by the domain.
    public static func row(_ r: Resident) throws -> RegistryRow {
        try r.validate()
        return RegistryRow(
            """
            INSERT INTO resident (householdId, familyName, givenName, familyNameKana, givenNameKana,
              formerFamilyName, formerFamilyNameKana, searchName, searchKana, birthDate, sex, relationship,
              permanentDomicile, domicileHead, becameResidentOn, addressSetOn, notifiedOn, previousAddress,
              individualNumber, residentRecordCode)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """,
            [r.householdId, r.name.family, r.name.given, r.name.familyKana, r.name.givenKana,
             r.formerFamilyName, r.formerFamilyNameKana, NameFolding.searchKey(r.name.family + r.name.given),
             NameFolding.kanaKey(r.name.familyKana + r.name.givenKana), r.birthDate.description, r.sex.rawValue,
             r.relationship.rawValue, r.permanentDomicile, r.domicileHead, r.becameResidentOn.description,
             r.addressSetOn.description, r.notifiedOn.description, r.previousAddress, r.individualNumber,
             r.residentRecordCode])
    }

    @discardableResult
    public func insert(_ r: Resident) throws -> Int64 { try insert(try Self.row(r)) }

    /// The row of a ResidentMovement.
    public static func row(_ m: ResidentMovement) -> RegistryRow {
        RegistryRow(
            """
            INSERT INTO residentMovement (residentId, kind, occurredOn, notifiedOn, fromAddress, toAddress)
            VALUES (?, ?, ?, ?, ?, ?)
            """,
            [m.residentId, m.kind.rawValue, m.occurredOn.description, m.notifiedOn.description, m.fromAddress,
             m.toAddress])
    }

    @discardableResult
    public func insert(_ m: ResidentMovement) throws -> Int64 { try insert(Self.row(m)) }

    /// The row of a SealRegistration.
    public static func row(_ s: SealRegistration) -> RegistryRow {
        RegistryRow(
            """
            INSERT INTO sealRegistration (residentId, registrationNumber, registeredOn, sealImage, sealImageType, abolishedOn)
            VALUES (?, ?, ?, ?, ?, ?)
            """,
            [s.residentId, s.registrationNumber, s.registeredOn.description, Data(s.sealImage), s.sealImageType,
             s.abolishedOn?.description])
    }

    @discardableResult
    public func insert(_ s: SealRegistration) throws -> Int64 { try insert(Self.row(s)) }

    /// The row of a TaxAssessment.
    public static func row(_ t: TaxAssessment) -> RegistryRow {
        RegistryRow(
            """
            INSERT INTO taxAssessment (residentId, fiscalYear, grossIncome, totalIncome, taxableIncome,
              municipalTax, prefecturalTax) VALUES (?, ?, ?, ?, ?, ?, ?)
            """,
            [t.residentId, t.fiscalYear.startYear, t.grossIncome, t.totalIncome, t.taxableIncome, t.municipalTax,
             t.prefecturalTax])
    }

    @discardableResult
    public func insert(_ t: TaxAssessment) throws -> Int64 { try insert(Self.row(t)) }

    /// The row of a FamilyRegister.
    public static func row(_ f: FamilyRegister) -> RegistryRow {
        RegistryRow(
            "INSERT INTO familyRegister (permanentDomicile, headName, createdOn) VALUES (?, ?, ?)",
            [f.permanentDomicile, f.headName, f.createdOn.description])
    }

    @discardableResult
    public func insert(_ f: FamilyRegister) throws -> Int64 { try insert(Self.row(f)) }

    /// The row of a FamilyRegisterMember.
    public static func row(_ m: FamilyRegisterMember) -> RegistryRow {
        RegistryRow(
            """
            INSERT INTO familyRegisterMember (familyRegisterId, residentId, familyName, givenName, familyNameKana,
              givenNameKana, birthDate, sex, relationship, fatherName, motherName, leftOn)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """,
            [m.familyRegisterId, m.residentId, m.name.family, m.name.given, m.name.familyKana, m.name.givenKana,
             m.birthDate.description, m.sex.rawValue, m.relationship, m.fatherName, m.motherName,
             m.leftOn?.description])
    }

    @discardableResult
    public func insert(_ m: FamilyRegisterMember) throws -> Int64 { try insert(Self.row(m)) }

    /// The row of a FamilyRegisterEvent.
    public static func row(_ e: FamilyRegisterEvent) -> RegistryRow {
        RegistryRow(
            "INSERT INTO familyRegisterEvent (familyRegisterId, memberId, kind, occurredOn, detail) VALUES (?, ?, ?, ?, ?)",
            [e.familyRegisterId, e.memberId, e.kind.rawValue, e.occurredOn.description, e.detail])
    }

    @discardableResult
    public func insert(_ e: FamilyRegisterEvent) throws -> Int64 { try insert(Self.row(e)) }

    /// The row of a FamilyRegisterAnnexEntry.
    public static func row(_ a: FamilyRegisterAnnexEntry) -> RegistryRow {
        RegistryRow(
            "INSERT INTO familyRegisterAnnexEntry (memberId, address, since) VALUES (?, ?, ?)",
            [a.memberId, a.address, a.since.description])
    }

    @discardableResult
    public func insert(_ a: FamilyRegisterAnnexEntry) throws -> Int64 { try insert(Self.row(a)) }

    /// The row of a SupportMeasure.
    public static func row(_ s: SupportMeasure) -> RegistryRow {
        RegistryRow(
            """
            INSERT INTO supportMeasure (subjectId, otherPartyName, otherPartyBirthDate, otherPartyResidentId,
              termStart, termEnd) VALUES (?, ?, ?, ?, ?, ?)
            """,
            [s.subjectId, s.otherPartyName, s.otherPartyBirthDate?.description, s.otherPartyResidentId,
             s.termStart.description, s.termEnd.description])
    }

    @discardableResult
    public func insert(_ s: SupportMeasure) throws -> Int64 { try insert(Self.row(s)) }

    /// The row of a HolderNotificationRegistration.
    public static func row(_ h: HolderNotificationRegistration) -> RegistryRow {
        RegistryRow(
            "INSERT INTO holderNotificationRegistration (residentId, registeredOn, endedOn) VALUES (?, ?, ?)",
            [h.residentId, h.registeredOn.description, h.endedOn?.description])
    }

    @discardableResult
    public func insert(_ h: HolderNotificationRegistration) throws -> Int64 { try insert(Self.row(h)) }

    /// Makes a 住民票 a 除票.
    public func remove(_ record: RemovedRecord) throws {
        let changed = try db.execute(
            """
            UPDATE resident SET removedOn = ?, removalReason = ?, removalDestination = ?
            WHERE id = ? AND removedOn IS NULL
            """,
            record.removedOn.description, record.reason.rawValue, record.destination, record.residentId)
        guard changed == 1 else {
            throw MadoguchiError(
                .notFound, ja: "消除できる住民票がありません（ID \(record.residentId)）",
                en: "No current resident record \(record.residentId) to remove")
        }
        // Death ends the person's 利用者証明用電子証明書 (公的個人認証法: 住民票が消除されたとき失効する), in this
        // same transaction: from then on no store prints anything on that card. The reason is kept for the CRL.
        if record.reason == .died {
            try db.execute(
                "UPDATE card SET revokedAt = ?, revocationReason = ? WHERE residentId = ? AND revokedAt IS NULL",
                "\(record.removedOn.description)T00:00:00.000+09:00", RevocationReason.cessationOfOperation.rawValue, record.residentId)
        }
    }

    /// A current resident, by 住民票コード, with their household's address (for the 異動 feed's changes).
    public func currentResident(code: String) throws -> (id: Int64, householdId: Int64, address: String)? {
        guard let row = try db.row(
            """
            SELECT r.id, r.householdId, h.prefecture, h.municipality, h.ward, h.town, h.block, h.building
            FROM resident r JOIN household h ON h.id = r.householdId WHERE r.residentRecordCode = ? AND r.removedOn IS NULL
            """, code)
        else { return nil }
        let address = Address(
            prefecture: row["prefecture"], municipality: row["municipality"], ward: row["ward"], town: row["town"], block: row["block"],
            building: row["building"])
        return (row["id"], row["householdId"], address.description)
    }

    /// 転居: the resident now lives in `householdId`, with its 続柄 there, the day the address was set and the address before.
    public func move(_ residentId: Int64, to householdId: Int64, relationship: Relationship, addressSetOn: CivilDate,
                     notifiedOn: CivilDate, previousAddress: String) throws {
        let changed = try db.execute(
            """
            UPDATE resident SET householdId = ?, relationship = ?, addressSetOn = ?, notifiedOn = ?, previousAddress = ?
            WHERE id = ? AND removedOn IS NULL
            """,
            householdId, relationship.rawValue, addressSetOn.description, notifiedOn.description, previousAddress, residentId)
        guard changed == 1 else {
            throw MadoguchiError(.notFound, ja: "転居できる住民票がありません（ID \(residentId)）", en: "No current resident \(residentId) to move")
        }
    }

    /// 氏名の変更: the name as now registered, and its search keys.
    public func rename(_ residentId: Int64, to name: PersonName) throws {
        guard Kana.isKatakanaReading(name.familyKana), Kana.isKatakanaReading(name.givenKana), !name.family.isEmpty, !name.given.isEmpty
        else {
            throw MadoguchiError(.invalidResident, ja: "氏名と振り仮名（カタカナ）を入力してください", en: "A name and its katakana reading are required")
        }
        let changed = try db.execute(
            """
            UPDATE resident SET familyName = ?, givenName = ?, familyNameKana = ?, givenNameKana = ?, searchName = ?, searchKana = ?
            WHERE id = ? AND removedOn IS NULL
            """,
            name.family, name.given, name.familyKana, name.givenKana, NameFolding.searchKey(name.family + name.given),
            NameFolding.kanaKey(name.familyKana + name.givenKana), residentId)
        guard changed == 1 else {
            throw MadoguchiError(.notFound, ja: "氏名を変更できる住民票がありません（ID \(residentId)）", en: "No current resident \(residentId) to rename")
        }
    }

    /// An assessment as the tax system sends it: a year already held is replaced (更正).
    public func upsert(_ t: TaxAssessment) throws {
        try db.execute(
            """
            INSERT INTO taxAssessment (residentId, fiscalYear, grossIncome, totalIncome, taxableIncome, municipalTax, prefecturalTax)
            VALUES (?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (residentId, fiscalYear) DO UPDATE SET grossIncome = excluded.grossIncome, totalIncome = excluded.totalIncome,
              taxableIncome = excluded.taxableIncome, municipalTax = excluded.municipalTax, prefecturalTax = excluded.prefecturalTax
            """,
            arguments: [t.residentId, t.fiscalYear.startYear, t.grossIncome, t.totalIncome, t.taxableIncome, t.municipalTax, t.prefecturalTax])
    }

    public func upsert(_ f: Facility) throws {
        try db.execute(
            """
            INSERT INTO facility (id, kind, name, ward, prefecture, municipality, addressWard, town, block, building,
              openedOn, closedOn) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT(id) DO UPDATE SET kind = excluded.kind, name = excluded.name, ward = excluded.ward,
              prefecture = excluded.prefecture, municipality = excluded.municipality,
              addressWard = excluded.addressWard, town = excluded.town, block = excluded.block,
              building = excluded.building, openedOn = excluded.openedOn, closedOn = excluded.closedOn
            """,
            arguments: [f.id, f.kind.rawValue, f.name, f.ward, f.address.prefecture, f.address.municipality, f.address.ward,
             f.address.town, f.address.block, f.address.building, f.openedOn.description, f.closedOn?.description])
    }
}
