import ArgumentParser
import Foundation
import MadoguchiDemo
import MadoguchiDocuments
import MadoguchiDomain
import MadoguchiImport
import MadoguchiStore

/// `madoguchi bench sheets`: importing, rendering and the live 行政サービスコーナー share over a big ledger.
struct SheetBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sheets",
        abstract: "Evaluation sheets: import, canonical JSON, HTML and PDF per second; the live share query over a ledger of N entries.")

    @Option(help: "The seed sheets.") var sheets: String = "data/sheets"
    @Option(help: "Imports, JSON round trips and HTML renderings of each seed.") var count: Int = 2_000
    @Option(help: "PDF renderings of each seed.") var pdfs: Int = 100
    @Option(help: "Ledger entries (issued copies over three fiscal years) for the live share query.") var ledger: Int = 1_000_000
    @Option(help: "Where the ledger database is built (deleted after): a SQLite file, or an empty PostgreSQL database's URL.")
    var db: String = "/tmp/madoguchi-bench-sheets.sqlite"
    @Flag(help: "PostgreSQL only (a superuser): fill the ledger with the triggers off, then count it as migration p3 does.")
    var fillWithoutTriggers = false

    func run() async throws {
        try await reporting {
            let files = DemoPlanning.bundledSheets(in: sheets).filter { !$0.path.hasSuffix(".json") }
            guard !files.isEmpty else {
                throw MadoguchiError(.fileUnreadable, ja: "評価票がありません: \(sheets)", en: "No sheets in \(sheets)")
            }
            let inputs = files.map { [UInt8](FileManager.default.contents(atPath: $0.path)!) }
            let importer = SheetImporter()
            let parsed = try inputs.map { try importer.read($0).0 }
            func rate(_ label: String, _ n: Int, _ body: () throws -> Void) rethrows {
                let start = ContinuousClock.now
                try body()
                let s = Seed.seconds(ContinuousClock.now - start)
                print(String(format: "%@: %d in %.2f s, %.0f per second (%.3f ms each)", label, n, s, Double(n) / s, s * 1000 / Double(n)))
            }
            try rate("import (both layouts)", count * inputs.count) {
                for _ in 0..<count { for bytes in inputs { _ = try importer.read(bytes) } }
            }
            try rate("canonical JSON round trip", count * parsed.count) {
                for _ in 0..<count { for sheet in parsed { _ = try CanonicalSheetJSON.decode(CanonicalSheetJSON.encode(sheet)) } }
            }
            rate("HTML with charts", count * parsed.count) {
                for _ in 0..<count { for sheet in parsed { _ = SheetHTML.document(sheet) } }
            }
            for sheet in parsed { _ = try SheetPDF.render(sheet) }  // warm the font caches
            var bytes = 0
            try rate("PDF", pdfs * parsed.count) {
                for _ in 0..<pdfs { for sheet in parsed { bytes = try SheetPDF.render(sheet).count } }
            }
            print("PDF size (last): \(bytes) bytes")
            try await shareQuery()
        }
    }

    /// A ledger of `ledger` issues (1 % voided) over three fiscal years at 42 facilities and stores, then the share query.
    func shareQuery() async throws {
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: db + suffix) }
        defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: db + suffix) } }
        let database = try MadoguchiDatabase.open(db)
        _ = try DemoCityGenerator.generate(into: database, options: .init(residents: 100, seed: 1))
        let facilities = try database.registry.facilities().map(\.id)
        let start = ContinuousClock.now
        try await database.fillSyntheticLedger(issues: ledger, facilities: facilities, seed: 7, withoutTriggers: fillWithoutTriggers)
        print(String(format: "ledger: %d issues written in %.1f s", ledger, Seed.seconds(ContinuousClock.now - start)))
        let now = Date()
        var reading: LiveIndicatorReading?
        var times: [Double] = []
        for _ in 0..<5 {
            let t = ContinuousClock.now
            reading = try await database.indicators.reading(LiveIndicatorDefinition(source: .serviceCornerShare), now: now)
            times.append(Seed.seconds(ContinuousClock.now - t))
        }
        times.sort()
        print(String(format: "live 行政サービスコーナー share over %d ledger entries: median %.0f ms (min %.0f, max %.0f)",
                     ledger + ledger / 100, times[2] * 1000, times[0] * 1000, times[4] * 1000))
        for v in reading?.values ?? [] { print("  \(v.year.japaneseDescription): \(v.value.text)% (\(v.numerator) / \(v.denominator ?? 0))") }
    }
}
