import ArgumentParser
import GRDB
import MadoguchiDomain
import MadoguchiStore

struct LedgerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ledger", abstract: "The issuance ledger.", subcommands: [Verify.self])

    struct Verify: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check the hash chain of every ledger entry; name the first bad entry and exit 1 if any.")

        @Option(help: "The SQLite database.") var db: String = defaultDatabasePath

        func run() throws {
            let result = try reporting {
                try MadoguchiDatabase.open(path: db).writer.read { d in try Ledger.verify(d) }
            }
            if let bad = result.firstBad {
                printError("台帳が改ざんされています: 第\(bad)項（\(result.problem ?? "")）")
                printError("ledger broken at entry #\(bad): \(result.problem ?? "")")
                throw ExitCode(1)
            }
            print("ledger ok: \(result.entries) entries, head \(result.head ?? "(empty)")")
        }
    }
}
