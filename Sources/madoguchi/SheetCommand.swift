import ArgumentParser
import Foundation
import MadoguchiDocuments
import MadoguchiDomain
import MadoguchiImport
import MadoguchiStore

/// `madoguchi sheet`: the evaluation sheets (施策進行管理・評価票).
struct SheetCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sheet", abstract: "Evaluation sheets (施策進行管理・評価票): import, render, list.",
        subcommands: [ImportSheets.self, Render.self, List.self, OpenData.self, Live.self, SurveyCommand.self])

    struct ImportSheets: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "import",
            abstract: "Import sheets: the program TSV, the 施策進行管理・評価票 text, or canonical JSON (UTF-8 or CP932).",
            discussion: "Prints the code of each imported sheet, one per line. A file it cannot read is refused "
                + "with exit status 1 and the line (行) it could not read; then nothing is imported.")

        @Argument(help: "The sheet files.") var files: [String]
        @Option(help: "The database: a SQLite file, or postgres://user@host:port/db.") var db: String = defaultDatabasePath
        @Option(help: "utf-8 or cp932; detected when omitted.") var encoding: String?
        @Option(help: "Who imports (kept in the sheet's history).") var author: String = "import"
        @Option(help: "The grade scale of program sheets, which print no legend: abc, five-level, done, kawasaki-measure.")
        var gradeScale: String = "abc"

        func run() async throws {
            let codes: [String] = try await reporting {
                let chosen = try encoding.map { try textEncoding($0) }
                guard let scale = GradeScale.builtIn.first(where: { $0.id == gradeScale }) else {
                    throw MadoguchiError(
                        .invalidOption, ja: "--grade-scale は \(GradeScale.builtIn.map(\.id).joined(separator: "、")) のどれかです: \(gradeScale)",
                        en: "--grade-scale must be one of \(GradeScale.builtIn.map(\.id).joined(separator: ", ")): \(gradeScale)")
                }
                var sheets: [EvaluationSheet] = []
                for file in files {
                    let data = try readFile(file)
                    do {
                        sheets.append(try SheetImporter(programScale: scale).read([UInt8](data), encoding: chosen).0)
                    } catch let e as MadoguchiError {
                        throw MadoguchiError(e.code, ja: "\(file): \(e.ja)", en: "\(file): \(e.en)")
                    }
                }
                let database = try MadoguchiDatabase.open(db)
                let now = try environmentClock().now()
                try await database.sheets.importSheets(sheets, author: author, now: now)
                return sheets.map(\.code)
            }
            for code in codes { print(code) }
        }
    }

    struct Render: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Render a sheet as HTML, PDF or canonical JSON, to standard output unless --out is given.")

        @Argument(help: "The sheet's code (P1-1-3, 72302000).") var code: String
        @Option(help: "The database: a SQLite file, or postgres://user@host:port/db.") var db: String = defaultDatabasePath
        @Option(help: "html, pdf or json.") var format: String = "html"
        @Option(help: "Write to this file instead of standard output.") var out: String?
        @Flag(help: "The version last published instead of the current draft.") var published = false

        func run() async throws {
            let bytes: [UInt8] = try await reporting {
                guard let kind = SheetOutput(rawValue: format) else {
                    throw MadoguchiError(
                        .invalidOption, ja: "--format は html、pdf、json のどれかです: \(format)",
                        en: "--format must be html, pdf or json: \(format)")
                }
                let database = try MadoguchiDatabase.open(db)
                let sheet: EvaluationSheet
                if published {
                    guard let p = try await database.sheets.published(code: code) else {
                        throw MadoguchiError(.sheetNotFound, ja: "評価票\(code)は公表されていません", en: "Sheet \(code) is not published")
                    }
                    sheet = p.sheet
                } else {
                    sheet = try await database.sheets.sheet(code: code).sheet
                }
                let live = try await database.indicators.readings(for: sheet, now: try environmentClock().now())
                return try kind.render(sheet, options: SheetHTML.Options(live: live))
            }
            try write(bytes, to: out)
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the sheets: code, stage, version, title.")

        @Option(help: "The database: a SQLite file, or postgres://user@host:port/db.") var db: String = defaultDatabasePath

        func run() async throws {
            let rows = try await reporting { try await MadoguchiDatabase.open(db).sheets.list() }
            for r in rows { print("\(r.code)\t\(r.stage.rawValue)\tv\(r.version)\t\(r.title)") }
        }
    }
}

extension SheetCommand {
    struct OpenData: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "opendata",
            abstract: "Every indicator value per fiscal year of the published sheets, as CSV (UTF-8 or CP932) or JSON.")

        @Option(help: "The database: a SQLite file, or postgres://user@host:port/db.") var db: String = defaultDatabasePath
        @Option(help: "csv or json.") var format: String = "csv"
        @Option(help: "utf-8 or cp932 (CSV only).") var encoding: String = "utf-8"
        @Option(help: "Write to this file instead of standard output.") var out: String?
        @Flag(help: "Include the current drafts of unpublished sheets too.") var drafts = false

        func run() async throws {
            let bytes: [UInt8] = try await reporting {
                let database = try MadoguchiDatabase.open(db)
                let now = try environmentClock().now()
                let rows = try await database.indicators.openData(drafts: drafts, now: now)
                switch format {
                case "csv": return try TextEncoding.encode(IndicatorOpenData.csv(rows), as: try textEncoding(encoding))
                case "json": return [UInt8](IndicatorOpenData.json(rows, generatedAt: LedgerRecord.timestamp(now)))
                default:
                    throw MadoguchiError(.invalidOption, ja: "--format は csv か json です: \(format)", en: "--format must be csv or json: \(format)")
                }
            }
            try write(bytes, to: out)
        }
    }

    struct Live: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Feed an indicator live from operations (saved as a new version of the draft).",
            discussion: "Sources: service-corner-share and store-smartphone-share (the issuance ledger), counter-mean-wait (the tickets' events, --facility-kind and --month), regional-staff-activities (the activity log, "
                + "--kinds to count some kinds only), survey-satisfaction (--question, the survey question's code), none.")

        @Argument(help: "The sheet's code.") var code: String
        @Option(help: "The indicator's number (1 for ①).") var indicator: Int
        @Option(help: "service-corner-share, store-smartphone-share, counter-mean-wait, regional-staff-activities, survey-satisfaction or none.") var source: String
        @Option(help: "For counter-mean-wait: the kind of facility (wardOffice, branchOffice …).") var facilityKind: String?
        @Option(help: "For counter-mean-wait: the month of each fiscal year (3 for March).") var month: Int?
        @Option(help: "The survey question's code.") var question: String?
        @Option(help: "Activity kinds that count, comma-separated.") var kinds: String?
        @Option(help: "The database: a SQLite file, or postgres://user@host:port/db.") var db: String = defaultDatabasePath
        @Option(help: "Who makes the change.") var author: String = "cli"

        func run() async throws {
            try await reporting {
                let definition: LiveIndicatorDefinition?
                switch source {
                case "service-corner-share": definition = LiveIndicatorDefinition(source: .serviceCornerShare)
                case "store-smartphone-share": definition = LiveIndicatorDefinition(source: .storeSmartphoneShare)
                case "counter-mean-wait":
                    guard let kind = FacilityKind(rawValue: facilityKind ?? "wardOffice") else {
                        throw MadoguchiError(.invalidOption, ja: "--facility-kind が不明です", en: "Unknown --facility-kind")
                    }
                    definition = LiveIndicatorDefinition(source: .counterMeanWait, facilityKind: kind, month: month ?? 3)
                case "regional-staff-activities":
                    definition = LiveIndicatorDefinition(
                        source: .regionalStaffActivities,
                        activityKinds: kinds?.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } ?? [])
                case "survey-satisfaction": definition = LiveIndicatorDefinition(source: .surveySatisfaction, question: question)
                case "none": definition = nil
                default:
                    throw MadoguchiError(.invalidOption, ja: "--source が不明です: \(source)", en: "Unknown --source \(source)")
                }
                let database = try MadoguchiDatabase.open(db)
                let now = try environmentClock().now()
                let stored = try await database.sheets.sheet(code: code)
                var sheet = stored.sheet
                guard let i = sheet.indicators.firstIndex(where: { $0.number == indicator }) else {
                    throw MadoguchiError(.sheetNotFound, ja: "評価票\(code)に指標\(Indicator.marker(indicator))はありません",
                                         en: "Sheet \(code) has no indicator \(indicator)")
                }
                sheet.indicators[i].live = definition
                // The version read is the version replaced: a change made in between is refused, not overwritten.
                try await database.sheets.save(
                    sheet, source: "edit", author: author, note: "指標\(Indicator.marker(indicator))の自動集計: \(source)",
                    expectedVersion: stored.version, now: now)
            }
        }
    }

    struct SurveyCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "survey", abstract: "Citizen surveys that feed satisfaction indicators.",
            subcommands: [Create.self, ImportAnswers.self])

        struct Create: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Create a survey from a JSON file: {id, title, fiscalYear, questions: [{code, text, options, satisfied}]}.")
            @Argument(help: "The survey JSON.") var file: String
            @Option(help: "The database: a SQLite file, or postgres://user@host:port/db.") var db: String = defaultDatabasePath

            func run() async throws {
                let id: String = try await reporting {
                    let data = try readFile(file)
                    let survey: Survey
                    do { survey = try JSONDecoder().decode(Survey.self, from: data) } catch {
                        throw MadoguchiError(.surveyInvalid, ja: "調査のJSONを読めません: \(file)", en: "Cannot read the survey JSON \(file): \(error)")
                    }
                    try await MadoguchiDatabase.open(db).indicators.saveSurvey(survey)
                    return survey.id
                }
                print(id)
            }
        }

        struct ImportAnswers: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                commandName: "import", abstract: "Import a survey's answers from CSV (回答者ID, then one column per question code).")
            @Argument(help: "The survey's id.") var survey: String
            @Argument(help: "The CSV file.") var file: String
            @Option(help: "The database: a SQLite file, or postgres://user@host:port/db.") var db: String = defaultDatabasePath
            @Option(help: "utf-8 or cp932; detected when omitted.") var encoding: String?

            func run() async throws {
                let n: Int = try await reporting {
                    let data = try readFile(file)
                    let chosen = try encoding.map { try textEncoding($0) }
                    return try await SurveyCSVImporter().run([UInt8](data), surveyId: survey, into: MadoguchiDatabase.open(db).indicators, encoding: chosen)
                }
                print("\(n) responses")
            }
        }
    }
}

func write(_ bytes: [UInt8], to out: String?) throws {
    if let out {
        guard FileManager.default.createFile(atPath: out, contents: Data(bytes)) else {
            throw fail(MadoguchiError(.fileUnreadable, ja: "書き込めません: \(out)", en: "Cannot write \(out)"))
        }
    } else {
        FileHandle.standardOutput.write(Data(bytes))
    }
}

/// The output forms of a sheet.
enum SheetOutput: String {
    case html, pdf, json

    func render(_ sheet: EvaluationSheet, options: SheetHTML.Options = .init()) throws -> [UInt8] {
        switch self {
        case .json: [UInt8](CanonicalSheetJSON.encode(sheet))
        case .html: Array(SheetHTML.document(sheet, options: options).utf8)
        case .pdf: try SheetPDF.render(sheet, options: options)
        }
    }
}
