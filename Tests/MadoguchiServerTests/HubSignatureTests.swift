import Foundation
import GRDB
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import MadoguchiDemo
@testable import MadoguchiDomain
@testable import MadoguchiIssuance
@testable import MadoguchiPKI
@testable import MadoguchiServer
@testable import MadoguchiStore

/// Issue 12, item 3 (ADR 0009 §3): a city's kiosk protocol answers requests signed by a hub it was given, and nothing
/// else; without hub keys the protocol is off.
@Suite("ハブの署名（コンビニ交付の入口）")
struct HubSignatureTests {
    static let clock = MadoguchiClock.parse("2026-11-24T10:00:00+09:00")!
    static let hub = HubSignature.SigningKey.generate(id: "hub-east-1")

    static func app(keys: HubKeys?) throws -> some ApplicationProtocol {
        let db = try MadoguchiDatabase.inMemory()
        _ = try DemoCityGenerator.generate(into: db, options: .init(residents: 100, seed: 3))
        return try buildApplication(configuration: ServerConfiguration(host: "127.0.0.1", port: 0, clock: clock, hubKeys: keys), database: db)
    }

    /// The headers `key` signs a request with, for `city` at `now`.
    static func signed(
        by key: HubSignature.SigningKey = hub, _ method: HTTPRequest.Method, _ target: String, city: String = "149802",
        body: Data = Data(), now: Date = clock.now()
    ) throws -> HTTPFields {
        var fields: HTTPFields = [.contentType: "application/json"]
        for (name, value) in try key.headers(method: method.rawValue, target: target, city: city, body: body, now: now) {
            fields[HTTPField.Name(name)!] = value
        }
        return fields
    }

    static func code(_ response: TestResponse) -> String? {
        ((try? JSONSerialization.jsonObject(with: Data(buffer: response.body))) as? [String: Any])
            .flatMap { $0["error"] as? [String: Any] }?["code"] as? String
    }

    @Test("hostile: unsigned, an unknown hub, another city, a changed body, another path, a stale date and a replay are all 401")
    func onlyRegisteredHubs() async throws {
        let keys = try HubKeys.parse("# hubs of this city\n\(Self.hub.id) \(Self.hub.publicKey)\n")
        let stranger = HubSignature.SigningKey.generate(id: "hub-east-1")  // the same id, another key
        let start = Data(#"{"requestId":"K-signed-000001","chain":"セブン","store":"S-1"}"#.utf8)
        try await Self.app(keys: keys).test(.router) { client in
            // A registered hub's signed requests are answered.
            try await client.execute(uri: "/kiosk/v1/menu", method: .get, headers: try Self.signed(.get, "/kiosk/v1/menu")) { response in
                #expect(response.status == .ok)
            }
            try await client.execute(
                uri: "/kiosk/v1/sessions", method: .post, headers: try Self.signed(.post, "/kiosk/v1/sessions", body: start),
                body: ByteBuffer(data: start)
            ) { response in
                #expect(response.status == .created)
            }
            var refusals: [(String, HTTPFields, Data, String)] = [
                ("unsigned", [.contentType: "application/json"], start, "/kiosk/v1/sessions"),
                ("another hub's key under a registered id", try Self.signed(by: stranger, .post, "/kiosk/v1/sessions", body: start), start, "/kiosk/v1/sessions"),
                ("signed for 東窓市", try Self.signed(.post, "/kiosk/v1/sessions", city: "149829", body: start), start, "/kiosk/v1/sessions"),
                ("signed for the menu", try Self.signed(.post, "/kiosk/v1/menu", body: start), start, "/kiosk/v1/sessions"),
                ("stale by six minutes", try Self.signed(.post, "/kiosk/v1/sessions", body: start, now: Self.clock.now().addingTimeInterval(-360)), start, "/kiosk/v1/sessions"),
            ]
            var changed = start
            changed.replaceSubrange(changed.range(of: Data("セブン".utf8))!, with: Data("ローソン".utf8))
            refusals.append(("a changed body (the chain settled with)", try Self.signed(.post, "/kiosk/v1/sessions", body: start), changed, "/kiosk/v1/sessions"))
            let settlement = "/kiosk/v1/settlement?month=2026-11"
            refusals.append(("another month than signed", try Self.signed(.get, settlement), Data(), "/kiosk/v1/settlement?month=2026-10"))
            for (what, headers, body, uri) in refusals {
                try await client.execute(uri: uri, method: uri.contains("settlement") ? .get : .post, headers: headers, body: ByteBuffer(data: body)) { response in
                    #expect(response.status == .unauthorized, "\(what)")
                    #expect(Self.code(response) == "kiosk.hubUnauthorized", "\(what)")
                }
            }
            // A request sent twice: the second is a replay, whatever it asks.
            let once = try Self.signed(.get, settlement)
            try await client.execute(uri: settlement, method: .get, headers: once) { response in #expect(response.status == .ok) }
            try await client.execute(uri: settlement, method: .get, headers: once) { response in
                #expect(response.status == .unauthorized)
                #expect(String(buffer: response.body).contains("replayed"))
            }
        }
    }

    @Test("no open doors: a city without hub keys answers no kiosk request, signed or not (503 kiosk.notConfigured)")
    func offWithoutKeys() async throws {
        try await Self.app(keys: nil).test(.router) { client in
            for headers in [HTTPFields(), try Self.signed(.get, "/kiosk/v1/menu")] {
                try await client.execute(uri: "/kiosk/v1/menu", method: .get, headers: headers) { response in
                    #expect(response.status == .serviceUnavailable)
                    #expect(Self.code(response) == "kiosk.notConfigured")
                }
            }
            // The rest of the city works.
            try await client.execute(uri: "/health", method: .get) { response in #expect(response.status == .ok) }
        }
    }

    @Test("the hub-keys file: comments and blank lines; a bad key, a repeated id or a bad id names its line")
    func keysFile() throws {
        let other = HubSignature.SigningKey.generate(id: "hub-west.2")
        let keys = try HubKeys.parse("# 登録ハブ\n\n\(Self.hub.id) \(Self.hub.publicKey)  # east\n\(other.id)\t\(other.publicKey)\n")
        #expect(keys.ids == ["hub-east-1", "hub-west.2"])
        for (text, line) in [
            ("\(Self.hub.id) \(Self.hub.publicKey)\nhub-2 notakey", 2), ("\(Self.hub.id) \(Self.hub.publicKey)\n\(Self.hub.id) \(other.publicKey)", 2),
            ("bad/id \(Self.hub.publicKey)", 1), ("only-an-id", 1),
        ] {
            #expect(throws: HubKeysError.self) { try HubKeys.parse(text) }
            do { _ = try HubKeys.parse(text) } catch let error as HubKeysError { #expect(error.line == line, "\(text)") }
        }
        // The key file round-trips, and a signature made with it verifies.
        let reread = try #require(HubSignature.SigningKey(fileText: Self.hub.fileText))
        #expect(reread.publicKey == Self.hub.publicKey)
        #expect(HubSignature.SigningKey(fileText: "hub-1 not-a-key") == nil)
    }
}
