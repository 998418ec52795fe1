import MadoguchiDomain
import MadoguchiStore

/// Imports residents exported by a core 住民記録 system as CSV with a header row.
///
/// Columns (Japanese or English header names, any order):
/// 世帯番号 householdKey, 氏 familyName, 名 givenName, 氏カナ familyNameKana, 名カナ givenNameKana,
/// 旧氏 formerFamilyName, 旧氏カナ formerFamilyNameKana, 生年月日 birthDate, 性別 sex, 続柄 relationship,
/// 本籍 permanentDomicile, 筆頭者 domicileHead, 住民となった年月日 becameResidentOn, 住所を定めた年月日 addressSetOn,
/// 届出日 notifiedOn, 従前の住所 previousAddress, 個人番号 individualNumber, 住民票コード residentRecordCode,
/// 都道府県 prefecture, 市区町村 municipality, 区 ward, 町丁目 town, 番地 block, 方書 building.
///
/// Rows sharing a 世帯番号 form one household (its address is the first row's). Dates may be written in
/// 西暦 or 和暦. A file with any bad row imports nothing unless `skipBad` is set; the good rows then go
/// in one transaction.
public struct ResidentImporter {
    public typealias RowError = ImportRowError

    public struct Result: Sendable {
        public var encoding: TextEncoding
        public var rows: Int
        public var imported: Int
        public var households: Int
        public var errors: [RowError]
    }

    typealias C = CSVTable.Column
    /// Column names: the canonical key and the header spellings accepted.
    static let columns: [CSVTable.Column] = [
        C("householdKey", ["世帯番号", "世帯コード"]), C("familyName", ["氏"]), C("givenName", ["名"]),
        C("familyNameKana", ["氏カナ", "氏（カナ）"]), C("givenNameKana", ["名カナ", "名（カナ）"]),
        C("formerFamilyName", ["旧氏"], required: false), C("formerFamilyNameKana", ["旧氏カナ"], required: false),
        C("birthDate", ["生年月日"]), C("sex", ["性別"]), C("relationship", ["続柄"]),
        C("permanentDomicile", ["本籍"], required: false), C("domicileHead", ["筆頭者"], required: false),
        C("becameResidentOn", ["住民となった年月日"]), C("addressSetOn", ["住所を定めた年月日"]), C("notifiedOn", ["届出日"]),
        C("previousAddress", ["従前の住所"], required: false), C("individualNumber", ["個人番号"]), C("residentRecordCode", ["住民票コード"]),
        C("prefecture", ["都道府県"]), C("municipality", ["市区町村"]), C("ward", ["区"], required: false), C("town", ["町丁目"]),
        C("block", ["番地"]), C("building", ["方書"], required: false),
    ]

    /// The header line of a file this importer reads, in Japanese.
    public static var japaneseHeader: String { CSVTable.japaneseHeader(columns) }

    struct ParsedRow {
        var line: Int
        var householdKey: String
        var household: Household
        var resident: Resident
    }

    let registry: RegistryRepository

    public init(registry: RegistryRepository) { self.registry = registry }

    /// Reads, checks and (when clean, or with `skipBad`) imports a file's bytes.
    public func run(
        _ bytes: [UInt8], encoding: TextEncoding? = nil, skipBad: Bool = false, dryRun: Bool = false,
        progress: (Int, Int) -> Void = { _, _ in }
    ) throws -> Result {
        try run(.bytes(bytes), encoding: encoding, skipBad: skipBad, dryRun: dryRun, progress: progress)
    }

    /// Reads, checks and (when clean, or with `skipBad`) imports a file in two passes over it, so that memory holds
    /// the keys that must be unique rather than the rows: the first checks every row (its own fields, repeats in the
    /// file, numbers already in the registry), the second reads the good rows again and writes them in one
    /// transaction. All of them are stored, or none.
    public func run(
        _ source: CSVSource, encoding requested: TextEncoding? = nil, skipBad: Bool = false, dryRun: Bool = false,
        progress: (Int, Int) -> Void = { _, _ in }
    ) throws -> Result {
        let encoding = try source.encoding(requested)
        var errors: [RowError] = []
        var bad = Set<Int>()
        var good = 0
        var numbers: [String: Int] = [:]
        var codes: [String: Int] = [:]
        var householders: [String: Int] = [:]
        // Rows checked in the file, waiting to be looked up in the registry in one query.
        var unchecked: [(line: Int, number: String, code: String)] = []
        func lookUpInRegistry() throws {
            let existing = try registry.existingIdentifiers(
                individualNumbers: unchecked.map(\.number), residentRecordCodes: unchecked.map(\.code))
            for row in unchecked where existing.contains(row.number) || existing.contains(row.code) {
                errors.append(RowError(line: row.line, error: MadoguchiError(
                    .csvRow, ja: "この個人番号または住民票コードは既に登録されています",
                    en: "the individual number or resident record code is already registered")))
                bad.insert(row.line)
                good -= 1
            }
            unchecked.removeAll(keepingCapacity: true)
        }
        let rows = try CSVTable.forEachRow(source, encoding: encoding, columns: Self.columns) { record in
            do {
                try record.checkWidth()
                let row = try parse(record)
                if let first = numbers[row.resident.individualNumber] {
                    throw record.error("個人番号が\(first)行目と重複しています", "individual number repeats line \(first)")
                }
                if let first = codes[row.resident.residentRecordCode] {
                    throw record.error("住民票コードが\(first)行目と重複しています", "resident record code repeats line \(first)")
                }
                if row.resident.relationship == .householder {
                    if let first = householders[row.householdKey] {
                        throw record.error("世帯番号\(row.householdKey)の世帯主が\(first)行目にもいます",
                                           "household \(row.householdKey) already has a householder on line \(first)")
                    }
                    householders[row.householdKey] = record.line
                }
                numbers[row.resident.individualNumber] = record.line
                codes[row.resident.residentRecordCode] = record.line
                good += 1
                unchecked.append((record.line, row.resident.individualNumber, row.resident.residentRecordCode))
            } catch let error as MadoguchiError {
                errors.append(RowError(line: record.line, error: error))
                bad.insert(record.line)
            }
            if unchecked.count == 5_000 { try lookUpInRegistry() }
        }
        try lookUpInRegistry()
        numbers = [:]
        codes = [:]
        householders = [:]
        errors.sort { $0.line < $1.line }
        var result = Result(encoding: encoding, rows: rows, imported: 0, households: 0, errors: errors)
        if (!errors.isEmpty && !skipBad) || dryRun { return result }

        var lineInProgress = 0
        func write(_ w: RegistryWriter) throws -> (households: Int, written: Int) {
            var households: [String: Int64] = [:]
            var written = 0
            try CSVTable.forEachRow(source, encoding: encoding, columns: Self.columns) { record in
                guard !bad.contains(record.line) else { return }
                lineInProgress = record.line
                let row = try parse(record)
                let householdId: Int64
                if let id = households[row.householdKey] { householdId = id } else {
                    householdId = try w.insert(row.household)
                    households[row.householdKey] = householdId
                }
                var resident = row.resident
                resident.householdId = householdId
                try w.insert(resident)
                written += 1
                if written % 1_000 == 0 { progress(written, good) }
            }
            progress(written, good)
            return (households.count, written)
        }
        do {
            // Into an empty registry (a city's first load) the indexes are built once at the end, not row by row.
            let done = try registry.hasResidents() ? try registry.write(write) : try registry.bulkLoad(write)
            result.households = done.households
            result.imported = done.written
        } catch let error as MadoguchiError {
            // Nothing was written: report the row the transaction stopped at.
            result.errors.append(RowError(line: lineInProgress, error: error))
            result.errors.sort { $0.line < $1.line }
            return result
        }
        return result
    }

    func parse(_ row: CSVTable.Row) throws -> ParsedRow {
        let relationText = try row.required("relationship")
        guard let relationship = Relationship(japanese: relationText) ?? Relationship(rawValue: relationText) else {
            throw row.error("続柄が読めません: \(relationText)", "unknown relationship: \(relationText)")
        }
        let address = Address(
            prefecture: try row.required("prefecture"), municipality: try row.required("municipality"), ward: row.value("ward") ?? "",
            town: try row.required("town"), block: try row.required("block"), building: row.value("building"))
        // Names are kept exactly as written (variation selectors included), only trimmed.
        let resident = Resident(
            householdId: 0,
            name: PersonName(
                family: try row.requiredExact("familyName"), given: try row.requiredExact("givenName"),
                familyKana: try row.required("familyNameKana"), givenKana: try row.required("givenNameKana")),
            formerFamilyName: row.exact("formerFamilyName"), formerFamilyNameKana: row.value("formerFamilyNameKana"),
            birthDate: try row.requiredDate("birthDate"), sex: try row.sex("sex"), relationship: relationship,
            permanentDomicile: row.value("permanentDomicile"), domicileHead: row.exact("domicileHead"),
            becameResidentOn: try row.requiredDate("becameResidentOn"), addressSetOn: try row.requiredDate("addressSetOn"),
            notifiedOn: try row.requiredDate("notifiedOn"), previousAddress: row.value("previousAddress"),
            individualNumber: try row.required("individualNumber").filter { $0 != "-" && $0 != " " },
            residentRecordCode: try row.required("residentRecordCode"))
        try resident.validate()
        return ParsedRow(
            line: row.line, householdKey: try row.required("householdKey"),
            household: Household(address: address, formedOn: resident.addressSetOn), resident: resident)
    }
}
