import ArgumentParser
import AsyncHTTPClient
import Foundation
import MadoguchiDemo
import MadoguchiDomain
import MadoguchiHub
import MadoguchiIssuance
import MadoguchiPKI
import MadoguchiProcess
import MadoguchiServer
import MadoguchiStore

/// `madoguchi bench kiosk`: three city servers and two hubs on loopback, many concurrent store sessions with
/// injected faults (slow prints, print failures, kiosks that vanish, wrong PINs) and one city killed and
/// restarted mid-run. Then every city's records are checked: each document printed belongs to the card that
/// asked for it, each aborted session left a voided ledger entry and no valid document. Exits 1 on any
/// violation.
///
/// With `--stepped-clock` the cities and hubs read their clock from a file the bench writes: it stands still
/// while sessions run and is stepped past the deadlines only when every session in flight is a slow print
/// waiting for exactly that, and at the end. No deadline then passes because the machine is slow or busy, so
/// the outcome of every session depends on its fault alone (what the tests run). Without it the clock is the
/// real one and the figures are the machine's (what the benchmarks report).
struct KioskBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kiosk",
        abstract: "Store sessions through 2 hubs to 3 cities, with faults; checks no document reaches the wrong person.")

    @Option(help: "Store sessions to run.") var sessions: Int = 1000
    @Option(help: "Sessions in flight at once.") var concurrency: Int = 1000
    @Option(help: "Persons in each demo city.") var residents: Int = 1500
    @Option(help: "Cards issued in each city.") var cardsPerCity: Int = 60
    @Option(help: "Seconds a kiosk has to confirm a print (the cities' deadline).") var printSeconds: Double = 20
    @Option(help: "Seconds a session may wait between steps (the cities' deadline).") var sessionSeconds: Double = 180
    @Flag(help: "The clock stands still while sessions run and the bench steps it past deadlines: outcomes do not depend on the machine's speed.")
    var steppedClock = false
    @Flag(help: "No injected faults and no city restart: clean throughput.") var noFaults = false
    @Option(help: "Keep the databases and logs here (a temporary folder otherwise).") var dir: String?
    @Option(help: "When no session has ended for this many seconds, write what is in flight and what the databases are doing to the error output (JSON mode too).")
    var stallSeconds: Int = 300
    @Option(help: "First of five loopback ports.") var basePort: Int = 0
    @Option(help: "Run the three cities on this PostgreSQL server (postgres://user@host:port/db), each in a database of its own made and dropped by the bench, instead of SQLite files.")
    var postgres: String?
    @Flag(help: "Print the report as JSON.") var json = false

    static let cities: [(code: String, name: String, seed: UInt64)] = [
        ("149802", "窓口市", 1), ("149829", "東窓市", 2), ("149837", "西窓市", 3),
    ]
    static let clockStart = "2026-11-24T10:00:00+09:00"

    enum Fault: String, CaseIterable, Codable { case none, slowPrint, printFailure, vanish, wrongPinOnce }

    struct Card: Sendable {
        var card: SoftwareCard
        var city: Int
        var residentId: Int64
    }

    struct Result: Sendable {
        var requestId: String
        var city: Int
        var card: Int
        var fault: Fault
        var outcome: String
        var code: String?
        var documentId: String?
        var token: String?
        var seconds: Double
    }

    struct Report: Codable {
        var sessions = 0
        var printed = 0
        var refused = 0
        var failed = 0
        var vanished = 0
        var failures: [String: Int] = [:]
        var faults: [String: Int] = [:]
        var seconds = 0.0
        var sessionsPerSecond = 0.0
        var p50ms = 0.0
        var p99ms = 0.0
        var documentsIssued = 0
        var documentsVoided = 0
        var voidEntries = 0
        var cityRestarted = false
        var steppedClock = false
        /// `sqlite` or `postgres`: where the cities kept their data
        var engine = "sqlite"
        var clockSteps = 0
        var confirmationLost = 0
        var violations: [String] = []
    }

    static let chains = ["セブン", "ローソン", "ファミマ"]

    func run() async throws {
        let folder = URL(fileURLWithPath: dir ?? FileManager.default.temporaryDirectory.appendingPathComponent("madoguchi-bench-\(UUID().uuidString)").path)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let start = MadoguchiClock.parse(Self.clockStart)!.now()
        let port = basePort > 0 ? basePort : Int.random(in: 20_000...32_000)  // below the ephemeral range
        // Each hub its own signing key, which the cities accept; each store chain its own secret at the hubs.
        let hubKeys = (0..<2).map { HubSignature.SigningKey.generate(id: "bench-hub-\($0)") }
        for (i, key) in hubKeys.enumerated() {
            let path = folder.appendingPathComponent("hub-\(i).key").path
            try? FileManager.default.removeItem(atPath: path)
            FileManager.default.createFile(atPath: path, contents: Data(key.fileText.utf8), attributes: [.posixPermissions: 0o600])
        }
        try hubKeys.map { "\($0.id) \($0.publicKey)\n" }.joined().write(to: folder.appendingPathComponent("hub-keys"), atomically: true, encoding: .utf8)
        let chains = Dictionary(uniqueKeysWithValues: Self.chains.map { ($0, ServerConfiguration.generateToken()) })
        try chains.map { "\($0.key) \($0.value)\n" }.joined().write(to: folder.appendingPathComponent("chains"), atomically: true, encoding: .utf8)
        var env = ["LOG_LEVEL": "warning"]
        var clockFile: SteppedClock?
        if steppedClock {
            let stepped = SteppedClock(path: folder.appendingPathComponent("clock").path, start: start)
            try stepped.write()
            env["MADOGUCHI_CLOCK_FILE"] = stepped.path
            clockFile = stepped
        } else {
            env["MADOGUCHI_CLOCK"] = Self.clockStart
        }

        // 1. Three cities and their cards (most for adults who can print; some for children, who are refused).
        log("seeding 3 cities × \(residents) persons and issuing \(cardsPerCity) cards each…")
        var databases: [MadoguchiDatabase] = []
        var cards: [Card] = []
        // On PostgreSQL: a database per city on the server, one key-encryption key for the run (the servers read it from
        // the environment, as a city's servers would), all dropped at the end.
        let server = try postgres.map { try PostgresCities(server: $0) }
        defer { server?.drop() }
        if let server { env["MADOGUCHI_MASTER_KEY"] = server.keyText }
        func location(_ city: (code: String, name: String, seed: UInt64)) -> String {
            server?.url(city.code) ?? folder.appendingPathComponent("city-\(city.code).sqlite").path
        }
        for (i, city) in Self.cities.enumerated() {
            let database: MadoguchiDatabase
            if let server {
                database = try server.create(city.code)
            } else {
                let path = location(city)
                try? FileManager.default.removeItem(atPath: path)
                database = try MadoguchiDatabase.open(path: path)
            }
            _ = try DemoCityGenerator.generate(
                into: database,
                options: .init(residents: residents, seed: city.seed, city: .init(code: try LocalGovernmentCode(city.code), name: city.name)))
            let children = max(1, cardsPerCity / 10)
            let adults = try await database.inspection.subjects(
                bornBefore: "1995-01-01", bornAfter: nil, withoutMoveOutNotice: true, withSeal: true, limit: cardsPerCity - children)
            let minors = try await database.inspection.subjects(
                bornBefore: nil, bornAfter: "2013-01-01", withoutMoveOutNotice: true, withSeal: false, limit: children)
            for id in adults + minors {
                let card = try await database.cards.issue(residentId: id, pin: "1234", medium: .card, now: start)
                cards.append(Card(card: card, city: i, residentId: id))
            }
            databases.append(database)
        }

        // 2. The servers and hubs, from this same binary.
        let binary = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        func serverArguments(_ i: Int) -> [String] {
            let city = Self.cities[i]
            return ["serve", "--db", location(city), "--port", String(port + i),
                    "--city", city.code, "--city-name", city.name, "--kiosk-print-seconds", String(printSeconds),
                    "--kiosk-session-seconds", String(sessionSeconds), "--hub-keys", folder.appendingPathComponent("hub-keys").path]
        }
        let launched = Date()
        var servers = try (0..<3).map { try Child(binary, serverArguments($0), env, log: folder.appendingPathComponent("city-\($0).log")) }
        let cityPairs = (0..<3).flatMap { ["--city", "\(Self.cities[$0].code)=http://127.0.0.1:\(port + $0)"] }
        let hubs = try (0..<2).map {
            // With the stepped clock a session's outcome must not depend on the machine's speed: the hubs then wait
            // as long as a starved city needs instead of answering hub.cityUnavailable after 20 s.
            try Child(binary, ["hub", "--port", String(port + 3 + $0), "--key", folder.appendingPathComponent("hub-\($0).key").path,
                               "--chains", folder.appendingPathComponent("chains").path]
                          + (clockFile == nil ? [] : ["--upstream-timeout", "600"]) + cityPairs,
                      env, log: folder.appendingPathComponent("hub-\($0).log"))
        }
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool = .init(idleTimeout: .seconds(30), concurrentHTTP1ConnectionsPerHostSoftLimit: 256)
        // Patient: on a two-core machine that also runs a test suite, a hub's accept loop can be starved for seconds; a
        // session that cannot connect would count as a network failure of the system, not of the machine.
        configuration.timeout = .init(connect: .seconds(60), read: .seconds(300))
        let http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        var report: Report
        do {
            report = try await drive(http: http, servers: &servers, folder: folder, port: port, binary: binary, env: env,
                                     cards: cards, chains: chains, databases: databases, serverArguments: serverArguments,
                                     start: start, launched: launched, clock: clockFile, activity: { [admin = server?.admin, prefix = server?.prefix] in
                                         guard let admin else { return "" }
                                         return await PostgresCities.activity(admin: admin, prefix: prefix ?? "") })
        } catch {
            for s in servers { s.stop() }
            for h in hubs { h.stop() }
            try? await http.shutdown()
            throw error
        }
        for s in servers { s.stop() }
        for h in hubs { h.stop() }
        try? await http.shutdown()
        if json {
            try printJSON(report)
        } else {
            print("""
                sessions \(report.sessions) in \(String(format: "%.1f", report.seconds)) s: \(String(format: "%.1f", report.sessionsPerSecond)) sessions/s
                printed \(report.printed) (p50 \(String(format: "%.0f", report.p50ms)) ms, p99 \(String(format: "%.0f", report.p99ms)) ms), refused \(report.refused), failed \(report.failed), vanished \(report.vanished)
                failures \(report.failures.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " "))
                documents issued \(report.documentsIssued), voided \(report.documentsVoided) (void ledger entries \(report.voidEntries)); city restarted: \(report.cityRestarted)
                violations: \(report.violations.count)
                """)
            for v in report.violations.prefix(20) { print("  ✗ \(v)") }
        }
        if dir == nil { try? FileManager.default.removeItem(at: folder) }
        if !report.violations.isEmpty { throw ExitCode(1) }
    }

    func drive(
        http: HTTPClient, servers: inout [Child], folder: URL, port: Int, binary: URL, env: [String: String], cards: [Card],
        chains: [String: String], databases: [MadoguchiDatabase], serverArguments: (Int) -> [String], start: Date, launched: Date, clock: SteppedClock?,
        activity: @escaping @Sendable () async -> String
    ) async throws -> Report {
        for p in port..<(port + 5) { try await waitUntilHealthy(http, "http://127.0.0.1:\(p)") }

        // 3. The sessions, with faults drawn from a seeded sequence.
        var random = DemoRandom(seed: 2026)
        let plan: [(card: Int, hub: Int, kind: CertificateKind, fault: Fault)] = (0..<sessions).map { i in
            let roll = random.next() % 100
            let fault: Fault = noFaults ? .none : roll < 3 ? .slowPrint : roll < 6 ? .printFailure : roll < 9 ? .vanish : roll < 12 ? .wrongPinOnce : .none
            let kinds: [CertificateKind] = [.residentRecordCopy, .residentRecordCopy, .sealRegistrationCertificate, .taxCertificate]
            return (Int(random.next() % UInt64(cards.count)), i % 2, kinds[Int(random.next() % 4)], fault)
        }
        log("running \(sessions) sessions, \(concurrency) at once, faults \(noFaults ? "off" : "on")…")
        let printSeconds = self.printSeconds
        let allCards = cards
        let began = ContinuousClock.now
        let killAfter = noFaults ? Int.max : sessions / 4
        // Slow prints wait at this gate; when every session in flight waits there, the clock steps past the print
        // deadline and they go on. On the real clock they sleep past it instead.
        let gate = clock.map { clock in
            SlowPrintGate { try clock.advance(by: printSeconds + 2) }
        }
        var results: [Result] = []
        var restarted = false
        var killTask: Task<Child, any Error>?
        let progress = BenchProgress()
        let watchdog = Task { [stallSeconds] in
            await Self.watch(progress, gate: gate, databases: databases, activity: activity, stallSeconds: stallSeconds)
        }
        defer { watchdog.cancel() }
        try await withThrowingTaskGroup(of: Result.self) { group in
            var next = 0
            func launch() {
                let i = next
                next += 1
                let (cardIndex, hubIndex, kind, fault) = plan[i]
                gate?.launched()
                group.addTask {
                    await Self.session(
                        http: http, hub: "http://127.0.0.1:\(port + 3 + hubIndex)", store: "S\(i % 50)", card: allCards[cardIndex],
                        cardIndex: cardIndex, chains: chains, kind: kind, fault: fault, printSeconds: printSeconds, gate: gate)
                }
            }
            while next < min(concurrency, sessions) { launch() }
            for try await result in group {
                results.append(result)
                progress.finished()
                if next < sessions { launch() }
                gate?.finished()
                // A city dies mid-run and comes back two seconds later.
                if results.count == killAfter, killTask == nil {
                    let victim = servers[1]
                    let arguments = serverArguments(1)
                    log("killing \(Self.cities[1].name) (SIGKILL) with sessions in flight…")
                    victim.kill()
                    killTask = Task {
                        try await Task.sleep(for: .seconds(2))
                        // The restarted server's clock goes on from where the others are, not from the start again.
                        var later = env
                        if later["MADOGUCHI_CLOCK"] != nil {
                            later["MADOGUCHI_CLOCK"] = Self.instant(start.addingTimeInterval(Date().timeIntervalSince(launched).rounded(.up)))
                        }
                        return try Child(binary, arguments, later, log: folder.appendingPathComponent("city-1-restarted.log"))
                    }
                }
            }
        }
        if let killTask {
            servers[1] = try await killTask.value
            try await waitUntilHealthy(http, "http://127.0.0.1:\(port + 1)")
            restarted = true
        }
        let elapsed = ContinuousClock.now - began
        let seconds = elapsed.seconds

        // 4. Let the deadlines pass so the cities' sweeps abort what kiosks left behind, then check everything.
        var unfinished = 0
        if let clock {
            try clock.advance(by: max(printSeconds, sessionSeconds) + 1)
            log("clock stepped past every deadline; waiting for the sweeps…")
            unfinished = try await waitForSweeps(databases, upTo: .seconds(600))
        } else {
            log("waiting for the deadlines and sweeps…")
            unfinished = try await waitForSweeps(databases, upTo: .seconds(noFaults ? 2 : max(printSeconds, sessionSeconds) + 30))
        }
        var report = try await check(results, cards: cards, databases: databases)
        if unfinished > 0 { log("\(unfinished) sessions still open when the wait ended") }
        report.steppedClock = clock != nil
        report.engine = postgres == nil ? "sqlite" : "postgres"
        report.clockSteps = clock?.steps ?? 0
        if clock != nil {
            // The clock stood still but for the slow prints' steps: any other session that expired is a deadline
            // computed wrong, not a slow machine.
            for r in results where r.code == "kiosk.sessionExpired" && r.fault != .slowPrint {
                report.violations.append("\(Self.cities[r.city].name): \(r.requestId) (\(r.fault.rawValue)) expired while the clock stood still")
            }
        }
        report.seconds = seconds
        report.sessionsPerSecond = Double(results.count) / seconds
        report.cityRestarted = restarted || noFaults
        let latencies = results.filter { $0.outcome == "printed" }.map(\.seconds).sorted()
        if !latencies.isEmpty {
            report.p50ms = latencies[latencies.count / 2] * 1000
            report.p99ms = latencies[min(latencies.count - 1, Int(Double(latencies.count) * 0.99))] * 1000
        }
        if !noFaults && !restarted { report.violations.append("the city was not restarted") }
        if report.printed == 0 { report.violations.append("nothing printed") }
        return report
    }

    /// Writes to the error output, even in JSON mode, what the run stands on whenever no session has ended for
    /// `stallSeconds`: sessions in flight and at the slow-print gate, the sessions each city holds open, and on
    /// PostgreSQL every connection of the cities that is not idle with what it waits for. A run that hangs then
    /// says where (CI, 2026-12-05: the PostgreSQL run once went silent until CI's time ran out).
    static func watch(
        _ progress: BenchProgress, gate: SlowPrintGate?, databases: [MadoguchiDatabase], activity: @Sendable () async -> String, stallSeconds: Int
    ) async {
        var reported = 0
        while !Task.isCancelled {
            try? await Task.sleep(for: .seconds(5))
            let (ended, idle) = progress.idleSeconds()
            guard idle >= Double(stallSeconds), Int(idle) / stallSeconds > reported else {
                if idle < Double(stallSeconds) { reported = 0 }
                continue
            }
            reported = Int(idle) / stallSeconds
            var lines = ["kiosk bench: no session has ended for \(Int(idle)) s (\(ended) ended)"]
            if let gate {
                let (inFlight, waiting) = gate.counts
                lines.append("  in flight \(inFlight), waiting at the slow-print gate \(waiting)")
            }
            for (i, database) in databases.enumerated() {
                let open = (try? await database.inspection.openKioskSessions()).map(String.init) ?? "unreadable"
                lines.append("  \(cities[i].name): open sessions \(open)")
            }
            let busy = await activity()
            if !busy.isEmpty { lines.append(busy) }
            FileHandle.standardError.write(Data((lines.joined(separator: "\n") + "\n").utf8))
        }
    }

    /// An ISO 8601 instant in JST, as MADOGUCHI_CLOCK takes it.
    static func instant(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = TimeZone(secondsFromGMT: 9 * 3600)
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: date)
    }

    /// Waits until no city has a session still open (the sweeps have aborted what was left), or the time is up.
    /// Returns how many are still open.
    func waitForSweeps(_ databases: [MadoguchiDatabase], upTo limit: Duration) async throws -> Int {
        let deadline = ContinuousClock.now + limit
        while true {
            var open = 0
            for database in databases {
                open += try await database.inspection.openKioskSessions()
            }
            if open == 0 || ContinuousClock.now >= deadline { return open }
            try await Task.sleep(for: .milliseconds(200))
        }
    }

    /// One store session, with its fault.
    static func session(
        http: HTTPClient, hub: String, store: String, card: Card, cardIndex: Int, chains: [String: String], kind: CertificateKind,
        fault: Fault, printSeconds: Double, gate: SlowPrintGate?
    ) async -> Result {
        let chain = Self.chains[cardIndex % Self.chains.count]
        // With the stepped clock a step waits as long as the hub does: a kiosk that gave up after 20 s and retried
        // would only add a second request to a busy city's queue, and the outcome would depend on the machine's speed.
        let client = KioskClient(
            hub: hub, chain: chain, store: store, credential: chains[chain] ?? "", client: http, attempts: 6,
            stepTimeoutSeconds: gate == nil ? 20 : 600)
        let transaction = KioskTransaction(client: client)
        var softwareCard = card.card
        let order = KioskOrder(kind: kind, copies: 1 + cardIndex % 2)
        let began = ContinuousClock.now
        func result(_ outcome: String, _ code: String? = nil, document: String? = nil, token: String? = nil) -> Result {
            let d = ContinuousClock.now - began
            return Result(
                requestId: transaction.requestId, city: card.city, card: cardIndex, fault: fault, outcome: outcome, code: code,
                documentId: document, token: token, seconds: d.seconds)
        }
        if fault == .vanish {
            // The kiosk loses power after the document arrives: no print confirmation, no abort.
            do {
                let city = softwareCard.cityCode
                let started = try await client.start(city: city, requestId: transaction.requestId)
                let challenge = try KioskClient.challenge(of: started, city: city, requestId: transaction.requestId)
                let signature = try softwareCard.sign(challenge: challenge, pin: "1234")
                let authenticated = try await client.step(
                    "card", city: city, requestId: transaction.requestId,
                    body: KioskWire.CardProof(certificate: softwareCard.certificatePEM, signature: Base64URL.encode(signature)))
                let serial = authenticated.cardSerial ?? ""
                let secret = authenticated.sessionSecret
                let quote = try await client.step(
                    "quote", city: city, requestId: transaction.requestId,
                    body: KioskWire.Choice(cardSerial: serial, sessionSecret: secret, order: order))
                let issued = try await client.step(
                    "order", city: city, requestId: transaction.requestId,
                    body: KioskWire.Choice(cardSerial: serial, sessionSecret: secret, order: order, paidYen: quote.quoteYen ?? 0))
                return result("vanished", document: issued.documentId)
            } catch {
                return result("vanished", (error as? KioskFailure)?.code)
            }
        }
        if fault == .wrongPinOnce { _ = try? softwareCard.sign(challenge: Data("x".utf8), pin: "0000") }
        let outcome = await transaction.run(card: &softwareCard, pin: "1234", order: order) { _, _ in
            switch fault {
            case .slowPrint:
                if let gate { try await gate.wait() } else { try await Task.sleep(for: .seconds(printSeconds + 2)) }
            case .printFailure: throw KioskFailure(code: "printer.jam", ja: "紙詰まり", en: "Paper jam")
            default: break
            }
        }
        switch outcome {
        case .printed(let view, _): return result("printed", document: view.documentId, token: view.token)
        case .refused(let reasons): return result("refused", reasons.first?.code)
        case .failed(let failure, _): return result("failed", failure.code)
        }
    }

    /// Reads every city's records and checks them against what the kiosks saw.
    func check(_ results: [Result], cards: [Card], databases: [MadoguchiDatabase]) async throws -> Report {
        var report = Report()
        report.sessions = results.count
        for r in results {
            report.faults[r.fault.rawValue, default: 0] += 1
            switch r.outcome {
            case "printed": report.printed += 1
            case "refused": report.refused += 1
            case "vanished": report.vanished += 1
            default:
                report.failed += 1
                report.failures[r.code ?? "?", default: 0] += 1
            }
        }
        for (i, database) in databases.enumerated() {
            let name = Self.cities[i].name
            let keys = try IssuanceService(database: database).jwks()
            let facts = try await database.inspection.kioskFacts()
            let (sessions, voidEntries, openCount, ledger) = (facts.sessions, facts.voided, facts.openSessions, facts.ledger)
            let certificates = facts.certificates.mapValues { ($0.subjectId, $0.status, $0.token) }
            if !ledger.isIntact { report.violations.append("\(name): ledger broken at \(ledger.firstBad ?? -1)") }
            if openCount > 0 { report.violations.append("\(name): \(openCount) sessions still open after their deadlines") }
            report.documentsIssued += certificates.count
            report.documentsVoided += certificates.values.filter { $0.1 == "voided" }.count
            report.voidEntries += voidEntries.count
            let holders = Dictionary(cards.filter { $0.city == i }.map { ($0.card.serial, $0.residentId) }, uniquingKeysWith: { a, _ in a })
            // Every kiosk document, valid or void, belongs to the card of its session.
            var completed = 0
            for (requestId, s) in sessions {
                guard let documentId = s.documentId else { continue }
                guard let c = certificates[documentId] else {
                    report.violations.append("\(name): session \(requestId) names a missing document")
                    continue
                }
                if c.0 != s.residentId || holders[s.cardSerial ?? ""] != c.0 {
                    report.violations.append("\(name): document \(documentId) of \(requestId) is not the card holder's")
                }
                switch s.state {
                case .completed?:
                    completed += 1
                    if c.1 != "issued" { report.violations.append("\(name): completed \(requestId) has a \(c.1) document") }
                case .aborted?:
                    if c.1 != "voided" || !voidEntries.contains(documentId) {
                        report.violations.append("\(name): aborted \(requestId) left document \(documentId) \(c.1)")
                    }
                default:
                    report.violations.append("\(name): session \(requestId) ended \(s.state?.rawValue ?? "?") with a document")
                }
            }
            for (id, c) in certificates where c.1 == "issued" {
                if !sessions.values.contains(where: { $0.documentId == id && $0.state == .completed }) {
                    report.violations.append("\(name): valid document \(id) without a completed session")
                }
            }
            // What the kiosks printed is what the city recorded for that card, and verifies.
            var printedHere = 0
            var lostHere = 0
            for r in results where r.city == i {
                let s = sessions[r.requestId]
                if r.outcome == "printed" {
                    printedHere += 1
                    guard let s, s.state == .completed, let doc = r.documentId, let c = certificates[doc], s.documentId == doc else {
                        report.violations.append("\(name): printed \(r.requestId) is not a completed session of its document")
                        continue
                    }
                    let card = cards[r.card]
                    if c.0 != card.residentId { report.violations.append("\(name): \(r.requestId) printed another person's document") }
                    let verification = DocumentVerification.offline(r.token ?? "", keys: keys)
                    let birth = try await database.inspection.birthDate(residentId: card.residentId)
                    if verification.status != .valid || verification.claims?.jti != doc || verification.claims?.births.first != birth
                        || r.token != c.2
                    {
                        report.violations.append("\(name): \(r.requestId)'s QR claims do not match the card holder")
                    }
                } else if let s, s.state == .completed {
                    lostHere += 1  // printed and valid, but the kiosk never heard the confirmation
                } else if let s, s.state != .aborted, s.state != .refused {
                    report.violations.append("\(name): \(r.outcome) \(r.requestId) left the session \(s.state?.rawValue ?? "?")")
                }
            }
            report.confirmationLost += lostHere
            if completed != printedHere + lostHere {
                report.violations.append("\(name): \(completed) completed sessions, \(printedHere) printed")
            }
        }
        return report
    }

    func log(_ text: String) {
        if !json { FileHandle.standardError.write(Data((text + "\n").utf8)) }
    }
}

/// A child process of this binary (a city server or a hub), its output and errors appended to `log`. It holds none of
/// the bench's descriptors (`Spawned`), and its stop is bounded: SIGTERM, then SIGKILL to it and all it started.
final class Child: Sendable {
    let process: Spawned

    init(_ binary: URL, _ arguments: [String], _ environment: [String: String], log: URL) throws {
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        process = try Spawned(
            binary.path, arguments, environment: environment, output: .file(log.path), error: .output, ownGroup: false)
    }

    var isRunning: Bool { process.isRunning }

    func kill() {
        Foundation.kill(process.pid, SIGKILL)
        process.wait()
    }

    func stop() {
        process.stop(grace: .seconds(60))
    }
}

/// How many sessions have ended, and when the last one did.
final class BenchProgress: @unchecked Sendable {
    private let lock = NSLock()
    private var ended = 0
    private var last = ContinuousClock.now

    func finished() { lock.withLock { ended += 1; last = .now } }

    /// Sessions ended, and seconds since the last one (or since the start).
    func idleSeconds() -> (Int, Double) {
        lock.withLock {
            let d = ContinuousClock.now - last
            return (ended, d.seconds)
        }
    }
}

/// The clock file of a `--stepped-clock` run: the cities and hubs read it (`MADOGUCHI_CLOCK_FILE`); the bench
/// steps it.
final class SteppedClock: @unchecked Sendable {
    let path: String
    private let lock = NSLock()
    private var instant: Date
    private(set) var steps = 0

    init(path: String, start: Date) {
        self.path = path
        self.instant = start
    }

    func write() throws {
        try lock.withLock { try FileClock.write(instant, to: path) }
    }

    func advance(by seconds: Double) throws {
        try lock.withLock {
            instant = instant.addingTimeInterval(seconds.rounded(.up))
            steps += 1
            try FileClock.write(instant, to: path)
        }
    }
}

/// Where slow prints wait on a stepped clock. When every session in flight is waiting here, nothing else can be
/// overtaken by a deadline: the gate steps the clock past the print deadline and lets them all go on.
final class SlowPrintGate: @unchecked Sendable {
    private let lock = NSLock()
    private var inFlight = 0
    private var waiting: [CheckedContinuation<Void, any Error>] = []
    private let step: @Sendable () throws -> Void

    init(step: @escaping @Sendable () throws -> Void) { self.step = step }

    /// A session was launched.
    func launched() { lock.withLock { inFlight += 1 } }

    /// Sessions in flight, and how many of them wait here.
    var counts: (Int, Int) { lock.withLock { (inFlight, waiting.count) } }

    /// A session ended (its result was taken).
    func finished() {
        let released = lock.withLock { () -> ([CheckedContinuation<Void, any Error>], (any Error)?) in
            inFlight -= 1
            return releaseIfAllWait()
        }
        resume(released)
    }

    /// A slow print waits here until the clock has passed its deadline.
    func wait() async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            let released = lock.withLock { () -> ([CheckedContinuation<Void, any Error>], (any Error)?) in
                waiting.append(continuation)
                return releaseIfAllWait()
            }
            resume(released)
        }
    }

    /// Under the lock: when all sessions in flight wait, step the clock and hand back the waiters to resume.
    private func releaseIfAllWait() -> ([CheckedContinuation<Void, any Error>], (any Error)?) {
        guard !waiting.isEmpty, waiting.count == inFlight else { return ([], nil) }
        let released = waiting
        waiting = []
        do { try step() } catch { return (released, error) }
        return (released, nil)
    }

    private func resume(_ released: ([CheckedContinuation<Void, any Error>], (any Error)?)) {
        for continuation in released.0 {
            if let error = released.1 { continuation.resume(throwing: error) } else { continuation.resume() }
        }
    }
}

/// The bench's cities on a PostgreSQL server: a database each, made fresh and dropped at the end.
final class PostgresCities {
    let admin: PostgresEngine
    let server: URLComponents
    let prefix = "madoguchi_bench_" + String(UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(8))
    let keys = MasterKey.generate()
    var made: [String] = []

    init(server url: String) throws {
        guard let components = URLComponents(string: url) else {
            throw MadoguchiError(.invalidOption, ja: "--postgres がURLとして読めません", en: "--postgres is not a URL")
        }
        server = components
        admin = try PostgresEngine(url: url, threads: 1)
    }

    var keyText: String { keys.fileText.trimmingCharacters(in: .whitespacesAndNewlines) }

    func url(_ code: String) -> String {
        var url = server
        url.path = "/\(prefix)_\(code)"
        return url.string!
    }

    func create(_ code: String) throws -> MadoguchiDatabase {
        try admin.autocommit("CREATE DATABASE \(prefix)_\(code)")
        made.append("\(prefix)_\(code)")
        return try MadoguchiDatabase.open(postgres: url(code), keys: keys)
    }

    /// The cities' connections that are not idle: state, what they wait for, for how long, and the statement.
    static func activity(admin: PostgresEngine, prefix: String) async -> String {
        let rows = try? await admin.transaction(readOnly: true, async: { session in
            try session.rows("""
                SELECT pid, datname, state, coalesce(wait_event_type || ':' || wait_event, '') AS waiting,
                       coalesce(extract(epoch FROM now() - xact_start)::bigint, 0) AS seconds, left(query, 160) AS query
                FROM pg_stat_activity WHERE datname LIKE ? AND state <> 'idle' AND pid <> pg_backend_pid() ORDER BY xact_start
                """, [.text(prefix + "%")])
        })
        guard let rows else { return "  pg_stat_activity unreadable" }
        return rows.map { row in
            let field = { (name: String) in (try? row.text(name)) ?? "" }
            return "  pg \((try? row.int("pid")) ?? 0) \(field("datname")) \(field("state")) \(field("waiting")) \((try? row.int("seconds")) ?? 0) s: \(field("query").split(whereSeparator: \.isWhitespace).joined(separator: " "))"
        }.joined(separator: "\n")
    }

    func drop() {
        for name in made { try? admin.autocommit("DROP DATABASE IF EXISTS \(name) WITH (FORCE)") }
        admin.closeIdle()
    }
}
