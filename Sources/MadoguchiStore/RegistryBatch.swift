import Foundation
import GRDB
import GRDBSQLite
import MadoguchiDomain

/// The registry's tables that records are inserted into, each with its one insert statement.
public enum RegistryTable: Int, CaseIterable, Sendable {
    case household, resident, movement, seal, tax, register, member, event, annex, support, holder

    public var name: String {
        switch self {
        case .household: "household"
        case .resident: "resident"
        case .movement: "residentMovement"
        case .seal: "sealRegistration"
        case .tax: "taxAssessment"
        case .register: "familyRegister"
        case .member: "familyRegisterMember"
        case .event: "familyRegisterEvent"
        case .annex: "familyRegisterAnnexEntry"
        case .support: "supportMeasure"
        case .holder: "holderNotificationRegistration"
        }
    }

    /// The columns a record fills, in the order ``RegistryBatch`` packs its values.
    var columns: [String] {
        switch self {
        case .household: ["prefecture", "municipality", "ward", "town", "block", "building", "formedOn"]
        case .resident:
            ["householdId", "familyName", "givenName", "familyNameKana", "givenNameKana", "formerFamilyName",
             "formerFamilyNameKana", "searchName", "searchKana", "birthDate", "sex", "relationship", "permanentDomicile",
             "domicileHead", "becameResidentOn", "addressSetOn", "notifiedOn", "previousAddress", "individualNumber",
             "residentRecordCode"]
        case .movement: ["residentId", "kind", "occurredOn", "notifiedOn", "fromAddress", "toAddress"]
        case .seal: ["residentId", "registrationNumber", "registeredOn", "sealImage", "sealImageType", "abolishedOn"]
        case .tax:
            ["residentId", "fiscalYear", "grossIncome", "totalIncome", "taxableIncome", "municipalTax", "prefecturalTax"]
        case .register: ["permanentDomicile", "headName", "createdOn"]
        case .member:
            ["familyRegisterId", "residentId", "familyName", "givenName", "familyNameKana", "givenNameKana", "birthDate",
             "sex", "relationship", "fatherName", "motherName", "leftOn"]
        case .event: ["familyRegisterId", "memberId", "kind", "occurredOn", "detail"]
        case .annex: ["memberId", "address", "since"]
        case .support:
            ["subjectId", "otherPartyName", "otherPartyBirthDate", "otherPartyResidentId", "termStart", "termEnd"]
        case .holder: ["residentId", "registeredOn", "endedOn"]
        }
    }

    /// `INSERT INTO table (columns) VALUES (?, …)`, the same text on both engines.
    var insertSQL: String { Self.statements[rawValue] }

    /// The insert of `rows` rows at once (`VALUES (?, …), (?, …)`).
    func insertSQL(rows: Int) -> String {
        if rows == 1 { return insertSQL }
        if rows == GRDBSession.rowsPerInsert { return Self.chunkStatements[rawValue] }
        return Self.statement(self, rows: rows)
    }

    /// The order a bulk load writes the tables in: every table after the tables its rows refer to.
    static let loadOrder: [RegistryTable] = [
        .household, .resident, .movement, .seal, .tax, .holder, .support, .register, .member, .event, .annex,
    ]

    private static func statement(_ table: RegistryTable, rows: Int) -> String {
        let marks = "(" + Array(repeating: "?", count: table.columns.count).joined(separator: ", ") + ")"
        let values = Array(repeating: marks, count: rows).joined(separator: ", ")
        return "INSERT INTO \(table.name) (\(table.columns.joined(separator: ", "))) VALUES \(values)"
    }

    private static let statements: [String] = allCases.map { statement($0, rows: 1) }
    private static let chunkStatements: [String] = allCases.map { statement($0, rows: GRDBSession.rowsPerInsert) }
}

/// Registry records checked by the domain, with their search keys folded, packed into a few flat arrays: one byte
/// buffer for every text and blob, one tag and one number per value.
///
/// The demo city's generator makes a batch on its own thread while another thread writes the one before. Packed,
/// a batch is a handful of allocations however many rows it holds, so the writing thread neither frees thousands of
/// strings the other thread allocated nor converts values: on SQLite it binds each text straight from the buffer
/// (``RegistryWriter/write(_:expected:)``). A batch holds no ids of its own; rows refer to each other by the ids the
/// caller planned (``NextRowIds``).
public struct RegistryBatch: Sendable {
    /// One step of the batch, in order: a row into a table, or a 住民票 made a 除票 (index into `removals`).
    enum Step {
        case insert(RegistryTable)
        case remove(Int)
    }

    enum Tag: UInt8 { case null, integer, text, blob }

    private(set) var steps: [Step] = []
    private(set) var removals: [RemovedRecord] = []
    /// One per value, in the order of the steps' columns.
    private(set) var tags: [Tag] = []
    /// An integer, or a text's or blob's place in `bytes` (offset in the high 32 bits, length in the low 32).
    private(set) var numbers: [Int64] = []
    /// Every text's UTF-8 and every blob, back to back. Never empty, so its base address is never nil.
    private(set) var bytes: [UInt8] = [0]

    public init(capacity rows: Int = 0) {
        steps.reserveCapacity(rows)
        tags.reserveCapacity(rows * 10)
        numbers.reserveCapacity(rows * 10)
        bytes.reserveCapacity(rows * 120)
    }

    /// Rows to insert (removals not counted).
    public var rowCount: Int { steps.count - removals.count }

    // MARK: Values

    private mutating func int(_ value: Int64) {
        tags.append(.integer)
        numbers.append(value)
    }

    private mutating func int(_ value: Int64?) {
        if let value { int(value) } else { null() }
    }

    private mutating func null() {
        tags.append(.null)
        numbers.append(0)
    }

    private mutating func place(_ tag: Tag, start: Int) {
        tags.append(tag)
        numbers.append(Int64(start) << 32 | Int64(bytes.count - start))
    }

    private mutating func text(_ value: String) {
        let start = bytes.count
        var value = value
        value.withUTF8 { bytes.append(contentsOf: $0) }
        place(.text, start: start)
    }

    private mutating func text(_ value: String?) {
        if let value { text(value) } else { null() }
    }

    /// A date as SQLite and PostgreSQL store it, `YYYY-MM-DD`, written without making a String.
    private mutating func date(_ value: CivilDate) {
        guard (0...9999).contains(value.year) else { return text(value.description) }
        let start = bytes.count
        func digits(_ n: Int, _ count: Int) {
            var divisor = 1
            for _ in 1..<count { divisor *= 10 }
            while divisor > 0 {
                bytes.append(UInt8(ascii: "0") + UInt8(n / divisor % 10))
                divisor /= 10
            }
        }
        digits(value.year, 4)
        bytes.append(UInt8(ascii: "-"))
        digits(value.month, 2)
        bytes.append(UInt8(ascii: "-"))
        digits(value.day, 2)
        place(.text, start: start)
    }

    private mutating func date(_ value: CivilDate?) {
        if let value { date(value) } else { null() }
    }

    private mutating func blob(_ value: [UInt8]) {
        let start = bytes.count
        bytes.append(contentsOf: value)
        place(.blob, start: start)
    }

    private mutating func row(_ table: RegistryTable) { steps.append(.insert(table)) }

    // MARK: Records

    public mutating func append(_ h: Household) {
        row(.household)
        text(h.address.prefecture); text(h.address.municipality); text(h.address.ward); text(h.address.town)
        text(h.address.block); text(h.address.building); date(h.formedOn)
    }

    /// A Resident, checked by the domain first (nothing is appended when it is refused).
    public mutating func append(_ r: Resident) throws {
        try r.validate()
        row(.resident)
        int(r.householdId)
        text(r.name.family); text(r.name.given); text(r.name.familyKana); text(r.name.givenKana)
        text(r.formerFamilyName); text(r.formerFamilyNameKana)
        text(NameFolding.searchKey(r.name.family + r.name.given))
        text(NameFolding.kanaKey(r.name.familyKana + r.name.givenKana))
        date(r.birthDate); text(r.sex.rawValue); text(r.relationship.rawValue)
        text(r.permanentDomicile); text(r.domicileHead)
        date(r.becameResidentOn); date(r.addressSetOn); date(r.notifiedOn); text(r.previousAddress)
        text(r.individualNumber); text(r.residentRecordCode)
    }

    public mutating func append(_ m: ResidentMovement) {
        row(.movement)
        int(m.residentId); text(m.kind.rawValue); date(m.occurredOn); date(m.notifiedOn); text(m.fromAddress)
        text(m.toAddress)
    }

    public mutating func append(_ s: SealRegistration) {
        row(.seal)
        int(s.residentId); text(s.registrationNumber); date(s.registeredOn); blob(s.sealImage); text(s.sealImageType)
        date(s.abolishedOn)
    }

    public mutating func append(_ t: TaxAssessment) {
        row(.tax)
        int(Int64(t.residentId)); int(Int64(t.fiscalYear.startYear)); int(Int64(t.grossIncome))
        int(Int64(t.totalIncome)); int(Int64(t.taxableIncome)); int(Int64(t.municipalTax))
        int(Int64(t.prefecturalTax))
    }

    public mutating func append(_ f: FamilyRegister) {
        row(.register)
        text(f.permanentDomicile); text(f.headName); date(f.createdOn)
    }

    public mutating func append(_ m: FamilyRegisterMember) {
        row(.member)
        int(m.familyRegisterId); int(m.residentId)
        text(m.name.family); text(m.name.given); text(m.name.familyKana); text(m.name.givenKana)
        date(m.birthDate); text(m.sex.rawValue); text(m.relationship); text(m.fatherName); text(m.motherName)
        date(m.leftOn)
    }

    public mutating func append(_ e: FamilyRegisterEvent) {
        row(.event)
        int(e.familyRegisterId); int(e.memberId); text(e.kind.rawValue); date(e.occurredOn); text(e.detail)
    }

    public mutating func append(_ a: FamilyRegisterAnnexEntry) {
        row(.annex)
        int(a.memberId); text(a.address); date(a.since)
    }

    public mutating func append(_ s: SupportMeasure) {
        row(.support)
        int(s.subjectId); text(s.otherPartyName); date(s.otherPartyBirthDate); int(s.otherPartyResidentId)
        date(s.termStart); date(s.termEnd)
    }

    public mutating func append(_ h: HolderNotificationRegistration) {
        row(.holder)
        int(h.residentId); date(h.registeredOn); date(h.endedOn)
    }

    /// Makes a current 住民票 a 除票, in its place among the rows.
    public mutating func remove(_ record: RemovedRecord) {
        steps.append(.remove(removals.count))
        removals.append(record)
    }

    // MARK: Reading back

    /// Value `index` as the engine-neutral value (the path of engines that do not bind from the buffer).
    func value(_ index: Int) -> SQLValue {
        let n = numbers[index]
        switch tags[index] {
        case .null: return .null
        case .integer: return .integer(n)
        case .text: return .text(String(decoding: bytes[Self.range(n)], as: UTF8.self))
        case .blob: return .blob(Data(bytes[Self.range(n)]))
        }
    }

    static func range(_ place: Int64) -> Range<Int> {
        let start = Int(place >> 32)
        return start..<(start + Int(place & 0xFFFF_FFFF))
    }
}

extension GRDBSession {
    /// Rows a multi-row insert writes at once: one statement for 16 rows runs SQLite's statement setup and reset once
    /// instead of 16 times.
    static let rowsPerInsert = 16

    /// Writes a batch through each table's prepared statements, binding texts and blobs in place (`SQLITE_STATIC`:
    /// SQLite neither copies them nor frees them); the bindings are cleared before the buffer goes away.
    ///
    /// The rows go table by table in the order the tables refer to each other (``RegistryTable/loadOrder``: a row's
    /// household, person or register is always written before it), each table's rows in the order appended and 16 a
    /// statement where there are that many, and the 除票 changes right after the residents. Each table's ids are
    /// then those a row-at-a-time write in the appended order would give: a SQLite `INTEGER PRIMARY KEY` takes the
    /// largest id plus one, so the rows of one statement get consecutive ids ending at the last inserted one.
    func write(
        _ batch: RegistryBatch, remove: (RemovedRecord) throws -> Void, inserted: (RegistryTable, Int64) throws -> Void
    ) throws {
        let chunk = Self.rowsPerInsert
        // Each table's rows: the index of their first value.
        var starts = [[Int]](repeating: [], count: RegistryTable.allCases.count)
        var removals: [Int] = []
        var value = 0
        for step in batch.steps {
            switch step {
            case .insert(let table):
                starts[table.rawValue].append(value)
                value += table.columns.count
            case .remove(let index):
                removals.append(index)
            }
        }
        var handles = [SQLiteStatement?](repeating: nil, count: RegistryTable.allCases.count * 2)
        func handle(_ table: RegistryTable, rows: Int) throws -> SQLiteStatement {
            let slot = table.rawValue * 2 + (rows == 1 ? 0 : 1)
            if let h = handles[slot] { return h }
            let sql = table.insertSQL(rows: rows)
            let h = try db.cachedStatement(sql: sql).sqliteStatement
            guard Int(sqlite3_bind_parameter_count(h)) == table.columns.count * rows else {
                throw error(SQLITE_MISUSE, sql: sql, message: "wrong number of statement arguments")
            }
            sqlite3_reset(h)
            handles[slot] = h
            return h
        }
        try batch.bytes.withUnsafeBufferPointer { buffer in
            // The statements stay in GRDB's cache: none may keep a pointer into the buffer once this closure ends.
            defer {
                for h in handles { if let h { sqlite3_reset(h); sqlite3_clear_bindings(h) } }
            }
            let base = UnsafeRawPointer(buffer.baseAddress!)
            for table in RegistryTable.loadOrder {
                let rows = starts[table.rawValue]
                let columns = table.columns.count
                var next = 0
                while next < rows.count {
                    let count = rows.count - next >= chunk ? chunk : 1
                    let h = try handle(table, rows: count)
                    var parameter: CInt = 1
                    for row in rows[next..<(next + count)] {
                        for value in row..<(row + columns) {
                            let n = batch.numbers[value]
                            let code: CInt
                            switch batch.tags[value] {
                            case .null: code = sqlite3_bind_null(h, parameter)
                            case .integer: code = sqlite3_bind_int64(h, parameter, n)
                            case .text:
                                code = sqlite3_bind_text(
                                    h, parameter, (base + Int(n >> 32)).assumingMemoryBound(to: CChar.self),
                                    CInt(truncatingIfNeeded: n & 0xFFFF_FFFF), nil)
                            case .blob:
                                code = sqlite3_bind_blob(
                                    h, parameter, base + Int(n >> 32), CInt(truncatingIfNeeded: n & 0xFFFF_FFFF), nil)
                            }
                            guard code == SQLITE_OK else { throw error(code, sql: table.insertSQL(rows: count)) }
                            parameter += 1
                        }
                    }
                    let code = sqlite3_step(h)
                    guard code == SQLITE_DONE else {
                        let failure = error(code, sql: table.insertSQL(rows: count))
                        sqlite3_reset(h)
                        throw failure
                    }
                    sqlite3_reset(h)
                    let last = db.lastInsertedRowID
                    for k in 0..<count { try inserted(table, last - Int64(count - 1 - k)) }
                    next += count
                }
                if table == .resident {
                    for index in removals { try remove(batch.removals[index]) }
                }
            }
        }
    }
}

/// The next row id of each registry table. A SQLite table whose key is `INTEGER PRIMARY KEY` gives a new row the
/// largest id plus one, so inside one write transaction the ids of rows written in order can be known in advance.
public struct NextRowIds: Sendable, Equatable {
    private var ids: [Int64]

    /// The ids the next rows will get, read inside the load's transaction.
    public init(_ w: RegistryWriter) throws {
        ids = try RegistryTable.allCases.map { try w.nextRowId($0.name) }
    }

    public subscript(_ table: RegistryTable) -> Int64 {
        get { ids[table.rawValue] }
        set { ids[table.rawValue] = newValue }
    }

    /// The next id of `table`, counted as used.
    public mutating func take(_ table: RegistryTable) -> Int64 {
        defer { self[table] += 1 }
        return self[table]
    }
}

extension MadoguchiError.Code {
    public static let bulkLoadOutOfStep = Self("demo.bulkLoadOutOfStep")
}
