import Foundation
import Testing

@testable import MadoguchiDomain
@testable import MadoguchiImport
@testable import MadoguchiStore

@Suite("住民CSVの取込")
struct ImportTests {
    static let header = ResidentImporter.japaneseHeader

    /// One CSV row in the Japanese header's column order.
    static func row(
        _ key: String, _ family: String, _ given: String, _ fk: String, _ gk: String, birth: String = "1980-01-02",
        sex: String = "男", rel: String = "世帯主", n: Int, building: String = ""
    ) -> String {
        let fields = [
            key, family, given, fk, gk, "", "", birth, sex, rel, "窓口市中央区本町一丁目1番地", "\(family)　\(given)",
            birth, "2010-04-01", "平成22年4月5日", "東京都大田区田園調布一丁目1番1号", Make.individualNumber(n),
            Make.residentRecordCode(n), "神奈川県", "窓口市", "中央区", "本町一丁目", "1番1号", building,
        ]
        return fields.map { $0.contains(",") || $0.contains("\n") || $0.contains("\"") ? "\"" + $0.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : $0 }
            .joined(separator: ",")
    }

    static let good = [
        row("H1", "髙橋", "一郎", "タカハシ", "イチロウ", n: 11),
        row("H1", "髙橋", "花子", "タカハシ", "ハナコ", birth: "S57.3.3", sex: "女", rel: "妻", n: 12),
        row("H2", "山﨑", "太郎", "ヤマザキ", "タロウ", n: 13, building: "メゾン本町, 101号室"),
    ]

    func importer() throws -> (MadoguchiDatabase, ResidentImporter) {
        let db = try MadoguchiDatabase.inMemory()
        return (db, ResidentImporter(registry: db.registry))
    }

    @Test("a clean UTF-8 file imports every row into its households")
    func utf8() throws {
        let (db, importer) = try importer()
        let csv = ([Self.header] + Self.good + [Self.row("H3", "渡邉\u{E0110}", "誠", "ワタナベ", "マコト", n: 14)]).joined(separator: "\r\n") + "\r\n"
        let result = try importer.run(Array(csv.utf8))
        #expect(result.encoding == .utf8)
        #expect(result.errors.isEmpty)
        #expect(result.imported == 4)
        #expect(result.households == 3)
        let found = try db.registry.search(ResidentQuery(text: "ワタナベ"))
        #expect(found.map(\.name.family) == ["渡邉\u{E0110}"])
        let hanako = try #require(try db.registry.search(ResidentQuery(text: "タカハシ ハナコ")).first)
        #expect(hanako.birthDate == Make.d("1982-03-03"))
        let yamazaki = try #require(try db.registry.search(ResidentQuery(text: "山崎")).first)
        #expect(yamazaki.address.hasSuffix("メゾン本町, 101号室"))
    }

    @Test("a CP932 (Shift_JIS) file with 髙 and 﨑 is detected and read")
    func cp932() throws {
        let (db, importer) = try importer()
        let csv = ([Self.header] + Self.good).joined(separator: "\r\n")
        let bytes = try TextEncoding.encode(csv, as: .cp932)
        #expect(String(validating: bytes, as: UTF8.self) == nil)
        let result = try importer.run(bytes)
        #expect(result.encoding == .cp932)
        #expect(result.imported == 3)
        #expect(try db.registry.search(ResidentQuery(text: "髙橋")).count == 2)
        #expect(try db.registry.search(ResidentQuery(text: "山﨑")).count == 1)
    }

    @Test("CP932 cannot hold 𠮷: encoding refuses instead of guessing")
    func cp932Refuses() {
        #expect(throws: MadoguchiError.self) { try TextEncoding.encode("𠮷田", as: .cp932) }
    }

    static let badRows: [(String, String)] = [
        (row("H4", "佐藤", "一", "サトウ", "ハジメ", n: 21).replacingOccurrences(of: Make.individualNumber(21), with: "123456789012"), "個人番号"),
        (row("H5", "鈴木", "二郎", "スズキ", "ジロウ", birth: "1980-02-30", n: 22), "生年月日"),
        (row("H6", "田中", "三郎", "たなか", "サブロウ", n: 23), "カタカナ"),
        (row("H7", "伊藤", "四郎", "イトウ", "シロウ", rel: "友人", n: 24), "続柄"),
        (row("H8", "加藤", "五郎", "カトウ", "ゴロウ", n: 11), "重複"),
        ("H9,短い行", "列の数"),
        (row("H1", "髙橋", "六郎", "タカハシ", "ロクロウ", n: 25), "世帯主"),
    ]

    @Test("a file with bad rows imports nothing and names each bad line and why")
    func badRowsStopEverything() throws {
        let (db, importer) = try importer()
        let csv = ([Self.header] + Self.good + Self.badRows.map(\.0)).joined(separator: "\n")
        let result = try importer.run(Array(csv.utf8))
        #expect(result.imported == 0)
        #expect(try db.registry.counts().residents == 0)
        #expect(result.errors.map(\.line) == Array(5...11))
        for (error, (_, word)) in zip(result.errors, Self.badRows) {
            #expect(error.error.ja.contains(word), "line \(error.line): \(error.error.ja) lacks \(word)")
        }
    }

    @Test("--skip-bad imports the good rows and still reports the bad ones")
    func skipBad() throws {
        let (db, importer) = try importer()
        let csv = ([Self.header] + Self.good + Self.badRows.map(\.0)).joined(separator: "\n")
        let result = try importer.run(Array(csv.utf8), skipBad: true)
        #expect(result.imported == 3)
        #expect(result.errors.count == Self.badRows.count)
        #expect(try db.registry.counts().residents == 3)
    }

    @Test("importing the same file twice adds no one: already-registered numbers are bad rows")
    func secondImport() throws {
        let (db, importer) = try importer()
        let csv = ([Self.header] + Self.good).joined(separator: "\n")
        _ = try importer.run(Array(csv.utf8))
        let again = try importer.run(Array(csv.utf8))
        #expect(again.imported == 0)
        #expect(again.errors.count == 3)
        #expect(try db.registry.counts().residents == 3)
    }

    @Test("unreadable input is refused with a clear code", arguments: [
        ([0x81, 0x20, 0x0A], "import.encoding"),
        (Array("氏,名\n".utf8), "import.csv.header"),
        (Array("世帯番号,氏,名,謎の列\n".utf8), "import.csv.header"),
        (Array("\(ResidentImporter.japaneseHeader)\n\"閉じない引用符".utf8), "import.csv.malformed"),
        ([], "import.csv.header"),
    ] as [([UInt8], String)])
    func unreadable(bytes: [UInt8], code: String) throws {
        let (_, importer) = try importer()
        do {
            _ = try importer.run(bytes, encoding: bytes.first == 0x81 ? .cp932 : nil)
            Issue.record("accepted")
        } catch let error as MadoguchiError {
            #expect(error.code.rawValue == code)
        }
    }

    @Test("a file read a piece at a time gives the records of the whole text, in UTF-8 and CP932, whatever the piece size")
    func streamedRecords() throws {
        let text = "\u{FEFF}a,b\r\n\"髙橋, 﨑\",\"say \"\"hi\"\"\"\n\"multi\n行\",z\n\n最後,1"
        let whole = try CSVReader.records(String(text.dropFirst()))
        for encoding in [TextEncoding.utf8, .cp932] {
            let bytes = encoding == .utf8 ? Array(text.utf8) : [0xEF, 0xBB, 0xBF] + (try TextEncoding.encode(String(text.dropFirst()), as: .cp932))
            for chunk in [1, 2, 3, 7, 64, 1 << 20] {
                let source = CSVSource.bytes(bytes)
                #expect(try source.encoding(nil, chunk: chunk) == (encoding == .utf8 ? .utf8 : .cp932), "piece \(chunk)")
                var records: [CSVRecord] = []
                try source.forEachRecord(encoding: encoding, chunk: chunk) { records.append($0) }
                #expect(records == whole, "\(encoding) in pieces of \(chunk)")
            }
        }
        // A byte that is not CP932 is named by its own line, not the record's first.
        var bad = try TextEncoding.encode("a,b\n\"x\ny\",z\n", as: .cp932)
        bad.insert(0x81, at: bad.count - 3)
        #expect(throws: MadoguchiError.self) { try CSVSource.bytes(bad).forEachRecord(encoding: .cp932) { _ in } }
        do { try CSVSource.bytes(bad).forEachRecord(encoding: .cp932, chunk: 2) { _ in } } catch let error as MadoguchiError {
            #expect(error.en.contains("line 3"), "\(error.en)")
        }
    }

    @Test("a file on disk imports as its bytes do, read twice in pieces and never whole, into an empty or a filled registry")
    func importsFromFile() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("madoguchi-import-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("residents.csv")
        let csv = ([Self.header] + Self.good).joined(separator: "\r\n") + "\r\n"
        try Data(try TextEncoding.encode(csv, as: .cp932)).write(to: file)
        let (db, importer) = try importer()
        let first = try importer.run(.file(file.path))
        #expect(first.encoding == .cp932 && first.rows == 3 && first.imported == 3 && first.households == 2 && first.errors.isEmpty)
        #expect(try db.registry.search(ResidentQuery(text: "髙橋")).count == 2)
        // Into a registry that has residents: a row at a time, the numbers already there refused.
        let more = dir.appendingPathComponent("more.csv")
        try Data(([Self.header, Self.row("H9", "佐藤", "一", "サトウ", "ハジメ", n: 21)] + Self.good.prefix(1)).joined(separator: "\n").utf8).write(to: more)
        let second = try importer.run(.file(more.path), skipBad: true)
        #expect(second.imported == 1 && second.errors.map(\.line) == [3])
        #expect(try db.registry.counts().residents == 4)
        do {
            _ = try importer.run(.file(dir.appendingPathComponent("missing.csv").path))
            Issue.record("a missing file was read")
        } catch let error as MadoguchiError {
            #expect(error.code == .importUnreadable)
        }
    }

    @Test("fields are trimmed of the spaces Foundation's .whitespaces names (full-width 　 and tabs too), nothing else")
    func trimming() {
        let samples = ["", " ", "　", "\t髙橋\t", "　渡邉\u{E0110}　", " a b ", "x", "\u{00A0}y\u{2003}", "\n z \n", "葛\u{E0100}"]
        for sample in samples {
            #expect(sample.trimmingSpaces == sample.trimmingCharacters(in: .whitespaces), "\(sample.unicodeScalars.map(\.value))")
        }
    }

    @Test("CSV quoting: commas, doubled quotes and newlines inside fields, with line numbers kept")
    func csvQuoting() throws {
        let records = try CSVReader.records("a,b\r\n\"x, y\",\"say \"\"hi\"\"\"\n\"multi\nline\",z\n\nlast,1")
        #expect(records.map(\.fields) == [["a", "b"], ["x, y", "say \"hi\""], ["multi\nline", "z"], ["last", "1"]])
        #expect(records.map(\.line) == [1, 2, 3, 6])
    }
}
