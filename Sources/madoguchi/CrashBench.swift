import ArgumentParser
import AsyncHTTPClient
import Foundation
import MadoguchiDemo
import MadoguchiDomain
import MadoguchiIssuance
import MadoguchiStore
import NIOCore

/// `madoguchi bench crash`: a city killed with SIGKILL at random moments while clients issue certificates, again and
/// again, then restarted on the same file. Clients behave as counter terminals do: each request has its own
/// Idempotency-Key and is sent again, with the same key, until it is answered. Afterwards it checks what must hold
/// (issue 12, item 7):
/// - both hash chains intact;
/// - every document a client was given is in the ledger and in the certificate table, as the same subject;
/// - no idempotency key issued twice, and a retried key always answered with the same document;
/// - every issuance in the ledger is a certificate and every certificate is in the ledger.
struct CrashBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "crash",
        abstract: "kill -9 a city at random points during issuances, many times; check chains, documents and keys.")

    @Option(help: "Kill-and-restart cycles.") var runs: Int = 10
    @Option(help: "Issuances in all, spread over the runs.") var issuances: Int = 2_000
    @Option(help: "Clients issuing at once.") var concurrency: Int = 16
    @Option(help: "Persons in the city.") var residents: Int = 1_000
    @Option(help: "Seed of the random kill points.") var seed: UInt64 = 7
    @Flag(help: "Print the report as JSON.") var json = false
    @Option(help: "Keep the run's files here.") var dir: String?

    struct Report: Codable {
        var runs = 0
        var kills = 0
        var issuances = 0
        var answered = 0
        var retries = 0
        var refused = 0
        var seconds = 0.0
        var issuedPerSecond = 0.0
        var ledgerEntries = 0
        var certificates = 0
        var violations: [String] = []
    }

    /// What one client was told about one key.
    struct Answer: Sendable {
        var key: String
        var subject: Int64
        var documents: [String]
        var attempts: Int
        var refused: Bool
    }

    func run() async throws {
        let folder = URL(fileURLWithPath: dir ?? FileManager.default.temporaryDirectory.appendingPathComponent("madoguchi-crash-\(UUID().uuidString)").path)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let path = folder.appendingPathComponent("city.sqlite").path
        try? FileManager.default.removeItem(atPath: path)
        log("seeding \(residents) persons…")
        let database = try MadoguchiDatabase.open(path: path)
        _ = try DemoCityGenerator.generate(into: database, options: .init(residents: residents, seed: 3))
        let subjects = try await database.inspection.subjects(
            bornBefore: "2005-01-01", bornAfter: nil, withoutMoveOutNotice: false, withSeal: false, limit: 200)
        let (token, _) = try await StaffService(database: database).issueCredential(
            label: "crash bench terminal", login: nil, roles: [.clerk], facilityId: "chuo-ward-office", by: "bench")
        let port = Int.random(in: 20_000...32_000)
        let url = "http://127.0.0.1:\(port)"
        let binary = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        let environment = ["MADOGUCHI_CLOCK": "2026-11-24T10:00:00+09:00", "LOG_LEVEL": "warning"]
        func start(_ n: Int) throws -> Child {
            try Child(binary, ["serve", "--db", path, "--port", String(port)], environment, log: folder.appendingPathComponent("city-\(n).log"))
        }
        var configuration = HTTPClient.Configuration()
        configuration.timeout = .init(connect: .seconds(1), read: .seconds(30))
        let http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)

        var server = try start(0)
        try await waitUntilHealthy(http, url)
        var report = Report(runs: runs, issuances: issuances)
        var random = DemoRandom(seed: seed)
        let began = ContinuousClock.now
        let perRun = max(1, issuances / max(1, runs))
        var answers: [Answer] = []
        var next = 0
        for run in 0..<runs {
            let count = run == runs - 1 ? issuances - next : min(perRun, issuances - next)
            guard count > 0 else { break }
            let keys = (next..<(next + count)).map { (key: "crash-\(seed)-\($0)", subject: subjects[$0 % subjects.count]) }
            next += count
            // Kill somewhere inside this run's issuances: after a random share of them has been sent.
            let killAfter = Int.random(in: 1...max(1, count - 1), using: &random)
            let sent = Counter()
            let current = server
            // The killer: SIGKILL mid-run, then the city comes back on the same file; cut-off clients retry meanwhile.
            let killer = Task { () throws -> Child in
                while await sent.value < killAfter { try? await Task.sleep(for: .milliseconds(2)) }
                current.kill()
                try? await Task.sleep(for: .milliseconds(200))
                return try start(run + 1)
            }
            let runAnswers = await withTaskGroup(of: [Answer].self) { group in
                let lanes = max(1, concurrency)
                for lane in 0..<lanes {
                    let mine = stride(from: lane, to: keys.count, by: lanes).map { keys[$0] }
                    group.addTask {
                        var out: [Answer] = []
                        for (key, subject) in mine {
                            await sent.add()
                            out.append(await Self.issue(http, url, token: token, key: key, subject: subject))
                        }
                        return out
                    }
                }
                var all: [Answer] = []
                for await part in group { all += part }
                return all
            }
            server = try await killer.value
            report.kills += 1
            answers += runAnswers
            try await waitUntilHealthy(http, url)
            log("run \(run + 1)/\(runs): \(count) issuances, killed after \(killAfter) were sent")
        }
        // Requests left unanswered when their run ended (the city was down) are sent again now, with the same key.
        var settled: [Answer] = []
        for answer in answers {
            if answer.documents.isEmpty && !answer.refused {
                var again = await Self.issue(http, url, token: token, key: answer.key, subject: answer.subject)
                again.attempts += answer.attempts
                settled.append(again)
            } else {
                settled.append(answer)
            }
        }
        let elapsed = ContinuousClock.now - began
        report.seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        server.stop()

        // The checks.
        let reopened = try MadoguchiDatabase.open(path: path)
        let ledger = try await reopened.ledger.verify()
        if let bad = ledger.firstBad { report.violations.append("ledger broken at #\(bad): \(ledger.problem ?? "")") }
        let access = try await reopened.accessLog.verify()
        if let bad = access.firstBad { report.violations.append("access log broken at #\(bad): \(access.problem ?? "")") }
        report.ledgerEntries = ledger.entries
        let stored = try await reopened.inspection.issuanceFacts()
        report.certificates = stored.subjects.count
        for (key, n) in stored.issuesByKey where n > 1 { report.violations.append("key \(key) issued \(n) times") }
        for answer in settled {
            report.retries += max(0, answer.attempts - 1)
            if answer.refused { report.refused += 1; continue }
            guard let first = answer.documents.first else {
                report.violations.append("key \(answer.key) never answered")
                continue
            }
            report.answered += 1
            if Set(answer.documents).count > 1 { report.violations.append("key \(answer.key) answered with \(Set(answer.documents).count) documents") }
            if stored.subjects[first] != answer.subject {
                report.violations.append("document \(first) given to a client is not a certificate of subject \(answer.subject)")
            }
            if !stored.issuedDocuments.contains(first) { report.violations.append("document \(first) given to a client is not in the ledger") }
        }
        if Set(stored.subjects.keys) != stored.issuedDocuments {
            report.violations.append("certificates \(stored.subjects.count) and ledger issuances \(stored.issuedDocuments.count) differ")
        }
        report.issuedPerSecond = Double(report.answered) / max(report.seconds, 0.001)
        try? await http.shutdown()
        if dir == nil { try? FileManager.default.removeItem(at: folder) }

        if json {
            try printJSON(report)
        } else {
            print("""
                crash run: \(report.runs) runs, \(report.kills) kills (SIGKILL), \(report.issuances) issuances by \(concurrency) clients
                answered \(report.answered), refused \(report.refused), retries \(report.retries), \(String(format: "%.0f", report.issuedPerSecond))/s with the kills
                ledger \(report.ledgerEntries) entries, certificates \(report.certificates)
                violations: \(report.violations.isEmpty ? "none" : report.violations.joined(separator: "; "))
                """)
        }
        if !report.violations.isEmpty { throw ExitCode(1) }
    }

    /// One issuance as a terminal sends it: the same key until an answer comes (201, or a coded refusal), for as long
    /// as a slow or busy machine takes to bring the city back (five minutes at most).
    static func issue(_ http: HTTPClient, _ url: String, token: String, key: String, subject: Int64) async -> Answer {
        var answer = Answer(key: key, subject: subject, documents: [], attempts: 0, refused: false)
        let body = """
            {"kind": "residentRecordCopy", "subjectId": \(subject),
             "requester": {"class": "self", "residentId": \(subject), "identityDocuments": ["myNumberCard"]}}
            """
        let deadline = ContinuousClock.now + .seconds(300)
        while ContinuousClock.now < deadline {
            answer.attempts += 1
            var request = HTTPClientRequest(url: url + "/api/v1/certificates")
            request.method = .POST
            request.headers.add(name: "Authorization", value: "Bearer \(token)")
            request.headers.add(name: "X-Madoguchi-Purpose", value: "certificate")
            request.headers.add(name: "Idempotency-Key", value: key)
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(string: body))
            if let response = try? await http.execute(request, timeout: .seconds(30)),
                let data = try? await response.body.collect(upTo: 1 << 20)
            {
                let object = (try? JSONSerialization.jsonObject(with: Data(buffer: data))) as? [String: Any]
                if response.status == .created, let id = object?["id"] as? String {
                    answer.documents.append(id)
                    return answer
                }
                if response.status.code == 422 {
                    answer.refused = true
                    return answer
                }
            }
            try? await Task.sleep(for: .milliseconds(50))
        }
        return answer
    }

    func log(_ text: String) {
        if !json { FileHandle.standardError.write(Data("[crash] \(text)\n".utf8)) }
    }
}

/// A count shared by the clients of a run.
actor Counter {
    private(set) var value = 0
    func add() { value += 1 }
}

/// Waits for a server's health check (up to a minute).
func waitUntilHealthy(_ http: HTTPClient, _ url: String) async throws {
    for _ in 0..<600 {
        if let response = try? await http.execute(HTTPClientRequest(url: url + "/health"), timeout: .seconds(2)), response.status == .ok {
            return
        }
        try await Task.sleep(for: .milliseconds(100))
    }
    throw MadoguchiError(.invalidOption, ja: "起動しませんでした: \(url)", en: "Did not start: \(url)")
}
