import Foundation
import GRDB
import MadoguchiPKI
import MadoguchiTestSupport
import Testing

@testable import MadoguchiDemo
@testable import MadoguchiDomain
@testable import MadoguchiIssuance
@testable import MadoguchiStore

/// The law's cases (`DemoScenarios`) through the whole use case, each printed document read back with pdftotext:
/// what must not be printed is absent from the paper.
struct LawCity {
    let db: MadoguchiDatabase
    let service: IssuanceService
    let people: DemoScenarios.People
    static let today = CivilDate(year: 2026, month: 11, day: 24)!

    init(residents: Int = 0, code: String = "149802", name: String = "窓口市") throws {
        db = try MadoguchiDatabase.inMemory()
        if residents > 0 {
            _ = try DemoCityGenerator.generate(into: db, options: .init(residents: residents, seed: 5))
        } else {
            try db.registry.write { w in
                try w.setMeta("city.name", name)
                try w.setMeta("city.code", code)
                try w.upsert(Facility(
                    id: "chuo-ward-office", kind: .wardOffice, name: "\(name)中央区役所", ward: "中央区",
                    address: Address(prefecture: "神奈川県", municipality: name, ward: "中央区", town: "本町一丁目", block: "1番1号"),
                    openedOn: CivilDate(year: 1972, month: 4, day: 1)!))
            }
        }
        people = try DemoScenarios.add(into: db, asOf: Self.today)
        service = IssuanceService(database: db, clock: City.clock)
    }

    func issue(
        _ kind: CertificateKind, of subject: Int64, by requester: Requester, channel: Channel = .counter,
        _ change: (inout CertificateOptions) -> Void = { _ in }
    ) throws -> IssuanceOutcome {
        var options = CertificateOptions()
        change(&options)
        return try service.issue(.init(kind: kind, subjectId: subject, requester: requester, channel: channel, options: options))
    }

    /// The printed text of an issued certificate, or nil (with the refusals) when refused.
    func printed(_ outcome: IssuanceOutcome) throws -> String {
        guard case .issued(let certificate, _) = outcome else {
            throw MadoguchiError(.notFound, ja: "不交付", en: "refused: \(outcome)")
        }
        let (_, pdf) = try service.document(certificate.id)
        let url = try Poppler.write(pdf)
        defer { try? FileManager.default.removeItem(at: url) }
        return Poppler.compact(try Poppler.text(url))
    }

    func resident(_ id: Int64) throws -> Resident {
        try #require(try db.registry.detail(id: id, on: Self.today)).resident
    }

    static func refusals(_ outcome: IssuanceOutcome) -> [RefusalReason] {
        if case .refused(let reasons, _) = outcome { return reasons }
        return []
    }
}

func person(_ cls: RequesterClass, _ id: Int64? = nil, name: String? = nil) -> Requester {
    switch cls {
    case .thirdParty:
        Requester(.thirdParty, residentId: id, name: name ?? "債権　太郎", identityDocuments: [.driversLicense],
                  reason: "貸金返還請求訴訟の提起のため", supportingDocuments: true)
    case .proxy:
        Requester(.proxy, residentId: id, name: name ?? "代理　花子", identityDocuments: [.passport], powerOfAttorney: true)
    default:
        Requester(cls, residentId: id, name: name, identityDocuments: [.myNumberCard], sealCardPresented: true)
    }
}

@Suite("誰に何を見せるか（交付からPDFまで）", .serialized)
struct WhoSeesWhatIssuanceTests {
    @Test("支援措置: the other party is refused the 附票 of his own 戸籍, which records the protected wife's new address; the ledger keeps the refusal")
    func otherPartyOwnAnnex() throws {
        // Given 守田 剛, whose wife 花子 (protected against him) is still recorded in his 戸籍.
        let city = try LawCity()
        let p = city.people
        let before = try city.service.verifyLedger().entries
        // When he asks for the 附票 of his own 戸籍, as 本人, at the counter.
        let outcome = try city.issue(.familyRegisterAnnex, of: p.otherParty, by: person(.self, p.otherParty))
        // Then it is refused as the other party, and only the refusal is recorded.
        #expect(LawCity.refusals(outcome).first == .supportMeasureOtherParty)
        #expect(try city.service.verifyLedger().entries == before + 1)
        #expect(try city.db.writer.read { d in try Int.fetchOne(d, sql: "SELECT count(*) FROM certificate") } == 0)
        // And the 全部事項証明 of the same 戸籍, and his son's 住民票 as a third party.
        #expect(LawCity.refusals(try city.issue(.familyRegisterFull, of: p.otherParty, by: person(.self, p.otherParty))).first
            == .supportMeasureOtherParty)
        #expect(LawCity.refusals(try city.issue(.residentRecordCopy, of: p.protectedChild, by: person(.thirdParty, p.otherParty))).first
            == .supportMeasureOtherParty)
        // By name alone too (a proxy form with his name on it).
        #expect(LawCity.refusals(try city.issue(.residentRecordCopy, of: p.protectedChild, by: person(.proxy, name: "守田 剛"))).first
            == .supportMeasureOtherParty)
    }

    @Test("支援措置: his own 個人事項証明 and 住民票 print, and neither holds the protected address")
    func otherPartyOwnRecords() throws {
        let city = try LawCity()
        let p = city.people
        for kind in [CertificateKind.familyRegisterIndividual, .residentRecordCopy] {
            let text = try city.printed(try city.issue(kind, of: p.otherParty, by: person(.self, p.otherParty)))
            #expect(text.contains("守田") && text.contains("剛"))
            #expect(!text.contains("港町"), "\(kind) printed the protected address")
            #expect(!text.contains("花子"))
        }
    }

    @Test("支援措置: a proxy and a postal request for the protected person are refused; she, in person, gets hers")
    func protectedInPerson() throws {
        let city = try LawCity()
        let p = city.people
        #expect(LawCity.refusals(try city.issue(.residentRecordCopy, of: p.protected, by: person(.proxy))) == [.supportMeasureInPersonOnly])
        #expect(LawCity.refusals(try city.issue(.residentRecordCopy, of: p.protected, by: person(.self, p.protected), channel: .post))
            == [.supportMeasureInPersonOnly])
        let text = try city.printed(try city.issue(.residentRecordCopy, of: p.protected, by: person(.self, p.protected)))
        #expect(text.contains("港町五丁目"))
    }

    @Test("除票 (住基法 §15の4): the wife who stayed is refused as a household member; as a third party she gets the basic items, no 転出先; he gets his with it")
    func removedRecord() throws {
        let city = try LawCity()
        let p = city.people
        #expect(LawCity.refusals(try city.issue(.removedRecord, of: p.movedOut, by: person(.householdMember, p.movedOutSpouse)))
            == [.removedRecordThirdPartyOnly])
        let basic = try city.printed(try city.issue(.removedRecord, of: p.movedOut, by: person(.thirdParty, p.movedOutSpouse)))
        #expect(basic.contains("移川") && basic.contains("桜町三丁目") && basic.contains("転出"))
        #expect(!basic.contains("霞が関"), "the 転出先 printed for a third party")
        #expect(!basic.contains("住民となった年月日"))
        let own = try city.printed(try city.issue(.removedRecord, of: p.movedOut, by: person(.self, p.movedOut)))
        #expect(own.contains("霞が関一丁目"))
        #expect(own.contains("住民となった年月日"))
    }

    @Test("死亡 (番号法 §19): a deceased person's 個人番号 and 住民票コード are refused to everyone; the 除票 an heir gets holds neither")
    func deceased() throws {
        let city = try LawCity()
        let p = city.people
        let dead = try city.resident(p.deceased)
        for (cls, channel) in [(RequesterClass.thirdParty, Channel.counter), (.proxy, .post), (.government, .counter)] {
            var requester = person(cls, p.widow)
            if cls == .government { requester = Requester(.government, name: "年金事務所", agency: "日本年金機構", officialForm: true) }
            let outcome = try city.issue(.removedRecord, of: p.deceased, by: requester, channel: channel) {
                $0.items = [.individualNumber, .residentRecordCode]
            }
            #expect(LawCity.refusals(outcome).contains(.identifiersOfDeceased), "\(cls): \(outcome)")
        }
        #expect(LawCity.refusals(try city.issue(.removedRecord, of: p.deceased, by: person(.proxy), channel: .post))
            == [.mandateEndedByDeath])
        let text = try city.printed(try city.issue(.removedRecord, of: p.deceased, by: person(.thirdParty, p.widow)))
        #expect(text.contains("故山") && text.contains("死亡"))
        #expect(!text.contains(dead.individualNumber))
        #expect(!text.contains(dead.residentRecordCode))
    }

    @Test("本人: a request as 本人 that names no resident, or another, is refused and nothing is issued")
    func selfMustMatch() throws {
        let city = try LawCity()
        let p = city.people
        for named in [nil, p.widow] {
            let outcome = try city.issue(.residentRecordCopy, of: p.mother, by: person(.self, named)) { $0.items = [.individualNumber] }
            #expect(LawCity.refusals(outcome) == [.selfNotSubject])
        }
    }

    @Test("住民票 (住基法 §12⑤, §12の3⑦): a third party's copy holds 氏名・生年月日・性別・住所 only; 世帯主 and 続柄 only when asked for")
    func thirdPartyBasic() throws {
        let city = try LawCity()
        let p = city.people
        let text = try city.printed(try city.issue(.residentRecordCopy, of: p.mother, by: person(.thirdParty)))
        #expect(text.contains("幸子") && text.contains("松原一丁目"))
        for absent in ["世帯主", "続柄", "住民となった年月日", "本籍", "個人番号"] { #expect(!text.contains(absent), "\(absent)") }
        let own = try city.printed(try city.issue(.residentRecordCopy, of: p.mother, by: person(.self, p.mother)))
        #expect(!own.contains("世帯主"))
        let asked = try city.printed(try city.issue(.residentRecordCopy, of: p.mother, by: person(.self, p.mother)) { $0.items = [.relationship] })
        #expect(asked.contains("世帯主") && asked.contains("一男"))
    }

    @Test("戸籍の附票 (住基法 §17, §20): 生年月日・性別 printed; 本籍・筆頭者 only when asked for")
    func annex() throws {
        let city = try LawCity()
        let p = city.people
        let plain = try city.printed(try city.issue(.familyRegisterAnnex, of: p.protected, by: person(.self, p.protected)))
        #expect(plain.contains("港町五丁目") && plain.contains("生年月日"))
        #expect(!plain.contains("本籍") && !plain.contains("本町一丁目2番地"))
        let asked = try city.printed(try city.issue(.familyRegisterAnnex, of: p.protected, by: person(.self, p.protected)) {
            $0.items = [.permanentDomicile]
        })
        #expect(asked.contains("本籍") && asked.contains("本町一丁目2番地") && asked.contains("筆頭者"))
    }

    @Test("戸籍 (戸籍法 §10①): the grandchild and the son-in-law obtain the parents' 戸籍 from the registers' ties; it prints 父母, 続柄 and 【除籍】; a stranger is refused")
    func registerKin() throws {
        let city = try LawCity()
        let p = city.people
        for requester in [p.grandchild, p.sonInLaw, p.daughter] {
            let outcome = try city.issue(.familyRegisterFull, of: p.father, by: person(.householdMember, requester))
            guard case .issued = outcome else { Issue.record("refused to \(requester): \(outcome)"); continue }
        }
        let text = try city.printed(try city.issue(.familyRegisterFull, of: p.father, by: person(.householdMember, p.grandchild)))
        #expect(text.contains("【除籍】"))
        #expect(text.contains("父") && text.contains("母") && text.contains("長女") && text.contains("系譜一男"))
        #expect(LawCity.refusals(try city.issue(.familyRegisterFull, of: p.father, by: person(.householdMember, p.widow)))
            == [.notInFamilyRegister])
        var documented = person(.householdMember, name: "系譜　祖父")
        documented.kinshipDocuments = true
        guard case .issued = try city.issue(.familyRegisterFull, of: p.father, by: documented) else {
            Issue.record("a lineal relative with the 戸籍 that shows it is refused")
            return
        }
    }

    @Test("本人通知: when a third party obtains the parents' 戸籍, the registered mother is notified; her husband is not registered")
    func holderNotification() throws {
        let city = try LawCity()
        let p = city.people
        guard case .issued(let certificate, let notified) = try city.issue(.familyRegisterFull, of: p.father, by: person(.thirdParty)) else {
            Issue.record("refused")
            return
        }
        #expect(notified)
        let told = try city.db.writer.read { d in
            try Int64.fetchAll(d, sql: "SELECT residentId FROM holderNotification WHERE certificateId = ?", arguments: [certificate.id])
        }
        #expect(told == [p.mother])
        // The 本人等 (her grandson) is not notified.
        guard case .issued(_, let grandson) = try city.issue(.familyRegisterFull, of: p.father, by: person(.householdMember, p.grandchild)) else {
            Issue.record("refused")
            return
        }
        #expect(!grandson)
    }
}

@Suite("誰に何を見せるか（無作為の請求）", .serialized)
struct WhoSeesWhatPropertyTests {
    /// For random requests over a seeded city (its own 支援措置, deaths and moves, and the law's cases), no issued
    /// document shows a protected person's address or name to their other party, and none prints a deceased person's
    /// 個人番号 or 住民票コード. Requests are biased towards the dangerous ones: other parties asking about the people
    /// near those they are kept from, and identifiers asked for the dead.
    @Test("no issued document shows a protected person to their other party, and none prints a deceased person's 個人番号")
    func randomRequests() throws {
        let city = try LawCity(residents: 1_200)
        struct Measure { var protected: Int64; var otherId: Int64?; var otherName: String; var address: String; var name: String }
        let (measures, deceased, residents, relatives) = try city.db.writer.read { d -> ([Measure], [Int64: (String, String)], [Int64], [Int64: [Int64]]) in
            let measures = try Row.fetchAll(d, sql: """
                SELECT m.subjectId, m.otherPartyResidentId, m.otherPartyName, r.familyName, r.givenName,
                  h.prefecture || h.municipality || h.ward || h.town || h.block AS address
                FROM supportMeasure m JOIN resident r ON r.id = m.subjectId JOIN household h ON h.id = r.householdId
                WHERE m.termStart <= '2026-11-24' AND m.termEnd >= '2026-11-24'
                """).map {
                    Measure(protected: $0["subjectId"], otherId: $0["otherPartyResidentId"], otherName: $0["otherPartyName"],
                            address: $0["address"], name: ($0["familyName"] as String) + "　" + ($0["givenName"] as String))
                }
            let deceased = try Row.fetchAll(d, sql: "SELECT id, individualNumber, residentRecordCode FROM resident WHERE removalReason = 'died'")
                .reduce(into: [Int64: (String, String)]()) { $0[$1["id"]] = ($1["individualNumber"], $1["residentRecordCode"]) }
            let residents = try Int64.fetchAll(d, sql: "SELECT id FROM resident ORDER BY id")
            // Everyone near each protected person: the household and the 戸籍.
            var relatives: [Int64: [Int64]] = [:]
            for m in measures {
                relatives[m.protected] = try Int64.fetchAll(d, sql: """
                    SELECT id FROM resident WHERE householdId = (SELECT householdId FROM resident WHERE id = ?)
                    UNION SELECT residentId FROM familyRegisterMember WHERE residentId IS NOT NULL AND familyRegisterId IN
                      (SELECT familyRegisterId FROM familyRegisterMember WHERE residentId = ?)
                    """, arguments: [m.protected, m.protected])
            }
            return (measures, deceased, residents, relatives)
        }
        #expect(measures.count >= 2, "the city has 支援措置 to test")
        #expect(deceased.count >= 2, "the city has deceased persons to test")
        var random = DemoRandom(seed: 20_261_124)
        var issued = 0
        var dangerous = 0
        for n in 0..<2_000 {
            let kind = random.pick(CertificateKind.allCases)
            let cls = random.pick(RequesterClass.allCases)
            var subject = random.pick(residents)
            var requesterId: Int64? = random.chance(0.5) ? random.pick(residents) : nil
            var requesterName: String? = nil
            var items = Set(OptionalItem.allCases.filter { _ in random.chance(0.2) })
            var channel = Channel.counter
            if random.chance(0.1) { channel = .post }
            if random.chance(0.1) { channel = .kiosk }
            let roll = random.int(0...9)
            if roll < 4, let m = measures.isEmpty ? nil : random.pick(measures) {
                // An other party, by record or by name, about someone near the person they are kept from.
                subject = random.pick(relatives[m.protected] ?? [m.protected])
                if let id = m.otherId, random.chance(0.6) { requesterId = id } else { requesterName = m.otherName }
                dangerous += 1
            } else if roll < 7, !deceased.isEmpty {
                subject = random.pick(Array(deceased.keys))
                items.formUnion([.individualNumber, .residentRecordCode].filter { _ in random.chance(0.7) })
                dangerous += 1
            }
            if cls == .self && random.chance(0.7) { requesterId = subject }
            var requester = Requester(
                cls, residentId: requesterId, name: requesterName ?? (cls == .self ? nil : "請求　者\(n)"),
                identityDocuments: cls == .professional ? [.professionalLicense] : [.driversLicense], powerOfAttorney: true,
                sealCardPresented: true, reason: "権利行使のため", supportingDocuments: true,
                profession: cls == .professional ? .judicialScrivener : nil, professionalForm: true, agency: "窓口県", officialForm: true,
                statedNeed: random.chance(0.5) ? "必要" : nil, kinshipDocuments: random.chance(0.3))
            if cls == .householdMember && requesterId == nil { requester.residentId = random.pick(residents) }
            var options = CertificateOptions(items: items, fiscalYear: kind == .taxCertificate ? FiscalYear(2026) : nil)
            if random.chance(0.4) { options.scope = .household }
            let outcome = try city.service.issue(.init(kind: kind, subjectId: subject, requester: requester, channel: channel, options: options))
            guard case .issued(let certificate, _) = outcome else { continue }
            issued += 1
            let json = String(decoding: try certificate.content.canonicalJSON(), as: UTF8.self)
            // No deceased person's identifiers, whoever the document is about.
            for (id, (number, code)) in deceased {
                #expect(!json.contains(number) && !json.contains(code), "request \(n) printed the identifiers of deceased \(id)")
            }
            // No protected person shown to their other party.
            let names = [requester.name, requester.residentId.flatMap { try? city.resident($0).name.full }].compactMap { $0 }
                .map(NameFolding.searchKey)
            for m in measures {
                let isOther = (m.otherId != nil && m.otherId == requester.residentId) || names.contains(NameFolding.searchKey(m.otherName))
                guard isOther else { continue }
                #expect(!certificate.content.persons.contains { $0.residentId == m.protected }, "request \(n) printed \(m.name) to the other party")
                #expect(!json.contains(m.address.replacingOccurrences(of: " ", with: "")), "request \(n) printed \(m.name)'s address")
                #expect(!(certificate.content.annex ?? []).contains { $0.name == m.name }, "request \(n) printed \(m.name)'s 附票")
            }
        }
        #expect(dangerous > 800)
        #expect(issued > 100, "random requests should issue some documents: \(issued)")
    }
}

@Suite("誰に何を見せるか（コンビニ交付）", .serialized)
struct WhoSeesWhatKioskTests {
    /// The law's cases at a store kiosk: the card holder is the requester.
    struct Store {
        let city: LawCity
        let time = SteppingClock("2026-11-24T10:00:00+09:00")
        let kiosk: KioskService

        init() throws {
            city = try LawCity()
            kiosk = KioskService(issuance: IssuanceService(database: city.db, clock: time.clock))
        }

        func card(_ resident: Int64) throws -> SoftwareCard {
            let now = time.clock.now()
            return try city.db.writer.write { db in try Cards.issue(db, residentId: resident, pin: "1234", now: now, keys: city.db.keys) }
        }

        func quote(_ requestId: String, _ card: inout SoftwareCard, _ kind: CertificateKind) async throws -> EligibilityDecision {
            let started = try await kiosk.start(requestId: requestId, chain: "セブン", store: "S-001")
            let text = try #require(started.challenge)
            let challenge = try #require(Base64URL.decode(text))
            let signature = try card.sign(challenge: challenge, pin: "1234")
            let view = try await kiosk.authenticate(requestId: requestId, certificatePEM: card.certificatePEM, signature: signature)
            return try await kiosk.quote(
                requestId: requestId, cardSerial: card.serial, sessionSecret: view.sessionSecret, order: .init(kind: kind, copies: 1)).0
        }
    }

    @Test("支援措置 at a store: the other party's card prints his own 住民票 but not the 附票 of his 戸籍; the protected person's card prints nothing")
    func supportMeasureAtKiosk() async throws {
        let store = try Store()
        let p = store.city.people
        var his = try store.card(p.otherParty)
        #expect(try await store.quote("req-dv-000001", &his, .residentRecordCopy).isApproved)
        #expect(try await store.quote("req-dv-000002", &his, .familyRegisterAnnex).refusals.first == .supportMeasureOtherParty)
        #expect(try await store.quote("req-dv-000003", &his, .familyRegisterFull).refusals.first == .supportMeasureOtherParty)
        var hers = try store.card(p.protected)
        #expect(try await store.quote("req-dv-000004", &hers, .residentRecordCopy).refusals == [.supportMeasureSubjectUnattended])
    }

    @Test("死亡 at a store: the card of a person who dies is revoked, so the city refuses it at the card step")
    func deathStopsTheCard() async throws {
        let store = try Store()
        let p = store.city.people
        var card = try store.card(p.mother)
        #expect(try await store.quote("req-death-0001", &card, .residentRecordCopy).isApproved)
        try store.city.db.registry.write { w in
            try w.remove(RemovedRecord(residentId: p.mother, reason: .died, removedOn: LawCity.today))
        }
        let code = await CardAuthenticationTests.errorCode {
            _ = try await store.quote("req-death-0002", &card, .taxCertificate)
        }
        #expect(code == "card.revoked")
    }
}
