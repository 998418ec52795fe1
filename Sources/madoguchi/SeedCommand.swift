import ArgumentParser
import Foundation
import MadoguchiDemo
import MadoguchiDomain
import MadoguchiStore

struct Seed: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Build the synthetic demo city (窓口市) into a new database file. Deterministic for a seed.")

    @Option(help: "The SQLite file to create, or an empty PostgreSQL database (postgres://user@host:port/db).") var db: String
    @Option(help: "Number of persons (current residents and 除票).") var residents: Int = 20_000
    @Option(help: "Random seed: the same seed builds the same city.") var seed: UInt64 = 1
    @Option(help: "The day the registry is as of (YYYY-MM-DD).") var asOf: String = "2026-10-01"
    @Option(help: "The city's 6-digit 全国地方公共団体コード (default 149802, the fictional 窓口市).") var city: String?
    @Option(help: "The city's name (with --city).") var cityName: String?
    @Option(help: "Evaluation sheets to import with the demo's planning data (a missing folder is skipped).")
    var sheets: String = "data/sheets"
    @Flag(inversion: .prefixedNo, help: "Add the law's cases (支援措置, 転出, 死亡, 戸籍のつながり) with fixed fictional names.")
    var cases = true
    @Option(help: "Memory for the database's page cache while seeding, in MiB (0: SQLite's default of 2 MiB).")
    var cacheMib: Int = 256
    @Flag(help: "Generate and write on one thread (to compare with the default of two on SQLite).")
    var oneThread = false

    func run() throws {
        try reporting {
            guard residents > 0 else {
                throw MadoguchiError(.badCount, ja: "住民数は1以上で指定してください", en: "--residents must be at least 1")
            }
            guard let date = CivilDate.parseGregorian(asOf) else {
                throw MadoguchiError(.invalidDate, ja: "--as-of が日付として読めません: \(asOf)", en: "--as-of is not a date: \(asOf)")
            }
            let identity = try cityIdentity(code: city, name: cityName)
            let database = try MadoguchiDatabase.open(db)
            try database.prepareForBulkLoad(cacheMiB: max(0, cacheMib))
            let start = ContinuousClock.now
            var bar = ProgressBar(total: residents, label: "住民を作成中")
            var options = DemoCityGenerator.Options(residents: residents, seed: seed, asOf: date, city: identity)
            options.twoThreads = !oneThread
            let report = try DemoCityGenerator.generate(into: database, options: options) { bar.update($0) }
            if cases { try DemoScenarios.add(into: database, asOf: date) }
            let planning = try DemoPlanning.seed(
                into: database, sheetFiles: DemoPlanning.bundledSheets(in: sheets), now: try environmentClock().now(), seed: seed)
            let seconds = Self.seconds(ContinuousClock.now - start)
            try database.checkpoint()
            print("""
                \(identity.name)（\(identity.code)）を作成しました: \(db)
                persons \(report.persons), households \(report.households), 除票 \(report.removed), 転出届 \(report.moveOutNotified)
                seals \(report.seals), tax assessments \(report.taxAssessments), family registers \(report.familyRegisters)
                sheets \(planning.sheets.joined(separator: " ")), activities \(planning.activities), surveys \(planning.surveys) (\(planning.responses) responses)
                support measures \(report.supportMeasures), holder notifications \(report.holderNotifications), variant-character names \(report.variantNames)
                time \(String(format: "%.2f", seconds)) s (\(Int(Double(report.persons) / max(seconds, 0.001))) persons/s), peak memory \(peakMemoryMiB().map { String(format: "%.0f", $0) } ?? "?") MiB
                """)
        }
    }

    static func seconds(_ d: Duration) -> Double {
        Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    }
}

extension MadoguchiError.Code {
    static let badCount = Self("cli.count")
    static let invalidOption = Self("cli.invalidOption")
    static let cityMismatch = Self("cli.cityMismatch")
}
