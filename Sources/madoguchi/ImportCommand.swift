import ArgumentParser
import Foundation
import MadoguchiDomain
import MadoguchiImport
import MadoguchiStore

struct Import: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Import data from the core systems.", subcommands: [Residents.self])

    struct Residents: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Import residents from a CSV file with a header row (UTF-8 or CP932).",
            discussion: "Header (Japanese or English names, any order):\n\(ResidentImporter.japaneseHeader)\n"
                + "A file with any bad row imports nothing unless --skip-bad is given.")

        @Argument(help: "The CSV file.") var file: String
        @Option(help: "The SQLite database.") var db: String = defaultDatabasePath
        @Option(help: "utf-8 or cp932; detected when omitted.") var encoding: String?
        @Flag(help: "Import the good rows and report the bad ones.") var skipBad = false
        @Flag(help: "Check the file without importing.") var dryRun = false

        func run() throws {
            let result: ResidentImporter.Result = try reporting {
                var chosen: TextEncoding?
                if let encoding {
                    guard let e = TextEncoding(rawValue: encoding.lowercased().replacingOccurrences(of: "shift_jis", with: "cp932")) else {
                        throw MadoguchiError(.encodingInvalid, ja: "文字コードは utf-8 か cp932 です: \(encoding)",
                                             en: "Encoding must be utf-8 or cp932: \(encoding)")
                    }
                    chosen = e
                }
                guard let data = FileManager.default.contents(atPath: file) else {
                    throw MadoguchiError(.fileUnreadable, ja: "ファイルを読めません: \(file)", en: "Cannot read \(file)")
                }
                let database = try MadoguchiDatabase.open(path: db)
                var bar: ProgressBar?
                return try ResidentImporter(registry: database.registry).run(
                    [UInt8](data), encoding: chosen, skipBad: skipBad, dryRun: dryRun
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
