import Foundation
import GRDB
import MadoguchiTestSupport
import Testing

@testable import MadoguchiDemo
@testable import MadoguchiDomain
@testable import MadoguchiIssuance
@testable import MadoguchiStore

/// Cities wired to each other directly, as the relay does, with the requesting city's code vouched for.
struct DirectRelay: WideAreaRelay {
    let from: String
    let cities: [String: WideAreaService]

    func ask(_ query: WideAreaQuery, city: String) async throws -> WideAreaAnswer {
        guard let keeping = cities[city] else {
            throw MadoguchiError(.wideAreaUnavailable, ja: "接続先がありません", en: "No such city \(city)")
        }
        return try await keeping.answer(query, from: from)
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
