import ArgumentParser
import Foundation
import MadoguchiDomain
import MadoguchiImport
import MadoguchiStore

struct Import: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Import data from the core systems.",
        subcommands: [Residents.self, Seals.self, Tax.self, FamilyRegisters.self, FamilyRegisterEvents.self, Annex.self,
                      SupportMeasures.self, HolderNotifications.self, Changes.self, Arrivals.self, ServiceFigures.self])

    /// What every import takes besides its file.
    struct Options: ParsableArguments {
        @Option(help: "The database: a SQLite file, or postgres://user@host:port/db.") var db: String = defaultDatabasePath
        @Option(help: "utf-8 or cp932; detected when omitted.") var encoding: String?
        @Flag(help: "Import the good rows and report the bad ones.") var skipBad = false
        @Flag(help: "Check the file without importing.") var dryRun = false
    }

    /// Prints what an import did; exits 1 when it imported nothing because of bad rows.
    static func finish(_ report: ImportReport, what: String) throws {
        for e in report.errors { printError(e.description) }
        print("\(report.rows) rows (\(report.encoding.rawValue)): \(report.imported) \(what) imported, \(report.errors.count) bad")
        if report.imported == 0 && !report.errors.isEmpty {
            printError("エラーのある行があるため、何も取り込みませんでした。")
            printError("Nothing was imported because some rows are bad.")
            throw ExitCode(1)
        }
    }

    /// An all-or-nothing import: any bad row is reported and nothing is written (exit 1).
    static func refuseAny(_ errors: [ImportRowError]) throws {
        for e in errors { printError(e.description) }
        guard errors.isEmpty else {
            printError("エラーのある行があるため、何も取り込みませんでした。")
            printError("Nothing was imported because some rows are bad.")
            throw ExitCode(1)
        }
    }

    /// `madoguchi import arrivals`: the previous ticketing system's hourly counts, for the congestion forecast.
    struct Arrivals: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "番号札の時間帯別集計: hourly ticket counts from the ticketing system before (施設ID,日付,時,発券数), all or nothing",
            discussion: "A facility's day is written whole (hours not given are zero); a day with tickets of its own is counted from them.")
        @Argument(help: "The CSV file.") var file: String
        @Option(help: "Where the counts come from (kept with each day).") var source: String
        @Option(help: "The database: a SQLite file, or postgres://user@host:port/db.") var db: String = defaultDatabasePath
        @Option(help: "utf-8 or cp932; detected when omitted.") var encoding: String?
        @Flag(help: "Check the file without importing.") var dryRun = false

        func run() async throws {
            try await reporting {
                let bytes = Array(try readFile(file))
                let chosen = try encoding.map(textEncoding)
                let contents = try ArrivalHistoryImporter.read(bytes, encoding: chosen)
                try Import.refuseAny(contents.errors)
                let days = contents.counts.values.reduce(0) { $0 + Set($1.map(\.day)).count }
                if !dryRun {
                    try await MadoguchiDatabase.open(db).queues.recordArrivalHistory(contents.counts, source: source, at: try environmentClock().now())
                }
                print("\(contents.rows) rows (\(contents.encoding.rawValue)): \(contents.counts.count) facilities, \(days) days \(dryRun ? "checked" : "imported")")
            }
        }
    }

    /// `madoguchi import service-figures`: each place's certificates and costs by fiscal year, for the what-if.
    struct ServiceFigures: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "service-figures",
            abstract: "施設別の年度実績: certificates and costs by place and fiscal year (年度,施設ID,証明書件数,人件費,施設費,1件あたり手数料), all or nothing",
            discussion: "The store channel's row has no 施設ID. A place's year recorded again is replaced.")
        @Argument(help: "The CSV file.") var file: String
        @Option(help: "Where the figures come from (決算書, 事務事業評価 …).") var source: String
        @Option(help: "The database: a SQLite file, or postgres://user@host:port/db.") var db: String = defaultDatabasePath
        @Option(help: "utf-8 or cp932; detected when omitted.") var encoding: String?
        @Flag(help: "Check the file without importing.") var dryRun = false

        func run() async throws {
            try await reporting {
                let chosen = try encoding.map(textEncoding)
                let contents = try ServiceFiguresImporter.read(Array(try readFile(file)), encoding: chosen)
                try Import.refuseAny(contents.errors)
                if !dryRun {
                    try await MadoguchiDatabase.open(db).serviceFigures.record(contents.figures, source: source, at: try environmentClock().now())
                }
                let years = Set(contents.figures.map(\.fiscalYear)).count
                print("\(contents.rows) rows (\(contents.encoding.rawValue)): \(contents.figures.count) places' years over \(years) fiscal years \(dryRun ? "checked" : "imported")")
            }
        }
    }

    struct Seals: RegistryImportCommand {
        static let kind = RegistryImport.seals
        static let configuration = command(kind, "印鑑登録: seals with their image files (SVG or PNG, named relative to the CSV)")
        @Argument(help: "The CSV file.") var file: String
        @OptionGroup var options: Options
    }

    struct Tax: RegistryImportCommand {
        static let kind = RegistryImport.tax
        static let configuration = command(kind, "所得・課税: one fiscal year's assessment per row (a year already held is replaced)")
        @Argument(help: "The CSV file.") var file: String
        @OptionGroup var options: Options
    }

    struct FamilyRegisters: RegistryImportCommand {
        static let kind = RegistryImport.familyRegisters
        static let configuration = command(kind, "戸籍: one row per person recorded; rows with the same 本籍 and 筆頭者 form one 戸籍")
        @Argument(help: "The CSV file.") var file: String
        @OptionGroup var options: Options
    }

    struct FamilyRegisterEvents: RegistryImportCommand {
        static let kind = RegistryImport.familyRegisterEvents
        static let configuration = command(kind, "身分事項: events of a 戸籍 (氏名 empty) or of a person in it")
        @Argument(help: "The CSV file.") var file: String
        @OptionGroup var options: Options
    }

    struct Annex: RegistryImportCommand {
        static let kind = RegistryImport.annex
        static let configuration = command(kind, "戸籍の附票: the addresses of persons in the 戸籍 kept here")
        @Argument(help: "The CSV file.") var file: String
        @OptionGroup var options: Options
    }

    struct SupportMeasures: RegistryImportCommand {
        static let kind = RegistryImport.supportMeasures
        static let configuration = command(kind, "支援措置 in force (decided), as the 住民記録 system holds them")
        @Argument(help: "The CSV file.") var file: String
        @OptionGroup var options: Options
    }

    struct HolderNotifications: RegistryImportCommand {
        static let kind = RegistryImport.holderNotifications
        static let configuration = command(kind, "本人通知 registrations")
        @Argument(help: "The CSV file.") var file: String
        @OptionGroup var options: Options
    }

    struct Changes: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "changes",
            abstract: "住民異動: a day's births, move-ins, moves, 転出届, move-outs, deaths and name changes, in one transaction.",
            discussion: "Header (Japanese or English names, any order):\n\(CSVTable.japaneseHeader(ChangeFeed.columns))\n"
                + "異動事由: \(ChangeFeed.Change.allCases.map(\.japanese).joined(separator: ", ")). One bad row and nothing is applied.")

        @Argument(help: "The CSV file.") var file: String
        @Option(help: "The database: a SQLite file, or postgres://user@host:port/db.") var db: String = defaultDatabasePath
        @Option(help: "utf-8 or cp932; detected when omitted.") var encoding: String?
        @Flag(help: "Check the file without applying it.") var dryRun = false

        func run() throws {
            let report = try reporting {
                try ChangeFeed.run(
                    [UInt8](try readFile(file)), into: try MadoguchiDatabase.open(db).registry,
                    encoding: try encoding.map { try textEncoding($0) }, dryRun: dryRun)
            }
            try Import.finish(report, what: "changes")
        }
    }

    static func command(_ kind: RegistryImport, _ abstract: String) -> CommandConfiguration {
        CommandConfiguration(
            commandName: kind.rawValue, abstract: abstract,
            discussion: "Header (Japanese or English names, any order):\n\(CSVTable.japaneseHeader(kind.columns))\n"
                + "A file with any bad row imports nothing unless --skip-bad is given.")
    }

    struct Residents: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Import residents from a CSV file with a header row (UTF-8 or CP932).",
            discussion: "Header (Japanese or English names, any order):\n\(ResidentImporter.japaneseHeader)\n"
                + "A file with any bad row imports nothing unless --skip-bad is given.")

        @Argument(help: "The CSV file.") var file: String
        @Option(help: "The database: a SQLite file, or postgres://user@host:port/db.") var db: String = defaultDatabasePath
        @Option(help: "utf-8 or cp932; detected when omitted.") var encoding: String?
        @Flag(help: "Import the good rows and report the bad ones.") var skipBad = false
        @Flag(help: "Check the file without importing.") var dryRun = false

        func run() throws {
            let result: ResidentImporter.Result = try reporting {
                let chosen = try encoding.map { try textEncoding($0) }
                guard FileManager.default.isReadableFile(atPath: file) else {
                    throw MadoguchiError(.fileUnreadable, ja: "ファイルを読めません: \(file)", en: "Cannot read \(file)")
                }
                let database = try MadoguchiDatabase.open(db)
                try database.prepareForBulkLoad(cacheMiB: 256)
                var bar: ProgressBar?
                // The file is read twice, a piece at a time (checked, then written), never held whole.
                return try ResidentImporter(registry: database.registry).run(
                    .file(file), encoding: chosen, skipBad: skipBad, dryRun: dryRun
                ) { done, total in
                    if bar == nil { bar = ProgressBar(total: total, label: "取込中") }
                    bar?.update(done)
                }
            }
            for e in result.errors { printError(e.description) }
            print("\(result.rows) rows (\(result.encoding.rawValue)): \(result.imported) imported into \(result.households) households, \(result.errors.count) bad")
            if result.imported == 0 && !result.errors.isEmpty {
                printError("エラーのある行があるため、何も取り込みませんでした。--skip-bad で正しい行だけを取り込めます。")
                printError("Nothing was imported because some rows are bad; --skip-bad imports the good rows.")
                throw ExitCode(1)
            }
        }
    }
}

extension MadoguchiError.Code {
    static let fileUnreadable = Self("cli.file")
}

/// A file's bytes, or `cli.file` naming it.
func readFile(_ path: String) throws -> Data {
    guard let data = FileManager.default.contents(atPath: path) else {
        throw MadoguchiError(.fileUnreadable, ja: "ファイルを読めません: \(path)", en: "Cannot read \(path)")
    }
    return data
}

/// `utf-8`, `cp932` (or `shift_jis`) as given to --encoding.
func textEncoding(_ name: String) throws -> TextEncoding {
    guard let e = TextEncoding(rawValue: name.lowercased().replacingOccurrences(of: "shift_jis", with: "cp932")) else {
        throw MadoguchiError(.encodingInvalid, ja: "文字コードは utf-8 か cp932 です: \(name)", en: "Encoding must be utf-8 or cp932: \(name)")
    }
    return e
}

/// An import of one of the core systems' files other than residents.
protocol RegistryImportCommand: ParsableCommand {
    static var kind: RegistryImport { get }
    var file: String { get }
    var options: Import.Options { get }
}

extension RegistryImportCommand {
    func run() throws {
        let folder = URL(fileURLWithPath: file).deletingLastPathComponent()
        let report = try reporting {
            try Self.kind.run(
                [UInt8](try readFile(file)), into: try MadoguchiDatabase.open(options.db).registry,
                encoding: try options.encoding.map { try textEncoding($0) }, skipBad: options.skipBad, dryRun: options.dryRun,
                file: { name in
                    // A file the rows name, inside the CSV's folder only.
                    let url = folder.appendingPathComponent(name).standardizedFileURL
                    guard url.path.hasPrefix(folder.standardizedFileURL.path + "/") else { return nil }
                    return FileManager.default.contents(atPath: url.path).map { [UInt8]($0) }
                })
        }
        try Import.finish(report, what: Self.kind.japanese)
    }
}
