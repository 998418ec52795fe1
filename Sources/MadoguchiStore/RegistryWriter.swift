import Foundation
import GRDB
import MadoguchiDomain

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

    /// Writes a batch's steps in order and hands each inserted row's table and new id to `inserted`. On SQLite every
    /// value is bound straight from the batch's buffer into the table's prepared statement; on PostgreSQL each row
    /// is an insert of its values.
    public func write(_ batch: RegistryBatch, inserted: (RegistryTable, Int64) throws -> Void) throws {
        if let sqlite = db as? GRDBSession {
            return try sqlite.write(batch, remove: remove, inserted: inserted)
        }
        var next = 0
        for step in batch.steps {
            switch step {
            case .remove(let index):
                try remove(batch.removals[index])
            case .insert(let table):
                let count = table.columns.count
                let values = (next..<(next + count)).map(batch.value)
                next += count
                try inserted(table, try db.insert(table.insertSQL, values))
            }
        }
    }

    /// Writes a batch whose rows' ids were planned: every id the database gives must be the next one of `expected`,
    /// or the load stops (and its transaction rolls back) before a row is linked to the wrong person.
    public func write(_ batch: RegistryBatch, expected: inout NextRowIds) throws {
        try write(batch) { table, id in
            guard id == expected.take(table) else {
                throw MadoguchiError(
                    .bulkLoadOutOfStep, ja: "一括登録の行番号が計画と一致しません（\(table.name) \(id)）",
                    en: "A bulk load's row id \(id) in \(table.name) is not the one planned")
            }
        }
    }

    /// Inserts the one row of `batch` and returns its id.
    private func insertOne(_ batch: RegistryBatch) throws -> Int64 {
        var id: Int64 = 0
        try write(batch) { _, new in id = new }
        return id
    }

    @discardableResult
    public func insert(_ h: Household) throws -> Int64 {
        var b = RegistryBatch(); b.append(h); return try insertOne(b)
    }

    /// Inserts a Resident, checked by the domain.
    @discardableResult
    public func insert(_ r: Resident) throws -> Int64 {
        var b = RegistryBatch(); try b.append(r); return try insertOne(b)
    }

    @discardableResult
    public func insert(_ m: ResidentMovement) throws -> Int64 {
        var b = RegistryBatch(); b.append(m); return try insertOne(b)
    }

    @discardableResult
    public func insert(_ s: SealRegistration) throws -> Int64 {
        var b = RegistryBatch(); b.append(s); return try insertOne(b)
    }

    @discardableResult
    public func insert(_ t: TaxAssessment) throws -> Int64 {
        var b = RegistryBatch(); b.append(t); return try insertOne(b)
    }

    @discardableResult
    public func insert(_ f: FamilyRegister) throws -> Int64 {
        var b = RegistryBatch(); b.append(f); return try insertOne(b)
    }

    @discardableResult
    public func insert(_ m: FamilyRegisterMember) throws -> Int64 {
        var b = RegistryBatch(); b.append(m); return try insertOne(b)
    }

    @discardableResult
    public func insert(_ e: FamilyRegisterEvent) throws -> Int64 {
        var b = RegistryBatch(); b.append(e); return try insertOne(b)
    }

    @discardableResult
    public func insert(_ a: FamilyRegisterAnnexEntry) throws -> Int64 {
        var b = RegistryBatch(); b.append(a); return try insertOne(b)
    }

    @discardableResult
    public func insert(_ s: SupportMeasure) throws -> Int64 {
        var b = RegistryBatch(); b.append(s); return try insertOne(b)
    }

    @discardableResult
    public func insert(_ h: HolderNotificationRegistration) throws -> Int64 {
        var b = RegistryBatch(); b.append(h); return try insertOne(b)
    }

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

    public func upsert(_ f: Facility) throws { try FacilityRows.upsert(db, f) }

    /// A facility's event, recorded as given: the caller has checked the history (`FacilityHistory`).
    public func record(_ event: FacilityEvent, at: String, by actor: String) throws {
        try FacilityRows.insert(db, event, at: at, by: actor)
    }

    /// A facility's regular hours from a day on, recorded as given.
    public func record(_ hours: HoursPeriod, at: String, by actor: String) throws { try FacilityRows.insert(db, hours, at: at, by: actor) }

    /// Where a 町丁目 is (replacing what was recorded for it).
    public func setLocation(_ town: TownKey, _ point: GeoPoint) throws {
        try db.execute(
            """
            INSERT INTO townLocation (ward, town, latitude, longitude) VALUES (?, ?, ?, ?)
            ON CONFLICT (ward, town) DO UPDATE SET latitude = excluded.latitude, longitude = excluded.longitude
            """, town.ward, town.town, point.latitude, point.longitude)
    }

    /// A one-off day, recorded as given.
    public func record(_ day: DayException, at: String, by actor: String) throws { try FacilityRows.insert(db, day, at: at, by: actor) }

    /// A counter window and the lines it serves, with its log entry.
    public func configure(_ window: QueueWindow, at: Date, by actor: String) throws {
        var change = QueueChange()
        change.windows = [WindowLogEntry(window: window, change: .configured, at: at, actor: actor)]
        try QueueRows.write(db, change)
    }

    /// A facility's hourly ticket counts from before its tickets here (see `QueueStore.recordArrivalHistory`).
    public func recordArrivalHistory(facilityId: String, _ counts: [ArrivalCount], source: String, at: Date) throws {
        try QueueRows.recordArrivalHistory(db, facilityId: facilityId, counts, source: source, at: at)
    }

    /// Places' certificates and costs for fiscal years (see `ServiceFiguresStore.record`).
    public func recordServiceFigures(_ figures: [AnnualServiceFigures], source: String, at: Date) throws {
        try ServiceFigureRows.record(db, figures, source: source, at: at)
    }
}
