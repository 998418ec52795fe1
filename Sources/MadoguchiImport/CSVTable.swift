import Foundation
import MadoguchiDomain

/// A bad row of an import, named by its line.
public struct ImportRowError: Sendable, Hashable, CustomStringConvertible {
    public var line: Int
    public var error: MadoguchiError
    public var description: String { "\(line)行目: \(error.ja) / line \(line): \(error.en)" }

    public init(line: Int, error: MadoguchiError) {
        self.line = line
        self.error = error
    }
}

/// What an import did.
public struct ImportReport: Sendable {
    public var encoding: TextEncoding
    /// Data rows in the file
    public var rows: Int
    /// Rows written (0 when any row was bad and bad rows were not to be skipped)
    public var imported: Int
    public var errors: [ImportRowError]
}

/// A CSV file from a core system read as a table: a header row whose names (Japanese or English, any order) map to
/// columns, then one record per line. Values are normalized (full-width digits and letters folded); names can be read
/// exactly as written, variation selectors included.
public struct CSVTable {
    /// A column: its key, the header spellings it accepts (the first is the Japanese one printed in help), and
    /// whether a file must have it.
    public struct Column: Sendable {
        public var key: String
        public var names: [String]
        public var required: Bool

        public init(_ key: String, _ names: [String], required: Bool = true) {
            self.key = key
            self.names = names + [key]
            self.required = required
        }
    }

    public let encoding: TextEncoding
    public let rows: [Row]

    /// Reads the header and every record; a file whose header is wrong, or that cannot be decoded, throws.
    public init(_ bytes: [UInt8], encoding requested: TextEncoding? = nil, columns: [Column]) throws {
        let (text, used) = try TextEncoding.decode(bytes, as: requested)
        let records = try CSVReader.records(text)
        guard let first = records.first else { throw Header.empty }
        let header = try Header(first, columns: columns)
        encoding = used
        rows = records.dropFirst().map(header.row)
    }

    /// Reads a source one record at a time (a whole city's file is never held at once): the header is checked
    /// first, then `body` is given each row. Returns the number of rows.
    @discardableResult
    public static func forEachRow(
        _ source: CSVSource, encoding: TextEncoding, columns: [Column], _ body: (Row) throws -> Void
    ) throws -> Int {
        var header: Header?
        var count = 0
        try source.forEachRecord(encoding: encoding) { record in
            guard let header else {
                header = try Header(record, columns: columns)
                return
            }
            count += 1
            try body(header.row(record))
        }
        if header == nil { throw Header.empty }
        return count
    }

    /// The header row: which field holds which column.
    struct Header {
        let index: [String: Int]
        let width: Int
        let columns: [Column]

        static var empty: MadoguchiError { MadoguchiError(.csvHeader, ja: "ファイルが空です", en: "The file is empty") }

        init(_ header: CSVRecord, columns: [Column]) throws {
            var index: [String: Int] = [:]
            for (i, name) in header.fields.enumerated() {
                let n = JapaneseText.normalized(name).trimmingCharacters(in: .whitespaces)
                guard let column = columns.first(where: { $0.names.contains(n) }) else {
                    throw MadoguchiError(.csvHeader, ja: "1行目: 不明な列名「\(name)」があります", en: "Line 1: unknown column \"\(name)\"")
                }
                guard index[column.key] == nil else {
                    throw MadoguchiError(.csvHeader, ja: "1行目: 列「\(name)」が重複しています", en: "Line 1: column \"\(name)\" appears twice")
                }
                index[column.key] = i
            }
            for column in columns where column.required && index[column.key] == nil {
                throw MadoguchiError(
                    .csvHeader, ja: "1行目: 必須の列「\(column.names[0])」がありません", en: "Line 1: the required column \(column.key) is missing")
            }
            self.index = index
            self.width = header.fields.count
            self.columns = columns
        }

        func row(_ record: CSVRecord) -> Row {
            Row(line: record.line, fields: record.fields, width: width, index: index, columns: columns)
        }
    }

    /// The header line of such a file, in Japanese.
    public static func japaneseHeader(_ columns: [Column]) -> String { columns.map { $0.names[0] }.joined(separator: ",") }

    /// One record, read by column key.
    public struct Row {
        public let line: Int
        let fields: [String]
        let width: Int
        let index: [String: Int]
        let columns: [Column]

        func label(_ key: String) -> String { columns.first { $0.key == key }?.names[0] ?? key }

        public func error(_ ja: String, _ en: String) -> MadoguchiError { MadoguchiError(.csvRow, ja: ja, en: en) }

        /// The row has as many fields as the header.
        public func checkWidth() throws {
            guard fields.count == width else {
                throw error("列の数が\(fields.count)です（見出しは\(width)列）", "has \(fields.count) fields, the header \(width)")
            }
        }

        /// A value, normalized; nil when the column is absent or the cell empty.
        public func value(_ key: String) -> String? {
            guard let i = index[key], i < fields.count else { return nil }
            let v = JapaneseText.normalized(fields[i]).trimmingSpaces
            return v.isEmpty ? nil : v
        }

        /// A name exactly as written (MJ characters and IVS kept), only trimmed.
        public func exact(_ key: String) -> String? {
            guard let i = index[key], i < fields.count else { return nil }
            let v = fields[i].trimmingSpaces
            return v.isEmpty ? nil : v
        }

        public func required(_ key: String) throws -> String {
            guard let v = value(key) else { throw error("「\(label(key))」が空です", "\(key) is empty") }
            return v
        }

        public func requiredExact(_ key: String) throws -> String {
            guard let v = exact(key) else { throw error("「\(label(key))」が空です", "\(key) is empty") }
            return v
        }

        /// A date in 西暦 (2026-11-24, 2026/11/24) or 和暦 (令和8年11月24日, R8.11.24).
        public func date(_ key: String) throws -> CivilDate? {
            guard let text = value(key) else { return nil }
            if let d = CivilDate.parseGregorian(text.contains("/") ? text.replacingOccurrences(of: "/", with: "-") : text) { return d }
            if let d = try? JapaneseDate.parse(text) { return d.gregorian }
            throw error("「\(label(key))」が日付として読めません: \(text)", "\(key) is not a date: \(text)")
        }

        public func requiredDate(_ key: String) throws -> CivilDate {
            guard let d = try date(key) else { throw error("「\(label(key))」が空です", "\(key) is empty") }
            return d
        }

        /// A whole number of yen or a count, commas and 円 allowed; never negative.
        public func amount(_ key: String) throws -> Int {
            let text = try required(key)
            let digits = text.replacingOccurrences(of: ",", with: "").replacingOccurrences(of: "円", with: "")
            guard let n = Int(digits), n >= 0 else {
                throw error("「\(label(key))」が0以上の整数ではありません: \(text)", "\(key) is not a whole number of 0 or more: \(text)")
            }
            return n
        }

        /// 男 / 女 (also 1 / 2, male / female).
        public func sex(_ key: String) throws -> Sex {
            let text = try required(key)
            switch text.lowercased() {
            case "男", "1", "male", "m": return .male
            case "女", "2", "female", "f": return .female
            default: throw error("性別が読めません: \(text)", "unknown sex: \(text)")
            }
        }
    }
}
