import Foundation
import GRDB
import MadoguchiTestSupport
import Testing

@testable import MadoguchiDemo
@testable import MadoguchiDomain
@testable import MadoguchiIssuance
import MadoguchiPKI
@testable import MadoguchiStore

/// Cities wired to each other directly, as the relay does, with the requesting city's code vouched for.
struct DirectRelay: WideAreaRelay {
    let from: String
    let cities: [String: WideAreaService]
    var registries: [String: RegistryProcedures] = [:]

    func ask(_ query: WideAreaQuery, city: String) async throws -> WideAreaAnswer {
        guard let keeping = cities[city] else {
            throw MadoguchiError(.wideAreaUnavailable, ja: "接続先がありません", en: "No such city \(city)")
        }
        return try await keeping.answer(query, from: from)
    }

    func forward(_ measure: ForwardedSupportMeasure, city: String) async throws {
        guard let keeping = registries[city] else {
            throw MadoguchiError(.wideAreaUnavailable, ja: "接続先がありません", en: "No such city \(city)")
        }
        try await keeping.receiveForwarded(measure, from: from)
    }

    func cardStatus(serial: String, city: String) async throws -> RelayedCardStatus {
        guard let keeping = cities[city] else {
            throw MadoguchiError(.wideAreaUnavailable, ja: "接続先がありません", en: "No such city \(city)")
        }
        return try await keeping.cardStatus(serial: serial)
    }
}

/// 窓口市 (A) prints from 東窓市's (B) records; both hold the law's cases.
struct TwoCities {
    let a: LawCity
    let b: LawCity
    let wideA: WideAreaService
    let wideB: WideAreaService
    var relay: DirectRelay { DirectRelay(from: "149802", cities: ["149829": wideB]) }

    init() throws {
        a = try LawCity()
        b = try LawCity(code: "149829", name: "東窓市")
        wideA = WideAreaService(issuance: a.service)
        wideB = WideAreaService(issuance: b.service)
    }

    func query(
        _ kind: CertificateKind, of subject: Int64, by requester: Requester, requesterBirth: CivilDate? = nil,
        _ change: (inout CertificateOptions) -> Void = { _ in }
    ) throws -> WideAreaQuery {
        let person = try b.resident(subject)
        var options = CertificateOptions()
        change(&options)
        return WideAreaQuery(
            kind: kind, subjectName: person.name.full, subjectBirthDate: person.birthDate, requester: requester,
            requesterBirthDate: requesterBirth, options: options, city: CityInfo(code: "149802", name: "窓口市", mayor: "窓口市長"),
            facilityId: "chuo-ward-office", actor: "clerk-a1", requestId: "unused-000")
    }

    func issue(_ query: WideAreaQuery, key: String = "wide-\(UUID().uuidString)") async throws -> IssuanceOutcome {
        try await wideA.issue(query, keepingCity: "149829", idempotencyKey: key, relay: relay)
    }

    func asked() throws -> [Row] {
        try b.db.writer.read { d in try Row.fetchAll(d, sql: "SELECT * FROM wideAreaRequest ORDER BY id") }
    }
}

func photo(_ cls: RequesterClass, _ name: String? = nil) -> Requester {
    Requester(cls, name: name, identityDocuments: [.driversLicense])
}

@Suite("広域交付（住基法 §12の4, 戸籍法 §120の2）", .serialized)
struct WideAreaTests {
    @Test("住民票 (住基法 §12の4): 窓口市 prints 東窓市's record for 本人 with photo ID, under its own ledger, serial and signature; 東窓市 records who asked")
    func residentRecord() async throws {
        let cities = try TwoCities()
        let p = cities.b.people
        let outcome = try await cities.issue(try cities.query(.residentRecordCopy, of: p.mother, by: photo(.self)) { $0.scope = .household })
        guard case .issued(let certificate, _) = outcome else { Issue.record("refused: \(outcome)"); return }
        // Printed by 窓口市: its name, mayor and serial; 東窓市's records named on the paper.
        #expect(certificate.content.cityCode == "149802")
        #expect(certificate.content.serialNumber == "第2026-000001号")
        #expect(certificate.content.keptBy == "東窓市")
        #expect(certificate.keepingCity == "149829")
        #expect(certificate.feeYen == 300)
        let text = try cities.a.printed(outcome)
        for printed in ["窓口市長", "幸子", "一男", "住所地東窓市"] { #expect(text.contains(printed), "\(printed)") }
        #expect(text.contains("第12条の4"))
        // The ledger of 窓口市 holds the issue, naming 東窓市; 東窓市's ledger holds nothing.
        let entries = try await cities.a.db.writer.read { d in try Ledger.entries(d, documentId: certificate.id) }
        let entry = try #require(entries.first)
        #expect(entry.record.keepingCity == "149829")
        #expect(entry.record.subjectId == 0)
        #expect(entry.record.facilityId == "chuo-ward-office")
        #expect(try cities.a.service.verifyLedger().isIntact)
        #expect(try cities.b.service.verifyLedger().entries == 0)
        // 東窓市 knows who asked, from which city, facility and clerk.
        let asked = try cities.asked()
        #expect(asked.count == 1)
        let row = asked[0]
        #expect(row["fromCity"] as String? == "149802")
        #expect(row["facilityId"] as String? == "chuo-ward-office")
        #expect(row["actor"] as String? == "clerk-a1")
        #expect(row["subjectId"] as Int64? == p.mother)
        #expect(row["outcome"] as String? == "answered")
        // The QR verifies at 窓口市, the city that signed it.
        #expect(try cities.a.service.verify(certificate.token).status == .valid)
    }

    @Test("住民票 広域交付: the household member in person; no proxy, no third party; photo ID only; no 本籍・筆頭者; no other kind")
    func residentRecordLimits() async throws {
        let cities = try TwoCities()
        let p = cities.b.people
        let father = try cities.b.resident(p.father)
        let member = try await cities.issue(try cities.query(.residentRecordCopy, of: p.mother, by: photo(.householdMember, father.name.full),
                                                             requesterBirth: father.birthDate))
        guard case .issued = member else { Issue.record("refused the household member: \(member)"); return }
        func refusals(_ q: WideAreaQuery) async throws -> [RefusalReason] { LawCity.refusals(try await cities.issue(q)) }
        var proxy = photo(.proxy, "代理　人")
        proxy.powerOfAttorney = true
        #expect(try await refusals(try cities.query(.residentRecordCopy, of: p.mother, by: proxy)).contains(.wideAreaInPersonOnly))
        #expect(try await refusals(try cities.query(.residentRecordCopy, of: p.mother, by: person(.thirdParty))).contains(.wideAreaInPersonOnly))
        var twoDocuments = photo(.self)
        twoDocuments.identityDocuments = [.healthInsuranceCard, .pensionBook]
        #expect(try await refusals(try cities.query(.residentRecordCopy, of: p.mother, by: twoDocuments)) == [.wideAreaPhotoIdentityRequired])
        for item in [OptionalItem.permanentDomicile, .individualNumber, .residentRecordCode] {
            #expect(try await refusals(try cities.query(.residentRecordCopy, of: p.mother, by: photo(.self)) { $0.items = [item] })
                == [.wideAreaItemNotPrintable], "\(item)")
        }
        for kind in [CertificateKind.residentRecordExtract, .familyRegisterAnnex, .familyRegisterIndividual, .taxCertificate] {
            #expect(try await refusals(try cities.query(kind, of: p.mother, by: photo(.self))).contains(.wideAreaKindNotAvailable), "\(kind)")
        }
        // Every refusal is in 窓口市's ledger, naming 東窓市, and in 東窓市's record of queries.
        let refused = try await cities.a.db.writer.read { d in try Int.fetchOne(d, sql: "SELECT count(*) FROM ledgerEntry WHERE action = 'refuse'") }
        #expect(refused == 10)
        #expect(try cities.asked().filter { ($0["outcome"] as String?) == "refused" }.count == 10)
    }

    @Test("支援措置 across cities: the other party asking at another city's counter is refused by the keeping city's rules")
    func supportMeasureAcrossCities() async throws {
        let cities = try TwoCities()
        let p = cities.b.people
        let him = try cities.b.resident(p.otherParty)
        let outcome = try await cities.issue(try cities.query(.familyRegisterFull, of: p.otherParty, by: photo(.self)))
        #expect(LawCity.refusals(outcome).first == .supportMeasureOtherParty)
        // Naming his son's record, as the household member he is not, is refused as well.
        let son = try await cities.issue(try cities.query(.residentRecordCopy, of: p.protectedChild, by: photo(.householdMember, him.name.full),
                                                          requesterBirth: him.birthDate))
        #expect(LawCity.refusals(son).first == .supportMeasureOtherParty)
    }

    @Test("戸籍 (戸籍法 §120の2): 本人 and a lineal relative in person get the 全部事項証明; a 除籍 costs 750円; no 個人事項, no proxy")
    func familyRegister() async throws {
        let cities = try TwoCities()
        let p = cities.b.people
        guard case .issued(let own, _) = try await cities.issue(try cities.query(.familyRegisterFull, of: p.father, by: photo(.self))) else {
            Issue.record("refused 本人")
            return
        }
        #expect(own.feeYen == 450)
        let text = try cities.a.printed(.issued(own, holderNotified: false))
        #expect(text.contains("本籍地東窓市"))
        #expect(text.contains("【除籍】"))
        // The grandchild, a resident there, by the registers' tie.
        let grandchild = try cities.b.resident(p.grandchild)
        let lineal = try await cities.issue(try cities.query(.familyRegisterFull, of: p.father, by: photo(.householdMember, grandchild.name.full),
                                                             requesterBirth: grandchild.birthDate))
        guard case .issued = lineal else { Issue.record("refused the grandchild: \(lineal)"); return }
        // The widow, recorded in the 除籍 of her late husband: 750円.
        let widow = try cities.b.resident(p.widow)
        let closed = try await cities.issue(try cities.query(.familyRegisterFull, of: p.deceased, by: photo(.householdMember, widow.name.full),
                                                             requesterBirth: widow.birthDate))
        guard case .issued(let jyoseki, _) = closed else { Issue.record("refused the 除籍: \(closed)"); return }
        #expect(jyoseki.feeYen == 750)
        // Someone with no tie, a proxy, and the 個人事項証明 are refused.
        let stranger = try await cities.issue(try cities.query(.familyRegisterFull, of: p.father, by: photo(.householdMember, "他人　太郎"),
                                                               requesterBirth: CivilDate(year: 1970, month: 1, day: 1)!))
        #expect(LawCity.refusals(stranger) == [.notInFamilyRegister])
        var proxy = photo(.proxy, "代理　人")
        proxy.powerOfAttorney = true
        #expect(LawCity.refusals(try await cities.issue(try cities.query(.familyRegisterFull, of: p.father, by: proxy))).contains(.wideAreaInPersonOnly))
        #expect(LawCity.refusals(try await cities.issue(try cities.query(.familyRegisterIndividual, of: p.father, by: photo(.self))))
            .contains(.wideAreaKindNotAvailable))
    }

    @Test("a retry with the same key returns the first certificate and asks the keeping city once; void and reprint work on it")
    func retryVoidReprint() async throws {
        let cities = try TwoCities()
        let query = try cities.query(.residentRecordCopy, of: cities.b.people.mother, by: photo(.self))
        guard case .issued(let first, _) = try await cities.issue(query, key: "wide-retry-0001"),
            case .issued(let again, _) = try await cities.issue(query, key: "wide-retry-0001")
        else { Issue.record("refused"); return }
        #expect(first.id == again.id)
        #expect(try cities.asked().count == 1)
        let copy = try cities.a.service.reprint(first.id, reason: "紙詰まり")
        #expect(copy.keepingCity == "149829")
        #expect(try cities.a.service.certificate(first.id)?.status == .superseded)
        #expect(try cities.a.service.void(copy.id, reason: "誤交付").status == .voided)
        #expect(try cities.a.service.verifyLedger().isIntact)
        // A key reused for another request is refused.
        var other = query
        other.options.copies = 2
        await #expect(throws: MadoguchiError.self) { _ = try await cities.issue(other, key: "wide-retry-0001") }
    }

    @Test("the keeping city refuses its own city as the asker and a malformed query; the requesting city refuses its own records")
    func malformed() async throws {
        let cities = try TwoCities()
        var query = try cities.query(.residentRecordCopy, of: cities.b.people.mother, by: photo(.self))
        query.requestId = "wide-own-0001"
        await #expect(throws: MadoguchiError.self) { _ = try await cities.wideB.answer(query, from: "149829") }
        await #expect(throws: MadoguchiError.self) { _ = try await cities.wideB.answer(query, from: "14982X") }
        query.requestId = "short"
        await #expect(throws: MadoguchiError.self) { _ = try await cities.wideB.answer(query, from: "149802") }
        await #expect(throws: MadoguchiError.self) {
            _ = try await cities.wideA.issue(query, keepingCity: "149802", idempotencyKey: "wide-self-0001", relay: cities.relay)
        }
        #expect(try cities.asked().isEmpty)
    }
}

@Suite("支援措置の本籍地への転送", .serialized)
struct ForwardedSupportMeasureTests {
    static func number(_ body: String) -> String { body + String(IndividualNumber.checkDigit(for: body.map { Int(String($0))! })) }
    static func code(_ body: String) -> String { body + String(ResidentRecordCode.checkDigit(for: body.map { Int(String($0))! })) }

    /// 系譜 幸子 now lives in 窓口市; her 戸籍 (and its 附票, which records her address) is kept by 東窓市.
    static func mother(in cities: TwoCities) throws -> Int64 {
        let there = try cities.b.resident(cities.b.people.mother)
        return try cities.a.db.registry.write { w in
            let h = try w.insert(Household(
                address: Address(prefecture: "神奈川県", municipality: "窓口市", ward: "北区", town: "新町二丁目", block: "9番9号"),
                formedOn: CivilDate(year: 2026, month: 9, day: 1)!))
            var moved = there
            moved.id = nil
            moved.householdId = h
            moved.relationship = .householder
            moved.individualNumber = Self.number("12345678901")
            moved.residentRecordCode = Self.code("1000000001")
            return try w.insert(moved)
        }
    }

    @Test("支援措置 (住所地→本籍地): the measure is forwarded at each step; at the 本籍地 the other party gets no 附票 or 戸籍 showing her; ended, it stops there too")
    func forwarded() async throws {
        let cities = try TwoCities()
        let sachiko = try Self.mother(in: cities)
        let keepingProcedures = RegistryProcedures(database: cities.b.db, clock: City.clock)
        var relay = DirectRelay(from: "149802", cities: [:])
        relay.registries = ["149829": keepingProcedures]
        let procedures = RegistryProcedures(database: cities.a.db, clock: City.clock, relay: relay)
        let clerk = RegistryProcedures.Actor("clerk-a", facilityId: "chuo-ward-office")
        let applied = try await procedures.applySupportMeasure(subjectId: sachiko, otherPartyName: "加害　者", honsekiCity: "149829", by: clerk)
        #expect(applied.honsekiCity == "149829")
        #expect(!applied.forwardPending)
        // At 東窓市 (本籍地): the other party, by name, asks for the 附票 and the 全部事項証明 of the 戸籍 she is in.
        let p = cities.b.people
        var other = person(.householdMember, name: "加害 者")
        other.kinshipDocuments = true
        #expect(LawCity.refusals(try cities.b.issue(.familyRegisterAnnex, of: p.father, by: other)).first == .supportMeasureOtherParty)
        #expect(LawCity.refusals(try cities.b.issue(.familyRegisterFull, of: p.father, by: other)).first == .supportMeasureOtherParty)
        #expect(LawCity.refusals(try cities.b.issue(.familyRegisterAnnex, of: p.father, by: person(.thirdParty))).contains(.supportMeasureProtected))
        // Her husband, in person, still gets his own 戸籍.
        guard case .issued = try cities.b.issue(.familyRegisterFull, of: p.father, by: person(.self, p.father)) else {
            Issue.record("refused the 筆頭者 his own 戸籍")
            return
        }
        // Ended at 窓口市: the 本籍地 is told, and the protection there ends.
        _ = try await procedures.supportMeasure(applied.measure.id!, .end, reason: "本人の申出", by: clerk)
        guard case .issued = try cities.b.issue(.familyRegisterAnnex, of: p.father, by: other) else {
            Issue.record("still protected after the end")
            return
        }
        let log = try await cities.b.db.writer.read { d in try String.fetchAll(d, sql: "SELECT outcome FROM forwardedSupportMeasureLog ORDER BY id") }
        #expect(log == ["kept", "kept"])
    }

    @Test("a step the relay cannot carry stays pending and goes later; a person not in the 本籍地's 戸籍 is refused and recorded")
    func pendingAndRefused() async throws {
        let cities = try TwoCities()
        let sachiko = try Self.mother(in: cities)
        let keepingProcedures = RegistryProcedures(database: cities.b.db, clock: City.clock)
        let clerk = RegistryProcedures.Actor("clerk-a")
        let offline = RegistryProcedures(database: cities.a.db, clock: City.clock, relay: DirectRelay(from: "149802", cities: [:]))
        let applied = try await offline.applySupportMeasure(subjectId: sachiko, otherPartyName: "加害　者", honsekiCity: "149829", by: clerk)
        #expect(applied.forwardPending, "not carried: pending")
        var relay = DirectRelay(from: "149802", cities: [:])
        relay.registries = ["149829": keepingProcedures]
        let online = RegistryProcedures(database: cities.a.db, clock: City.clock, relay: relay)
        let retried = try await online.forwardPending()
        #expect(retried.sent == 1 && retried.pending == 0)
        // A person the 本籍地 does not keep: refused, and the refusal recorded there.
        let stranger = ForwardedSupportMeasure(
            reference: "77", state: .applied, permanentDomicile: "東窓市どこか1番地", domicileHead: "誰　か", name: "誰　か",
            birthDate: CivilDate(year: 1990, month: 1, day: 1)!, otherPartyName: "加害　者", otherPartyBirthDate: nil,
            termStart: CivilDate(year: 2026, month: 11, day: 24)!, termEnd: CivilDate(year: 2027, month: 11, day: 23)!)
        await #expect(throws: MadoguchiError.self) { try await keepingProcedures.receiveForwarded(stranger, from: "149802") }
        let outcomes = try await cities.b.db.writer.read { d in try String.fetchAll(d, sql: "SELECT outcome FROM forwardedSupportMeasureLog ORDER BY id") }
        #expect(outcomes == ["kept", "refused"])
        // Without a 本籍 on record the measure cannot name a 本籍地.
        let widow = try cities.a.resident(cities.a.people.widow)
        let noDomicile = try cities.a.db.registry.write { w -> Int64 in
            var r = widow
            r.id = nil
            r.permanentDomicile = nil
            r.domicileHead = nil
            r.individualNumber = Self.number("23456789012")
            r.residentRecordCode = Self.code("2000000001")
            return try w.insert(r)
        }
        #expect(await CardAuthenticationTests.errorCode {
            _ = try await online.applySupportMeasure(subjectId: noDomicile, otherPartyName: "誰か", honsekiCity: "149829", by: clerk)
        } == "procedure.invalid")
    }
}

/// Issue 12, item 2: a 本籍地 does not take the hub's word for a card it did not issue. At every card step (store
/// kiosk and `/my`), it asks the card's own city over the relay, and refuses when that city says no or cannot be asked.
@Suite("本籍地のカード確認（発行元に問い合わせる）")
struct ForeignCardTests {
    struct Failing: WideAreaRelay {
        func ask(_ query: WideAreaQuery, city: String) async throws -> WideAreaAnswer { throw Self.down }
        func forward(_ measure: ForwardedSupportMeasure, city: String) async throws { throw Self.down }
        func cardStatus(serial: String, city: String) async throws -> RelayedCardStatus { throw Self.down }
        static let down = MadoguchiError(.wideAreaUnavailable, ja: "中継に接続できません", en: "Relay down")
    }

    @Test("hostile: a card revoked by its own city is refused at the 本籍地's kiosk and resident page, even with no hub in between; no relay, no card")
    func honsekiChecksTheCardCity() async throws {
        let cities = try TwoCities()
        let now = MadoguchiClock.parse("2026-11-24T10:00:00+09:00")!.now()
        let at = LedgerRecord.timestamp(now)
        // 窓口市 (A) issues the card; 東窓市 (B) keeps the holder's 戸籍 and registers the card for it.
        let holderA = cities.a.people.mother
        var card = try await cities.a.db.writer.write { db in try Cards.issue(db, residentId: holderA, pin: "1234", now: now, keys: cities.a.db.keys) }
        let authority = try await cities.a.db.writer.write { db in try Cards.authority(db, at: at, now: now, keys: cities.a.db.keys).certificatePEM }
        let recordB = try #require(try await cities.b.db.writer.read { db in
            try Int64.fetchOne(db, sql: "SELECT residentId FROM familyRegisterMember WHERE residentId IS NOT NULL ORDER BY residentId LIMIT 1")
        })
        let cardPEM = card.certificatePEM
        _ = try await cities.b.db.writer.write { db in
            try Honseki.register(GRDBSession(db: db), residentId: recordB, cardCertificatePEM: cardPEM, authorityPEM: authority, cardCityCode: "149802", at: at)
        }
        let clock = MadoguchiClock.parse("2026-11-24T10:00:00+09:00")!
        let relay = DirectRelay(from: "149829", cities: ["149802": cities.wideA])
        func kiosk(_ relay: (any WideAreaRelay)?) -> KioskService {
            KioskService(issuance: IssuanceService(database: cities.b.db, clock: clock), relay: relay)
        }
        func cardStep(_ service: KioskService, _ requestId: String) async throws -> KioskSessionView {
            let started = try await service.start(requestId: requestId, chain: "セブン", store: "S-001")
            let challenge = try #require(CardChallenge(encoded: started.challenge ?? ""))
            let signature = try card.sign(challenge: challenge.bytes, pin: "1234")
            return try await service.authenticate(requestId: requestId, certificatePEM: cardPEM, signature: signature)
        }
        func signIn(_ relay: (any WideAreaRelay)?) async throws {
            let portal = ResidentPortal(database: cities.b.db, clock: clock, relay: relay)
            let (id, challenge) = try await portal.challenge()
            let signature = try card.sign(challenge: challenge.bytes, pin: "1234")
            _ = try await portal.signIn(challengeId: id, certificatePEM: cardPEM, signature: signature)
        }

        // Good at its own city: the 本籍地 lets it in.
        #expect(try await cardStep(kiosk(relay), "req-honseki-1").state == .authenticated)
        try await signIn(relay)
        // The card's city cannot be asked: refused, not let through.
        for unreachable in [nil, Failing()] as [(any WideAreaRelay)?] {
            #expect(await code { _ = try await cardStep(kiosk(unreachable), "req-honseki-\(UUID().uuidString.prefix(8))") } == "card.statusUnavailable")
            #expect(await code { try await signIn(unreachable) } == "card.statusUnavailable")
        }
        // This city's own cards need no relay.
        var own = try await cities.b.db.writer.write { db in try Cards.issue(db, residentId: recordB, pin: "1234", now: now, keys: cities.b.db.keys) }
        let ownStarted = try await kiosk(nil).start(requestId: "req-own-card-1", chain: "セブン", store: "S-001")
        let ownSignature = try own.sign(challenge: try #require(CardChallenge(encoded: ownStarted.challenge ?? "")).bytes, pin: "1234")
        #expect(try await kiosk(nil).authenticate(requestId: "req-own-card-1", certificatePEM: own.certificatePEM, signature: ownSignature).state == .authenticated)

        // Revoked where it was issued: the 本籍地 itself refuses it, at the kiosk and at /my.
        let serial = card.serial
        try await cities.a.db.writer.write { db in try Cards.revoke(GRDBSession(db: db), serial: serial, reason: .keyCompromise, at: at) }
        #expect(await code { _ = try await cardStep(kiosk(relay), "req-honseki-2") } == "card.revoked")
        #expect(await code { try await signIn(relay) } == "card.revoked")
        #expect(try await cities.b.db.writer.read { db in
            try Int.fetchOne(db, sql: "SELECT count(*) FROM kioskSession WHERE requestId = 'req-honseki-2' AND state = 'started'")
        } == 1)
    }
}
