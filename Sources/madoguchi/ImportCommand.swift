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
                let chosen = try encoding.map { try textEncoding($0) }
                let data = try readFile(file)
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
