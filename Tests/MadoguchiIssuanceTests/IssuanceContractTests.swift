import Foundation
import MadoguchiPKI
import MadoguchiTestSupport
import Testing

@testable import MadoguchiDemo
@testable import MadoguchiDomain
@testable import MadoguchiIssuance
@testable import MadoguchiStore

/// Issuance's contract on SQLite and on PostgreSQL alike (issue 13 item 4): the same demo city, the same rules, the
/// same ledger; idempotency keys replay the first outcome; void and reprint change what verification says; and two
/// city servers on one database issue in parallel without a broken chain, a duplicate serial or a lost key.
@Suite("交付の契約（SQLite と PostgreSQL）", .serialized)
struct IssuanceContractTests {
    static let clock = MadoguchiClock.parse("2026-11-24T10:00:00+09:00")!

    /// A demo city of 300 persons on `engine`, in a store of its own.
    struct Rig {
        let store: TestEngines.Fresh
        let keys: MasterKey
        let db: MadoguchiDatabase
        let service: IssuanceService

        init(_ engine: SQLEngine) throws {
            store = try TestEngines.fresh(engine)
            keys = MasterKey.generate()
            db = try Self.open(store, keys)
            _ = try DemoCityGenerator.generate(into: db, options: .init(residents: 300, seed: 11))
            service = IssuanceService(database: db, clock: IssuanceContractTests.clock)
            try service.prepareSigning()
        }

        /// Another server's handle on the same database (its own connections).
        func second() throws -> IssuanceService {
            IssuanceService(database: try Self.open(store, keys), clock: IssuanceContractTests.clock)
        }

        static func open(_ store: TestEngines.Fresh, _ keys: MasterKey) throws -> MadoguchiDatabase {
            switch store.engine {
            case .sqlite: return try MadoguchiDatabase.open(path: store.location, keys: keys)
            case .postgres: return try MadoguchiDatabase.open(postgres: store.location, keys: keys)
            }
        }

        func ids(_ sql: String) throws -> [Int64] {
            try db.transaction(readOnly: true) { s in try s.column(sql, as: Int64.self) }
        }

        /// Current householders with a seal and a 戸籍 here, and no 支援措置 (every kind prints for them).
        func subjects() throws -> [Int64] {
            try ids(
                """
                SELECT r.id FROM resident r
                WHERE r.removedOn IS NULL AND r.relationship = 'householder'
                  AND EXISTS (SELECT 1 FROM sealRegistration s WHERE s.residentId = r.id AND s.abolishedOn IS NULL)
                  AND EXISTS (SELECT 1 FROM familyRegisterMember m WHERE m.residentId = r.id)
                  AND NOT EXISTS (SELECT 1 FROM supportMeasure m WHERE m.subjectId = r.id)
                ORDER BY r.id
                """)
        }
    }

    static func me(_ id: Int64) -> Requester {
        Requester(.self, residentId: id, identityDocuments: [.myNumberCard], sealCardPresented: true)
    }

    @Test("the same request gives the same certificate on both engines, replayed by its key", arguments: TestEngines.available)
    func issueAndReplay(engine: SQLEngine) throws {
        let rig = try Rig(engine)
        let subject = try #require(try rig.subjects().first)
        let submission = IssuanceService.Submission(kind: .residentRecordCopy, subjectId: subject, requester: Self.me(subject))
        let first = try rig.service.issue(submission, idempotencyKey: "contract-key-0001")
        guard case .issued(let certificate, _) = first else { Issue.record("refused: \(first)"); return }
        #expect(rig.db.engine == engine)
        #expect(certificate.ledgerSequence == 1)
        #expect(certificate.content.serialNumber == "第2026-000001号")
        #expect(try rig.service.issue(submission, idempotencyKey: "contract-key-0001") == first)
        // The same key for another request is refused, and records nothing.
        var other = submission
        other.options.copies = 2
        #expect {
            _ = try rig.service.issue(other, idempotencyKey: "contract-key-0001")
        } throws: { error in
            (error as? MadoguchiError)?.code == .idempotencyConflict
        }
        let (_, pdf) = try rig.service.document(certificate.id)
        #expect(pdf.starts(with: Array("%PDF".utf8)))
        #expect(try rig.service.verify(certificate.token).status == .valid)
        let ledger = try rig.service.verifyLedger()
        #expect(ledger.isIntact)
        #expect(ledger.entries == 1)
    }

    /// The access log's rule (every read of people's data by staff is recorded before it is shown: 個人情報保護法 §61
    /// keeps their use to the work in hand and §66 asks for the 安全管理措置 that show who saw whom and why; ADR 0008)
    /// held by the issuing transaction itself: the certificate and its entries commit together or not at all.
    @Test("an issuance and its access-log entries commit together, are replayed together, and neither when the log refuses",
          arguments: TestEngines.available)
    func accessInTheIssuingTransaction(engine: SQLEngine) async throws {
        let rig = try Rig(engine)
        let subject = try #require(try rig.subjects().first)
        let audit = AccessAudit(database: rig.db, clock: Self.clock)
        func reads(_ login: String) -> IssuanceService.Reads {
            let staff = StaffIdentity(accountId: nil, login: login, displayName: "窓口 一郎", roles: [.clerk], facilityId: "chuo-ward-office")
            return { c in
                [AccessRecord.Action.issue, .document].map {
                    audit.entry(.init($0, subjects: [c.subjectId], route: "POST /api/v1/certificates", documentId: c.id), by: staff, purpose: .certificate)
                }
            }
        }
        let submission = IssuanceService.Submission(kind: .residentRecordCopy, subjectId: subject, requester: Self.me(subject))
        let outcome = try await rig.service.issue(async: submission, idempotencyKey: "access-key-0001", actor: "clerk1", reads: reads("clerk1"))
        guard case .issued(let certificate, _) = outcome else { Issue.record("refused: \(outcome)"); return }
        var entries = try await audit.entries(AccessFilter())
        #expect(entries.map(\.record.action) == [.document, .issue], "newest first")
        #expect(entries.allSatisfy { $0.record.documentId == certificate.id && $0.record.subjects == [subject] && $0.record.actor == "clerk1" })
        // A repeated key returns the same certificate and records the second read of it.
        #expect(try await rig.service.issue(async: submission, idempotencyKey: "access-key-0001", actor: "clerk1", reads: reads("clerk1")) == outcome)
        entries = try await audit.entries(AccessFilter())
        #expect(entries.count == 4)
        // An entry the log refuses (no actor breaks its CHECK) takes the certificate and its ledger entry with it.
        let other = try #require(try rig.subjects().dropFirst().first)
        let refused = IssuanceService.Submission(kind: .residentRecordCopy, subjectId: other, requester: Self.me(other))
        await #expect(throws: (any Error).self) {
            _ = try await rig.service.issue(async: refused, idempotencyKey: "access-key-0002", actor: "clerk1", reads: reads(""))
        }
        #expect(try rig.ids("SELECT ledgerSequence FROM certificate") == [1])
        #expect(try rig.service.verifyLedger().entries == 1)
        #expect(try await audit.entries(AccessFilter()).count == 4)
        #expect(try await audit.verify().isIntact)
        // The key was not spent: the same request with a log that accepts it issues.
        let again = try await rig.service.issue(async: refused, idempotencyKey: "access-key-0002", actor: "clerk1", reads: reads("clerk1"))
        guard case .issued(let second, _) = again else { Issue.record("refused: \(again)"); return }
        #expect(second.ledgerSequence == 2)
    }

    @Test("statistics count the copies that stand, by facility, channel, kind, month and hour (issue 14, item 7)", arguments: TestEngines.available)
    func statistics(engine: SQLEngine) async throws {
        let rig = try Rig(engine)
        let subject = try #require(try rig.subjects().first)
        var two = IssuanceService.Submission(kind: .residentRecordCopy, subjectId: subject, requester: Self.me(subject))
        two.options.copies = 2
        _ = try rig.service.issue(two, idempotencyKey: "statistics-key-0001")
        let voided = try rig.service.issue(
            IssuanceService.Submission(kind: .residentRecordCopy, subjectId: subject, requester: Self.me(subject)), idempotencyKey: "statistics-key-0002")
        guard case .issued(let certificate, _) = voided else { Issue.record("refused: \(voided)"); return }
        _ = try rig.service.void(certificate.id, reason: "記載誤り")
        let day = CivilDate(year: 2026, month: 11, day: 24)!
        let tallies = try await rig.db.statistics.issuance(from: day, through: day, facilityId: nil)
        #expect(tallies.count == 1, "\(tallies)")
        #expect(tallies.first.map { "\($0.channel) \($0.kind) \($0.month) \($0.hour) \($0.copies)" } == "counter residentRecordCopy 2026-11 10 2")
        // The day after, and another facility, have none.
        #expect(try await rig.db.statistics.issuance(from: day.adding(days: 1), through: day.adding(days: 1), facilityId: nil).isEmpty)
        #expect(try await rig.db.statistics.issuance(from: day, through: day, facilityId: "no-such-office").isEmpty)
    }

    @Test("a retry racing its original, on the other server, gets the same certificate", arguments: TestEngines.available)
    func racingRetry(engine: SQLEngine) async throws {
        let rig = try Rig(engine)
        let servers = [rig.service, try rig.second()]
        let subject = try #require(try rig.subjects().first)
        let submission = IssuanceService.Submission(kind: .residentRecordCopy, subjectId: subject, requester: Self.me(subject))
        for round in 0..<5 {
            let key = "racing-key-\(round)"
            async let a = servers[0].issue(async: submission, idempotencyKey: key)
            async let b = servers[1].issue(async: submission, idempotencyKey: key)
            let (x, y) = try await (a, b)
            #expect(x == y)
        }
        #expect(try await rig.db.transaction(readOnly: true, async: { s in try Ledger.verify(s) }).entries == 5)
    }

    @Test("every kind prints; void and reprint change what verification says", arguments: TestEngines.available)
    func everyKindVoidReprint(engine: SQLEngine) throws {
        let rig = try Rig(engine)
        let subject = try #require(try rig.subjects().first)
        var issued: [IssuedCertificate] = []
        for kind in [CertificateKind.residentRecordCopy, .residentRecordExtract, .sealRegistrationCertificate, .familyRegisterFull] {
            let outcome = try rig.service.issue(.init(kind: kind, subjectId: subject, requester: Self.me(subject)))
            guard case .issued(let c, _) = outcome else { Issue.record("\(kind) refused: \(outcome)"); continue }
            #expect(c.kind == kind)
            issued.append(c)
        }
        #expect(issued.count == 4)
        let voided = try rig.service.void(issued[0].id, reason: "誤交付")
        #expect(voided.status == .voided)
        #expect(try rig.service.verify(issued[0].token).status == .revoked)
        let copy = try rig.service.reprint(issued[1].id, reason: "印刷不良")
        #expect(try rig.service.verify(issued[1].token).status == .superseded)
        #expect(try rig.service.verify(copy.token).status == .valid)
        // Voiding twice is refused; the ledger holds 4 issues, a void and a reprint, in one chain.
        #expect(throws: MadoguchiError.self) { _ = try rig.service.void(issued[0].id, reason: "again") }
        let ledger = try rig.service.verifyLedger()
        #expect(ledger.isIntact)
        #expect(ledger.entries == 6)
    }

    @Test("a refusal is recorded in the ledger and replayed by its key", arguments: TestEngines.available)
    func refusal(engine: SQLEngine) throws {
        let rig = try Rig(engine)
        let subject = try #require(try rig.subjects().first)
        // A third party with no stated purpose asks for a 戸籍 (戸籍法 §10の2): refused.
        let submission = IssuanceService.Submission(
            kind: .familyRegisterFull, subjectId: subject,
            requester: Requester(.thirdParty, name: "第三者　太郎", identityDocuments: [.driversLicense]))
        let first = try rig.service.issue(submission, idempotencyKey: "contract-refusal-1")
        guard case .refused(let reasons, let sequence) = first else { Issue.record("issued: \(first)"); return }
        #expect(!reasons.isEmpty)
        #expect(sequence == 1)
        #expect(try rig.service.issue(submission, idempotencyKey: "contract-refusal-1") == first)
        #expect(try rig.service.verifyLedger().entries == 1)
    }

    /// Two city servers (two handles, each with its own connections) and four tasks each issue at once; each request
    /// is then sent again with its key, as a client whose answer was lost would.
    @Test("two city servers on one database issue in parallel: one chain, unique serials, no lost key", arguments: TestEngines.available)
    func twoServers(engine: SQLEngine) async throws {
        let rig = try Rig(engine)
        let servers = [rig.service, try rig.second()]
        let subjects = try rig.subjects()
        try #require(subjects.count >= 4)
        let perTask = 6
        let tasks = 4
        func submission(_ n: Int) -> IssuanceService.Submission {
            let subject = subjects[n % subjects.count]
            return .init(kind: .residentRecordCopy, subjectId: subject, requester: Self.me(subject))
        }
        let first = try await withThrowingTaskGroup(of: [(Int, IssuedCertificate)].self) { group in
            for (s, server) in servers.enumerated() {
                for t in 0..<tasks {
                    group.addTask {
                        var mine: [(Int, IssuedCertificate)] = []
                        for i in 0..<perTask {
                            let n = (s * tasks + t) * perTask + i
                            let outcome = try await server.issue(async: submission(n), idempotencyKey: "parallel-key-\(n)")
                            guard case .issued(let c, _) = outcome else { throw MadoguchiError(.notFound, ja: "不交付", en: "\(outcome)") }
                            mine.append((n, c))
                        }
                        return mine
                    }
                }
            }
            return try await group.reduce(into: []) { $0 += $1 }
        }
        let total = servers.count * tasks * perTask
        #expect(first.count == total)
        #expect(Set(first.map(\.1.content.serialNumber)).count == total)
        #expect(Set(first.map(\.1.ledgerSequence)) == Set((1...Int64(total)).map { $0 }))
        // Every key kept its certificate: the retry, on the other server, returns it and records nothing.
        for (n, certificate) in first.prefix(8) {
            let again = try await servers[(n + 1) % 2].issue(async: submission(n), idempotencyKey: "parallel-key-\(n)")
            guard case .issued(let c, _) = again else { Issue.record("retry \(n) refused"); continue }
            #expect(c.id == certificate.id)
        }
        let ledger = try await rig.db.transaction(readOnly: true, async: { s in try Ledger.verify(s) })
        #expect(ledger.isIntact)
        #expect(ledger.entries == total)
    }

    /// コンビニ交付 end to end on either engine: the card step proves the holder, the order issues in the same
    /// transaction as the session's binding, the document goes only to the session's card, and printing completes it.
    /// A second card cannot take over the session; a replayed print is harmless.
    @Test("a store session runs the same on both engines, and refuses another card", arguments: TestEngines.available)
    func kioskSession(engine: SQLEngine) async throws {
        let rig = try Rig(engine)
        let kiosk = KioskService(issuance: rig.service, policy: KioskPolicy(printSeconds: 30))
        let subjects = try rig.subjects()
        try #require(subjects.count >= 2)
        var card = try await rig.db.cards.issue(residentId: subjects[0], pin: "1234", medium: .card, now: Self.clock.now())
        var stranger = try await rig.db.cards.issue(residentId: subjects[1], pin: "4321", medium: .card, now: Self.clock.now())
        let started = try await kiosk.start(requestId: "contract-req-1", chain: "セブン", store: "S-001")
        let encoded = try #require(started.challenge)
        let challenge = try #require(CardChallenge(encoded: encoded))
        let authenticated = try await kiosk.authenticate(
            requestId: "contract-req-1", certificatePEM: card.certificatePEM, signature: try card.sign(challenge: challenge.bytes, pin: "1234"))
        #expect(authenticated.state == .authenticated)
        let secret = authenticated.sessionSecret
        // Another card, signing the same challenge, does not take the session over.
        let other = await CardAuthenticationTests.errorCode {
            _ = try await kiosk.authenticate(
                requestId: "contract-req-1", certificatePEM: stranger.certificatePEM,
                signature: try stranger.sign(challenge: challenge.bytes, pin: "4321"))
        }
        #expect(other == MadoguchiError.Code.kioskCardMismatch.rawValue)
        let order = KioskOrder(kind: .residentRecordCopy, copies: 1)
        let (quote, _) = try await kiosk.quote(requestId: "contract-req-1", cardSerial: card.serial, sessionSecret: secret, order: order)
        let fee = try #require(quote.fee?.total)
        let ordered = try await kiosk.order(
            requestId: "contract-req-1", cardSerial: card.serial, sessionSecret: secret, order: order, paidYen: fee).view
        #expect(ordered.state == .issued)
        let documentId = try #require(ordered.documentId)
        let (certificate, pdf) = try await kiosk.document(requestId: "contract-req-1", cardSerial: card.serial, sessionSecret: secret)
        #expect(certificate.id == documentId)
        #expect(certificate.channel == .kiosk)
        #expect(pdf.starts(with: Array("%PDF".utf8)))
        let printed = try await kiosk.printed(
            requestId: "contract-req-1", cardSerial: card.serial, sessionSecret: secret, documentId: documentId)
        #expect(printed.state == .completed)
        // The print confirmation again: the same answer, nothing changes.
        #expect(try await kiosk.printed(
            requestId: "contract-req-1", cardSerial: card.serial, sessionSecret: secret, documentId: documentId).state == .completed)
        let lines = try await kiosk.settlement(month: "2026-11")
        #expect(lines.map(\.sessions) == [1])
        #expect(lines.first?.feeYen == fee)
        _ = card
        _ = stranger
    }

    /// The sweep beside a step on PostgreSQL: a session a kiosk's transaction is changing while the sweep runs is left
    /// to the next sweep, and every other expired session is still aborted. Before, the sweep read the session, the
    /// kiosk's transaction aborted it and committed, the sweep's update found it moved on, and the whole sweep rolled
    /// back (`kiosk.requestIdReused` in the bench's city logs), to fail again a second later while stores were busy.
    @Test("the sweep leaves a session another transaction holds to the next sweep and aborts the rest",
          .enabled(if: TestEngines.available.contains(.postgres)), .timeLimit(.minutes(5)))
    func sweepBesideAStep() async throws {
        let rig = try Rig(.postgres)
        let time = SteppingClock("2026-11-24T10:00:00+09:00")
        let kiosk = KioskService(issuance: IssuanceService(database: rig.db, clock: time.clock), policy: KioskPolicy(sessionSeconds: 180))
        for id in ["sweep-held-1", "sweep-free-1"] { _ = try await kiosk.start(requestId: id, chain: "セブン", store: "S-001") }
        time.advance(181)

        // Another transaction (the kiosk's own abort, on its own connection) has changed the held session and not yet
        // committed.
        let locked = DispatchSemaphore(value: 0), release = DispatchSemaphore(value: 0), done = DispatchSemaphore(value: 0)
        let db = rig.db
        Thread {
            _ = try? db.transaction(readOnly: false) { s in
                try s.execute("UPDATE kioskSession SET state = 'aborted', abortReason = 'cancel' WHERE requestId = 'sweep-held-1'")
                locked.signal()
                release.wait()
            }
            done.signal()
        }.start()
        await withCheckedContinuation { c in DispatchQueue.global().async { locked.wait(); c.resume() } }

        let sweep = Task { try await kiosk.sweep() }
        let swept = Flag()
        Task { _ = try? await sweep.value; swept.set() }
        // Long enough for a starved test process to get round to the sweep: the window only ends a sweep that waits
        // for the holder, which without the lock would wait for ever.
        let deadline = ContinuousClock.now + .seconds(600)
        while !swept.value, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(50)) }
        let beforeRelease = swept.value
        release.signal()
        await withCheckedContinuation { c in DispatchQueue.global().async { done.wait(); c.resume() } }
        #expect(beforeRelease, "the sweep waited for the session the other transaction holds")
        let aborted = try await sweep.value
        #expect(aborted == 1)
        let states = try await rig.db.transaction(readOnly: true, async: { s in
            try s.rows("SELECT requestId, state, abortReason FROM kioskSession ORDER BY requestId", []).map {
                "\(try $0.text("requestId")) \(try $0.text("state")) \(try $0.optionalText("abortReason") ?? "")"
            }
        })
        // The held one ended as its own transaction said; the other was swept; nothing is left open.
        #expect(states == ["sweep-free-1 aborted timeout", "sweep-held-1 aborted cancel"])
        #expect(try await kiosk.sweep() == 0)
    }

    /// Set once, read from anywhere.
    final class Flag: @unchecked Sendable {
        private let lock = NSLock()
        private var isSet = false
        func set() { lock.withLock { isSet = true } }
        var value: Bool { lock.withLock { isSet } }
    }
}
