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

/// 住民向けアクセス記録 (issue 11, item 5): a resident signs in with the card and sees who used their data.
@Suite("住民向けアクセス記録")
struct ResidentViewTests {
    static let clock = AccessAuditTests.clock
    static let form: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]

    static func encoded(_ pairs: [(String, String)]) -> ByteBuffer {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._")
        return ByteBuffer(string: pairs.map { "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: allowed)!)" }.joined(separator: "&"))
    }

    /// The sign-in page's challenge, answered by the card after its PIN, as the resident's card reader does.
    static func signIn(_ client: some TestClientProtocol, card: SoftwareCard, pin: String = "1234") async throws -> (HTTPResponse.Status, String?, String) {
        let (id, code) = try await client.execute(uri: "/my", method: .get) { response -> (String, String) in
            let html = String(buffer: response.body)
            let id = String(html.components(separatedBy: "name=\"challengeId\" value=\"")[1].prefix { $0 != "\"" })
            let code = String(html.components(separatedBy: "<code id=\"challenge\">")[1].prefix { $0 != "<" })
            return (id, code)
        }
        var card = card
        let signature = try card.sign(challenge: try #require(Base64URL.decode(code)), pin: pin)
        let answer = CardAnswer(certificate: card.certificatePEM, signature: signature).token
        return try await client.execute(uri: "/my/login", method: .post, headers: form, body: encoded([("challengeId", id), ("answer", answer)])) {
            ($0.status, $0.headers[.setCookie].map { String($0.split(separator: ";")[0]) }, answer)
        }
    }

    static func issue(_ client: some TestClientProtocol, _ key: String, _ json: String) async throws -> HTTPResponse.Status {
        var headers = TestStaff.bearer("clerk")
        headers[.contentType] = "application/json"
        headers[HTTPField.Name("Idempotency-Key")!] = key
        return try await client.execute(uri: "/api/v1/certificates", method: .post, headers: headers, body: ByteBuffer(string: json)) { $0.status }
    }

    @Test("signed in with the card, a resident sees the reads and certificates about them (where, what, why, who asked), never the clerk, never a police inquiry or a 公用請求")
    func ownRecord() async throws {
        let (app, db, _) = try AccessAuditTests.app()
        let subject = try CertificatesAPITests.subject(db)
        let card = try await db.writer.write { d in try Cards.issue(d, residentId: subject, pin: "1234", now: Self.clock.now(), keys: db.keys) }
        try await app.test(.router) { client in
            try await client.execute(uri: "/api/v1/residents/\(subject)", method: .get, headers: TestStaff.bearer("clerk")) { #expect($0.status == .ok) }
            var inquiry = TestStaff.bearer("clerk")
            inquiry[HTTPField.Name("X-Madoguchi-Purpose")!] = "inquiry"
            try await client.execute(uri: "/api/v1/residents/\(subject)", method: .get, headers: inquiry) { #expect($0.status == .ok) }
            #expect(try await Self.issue(client, "resident-view-1", """
                {"kind": "residentRecordCopy", "subjectId": \(subject), "requester": {"class": "thirdParty", "name": "債権 太郎",
                 "reason": "貸金の返還請求", "supportingDocuments": true, "identityDocuments": ["driversLicense"]}}
                """) == .created)
            #expect(try await Self.issue(client, "resident-view-2", """
                {"kind": "residentRecordCopy", "subjectId": \(subject), "requester": {"class": "government", "agency": "窓口警察署",
                 "officialForm": true, "identityDocuments": ["driversLicense"]}}
                """) == .created)

            let (status, cookie, _) = try await Self.signIn(client, card: card)
            #expect(status == .seeOther)
            let session = try #require(cookie)
            try await client.execute(uri: "/my", method: .get, headers: [.cookie: session]) { response in
                let html = String(buffer: response.body)
                // The clerk's read (for 証明書の交付) and the third party's 住民票; the issuance's own read is the ledger line.
                #expect(html.contains("data-count=\"2\""), "\(html)")
                #expect(html.contains("<td>住民記録の表示</td><td>証明書の交付</td>"))
                #expect(html.contains("住民票の写し（1通）: 交付"))
                #expect(html.contains("中央区役所"))
                #expect(html.contains("第三者"))
                #expect(!html.contains("clerk") && !html.contains("試験"), "never the member of staff")
                #expect(!html.contains("<td>照会への回答</td>") && !html.contains("<td>国・地方公共団体（公用請求）</td>"), "an inquiry and a 公用請求 stay hidden")
                #expect(response.headers[.cacheControl] == "no-store")
            }
            try await client.execute(uri: "/my/access.json", method: .get, headers: [.cookie: session]) { response in
                let body = try ServerTests.json(response.body)
                let lines = try #require(body["lines"] as? [[String: Any]])
                #expect(lines.count == 2)
                #expect(Set(lines.compactMap { $0["source"] as? String }) == ["read", "certificate"])
                #expect(lines.compactMap { $0["requester"] as? String } == ["第三者"])
            }
            // Signing out ends it.
            try await client.execute(uri: "/my/logout", method: .post, headers: [.cookie: session]) { #expect($0.status == .seeOther) }
            try await client.execute(uri: "/my/access.json", method: .get, headers: [.cookie: session]) { #expect($0.status == .unauthorized) }
        }
    }

    @Test("hostile: a replayed answer, an answer to another challenge, a forged signature, a revoked card and a staff session are all refused")
    func hostile() async throws {
        let (app, db, people) = try AccessAuditTests.app()
        let card = try await db.writer.write { d in try Cards.issue(d, residentId: people.widow, pin: "1234", now: Self.clock.now(), keys: db.keys) }
        let other = try await db.writer.write { d in try Cards.issue(d, residentId: people.movedOutSpouse, pin: "5678", now: Self.clock.now(), keys: db.keys) }
        try await app.test(.router) { client in
            let (status, _, answer) = try await Self.signIn(client, card: card)
            #expect(status == .seeOther)
            // The same answer again, to its own (spent) challenge and to a fresh one.
            let fresh = try await client.execute(uri: "/my", method: .get) { response in
                String(String(buffer: response.body).components(separatedBy: "name=\"challengeId\" value=\"")[1].prefix { $0 != "\"" })
            }
            try await client.execute(uri: "/my/login", method: .post, headers: Self.form, body: Self.encoded([("challengeId", fresh), ("answer", answer)])) { response in
                #expect(response.status == .unauthorized)
                #expect(response.headers[.setCookie] == nil)
            }
            // Another card's certificate with this card's signature.
            let forged = CardAnswer(certificate: other.certificatePEM, signature: try #require(CardAnswer.read(answer)).signature).token
            try await client.execute(uri: "/my/login", method: .post, headers: Self.form, body: Self.encoded([("challengeId", fresh), ("answer", forged)])) { response in
                #expect(response.status == .unauthorized)
                #expect(String(buffer: response.body).contains("resident.challengeInvalid"), "the challenge was spent by the first try")
            }
            try await client.execute(uri: "/my/login", method: .post, headers: Self.form, body: Self.encoded([("challengeId", "x"), ("answer", "not an answer")])) { response in
                #expect(response.status == .unauthorized)
            }
            // A revoked card.
            try await db.writer.write { d in
                let serial = try #require(try String.fetchOne(d, sql: "SELECT serial FROM card WHERE residentId = ?", arguments: [people.movedOutSpouse]))
                try Cards.revoke(GRDBSession(db: d), serial: serial, reason: .cessationOfOperation, at: LedgerRecord.timestamp(Self.clock.now()))
            }
            let (revoked, cookie, _) = try await Self.signIn(client, card: other, pin: "5678")
            #expect(revoked == .unauthorized)
            #expect(cookie == nil)
            // A member of staff's session shows the sign-in, not anyone's record.
            try await client.execute(uri: "/my", method: .get, headers: TestStaff.cookie("tester")) { response in
                #expect(String(buffer: response.body).contains("id=\"challenge\""))
            }
        }
    }

    @Test("支援措置: the other party never sees the reads that also showed the person he is kept from; she sees hers")
    func supportMeasure() async throws {
        let (app, db, people) = try AccessAuditTests.app()
        let him = try await db.writer.write { d in try Cards.issue(d, residentId: people.otherParty, pin: "1234", now: Self.clock.now(), keys: db.keys) }
        let her = try await db.writer.write { d in try Cards.issue(d, residentId: people.protected, pin: "4321", now: Self.clock.now(), keys: db.keys) }
        try await app.test(.router) { client in
            // The supervisor opens her procedures, which name him as the other party: one read showing both.
            try await client.execute(uri: "/counter/residents/\(people.protected)/procedures", method: .get, headers: TestStaff.cookie("supervisor")) {
                #expect($0.status == .ok)
            }
            // And his own record is read, at the counter.
            try await client.execute(uri: "/api/v1/residents/\(people.otherParty)", method: .get, headers: TestStaff.bearer("clerk")) { #expect($0.status == .ok) }
            let (_, hisCookie, _) = try await Self.signIn(client, card: him)
            try await client.execute(uri: "/my/access.json", method: .get, headers: [.cookie: try #require(hisCookie)]) { response in
                let lines = try #require(try ServerTests.json(response.body)["lines"] as? [[String: Any]])
                #expect(lines.count == 1, "only the read of his own record: \(lines)")
                #expect(lines.first?["what"] as? String == "住民記録の表示")
            }
            let (_, herCookie, _) = try await Self.signIn(client, card: her, pin: "4321")
            try await client.execute(uri: "/my/access.json", method: .get, headers: [.cookie: try #require(herCookie)]) { response in
                let lines = try #require(try ServerTests.json(response.body)["lines"] as? [[String: Any]])
                #expect(lines.map { $0["what"] as? String } == ["手続の記録の表示"])
            }
        }
        let flagged = try await db.writer.read { d in try AccessLog.entries(GRDBSession(db: d), AccessFilter(flaggedOnly: true)) }
        #expect(flagged.count == 1)
    }
}
