import Foundation
import Hummingbird
import HTTPTypes
import HummingbirdTesting
import Testing
import MadoguchiTestSupport

@testable import MadoguchiDomain
@testable import MadoguchiServer
@testable import MadoguchiStore

@Suite("証明書API")
struct CertificatesAPITests {
    static func subject(_ db: MadoguchiDatabase) throws -> Int64 {
        try #require(try db.writer.read { d in
            try Int64.fetchOne(d, sql: """
                SELECT id FROM resident r WHERE removedOn IS NULL AND relationship = 'householder'
                AND NOT EXISTS (SELECT 1 FROM supportMeasure m WHERE m.subjectId = r.id) LIMIT 1
                """)
        })
    }

    static func headers(key: String?) -> HTTPFields {
        var h = ServerTests.bearer
        h[.contentType] = "application/json"
        if let key { h[HTTPField.Name("Idempotency-Key")!] = key }
        return h
    }

    static func body(_ json: String) -> ByteBuffer { ByteBuffer(string: json) }

    @Test("a clerk issues a certificate: 201 with its id; a retry with the same key gets the same one")
    func issue() async throws {
        let (app, db) = try ServerTests.app()
        let id = try Self.subject(db)
        let json = """
            {"kind": "residentRecordCopy", "subjectId": "\(id)", "facilityId": "chuo-ward-office",
             "requester": {"class": "self", "residentId": \(id), "identityDocuments": ["driversLicense"]},
             "options": {"scope": "household", "items": ["relationship"], "copies": 2}}
            """
        try await app.test(.router) { client in
            var first = ""
            try await client.execute(uri: "/api/v1/certificates", method: .post, headers: Self.headers(key: "window-3-000001"), body: Self.body(json)) { response in
                #expect(response.status == .created)
                let body = try ServerTests.json(response.body)
                first = body["id"] as! String
                #expect(response.headers[.location] == "/api/v1/certificates/\(first)")
                #expect(body["documentUrl"] as? String == "/api/v1/certificates/\(first)/document.pdf")
                #expect(body["feeYen"] as? Int == 600)
                #expect(body["serialNumber"] as? String == "第2026-000001号")
            }
            try await client.execute(uri: "/api/v1/certificates", method: .post, headers: Self.headers(key: "window-3-000001"), body: Self.body(json)) { response in
                #expect(response.status == .created)
                let body = try ServerTests.json(response.body)
                #expect(body["id"] as? String == first)
            }
            let other = json.replacingOccurrences(of: "\"copies\": 2", with: "\"copies\": 3")
            try await client.execute(uri: "/api/v1/certificates", method: .post, headers: Self.headers(key: "window-3-000001"), body: Self.body(other)) { response in
                #expect(response.status == .conflict)
                let error = try ServerTests.json(response.body)["error"] as! [String: Any]
                #expect(error["code"] as? String == "issuance.idempotencyConflict")
            }
            try await client.execute(uri: "/api/v1/certificates/\(first)", method: .get, headers: ServerTests.bearer) { response in
                #expect(response.status == .ok)
                let body = try ServerTests.json(response.body)
                let content = body["content"] as! [String: Any]
                #expect(content["certification"] as? String == "この写しは、世帯全員の住民票の原本と相違ないことを証明する。")
                #expect(body["status"] as? String == "issued")
            }
            try await client.execute(uri: "/api/v1/certificates/\(first)/document.pdf", method: .get, headers: ServerTests.bearer) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "application/pdf")
                #expect(Array(response.body.readableBytesView.prefix(5)) == Array("%PDF-".utf8))
            }
            try await client.execute(uri: "/api/v1/certificates/\(first)/reprint", method: .post, headers: Self.headers(key: nil),
                                     body: Self.body(#"{"reason": "紙詰まり"}"#)) { response in
                #expect(response.status == .created)
                let body = try ServerTests.json(response.body)
                #expect(body["feeYen"] as? Int == 0)
            }
            try await client.execute(uri: "/api/v1/certificates/\(first)/void", method: .post, headers: Self.headers(key: nil),
                                     body: Self.body(#"{"reason": "誤交付"}"#)) { response in
                #expect(response.status == .conflict, "a superseded certificate cannot be voided")
            }
            try await client.execute(uri: "/api/v1/certificates/\(first)/document.pdf", method: .get, headers: ServerTests.bearer) { response in
                #expect(response.status == .gone, "a superseded certificate no longer prints")
            }
        }
        let entries = try await db.writer.read { d in try Int.fetchOne(d, sql: "SELECT count(*) FROM ledgerEntry") }
        #expect(entries == 2)
    }

    @Test("a refusal is 422 with the first reason and every reason, in Japanese and English")
    func refused() async throws {
        let (app, db) = try ServerTests.app()
        let id = try Self.subject(db)
        let json = """
            {"kind": "residentRecordCopy", "subjectId": \(id), "requester": {"class": "thirdParty", "name": "第三　者"}}
            """
        try await app.test(.router) { client in
            try await client.execute(uri: "/api/v1/certificates", method: .post, headers: Self.headers(key: "window-3-000002"), body: Self.body(json)) { response in
                #expect(response.status == .unprocessableContent)
                let error = try ServerTests.json(response.body)["error"] as! [String: Any]
                #expect(error["code"] as? String == "refusal.identityNotVerified")
                let refusals = (error["refusals"] as! [[String: Any]]).map { $0["code"] as! String }
                #expect(refusals == ["refusal.identityNotVerified", "refusal.reasonRequired", "refusal.supportingDocumentsRequired"])
                #expect(((error["message"] as! [String: String])["ja"])?.contains("本人確認書類") == true)
            }
        }
    }

    @Test("bad requests are 400 and name what is wrong; no token is 401", arguments: [
        (#"{"kind": "passport", "subjectId": 1, "requester": {"class": "self"}}"#, "window-3-000003", 400, "kind"),
        (#"{"kind": "residentRecordCopy", "requester": {"class": "self"}}"#, "window-3-000004", 400, "subjectId"),
        (#"{"kind": "taxCertificate", "subjectId": 1, "requester": {"class": "self"}, "options": {"fiscalYear": "来年"}}"#, "window-3-000005", 400, "options.fiscalYear"),
        (#"not json"#, "window-3-000006", 400, "JSON"),
        (#"{"kind": "residentRecordCopy", "subjectId": 1, "requester": {"class": "self"}}"#, "", 400, "Idempotency-Key"),
    ])
    func badRequests(json: String, key: String, status: Int, mentions: String) async throws {
        let (app, _) = try ServerTests.app()
        try await app.test(.router) { client in
            try await client.execute(uri: "/api/v1/certificates", method: .post, headers: Self.headers(key: key.isEmpty ? nil : key),
                                     body: Self.body(json)) { response in
                #expect(response.status.code == status)
                let error = try ServerTests.json(response.body)["error"] as! [String: Any]
                let message = error["message"] as! [String: String]
                #expect(message["en"]!.contains(mentions), "\(message)")
            }
            try await client.execute(uri: "/api/v1/certificates", method: .post, headers: [.contentType: "application/json"], body: Self.body(json)) { response in
                #expect(response.status == .unauthorized)
            }
        }
    }
}

@Suite("証明書の確認（公開）")
struct VerifyAPITests {
    static func issue(_ client: some TestClientProtocol, _ db: MadoguchiDatabase) async throws -> (String, String) {
        let id = try CertificatesAPITests.subject(db)
        let json = #"{"kind": "residentRecordCopy", "subjectId": \#(id), "requester": {"class": "self", "residentId": \#(id), "identityDocuments": ["myNumberCard"]}}"#
        var documentId = ""
        try await client.execute(uri: "/api/v1/certificates", method: .post, headers: CertificatesAPITests.headers(key: "verify-000001"),
                                 body: ByteBuffer(string: json)) { response in
            documentId = try ServerTests.json(response.body)["id"] as! String
        }
        let issuedId = documentId
        let token = try await db.writer.read { d in try String.fetchOne(d, sql: "SELECT token FROM certificate WHERE id = ?", arguments: [issuedId])! }
        return (issuedId, token)
    }

    @Test("the JWKS and the verify API are public; a void turns valid into revoked")
    func api() async throws {
        let (app, db) = try ServerTests.app()
        try await app.test(.router) { client in
            let (id, token) = try await Self.issue(client, db)
            try await client.execute(uri: "/.well-known/jwks.json", method: .get) { response in
                #expect(response.status == .ok)
                let keys = try ServerTests.json(response.body)["keys"] as! [[String: Any]]
                #expect(keys.count == 1)
                #expect(keys[0]["alg"] as? String == "ES256")
                #expect(keys[0]["d"] == nil, "never the private key")
            }
            func verify(_ text: String) async throws -> [String: Any] {
                var body: [String: Any] = [:]
                let payload = String(decoding: try JSONSerialization.data(withJSONObject: ["token": text]), as: UTF8.self)
                try await client.execute(uri: "/api/v1/verify", method: .post, headers: [.contentType: "application/json"],
                                         body: ByteBuffer(string: payload)) { response in
                    #expect(response.status == .ok)
                    body = try ServerTests.json(response.body)
                }
                return body
            }
            let valid = try await verify("https://madoguchi.example/verify#" + token)
            #expect(valid["status"] as? String == "valid")
            #expect((valid["claims"] as? [String: Any])?["jti"] as? String == id)
            #expect(try await verify(token + "x")["status"] as? String == "invalid")
            try await client.execute(uri: "/api/v1/certificates/\(id)/void", method: .post, headers: CertificatesAPITests.headers(key: nil),
                                     body: ByteBuffer(string: #"{"reason": "誤交付"}"#)) { _ in }
            #expect(try await verify(token)["status"] as? String == "revoked")
        }
    }

    @Test("the /verify page shows the result of a pasted token")
    func page() async throws {
        let (app, db) = try ServerTests.app()
        try await app.test(.router) { client in
            let (_, token) = try await Self.issue(client, db)
            try await client.execute(uri: "/verify", method: .get) { response in
                let html = String(buffer: response.body)
                #expect(html.contains("<textarea id=\"token\" name=\"token\""))
                #expect(html.contains("<script src=\"/assets/verify.js\" defer></script>"), "camera scanning: a script file, as the policy requires")
            }
            let form = "token=" + token.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
            try await client.execute(uri: "/verify", method: .post, headers: [.contentType: "application/x-www-form-urlencoded"],
                                     body: ByteBuffer(string: form)) { response in
                let html = String(buffer: response.body)
                #expect(html.contains("data-status=\"valid\""))
                #expect(html.contains("有効"))
            }
            try await client.execute(uri: "/verify", method: .post, headers: [.contentType: "application/x-www-form-urlencoded"],
                                     body: ByteBuffer(string: "token=abc.def.ghi")) { response in
                #expect(String(buffer: response.body).contains("data-status=\"invalid\""))
            }
        }
    }
}

@Suite("OpenAPI")
struct OpenAPITests {
    @Test("/openapi.json is valid OpenAPI (checked by openapi-spec-validator) and names the refusal codes")
    func valid() async throws {
        let (app, _) = try ServerTests.app()
        try await app.test(.router) { client in
            try await client.execute(uri: "/openapi.json", method: .get) { response in
                #expect(response.status == .ok)
                let file = FileManager.default.temporaryDirectory.appendingPathComponent("openapi-\(UUID().uuidString).json")
                defer { try? FileManager.default.removeItem(at: file) }
                try Data(buffer: response.body).write(to: file)
                let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
                    .appendingPathComponent("Interop/validate_openapi.py").path
                let (text, status) = try Poppler.python(script, [file.path])
                #expect(status == 0, "\(text)")
                #expect(text.hasPrefix("valid"))
                let doc = try ServerTests.json(response.body)
                let schemas = (doc["components"] as! [String: Any])["schemas"] as! [String: Any]
                let codes = (schemas["RefusalCode"] as! [String: Any])["enum"] as! [String]
                #expect(codes.count == RefusalReason.allCases.count)
            }
        }
    }

    /// Issue 13, item 6: the document is checked against the router, both ways. Machine routes (the API, the kiosk and
    /// relay protocols, PKI, the ledger's checkpoint, keys, health and open data) are each described; the document
    /// describes nothing that is not routed. Pages (HTML for people, and their form posts and downloads) are not API.
    @Test("the OpenAPI document and the router agree: every machine route is described, and nothing else")
    func documentMatchesRouter() throws {
        let (_, _, router) = try AccessPolicyTests.app()
        let routes = Set(router.routes.map { "\($0.method.rawValue) \($0.path)" })
        let paths = (try JSONSerialization.jsonObject(with: OpenAPIDocument.data) as! [String: Any])["paths"] as! [String: Any]
        let described = Set(paths.flatMap { path, ops in (ops as! [String: Any]).keys.map { "\($0.uppercased()) \(path)" } })
        func isMachine(_ route: String) -> Bool {
            let path = String(route.split(separator: " ", maxSplits: 1)[1])
            let prefixes = ["/api/", "/kiosk/", "/relay/", "/pki/", "/ledger/", "/.well-known/"]
            return prefixes.contains(where: path.hasPrefix) || ["/health", "/openapi.json", "/sheets/opendata.csv", "/sheets/opendata.json"].contains(path)
        }
        for route in routes.sorted() where isMachine(route) {
            #expect(described.contains(route), "\(route) is routed but not in the OpenAPI document")
        }
        for operation in described.sorted() {
            #expect(routes.contains(operation), "the document describes \(operation), which is not routed")
        }
        #expect(described.count >= 40)
    }

    @Test("every path the document describes answers (not 404)")
    func pathsExist() async throws {
        let (app, _) = try ServerTests.app()
        let paths = ((try JSONSerialization.jsonObject(with: OpenAPIDocument.data) as! [String: Any])["paths"] as! [String: Any])
        let operations: [(String, String)] = paths.flatMap { path, ops in (ops as! [String: Any]).keys.map { (path, $0) } }
        try await app.test(.router) { client in
            for (path, method) in operations {
                let concrete = path.replacingOccurrences(of: "{id}", with: "1")
                do {
                    try await client.execute(uri: concrete, method: HTTPRequest.Method(rawValue: method.uppercased()) ?? .get, headers: ServerTests.bearer,
                                             body: ByteBuffer(string: "{}")) { response in
                        let unknownRoute = response.status == .notFound && !String(buffer: response.body).contains("\"code\"")
                        #expect(!unknownRoute, "\(method) \(path) is not routed")
                    }
                }
            }
        }
    }
}
