import ArgumentParser
import Foundation
import MadoguchiDemo
import MadoguchiDomain
import MadoguchiIssuance
import MadoguchiPKI
import MadoguchiStore

/// `madoguchi bench verify`: checking a QR code's token on one core, offline (the city's signature against its
/// published keys, as a phone or a bank does) and online (the same, then the certificate's record: issued, voided or
/// reprinted), and whether verifying writes anything (the write-ahead log grows with any write).
struct VerifyBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify", abstract: "Tokens verified per second on one core, offline and against the city's records.")

    @Option(help: "Persons in the demo city.") var residents: Int = 2_000
    @Option(help: "Certificates to issue and verify.") var certificates: Int = 2_000
    @Option(help: "Verifications to time, offline.") var count: Int = 50_000

    func run() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("madoguchi-verify-bench-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("city.sqlite").path
        let database = try MadoguchiDatabase.open(path: path)
        _ = try DemoCityGenerator.generate(into: database, options: .init(residents: residents, seed: 1))
        let service = IssuanceService(database: database, clock: .parse("2026-11-24T10:00:00+09:00")!)
        try service.prepareSigning()
        let subjects = try await database.inspection.residentIds()
        var tokens: [String] = []
        for i in 0..<certificates {
            let subject = subjects[i % subjects.count]
            let outcome = try service.issue(
                .init(kind: .residentRecordCopy, subjectId: subject, requester: Requester(.self, residentId: subject, identityDocuments: [.myNumberCard])),
                idempotencyKey: "verify-bench-\(i)")
            if case .issued(let c, _) = outcome { tokens.append(c.token) }
        }
        guard !tokens.isEmpty else { throw ValidationError("no certificate was issued") }
        let keys = try service.jwks()
        func seconds(_ d: Duration) -> Double { Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18 }
        let clock = ContinuousClock()
        var valid = 0
        let offline = clock.measure {
            for i in 0..<count where DocumentVerification.offline(tokens[i % tokens.count], keys: keys).status == .valid { valid += 1 }
        }
        let size = { (try? FileManager.default.attributesOfItem(atPath: path + "-wal")[.size] as? Int) ?? 0 }
        let walBefore = size()
        let onlineCount = min(count, 5 * tokens.count)
        var onlineValid = 0
        let online = try clock.measure {
            for i in 0..<onlineCount where try service.verify(tokens[i % tokens.count]).status == .valid { onlineValid += 1 }
        }
        print(String(format: "offline: %d tokens (%d valid) on 1 thread in %.2f s: %.0f per second, %.1f µs each",
                     count, valid, seconds(offline), Double(count) / seconds(offline), seconds(offline) / Double(count) * 1e6))
        print(String(format: "online:  %d tokens (%d valid) on 1 thread in %.2f s: %.0f per second, %.1f µs each; write-ahead log %d → %d bytes",
                     onlineCount, onlineValid, seconds(online), Double(onlineCount) / seconds(online), seconds(online) / Double(onlineCount) * 1e6,
                     walBefore, size()))
    }
}
