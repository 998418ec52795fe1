import Foundation
import GRDB
import MadoguchiDomain
@testable import MadoguchiStore
import MadoguchiTestSupport
import Testing

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

struct DaemonError: Error, CustomStringConvertible {
    let description: String
}

/// A server or hub started from the real binary, stopped when the test ends.
final class Daemon: @unchecked Sendable {
    let process: Spawned
    let port: Int
    let log: URL?

    /// `log`: a file that takes the daemon's standard output and error (otherwise they are dropped).
    init(_ arguments: [String], port: Int, environment: [String: String] = [:], log: URL? = nil) throws {
        self.port = port
        self.log = log
        let output: Spawned.Output = log.map { .file($0.path) } ?? .null
        if let log { _ = FileManager.default.createFile(atPath: log.path, contents: nil) }
        process = try Spawned(CLI.binary.path, arguments + ["--port", String(port)], environment: environment, output: output,
                              error: log == nil ? .null : .output)
    }

    var url: String { "http://127.0.0.1:\(port)" }

    /// Waits for the daemon to answer its health check, for as long as it takes a slow or busy machine to start it;
    /// fails at once when the process has exited. The polling runs on a thread of its own with a plain socket, not on
    /// the test process's cooperative pool: other suites' synchronous tests can hold both of its threads for minutes
    /// on a two-core machine, and a poll waiting for them once ran out its 300 s while the daemon was up (CI,
    /// 2026-12-05).
    func waitUntilHealthy() async throws {
        let port = port
        let answered: Bool? = await withCheckedContinuation { continuation in
            Thread { [self] in
                let deadline = Date().addingTimeInterval(300)
                let request = Data("GET /health HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nConnection: close\r\n\r\n".utf8)
                while Date() < deadline {
                    if let answer = try? RawSocket.exchange(port: port, request), answer.starts(with: Data("HTTP/1.1 200".utf8)) {
                        continuation.resume(returning: true)
                        return
                    }
                    guard self.process.isRunning else {
                        continuation.resume(returning: false)
                        return
                    }
                    Thread.sleep(forTimeInterval: 0.1)
                }
                continuation.resume(returning: nil)
            }.start()
        }
        switch answered {
        case true: return
        case false: throw DaemonError(description: "\(process.arguments) exited with status \(process.status ?? -1)\(logTail)")
        default: throw DaemonError(description: "\(process.arguments) did not answer /health in 300 s\(logTail)")
        }
    }

    /// The last lines of the daemon's log, for a failure's message (how far its start-up got).
    var logTail: String {
        guard let log, let text = try? String(contentsOf: log, encoding: .utf8) else { return "" }
        return "; its log ends:\n" + text.split(separator: "\n", omittingEmptySubsequences: false).suffix(30).joined(separator: "\n")
    }

    func stop() { process.stop() }

    deinit { process.terminate() }
}

/// A hub's signing key, the cities' hub-keys file and the store chains' secrets, made as an operator would: the key
/// with `madoguchi hub keygen`, whose printed line goes into the cities' file.
struct HubSetup {
    let keyFile: String
    let hubKeysFile: String
    let chainsFile: String
    /// Store chain → its secret at the hub
    let secrets: [String: String]

    init(_ dir: URL, chains: [String] = ["セブン", "ローソン", "MADOGUCHI-MART"]) throws {
        keyFile = dir.appendingPathComponent("hub.key").path
        hubKeysFile = dir.appendingPathComponent("hub-keys").path
        chainsFile = dir.appendingPathComponent("chains").path
        let made = try CLI.run(["hub", "keygen", "--id", "hub-test-1", "--out", keyFile])
        guard made.status == 0 else { throw DaemonError(description: "hub keygen: \(made.err)") }
        try ("# 登録ハブ\n" + made.out).write(toFile: hubKeysFile, atomically: true, encoding: .utf8)
        var secrets: [String: String] = [:]
        for chain in chains { secrets[chain] = UUID().uuidString + UUID().uuidString }
        self.secrets = secrets
        try secrets.map { "\($0.key) \($0.value)\n" }.joined().write(toFile: chainsFile, atomically: true, encoding: .utf8)
    }

    /// What `madoguchi hub` needs besides its cities.
    var hub: [String] { ["--key", keyFile, "--chains", chainsFile] }
    /// What `madoguchi serve` needs to turn its kiosk protocol on.
    var city: [String] { ["--hub-keys", hubKeysFile] }
    /// A store of `chain`: its secret, as `madoguchi kiosk` and `madoguchi store` read it.
    func store(_ chain: String) -> [String: String] { ["MADOGUCHI_STORE_TOKEN": secrets[chain] ?? ""] }
    func bearer(_ chain: String) -> [String: String] { ["Authorization": "Bearer \(secrets[chain] ?? "")"] }
}

enum HTTP {
    static func get(_ url: String, headers: [String: String] = [:]) async -> (Int, String)? {
        var request = URLRequest(url: URL(string: url)!)
        for (k, v) in headers { request.setValue(v, forHTTPHeaderField: k) }
        guard let (data, response) = try? await URLSession.shared.data(for: request) else { return nil }
        return ((response as! HTTPURLResponse).statusCode, String(decoding: data, as: UTF8.self))
    }

    /// A POST with the path sent exactly as written (no normalisation by a URL type): a raw request over a socket.
    static func rawPost(port: Int, path: String, headers: [String: String], body: Data) throws -> (Int, String) {
        var head = "POST \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nContent-Type: application/json\r\nContent-Length: \(body.count)\r\nConnection: close\r\n"
        for (k, v) in headers { head += "\(k): \(v)\r\n" }
        let answer = try RawSocket.exchange(port: port, Data((head + "\r\n").utf8) + body)
        let text = String(decoding: answer, as: UTF8.self)
        let status = Int(text.split(separator: " ").dropFirst().first ?? "") ?? 0
        let bodyText = text.components(separatedBy: "\r\n\r\n").dropFirst().joined(separator: "\r\n\r\n")
        return (status, bodyText)
    }
}

@Suite("コンビニ交付（ハブ経由）", .serialized)
struct KioskCLITests {
    static func pick(_ db: String, _ condition: String) throws -> Int64 {
        let database = try MadoguchiDatabase.open(path: db)
        return try #require(try database.writer.read { d in
            try Int64.fetchOne(d, sql: """
                SELECT r.id FROM resident r WHERE r.removedOn IS NULL AND \(condition)
                  AND NOT EXISTS (SELECT 1 FROM supportMeasure m WHERE m.subjectId = r.id)
                  AND NOT EXISTS (SELECT 1 FROM residentMovement v WHERE v.residentId = r.id AND v.kind = 'moveOutNotified')
                  AND EXISTS (SELECT 1 FROM sealRegistration s WHERE s.residentId = r.id OR r.birthDate > '2012-01-01')
                ORDER BY r.id LIMIT 1
                """)
        })
    }

    static func birthDate(_ db: String, _ id: Int64) throws -> String? {
        try MadoguchiDatabase.open(path: db).writer.read { d in
            try String.fetchOne(d, sql: "SELECT birthDate FROM resident WHERE id = ?", arguments: [id])
        }
    }

    @Test("residents of two cities print through one hub; refusals, PIN lock and unlock, revocation, hours and settlement")
    func throughTheHub() async throws {
        let dir = CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        func path(_ name: String) -> String { dir.appendingPathComponent(name).path }
        #expect(try CLI.run(["seed", "--db", path("a.sqlite"), "--residents", "600"]).status == 0)
        #expect(try CLI.run(["seed", "--db", path("b.sqlite"), "--residents", "600", "--seed", "2", "--city", "149829",
                             "--city-name", "東窓市"]).status == 0)
        let adultA = try Self.pick(path("a.sqlite"), "r.birthDate < '1990-01-01'")
        let childA = try Self.pick(path("a.sqlite"), "r.birthDate > '2014-01-01'")
        let adultB = try Self.pick(path("b.sqlite"), "r.birthDate < '1990-01-01'")
        for (db, id, file) in [("a.sqlite", adultA, "adult-a.json"), ("a.sqlite", childA, "child-a.json"), ("b.sqlite", adultB, "adult-b.json")] {
            #expect(try CLI.run(["card", "issue", "--db", path(db), "--resident", String(id), "--pin", "1234", "--out", path(file)],
                                environment: ["MADOGUCHI_CLOCK": "2026-11-24T09:00:00+09:00"]).status == 0)
        }

        let base = FreePorts.base(6)
        let clock = ["MADOGUCHI_CLOCK": "2026-11-24T10:00:00+09:00"]
        let setup = try HubSetup(dir)
        let a = try Daemon(["serve", "--db", path("a.sqlite")] + setup.city, port: base, environment: clock)
        let b = try Daemon(["serve", "--db", path("b.sqlite"), "--city", "149829", "--city-name", "東窓市"] + setup.city, port: base + 1, environment: clock)
        let cities = ["--city", "149802=http://127.0.0.1:\(base)", "--city", "149829=http://127.0.0.1:\(base + 1)"] + setup.hub
        let hub = try Daemon(["hub"] + cities, port: base + 2, environment: clock)
        var early = clock
        early["MADOGUCHI_CLOCK"] = "2026-11-24T06:00:00+09:00"  // runs on: half an hour before opening
        // This hub reads its cities from a file, as an operator would configure one.
        try "# cities of this hub\n149802=http://127.0.0.1:\(base)\n\n149829=http://127.0.0.1:\(base + 1)\n"
            .write(toFile: path("hub.conf"), atomically: true, encoding: .utf8)
        let earlyHub = try Daemon(["hub", "--config", path("hub.conf")] + setup.hub, port: base + 3, environment: early)
        var yearEnd = clock
        yearEnd["MADOGUCHI_CLOCK"] = "2026-12-31T12:00:00+09:00"
        let yearEndHub = try Daemon(["hub"] + cities, port: base + 4, environment: yearEnd)
        defer { [a, b, hub, earlyHub, yearEndHub].forEach { $0.stop() } }
        for d in [a, b, hub, earlyHub, yearEndHub] { try await d.waitUntilHealthy() }

        func kiosk(_ card: String, pin: String = "1234", kind: String = "residentRecordCopy", copies: Int = 1, hub: Daemon = hub,
                   out: String = "out.pdf", chain: String = "セブン", environment: [String: String]? = nil) throws -> CLI.Result {
            try CLI.run(["kiosk", "--hub", hub.url, "--card", path(card), "--pin", pin, "--kind", kind, "--copies", String(copies),
                         "--out", path(out), "--chain", chain, "--store", "S-14"], environment: environment ?? setup.store(chain))
        }

        // A resident of 窓口市 prints two copies; the paper names them and its QR code verifies.
        let printed = try kiosk("adult-a.json", copies: 2, out: "a.pdf")
        #expect(printed.status == 0, "\(printed.err)")
        let pdf = URL(fileURLWithPath: path("a.pdf"))
        #expect(try Poppler.text(pdf).contains("窓口市"))
        let token = try Poppler.qr(pdf, page: 1)
        let parts = token.split(separator: ".")
        #expect(parts.count == 3)
        var payload = String(parts[1]).replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while payload.count % 4 != 0 { payload += "=" }
        let claims = try JSONSerialization.jsonObject(with: try #require(Data(base64Encoded: payload))) as? [String: Any]
        #expect(claims?["births"] as? [String] == [try Self.birthDate(path("a.sqlite"), adultA)].compactMap { $0 })
        #expect(claims?["iss"] as? String == "149802")
        let verified = try CLI.run(["verify", path("a.pdf"), "--jwks", "http://127.0.0.1:\(base)/.well-known/jwks.json"])
        #expect(verified.status == 0, "\(verified.out)\(verified.err)")

        // The hub routes a 東窓市 card to 東窓市.
        let other = try kiosk("adult-b.json", kind: "sealRegistrationCertificate", out: "b.pdf")
        #expect(other.status == 0, "\(other.err)")
        #expect(try Poppler.text(URL(fileURLWithPath: path("b.pdf"))).contains("東窓市"))

        // Store refusals: a child; a kind off the menu.
        let child = try kiosk("child-a.json", out: "child.pdf")
        #expect(child.status == 1)
        #expect(child.err.contains("refusal.underAgeUnattended"))
        #expect(!FileManager.default.fileExists(atPath: path("child.pdf")))
        let offMenu = try kiosk("adult-a.json", kind: "removedRecord", out: "x.pdf")
        #expect(offMenu.status == 1)
        #expect(offMenu.err.contains("refusal.kindNotAtChannel"))

        // Three wrong PINs lock the card; the right PIN then does not help; the counter unlocks it.
        let first = try kiosk("adult-a.json", pin: "0000")
        #expect(first.err.contains("card.pinWrong"))
        #expect(first.err.contains("あと2回"))
        #expect(try kiosk("adult-a.json", pin: "0000").err.contains("card.pinWrong"))
        #expect(try kiosk("adult-a.json", pin: "0000").err.contains("card.locked"))
        let locked = try kiosk("adult-a.json")
        #expect(locked.status == 1)
        #expect(locked.err.contains("card.locked"))
        #expect(try CLI.run(["card", "unlock", "--card", path("adult-a.json")]).status == 0)
        #expect(try kiosk("adult-a.json", kind: "taxCertificate", out: "tax.pdf").status == 0)

        // Out of hours and over the new year, the hub turns the store away.
        let tooEarly = try kiosk("adult-a.json", hub: earlyHub)
        #expect(tooEarly.status == 1)
        #expect(tooEarly.err.contains("kiosk.closed"))
        #expect(try kiosk("adult-a.json", hub: yearEndHub).err.contains("kiosk.closed"))

        // The cities answer only hubs; an unknown city is refused by the hub.
        #expect(await HTTP.get(a.url + "/kiosk/v1/menu")?.0 == 401)
        #expect(await HTTP.get(hub.url + "/kiosk/v1/menu", headers: ["X-Madoguchi-City": "131016"].merging(setup.bearer("セブン")) { a, _ in a })?.0 == 404)
        let menu = await HTTP.get(hub.url + "/kiosk/v1/menu", headers: ["X-Madoguchi-City": "149829"].merging(setup.bearer("セブン")) { a, _ in a })
        #expect(menu?.1.contains("東窓市") == true)

        // A hub refuses a city code with a bad check digit, a city given twice, and no cities at all.
        for (arguments, code) in [
            (["--city", "149803=http://127.0.0.1:1"], "city.code.invalid"), (["--city", "149802=http://a", "--city", "149802=http://b"], "hub.badConfiguration"),
            (["--city", "149802=ftp://a"], "hub.badConfiguration"), ([String](), "hub.badConfiguration"),
        ] {
            let refused = try CLI.run(["hub", "--port", "1"] + arguments + setup.hub)
            #expect(refused.status == 1, "\(arguments)")
            #expect(refused.err.contains(code), "\(arguments): \(refused.err)")
        }

        // The month's settlement: copies and fees per city, chain and kind.
        let settlement = try #require(await HTTP.get(hub.url + "/kiosk/v1/settlement?month=2026-11", headers: setup.bearer("セブン")))
        #expect(settlement.0 == 200)
        let lines = settlement.1.split(separator: "\r\n").map(String.init)
        #expect(lines.first == "month,cityCode,chain,kind,kindJa,sessions,copies,feeYen,medium")
        #expect(lines.contains("2026-11,149802,セブン,residentRecordCopy,住民票の写し,1,2,400,card"))
        #expect(lines.contains("2026-11,149802,セブン,taxCertificate,所得・課税証明書,1,1,200,card"))
        #expect(lines.contains("2026-11,149829,セブン,sealRegistrationCertificate,印鑑登録証明書,1,1,200,card"))
        #expect(lines.last == "2026-11,合計,,,,3,4,800,")

        // Issue 12, item 3: no open doors. A store needs its chain's secret, acts for its own chain only, and sees its
        // own chain's settlement only; a hub needs a key and chains to start at all.
        let lawson = try kiosk("adult-b.json", kind: "sealRegistrationCertificate", out: "lawson.pdf", chain: "ローソン")
        #expect(lawson.status == 0, "\(lawson.err)")
        let noSecret = try kiosk("adult-a.json", environment: ["MADOGUCHI_STORE_TOKEN": ""])
        #expect(noSecret.status == 1 && noSecret.err.contains("MADOGUCHI_STORE_TOKEN"), "\(noSecret.err)")
        let wrongSecret = try kiosk("adult-a.json", environment: ["MADOGUCHI_STORE_TOKEN": String(repeating: "x", count: 40)])
        #expect(wrongSecret.err.contains("hub.storeUnauthorized"), "\(wrongSecret.err)")
        let otherChain = try kiosk("adult-a.json", chain: "ローソン", environment: setup.store("セブン"))
        #expect(otherChain.err.contains("hub.chainMismatch"), "a セブン store cannot start sessions settled to ローソン: \(otherChain.err)")
        #expect(await HTTP.get(hub.url + "/kiosk/v1/settlement?month=2026-11")?.0 == 401)
        #expect(await HTTP.get(hub.url + "/kiosk/v1/cities")?.0 == 401)
        let sevenAgain = try #require(await HTTP.get(hub.url + "/kiosk/v1/settlement?month=2026-11", headers: setup.bearer("セブン")))
        #expect(!sevenAgain.1.contains("ローソン"), "one chain does not see another's settlement")
        let lawsonSettlement = try #require(await HTTP.get(hub.url + "/kiosk/v1/settlement?month=2026-11", headers: setup.bearer("ローソン")))
        #expect(lawsonSettlement.1.contains("2026-11,149829,ローソン,sealRegistrationCertificate,印鑑登録証明書,1,1,200,card"))
        #expect(!lawsonSettlement.1.contains("セブン"))
        for missing in [["--chains", setup.chainsFile], ["--key", setup.keyFile]] {
            let refused = try CLI.run(["hub", "--port", "1", "--city", "149802=http://127.0.0.1:1"] + missing,
                                      environment: ["MADOGUCHI_HUB_KEY": "", "MADOGUCHI_HUB_CHAINS": ""])
            #expect(refused.status == 1 && refused.err.contains("hub.badConfiguration"), "\(missing): \(refused.err)")
        }
        let keyMode = try FileManager.default.attributesOfItem(atPath: setup.keyFile)[.posixPermissions] as? Int
        #expect(keyMode == 0o600, "the hub's key is readable by its owner only")
        #expect(try CLI.run(["hub", "keygen", "--id", "hub-test-1", "--out", setup.keyFile]).status == 1, "a key is never overwritten")

        // A card revoked at the counter is refused at the store.
        let serial = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path("adult-b.json")))) as? [String: Any])["serial"] as? String
        #expect(try CLI.run(["card", "revoke", "--db", path("b.sqlite"), "--serial", try #require(serial), "--reason", "keyCompromise"],
                            environment: ["MADOGUCHI_CLOCK": "2026-11-24T10:00:00+09:00"]).status == 0)
        let revoked = try kiosk("adult-b.json")
        #expect(revoked.status == 1)
        #expect(revoked.err.contains("hub.cardRevoked"), "the hub stops a revoked card before its city: \(revoked.err)")

        // Issue 12, item 2: the card step under another spelling is checked too, or not relayed at all. A city's own
        // refusal (`card.…`) in the answer would mean the hub let the card through unchecked.
        let cardFile = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path("adult-b.json")))) as? [String: Any]
        let proof = try JSONSerialization.data(withJSONObject: ["certificate": try #require(cardFile?["certificatePEM"] as? String), "signature": "AAAA"])
        for (index, spelling) in ["card/", "%63ard", "card%2F", "CARD", "card/..", "./card", "card;x=1"].enumerated() {
            let requestId = "K-spelling-\(index)-0000"
            let started = try HTTP.rawPost(
                port: hub.port, path: "/kiosk/v1/sessions", headers: ["X-Madoguchi-City": "149829"].merging(setup.bearer("セブン")) { a, _ in a },
                body: try JSONSerialization.data(withJSONObject: ["requestId": requestId, "chain": "セブン", "store": "S-14"]))
            #expect(started.0 == 201, "\(started)")
            let (status, body) = try HTTP.rawPost(
                port: hub.port, path: "/kiosk/v1/sessions/\(requestId)/\(spelling)",
                headers: ["X-Madoguchi-City": "149829"].merging(setup.bearer("セブン")) { a, _ in a }, body: proof)
            #expect(status != 200 && !body.contains("\"card."), "\(spelling): \(status) \(body)")
            #expect(body.contains("hub.cardRevoked") || status == 404 || status == 400, "\(spelling): \(status) \(body)")
        }
        let stillStarted = try await MadoguchiDatabase.open(path: path("b.sqlite")).writer.read { d in
            try Int.fetchOne(d, sql: "SELECT count(*) FROM kioskSession WHERE requestId LIKE 'K-spelling-%' AND state = 'started'")
        }
        #expect(stillStarted == 7)

        // Renewed at the counter: the old card is superseded, the new one prints.
        let oldSerial = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path("adult-a.json")))) as? [String: Any])["serial"] as? String
        let renewed = try CLI.run(["card", "renew", "--db", path("a.sqlite"), "--serial", try #require(oldSerial), "--pin", "5678",
                                   "--out", path("adult-a-new.json")], environment: ["MADOGUCHI_CLOCK": "2026-11-24T10:00:00+09:00"])
        #expect(renewed.status == 0, "\(renewed.err)")
        #expect(try kiosk("adult-a.json").err.contains("hub.cardRevoked"))
        #expect(try kiosk("adult-a-new.json", pin: "5678", out: "renewed.pdf").status == 0)
        let status = await HTTP.get(a.url + "/pki/status/\(try #require(oldSerial))")
        #expect(status?.1.contains("superseded") == true)
    }
}

@Suite("コンビニ交付の障害試験", .serialized)
struct KioskFaultRunTests {
    /// The cities' clock stands still while sessions run and is stepped past the print deadline only for the slow
    /// prints (`--stepped-clock`): what each session comes to depends on its fault, never on how fast or busy the
    /// machine is. So the test asserts what must hold of every session, not how many printed.
    @Test("1,000 concurrent sessions through 2 hubs to 3 cities, with slow prints, print failures, vanished kiosks and a city killed and restarted: no document for the wrong person, every abort voided, nothing left open (SQLite files, and a PostgreSQL server)",
          arguments: TestEngines.available)
    func thousandSessions(engine: SQLEngine) async throws {
        var arguments = [
            "bench", "kiosk", "--sessions", "1000", "--concurrency", "1000", "--residents", "400", "--cards-per-city", "30",
            "--print-seconds", "10", "--stepped-clock", "--json",
        ]
        if engine == .postgres { arguments += ["--postgres", try #require(TestEngines.serverURL, "MADOGUCHI_REQUIRE_POSTGRES=1 but MADOGUCHI_TEST_POSTGRES names no server")] }
        // The cities' and hubs' logs are kept until the test ends, for a failure's message.
        let dir = CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        arguments += ["--dir", dir.path]
        // Minutes of waiting, on a thread of its own rather than one of the cooperative pool's two.
        let r: CLI.Result
        do { r = try await offThePool { [arguments] in try CLI.run(arguments, limit: .seconds(1800)) } } catch {
            throw CLIError.failed("\(error)\n\(Self.logs(dir))")
        }
        #expect(r.status == 0, "\(r.out)\n\(r.err)\n\(Self.logs(dir))")
        let report = try #require(try JSONSerialization.jsonObject(with: Data(r.out.utf8)) as? [String: Any])
        #expect(report["sessions"] as? Int == 1000)
        #expect(report["engine"] as? String == engine.rawValue)
        #expect(report["steppedClock"] as? Bool == true)
        // No document for another person, every abort voided with its ledger entry, no session left open, the
        // ledger intact, and no session expired but the slow prints whose deadline the clock was stepped past.
        #expect((report["violations"] as? [String])?.isEmpty == true, "\(report["violations"] ?? "")")
        #expect(report["cityRestarted"] as? Bool == true)
        // Every session is accounted for, once.
        let counted = ["printed", "refused", "failed", "vanished"].map { report[$0] as? Int ?? 0 }.reduce(0, +)
        #expect(counted == 1000)
        // Every fault happened and was handled: prints failed, slow prints expired, kiosks vanished, children
        // were refused, and each abort left a void.
        let failures = report["failures"] as? [String: Int] ?? [:]
        let faults = report["faults"] as? [String: Int] ?? [:]
        // When a fault did not show, the report says where the sessions went instead.
        let summary = Comment(rawValue: "\(report.filter { $0.key != "latencies" })")
        #expect((failures["kiosk.printFailure"] ?? 0) > 0, summary)
        #expect((failures["kiosk.sessionExpired"] ?? 0) > 0, summary)
        #expect((failures["kiosk.sessionExpired"] ?? 0) <= (faults["slowPrint"] ?? 0), summary)
        #expect((report["clockSteps"] as? Int ?? 0) >= 2, summary)
        #expect((report["vanished"] as? Int ?? 0) > 0)
        #expect((report["refused"] as? Int ?? 0) > 0)
        #expect((report["printed"] as? Int ?? 0) > 0)
        let voided = report["documentsVoided"] as? Int ?? -1
        #expect(voided > 0)
        #expect(report["voidEntries"] as? Int == voided)
    }

    /// The last lines of every log the bench kept in `dir`.
    static func logs(_ dir: URL) -> String {
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []).filter { $0.hasSuffix(".log") }.sorted()
        return names.map { name in
            let text = (try? String(contentsOf: dir.appendingPathComponent(name), encoding: .utf8)) ?? ""
            return "== \(name)\n" + text.split(separator: "\n").suffix(20).joined(separator: "\n")
        }.joined(separator: "\n")
    }
}

/// One city (`a.sqlite` in `dir`), its hub and a store copier of `chain` over the card files in `cards/`, printing
/// to `prints/`; healthy when made.
struct StoreRig {
    let setup: HubSetup
    let city: Daemon
    let hub: Daemon
    let store: Daemon

    init(_ dir: URL, chain: String, environment: [String: String]) async throws {
        func path(_ name: String) -> String { dir.appendingPathComponent(name).path }
        let base = FreePorts.base(6)
        setup = try HubSetup(dir, chains: [chain])
        city = try Daemon(["serve", "--db", path("a.sqlite")] + setup.city, port: base, environment: environment)
        hub = try Daemon(["hub", "--city", "149802=http://127.0.0.1:\(base)"] + setup.hub, port: base + 1, environment: environment)
        store = try Daemon(["store", "--hub", hub.url, "--cards", path("cards"), "--prints", path("prints"), "--chain", chain],
                           port: base + 2, environment: setup.store(chain))
        do {
            for d in [city, hub, store] { try await d.waitUntilHealthy() }
        } catch {
            stop()
            throw error
        }
    }

    func stop() { [city, hub, store].forEach { $0.stop() } }
}

@Suite("店舗端末シミュレーター（ヘッドレスChromium）", .serialized)
struct StoreSimulatorTests {
    @Test("a resident prints at the simulated copier in headless Chromium; a child is refused on screen; English toggles")
    func touchFlow() async throws {
        let dir = CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        func path(_ name: String) -> String { dir.appendingPathComponent(name).path }
        let clock = ["MADOGUCHI_CLOCK": "2026-11-24T10:00:00+09:00"]
        #expect(try CLI.run(["seed", "--db", path("a.sqlite"), "--residents", "600"]).status == 0)
        try FileManager.default.createDirectory(atPath: path("cards"), withIntermediateDirectories: true)
        let adult = try KioskCLITests.pick(path("a.sqlite"), "r.birthDate < '1990-01-01'")
        let child = try KioskCLITests.pick(path("a.sqlite"), "r.birthDate > '2014-01-01'")
        for (id, file) in [(adult, "cards/adult.json"), (child, "cards/child.json")] {
            #expect(try CLI.run(["card", "issue", "--db", path("a.sqlite"), "--resident", String(id), "--pin", "1234", "--out", path(file)],
                                environment: clock).status == 0)
        }
        let rig = try await StoreRig(dir, chain: "ローソン", environment: clock)
        defer { rig.stop() }
        let store = rig.store

        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Interop/kiosk_simulator.py").path
        let (out, status) = try await Poppler.pythonOffThePool(script, [store.url + "/", "adult.json", "child.json"])
        #expect(status == 0, "\(out)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data((out.split(separator: "\n").last ?? "").utf8)) as? [String: Any])
        #expect(report["city"] as? String == "窓口市")
        #expect(report["amount"] as? String == "400円")
        #expect((report["confirm"] as? String)?.contains("住民票の写し") == true)
        let refusal = report["refusal"] as? [String: Any]
        #expect((refusal?["message"] as? String)?.contains("15歳未満") == true)
        #expect((refusal?["english"] as? String)?.contains("15") == true)

        // The paper in the printer tray is the adult's, and the city recorded the session as printed.
        let documentId = try #require(report["documentId"] as? String)
        let prints = try FileManager.default.contentsOfDirectory(atPath: path("prints"))
        #expect(prints.count == 1)
        let pdf = URL(fileURLWithPath: path("prints")).appendingPathComponent(try #require(prints.first))
        #expect(try Poppler.text(pdf).contains("住民票"))
        let token = try Poppler.qr(pdf, page: 1)
        #expect(token.split(separator: ".").count == 3)
        let database = try MadoguchiDatabase.open(path: path("a.sqlite"))
        let (subject, state, chain) = try #require(try await database.writer.read { d in
            try Row.fetchOne(d, sql: """
                SELECT c.subjectId, s.state, s.chain FROM kioskSession s JOIN certificate c ON c.id = s.documentId WHERE c.id = ?
                """, arguments: [documentId]).map { ($0[0] as Int64, $0[1] as String, $0[2] as String) }
        })
        #expect(subject == adult)
        #expect(state == "completed")
        #expect(chain == "ローソン")
        let stored = try await database.writer.read { d in try String.fetchOne(d, sql: "SELECT token FROM certificate WHERE id = ?", arguments: [documentId]) }
        #expect(stored == token)
        // The wrong PIN was counted on the card and reset by the right one.
        let card = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path("cards/adult.json")))) as? [String: Any]
        #expect(card?["pinFailures"] as? Int == 0)
    }

    /// Issue 12, item 4: スマホ用電子証明書 at the store. The phone is held to the reader and unlocked on the phone (its PIN
    /// or biometrics); the copier's keypad never takes a phone's PIN, and a card never takes the phone's path.
    @Test("a phone held to the copier, unlocked by biometrics or its own PIN, prints; the ledger and the indicators count it apart")
    func phoneFlow() async throws {
        let dir = CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        func path(_ name: String) -> String { dir.appendingPathComponent(name).path }
        let clock = ["MADOGUCHI_CLOCK": "2026-11-24T10:00:00+09:00"]
        #expect(try CLI.run(["seed", "--db", path("a.sqlite"), "--residents", "600"]).status == 0)
        try FileManager.default.createDirectory(atPath: path("cards"), withIntermediateDirectories: true)
        let first = try KioskCLITests.pick(path("a.sqlite"), "r.birthDate < '1990-01-01'")
        let second = try KioskCLITests.pick(path("a.sqlite"), "r.birthDate < '1985-01-01' AND r.id <> \(first)")
        for (id, name) in [(first, "a"), (second, "b")] {
            #expect(try CLI.run(["card", "issue", "--db", path("a.sqlite"), "--resident", String(id), "--pin", "1234", "--out", path("cards/card-\(name).json")],
                                environment: clock).status == 0)
        }
        #expect(try CLI.run(["card", "issue", "--db", path("a.sqlite"), "--resident", String(first), "--pin", "2468", "--medium", "smartphone",
                             "--biometric", "--out", path("cards/phone-bio.json")], environment: clock).status == 0)
        #expect(try CLI.run(["card", "issue", "--db", path("a.sqlite"), "--resident", String(second), "--pin", "5678", "--medium", "smartphone",
                             "--out", path("cards/phone-pin.json")], environment: clock).status == 0)
        let cardBiometric = try CLI.run(["card", "issue", "--db", path("a.sqlite"), "--resident", String(second), "--pin", "5678", "--biometric",
                                         "--out", path("nowhere.json")], environment: clock)
        #expect(cardBiometric.status != 0 && cardBiometric.err.contains("生体認証"), "a card has no biometric unlock")

        let rig = try await StoreRig(dir, chain: "ファミリーマート", environment: clock)
        defer { rig.stop() }
        let (setup, hub, store) = (rig.setup, rig.hub, rig.store)

        // Hostile: a phone's PIN typed on the copier's keypad, and a card put through the phone's path, are refused.
        func errorCode(_ data: Data) -> String? {
            // The copier answers in the one envelope every server uses.
            ((try? JSONDecoder().decode(ErrorEnvelope.self, from: data)))?.error.code
        }
        func started(_ file: String) async throws -> String {
            let (status, data) = try #require(await HTTP.post(store.url + "/api/sessions", json: #"{"card":"\#(file)"}"#))
            #expect(status == 201)
            return try #require(((try JSONSerialization.jsonObject(with: data)) as? [String: String])?["requestId"])
        }
        let phoneSession = try await started("phone-bio.json")
        let keypad = try #require(await HTTP.post(store.url + "/api/sessions/\(phoneSession)/pin", json: #"{"pin":"2468"}"#))
        #expect(keypad.0 == 409 && errorCode(keypad.1) == "store.unlockOnPhone")
        let cardSession = try await started("card-b.json")
        let asPhone = try #require(await HTTP.post(store.url + "/api/sessions/\(cardSession)/phone", json: #"{"unlock":"biometric","matched":true}"#))
        #expect(asPhone.0 == 409 && errorCode(asPhone.1) == "store.notAPhone")
        let malformed = try #require(await HTTP.post(store.url + "/api/sessions/\(phoneSession)/phone", json: #"{"unlock":"pin"}"#))
        #expect(malformed.0 == 400 && errorCode(malformed.1) == "store.badRequest")
        for id in [phoneSession, cardSession] { _ = await HTTP.post(store.url + "/api/sessions/\(id)/cancel", json: "{}") }

        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Interop/kiosk_simulator_phone.py").path
        let (out, status) = try await Poppler.pythonOffThePool(script, [store.url + "/", "phone-bio.json", "phone-pin.json", "5678"])
        #expect(status == 0, "\(out)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data((out.split(separator: "\n").last ?? "").utf8)) as? [String: Any])
        #expect(report["mismatchCode"] as? String == "card.biometricMismatch")
        #expect((report["mismatch"] as? String)?.contains("生体認証") == true)
        #expect((report["wrongPin"] as? String)?.contains("あと2回") == true)
        #expect((report["takeAway"] as? String)?.contains("スマートフォン") == true)
        #expect((report["english"] as? String)?.contains("Choose a certificate") == true)
        let documentId = try #require(report["documentId"] as? String)

        // The command-line copier: the phone unlocked by biometrics prints; biometrics on a card, or both unlocks, do not.
        let phoneOut = try CLI.run(["kiosk", "--hub", hub.url, "--card", path("cards/phone-bio.json"), "--biometric", "--kind", "residentRecordCopy",
                                    "--out", path("cli.pdf"), "--chain", "ファミリーマート"], environment: setup.store("ファミリーマート"))
        #expect(phoneOut.status == 0, "\(phoneOut.err)")
        let cardOut = try CLI.run(["kiosk", "--hub", hub.url, "--card", path("cards/card-a.json"), "--biometric", "--kind", "residentRecordCopy",
                                   "--out", path("no.pdf"), "--chain", "ファミリーマート"], environment: setup.store("ファミリーマート"))
        #expect(cardOut.status == 1 && cardOut.err.contains("card.biometricUnavailable"))
        let both = try CLI.run(["kiosk", "--hub", hub.url, "--card", path("cards/phone-bio.json"), "--biometric", "--pin", "2468",
                                "--kind", "residentRecordCopy", "--out", path("no.pdf")], environment: setup.store("ファミリーマート"))
        #expect(both.status != 0)

        // The city recorded the page's session and the command's as the phone's; the card's path counted nothing.
        let database = try MadoguchiDatabase.open(path: path("a.sqlite"))
        let (state, medium, ledgerMedium) = try #require(try await database.writer.read { d in
            try Row.fetchOne(d, sql: """
                SELECT s.state, s.medium, json_extract(e.payload, '$.medium') FROM kioskSession s
                JOIN ledgerEntry e ON e.documentId = s.documentId AND e.action = 'issue' WHERE s.documentId = ?
                """, arguments: [documentId]).map { ($0[0] as String, $0[1] as String, $0[2] as String) }
        })
        #expect(state == "completed" && medium == "smartphone" && ledgerMedium == "smartphone")
        let counts = try await database.writer.read { d in
            try Row.fetchAll(d, sql: "SELECT place, copies FROM issuanceCount WHERE source = 'ledger' AND place GLOB 'channel:kiosk*'")
                .map { "\($0["place"] as String)=\($0["copies"] as Int)" }
        }
        #expect(counts == ["channel:kiosk:smartphone=2"])
        let phone = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path("cards/phone-pin.json")))) as? [String: Any]
        #expect(phone?["pinFailures"] as? Int == 0, "the phone's wrong PIN was counted on the phone and reset by the right one")
    }
}

@Suite("本籍地の戸籍（ハブ経由）", .serialized)
struct HonsekiCLITests {
    @Test("after a 本籍地利用登録, a card of one city prints the 戸籍 kept by another; only 戸籍; revocation at the card's city stops it")
    func honseki() async throws {
        let dir = CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        func path(_ name: String) -> String { dir.appendingPathComponent(name).path }
        let clock = ["MADOGUCHI_CLOCK": "2026-11-24T10:00:00+09:00"]
        #expect(try CLI.run(["seed", "--db", path("a.sqlite"), "--residents", "600"]).status == 0)
        #expect(try CLI.run(["seed", "--db", path("b.sqlite"), "--residents", "1500", "--seed", "2", "--city", "149829",
                             "--city-name", "東窓市"]).status == 0)
        let holder = try KioskCLITests.pick(path("a.sqlite"), "r.birthDate < '1990-01-01'")
        let other = try KioskCLITests.pick(path("a.sqlite"), "r.birthDate < '1980-01-01' AND r.id <> \(holder)")
        // In 東窓市: a grown child who moved away, still in the parents' 戸籍 there.
        let b = try MadoguchiDatabase.open(path: path("b.sqlite"))
        let (record, name, domicile) = try #require(try await b.writer.read { d in
            try Row.fetchOne(d, sql: """
                SELECT r.id, m.givenName, f.permanentDomicile FROM resident r
                JOIN familyRegisterMember m ON m.residentId = r.id JOIN familyRegister f ON f.id = m.familyRegisterId
                WHERE r.removalReason = 'movedOut' ORDER BY r.id LIMIT 1
                """).map { ($0[0] as Int64, $0[1] as String, $0[2] as String) }
        })
        for (id, file) in [(holder, "holder.json"), (other, "other.json")] {
            #expect(try CLI.run(["card", "issue", "--db", path("a.sqlite"), "--resident", String(id), "--pin", "1234", "--out", path(file)],
                                environment: clock).status == 0)
        }
        try CLI.run(["card", "ca", "--db", path("a.sqlite")], environment: clock).out.write(toFile: path("a-ca.pem"), atomically: true, encoding: .utf8)
        let registered = try CLI.run(["card", "register-honseki", "--db", path("b.sqlite"), "--resident", String(record), "--card", path("holder.json"),
                                      "--authority", path("a-ca.pem")], environment: clock)
        #expect(registered.status == 0, "\(registered.err)")
        // A card needs no registration in its own city; a record without a 戸籍 there cannot be registered.
        let own = try CLI.run(["card", "register-honseki", "--db", path("a.sqlite"), "--resident", String(holder), "--card", path("other.json"),
                               "--authority", path("a-ca.pem")], environment: clock)
        #expect(own.status == 1)
        #expect(own.err.contains("honseki.ownCard"))
        let withoutRegister = try #require(try await b.writer.read { d in
            try Int64.fetchOne(d, sql: "SELECT id FROM resident r WHERE NOT EXISTS (SELECT 1 FROM familyRegisterMember m WHERE m.residentId = r.id) LIMIT 1")
        })
        let none = try CLI.run(["card", "register-honseki", "--db", path("b.sqlite"), "--resident", String(withoutRegister), "--card", path("other.json"),
                                "--authority", path("a-ca.pem")], environment: clock)
        #expect(none.status == 1)
        #expect(none.err.contains("honseki.noRegister"))
        let base = FreePorts.base(6)
        // The 本籍地 asks the card's city about the card over the relay, as it does for 広域交付.
        let (secretA, secretB) = (String(repeating: "a1", count: 20), String(repeating: "b2", count: 20))
        try "149802 \(secretA)\n149829 \(secretB)\n".write(toFile: path("secrets"), atomically: true, encoding: .utf8)
        var envA = clock
        envA["MADOGUCHI_RELAY_TOKEN"] = secretA
        var envB = clock
        envB["MADOGUCHI_RELAY_TOKEN"] = secretB
        envB["MADOGUCHI_RELAY_URL"] = "http://127.0.0.1:\(base + 4)"
        let setup = try HubSetup(dir)
        let cityA = try Daemon(["serve", "--db", path("a.sqlite")] + setup.city, port: base, environment: envA)
        let cityB = try Daemon(["serve", "--db", path("b.sqlite"), "--city", "149829", "--city-name", "東窓市"] + setup.city, port: base + 1, environment: envB)
        let hub = try Daemon(["hub", "--city", "149802=http://127.0.0.1:\(base)", "--city", "149829=http://127.0.0.1:\(base + 1)"] + setup.hub,
                             port: base + 2, environment: clock)
        let relay = try Daemon(["relay", "--city", "149802=http://127.0.0.1:\(base)", "--city", "149829=http://127.0.0.1:\(base + 1)",
                                "--secrets", path("secrets")], port: base + 4)
        defer { [cityA, cityB, hub, relay].forEach { $0.stop() } }
        for d in [cityA, cityB, hub, relay] { try await d.waitUntilHealthy() }
        func kiosk(_ card: String, kind: String, out: String = "out.pdf") throws -> CLI.Result {
            try CLI.run(["kiosk", "--hub", hub.url, "--card", path(card), "--pin", "1234", "--kind", kind, "--honseki", "149829",
                         "--out", path(out)], environment: setup.store("MADOGUCHI-MART"))
        }

        let printed = try kiosk("holder.json", kind: "familyRegisterFull", out: "koseki.pdf")
        #expect(printed.status == 0, "\(printed.err)")
        let text = Poppler.compact(try Poppler.text(URL(fileURLWithPath: path("koseki.pdf"))))
        #expect(text.contains(Poppler.compact(domicile)))
        #expect(text.contains(name))  // the registered person, listed in the 戸籍 they left behind
        #expect(text.contains("東窓市長"))
        // The 附票 follows the registered person to their new address.
        #expect(try kiosk("holder.json", kind: "familyRegisterAnnex", out: "fuhyo.pdf").status == 0)

        // The same at the copier's touch page, in headless Chromium: 本籍地の証明書 → the city → 戸籍 only.
        try FileManager.default.createDirectory(atPath: path("tray"), withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: path("holder.json"), toPath: path("tray/holder.json"))
        let store = try Daemon(["store", "--hub", hub.url, "--cards", path("tray"), "--prints", path("prints")], port: base + 3,
                               environment: setup.store("MADOGUCHI-MART"))
        defer { store.stop() }
        try await store.waitUntilHealthy()
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Interop/kiosk_simulator_honseki.py").path
        let (out, status) = try await Poppler.pythonOffThePool(script, [store.url + "/", "holder.json", "149829"])
        #expect(status == 0, "\(out)")
        let page = try #require(try JSONSerialization.jsonObject(with: Data((out.split(separator: "\n").last ?? "").utf8)) as? [String: Any])
        #expect(page["city"] as? String == "東窓市")
        #expect((page["cities"] as? [String])?.contains("窓口市") == true, "\(page)")
        #expect(page["amount"] as? String == "350円")
        let paper = URL(fileURLWithPath: path("prints")).appendingPathComponent(try #require(try FileManager.default.contentsOfDirectory(atPath: path("prints")).first))
        #expect(Poppler.compact(try Poppler.text(paper)).contains(Poppler.compact(domicile)))

        let notKoseki = try kiosk("holder.json", kind: "residentRecordCopy")
        #expect(notKoseki.status == 1)
        #expect(notKoseki.err.contains("kiosk.honsekiFamilyRegisterOnly"))
        let unregistered = try kiosk("other.json", kind: "familyRegisterFull")
        #expect(unregistered.status == 1)
        #expect(unregistered.err.contains("card.untrusted"))

        // Revoked where it was issued: the hub asks 窓口市 and stops it before 東窓市.
        let serial = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: path("holder.json")))) as? [String: Any])["serial"] as? String
        #expect(try CLI.run(["card", "revoke", "--db", path("a.sqlite"), "--serial", try #require(serial), "--reason", "keyCompromise"],
                            environment: clock).status == 0)
        let revoked = try kiosk("holder.json", kind: "familyRegisterFull")
        #expect(revoked.status == 1)
        #expect(revoked.err.contains("hub.cardRevoked"))

        // The 本籍地 city's ledger holds the store issuance, settled to 東窓市.
        let settlement = try #require(await HTTP.get(hub.url + "/kiosk/v1/settlement?month=2026-11", headers: setup.bearer("MADOGUCHI-MART")))
        #expect(settlement.1.contains("2026-11,149829,MADOGUCHI-MART,familyRegisterFull,戸籍全部事項証明書,2,2,700,card"))
    }
}
