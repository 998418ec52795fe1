import ArgumentParser
import Foundation
import MadoguchiDomain
import MadoguchiPKI
import MadoguchiStore

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

struct LedgerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ledger", abstract: "The issuance ledger.", subcommands: [Verify.self, Checkpoint.self])

    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check the hash chain of every ledger entry; name the first bad entry and exit 1 if any.",
            discussion: """
                With --checkpoint (a file kept from /ledger/checkpoint or `madoguchi ledger checkpoint`, or that URL),
                also check that the ledger and the access log still hold the heads the checkpoint signed: a ledger
                rewritten after it, every hash recomputed, is caught. The checkpoint's signature is checked with the
                city's keys: --jwks (a file or URL), else the database's own.
                """)

        @Option(help: "The database: a SQLite file, or postgres://user@host:port/db.") var db: String = defaultDatabasePath
        @Option(help: "A checkpoint kept earlier: a file, or a URL.") var checkpoint: String?
        @Option(help: "The city's public keys (JWKS file or URL) to check the checkpoint with.") var jwks: String?

        func run() async throws {
            let database = try reporting { try MadoguchiDatabase.open(db) }
            let result = try await reporting { try await database.ledger.verify() }
            if let bad = result.firstBad {
                printError("台帳が改ざんされています: 第\(bad)項（\(result.problem ?? "")）")
                printError("ledger broken at entry #\(bad): \(result.problem ?? "")")
                throw ExitCode(1)
            }
            guard let checkpoint else {
                print("ledger ok: \(result.entries) entries, head \(result.head ?? "(empty)")")
                return
            }
            let published = try await Self.load(checkpoint)
            let keys = try await reporting {
                if let jwks { return try await loadJWKS(jwks) }
                return try await database.ledger.publicKeys()
            }
            let kept = try reporting { try Checkpoints.read(published, jwks: keys) }
            let access = try await reporting { try await database.accessLog.verify() }
            if let bad = access.firstBad {
                printError("閲覧記録が改ざんされています: 第\(bad)項 / access log broken at entry #\(bad): \(access.problem ?? "")")
                throw ExitCode(1)
            }
            let problems = try await reporting { try await database.ledger.problems(against: kept) }
            guard problems.isEmpty else {
                printError("チェックポイント（\(kept.at)）以後に書き換えられています / rewritten since the checkpoint of \(kept.at):")
                for problem in problems { printError("  \(problem)") }
                throw ExitCode(1)
            }
            print("""
                ledger ok: \(result.entries) entries, head \(result.head ?? "(empty)")
                checkpoint of \(kept.at) holds: ledger #\(kept.ledger.sequence), access log #\(kept.access.sequence)
                """)
        }

        static func load(_ source: String) async throws -> PublishedCheckpoint {
            let data = try await fetchFileOrURL(source, what: "チェックポイント")
            guard let published = try? JSONDecoder().decode(PublishedCheckpoint.self, from: data) else {
                throw fail(MadoguchiError(.checkpointInvalid, ja: "チェックポイントとして読めません: \(source)", en: "Not a checkpoint: \(source)"))
            }
            return published
        }
    }

    struct Checkpoint: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print a signed checkpoint of the ledger's and the access log's heads (as GET /ledger/checkpoint), to keep.")

        @Option(help: "The database: a SQLite file, or postgres://user@host:port/db.") var db: String = defaultDatabasePath

        func run() async throws {
            let published = try await reporting {
                let database = try MadoguchiDatabase.open(db)
                let now = try environmentClock().now()
                try await database.setUpKeys(now: now)
                return try await database.ledger.checkpoint(at: LedgerRecord.timestamp(now))
            }
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
            print(String(decoding: try encoder.encode(published), as: UTF8.self))
        }
    }
}

/// The city's public keys from a file or URL (as `madoguchi verify --jwks`).
private func loadJWKS(_ source: String) async throws -> JWKSet { try await Verify.loadKeys(source) }
