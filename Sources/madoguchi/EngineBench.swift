import ArgumentParser
import AsyncHTTPClient
import Foundation
import MadoguchiDemo
import MadoguchiDomain
import MadoguchiIssuance
import MadoguchiPKI
import MadoguchiServer
import MadoguchiStore
import NIOCore

/// `madoguchi bench engines`: issuance on SQLite and on PostgreSQL, side by side in one run. The same demo city is
/// seeded into a fresh SQLite file and a fresh PostgreSQL database; the issuance use case (eligibility, ledger append,
/// signed certificate, idempotency key, in one transaction) then runs from `concurrency` tasks on each. Rendering and
/// HTTP are left out: this is what the engine costs. With `--http`, each city is a `madoguchi serve` of this binary
/// and the certificates are asked for over its API (`POST /api/v1/certificates`, with the access log's entry for each):
/// what a counter sees.
struct EngineBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "engines", abstract: "Issuance on SQLite and on PostgreSQL, side by side (needs a PostgreSQL server).")

    @Option(help: "A PostgreSQL server (postgres://user@host:port/db) on which to make and drop a database of the bench's own.")
    var postgres: String
    @Option(help: "Persons in the demo city.") var residents: Int = 5_000
    @Option(help: "Certificates to issue on each engine.") var issuances: Int = 4_000
    @Option(help: "Tasks issuing at once.") var concurrency: Int = 16
    @Flag(help: "Issue over HTTP through a `madoguchi serve` of each engine, as counters do.") var http = false

    func run() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("madoguchi-engine-bench-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let name = "madoguchi_bench_\(UInt32.random(in: 0...UInt32.max))"
        let admin = try PostgresEngine(url: postgres, threads: 1)
        try admin.autocommit("CREATE DATABASE \(name)")
        defer {
            try? admin.autocommit("DROP DATABASE IF EXISTS \(name) WITH (FORCE)")
            admin.closeIdle()
        }
        guard var url = URLComponents(string: postgres) else { throw ValidationError("--postgres is not a URL") }
        url.path = "/" + name
        let keys = MasterKey.generate()
        let engines: [(String, MadoguchiDatabase)] = [
            ("sqlite", try MadoguchiDatabase.open(path: folder.appendingPathComponent("city.sqlite").path, keys: keys)),
            ("postgres", try MadoguchiDatabase.open(postgres: url.string ?? postgres, keys: keys)),
        ]
        var rates: [Double] = []
        for (label, database) in engines {
            let seedStart = ContinuousClock.now
            _ = try DemoCityGenerator.generate(into: database, options: .init(residents: residents, seed: 1))
            let seedSeconds = Self.seconds(ContinuousClock.now - seedStart)
            let service = IssuanceService(database: database, clock: .parse("2026-11-24T10:00:00+09:00")!)
            try service.prepareSigning()
            let subjects = try await database.transaction(readOnly: true, async: { s in
                try s.column("SELECT id FROM resident WHERE removedOn IS NULL ORDER BY id", as: Int64.self)
            })
            let perTask = max(1, issuances / concurrency)
            if http {
                let location = label == "sqlite" ? folder.appendingPathComponent("city.sqlite").path : (url.string ?? postgres)
                let (count, seconds) = try await overHTTP(
                    database, location: location, keys: keys, subjects: subjects, perTask: perTask, folder: folder, label: label)
                let verification = try service.verifyLedger()
                rates.append(Double(perTask * concurrency) / seconds)
                print(String(format: "%@ over HTTP: seeded %d persons in %.1f s; %d requests (%d issued) from %d tasks in %.2f s: %.0f per second; ledger %@ (%d entries)",
                             label, residents, seedSeconds, perTask * concurrency, count, concurrency, seconds, rates.last ?? 0,
                             verification.isIntact ? "intact" : "BROKEN", verification.entries))
                continue
            }
            let start = ContinuousClock.now
            let issued = try await withThrowingTaskGroup(of: Int.self) { group in
                for t in 0..<concurrency {
                    group.addTask {
                        var count = 0
                        for i in 0..<perTask {
                            let subject = subjects[(t * perTask + i) % subjects.count]
                            let outcome = try await service.issue(
                                async: .init(
                                    kind: .residentRecordCopy, subjectId: subject,
                                    requester: Requester(.self, residentId: subject, identityDocuments: [.myNumberCard])),
                                idempotencyKey: "bench-\(t)-\(i)")
                            if case .issued = outcome { count += 1 }
                        }
                        return count
                    }
                }
                return try await group.reduce(0, +)
            }
            let seconds = Self.seconds(ContinuousClock.now - start)
            let verification = try service.verifyLedger()
            rates.append(Double(perTask * concurrency) / seconds)
            print(String(format: "%@: seeded %d persons in %.1f s; %d requests (%d issued) from %d tasks in %.2f s: %.0f per second; ledger %@ (%d entries)",
                         label, residents, seedSeconds, perTask * concurrency, issued, concurrency, seconds, rates.last ?? 0,
                         verification.isIntact ? "intact" : "BROKEN", verification.entries))
        }
        print(String(format: "postgres / sqlite: %.0f %%", 100 * rates[1] / rates[0]))
    }

    /// A `madoguchi serve` on `location`, a counter terminal's credential, and `concurrency` tasks asking for
    /// certificates over its API. Returns how many were issued and the seconds it took.
    func overHTTP(
        _ database: MadoguchiDatabase, location: String, keys: MasterKey, subjects: [Int64], perTask: Int, folder: URL, label: String
    ) async throws -> (Int, Double) {
        guard let facility = try database.registry.facilities().first(where: { $0.kind == .wardOffice })?.id else {
            throw ValidationError("the demo city has no ward office")
        }
        let secret = ServerConfiguration.generateToken()
        _ = try await database.staff.issueCredential(
            tokenHash: StaffPasswords.fingerprint(secret), label: "bench-\(label)", login: nil, at: LedgerRecord.timestamp(Date()), by: "bench",
            scope: { _ in ([.clerk], facility) })
        let port = Int.random(in: 20_000...32_000)
        let binary = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        let env = ["LOG_LEVEL": "warning", "MADOGUCHI_CLOCK": "2026-11-24T10:00:00+09:00",
                   "MADOGUCHI_MASTER_KEY": keys.fileText.trimmingCharacters(in: .whitespacesAndNewlines)]
        let server = try Child(binary, ["serve", "--db", location, "--port", String(port)], env,
                               log: folder.appendingPathComponent("serve-\(label).log"))
        defer { server.stop() }
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool = .init(idleTimeout: .seconds(30), concurrentHTTP1ConnectionsPerHostSoftLimit: 64)
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        do {
            let result = try await issue(client, port: port, secret: secret, subjects: subjects, perTask: perTask)
            try await client.shutdown()
            return result
        } catch {
            try? await client.shutdown()
            throw error
        }
    }

    func issue(_ client: HTTPClient, port: Int, secret: String, subjects: [Int64], perTask: Int) async throws -> (Int, Double) {
        let base = "http://127.0.0.1:\(port)"
        try await waitUntilHealthy(client, base)
        let concurrency = self.concurrency
        let start = ContinuousClock.now
        let issued = try await withThrowingTaskGroup(of: Int.self) { group in
            for t in 0..<concurrency {
                group.addTask {
                    var count = 0
                    for i in 0..<perTask {
                        let subject = subjects[(t * perTask + i) % subjects.count]
                        var request = HTTPClientRequest(url: base + "/api/v1/certificates")
                        request.method = .POST
                        request.headers.add(name: "Authorization", value: "Bearer \(secret)")
                        request.headers.add(name: "Content-Type", value: "application/json")
                        request.headers.add(name: "X-Madoguchi-Purpose", value: "certificate")
                        request.headers.add(name: "Idempotency-Key", value: "bench-http-\(t)-\(i)")
                        request.body = .bytes(ByteBuffer(string: #"{"kind":"residentRecordCopy","subjectId":\#(subject),"requester":{"class":"self","residentId":\#(subject),"identityDocuments":["myNumberCard"]}}"#))
                        let response = try await client.execute(request, timeout: .seconds(60))
                        _ = try await response.body.collect(upTo: 1 << 20)
                        if response.status == .created { count += 1 }
                    }
                    return count
                }
            }
            return try await group.reduce(0, +)
        }
        return (issued, Self.seconds(ContinuousClock.now - start))
    }

    static func seconds(_ d: Duration) -> Double {
        Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
    }
}
