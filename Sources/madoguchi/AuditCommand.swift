import ArgumentParser
import Foundation
import MadoguchiDomain
import MadoguchiStore

/// `madoguchi audit`: the access log at the console (the auditor's page is /audit).
struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit", abstract: "The access log: every read of a person's data by staff.",
        subcommands: [Verify.self, Export.self])

    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check the hash chain of the access log; name the first bad entry and exit 1 if any.")

        @Option(help: "The database: a SQLite file, or postgres://user@host:port/db.") var db: String = defaultDatabasePath

        func run() async throws {
            let result = try await reporting { try await MadoguchiDatabase.open(db).accessLog.verify() }
            if let bad = result.firstBad {
                printError("閲覧記録が改ざんされています: 第\(bad)項（\(result.problem ?? "")）")
                printError("access log broken at entry #\(bad): \(result.problem ?? "")")
                throw ExitCode(1)
            }
            print("access log ok: \(result.entries) entries, head \(result.head ?? "(empty)")")
        }
    }

    struct Export: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Write the access log as CSV (UTF-8), oldest first.")

        @Option(help: "The database: a SQLite file, or postgres://user@host:port/db.") var db: String = defaultDatabasePath
        @Option(help: "From this day (YYYY-MM-DD).") var from: String?
        @Option(help: "Reads of this resident only.") var resident: Int64?
        @Flag(help: "要確認 (支援措置) reads only.") var flagged = false

        func run() async throws {
            let entries = try await reporting {
                try await MadoguchiDatabase.open(db).accessLog.entries(
                    AccessFilter(from: from, residentId: resident, flaggedOnly: flagged, limit: 100_000))
            }
            print(AccessRecord.csvHeader)
            for e in entries.reversed() { print(e.record.csvLine(sequence: e.sequence)) }
        }
    }
}
