import Foundation
import GRDB
import Testing

@testable import MadoguchiDomain
@testable import MadoguchiIssuance
@testable import MadoguchiPKI
@testable import MadoguchiStore

/// A clock the test moves forward.
final class SteppingClock: @unchecked Sendable {
    private let lock = NSLock()
    private var instant: Date

    init(_ text: String) { instant = MadoguchiClock.parse(text)!.now() }

    var clock: MadoguchiClock { MadoguchiClock { [self] in lock.withLock { instant } } }
    func advance(_ seconds: Double) { lock.withLock { instant = instant.addingTimeInterval(seconds) } }
    func set(_ text: String) { lock.withLock { instant = MadoguchiClock.parse(text)!.now() } }
}

/// The session secrets the kiosk received, by request id (as the copier keeps them).
final class SecretBox: @unchecked Sendable {
    private let lock = NSLock()
    private var secrets: [String: String] = [:]
    func put(_ id: String, _ secret: String?) { lock.withLock { secrets[id] = secret } }
    func get(_ id: String) -> String? { lock.withLock { secrets[id] } }
}

/// A city with a kiosk service on a clock the test controls.
struct KioskCity {
    let city: City
    let time = SteppingClock("2026-11-24T10:00:00+09:00")
    let kiosk: KioskService
    let secrets = SecretBox()

    /// The secret the card step gave this request's kiosk.
    func secret(_ requestId: String) -> String? { secrets.get(requestId) }

    init(policy: KioskPolicy = KioskPolicy(printSeconds: 30)) throws {
        city = try City()
        kiosk = KioskService(issuance: IssuanceService(database: city.db, clock: time.clock), policy: policy)
    }

    func card(for resident: Int64, pin: String = "1234") throws -> SoftwareCard {
        let now = time.clock.now()
        return try city.db.writer.write { db in try Cards.issue(db, residentId: resident, pin: pin, now: now, keys: city.db.keys) }
    }

    /// Start and authenticate: the kiosk's first two messages.
    func session(_ requestId: String, card: inout SoftwareCard, pin: String = "1234") async throws -> KioskSessionView {
        let started = try await kiosk.start(requestId: requestId, chain: "セブン", store: "S-001")
        let encoded = try #require(started.challenge)
        let challenge = try #require(CardChallenge(encoded: encoded))
        #expect(challenge.names(.kiosk, city: started.cityCode, session: requestId))
        let signature = try card.sign(challenge: challenge.bytes, pin: pin)
        let view = try await kiosk.authenticate(requestId: requestId, certificatePEM: card.certificatePEM, signature: signature)
        secrets.put(requestId, view.sessionSecret)
        return view
    }

    func count(_ sql: String, _ arguments: StatementArguments = []) throws -> Int {
        try city.db.writer.read { db in try Int.fetchOne(db, sql: sql, arguments: arguments)! }
    }
}

func code(_ body: () async throws -> Void) async -> String? { await CardAuthenticationTests.errorCode(body) }

@Suite("コンビニ交付の取引")
struct KioskServiceTests {
    @Test("start, card, quote, order, document, print: the holder's certificate, bound to the request id and the card")
    func wholeSession() async throws {
        let k = try KioskCity()
        let resident = try k.city.fullSubject()
        var card = try k.card(for: resident)
        let authenticated = try await k.session("req-0000001", card: &card)
        #expect(authenticated.state == .authenticated)
        #expect(authenticated.cardSerial == card.serial)

        let menu = try await k.kiosk.menu()
        #expect(menu.open)
        #expect(menu.items.map(\.kind).contains(.residentRecordCopy))
        let (quote, _) = try await k.kiosk.quote(
            requestId: "req-0000001", cardSerial: card.serial, sessionSecret: k.secret("req-0000001"), order: .init(kind: .residentRecordCopy, copies: 2))
        #expect(quote.isApproved)
        #expect(quote.fee?.total == 400)  // 200円 × 2 at stores before the campaign

        let ordered = try await k.kiosk.order(
            requestId: "req-0000001", cardSerial: card.serial, sessionSecret: k.secret("req-0000001"), order: .init(kind: .residentRecordCopy, copies: 2), paidYen: 400).view
        #expect(ordered.state == .issued)
        let documentId = try #require(ordered.documentId)
        let (certificate, pdf) = try await k.kiosk.document(requestId: "req-0000001", cardSerial: card.serial, sessionSecret: k.secret("req-0000001"))
        #expect(certificate.id == documentId)
        #expect(certificate.subjectId == resident)
        #expect(certificate.channel == .kiosk)
        #expect(pdf.starts(with: Array("%PDF".utf8)))
        // The QR claims name the card holder.
        let claims = try #require(DocumentVerification.offline(certificate.token, keys: try k.city.service.jwks()).claims)
        let holder = try await k.city.db.writer.read { db in try String.fetchOne(db, sql: "SELECT birthDate FROM resident WHERE id = ?", arguments: [resident]) }
        #expect(claims.births == [holder])

        let done = try await k.kiosk.printed(requestId: "req-0000001", cardSerial: card.serial, sessionSecret: k.secret("req-0000001"), documentId: documentId)
        #expect(done.state == .completed)
        let settlement = try await k.kiosk.settlement(month: "2026-11")
        #expect(settlement.map(\.copies) == [2])
        #expect(settlement.map(\.feeYen) == [400])
        #expect(settlement.map(\.chain) == ["セブン"])
        #expect(try await k.kiosk.settlement(month: "2026-10").isEmpty)
        #expect(k.kiosk.currentMonth == "2026-11")  // the service's clock, not the machine's
        #expect(await code { _ = try await k.kiosk.settlement(month: "2026/11") } == "kiosk.badRequest")
    }

    @Test("retries are idempotent: the same start, the same card, the same order give the same session and document")
    func idempotentRetries() async throws {
        let k = try KioskCity()
        var card = try k.card(for: try k.city.fullSubject())
        let first = try await k.kiosk.start(requestId: "req-retry-1", chain: "セブン", store: "S-001")
        let again = try await k.kiosk.start(requestId: "req-retry-1", chain: "セブン", store: "S-001")
        #expect(first.challenge == again.challenge)
        let challenge = try #require(Base64URL.decode(first.challenge!))
        let signature = try card.sign(challenge: challenge, pin: "1234")
        let lost = try await k.kiosk.authenticate(requestId: "req-retry-1", certificatePEM: card.certificatePEM, signature: signature)
        let retried = try await k.kiosk.authenticate(requestId: "req-retry-1", certificatePEM: card.certificatePEM, signature: signature)
        // The retry's secret replaces the lost answer's.
        #expect(lost.sessionSecret != nil && retried.sessionSecret != nil && lost.sessionSecret != retried.sessionSecret)
        #expect(await code {
            _ = try await k.kiosk.quote(requestId: "req-retry-1", cardSerial: card.serial, sessionSecret: lost.sessionSecret, order: .init(kind: .sealRegistrationCertificate))
        } == "kiosk.notThisSession")
        k.secrets.put("req-retry-1", retried.sessionSecret)
        let order = KioskService.Order(kind: .sealRegistrationCertificate)
        let a = try await k.kiosk.order(requestId: "req-retry-1", cardSerial: card.serial, sessionSecret: k.secret("req-retry-1"), order: order, paidYen: 200).view
        let b = try await k.kiosk.order(requestId: "req-retry-1", cardSerial: card.serial, sessionSecret: k.secret("req-retry-1"), order: order, paidYen: 200).view
        #expect(a.documentId == b.documentId)
        #expect(try k.count("SELECT count(*) FROM certificate") == 1)
        #expect(try k.count("SELECT count(*) FROM ledgerEntry WHERE action = 'issue'") == 1)
        // The request id cannot be taken over by another store.
        #expect(await code { _ = try await k.kiosk.start(requestId: "req-retry-1", chain: "ローソン", store: "L-9") } == "kiosk.requestIdReused")
        // Nor can the same id order something else.
        #expect(await code {
            _ = try await k.kiosk.order(requestId: "req-retry-1", cardSerial: card.serial, sessionSecret: k.secret("req-retry-1"), order: .init(kind: .residentRecordCopy), paidYen: 200)
        } == "kiosk.requestIdReused")
    }

    @Test("a document reaches only its own session and card; two sessions in the same second never mix")
    func binding() async throws {
        let k = try KioskCity()
        let residents = try await k.city.db.writer.read { db in
            try Int64.fetchAll(db, sql: """
                SELECT r.id FROM resident r WHERE r.removedOn IS NULL AND r.birthDate < '2000-01-01'
                  AND NOT EXISTS (SELECT 1 FROM supportMeasure m WHERE m.subjectId = r.id)
                  AND NOT EXISTS (SELECT 1 FROM residentMovement v WHERE v.residentId = r.id AND v.kind = 'moveOutNotified')
                  ORDER BY r.id LIMIT 2
                """)
        }
        var alice = try k.card(for: residents[0])
        var bob = try k.card(for: residents[1])
        _ = try await k.session("req-alice-1", card: &alice)
        _ = try await k.session("req-bob-001", card: &bob)
        // Bob's card cannot act in Alice's session, nor sign into it after her.
        #expect(await code {
            _ = try await k.kiosk.order(requestId: "req-alice-1", cardSerial: bob.serial, sessionSecret: k.secret("req-alice-1"), order: .init(kind: .residentRecordCopy), paidYen: 200)
        } == "kiosk.cardMismatch")
        let a = try await k.kiosk.order(requestId: "req-alice-1", cardSerial: alice.serial, sessionSecret: k.secret("req-alice-1"), order: .init(kind: .residentRecordCopy), paidYen: 200).view
        let b = try await k.kiosk.order(requestId: "req-bob-001", cardSerial: bob.serial, sessionSecret: k.secret("req-bob-001"), order: .init(kind: .residentRecordCopy), paidYen: 200).view
        #expect(a.documentId != b.documentId)
        #expect(await code { _ = try await k.kiosk.document(requestId: "req-alice-1", cardSerial: bob.serial, sessionSecret: k.secret("req-alice-1")) } == "kiosk.cardMismatch")
        #expect(await code {
            _ = try await k.kiosk.printed(requestId: "req-alice-1", cardSerial: alice.serial, sessionSecret: k.secret("req-alice-1"), documentId: b.documentId!)
        } == "kiosk.cardMismatch")
        let (docA, _) = try await k.kiosk.document(requestId: "req-alice-1", cardSerial: alice.serial, sessionSecret: k.secret("req-alice-1"))
        let (docB, _) = try await k.kiosk.document(requestId: "req-bob-001", cardSerial: bob.serial, sessionSecret: k.secret("req-bob-001"))
        #expect(docA.subjectId == residents[0])
        #expect(docB.subjectId == residents[1])
    }

    /// Issue 12, item 1: knowing the request id and the card's serial (the hub and the store see both) is not
    /// enough. Without the card step's secret, nothing can be ordered, received, confirmed or aborted.
    @Test("hostile: a stranger with the request id and the card serial but not the session secret can do nothing")
    func strangerWithoutSecret() async throws {
        let k = try KioskCity()
        var card = try k.card(for: try k.city.fullSubject())
        let mine = try await k.session("req-bound-01", card: &card)
        let secret = try #require(mine.sessionSecret)
        #expect(secret.count >= 43)
        #expect(try k.count("SELECT count(*) FROM kioskSession WHERE secretHash = ?", [StaffPasswords.fingerprint(secret)]) == 1)
        #expect(try k.count("SELECT count(*) FROM kioskSession WHERE secretHash = ?", [secret]) == 0)  // never stored as is
        let ledgerBefore = try k.count("SELECT count(*) FROM ledgerEntry")
        for stolen in [nil, "", "not-the-secret", String(secret.dropLast()) + (secret.last == "A" ? "B" : "A")] as [String?] {
            #expect(await code {
                _ = try await k.kiosk.quote(requestId: "req-bound-01", cardSerial: card.serial, sessionSecret: stolen, order: .init(kind: .taxCertificate))
            } == "kiosk.notThisSession")
            #expect(await code {
                _ = try await k.kiosk.order(
                    requestId: "req-bound-01", cardSerial: card.serial, sessionSecret: stolen, order: .init(kind: .taxCertificate), paidYen: 200)
            } == "kiosk.notThisSession")
            #expect(await code { _ = try await k.kiosk.abort(requestId: "req-bound-01", sessionSecret: stolen, reason: "cancelled") } == "kiosk.notThisSession")
        }
        #expect(try k.count("SELECT count(*) FROM ledgerEntry") == ledgerBefore)
        #expect(try k.count("SELECT count(*) FROM kioskSession WHERE requestId = 'req-bound-01' AND state = 'authenticated'") == 1)

        // The kiosk orders with its secret; the stranger can neither fetch the document nor confirm or void the print.
        let issued = try await k.kiosk.order(
            requestId: "req-bound-01", cardSerial: card.serial, sessionSecret: secret, order: .init(kind: .residentRecordCopy), paidYen: 200).view
        let documentId = try #require(issued.documentId)
        #expect(await code { _ = try await k.kiosk.document(requestId: "req-bound-01", cardSerial: card.serial, sessionSecret: nil) } == "kiosk.notThisSession")
        #expect(await code {
            _ = try await k.kiosk.order(
                requestId: "req-bound-01", cardSerial: card.serial, sessionSecret: "guess", order: .init(kind: .residentRecordCopy), paidYen: 200)
        } == "kiosk.notThisSession")
        #expect(await code {
            _ = try await k.kiosk.printed(requestId: "req-bound-01", cardSerial: card.serial, sessionSecret: nil, documentId: documentId)
        } == "kiosk.notThisSession")
        #expect(await code { _ = try await k.kiosk.abort(requestId: "req-bound-01", sessionSecret: nil, reason: "x") } == "kiosk.notThisSession")
        #expect(try k.city.service.certificate(documentId)?.status == .issued)
        let done = try await k.kiosk.printed(requestId: "req-bound-01", cardSerial: card.serial, sessionSecret: secret, documentId: documentId)
        #expect(done.state == .completed)

        // Before the card there is nothing personal in a session, and no secret: the kiosk may abort it.
        _ = try await k.kiosk.start(requestId: "req-unbound", chain: "セブン", store: "S-001")
        #expect(try await k.kiosk.abort(requestId: "req-unbound", sessionSecret: nil, reason: "cancelled").state == .aborted)
        // A session with a card and no secret (started before v14) accepts no further step.
        _ = try await k.session("req-legacy-1", card: &card)
        try await k.city.db.writer.write { db in try db.execute(sql: "UPDATE kioskSession SET secretHash = NULL WHERE requestId = 'req-legacy-1'") }
        #expect(await code {
            _ = try await k.kiosk.quote(requestId: "req-legacy-1", cardSerial: card.serial, sessionSecret: nil, order: .init(kind: .residentRecordCopy))
        } == "kiosk.notThisSession")
    }

    /// Issue 12, item 1: the card signs a challenge naming the protocol, the city and the request id, and the city
    /// rebuilds it from its own; a signature made for anything else does not verify.
    @Test("hostile: a card signature replayed in another session, for another city, or from the resident page does not verify")
    func signatureReplay() async throws {
        let k = try KioskCity()
        var card = try k.card(for: try k.city.fullSubject())
        let first = try await k.kiosk.start(requestId: "req-replay-A", chain: "セブン", store: "S-001")
        let a = try #require(CardChallenge(encoded: first.challenge ?? ""))
        let signatureA = try card.sign(challenge: a.bytes, pin: "1234")
        _ = try await k.kiosk.authenticate(requestId: "req-replay-A", certificatePEM: card.certificatePEM, signature: signatureA)

        // The same signature in another session of the same city.
        let second = try await k.kiosk.start(requestId: "req-replay-B", chain: "セブン", store: "S-001")
        #expect(await code {
            _ = try await k.kiosk.authenticate(requestId: "req-replay-B", certificatePEM: card.certificatePEM, signature: signatureA)
        } == "card.badSignature")
        // Signatures over this session's nonce, but naming another city, another session, the resident page, or the
        // bare nonce (the protocol before issue 12): none is this session's.
        let b = try #require(CardChallenge(encoded: second.challenge ?? ""))
        #expect(b.names(.kiosk, city: first.cityCode, session: "req-replay-B"))
        #expect(a.nonce != b.nonce)
        let forged = [
            CardChallenge(purpose: .kiosk, cityCode: "131016", sessionId: "req-replay-B", nonce: b.nonce).bytes,
            CardChallenge(purpose: .kiosk, cityCode: b.cityCode, sessionId: "req-replay-A", nonce: b.nonce).bytes,
            CardChallenge(purpose: .resident, cityCode: b.cityCode, sessionId: "req-replay-B", nonce: b.nonce).bytes,
            b.nonce,
        ]
        for bytes in forged {
            let signature = try card.sign(challenge: bytes, pin: "1234")
            #expect(await code {
                _ = try await k.kiosk.authenticate(requestId: "req-replay-B", certificatePEM: card.certificatePEM, signature: signature)
            } == "card.badSignature")
        }
        #expect(try k.count("SELECT count(*) FROM kioskSession WHERE requestId = 'req-replay-B' AND state = 'started'") == 1)
        let good = try card.sign(challenge: b.bytes, pin: "1234")
        #expect(try await k.kiosk.authenticate(requestId: "req-replay-B", certificatePEM: card.certificatePEM, signature: good).state == .authenticated)
    }

    /// Issue 12, item 4 (first part): a smartphone's certificate is its own, with its own serial and key, issued only
    /// to a holder of a valid card certificate and ending with it, and revoked alone.
    @Test("スマホ用電子証明書: issued only with a valid card; each signs in on its own and is revoked alone; the session knows which")
    func smartphoneCertificate() async throws {
        let k = try KioskCity()
        let resident = try k.city.fullSubject()
        let now = k.time.clock.now()
        let keys = k.city.db.keys
        #expect(await code {
            _ = try await k.city.db.writer.write { db in try Cards.issue(db, residentId: resident, pin: "1234", now: now, keys: keys, medium: .smartphone) }
        } == "card.smartphoneNeedsCard")
        var card = try k.card(for: resident)
        var phone = try await k.city.db.writer.write { db in try Cards.issue(db, residentId: resident, pin: "5678", now: now, keys: keys, medium: .smartphone) }
        #expect(phone.medium == "smartphone" && card.medium == "card")
        #expect(phone.serial != card.serial && phone.certificatePEM != card.certificatePEM)
        let ends = try await k.city.db.writer.read { db in try Row.fetchAll(db, sql: "SELECT medium, notAfter FROM card WHERE residentId = ?", arguments: [resident]) }
        #expect(Set(ends.map { $0["medium"] as String }) == ["card", "smartphone"])
        #expect(Set(ends.map { $0["notAfter"] as String }).count == 1, "the phone's certificate ends with the card's")

        #expect(try await k.session("req-medium-card", card: &card).medium == "card")
        #expect(try await k.session("req-medium-phone", card: &phone, pin: "5678").medium == "smartphone")
        // Both print; the settlement counts them apart.
        var documents: [String] = []
        for (id, serial) in [("req-medium-card", card.serial), ("req-medium-phone", phone.serial)] {
            let issued = try await k.kiosk.order(
                requestId: id, cardSerial: serial, sessionSecret: k.secret(id), order: .init(kind: .residentRecordCopy), paidYen: 200).view
            documents.append(try #require(issued.documentId))
            _ = try await k.kiosk.printed(requestId: id, cardSerial: serial, sessionSecret: k.secret(id), documentId: try #require(issued.documentId))
        }
        // The ledger says which certificate opened each session, and the indicators count the copies apart.
        let issuedDocuments = documents
        let mediums = try await k.city.db.writer.read { db in
            try issuedDocuments.map { try String.fetchOne(db, sql: "SELECT json_extract(payload, '$.medium') FROM ledgerEntry WHERE action = 'issue' AND documentId = ?", arguments: [$0]) }
        }
        #expect(mediums == ["card", "smartphone"])
        func places() throws -> [String: Int] {
            try k.city.db.writer.read { db in
                Dictionary(uniqueKeysWithValues: try Row.fetchAll(db, sql: "SELECT place, copies FROM issuanceCount WHERE source = 'ledger' AND place GLOB 'channel:kiosk*'")
                    .map { ($0["place"] as String, $0["copies"] as Int) })
            }
        }
        #expect(try places() == ["channel:kiosk": 1, "channel:kiosk:smartphone": 1])
        let share = try await k.city.db.writer.read { db in try LiveIndicators.reading(GRDBSession(db: db), LiveIndicatorDefinition(source: .storeSmartphoneShare), now: now) }
        #expect(share.values.map(\.value) == [SheetNumber("50.0")])
        #expect(share.values.first?.numerator == 1 && share.values.first?.denominator == 2)
        // A phone's document withdrawn comes off the phone's count, not the card's.
        _ = try k.city.service.void(documents[1], reason: "誤交付（テスト）")
        #expect(try places() == ["channel:kiosk": 1, "channel:kiosk:smartphone": 0])
        let settled = try await k.kiosk.settlement(month: "2026-11")
        #expect(settled.map(\.medium).sorted() == ["card", "smartphone"])
        #expect(settled.allSatisfy { $0.sessions == 1 && $0.feeYen == 200 })
        let csv = Settlement.csv(month: "2026-11", settled.map {
            Settlement.Line(month: "2026-11", cityCode: $0.cityCode, chain: $0.chain, kind: $0.kind.rawValue, sessions: $0.sessions,
                            copies: $0.copies, feeYen: $0.feeYen, medium: $0.medium)
        })
        #expect(Settlement.parse(csv).map(\.medium).sorted() == ["card", "smartphone"], "the hub reads the medium back")
        #expect(Settlement.parse("h\r\n2026-11,149802,セブン,residentRecordCopy,住民票の写し,1,1,200\r\n").first?.medium == "card",
                "a city from before reads as cards")
        // The phone is lost: its certificate alone is revoked; the card still signs in.
        let serial = phone.serial
        try await k.city.db.writer.write { db in try Cards.revoke(GRDBSession(db: db), serial: serial, reason: .keyCompromise, at: "2026-11-24T10:00:00.000+09:00") }
        #expect(await code { _ = try await k.session("req-lost-phone", card: &phone, pin: "5678") } == "card.revoked")
        #expect(try await k.session("req-card-still", card: &card).state == .authenticated)
        // A new phone certificate is again a phone's; renewing it leaves the card alone.
        let renewed = try await k.city.db.writer.write { db in try Cards.issue(db, residentId: resident, pin: "2468", now: now, keys: keys, medium: .smartphone) }
        let renewedSerial = renewed.serial
        let again = try await k.city.db.writer.write { db in try Cards.renew(GRDBSession(db: db), serial: renewedSerial, pin: "1357", now: now, keys: keys) }
        #expect(again.medium == "smartphone")
        #expect(try k.count("SELECT count(*) FROM card WHERE residentId = ? AND medium = 'card' AND revokedAt IS NULL", [resident]) == 1)
    }

    @Test("a print that is not confirmed in time, a print failure and an idle session are aborted and their documents voided")
    func timeoutsVoid() async throws {
        let k = try KioskCity()
        var card = try k.card(for: try k.city.fullSubject())
        // 1. The kiosk goes silent after the document: the sweep voids it.
        _ = try await k.session("req-silent-1", card: &card)
        let silent = try await k.kiosk.order(requestId: "req-silent-1", cardSerial: card.serial, sessionSecret: k.secret("req-silent-1"), order: .init(kind: .residentRecordCopy), paidYen: 200).view
        k.time.advance(31)
        #expect(try await k.kiosk.sweep() == 1)
        #expect(try k.city.service.certificate(silent.documentId!)?.status == .voided)
        #expect(try k.count("SELECT count(*) FROM ledgerEntry WHERE action = 'void' AND documentId = ?", [silent.documentId!]) == 1)
        #expect(await code { _ = try await k.kiosk.document(requestId: "req-silent-1", cardSerial: card.serial, sessionSecret: k.secret("req-silent-1")) } == "kiosk.sessionEnded")
        #expect(await code {
            _ = try await k.kiosk.printed(requestId: "req-silent-1", cardSerial: card.serial, sessionSecret: k.secret("req-silent-1"), documentId: silent.documentId!)
        } == "kiosk.sessionExpired")

        // 2. A slow print confirmed after the deadline, before any sweep: voided then and there.
        _ = try await k.session("req-slow-001", card: &card)
        let slow = try await k.kiosk.order(requestId: "req-slow-001", cardSerial: card.serial, sessionSecret: k.secret("req-slow-001"), order: .init(kind: .residentRecordCopy), paidYen: 200).view
        k.time.advance(45)
        #expect(await code {
            _ = try await k.kiosk.printed(requestId: "req-slow-001", cardSerial: card.serial, sessionSecret: k.secret("req-slow-001"), documentId: slow.documentId!)
        } == "kiosk.sessionExpired")
        #expect(try k.city.service.certificate(slow.documentId!)?.status == .voided)

        // 3. The printer fails: the kiosk aborts.
        _ = try await k.session("req-jam-0001", card: &card)
        let jam = try await k.kiosk.order(requestId: "req-jam-0001", cardSerial: card.serial, sessionSecret: k.secret("req-jam-0001"), order: .init(kind: .residentRecordCopy), paidYen: 200).view
        let aborted = try await k.kiosk.abort(requestId: "req-jam-0001", sessionSecret: k.secret("req-jam-0001"), reason: "printFailure")
        #expect(aborted.state == .aborted)
        #expect(aborted.voidedDocumentId == jam.documentId)
        #expect(try k.city.service.certificate(jam.documentId!)?.status == .voided)
        _ = try await k.kiosk.abort(requestId: "req-jam-0001", sessionSecret: k.secret("req-jam-0001"), reason: "printFailure")  // harmless twice
        #expect(try k.count("SELECT count(*) FROM ledgerEntry WHERE action = 'void' AND documentId = ?", [jam.documentId!]) == 1)

        // 4. A session left after the card: aborted with nothing to void.
        _ = try await k.session("req-idle-001", card: &card)
        k.time.advance(181)
        #expect(try await k.kiosk.sweep() == 1)
        #expect(await code {
            _ = try await k.kiosk.order(requestId: "req-idle-001", cardSerial: card.serial, sessionSecret: k.secret("req-idle-001"), order: .init(kind: .residentRecordCopy), paidYen: 200)
        } == "kiosk.sessionEnded")
        // Nothing aborted counts for settlement, and a completed session cannot be aborted afterwards.
        #expect(try await k.kiosk.settlement(month: "2026-11").isEmpty)
        _ = try await k.session("req-good-001", card: &card)
        let good = try await k.kiosk.order(requestId: "req-good-001", cardSerial: card.serial, sessionSecret: k.secret("req-good-001"), order: .init(kind: .residentRecordCopy), paidYen: 200).view
        _ = try await k.kiosk.printed(requestId: "req-good-001", cardSerial: card.serial, sessionSecret: k.secret("req-good-001"), documentId: good.documentId!)
        #expect(await code { _ = try await k.kiosk.abort(requestId: "req-good-001", sessionSecret: k.secret("req-good-001"), reason: "late") } == "kiosk.alreadyCompleted")
        #expect(try k.city.service.verifyLedger().isIntact)
    }

    @Test("store hours: 6:29 refused, 6:30 allowed, 23:00 refused, 12/31 refused, a maintenance day refused")
    func hours() async throws {
        let maintenance = CivilDate(year: 2026, month: 11, day: 25)!
        let k = try KioskCity(policy: KioskPolicy(hours: StoreHours(maintenanceDays: [maintenance])))
        for (time, expected) in [
            ("2026-11-24T06:29:59+09:00", "kiosk.closed"), ("2026-11-24T06:30:00+09:00", nil), ("2026-11-24T22:59:59+09:00", nil),
            ("2026-11-24T23:00:00+09:00", "kiosk.closed"), ("2026-12-31T12:00:00+09:00", "kiosk.closed"),
            ("2027-01-03T12:00:00+09:00", "kiosk.closed"), ("2027-01-04T12:00:00+09:00", nil),
            ("2026-11-25T12:00:00+09:00", "kiosk.closed"),
        ] {
            k.time.set(time)
            let id = "req-h-" + time.filter(\.isNumber)
            #expect(await code { _ = try await k.kiosk.start(requestId: id, chain: "c", store: "s") } == expected, "\(time)")
            #expect(try await k.kiosk.menu().open == (expected == nil), "\(time)")
        }
    }

    @Test("refusals at the store are recorded in the ledger and end the session; wrong payment and a revoked card record nothing")
    func refusals() async throws {
        let k = try KioskCity()
        let child = try k.city.id("""
            SELECT id FROM resident WHERE removedOn IS NULL AND birthDate > '2014-01-01'
              AND NOT EXISTS (SELECT 1 FROM supportMeasure m WHERE m.subjectId = resident.id) LIMIT 1
            """)
        var childCard = try k.card(for: child)
        _ = try await k.session("req-child-01", card: &childCard)
        let (quote, _) = try await k.kiosk.quote(requestId: "req-child-01", cardSerial: childCard.serial, sessionSecret: k.secret("req-child-01"), order: .init(kind: .residentRecordCopy))
        #expect(quote.refusals.contains(.underAgeUnattended))
        let refused = try await k.kiosk.order(
            requestId: "req-child-01", cardSerial: childCard.serial, sessionSecret: k.secret("req-child-01"), order: .init(kind: .residentRecordCopy), paidYen: 200)
        guard case .refused(let view, let reasons) = refused else {
            Issue.record("a child's order is refused, not \(refused)")
            return
        }
        #expect(view.state == .refused && reasons.contains(.underAgeUnattended))
        // The answer lost, the kiosk asks again: the same refusal with its reasons, nothing recorded twice.
        let again = try await k.kiosk.order(
            requestId: "req-child-01", cardSerial: childCard.serial, sessionSecret: k.secret("req-child-01"), order: .init(kind: .residentRecordCopy), paidYen: 200)
        #expect(again == refused)
        #expect(try k.count("SELECT count(*) FROM ledgerEntry WHERE action = 'refuse' AND payload LIKE '%kiosk%'") == 1)

        let adult = try k.city.fullSubject()
        var card = try k.card(for: adult)
        _ = try await k.session("req-pay-0001", card: &card)
        let before = try k.count("SELECT count(*) FROM ledgerEntry")
        #expect(await code {
            _ = try await k.kiosk.order(requestId: "req-pay-0001", cardSerial: card.serial, sessionSecret: k.secret("req-pay-0001"), order: .init(kind: .residentRecordCopy), paidYen: 100)
        } == "kiosk.paymentMismatch")
        // 個人番号 cannot print at a store; a kind off this city's menu is refused before anything is recorded.
        let (numbers, _) = try await k.kiosk.quote(
            requestId: "req-pay-0001", cardSerial: card.serial, sessionSecret: k.secret("req-pay-0001"), order: .init(kind: .residentRecordCopy, items: [.individualNumber]))
        #expect(numbers.refusals.contains(.individualNumberUnattended))
        #expect(await code {
            _ = try await k.kiosk.quote(requestId: "req-pay-0001", cardSerial: card.serial, sessionSecret: k.secret("req-pay-0001"), order: .init(kind: .removedRecord))
        } == "refusal.kindNotAtChannel")
        #expect(try k.count("SELECT count(*) FROM ledgerEntry") == before)
        #expect(try k.count("SELECT count(*) FROM kioskSession WHERE requestId = 'req-pay-0001' AND state = 'authenticated'") == 1)

        // A revoked card does not get in.
        let serial = card.serial
        try await k.city.db.writer.write { db in try Cards.revoke(GRDBSession(db: db), serial: serial, reason: .keyCompromise, at: "2026-11-24T10:00:00.000+09:00") }
        #expect(await code { _ = try await k.session("req-revoked", card: &card) } == "card.revoked")
        #expect(try k.count("SELECT count(*) FROM kioskSession WHERE requestId = 'req-revoked' AND state = 'started'") == 1)
    }
}
