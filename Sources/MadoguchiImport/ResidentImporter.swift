import GRDB
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
    public struct RowError: Sendable, Hashable, CustomStringConvertible {
        public var line: Int
        public var error: MadoguchiError
        public var description: String { "\(line)行目: \(error.ja) / line \(line): \(error.en)" }
    }

    public struct Result: Sendable {
        public var encoding: TextEncoding
        public var rows: Int
        public var imported: Int
        public var households: Int
        public var errors: [RowError]
    }

    /// Column names: the canonical key and the header spellings accepted.
    static let columns: [(key: String, names: [String], required: Bool)] = [
        ("householdKey", ["世帯番号", "世帯コード", "householdKey"], true),
        ("familyName", ["氏", "familyName"], true),
        ("givenName", ["名", "givenName"], true),
        ("familyNameKana", ["氏カナ", "氏（カナ）", "familyNameKana"], true),
        ("givenNameKana", ["名カナ", "名（カナ）", "givenNameKana"], true),
        ("formerFamilyName", ["旧氏", "formerFamilyName"], false),
        ("formerFamilyNameKana", ["旧氏カナ", "formerFamilyNameKana"], false),
        ("birthDate", ["生年月日", "birthDate"], true),
        ("sex", ["性別", "sex"], true),
        ("relationship", ["続柄", "relationship"], true),
        ("permanentDomicile", ["本籍", "permanentDomicile"], false),
        ("domicileHead", ["筆頭者", "domicileHead"], false),
        ("becameResidentOn", ["住民となった年月日", "becameResidentOn"], true),
        ("addressSetOn", ["住所を定めた年月日", "addressSetOn"], true),
        ("notifiedOn", ["届出日", "notifiedOn"], true),
        ("previousAddress", ["従前の住所", "previousAddress"], false),
        ("individualNumber", ["個人番号", "individualNumber"], true),
        ("residentRecordCode", ["住民票コード", "residentRecordCode"], true),
        ("prefecture", ["都道府県", "prefecture"], true),
        ("municipality", ["市区町村", "municipality"], true),
        ("ward", ["区", "ward"], false),
        ("town", ["町丁目", "town"], true),
        ("block", ["番地", "block"], true),
        ("building", ["方書", "building"], false),
    ]

    /// The header line of a file this importer reads, in Japanese.
    public static var japaneseHeader: String { columns.map { $0.names[0] }.joined(separator: ",") }

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
        let (text, used) = try TextEncoding.decode(bytes, as: encoding)
        let records = try CSVReader.records(text)
        guard let header = records.first else {
            throw MadoguchiError(.csvHeader, ja: "ファイルが空です", en: "The file is empty")
        }
        var index: [String: Int] = [:]
        for (i, name) in header.fields.enumerated() {
            let n = JapaneseText.normalized(name)
            guard let column = Self.columns.first(where: { $0.names.contains(n) }) else {
                throw MadoguchiError(
                    .csvHeader, ja: "1行目: 不明な列名「\(name)」があります", en: "Line 1: unknown column \"\(name)\"")
            }
            index[column.key] = i
        }
        for column in Self.columns where column.required && index[column.key] == nil {
            throw MadoguchiError(
                .csvHeader, ja: "1行目: 必須の列「\(column.names[0])」がありません",
                en: "Line 1: the required column \(column.key) is missing")
        }

        var errors: [RowError] = []
        var rows: [ParsedRow] = []
        var numbers: [String: Int] = [:]
        var codes: [String: Int] = [:]
        var householders: [String: Int] = [:]
        for record in records.dropFirst() {
            do {
                guard record.fields.count == header.fields.count else {
                    throw rowError("列の数が\(record.fields.count)です（見出しは\(header.fields.count)列）",
                                   "has \(record.fields.count) fields, the header \(header.fields.count)")
                }
                let row = try parse(record, index)
                if let first = numbers[row.resident.individualNumber] {
                    throw rowError("個人番号が\(first)行目と重複しています", "individual number repeats line \(first)")
                }
                if let first = codes[row.resident.residentRecordCode] {
                    throw rowError("住民票コードが\(first)行目と重複しています", "resident record code repeats line \(first)")
                }
                if row.resident.relationship == .householder {
                    if let first = householders[row.householdKey] {
                        throw rowError("世帯番号\(row.householdKey)の世帯主が\(first)行目にもいます",
                                       "household \(row.householdKey) already has a householder on line \(first)")
                    }
                    householders[row.householdKey] = record.line
                }
                numbers[row.resident.individualNumber] = record.line
                codes[row.resident.residentRecordCode] = record.line
                rows.append(row)
            } catch let error as MadoguchiError {
                errors.append(RowError(line: record.line, error: error))
            }
        }
        // Numbers already in the registry.
        let existing = try registry.existingIdentifiers(
            individualNumbers: rows.map(\.resident.individualNumber), residentRecordCodes: rows.map(\.resident.residentRecordCode))
        rows.removeAll { row in
            if existing.contains(row.resident.individualNumber) || existing.contains(row.resident.residentRecordCode) {
                errors.append(RowError(line: row.line, error: rowError("この個人番号または住民票コードは既に登録されています",
                                                                        "the individual number or resident record code is already registered")))
                return true
            }
            return false
        }
        errors.sort { $0.line < $1.line }
        var result = Result(encoding: used, rows: records.count - 1, imported: 0, households: 0, errors: errors)
        if (!errors.isEmpty && !skipBad) || dryRun { return result }

        var lineInProgress = 0
        do {
            result.households = try registry.write { w in
                var households: [String: Int64] = [:]
                for (n, row) in rows.enumerated() {
                    lineInProgress = row.line
                    let householdId: Int64
                    if let id = households[row.householdKey] { householdId = id } else {
                        householdId = try w.insert(row.household)
                        households[row.householdKey] = householdId
                    }
                    var resident = row.resident
                    resident.householdId = householdId
                    try w.insert(resident)
                    if n % 1_000 == 999 { progress(n + 1, rows.count) }
                }
                progress(rows.count, rows.count)
                return households.count
            }
        } catch let error as MadoguchiError {
            // Nothing was written: report the row the transaction stopped at.
            result.errors.append(RowError(line: lineInProgress, error: error))
            result.errors.sort { $0.line < $1.line }
            return result
        }
        result.imported = rows.count
        return result
    }

    func rowError(_ ja: String, _ en: String) -> MadoguchiError { MadoguchiError(.csvRow, ja: ja, en: en) }

    func parse(_ record: CSVRecord, _ index: [String: Int]) throws -> ParsedRow {
        func value(_ key: String) -> String? {
            guard let i = index[key] else { return nil }
            let v = JapaneseText.normalized(record.fields[i])
            return v.isEmpty ? nil : v
        }
        func exact(_ key: String) -> String? {
            // Names are kept exactly as written (variation selectors included), only trimmed.
            guard let i = index[key] else { return nil }
            let v = record.fields[i].trimmingCharacters(in: .whitespaces)
            return v.isEmpty ? nil : v
        }
        func required(_ key: String) throws -> String {
            guard let v = value(key) else {
                let label = Self.columns.first { $0.key == key }!.names[0]
                throw rowError("「\(label)」が空です", "\(key) is empty")
            }
            return v
        }
        func date(_ key: String) throws -> CivilDate {
            let text = try required(key)
            if let d = CivilDate.parseGregorian(text) { return d }
            if let d = try? JapaneseDate.parse(text) { return d.gregorian }
            let label = Self.columns.first { $0.key == key }!.names[0]
            throw rowError("「\(label)」が日付として読めません: \(text)", "\(key) is not a date: \(text)")
        }
        let sexText = try required("sex")
        let sex: Sex
        switch sexText.lowercased() {
        case "男", "1", "male", "m": sex = .male
        case "女", "2", "female", "f": sex = .female
        default: throw rowError("性別が読めません: \(sexText)", "unknown sex: \(sexText)")
        }
        let relationText = try required("relationship")
        guard let relationship = Relationship(japanese: relationText) ?? Relationship(rawValue: relationText) else {
            throw rowError("続柄が読めません: \(relationText)", "unknown relationship: \(relationText)")
        }
        let address = Address(
            prefecture: try required("prefecture"), municipality: try required("municipality"), ward: value("ward") ?? "",
            town: try required("town"), block: try required("block"), building: value("building"))
        let resident = Resident(
            householdId: 0,
            name: PersonName(
                family: try exact("familyName") ?? required("familyName"), given: try exact("givenName") ?? required("givenName"),
                familyKana: try required("familyNameKana"), givenKana: try required("givenNameKana")),
            formerFamilyName: exact("formerFamilyName"), formerFamilyNameKana: value("formerFamilyNameKana"),
            birthDate: try date("birthDate"), sex: sex, relationship: relationship,
            permanentDomicile: value("permanentDomicile"), domicileHead: exact("domicileHead"),
            becameResidentOn: try date("becameResidentOn"), addressSetOn: try date("addressSetOn"),
            notifiedOn: try date("notifiedOn"), previousAddress: value("previousAddress"),
            individualNumber: try required("individualNumber").replacingOccurrences(of: "-", with: "")
                .replacingOccurrences(of: " ", with: ""),
            residentRecordCode: try required("residentRecordCode"))
        try resident.validate()
        return ParsedRow(
            line: record.line, householdKey: try required("householdKey"),
            household: Household(address: address, formedOn: resident.addressSetOn), resident: resident)
    }
}
