import Foundation
import GRDB
import MadoguchiDomain
@testable import MadoguchiStore
import MadoguchiTestSupport
import Testing

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Runs the real `madoguchi` binary, as a user would.
struct CLI {
    static let binary: URL = {
        let nextToTests = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        let candidates = [
            nextToTests.appendingPathComponent("madoguchi"),
            nextToTests.deletingLastPathComponent().appendingPathComponent("madoguchi"),
            URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
                .deletingLastPathComponent().appendingPathComponent(".build/debug/madoguchi"),
        ]
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) } ?? candidates[0]
    }()

    struct Result {
        var status: Int32
        var out: String
        var err: String
    }

    /// A counter terminal's API credential (clerk and supervisor at `facility`), made at the console.
    static func staffToken(db: String, roles: String = "clerk,supervisor", facility: String? = "chuo-ward-office") throws -> String {
        let made = try run(["staff", "token", "--db", db, "--label", "test terminal", "--roles", roles] + (facility.map { ["--facility", $0] } ?? []))
        guard made.status == 0, let secret = made.out.split(separator: " ").last?.trimmingCharacters(in: .whitespacesAndNewlines), !secret.isEmpty
        else { throw CLIError.failed("staff token: \(made.err)") }
        return secret
    }

    /// Runs the binary to its end. Past `limit` it is killed with everything it started, and the test fails with the
    /// ends of both outputs, instead of the suite hanging until CI stops it.
    static func run(_ arguments: [String], environment: [String: String] = [:], limit: Duration = .seconds(900)) throws -> Result {
        let outcome = try Subprocess.run(binary.path, arguments, environment: environment, limit: limit)
        if outcome.timedOut {
            func tail(_ text: String) -> String { text.split(separator: "\n", omittingEmptySubsequences: false).suffix(40).joined(separator: "\n") }
            throw CLIError.failed("madoguchi \(arguments.joined(separator: " ")) did not end in \(limit); killed. Its output ends:\n"
                + tail(outcome.outText) + "\nIts error output ends:\n" + tail(outcome.errText))
        }
        return Result(status: outcome.status, out: outcome.outText, err: outcome.errText)
    }

    static func temporaryDirectory() -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("madoguchi-cli-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}

@Suite("コマンド", .serialized)
struct CLITests {
    @Test("the binary is built where the tests look for it")
    func binaryExists() {
        #expect(FileManager.default.isExecutableFile(atPath: CLI.binary.path), "\(CLI.binary.path)")
    }

    @Test("calendar holidays 1955 2030 prints the Cabinet Office list exactly")
    func holidays() throws {
        let r = try CLI.run(["calendar", "holidays", "1955", "2030"])
        #expect(r.status == 0)
        let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("MadoguchiDomainTests/Fixtures/cabinet-office-holidays-1955-2030.csv")
        #expect(r.out == (try String(contentsOf: fixture, encoding: .utf8)))
        let one = try CLI.run(["calendar", "holidays", "2019"])
        #expect(one.out.split(separator: "\n").contains("2019-05-01,休日（祝日扱い）"))
    }

    @Test("calendar era at every era boundary, both ways", arguments: [
        ("1912-07-29", "明治45年7月29日"), ("1912-07-30", "大正元年7月30日"), ("1926-12-24", "大正15年12月24日"),
        ("1926-12-25", "昭和元年12月25日"), ("1989-01-07", "昭和64年1月7日"), ("1989-01-08", "平成元年1月8日"),
        ("2019-04-30", "平成31年4月30日"), ("2019-05-01", "令和元年5月1日"), ("1873-01-01", "明治6年1月1日"),
    ])
    func era(gregorian: String, wareki: String) throws {
        #expect(try CLI.run(["calendar", "era", gregorian]).out == wareki + "\n")
        #expect(try CLI.run(["calendar", "era", wareki]).out == gregorian + "\n")
    }

    @Test("calendar era refuses what does not exist, with exit 1 and both languages")
    func eraRefuses() throws {
        for input in ["1872-12-31", "平成31年5月1日", "2023-02-29", "yesterday"] {
            let r = try CLI.run(["calendar", "era", input])
            #expect(r.status == 1, "\(input)")
            #expect(r.err.contains("エラー:") && r.err.contains("error:"), "\(input): \(r.err)")
        }
    }

    @Test("calendar fiscal-year reads the seeds' notations", arguments: [
        ("令和６年度", "2024"), ("Ｒ６", "2024"), ("R6", "2024"), ("H25", "2013"), ("平成25年度", "2013"),
        ("2011(H23)年度", "2011"), ("2024年度", "2024"), ("令和元年度", "2019"),
    ])
    func fiscalYear(text: String, year: String) throws {
        #expect(try CLI.run(["calendar", "fiscal-year", text]).out == year + "\n")
    }

    @Test("a bare 26年度 needs --era; a wrong era is refused")
    func fiscalYearEra() throws {
        let bare = try CLI.run(["calendar", "fiscal-year", "26年度"])
        #expect(bare.status == 1)
        #expect(bare.err.contains("calendar.fiscalYear.needsEra"))
        #expect(try CLI.run(["calendar", "fiscal-year", "26年度", "--era", "heisei"]).out == "2014\n")
        #expect(try CLI.run(["calendar", "fiscal-year", "26年度", "--era", "平成"]).out == "2014\n")
        #expect(try CLI.run(["calendar", "fiscal-year", "26年度", "--era", "x"]).status == 1)
    }

    @Test("every command has --help", arguments: [
        ["--help"], ["serve", "--help"], ["seed", "--help"], ["import", "residents", "--help"],
        ["calendar", "holidays", "--help"], ["calendar", "era", "--help"], ["calendar", "fiscal-year", "--help"],
        ["import", "seals", "--help"], ["import", "tax", "--help"], ["import", "family-registers", "--help"],
        ["import", "family-register-events", "--help"], ["import", "annex", "--help"], ["import", "support-measures", "--help"],
        ["import", "holder-notifications", "--help"], ["import", "changes", "--help"], ["relay", "--help"],
        ["registry", "support-measure", "--help"], ["registry", "seal", "--help"], ["registry", "notification", "--help"],
        ["registry", "history", "--help"],
    ])
    func help(arguments: [String]) throws {
        let r = try CLI.run(arguments)
        #expect(r.status == 0)
        #expect(r.out.contains("USAGE:"))
    }

    @Test("seed builds a city once, refuses to seed it again, and import adds to it")
    func seedAndImport() throws {
        let dir = CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let db = dir.appendingPathComponent("city.sqlite").path
        let seeded = try CLI.run(["seed", "--db", db, "--residents", "300", "--seed", "5"])
        #expect(seeded.status == 0, "\(seeded.err)")
        #expect(seeded.out.contains("persons 300"))
        let again = try CLI.run(["seed", "--db", db, "--residents", "300"])
        #expect(again.status == 1)
        #expect(again.err.contains("demo.alreadySeeded"))

        let header = "世帯番号,氏,名,氏カナ,名カナ,生年月日,性別,続柄,住民となった年月日,住所を定めた年月日,届出日,個人番号,住民票コード,都道府県,市区町村,区,町丁目,番地"
        let good = "X1,試験,一郎,シケン,イチロウ,1990-01-01,男,世帯主,1990-01-01,2020-04-01,2020-04-02,123456789018,12345678903,神奈川県,窓口市,中央区,本町一丁目,1番1号"
        let bad = "X2,試験,二郎,シケン,ジロウ,1990-13-01,男,世帯主,1990-01-01,2020-04-01,2020-04-02,000000000019,00000000019,神奈川県,窓口市,中央区,本町一丁目,1番2号"
        let csv = dir.appendingPathComponent("residents.csv")
        try Data(([header, good, bad].joined(separator: "\n") + "\n").utf8).write(to: csv)
        let refused = try CLI.run(["import", "residents", csv.path, "--db", db])
        #expect(refused.status == 1)
        #expect(refused.err.contains("3行目"))
        #expect(refused.err.contains("line 3"))
        let skipped = try CLI.run(["import", "residents", csv.path, "--db", db, "--skip-bad"])
        #expect(skipped.status == 0, "\(skipped.err)")
        #expect(skipped.out.contains("1 imported"))
    }

    @Test("serve seeds a new database with its demo staff, who sign in with their passwords and API credentials, and stops cleanly on SIGTERM")
    func serve() async throws {
        let dir = CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let db = dir.appendingPathComponent("served.sqlite").path
        let port = FreePorts.base(1)
        let process = try Spawned(
            CLI.binary.path, ["serve", "--db", db, "--port", String(port), "--residents", "200"],
            environment: ["MADOGUCHI_DEMO_PASSWORD": "demo-password-cli"], output: .pipe)
        defer { process.terminate() }

        func get(_ path: String, token: String?) async throws -> (Int, String)? {
            var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)\(path)")!)
            if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
            guard let (data, response) = try? await URLSession.shared.data(for: request) else { return nil }
            return ((response as! HTTPURLResponse).statusCode, String(decoding: data, as: UTF8.self))
        }
        // The demo city is created first: wait as long as a slow machine needs, unless the server exits.
        var health: (Int, String)?
        let ready = ContinuousClock.now + .seconds(300)
        while health == nil, process.isRunning, ContinuousClock.now < ready {
            try await Task.sleep(for: .milliseconds(100))
            health = try await get("/health", token: nil)
        }
        #expect(health?.0 == 200)
        #expect(FileManager.default.fileExists(atPath: db))
        #expect(try await get("/api/v1/facilities", token: nil)?.0 == 401)
        // A credential made at the console while the server runs.
        let issued = try CLI.run(["staff", "token", "--db", db, "--login", "clerk", "--label", "cli-test"])
        #expect(issued.status == 0)
        let token = String(issued.out.split(separator: " ").last ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        let facilities = try await get("/api/v1/facilities", token: token)
        #expect(facilities?.0 == 200)
        #expect(facilities?.1.contains("行政サービスコーナー") == true)
        // The demo clerk signs in at the counter with the demo password (the redirect is followed with the cookie).
        var signIn = URLRequest(url: URL(string: "http://127.0.0.1:\(port)/counter/login")!)
        signIn.httpMethod = "POST"
        signIn.setValue("application/x-www-form-urlencoded", forHTTPHeaderField: "Content-Type")
        signIn.httpBody = Data("login=clerk&password=demo-password-cli".utf8)
        let (page, response) = try await URLSession.shared.data(for: signIn)
        #expect((response as? HTTPURLResponse)?.statusCode == 200)
        #expect(String(decoding: page, as: UTF8.self).contains("住民の検索"))

        kill(process.pid, SIGTERM)
        let stopped = ContinuousClock.now + .seconds(60)
        while process.isRunning, ContinuousClock.now < stopped { try await Task.sleep(for: .milliseconds(50)) }
        #expect(!process.isRunning)
        #expect(!process.endedBySignal)
        #expect(process.status == 0)
        let printed = String(decoding: process.drained(0), as: UTF8.self)
        #expect(printed.contains("http://127.0.0.1:\(port)/"))
        #expect(printed.contains("clerk"), "the demo accounts are listed")
        #expect(!printed.contains("demo-password-cli"), "a password from the environment is not echoed")
    }
}

@Suite("市の識別", .serialized)
struct CityIdentityCLITests {
    @Test("seed --city/--city-name makes another city; a bad code or a lone option is refused; serve checks the match and its proxy list")
    func city() throws {
        let dir = CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let db = dir.appendingPathComponent("kawasaki.sqlite").path
        let seeded = try CLI.run(["seed", "--db", db, "--residents", "100", "--city", "141305", "--city-name", "川崎市"])
        #expect(seeded.status == 0, "\(seeded.err)")
        #expect(seeded.out.contains("川崎市（141305）"))
        let bad = try CLI.run(["seed", "--db", dir.appendingPathComponent("x.sqlite").path, "--city", "141300", "--city-name", "川崎市"])
        #expect(bad.status == 1)
        #expect(bad.err.contains("city.code.invalid"))
        #expect(try CLI.run(["seed", "--db", dir.appendingPathComponent("y.sqlite").path, "--city", "141305"]).status == 1)
        let mismatch = try CLI.run(["serve", "--db", db, "--port", "1", "--city", "149802", "--city-name", "窓口市"])
        #expect(mismatch.status == 1)
        #expect(mismatch.err.contains("141305"))
        // A proxy list with something that is not an address is refused at start, not half applied.
        let proxies = try CLI.run(["serve", "--db", db, "--port", "1"], environment: ["MADOGUCHI_TRUSTED_PROXIES": "10.0.0.0/8, proxy.example.jp"])
        #expect(proxies.status == 1)
        #expect(proxies.err.contains("cli.invalidOption") && proxies.err.contains("proxy.example.jp"), "\(proxies.err)")
    }
}

@Suite("カードの発行と失効", .serialized)
struct CardCLITests {
    static func openssl(_ arguments: [String]) throws -> (Int32, String) {
        let outcome = try Subprocess.tool("openssl", arguments, mergeErrors: true, limit: .seconds(300))
        return (outcome.status, outcome.outText)
    }

    @Test("card issue writes a card whose certificate openssl verifies against the CA; revoke records the reason")
    func issueAndRevoke() throws {
        let dir = CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let db = dir.appendingPathComponent("city.sqlite").path
        #expect(try CLI.run(["seed", "--db", db, "--residents", "200"]).status == 0)
        let cardFile = dir.appendingPathComponent("card.json")
        let issued = try CLI.run(["card", "issue", "--db", db, "--resident", "1", "--pin", "1234", "--out", cardFile.path])
        #expect(issued.status == 0, "\(issued.err)")
        let card = try JSONSerialization.jsonObject(with: Data(contentsOf: cardFile)) as! [String: Any]
        let serial = card["serial"] as! String
        try (card["certificatePEM"] as! String).write(to: dir.appendingPathComponent("card.pem"), atomically: true, encoding: .utf8)
        let ca = try CLI.run(["card", "ca", "--db", db])
        try ca.out.write(to: dir.appendingPathComponent("ca.pem"), atomically: true, encoding: .utf8)
        let (status, output) = try Self.openssl(["verify", "-CAfile", dir.appendingPathComponent("ca.pem").path,
                                                 dir.appendingPathComponent("card.pem").path])
        #expect(status == 0, "\(output)")
        let (_, text) = try Self.openssl(["x509", "-in", dir.appendingPathComponent("card.pem").path, "-noout", "-text"])
        #expect(text.contains("Public-Key: (2048 bit)"))
        #expect(text.contains("sha256WithRSAEncryption"))
        #expect(text.contains("CN = \(serial)") || text.contains("CN=\(serial)"))
        #expect(!card.keys.contains("residentName"))

        // The CRL: openssl accepts the card before revocation and refuses it after.
        func crlCheck() throws -> (Int32, String) {
            let database = try MadoguchiDatabase.open(path: db)
            let der = try database.writer.read { d in
                guard let ca = try Cards.storedAuthority(d, keys: database.keys) else { throw MadoguchiError(.notFound, ja: "認証局なし", en: "No authority") }
                return try Cards.crl(GRDBSession(db: d), authority: ca, now: Date())
            }
            let derFile = dir.appendingPathComponent("crl.der")
            try Data(der).write(to: derFile)
            let pem = dir.appendingPathComponent("crl.pem").path
            let (converted, message) = try Self.openssl(["crl", "-inform", "DER", "-in", derFile.path, "-out", pem])
            #expect(converted == 0, "\(message)")
            return try Self.openssl(["verify", "-crl_check", "-CAfile", dir.appendingPathComponent("ca.pem").path,
                                     "-CRLfile", pem, dir.appendingPathComponent("card.pem").path])
        }
        let before = try crlCheck()
        #expect(before.0 == 0, "\(before.1)")

        #expect(try CLI.run(["card", "revoke", "--db", db, "--serial", serial, "--reason", "lostCard"]).status == 1)
        let revoked = try CLI.run(["card", "revoke", "--db", db, "--serial", serial, "--reason", "keyCompromise"])
        #expect(revoked.status == 0, "\(revoked.err)")
        let after = try crlCheck()
        #expect(after.0 != 0)
        #expect(after.1.contains("certificate revoked"))
        let (_, crlText) = try Self.openssl(["crl", "-in", dir.appendingPathComponent("crl.pem").path, "-noout", "-text"])
        #expect(crlText.contains("Key Compromise"))
        #expect(try CLI.run(["card", "revoke", "--db", db, "--serial", serial, "--reason", "keyCompromise"]).status == 1)
        #expect(try CLI.run(["card", "issue", "--db", db, "--resident", "1", "--pin", "12", "--out", cardFile.path]).status == 1)
    }

    static func base64url(_ data: Data) -> String {
        data.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    static func unbase64url(_ text: String) -> Data? {
        var b = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while b.count % 4 != 0 { b += "=" }
        return Data(base64Encoded: b)
    }

    /// Issue 12, item 1: a resident's device signs only a sign-in page's challenge. A store kiosk's challenge passed
    /// off as one (a look-alike page) would let whoever started that kiosk session print the resident's certificates.
    /// The challenge is written here from the wire format, and openssl checks the signature over its exact bytes.
    @Test("hostile: card answer signs a resident page's challenge and refuses a kiosk's, a bare nonce and garbage")
    func cardAnswerSignsOnlySignInChallenges() throws {
        let dir = CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let db = dir.appendingPathComponent("city.sqlite").path
        #expect(try CLI.run(["seed", "--db", db, "--residents", "200"]).status == 0)
        let cardFile = dir.appendingPathComponent("card.json")
        #expect(try CLI.run(["card", "issue", "--db", db, "--resident", "1", "--pin", "1234", "--out", cardFile.path]).status == 0)
        let nonce = Self.base64url(Data((0..<32).map { _ in UInt8.random(in: 0...255) }))
        func challenge(_ purpose: String, _ session: String) -> Data {
            Data("madoguchi-card-challenge/1\n\(purpose)\n149802\n\(session)\n\(nonce)".utf8)
        }
        func answer(_ challenge: String) throws -> CLI.Result {
            try CLI.run(["card", "answer", "--card", cardFile.path, "--pin", "1234", "--challenge", challenge])
        }
        for refused in [
            Self.base64url(challenge("kiosk", "K0123456789abcdef")), nonce, "not-a-challenge",
            Self.base64url(challenge("resident", "short")),
        ] {
            let result = try answer(refused)
            #expect(result.status != 0, "\(refused)")
            #expect(result.out.isEmpty)
        }
        let kiosk = try answer(Self.base64url(challenge("kiosk", "K0123456789abcdef")))
        #expect(kiosk.err.contains("住民向けアクセス記録のサインイン用ではない"))
        // Refusing does not spend a PIN try.
        let card = try JSONSerialization.jsonObject(with: Data(contentsOf: cardFile)) as! [String: Any]
        #expect(card["pinFailures"] as? Int == 0)

        let signIn = challenge("resident", "abcdefghijklmnopqrstuvwx")
        let signed = try answer(Self.base64url(signIn))
        #expect(signed.status == 0, "\(signed.err)")
        #expect(signed.err.contains("149802"))
        let json = try #require(Self.unbase64url(signed.out.trimmingCharacters(in: .whitespacesAndNewlines)))
        let object = try #require(try JSONSerialization.jsonObject(with: json) as? [String: String])
        try #require(object["certificate"]).write(to: dir.appendingPathComponent("card.pem"), atomically: true, encoding: .utf8)
        let signatureText = try #require(object["signature"])
        try #require(Self.unbase64url(signatureText)).write(to: dir.appendingPathComponent("sig.bin"))
        try signIn.write(to: dir.appendingPathComponent("challenge.bin"))
        let (extracted, _) = try Self.openssl(["x509", "-in", dir.appendingPathComponent("card.pem").path, "-pubkey", "-noout",
                                               "-out", dir.appendingPathComponent("pub.pem").path])
        #expect(extracted == 0)
        let (verified, output) = try Self.openssl(["dgst", "-sha256", "-verify", dir.appendingPathComponent("pub.pem").path,
                                                   "-signature", dir.appendingPathComponent("sig.bin").path,
                                                   dir.appendingPathComponent("challenge.bin").path])
        #expect(verified == 0, "\(output)")
        #expect(output.contains("Verified OK"))
    }
}

enum CLIError: Error {
    case failed(String)
}
