import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import GRDB
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import MadoguchiTestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

@testable import MadoguchiDemo
@testable import MadoguchiDomain
@testable import MadoguchiIssuance
@testable import MadoguchiServer
@testable import MadoguchiStore

/// The HTTP edge (issue 11, item 6): headers, error pages, rate limits, slow requests, and public routes that never
/// wait on the database's write lock.
@Suite("HTTPの境界")
struct EdgeTests {
    static let clock = AccessAuditTests.clock

    static func app(_ edit: (inout ServerConfiguration) -> Void = { _ in }) throws -> (some ApplicationProtocol, MadoguchiDatabase) {
        let db = try MadoguchiDatabase.inMemory()
        _ = try DemoCityGenerator.generate(into: db, options: .init(residents: 100, seed: 3))
        try TestStaff.install(db, clock: clock)
        var config = ServerConfiguration(host: "127.0.0.1", port: 0, clock: clock)
        edit(&config)
        return (try buildApplication(configuration: config, database: db), db)
    }

    @Test("every answer carries the security headers: pages, the API, errors and redirects", arguments: [
        ("/", false), ("/api/v1/city", false), ("/no-such-page", false), ("/counter", false), ("/api/v1/residents/1", true),
    ])
    func headers(path: String, staff: Bool) async throws {
        let (app, _) = try Self.app()
        try await app.test(.router) { client in
            try await client.execute(uri: path, method: .get, headers: staff ? [.authorization: "Bearer wrong"] : [:]) { response in
                #expect(response.headers[.xContentTypeOptions] == "nosniff", "\(path)")
                #expect(response.headers[HTTPField.Name("X-Frame-Options")!] == "DENY")
                #expect(response.headers[HTTPField.Name("Referrer-Policy")!] == "same-origin")
                let csp = response.headers[.contentSecurityPolicy] ?? ""
                #expect(csp.contains("frame-ancestors 'none'") && csp.contains("default-src 'self'"))
            }
        }
    }

    @Test("a page's error is an HTML page with its real status and code; the API's stays JSON")
    func errorPages() async throws {
        let (app, _) = try Self.app()
        try await app.test(.router) { client in
            try await client.execute(uri: "/counter/residents/999999", method: .get, headers: TestStaff.cookie("tester")) { response in
                #expect(response.status == .notFound)
                #expect(response.headers[.contentType]?.hasPrefix("text/html") == true)
                let html = String(buffer: response.body)
                #expect(html.contains("data-code=\"registry.notFound\""))
                #expect(html.contains("住民が見つかりません"))
            }
            try await client.execute(uri: "/no-such-page", method: .get) { response in
                #expect(response.status == .notFound)
                #expect(String(buffer: response.body).contains("ページが見つかりません"))
            }
            try await client.execute(uri: "/api/v1/residents/999999", method: .get, headers: TestStaff.bearer("tester")) { response in
                #expect(response.status == .notFound)
                #expect(response.headers[.contentType]?.hasPrefix("application/json") == true)
            }
        }
    }

    @Test("error bodies name the field in the API's words, never the decoder's or the database's", arguments: [
        #"{"kind": 7, "subjectId": 1, "requester": {"class": "self"}}"#, #"{"kind": "passport", "subjectId": 1, "requester": {"class": "self"}}"#,
        "not json", #"{"kind": "residentRecordCopy", "subjectId": true, "requester": {"class": "self"}}"#,
    ])
    func noInternals(json: String) async throws {
        let (app, _) = try Self.app()
        try await app.test(.router) { client in
            var headers = TestStaff.bearer("clerk")
            headers[.contentType] = "application/json"
            headers[HTTPField.Name("Idempotency-Key")!] = "internals-0001"
            try await client.execute(uri: "/api/v1/certificates", method: .post, headers: headers, body: ByteBuffer(string: json)) { response in
                #expect(response.status == .badRequest)
                let text = String(buffer: response.body)
                for leak in ["Swift", "Expected to decode", "CertificateKind", "Cannot initialize", "DecodingError", "codingPath"] {
                    #expect(!text.contains(leak), "\(leak) in \(text)")
                }
            }
        }
        let sanitized = DomainErrorMiddleware<AppRequestContext>.sanitized(MadoguchiError(
            .constraintViolation, ja: "x（CHECK constraint failed: passwordHash GLOB 'scrypt$*'）", en: "CHECK constraint failed: passwordHash"))
        #expect(!sanitized.ja.contains("CHECK") && !sanitized.en.contains("passwordHash"))
    }

    @Test("rate limits: too many sign-ins or verifications from one address in a minute are 429 with Retry-After")
    func rateLimits() async throws {
        let (app, _) = try Self.app { config in
            config.edge.signInsPerMinute = 3
            config.edge.verificationsPerMinute = 4
        }
        try await app.test(.router) { client in
            var statuses: [HTTPResponse.Status] = []
            for _ in 0..<4 {
                try await client.execute(uri: "/counter/login", method: .post, headers: [.contentType: "application/x-www-form-urlencoded"],
                                         body: ByteBuffer(string: "login=nobody&password=wrong-password")) { statuses.append($0.status) }
            }
            #expect(statuses == [.unauthorized, .unauthorized, .unauthorized, .tooManyRequests])
            var verifies: [HTTPResponse.Status] = []
            for _ in 0..<5 {
                try await client.execute(uri: "/api/v1/verify", method: .post, headers: [.contentType: "application/json"],
                                         body: ByteBuffer(string: #"{"token": "not.a.token"}"#)) { response in
                    verifies.append(response.status)
                    if response.status == .tooManyRequests {
                        #expect(Int(response.headers[.retryAfter] ?? "") ?? 0 >= 1)
                        #expect(String(buffer: response.body).contains("http.rateLimited"))
                    }
                }
            }
            #expect(verifies.prefix(4).allSatisfy { $0 == .ok } && verifies.last == .tooManyRequests, "\(verifies)")
        }
    }

    /// Behind reverse proxies the rate limits must count the client, not the proxy; but `X-Forwarded-For` is only as
    /// good as whoever wrote it. Hostile cases: a client that writes the header itself, directly or through the proxy.
    @Test("X-Forwarded-For names the client only when a trusted proxy wrote it, read from the right", arguments: [
        // (peer, X-Forwarded-For lines, expected client)
        ("198.51.100.7", ["203.0.113.9"], "198.51.100.7"),  // not a proxy of ours: the header is the caller's own words
        ("127.0.0.1", [], "127.0.0.1"),  // through the proxy without the header: the proxy
        ("127.0.0.1", ["203.0.113.9"], "203.0.113.9"),
        ("127.0.0.1", ["6.6.6.6, 203.0.113.9"], "203.0.113.9"),  // the client wrote 6.6.6.6; the proxy appended the truth
        ("127.0.0.1", ["6.6.6.6", "203.0.113.9"], "203.0.113.9"),  // the same over two header lines
        ("127.0.0.1", ["203.0.113.9, 10.1.2.3"], "203.0.113.9"),  // through two proxies of ours
        ("127.0.0.1", ["10.1.2.3, 10.4.5.6"], "10.1.2.3"),  // every hop ours: the first
        ("127.0.0.1", ["203.0.113.9, unknown"], "127.0.0.1"),  // a hop that is no address: the proxy itself (stricter)
        ("127.0.0.1", ["203.0.113.9:4711"], "203.0.113.9"),
        ("127.0.0.1", ["[2001:db8::1]:443"], "2001:db8::1"),
        ("127.0.0.1", ["::ffff:203.0.113.9"], "203.0.113.9"),  // one client, one spelling
        ("::ffff:127.0.0.1", ["2001:DB8:0:0::1"], "2001:db8::1"),
        ("::1", ["203.0.113.9"], "203.0.113.9"),
    ])
    func forwardedFor(peer: String, header: [String], client: String) throws {
        let proxies = TrustedProxies(try ["127.0.0.1", "10.0.0.0/8", "::1"].map { try #require(AddressRange($0)) })
        #expect(proxies.client(peer: peer, forwardedFor: header) == client)
    }

    @Test("address ranges: what MADOGUCHI_TRUSTED_PROXIES accepts and refuses")
    func addressRanges() throws {
        #expect(AddressRange("10.0.0.0/8")?.contains(AddressRange.bytes(of: "10.255.0.1")!) == true)
        #expect(AddressRange("10.0.0.0/8")?.contains(AddressRange.bytes(of: "11.0.0.1")!) == false)
        #expect(AddressRange("192.168.4.0/22")?.contains(AddressRange.bytes(of: "192.168.7.255")!) == true)
        #expect(AddressRange("192.168.4.0/22")?.contains(AddressRange.bytes(of: "192.168.8.0")!) == false)
        #expect(AddressRange("fd00::/8")?.contains(AddressRange.bytes(of: "fd12::1")!) == true)
        #expect(AddressRange("fd00::/8")?.contains(AddressRange.bytes(of: "10.0.0.1")!) == false)
        #expect(AddressRange("0.0.0.0/0")?.contains(AddressRange.bytes(of: "203.0.113.9")!) == true)
        for bad in ["10.0.0.0/33", "::/129", "10.0.0.0/-1", "10.0.0.0/", "proxy.example.jp", "10.0.0", "", "fe80::1%eth0"] {
            #expect(AddressRange(bad) == nil, "\(bad)")
        }
    }

    @Test("rate limits count the client behind a trusted proxy, and the connection's peer when the header comes from anyone else")
    func rateLimitsBehindAProxy() async throws {
        func statuses(trusting proxies: [String]) async throws -> [String: [HTTPResponse.Status]] {
            let (app, _) = try Self.app { config in
                config.edge.verificationsPerMinute = 2
                config.edge.trustedProxies = proxies.compactMap(AddressRange.init)
                // The client keeps one connection; a starved test process may take minutes between two requests, and
                // the edge's deadlines would close it under the client (what is tested here is the count).
                config.edge.requestSeconds = 3600
                config.edge.idleSeconds = 3600
            }
            return try await app.test(.live) { client in
                let port = try #require(client.port)
                var seen: [String: [HTTPResponse.Status]] = [:]
                for who in ["203.0.113.1", "203.0.113.1", "203.0.113.1", "203.0.113.2"] {
                    // URLSession with a long timeout, not the test client (20 s): a starved test process may take
                    // minutes to answer, and what is tested here is the count.
                    var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)/api/v1/verify")!)
                    request.httpMethod = "POST"
                    request.timeoutInterval = 600
                    request.setValue("application/json", forHTTPHeaderField: "Content-Type")
                    request.setValue(who, forHTTPHeaderField: "X-Forwarded-For")
                    request.httpBody = Data(#"{"token": "not.a.token"}"#.utf8)
                    let (_, response) = try await URLSession.shared.data(for: request)
                    seen[who, default: []].append(HTTPResponse.Status(code: (response as? HTTPURLResponse)?.statusCode ?? 0))
                }
                return seen
            }
        }
        // The test client connects from 127.0.0.1. As a trusted proxy: each client its own budget.
        let behind = try await statuses(trusting: ["127.0.0.1"])
        #expect(behind["203.0.113.1"] == [.ok, .ok, .tooManyRequests])
        #expect(behind["203.0.113.2"] == [.ok])
        // Not trusted: a client that writes a new address into each request still shares one budget.
        let spoofed = try await statuses(trusting: ["10.0.0.0/8"])
        #expect(spoofed["203.0.113.1"] == [.ok, .ok, .tooManyRequests])
        #expect(spoofed["203.0.113.2"] == [.tooManyRequests])
    }

    @Test("a request that arrives a byte at a time is cut off; a whole one on the same server is answered")
    func slowRequest() async throws {
        let (app, _) = try Self.app { config in config.edge.requestSeconds = 1 }
        try await app.test(.live) { client in
            let port = try #require(client.port)
            // Half a request head, then nothing: the server must close the connection (recv returns 0), well before
            // this client's own 30-second patience runs out.
            let socket = try RawSocket(port: port, patience: 30)
            try socket.send(Data("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ".utf8))
            let received = socket.receive(upTo: 512)
            #expect(received == Data(), "the server closed the half-sent request (recv \(received.map { "\($0.count) bytes" } ?? "error"), errno \(errno))")
            // A whole request on a new connection is answered (the test client's own connection sat idle past the
            // deadline too, and was closed with it).
            // Patient as well: a busy two-core machine (the fault runs beside this suite) can keep the server from
            // answering for longer than URLSession's default minute.
            var whole = URLRequest(url: URL(string: "http://127.0.0.1:\(port)/health")!)
            whole.timeoutInterval = 600
            let (_, response) = try await URLSession.shared.data(for: whole)
            #expect((response as? HTTPURLResponse)?.statusCode == 200)
        }
    }

    @Test("the public keys, CRL, CA and verification answer while a writer holds the database's write lock")
    func publicRoutesOnlyRead() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("madoguchi-edge-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let db = try MadoguchiDatabase.open(path: folder.appendingPathComponent("city.sqlite").path)
        _ = try DemoCityGenerator.generate(into: db, options: .init(residents: 100, seed: 3))
        let app = try buildApplication(configuration: ServerConfiguration(host: "127.0.0.1", port: 0, clock: Self.clock), database: db)
        let holding = DispatchSemaphore(value: 0)
        let release = DispatchSemaphore(value: 0)
        let finished = DispatchSemaphore(value: 0)
        let heldToTheEnd = Locked(false)
        try await app.test(.router) { client in
            DispatchQueue.global().async {
                try? db.writer.write { _ in
                    holding.signal()
                    // Generous: on a busy two-core machine other suites' long child processes can hold the test's threads
                    // for minutes; the lock is released as soon as the routes have answered. Only a route that waits
                    // for the writer keeps it to the end.
                    heldToTheEnd.set(release.wait(timeout: .now() + 900) == .timedOut)
                }
                finished.signal()
            }
            await withCheckedContinuation { c in DispatchQueue.global().async { holding.wait(); c.resume() } }
            for (uri, method) in [("/.well-known/jwks.json", HTTPRequest.Method.get), ("/pki/crl.der", .get), ("/pki/ca.pem", .get)] {
                try await client.execute(uri: uri, method: method) { #expect($0.status == .ok, "\(uri)") }
            }
            try await client.execute(uri: "/api/v1/verify", method: .post, headers: [.contentType: "application/json"],
                                     body: ByteBuffer(string: #"{"token": "not.a.token"}"#)) { #expect($0.status == .ok) }
            release.signal()
        }
        await withCheckedContinuation { c in DispatchQueue.global().async { finished.wait(); c.resume() } }
        #expect(heldToTheEnd.get() == false, "the public routes answered while the write lock was held")
    }
}

/// A value shared with a thread.
final class Locked<T: Sendable>: @unchecked Sendable {
    private var value: T
    private let lock = NSLock()
    init(_ value: T) { self.value = value }
    func set(_ v: T) { lock.lock(); value = v; lock.unlock() }
    func get() -> T { lock.lock(); defer { lock.unlock() }; return value }
}
