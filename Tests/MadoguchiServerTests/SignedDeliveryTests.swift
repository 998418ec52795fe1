import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import MadoguchiTestSupport
import Testing

@testable import MadoguchiDomain
@testable import MadoguchiServer
@testable import MadoguchiStore

/// 電子交付 (issue 15, item 2): `GET …/document.pdf?signed=1` is the certificate signed by the city (PAdES baseline
/// B-T: the document-signing key and a timestamp from the city's own timestamp service), checked by pdfsig and pyHanko
/// against the document authority the city publishes at `/pki/documents.pem`, and by nothing the card authority
/// signs. Reading it is a read of the people shown like any other (住基法 §12 の交付 is recorded in the access log).
@Suite("電子交付（署名付きPDF）")
struct SignedDeliveryTests {
    static func issue(_ client: some TestClientProtocol, _ db: MadoguchiDatabase, key: String) async throws -> String {
        let id = try CertificatesAPITests.subject(db)
        let json = """
            {"kind": "residentRecordCopy", "subjectId": "\(id)", "facilityId": "chuo-ward-office",
             "requester": {"class": "self", "residentId": \(id), "identityDocuments": ["driversLicense"]}}
            """
        return try await client.execute(uri: "/api/v1/certificates", method: .post, headers: CertificatesAPITests.headers(key: key),
                                        body: CertificatesAPITests.body(json)) { response in
            #expect(response.status == .created)
            return try #require(try ServerTests.json(response.body)["id"] as? String)
        }
    }

    static func bytes(_ buffer: ByteBuffer) -> [UInt8] { Array(buffer.readableBytesView) }

    @Test("signed=1: pdfsig and pyHanko find the city's signature valid, trusted by /pki/documents.pem, timestamped, over the whole file")
    func signedDelivery() async throws {
        let (app, db) = try ServerTests.app()
        try await app.test(.router) { client in
            let id = try await Self.issue(client, db, key: "signed-delivery-0001")
            let pem = try await client.execute(uri: "/pki/documents.pem", method: .get) { response in
                #expect(response.status == .ok)
                return String(buffer: response.body)
            }
            let cardPEM = try await client.execute(uri: "/pki/ca.pem", method: .get) { String(buffer: $0.body) }
            #expect(pem.hasPrefix("-----BEGIN CERTIFICATE-----") && pem != cardPEM, "the document authority is not the card authority")
            let plain = try await client.execute(uri: "/api/v1/certificates/\(id)/document.pdf", method: .get, headers: ServerTests.bearer) {
                #expect($0.headers[HTTPField.Name("X-Document-Signature")!] == nil)
                return Self.bytes($0.body)
            }
            let signed = try await client.execute(uri: "/api/v1/certificates/\(id)/document.pdf?signed=1", method: .get, headers: ServerTests.bearer) {
                response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "application/pdf")
                #expect(response.headers[HTTPField.Name("X-Document-Signature")!] == "PAdES-B-T")
                return Self.bytes(response.body)
            }
            #expect(Array(signed.prefix(plain.count)) == plain, "the printed PDF, then the signature as an incremental update")
            let checkers = try PDFSignatureCheckers(authorityPEM: pem)
            defer { checkers.remove() }
            let pdf = try checkers.write(signed, "\(id).pdf")
            let (status, out) = try checkers.pyHanko(pdf)
            #expect(status == 0, "\(out)")
            #expect(out.contains("intact=True valid=True trusted=True coverage=ENTIRE_FILE subfilter=/ETSI.CAdES.detached"), "\(out)")
            #expect(out.contains("timestamp=intact:True,valid:True,trusted:True,at:2026-11-24T01:00:00"), "the service's clock, in UTC: \(out)")
            let pdfsig = try checkers.pdfsig(pdf)
            #expect(pdfsig.contains("Signature is Valid.") && pdfsig.contains("Certificate is Trusted."), "\(pdfsig)")
            #expect(pdfsig.contains("窓口市 証明書電子交付"), "\(pdfsig)")
            // Checked against the card authority instead, the same file is not trusted: the two authorities are apart.
            let card = try PDFSignatureCheckers(authorityPEM: cardPEM)
            defer { card.remove() }
            let (cardStatus, cardOut) = try card.pyHanko(pdf)
            #expect(cardStatus == 1 && cardOut.contains("trusted=False"), "\(cardOut)")
            // One byte of the printed content changed: both refuse it.
            var tampered = signed
            tampered[plain.count / 2] ^= 0x01
            let bad = try checkers.write(tampered, "tampered.pdf")
            #expect(try checkers.pyHanko(bad).0 == 1)
            #expect(!(try checkers.pdfsig(bad)).contains("Signature is Valid."))
        }
        // The signed read is in the access log like the printed one: the holder sees who read them, and why.
        let reads = try await db.accessLog.entries(AccessFilter(actor: "tester"))
        #expect(reads.filter { $0.record.action == .document && $0.record.route.hasSuffix("/document.pdf") }.count == 2, "\(reads.map(\.record.route))")
    }

    @Test("hostile: signed=yes is refused (400), no staff token is 401, a voided certificate signs nothing (410), nor does the counter without a session")
    func refused() async throws {
        let (app, db) = try ServerTests.app()
        try await app.test(.router) { client in
            let id = try await Self.issue(client, db, key: "signed-delivery-0002")
            for value in ["yes", "true", "2", ""] {
                try await client.execute(uri: "/api/v1/certificates/\(id)/document.pdf?signed=\(value)", method: .get, headers: ServerTests.bearer) {
                    #expect($0.status == .badRequest, "signed=\(value)")
                    let error = try ServerTests.json($0.body)["error"] as! [String: Any]
                    #expect(error["code"] as? String == "request.invalid")
                    #expect(((error["message"] as! [String: String])["ja"])?.contains("signed") == true)
                }
            }
            try await client.execute(uri: "/api/v1/certificates/\(id)/document.pdf?signed=1", method: .get) {
                #expect($0.status == .unauthorized)
            }
            try await client.execute(uri: "/counter/certificates/\(id)/document.pdf?signed=1", method: .get) {
                #expect($0.status != .ok && $0.headers[.contentType] != "application/pdf")
            }
            try await client.execute(uri: "/api/v1/certificates/\(id)/void", method: .post, headers: CertificatesAPITests.headers(key: nil),
                                     body: CertificatesAPITests.body(#"{"reason": "誤交付"}"#)) { #expect($0.status == .ok) }
            try await client.execute(uri: "/api/v1/certificates/\(id)/document.pdf?signed=1", method: .get, headers: ServerTests.bearer) {
                #expect($0.status == .gone)
            }
        }
    }

    @Test("the city's timestamp service over HTTP (RFC 3161): openssl's request is granted and its reply verifies; hostile requests are rejected with the reason")
    func timestampService() async throws {
        let (app, _) = try ServerTests.app()
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("madoguchi-tsa-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let dir = folder.path
        @Sendable func path(_ name: String) -> String { dir + "/" + name }
        try Data("電子交付の文書".utf8).write(to: URL(fileURLWithPath: path("data.txt")))
        var staff = ServerTests.bearer
        staff[.contentType] = "application/timestamp-query"
        let headers = staff
        try await app.test(.router) { client in
            let pem = try await client.execute(uri: "/pki/documents.pem", method: .get) { String(buffer: $0.body) }
            try pem.write(toFile: path("documents.pem"), atomically: true, encoding: .utf8)
            func ask(_ query: [UInt8], token: Bool = true) async throws -> (HTTPResponse.Status, [UInt8]) {
                try await client.execute(uri: "/api/v1/timestamps", method: .post, headers: token ? headers : [.contentType: "application/timestamp-query"],
                                         body: ByteBuffer(bytes: query)) { ($0.status, Self.bytes($0.body)) }
            }
            func query(_ arguments: [String]) throws -> [UInt8] {
                let (out, status) = try Poppler.runStatus("openssl", ["ts", "-query", "-data", path("data.txt"), "-out", path("q.tsq")] + arguments)
                #expect(status == 0, "\(out)")
                return [UInt8](try Data(contentsOf: URL(fileURLWithPath: path("q.tsq"))))
            }
            func reply(_ bytes: [UInt8]) throws -> String {
                try Data(bytes).write(to: URL(fileURLWithPath: path("r.tsr")))
                return try Poppler.runStatus("openssl", ["ts", "-reply", "-in", path("r.tsr"), "-text"]).0
            }
            // Granted: SHA-256 with a nonce and the certificates asked for; openssl checks the reply against the query.
            let (status, granted) = try await ask(try query(["-sha256", "-cert"]))
            #expect(status == .ok)
            let grantedText = try reply(granted)
            #expect(grantedText.contains("Status: Granted."), "\(grantedText)")
            let (verified, code) = try Poppler.runStatus("openssl", ["ts", "-verify", "-in", path("r.tsr"), "-queryfile", path("q.tsq"), "-CAfile", path("documents.pem")])
            #expect(code == 0 && verified.contains("Verification: OK"), "\(verified)")
            // Rejected, each with its reason: SHA-1, another policy, not DER at all.
            let (_, sha1) = try await ask(try query(["-sha1", "-cert"]))
            let sha1Text = try reply(sha1)
            #expect(sha1Text.contains("Status: Rejected") && sha1Text.lowercased().contains("unrecognized or unsupported algorithm identifier"), "\(sha1Text)")
            let (_, policy) = try await ask(try query(["-sha256", "-tspolicy", "1.2.3.4"]))
            let policyText = try reply(policy)
            #expect(policyText.contains("Status: Rejected") && policyText.contains("the requested TSA policy is not supported by the TSA"), "\(policyText)")
            let (garbageStatus, garbage) = try await ask(Array("not a request".utf8))
            let garbageText = try reply(garbage)
            #expect(garbageStatus == .ok && garbageText.contains("Status: Rejected"), "\(garbageText)")
            // Not a free public notary: no staff token, no timestamp.
            #expect(try await ask(try query(["-sha256"]), token: false).0 == .unauthorized)
        }
    }
}
