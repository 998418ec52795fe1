import ArgumentParser
import Foundation
import GRDB
import MadoguchiDocuments
import MadoguchiDomain
import MadoguchiImport
import MadoguchiStore

/// `madoguchi sheet`: the evaluation sheets (施策進行管理・評価票).
struct SheetCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sheet", abstract: "Evaluation sheets (施策進行管理・評価票): import, render, list.",
        subcommands: [ImportSheets.self, Render.self, List.self])

    struct ImportSheets: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "import",
            abstract: "Import sheets: the program TSV, the 施策進行管理・評価票 text, or canonical JSON (UTF-8 or CP932).",
            discussion: "Prints the code of each imported sheet, one per line. A file it cannot read is refused "
                + "with exit status 1 and the line (行) it could not read; then nothing is imported.")

        @Argument(help: "The sheet files.") var files: [String]
        @Option(help: "The SQLite database.") var db: String = defaultDatabasePath
        @Option(help: "utf-8 or cp932; detected when omitted.") var encoding: String?
        @Option(help: "Who imports (kept in the sheet's history).") var author: String = "import"

        func run() throws {
            let codes: [String] = try reporting {
                let chosen = try encoding.map { try textEncoding($0) }
                var sheets: [EvaluationSheet] = []
                for file in files {
                    guard let data = FileManager.default.contents(atPath: file) else {
                        throw MadoguchiError(.fileUnreadable, ja: "ファイルを読めません: \(file)", en: "Cannot read \(file)")
                    }
                    do {
                        sheets.append(try SheetImporter().read([UInt8](data), encoding: chosen).0)
                    } catch let e as MadoguchiError {
                        throw MadoguchiError(e.code, ja: "\(file): \(e.ja)", en: "\(file): \(e.en)")
                    }
                }
                let database = try MadoguchiDatabase.open(path: db)
                let now = try environmentClock().now()
                try database.writer.write { db in
                    for sheet in sheets { try Sheets.save(db, sheet, source: "import", author: author, now: now) }
                }
                return sheets.map(\.code)
            }
            for code in codes { print(code) }
        }
    }

    struct Render: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Render a sheet as HTML, PDF or canonical JSON, to standard output unless --out is given.")

        @Argument(help: "The sheet's code (P1-1-3, 72302000).") var code: String
        @Option(help: "The SQLite database.") var db: String = defaultDatabasePath
        @Option(help: "html, pdf or json.") var format: String = "html"
        @Option(help: "Write to this file instead of standard output.") var out: String?
        @Flag(help: "The version last published instead of the current draft.") var published = false

        func run() throws {
            let bytes: [UInt8] = try reporting {
                guard let kind = SheetOutput(rawValue: format) else {
                    throw MadoguchiError(
                        .invalidOption, ja: "--format は html、pdf、json のどれかです: \(format)",
                        en: "--format must be html, pdf or json: \(format)")
                }
                let database = try MadoguchiDatabase.open(path: db)
                let sheet: EvaluationSheet = try database.writer.read { db in
                    if published {
                        guard let p = try Sheets.published(db, code: code) else {
                            throw MadoguchiError(.sheetNotFound, ja: "評価票\(code)は公表されていません", en: "Sheet \(code) is not published")
                        }
                        return p.0
                    }
                    return try Sheets.require(db, code: code).sheet
                }
                return try kind.render(sheet)
            }
            if let out {
                guard FileManager.default.createFile(atPath: out, contents: Data(bytes)) else {
                    throw fail(MadoguchiError(.fileUnreadable, ja: "書き込めません: \(out)", en: "Cannot write \(out)"))
                }
            } else {
                FileHandle.standardOutput.write(Data(bytes))
            }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the sheets: code, stage, version, title.")

        @Option(help: "The SQLite database.") var db: String = defaultDatabasePath

        func run() throws {
            let rows = try reporting { try MadoguchiDatabase.open(path: db).writer.read { db in try Sheets.list(db) } }
            for r in rows { print("\(r.code)\t\(r.stage.rawValue)\tv\(r.version)\t\(r.title)") }
        }
    }
}

/// The output forms of a sheet.
enum SheetOutput: String {
    case html, pdf, json

    func render(_ sheet: EvaluationSheet) throws -> [UInt8] {
        switch self {
        case .json: [UInt8](CanonicalSheetJSON.encode(sheet))
        case .html: Array(SheetHTML.document(sheet).utf8)
        case .pdf: try SheetPDF.render(sheet)
        }
    }
}

func textEncoding(_ name: String) throws -> TextEncoding {
    guard let e = TextEncoding(rawValue: name.lowercased().replacingOccurrences(of: "shift_jis", with: "cp932")) else {
        throw MadoguchiError(.encodingInvalid, ja: "文字コードは utf-8 か cp932 です: \(name)", en: "Encoding must be utf-8 or cp932: \(name)")
    }
    return e
}
