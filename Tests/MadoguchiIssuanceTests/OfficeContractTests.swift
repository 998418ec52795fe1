import Foundation
import MadoguchiPKI
import MadoguchiTestSupport
import Testing

@testable import MadoguchiDemo
@testable import MadoguchiDomain
@testable import MadoguchiIssuance
@testable import MadoguchiStore

/// The back office's contract on SQLite and on PostgreSQL alike (issue 13 item 4): the access log and its append-only
/// chain, staff accounts and their append-only events, residents' card sign-in, the live indicators the ledger keeps,
/// and the signed checkpoints over both chains (the sheets' own contract is `SheetContractTests`).
@Suite("事務の契約（SQLite と PostgreSQL）", .serialized)
struct OfficeContractTests {
    static let clock = MadoguchiClock.parse("2026-11-24T10:00:00+09:00")!
    static let at = "2026-11-24T10:00:00.000+09:00"

    struct Rig {
        let store: TestEngines.Fresh
        let db: MadoguchiDatabase

        init(_ engine: SQLEngine, residents: Int = 200) throws {
            store = try TestEngines.fresh(engine)
            db = try store.database(keys: MasterKey.generate())
            _ = try DemoCityGenerator.generate(into: db, options: .init(residents: residents, seed: 5))
        }

        func scalar<T: SQLColumnDecodable>(_ sql: String, _ arguments: [any SQLBindable] = [], as type: T.Type = T.self) throws -> T? {
            try db.transaction(readOnly: true) { s in try s.scalar(sql, arguments: arguments, as: T.self) }
        }

        func read<T>(_ body: (any SQLSession) throws -> T) throws -> T {
            try db.transaction(readOnly: true) { s in try body(s) }
        }

        /// A raw statement, as someone with the database's password would send it.
        func raw(_ sql: String) -> MadoguchiError.Code? {
            do {
                try db.transaction(readOnly: false) { s in _ = try s.execute(sql, []) }
                return nil
            } catch let e as MadoguchiError { return e.code } catch { return MadoguchiError.Code("unexpected") }
        }
    }

    static func read(_ ids: [Int64], _ n: Int, actor: String = "clerk") -> AccessRecord {
        AccessRecord(
            at: "2026-11-24T10:00:\(String(format: "%02d", n)).000+09:00", actor: actor, facilityId: nil, action: .detail,
            purpose: .certificate, subjects: ids, route: "GET /api/v1/residents/\(ids.first ?? 0)")
    }

    @Test("the access log chains, verifies, finds a resident's reads, and refuses a change or a fork", arguments: TestEngines.available)
    func accessLog(engine: SQLEngine) async throws {
        let rig = try Rig(engine)
        let log = rig.db.accessLog
        let day = CivilDate(year: 2026, month: 11, day: 24)!
        let first = try await log.append(Self.read([3, 1], 1), flagProtectedOn: day)
        let second = try await log.append(Self.read([2], 2), flagProtectedOn: day)
        _ = try await log.append(Self.read([1], 3, actor: "other"), flagProtectedOn: day)
        #expect(first.sequence == 1 && second.sequence == 2)
        let verified = try await log.verify()
        #expect(verified.entries == 3 && verified.firstBad == nil)
        #expect(try await log.entries(AccessFilter(residentId: 1)).map(\.sequence) == [3, 1])
        #expect(try await log.entries(AccessFilter(actor: "clerk")).map(\.sequence) == [2, 1])
        // Hostile: an edit, a removal, or an entry that does not extend the chain.
        #expect(rig.raw("UPDATE accessEntry SET actor = 'nobody' WHERE sequence = 1") == .constraintViolation)
        #expect(rig.raw("DELETE FROM accessSubject WHERE sequence = 1") == .constraintViolation)
        #expect(rig.raw("DELETE FROM accessEntry WHERE sequence = 3") == .constraintViolation)
        let fork = """
            INSERT INTO accessEntry (sequence, previousHash, hash, payload, at, actor, action, purpose, flagged)
            VALUES (3, '\(first.hash)', '\(String(repeating: "a", count: 64))', '{}', '\(Self.at)', 'x', 'detail', 'certificate', 0)
            """
        #expect(rig.raw(fork) == .constraintViolation)
        #expect(try await log.verify().entries == 3)
    }

    @Test("staff accounts, sessions and credentials, with an event for each change that cannot be edited", arguments: TestEngines.available)
    func staff(engine: SQLEngine) async throws {
        let rig = try Rig(engine)
        let staff = rig.db.staff
        let facility = try #require(try rig.scalar("SELECT id FROM facility ORDER BY id LIMIT 1", as: String.self))
        let account = try await staff.create(
            StaffAccount(login: "sato.k", displayName: "佐藤 健", roles: [.clerk], facilityId: facility), passwordHash: "scrypt$x",
            at: Self.at, by: "admin")
        let id = try #require(account.id)
        #expect(try await staff.count() == 1)
        // Hostile: a taken login, an unknown facility.
        await #expect { _ = try await staff.create(StaffAccount(login: "sato.k", displayName: "x", roles: [.clerk]), passwordHash: "scrypt$x", at: Self.at, by: "admin") }
            throws: { ($0 as? MadoguchiError)?.code == .staffInvalid }
        await #expect { _ = try await staff.create(StaffAccount(login: "kato.k", displayName: "x", roles: [.clerk], facilityId: "nowhere"), passwordHash: "scrypt$x", at: Self.at, by: "admin") }
            throws: { ($0 as? MadoguchiError)?.code == .staffInvalid }
        let token = String(repeating: "b", count: 64)
        try await staff.signedIn(accountId: id, login: "sato.k", tokenHash: token, csrf: String(repeating: "c", count: 32), at: Self.at,
                                 expiresAt: "2026-11-24T18:00:00.000+09:00")
        try await staff.setPurpose(sessionHash: token, .consultation)
        let session = try #require(try await staff.session(tokenHash: token))
        #expect(session.account.account.login == "sato.k" && session.session.purpose == .consultation)
        // A new password ends the session.
        try await staff.setPassword(login: "sato.k", hash: "scrypt$y", at: "2026-11-24T11:00:00.000+09:00", by: "admin")
        #expect(try await staff.session(tokenHash: token)?.session.endedAt != nil)
        let credential = try await staff.issueCredential(
            tokenHash: String(repeating: "d", count: 64), label: "窓口端末1", login: nil, at: Self.at, by: "admin",
            scope: { _ in ([.clerk], facility) })
        #expect(try await staff.credential(tokenHash: String(repeating: "d", count: 64))?.credential.roles == [.clerk])
        try await staff.revokeCredential(id: credential.id, at: Self.at, by: "admin")
        await #expect { try await staff.revokeCredential(id: credential.id, at: Self.at, by: "admin") }
            throws: { ($0 as? MadoguchiError)?.code == .notFound }
        let events = try await rig.db.transaction(readOnly: true, async: { s in try StaffStore.events(s, accountId: id) })
        #expect(events == ["created", "signedIn", "passwordReset"])
        #expect(rig.raw("UPDATE staffEvent SET event = 'enabled'") == .constraintViolation)
        #expect(rig.raw("DELETE FROM staffEvent") == .constraintViolation)
    }

    @Test("a resident's sign-in challenge is spent once, and a session ends", arguments: TestEngines.available)
    func residentSignIn(engine: SQLEngine) async throws {
        let rig = try Rig(engine)
        let store = rig.db.residentSignIn
        let nonce = Data((0..<32).map { UInt8($0) })
        try await store.saveChallenge(id: "challenge-000000001", nonce: nonce, expiresAt: "2026-11-24T10:02:00.000+09:00", purgeBefore: Self.at)
        let spent = try #require(try await store.spendChallenge(id: "challenge-000000001", at: Self.at))
        #expect(spent.nonce == nonce && spent.usedAt == nil)
        // Replayed: it says when it was spent.
        #expect(try await store.spendChallenge(id: "challenge-000000001", at: "2026-11-24T10:00:30.000+09:00")?.usedAt == Self.at)
        #expect(try await store.spendChallenge(id: "challenge-unknown-01", at: Self.at) == nil)
        let resident = try #require(try rig.scalar("SELECT id FROM resident ORDER BY id LIMIT 1", as: Int64.self))
        let token = String(repeating: "e", count: 64)
        try await store.openSession(tokenHash: token, residentId: resident, cardSerial: "S1", at: Self.at, expiresAt: "2026-11-24T10:15:00.000+09:00")
        #expect(try await store.resident(tokenHash: token, at: "2026-11-24T10:05:00.000+09:00") == resident)
        #expect(try await store.resident(tokenHash: token, at: "2026-11-24T10:16:00.000+09:00") == nil, "expired")
        try await store.endSession(tokenHash: token, at: "2026-11-24T10:06:00.000+09:00")
        #expect(try await store.resident(tokenHash: token, at: "2026-11-24T10:07:00.000+09:00") == nil, "ended")
    }

    @Test("live indicators: the ledger keeps the counts as it issues and voids; surveys and activities by fiscal year",
          arguments: TestEngines.available)
    func liveIndicators(engine: SQLEngine) async throws {
        let rig = try Rig(engine)
        let service = IssuanceService(database: rig.db, clock: Self.clock)
        try service.prepareSigning()
        let corner = try #require(try rig.scalar("SELECT id FROM facility WHERE kind = 'serviceCorner' ORDER BY id LIMIT 1", as: String.self))
        let ward = try #require(try rig.scalar("SELECT id FROM facility WHERE kind = 'wardOffice' ORDER BY id LIMIT 1", as: String.self))
        let subject = try #require(try rig.scalar(
            "SELECT id FROM resident WHERE removedOn IS NULL AND NOT EXISTS (SELECT 1 FROM supportMeasure m WHERE m.subjectId = resident.id) ORDER BY id LIMIT 1",
            as: Int64.self))
        func issue(_ facility: String, copies: Int) throws -> String {
            let outcome = try service.issue(IssuanceService.Submission(
                kind: .residentRecordCopy, subjectId: subject, requester: Requester(.self, residentId: subject, identityDocuments: [.myNumberCard]),
                facilityId: facility, options: CertificateOptions(copies: copies)))
            guard case .issued(let c, _) = outcome else { throw MadoguchiError(.storeFailure, ja: "", en: "refused: \(outcome)") }
            return c.id
        }
        _ = try issue(corner, copies: 1)
        _ = try issue(ward, copies: 2)
        let voided = try issue(ward, copies: 1)
        _ = try service.void(voided, reason: "誤交付")
        let indicators = rig.db.indicators
        try await indicators.setIssuanceCount(year: FiscalYear(2013), place: "serviceCorner", copies: 10, source: "旧システム")
        try await indicators.setIssuanceCount(year: FiscalYear(2013), place: "wardOffice", copies: 30, source: "旧システム")
        let share = try await indicators.reading(LiveIndicatorDefinition(source: .serviceCornerShare), now: Self.clock.now())
        #expect(share.values.map(\.year) == [FiscalYear(2013), FiscalYear(2026)])
        #expect(share.values.map(\.numerator) == [10, 1])
        #expect(share.values.map(\.denominator) == [40, 3], "the voided copy is taken back out")
        // Hostile: the ledger's own counts cannot be set by hand.
        await #expect { try await indicators.setIssuanceCount(year: FiscalYear(2026), place: "wardOffice", copies: 0, source: "ledger") }
            throws: { ($0 as? MadoguchiError)?.code == .sheetInvalid }

        try await indicators.saveSurvey(Survey(id: "s2026", title: "市民意識調査", fiscalYear: FiscalYear(2026), questions: [
            SurveyQuestion(code: "Q1", text: "窓口の満足度", options: ["満足", "やや満足", "不満"], satisfied: ["満足", "やや満足"]),
        ]))
        try await indicators.answer(surveyId: "s2026", rows: [
            SurveyResponseRow(line: 2, respondent: "r1", answers: ["Q1": "満足"]),
            SurveyResponseRow(line: 3, respondent: "r2", answers: ["Q1": "不満"]),
            SurveyResponseRow(line: 4, respondent: "r3", answers: ["Q1": "やや満足"]),
            SurveyResponseRow(line: 5, respondent: "r4", answers: ["Q1": "満足"]),
        ])
        // Hostile: the same respondent twice, or an answer that is not an option: the whole file is refused.
        await #expect { _ = try await indicators.answer(surveyId: "s2026", rows: [SurveyResponseRow(line: 2, respondent: "r5", answers: ["Q1": "満足"]),
                                                                                   SurveyResponseRow(line: 3, respondent: "r1", answers: ["Q1": "満足"])]) }
            throws: { ($0 as? MadoguchiError)?.code == .surveyInvalid }
        await #expect { _ = try await indicators.answer(surveyId: "s2026", rows: [SurveyResponseRow(line: 2, respondent: "r6", answers: ["Q1": "普通"])]) }
            throws: { $0 is MadoguchiError }
        #expect(try await indicators.surveys().first?.responses == 4)
        let satisfaction = try await indicators.reading(LiveIndicatorDefinition(source: .surveySatisfaction, question: "Q1"), now: Self.clock.now())
        #expect(satisfaction.values.map(\.numerator) == [3] && satisfaction.values.map(\.denominator) == [4])

        for (date, kind) in [("2026-03-31", "会議"), ("2026-04-01", "会議"), ("2026-04-02", "相談")] {
            try await indicators.record(
                RegionalActivity(staff: "地域 太郎", center: "中央", date: CivilDate.parseGregorian(date)!, kind: kind, participants: 3),
                by: "test", now: Self.clock.now())
        }
        let meetings = try await indicators.reading(LiveIndicatorDefinition(source: .regionalStaffActivities, activityKinds: ["会議"]), now: Self.clock.now())
        #expect(meetings.values.map(\.year) == [FiscalYear(2025), FiscalYear(2026)] && meetings.values.map(\.numerator) == [1, 1])
        #expect(try await indicators.activities(limit: 2).map(\.kind) == ["相談", "会議"])
    }

    @Test("a ledger appended in bulk is the chain one-by-one appends make, and the counts the ledger keeps match it",
          arguments: TestEngines.available)
    func bulkLedger(engine: SQLEngine) async throws {
        let rig = try Rig(engine, residents: 20)
        let facilities = try rig.db.registry.facilities().map(\.id)
        try await rig.db.fillSyntheticLedger(issues: 1_234, facilities: facilities, seed: 3)
        let verified = try await rig.db.ledger.verify()
        #expect(verified.entries == 1_234 + 13 && verified.firstBad == nil, "\(verified)")
        // Every issue's copies, less the voided ones', are in the counts the trigger kept as the rows went in.
        let copies = try rig.scalar("SELECT sum(copies) FROM issuanceCount WHERE source = 'ledger'", as: Int.self)
        let payloads = try await rig.db.transaction(readOnly: true, async: { s in
            try s.rows("SELECT payload, action, documentId FROM ledgerEntry ORDER BY sequence", []).map {
                (try JSONDecoder().decode(LedgerRecord.self, from: Data(try $0.text("payload").utf8)), try $0.text("action"))
            }
        })
        let voided = Set(payloads.filter { $0.1 == "void" }.compactMap(\.0.documentId))
        let expected = payloads.filter { $0.1 == "issue" && !voided.contains($0.0.documentId ?? "") }.map(\.0.copies).reduce(0, +)
        #expect(copies == expected && expected > 1_234)
    }

    @Test("a bench ledger filled with PostgreSQL's triggers off is the same chain, and migration p3's count of it is the trigger's (p4's)",
          .enabled(if: TestEngines.available.contains(.postgres)))
    func bulkLedgerWithoutTriggers() async throws {
        var counts: [[String]] = []
        for off in [false, true] {
            let rig = try Rig(.postgres, residents: 20)
            let facilities = try rig.db.registry.facilities().map(\.id)
            try await rig.db.fillSyntheticLedger(issues: 1_234, facilities: facilities, seed: 3, withoutTriggers: off)
            let verified = try await rig.db.ledger.verify()
            #expect(verified.entries == 1_234 + 13 && verified.firstBad == nil, "\(verified)")
            counts.append(try await rig.db.transaction(readOnly: true, async: { s in
                try s.rows("SELECT fiscalYear || ' ' || place || ' ' || copies AS line FROM issuanceCount WHERE source = 'ledger' ORDER BY 1", [])
                    .map { try $0.text("line") }
            }))
        }
        #expect(counts[0] == counts[1] && counts[0].count > 3, "\(counts)")
        // Every kind of place the trigger tells apart: a facility's kind, a channel, and a store copy made with a phone.
        #expect(counts[0].contains { $0.contains(" channel:kiosk:smartphone ") } && counts[0].contains { $0.contains(" channel:kiosk ") }
                && counts[0].contains { $0.contains(" wardOffice ") }, "\(counts)")
    }

    @Test("a checkpoint signs both chains' heads, and a rewritten chain no longer holds it", arguments: TestEngines.available)
    func checkpoint(engine: SQLEngine) async throws {
        let rig = try Rig(engine)
        try await rig.db.setUpKeys(now: Self.clock.now())
        _ = try await rig.db.accessLog.append(Self.read([1], 1), flagProtectedOn: CivilDate(year: 2026, month: 11, day: 24)!)
        let published = try await rig.db.ledger.checkpoint(at: Self.at)
        let read = try Checkpoints.read(published, jwks: try await rig.db.ledger.publicKeys())
        #expect(read.access.sequence == 1 && read.ledger.sequence == 0)
        #expect(try await rig.db.ledger.problems(against: read).isEmpty)
        var forged = read
        forged.access.hash = String(repeating: "f", count: 64)
        #expect(try await rig.db.ledger.problems(against: forged).count == 1)
    }

    /// The PDF signing keys (issue 15, item 2): an authority apart from the card authority, a signer and a timestamp
    /// service it certified, made once at setup, each key sealed under its own place's label.
    @Test("hostile: document keys are made once, sealed, bound to their place, one current per purpose; a key in the clear is refused",
          arguments: TestEngines.available)
    func documentKeys(engine: SQLEngine) async throws {
        let rig = try Rig(engine, residents: 20)
        try await rig.db.setUpKeys(now: Self.clock.now())
        try await rig.db.setUpKeys(now: Self.clock.now())
        #expect(try rig.scalar("SELECT count(*) FROM documentKey", as: Int.self) == 3, "setup twice makes them once")
        let keyring = try #require(try rig.read { s in try DocumentKeys.keyring(s, keys: rig.db.keys) })
        let card = try #require(try rig.read { s in try Cards.authorityCertificate(s) })
        #expect(keyring.authority.subject != card.subject && keyring.authority.publicKey != card.publicKey, "apart from the card authority")
        #expect(keyring.signer.certificate.issuer == keyring.authority.subject)
        #expect(keyring.timestamper.certificate.issuer == keyring.authority.subject)
        #expect(try keyring.timestamper.certificate.extensions.extendedKeyUsage?.contains(.timeStamping) == true)
        #expect(try keyring.signer.certificate.extensions.extendedKeyUsage == nil)
        let sealed = try rig.read { s in
            try s.rows("SELECT privateKey FROM documentKey", arguments: []).map { try $0.blob("privateKey") }
        }
        #expect(sealed.count == 3 && sealed.allSatisfy(MasterKey.isSealed))
        // A sealed key moved to another row does not open there: the label binds it to its place.
        let signing = try #require(try rig.read { s in try DocumentKeys.current(s, .signing) })
        let moved = DocumentKeys.Stored(serial: signing.serial, purpose: .timestamping, certificate: signing.certificate, sealedKey: signing.sealedKey)
        #expect(throws: MadoguchiError.self) { try DocumentKeys.open(moved, keys: rig.db.keys) }
        // Another master key opens none of them.
        #expect(throws: MadoguchiError.self) { try DocumentKeys.open(signing, keys: MasterKey.generate()) }
        // Raw statements: a key in the clear, or a second current signer, are refused by the schema itself.
        let der = Array(try keyring.signer.certificate.derBytes()).map { String(format: "%02x", $0) }.joined()
        let blob = engine == .postgres ? "'\\x\(der)'::bytea" : "X'\(der)'"
        #expect(rig.raw("INSERT INTO documentKey (serial, purpose, certificate, privateKey, createdAt) VALUES ('0a0b', 'signing', \(blob), \(blob), '\(Self.at)')")
            == .constraintViolation)
        let sealedHex = sealed[0].map { String(format: "%02x", $0) }.joined()
        let sealedBlob = engine == .postgres ? "'\\x\(sealedHex)'::bytea" : "X'\(sealedHex)'"
        #expect(rig.raw("INSERT INTO documentKey (serial, purpose, certificate, privateKey, createdAt) VALUES ('0a0c', 'signing', \(blob), \(sealedBlob), '\(Self.at)')")
            == .constraintViolation)
        #expect(try rig.scalar("SELECT count(*) FROM documentKey", as: Int.self) == 3)
    }
}
