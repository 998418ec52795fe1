import ArgumentParser
import Foundation
import MadoguchiDemo
import MadoguchiDomain
import MadoguchiIssuance
import MadoguchiStore

/// `madoguchi bench audit`: what recording every read costs, against the read itself, in one run on a file database:
/// a resident's detail alone, then the same detail with its access entry written (its own transaction, as the server
/// does), then verifying the whole chain and finding one resident's reads.
struct AuditBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit", abstract: "The access log's cost per read, its verification and a resident's lookup, in one run.")

    @Option(help: "Persons in the demo city.") var residents: Int = 20_000
    @Option(help: "Reads to time.") var reads: Int = 5_000

    func run() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("madoguchi-audit-bench-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let database = try MadoguchiDatabase.open(path: folder.appendingPathComponent("city.sqlite").path)
        _ = try DemoCityGenerator.generate(into: database, options: .init(residents: residents, seed: 1))
        let today = CivilDate(year: 2026, month: 11, day: 24)!
        _ = try DemoScenarios.add(into: database, asOf: today)
        let ids = try await database.inspection.residentIds()
        var random = DemoRandom(seed: 11)
        let picks = (0..<reads).map { _ in random.pick(ids) }
        let registry = database.registry
        let audit = AccessAudit(database: database, clock: .system)
        let clerk = StaffIdentity(accountId: nil, login: "device:bench", displayName: "bench", roles: [.clerk], facilityId: "chuo-ward-office")

        func seconds(_ d: Duration) -> Double { Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18 }
        let clock = ContinuousClock()
        let alone = try clock.measure { for id in picks { _ = try registry.detail(id: id, on: today) } }
        let audited = try await clock.measure {
            for id in picks {
                guard let d = try registry.detail(id: id, on: today) else { continue }
                try await audit.record(
                    .init(.detail, subjects: [id] + d.householdMembers.map(\.id), route: "GET /api/v1/residents/{id}"), by: clerk, purpose: .certificate)
            }
        }
        let verify = try await clock.measure { _ = try await audit.verify() }
        let lookup = try await clock.measure {
            for id in picks.prefix(500) { _ = try await audit.entries(AccessFilter(residentId: id)) }
        }
        let size = (try? FileManager.default.attributesOfItem(atPath: folder.appendingPathComponent("city.sqlite").path)[.size] as? Int) ?? 0
        let (a, b) = (seconds(alone) / Double(reads) * 1e6, seconds(audited) / Double(reads) * 1e6)
        print("""
            reads \(reads) on \(residents) persons (file database, WAL)
            detail alone           \(String(format: "%8.1f", a)) µs/read
            detail + access entry  \(String(format: "%8.1f", b)) µs/read  (x\(String(format: "%.1f", b / max(a, 0.001))), entry \(String(format: "%.1f", b - a)) µs)
            verify the chain       \(String(format: "%8.1f", seconds(verify) * 1000)) ms for \(reads) entries
            a resident's reads     \(String(format: "%8.1f", seconds(lookup) / 500 * 1e6)) µs/lookup
            database \(size / 1_048_576) MiB
            """)
    }
}
