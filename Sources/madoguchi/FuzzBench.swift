import ArgumentParser
import Foundation
import MadoguchiDemo
import MadoguchiDomain
import MadoguchiImport
import MadoguchiStore

/// `madoguchi bench fuzz`: generated inputs for the importers a city feeds with files from other systems: the
/// evaluation sheets (the seeds' TSV and text layouts, and canonical JSON), the resident CSV, the tax CSV and the
/// day's change feed. Each input is a seed file mutated (bytes flipped, inserted or cut, lines repeated, swapped or
/// dropped, fields stretched, odd characters, CP932), run in process. Nothing may crash, and every refusal must
/// name its line, unless it is about the file as a whole (its encoding, its layout, its header) (issue 12, item 7).
///
/// Swift's coverage-guided fuzzing (`-sanitize=fuzzer`) needs a separate build of the package; generated inputs run
/// in the ordinary build and in CI (ADR 0009 §7).
struct FuzzBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fuzz", abstract: "Mutated sheets and CSV files through the importers: no crash, every refusal names a line.")

    @Option(help: "Inputs per importer.") var inputs: Int = 2_000
    @Option(help: "Seed of the mutations.") var seed: UInt64 = 1
    @Option(help: "The folder of seed sheets.") var sheets: String = "data/sheets"
    @Option(help: "Where the input being tried is kept, to reproduce a crash.") var dir: String?
    @Flag(help: "Print the report as JSON.") var json = false

    struct Target: Codable {
        var inputs = 0
        var accepted = 0
        var refusedWithLine = 0
        var refusedWholeFile = 0
        var refusedNamingField = 0
        var unnamed = 0
        var codes: [String: Int] = [:]
        var examples: [String] = []
    }

    struct Report: Codable {
        var seed: UInt64 = 0
        var targets: [String: Target] = [:]
        var seconds = 0.0
        var inputsPerSecond = 0.0
        var violations: [String] = []
    }

    /// Where a refusal says the fault is: a line, a field of the sheet (`indicatorNotes[0]: …`, after the sheet was
    /// read, from its checks), the file as a whole (its encoding, its header, its layout, a part it lacks), or nowhere.
    static func place(_ error: MadoguchiError) -> String? {
        if error.ja.contains("行目") || error.en.contains("line ") { return "line" }
        if error.en.range(of: #"^[A-Za-z]+(\[\d+\])?(\.[A-Za-z]+(\[\d+\])?)*: "#, options: .regularExpression) != nil { return "field" }
        let code = error.code.rawValue
        if code.hasPrefix("import.encoding") || code == "import.csv.header" || code == "sheet.format" || code == "sheet.json" { return "file" }
        if code == "sheet.unreadable", error.en.hasPrefix("The sheet has no") || error.en.hasPrefix("The sheet needs") { return "file" }
        return nil
    }

    func run() async throws {
        let folder = URL(fileURLWithPath: dir ?? FileManager.default.temporaryDirectory.appendingPathComponent("madoguchi-fuzz-\(UUID().uuidString)").path)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let keep = folder.appendingPathComponent("input.bin")
        // The registry the CSV files point into: a small city, in memory.
        let database = try MadoguchiDatabase.inMemory()
        _ = try DemoCityGenerator.generate(into: database, options: .init(residents: 60, seed: 4))
        let codes = Array(try await database.inspection.currentResidentRecordCodes().prefix(20))
        let sheetSeeds = try FileManager.default.contentsOfDirectory(atPath: sheets).sorted().map {
            [UInt8](try Data(contentsOf: URL(fileURLWithPath: sheets).appendingPathComponent($0)))
        }
        guard !sheetSeeds.isEmpty else {
            throw fail(MadoguchiError(.invalidOption, ja: "種となる評価票がありません: \(sheets)", en: "No seed sheets in \(sheets)"))
        }
        let residentSeed = Array(Self.residentCSV().utf8)
        var tax = ["住民票コード,年度,収入金額,合計所得金額,課税標準額,市民税額,県民税額"]
        for code in codes.prefix(10) { tax.append("\(code),令和8年度,\"3,000,000\",2000000,1200000,99500,25500") }
        let taxSeed = try TextEncoding.encode(tax.joined(separator: "\r\n") + "\r\n", as: .cp932)
        var feed = [CSVTable.japaneseHeader(ChangeFeed.columns)]
        let columns = ChangeFeed.columns.map(\.key)
        func feedRow(_ values: [String: String]) -> String { columns.map { values[$0] ?? "" }.joined(separator: ",") }
        feed.append(feedRow(["change": "死亡", "occurredOn": "2026-11-23", "notifiedOn": "2026-11-24", "residentRecordCode": codes[0]]))
        feed.append(feedRow(["change": "転出届", "occurredOn": "2026-12-10", "notifiedOn": "2026-11-24", "residentRecordCode": codes[1],
                             "destination": "東京都千代田区霞が関一丁目1番1号"]))
        let feedSeed = Array((feed.joined(separator: "\r\n") + "\r\n").utf8)

        let registry = database.registry
        let targets: [(String, [[UInt8]], ([UInt8]) throws -> [ImportRowError])] = [
            ("sheet", sheetSeeds, { bytes in _ = try SheetImporter().read(bytes); return [] }),
            ("residentCSV", [residentSeed], { bytes in
                try ResidentImporter(registry: registry).run(bytes, dryRun: true).errors.map { ImportRowError(line: $0.line, error: $0.error) }
            }),
            ("taxCSV", [taxSeed], { bytes in try RegistryImport.tax.run(bytes, into: registry, dryRun: true).errors }),
            ("changeFeed", [feedSeed], { bytes in try ChangeFeed.run(bytes, into: registry, dryRun: true).errors }),
        ]
        var report = Report(seed: seed)
        var random = DemoRandom(seed: seed)
        let began = ContinuousClock.now
        for (name, seeds, importer) in targets {
            var target = Target()
            for n in 0..<inputs {
                let input = n < seeds.count ? seeds[n] : Self.mutate(seeds[n % seeds.count], &random)
                try? Data(input).write(to: keep)
                target.inputs += 1
                do {
                    let rowErrors = try importer(input)
                    if rowErrors.isEmpty { target.accepted += 1 } else { target.refusedWithLine += 1 }
                    for e in rowErrors where e.line < 1 { target.unnamed += 1; report.violations.append("\(name): a row error without a line: \(e)") }
                } catch let error as MadoguchiError {
                    target.codes[error.code.rawValue, default: 0] += 1
                    switch Self.place(error) {
                    case "line": target.refusedWithLine += 1
                    case "field": target.refusedNamingField += 1
                    case "file": target.refusedWholeFile += 1
                    default:
                        target.unnamed += 1
                        if target.examples.count < 5 { target.examples.append("[\(error.code.rawValue)] \(error.en)") }
                    }
                } catch {
                    target.unnamed += 1
                    if target.examples.count < 5 { target.examples.append("not a coded error: \(type(of: error))") }
                }
            }
            if target.unnamed > 0 { report.violations.append("\(name): \(target.unnamed) refusals name no line: \(target.examples.joined(separator: " | "))") }
            report.targets[name] = target
        }
        let elapsed = ContinuousClock.now - began
        report.seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        report.inputsPerSecond = Double(inputs * targets.count) / max(report.seconds, 0.001)
        if dir == nil { try? FileManager.default.removeItem(at: folder) }
        if json {
            try printJSON(report)
        } else {
            for (name, t) in report.targets.sorted(by: { $0.key < $1.key }) {
                print("\(name): \(t.inputs) inputs, accepted \(t.accepted), refused naming a line \(t.refusedWithLine), a field \(t.refusedNamingField), the whole file \(t.refusedWholeFile), unnamed \(t.unnamed)")
            }
            print(String(format: "%.0f inputs/s; violations: %@", report.inputsPerSecond, report.violations.isEmpty ? "none" : report.violations.joined(separator: "; ")))
        }
        if !report.violations.isEmpty { throw ExitCode(1) }
    }

    /// A clean resident CSV of three people in two households (synthetic numbers with valid check digits).
    static func residentCSV() -> String {
        func number(_ body: String, _ check: ([Int]) -> Int) -> String { body + String(check(body.map { Int(String($0))! })) }
        func row(_ key: String, _ family: String, _ given: String, _ fk: String, _ gk: String, _ birth: String, _ sex: String, _ rel: String, _ n: Int) -> String {
            [key, family, given, fk, gk, "", "", birth, sex, rel, "窓口市中央区本町一丁目1番地", "\(family)　\(given)", birth, "2010-04-01",
             "平成22年4月5日", "東京都大田区田園調布一丁目1番1号", number(String(format: "%011d", 70_000_000 + n), IndividualNumber.checkDigit),
             number(String(format: "%010d", 80_000_000 + n), ResidentRecordCode.checkDigit), "神奈川県", "窓口市", "中央区", "本町一丁目", "1番1号", ""]
                .joined(separator: ",")
        }
        return ([ResidentImporter.japaneseHeader, row("H1", "髙橋", "一郎", "タカハシ", "イチロウ", "1980-01-02", "男", "世帯主", 1),
                 row("H1", "髙橋", "花子", "タカハシ", "ハナコ", "S57.3.3", "女", "妻", 2), row("H2", "山﨑", "太郎", "ヤマザキ", "タロウ", "1975-06-07", "男", "世帯主", 3)]
            .joined(separator: "\r\n")) + "\r\n"
    }

    /// One to four mutations of a seed.
    static func mutate(_ seed: [UInt8], _ random: inout DemoRandom) -> [UInt8] {
        var bytes = seed
        let odd: [[UInt8]] = [
            Array("\"".utf8), Array(",".utf8), Array("\t".utf8), Array("\r".utf8), Array("\n".utf8), [0], [0xFF], [0x82], [0xE3, 0x81],
            Array("𠮷".utf8), Array("ｶﾞ".utf8), Array("\u{E0100}".utf8), Array("令和元年13月40日".utf8), Array("-1".utf8),
            Array("99999999999999999999".utf8), Array("{\"a\":".utf8), Array("○".utf8), Array(String(repeating: "あ", count: 500).utf8),
        ]
        for _ in 0..<Int.random(in: 1...4, using: &random) {
            guard !bytes.isEmpty else { bytes = random.pick(odd); continue }
            let at = Int.random(in: 0..<bytes.count, using: &random)
            switch Int.random(in: 0..<9, using: &random) {
            case 0: bytes[at] ^= UInt8(1 << Int.random(in: 0..<8, using: &random))
            case 1: bytes.insert(contentsOf: random.pick(odd), at: at)
            case 2: bytes.removeSubrange(at..<min(bytes.count, at + Int.random(in: 1...64, using: &random)))
            case 3: bytes = Array(bytes.prefix(at))
            case 4, 5, 6:
                var lines = bytes.split(separator: 0x0A, omittingEmptySubsequences: false).map(Array.init)
                guard lines.count > 1 else { continue }
                let i = Int.random(in: 0..<lines.count, using: &random)
                let j = Int.random(in: 0..<lines.count, using: &random)
                switch Int.random(in: 0..<3, using: &random) {
                case 0: lines.insert(lines[i], at: j)
                case 1: lines.swapAt(i, j)
                default: lines.remove(at: i)
                }
                bytes = Array(lines.joined(separator: [0x0A]))
            case 7:
                if let text = String(bytes: bytes, encoding: .utf8), let cp932 = try? TextEncoding.encode(text, as: .cp932) { bytes = cp932 }
            default: bytes.replaceSubrange(at..<min(bytes.count, at + 1), with: Array(repeating: UInt8(ascii: "9"), count: 4096))
            }
        }
        return bytes
    }
}
