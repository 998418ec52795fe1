import Foundation
import MadoguchiTestSupport
import Testing

/// Issue 14, item 4 end to end: the real server with a window's API credential and the city's mail relay set to a
/// local SMTP sink (aiosmtpd); a resident's phone and the display board in headless Chromium follow the calls live;
/// the call's alert arrives as mail that Python's own parser reads.
@Suite("順番待ち（ヘッドレスChromium と SMTP シンク）", .serialized)
struct QueueBrowserTests {
    static let interop = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Interop")

    /// aiosmtpd keeping every message in a Maildir.
    final class SMTPSink: @unchecked Sendable {
        let process: Spawned
        let port: Int
        let maildir: URL

        init(port: Int, maildir: URL) throws {
            self.port = port
            self.maildir = maildir
            process = try Spawned(
                "/usr/bin/env", ["python3", "-m", "aiosmtpd", "-n", "-l", "127.0.0.1:\(port)", "-c", "aiosmtpd.handlers.Mailbox", maildir.path])
        }

        /// Waits until the sink greets (SMTP 220), for as long as a busy machine takes to start Python.
        func waitUntilListening() async throws {
            let deadline = ContinuousClock.now + .seconds(300)
            while ContinuousClock.now < deadline {
                if let socket = try? RawSocket(port: port, patience: 10), let greeting = socket.receive(), greeting.starts(with: Data("220".utf8)) {
                    return
                }
                guard process.isRunning else { throw DaemonError(description: "aiosmtpd exited with \(process.status ?? -1)") }
                try await Task.sleep(for: .milliseconds(200))
            }
            throw DaemonError(description: "aiosmtpd did not greet in 300 s")
        }

        /// The files of the messages delivered so far (Maildir's new and cur).
        func delivered() -> [String] {
            ["new", "cur"].flatMap { sub in
                ((try? FileManager.default.contentsOfDirectory(atPath: maildir.appendingPathComponent(sub).path)) ?? []).map { "\(sub)/\($0)" }
            }.sorted()
        }

        /// The messages kept so far, read by Python's e-mail parser.
        func messages() throws -> [[String: Any]] {
            let (out, status) = try Poppler.python(QueueBrowserTests.interop.appendingPathComponent("read_mail.py").path, [maildir.path])
            guard status == 0 else { throw DaemonError(description: out) }
            return try JSONSerialization.jsonObject(with: Data(out.utf8)) as? [[String: Any]] ?? []
        }

        /// aiosmtpd ignores SIGTERM while it serves: it is killed.
        func stop() {
            if process.isRunning { kill(process.pid, SIGKILL) }
            process.wait()
        }

        deinit { if process.isRunning { kill(process.pid, SIGKILL) } }
    }

    @Test("a resident's phone and the board follow a two-window visit live; the call's alert arrives by mail")
    func visit() async throws {
        let dir = CLI.temporaryDirectory()
        let db = dir.appendingPathComponent("q.sqlite").path
        #expect(try CLI.run(["seed", "--db", db, "--residents", "300"]).status == 0)
        let issued = try CLI.run(["staff", "token", "--label", "窓口端末", "--roles", "clerk", "--facility", "chuo-ward-office", "--db", db])
        #expect(issued.status == 0, "\(issued.err)")
        let token = String(issued.out.split(separator: ":").last ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        let ports = FreePorts.base(2)
        let sink = try SMTPSink(port: ports + 1, maildir: dir.appendingPathComponent("maildir"))
        defer { sink.stop() }
        try await sink.waitUntilListening()
        let server = try Daemon(
            ["serve", "--db", db], port: ports, environment: [
                "MADOGUCHI_CLOCK": "2026-11-24T10:00:00+09:00", "MADOGUCHI_SMTP": "127.0.0.1:\(ports + 1)",
                "MADOGUCHI_MAIL_FROM": "madoguchi@city.example.jp",
            ], log: dir.appendingPathComponent("serve.log"))
        defer { server.stop() }
        try await server.waitUntilHealthy()

        let (out, status) = try await Poppler.pythonOffThePool(
            Self.interop.appendingPathComponent("queue_day.py").path, [server.url, token, "resident@example.jp"])
        #expect(status == 0, "\(out)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data((out.split(separator: "\n").last ?? "").utf8)) as? [String: Any])
        let phone = report["phone"] as? [String: Any] ?? [:]
        let board = report["board"] as? [String: Any] ?? [:]
        #expect(phone["number"] as? String == "B001")
        #expect((phone["title"] as? String)?.contains("3番窓口") == true)
        #expect((phone["secondStep"] as? String)?.contains("2件中2件目") == true, "\(phone)")
        #expect((phone["secondCall"] as? String)?.contains("7番窓口") == true)
        #expect((board["row"] as? [String])?.first?.contains("3番") == true, "\(board)")
        #expect((board["calling"] as? String)?.contains("B001") == true)

        // Both calls' alerts reach the sink (the outbox is sent every two seconds): wait for the sink's files, then read
        // them with an independent parser.
        let deadline = ContinuousClock.now + .seconds(300)
        while ContinuousClock.now < deadline, sink.delivered().count < 2 {
            try await Task.sleep(for: .milliseconds(500))
        }
        let mail = try sink.messages()
        #expect(mail.count == 2, "files \(sink.delivered()); read \(mail)")
        let first = try #require(mail.first)
        #expect(first["subject"] as? String == "【窓口市】B001番: 3番窓口へお越しください")
        #expect((first["to"] as? String)?.contains("resident@example.jp") == true)
        #expect((first["from"] as? String)?.contains("madoguchi@city.example.jp") == true && (first["from"] as? String)?.contains("窓口市") == true)
        #expect((first["body"] as? String)?.contains("10分以内にお越しにならない場合") == true)
        #expect(first["autoSubmitted"] as? String == "auto-generated")
        #expect((mail.last?["subject"] as? String)?.contains("7番窓口") == true)
        // The address never reaches the server's log.
        let log = try String(contentsOf: dir.appendingPathComponent("serve.log"), encoding: .utf8)
        #expect(!log.contains("resident@example.jp"))
        // Nor does the ticket's secret (whoever holds it can follow and cancel the ticket): its segment is logged as `…`.
        let ticketPaths = log.ranges(of: "/tickets/").map { String(log[$0.upperBound...].prefix(while: { $0 != "\"" && $0 != "/" && !$0.isWhitespace })) }
        #expect(ticketPaths.contains("…"), "the ticket page's requests are logged")
        #expect(ticketPaths.allSatisfy { $0 == "…" }, "a ticket secret is in the log: \(Set(ticketPaths).filter { $0 != "…" }.count) distinct")
    }
}

extension QueueBrowserTests {
    /// Issue 14, item 9 (first part): the public pages a resident meets at the counter and on the phone — the ticket,
    /// the display board, the congestion page and the finder, with the touch page, and the other public pages — pass
    /// axe-core (WCAG 2.1 A and AA, and its best practices) with no violation, on a phone's screen and a desk's, and
    /// none is wider than the phone.
    @Test("the ticket, board, congestion, finder and touch pages: no axe-core violation, on a phone and a desk, in Japanese and English")
    func accessibility() async throws {
        let dir = CLI.temporaryDirectory()
        let db = dir.appendingPathComponent("a.sqlite").path
        #expect(try CLI.run(["seed", "--db", db, "--residents", "300", "--no-cases"]).status == 0)
        let server = try Daemon(
            ["serve", "--db", db], port: FreePorts.base(1), environment: ["MADOGUCHI_CLOCK": "2026-11-24T10:00:00+09:00"],
            log: dir.appendingPathComponent("serve.log"))
        defer { server.stop() }
        try await server.waitUntilHealthy()
        let town = "ward=%E4%B8%AD%E5%A4%AE%E5%8C%BA&town=%E6%9C%AC%E7%94%BA%E4%B8%80%E4%B8%81%E7%9B%AE"  // 中央区 本町一丁目
        let pages = [
            "ticket:chuo-ward-office:ja", "ticket:chuo-ward-office:en", "ticket:chuo-ward-office:ja:en", "/facilities/chuo-ward-office/board",
            "/facilities/chuo-ward-office/congestion", "/facilities/chuo-ward-office/congestion?lang=en",
            "/finder?kind=residentRecordCopy&\(town)", "/finder?kind=taxCertificate&\(town)&lang=en", "/facilities/chuo-ward-office/queue", "/facilities/chuo-ward-office/queue?lang=en",
            // The other public pages: the home page, the closing days, the network then and now, a facility, verification.
            "/", "/?lang=en", "/calendar", "/calendar?lang=en", "/facilities", "/facilities?date=2015-03-31", "/facilities?lang=en", "/facilities/kakinoki-liaison-office", "/facilities/chuo-ward-office?lang=en", "/verify", "/my",
        ]
        let (out, status) = try await Poppler.pythonOffThePool(Self.interop.appendingPathComponent("accessibility.py").path, [server.url] + pages)
        let report = try #require(try JSONSerialization.jsonObject(with: Data(out.utf8)) as? [String: Any], "\(out.suffix(2000))")
        let checked = report["pages"] as? [[String: Any]] ?? []
        #expect(checked.count == pages.count * 2, "each page on a phone and a desk")
        #expect((report["axe"] as? String)?.hasPrefix("axe v4.") == true)
        for page in checked {
            let violations = page["violations"] as? [[String: Any]] ?? []
            #expect(violations.isEmpty, "\(page["path"] ?? "") (\(page["screen"] ?? "")): \(violations)")
        }
        #expect(status == 0)
    }

    /// Issue 14, item 9: the staff's pages pass axe-core too, on the desk where they are used, each in the session of
    /// the member of staff who uses it (signed in through the form; the counter's purpose of reads chosen on its form).
    @Test("the staff's pages (counter, window, planning, statistics, what-if, audit, administration): no axe-core violation")
    func staffAccessibility() async throws {
        let dir = CLI.temporaryDirectory()
        let db = dir.appendingPathComponent("s.sqlite").path
        let password = "demo-password-axe"
        // A new database: the server makes the demo city and its staff, one account a role, with this password.
        let server = try Daemon(
            ["serve", "--db", db, "--residents", "300"], port: FreePorts.base(2),
            environment: ["MADOGUCHI_CLOCK": "2026-11-24T10:00:00+09:00", "MADOGUCHI_DEMO_PASSWORD": password],
            log: dir.appendingPathComponent("serve.log"))
        defer { server.stop() }
        try await server.waitUntilHealthy()
        let pages = [
            "signin:clerk:counter", "/counter", "/counter/queue", "/counter/wide-area",
            "purpose:certificate", "/counter/residents/1", "/counter/residents/1/procedures",
            "signin:planner:planning", "/planning", "/planning/statistics", "/planning/reorganisation?replay=2015-04-01", "/planning/statistics?lang=en",
            "/planning/reorganisation?replay=2015-04-01&lang=en", "/planning/activities",
            "/planning/surveys",
            "signin:auditor:audit", "/audit", "/audit?verify=1",
            "signin:admin:admin", "/admin",
        ]
        let (out, status) = try await Poppler.pythonOffThePool(
            Self.interop.appendingPathComponent("accessibility.py").path, ["--desk", server.url] + pages,
            environment: ["MADOGUCHI_DEMO_PASSWORD": password])
        let report = try #require(try JSONSerialization.jsonObject(with: Data(out.utf8)) as? [String: Any], "\(out.suffix(2000))")
        let checked = report["pages"] as? [[String: Any]] ?? []
        #expect(checked.count == pages.filter { $0.hasPrefix("/") }.count)
        for page in checked {
            let violations = page["violations"] as? [[String: Any]] ?? []
            #expect(violations.isEmpty, "\(page["path"] ?? ""): \(violations)")
            #expect((page["title"] as? String)?.contains("ログイン") == false, "\(page["path"] ?? ""): signed in")
        }
        #expect(status == 0)
    }
}
