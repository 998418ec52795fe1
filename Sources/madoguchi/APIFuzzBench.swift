import ArgumentParser
import AsyncHTTPClient
import Foundation
import MadoguchiDemo
import MadoguchiDomain
import MadoguchiIssuance
import MadoguchiPKI
import MadoguchiStore

/// `madoguchi bench api-fuzz`: property-based fuzzing of every operation in the city's OpenAPI document with
/// schemathesis (Python, from PyPI), against a city configured as in production: hub keys, and the relay with a
/// second city behind it, so that no route answers "not configured". A staff credential (clerk and supervisor, with a
/// purpose) lets the staff API be reached; the kiosk and relay routes answer their own doors (401). The check is
/// schemathesis' `not_a_server_error`: no 5xx and no dropped connection, whatever the input (issue 12, item 7).
struct APIFuzzBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "api-fuzz", abstract: "schemathesis against the OpenAPI document of a fully configured city: no 5xx, no crash.")

    @Option(help: "Examples per operation and phase.") var examples: Int = 100
    @Option(help: "schemathesis workers.") var workers: Int = 2
    @Option(help: "The seed of the generated cases.") var seed: UInt64 = 1
    @Option(help: "Keep the run's files here.") var dir: String?

    func run() async throws {
        let folder = URL(fileURLWithPath: dir ?? FileManager.default.temporaryDirectory.appendingPathComponent("madoguchi-api-fuzz-\(UUID().uuidString)").path)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        func path(_ name: String) -> String { folder.appendingPathComponent(name).path }
        let binary = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        let clock = ["MADOGUCHI_CLOCK": "2026-11-24T10:00:00+09:00", "LOG_LEVEL": "warning"]

        // Two cities, a hub key both accept, and the relay between them.
        let a = try MadoguchiDatabase.open(path: path("a.sqlite"))
        _ = try DemoCityGenerator.generate(into: a, options: .init(residents: 300, seed: 5))
        _ = try DemoScenarios.add(into: a, asOf: CivilDate(year: 2026, month: 11, day: 24)!)
        let b = try MadoguchiDatabase.open(path: path("b.sqlite"))
        _ = try DemoCityGenerator.generate(
            into: b, options: .init(residents: 200, seed: 2, city: .init(code: try LocalGovernmentCode("149829"), name: "東窓市")))
        let (token, _) = try await StaffService(database: a).issueCredential(
            label: "api fuzz terminal", login: nil, roles: [.clerk, .supervisor], facilityId: "chuo-ward-office", by: "bench")
        let hub = HubSignature.SigningKey.generate(id: "fuzz-hub")
        try "\(hub.id) \(hub.publicKey)\n".write(toFile: path("hub-keys"), atomically: true, encoding: .utf8)
        let (secretA, secretB) = (StaffPasswords.secret(), StaffPasswords.secret())
        try "149802 \(secretA)\n149829 \(secretB)\n".write(toFile: path("secrets"), atomically: true, encoding: .utf8)
        let port = Int.random(in: 20_000...31_990)
        var envA = clock
        envA["MADOGUCHI_RELAY_TOKEN"] = secretA
        envA["MADOGUCHI_RELAY_URL"] = "http://127.0.0.1:\(port + 2)"
        var envB = clock
        envB["MADOGUCHI_RELAY_TOKEN"] = secretB
        let children = [
            try Child(binary, ["serve", "--db", path("a.sqlite"), "--port", String(port), "--hub-keys", path("hub-keys")], envA, log: URL(fileURLWithPath: path("a.log"))),
            try Child(binary, ["serve", "--db", path("b.sqlite"), "--port", String(port + 1), "--city", "149829", "--city-name", "東窓市",
                               "--hub-keys", path("hub-keys")], envB, log: URL(fileURLWithPath: path("b.log"))),
            try Child(binary, ["relay", "--port", String(port + 2), "--city", "149802=http://127.0.0.1:\(port)",
                               "--city", "149829=http://127.0.0.1:\(port + 1)", "--secrets", path("secrets")], clock, log: URL(fileURLWithPath: path("relay.log"))),
        ]
        defer { children.forEach { $0.stop() } }
        for p in port...(port + 2) { try await waitUntilHealthy(HTTPClient.shared, "http://127.0.0.1:\(p)") }

        let started = ContinuousClock.now
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        // Through python3 rather than the `schemathesis` script, which a user's pip may put off the PATH.
        process.arguments = [
            "python3", "-c", "import sys; from schemathesis.cli import schemathesis; sys.argv[0] = 'schemathesis'; sys.exit(schemathesis())",
            "run", "http://127.0.0.1:\(port)/openapi.json", "--checks", "not_a_server_error",
            "--max-examples", String(examples), "--workers", String(workers), "--seed", String(seed),
            "--header", "Authorization: Bearer \(token)", "--header", "X-Madoguchi-Purpose: certificate", "--no-color",
        ]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        do { try process.run() } catch {
            throw fail(MadoguchiError(.toolMissing, ja: "schemathesis が見つかりません（pip install schemathesis）", en: "schemathesis is not installed"))
        }
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        let elapsed = ContinuousClock.now - started
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        let summary = text.split(separator: "\n").filter {
            $0.contains("generated") || $0.contains("ST10") || $0.contains("Selected") || $0.contains("curl") || $0.hasPrefix("___")
        }
        let alive = children.allSatisfy { $0.isRunning }
        print(summary.joined(separator: "\n"))
        print(String(format: "api fuzz: %d examples per operation, %.1f s, schemathesis exit %d, servers %@", examples, seconds,
                     process.terminationStatus, alive ? "still running" : "DIED"))
        if dir == nil { try? FileManager.default.removeItem(at: folder) }
        if process.terminationStatus != 0 || !alive { throw ExitCode(1) }
    }
}
