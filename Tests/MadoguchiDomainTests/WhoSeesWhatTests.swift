import Testing

@testable import MadoguchiDomain

/// Who sees what, rule by rule, each test named after its rule and article. Given the scenario's subject (100) with
/// their household (100, 101, 102) and their 戸籍 (100, 101), when a requester asks, then the decision is the law's.
@Suite("誰に何を見せるか（条文ごと）")
struct WhoSeesWhatTests {
    typealias S = Scenario

    func decide(_ request: CertificateRequest, _ facts: SubjectFacts = S.facts()) -> EligibilityDecision {
        Eligibility.evaluate(request, facts: facts)
    }

    // MARK: 支援措置 (住民基本台帳事務処理要領 第5-10)

    @Test("支援措置: the other party is refused a certificate that shows a protected household member, though about someone else",
          arguments: [CertificateKind.residentRecordCopy, .residentRecordExtract, .sealRegistrationCertificate, .taxCertificate])
    func otherPartyRefusedForHouseholdOfProtected(kind: CertificateKind) {
        // Given: 102 lives with the subject and is protected against the abuser.
        let facts = S.facts { $0.protections = [S.protect(102)] }
        // When: the abuser asks, as a third party, for the subject's own certificate (which prints the shared address).
        let request = S.request(kind, .thirdParty) {
            $0.requester.residentId = S.abuser
            $0.options.scope = .individual
        }
        // Then: refused as the other party, first.
        #expect(decide(request, facts).refusals.first == .supportMeasureOtherParty)
    }

    @Test("支援措置: the other party is refused the 附票 and the 全部事項証明 of their own 戸籍 when a protected person is recorded in it")
    func otherPartyRefusedOwnRegister() {
        // Given: the abuser is the subject; their spouse 101 is recorded in the same 戸籍 and protected against them.
        let facts = S.facts {
            $0.residentId = S.abuser
            $0.householdMemberIds = [S.abuser]
            $0.familyRegisterMemberIds = [S.abuser, 101]
            $0.protections = [S.protect(101)]
        }
        func own(_ kind: CertificateKind) -> CertificateRequest {
            S.request(kind, .self) {
                $0.subjectId = S.abuser
                $0.requester.residentId = S.abuser
            }
        }
        #expect(decide(own(.familyRegisterAnnex), facts).refusals.first == .supportMeasureOtherParty)
        #expect(decide(own(.familyRegisterFull), facts).refusals.first == .supportMeasureOtherParty)
        // Their own 個人事項証明 and 住民票 show only themselves: issued.
        #expect(decide(own(.familyRegisterIndividual), facts).isApproved)
        #expect(decide(own(.residentRecordCopy), facts).isApproved)
    }

    @Test("支援措置: the other party is recognised by their own record's name when the 申出 named no 住民票 (kiosk included)",
          arguments: Channel.allCases)
    func otherPartyByRecordName(channel: Channel) {
        let facts = S.facts {
            $0.protections = [Protection(protectedId: 101, otherPartyName: "髙橋　一郎")]
            $0.requester = RequesterFacts(residentId: 102, name: "高橋　一郎", birthDate: CivilDate(year: 1970, month: 1, day: 1)!)
        }
        let request = S.request(.residentRecordCopy, .householdMember, channel: channel) { $0.requester.residentId = 102 }
        #expect(decide(request, facts).refusals.first == .supportMeasureOtherParty)
    }

    @Test("支援措置: proxy and postal requests for a certificate that shows a protected person are refused; the person applies in person")
    func protectedInPersonOnly() {
        let facts = S.facts { $0.protections = [S.protect()] }
        #expect(decide(S.request(.residentRecordCopy, .proxy), facts).refusals == [.supportMeasureInPersonOnly])
        #expect(decide(S.request(.residentRecordCopy, .self, channel: .post), facts).refusals == [.supportMeasureInPersonOnly])
        #expect(decide(S.request(.familyRegisterFull, .proxy), facts).refusals == [.supportMeasureInPersonOnly])
        // A housemate's proxy would learn the same address: refused too.
        let housemate = S.facts { $0.protections = [S.protect(102)] }
        #expect(decide(S.request(.residentRecordCopy, .proxy), housemate).refusals == [.supportMeasureInPersonOnly])
        // The person, in person, at the counter: issued.
        #expect(decide(S.request(.residentRecordCopy, .self), facts).isApproved)
    }

    @Test("支援措置: a third party or professional never obtains a certificate that shows a protected person")
    func protectedNoThirdParty() {
        let facts = S.facts { $0.protections = [S.protect(101)] }
        #expect(decide(S.request(.familyRegisterFull, .thirdParty), facts).refusals.contains(.supportMeasureProtected))
        #expect(decide(S.request(.familyRegisterAnnex, .professional), facts).refusals.contains(.supportMeasureProtected))
        #expect(decide(S.request(.residentRecordCopy, .professional), facts).refusals.contains(.supportMeasureProtected))
        // The subject's own 個人事項証明 does not show 101.
        #expect(decide(S.request(.familyRegisterIndividual, .thirdParty), facts).isApproved)
    }

    @Test("支援措置: a kiosk prints nothing that shows a protected person; the card holder's own record alone still prints")
    func protectedNotAtKiosk() {
        let facts = S.facts { $0.protections = [S.protect(102)] }
        let household = S.request(.residentRecordCopy, .self, channel: .kiosk) { $0.options.scope = .household }
        #expect(decide(household, facts).refusals == [.supportMeasureSubjectUnattended])
        #expect(decide(S.request(.residentRecordCopy, .self, channel: .kiosk), facts).isApproved)
    }

    // MARK: 除票 (住基法 §15の4)

    @Test("除票の写し (住基法 §15の4): 本人 and a proxy with 委任状 without a reason; a former household member only as a third party")
    func removedRecordWho() {
        let facts = S.facts { $0.removal = .movedOut }
        #expect(decide(S.request(.removedRecord, .self), facts).isApproved)
        #expect(decide(S.request(.removedRecord, .proxy), facts).isApproved)
        #expect(decide(S.request(.removedRecord, .proxy) { $0.requester.powerOfAttorney = false }, facts).refusals
            == [.powerOfAttorneyRequired])
        #expect(decide(S.request(.removedRecord, .householdMember), facts).refusals == [.removedRecordThirdPartyOnly])
        // The same person as a third party, with a reason and documents: the basic items only.
        let asThirdParty = decide(S.request(.removedRecord, .thirdParty) { $0.requester.residentId = S.spouse }, facts)
        #expect(asThirdParty.isApproved)
        #expect(asThirdParty.basicItemsOnly)
        #expect(decide(S.request(.removedRecord, .thirdParty) { $0.requester.reason = nil }, facts).refusals == [.reasonRequired])
    }

    // MARK: 死亡 (番号法 §19, 民法 §653)

    @Test("死亡: a deceased person's 個人番号 and 住民票コード are never printed, for anyone, by any channel",
          arguments: RequesterClass.allCases, [Channel.counter, .post])
    func deceasedIdentifiers(cls: RequesterClass, channel: Channel) {
        let facts = S.facts { $0.removal = .died }
        for item in [OptionalItem.individualNumber, .residentRecordCode] {
            let request = S.request(.removedRecord, cls, channel: channel) { $0.options.items = [item] }
            let decision = decide(request, facts)
            #expect(!decision.isApproved)
            #expect(decision.refusals.contains(.identifiersOfDeceased), "\(cls) \(channel) \(item): \(decision.refusals)")
        }
    }

    @Test("死亡 (民法 §653): a proxy's mandate ended with the death; heirs ask as third parties")
    func proxyForDeceased() {
        let facts = S.facts { $0.removal = .died }
        #expect(decide(S.request(.removedRecord, .proxy, channel: .post), facts).refusals == [.mandateEndedByDeath])
        #expect(decide(S.request(.removedRecord, .thirdParty), facts).isApproved)
    }

    // MARK: 本人

    @Test("本人: a request as 本人 must name and match the subject; one that does not is refused, never issued",
          arguments: [nil, Scenario.spouse, Scenario.stranger])
    func selfMustBeSubject(named: Int64?) {
        let decision = decide(S.request(.residentRecordCopy, .self) {
            $0.requester.residentId = named
            $0.options.items = [.individualNumber]
        })
        #expect(decision.refusals.first == .selfNotSubject)
        #expect(decision.fee == nil)
    }

    // MARK: 住民票 (住基法 §12⑤, §12の3⑦)

    @Test("住民票 (住基法 §12の3⑦): a third party gets the basic items; more only with a stated need; never the identifiers")
    func thirdPartyBasicItems() {
        let plain = decide(S.request(.residentRecordCopy, .thirdParty))
        #expect(plain.isApproved)
        #expect(plain.basicItemsOnly)
        #expect(decide(S.request(.residentRecordCopy, .thirdParty) { $0.options.items = [.relationship] }).refusals
            == [.statedNeedRequired])
        let stated = decide(S.request(.residentRecordCopy, .thirdParty) {
            $0.options.items = [.relationship, .permanentDomicile]
            $0.requester.statedNeed = "相続登記に本籍の記載が必要"
        })
        #expect(stated.isApproved)
        #expect(!stated.basicItemsOnly)
        #expect(stated.printedItems == [.relationship, .permanentDomicile])
        #expect(decide(S.request(.residentRecordCopy, .thirdParty) {
            $0.options.items = [.individualNumber]
            $0.requester.statedNeed = "必要"
        }).refusals == [.identifiersNotForRequester])
        // 本人 asks for items freely; nothing optional prints unasked.
        #expect(!decide(S.request(.residentRecordCopy, .self)).basicItemsOnly)
        #expect(decide(S.request(.residentRecordCopy, .self)).printedItems.isEmpty)
        // An agency too states its need for more than the basic items (住基法 §12の2④).
        #expect(decide(S.request(.residentRecordCopy, .government) { $0.options.items = [.relationship] }).refusals
            == [.statedNeedRequired])
    }

    // MARK: 附票 (住基法 §20)

    @Test("戸籍の附票 (住基法 §17, §20): 本籍・筆頭者 only when asked for; no 住民票 items")
    func annexItems() {
        #expect(decide(S.request(.familyRegisterAnnex, .self) { $0.options.items = [.permanentDomicile] }).printedItems
            == [.permanentDomicile])
        #expect(decide(S.request(.familyRegisterAnnex, .self) { $0.options.items = [.relationship] }).refusals == [.optionNotForKind])
        #expect(decide(S.request(.familyRegisterFull, .self) { $0.options.items = [.permanentDomicile] }).refusals == [.optionNotForKind])
        // A third party's 本籍・筆頭者 needs a stated need.
        #expect(decide(S.request(.familyRegisterAnnex, .thirdParty) { $0.options.items = [.permanentDomicile] }).refusals
            == [.statedNeedRequired])
    }

    // MARK: 戸籍 (戸籍法 §10)

    @Test("戸籍 (戸籍法 §10①): the 配偶者, 直系尊属 and 直系卑属 of a recorded person may obtain it, not only members",
          arguments: [RegisterTie.spouse, .linealAscendant, .linealDescendant])
    func registerKin(tie: RegisterTie) {
        let facts = S.facts {
            $0.requester = RequesterFacts(residentId: S.stranger, name: "親族　一人", birthDate: CivilDate(year: 1950, month: 1, day: 1)!,
                                          registerTie: tie)
        }
        for kind in [CertificateKind.familyRegisterFull, .familyRegisterIndividual, .familyRegisterAnnex] {
            #expect(decide(S.request(kind, .householdMember) { $0.requester.residentId = S.stranger }, facts).isApproved)
        }
    }

    @Test("戸籍 (戸籍法 §10①): someone with no tie the registers show needs the 戸籍 certificates that show it")
    func registerNoTie() {
        let noTie = S.request(.familyRegisterFull, .householdMember) { $0.requester.residentId = S.stranger }
        #expect(decide(noTie).refusals == [.notInFamilyRegister])
        #expect(decide(S.request(.familyRegisterFull, .householdMember) {
            $0.requester.residentId = S.stranger
            $0.requester.kinshipDocuments = true
        }).isApproved)
        // A tie computed for someone else is not this requester's.
        let other = S.facts {
            $0.requester = RequesterFacts(residentId: 555, name: "別人", birthDate: CivilDate(year: 1950, month: 1, day: 1)!, registerTie: .spouse)
        }
        #expect(decide(noTie, other).refusals == [.notInFamilyRegister])
    }

    // MARK: 本人通知

    @Test("本人通知: only for 住民票, 記載事項, 除票, 戸籍 and 附票, not for seal or tax certificates",
          arguments: CertificateKind.allCases)
    func notifiedKinds(kind: CertificateKind) {
        let facts = S.facts {
            $0.holderNotificationIds = [S.subject]
            if kind == .removedRecord { $0.removal = .movedOut }
            if kind == .taxCertificate { $0.removal = .died }
        }
        let cls: RequesterClass = kind == .sealRegistrationCertificate ? .proxy : .thirdParty
        let decision = decide(S.request(kind, cls), facts)
        #expect(decision.isApproved, "\(decision.refusals)")
        #expect(decision.holderNotification == Eligibility.notifiedKinds.contains(kind))
    }

    @Test("本人通知: every registered person the certificate prints is told, not only the subject")
    func notifiedEveryPrinted() {
        let facts = S.facts { $0.holderNotificationIds = [S.spouse, 102] }
        let household = decide(S.request(.residentRecordCopy, .proxy) { $0.options.scope = .household }, facts)
        #expect(household.notifiedResidentIds == [S.spouse, 102])
        #expect(decide(S.request(.residentRecordCopy, .proxy), facts).notifiedResidentIds.isEmpty)
        let register = decide(S.request(.familyRegisterFull, .thirdParty), facts)
        #expect(register.notifiedResidentIds == [S.spouse])
    }

    @Test("本人通知: not for an agency, the household or the 本人等, nor for a 職務上請求 made for a dispute's proceedings")
    func notNotified() {
        let facts = S.facts { $0.holderNotificationIds = [S.subject] }
        for cls in [RequesterClass.`self`, .householdMember, .government] {
            #expect(!decide(S.request(.residentRecordCopy, cls), facts).holderNotification)
        }
        #expect(decide(S.request(.residentRecordCopy, .professional) { $0.requester.professionalPurpose = .commissionedAffairs }, facts)
            .holderNotification)
        #expect(!decide(S.request(.residentRecordCopy, .professional) { $0.requester.professionalPurpose = .disputeRepresentation }, facts)
            .holderNotification)
    }

    // MARK: 転出届

    @Test("転出届: a filed 転出 stops store issuance of 住民票 and 印鑑登録証明書; the tax certificate still prints")
    func moveOutFiledAtStores() {
        let facts = S.facts { $0.moveOutFiled = true }
        for kind in [CertificateKind.residentRecordCopy, .residentRecordExtract, .sealRegistrationCertificate] {
            #expect(decide(S.request(kind, .self, channel: .kiosk), facts).refusals == [.moveOutFiled])
        }
        #expect(decide(S.request(.taxCertificate, .self, channel: .kiosk), facts).isApproved)
        #expect(decide(S.request(.residentRecordCopy, .self), facts).isApproved)
    }
}

@Suite("戸籍のつながり（戸籍法 §10）")
struct RegisterKinshipTests {
    /// Three registers: the grandparents' (1: 筆頭者 10, 妻 11, 長男 20 who left on marriage), the son's (2: 筆頭者 20,
    /// 妻 21, 長女 30) and an unrelated one (3: 筆頭者 40).
    static let rows: [FamilyRegisterMember] = {
        func m(_ id: Int64, _ register: Int64, _ resident: Int64?, _ relationship: String, left: Bool = false) -> FamilyRegisterMember {
            FamilyRegisterMember(
                id: id, familyRegisterId: register, residentId: resident,
                name: PersonName(family: "窓口", given: "\(id)", familyKana: "マドグチ", givenKana: "イチ"),
                birthDate: CivilDate(year: 1950, month: 1, day: 1)!, sex: .male, relationship: relationship, fatherName: nil,
                motherName: nil, leftOn: left ? CivilDate(year: 1980, month: 1, day: 1)! : nil)
        }
        return [
            m(1, 1, 10, "筆頭者"), m(2, 1, 11, "妻"), m(3, 1, 20, "長男", left: true),
            m(4, 2, 20, "筆頭者"), m(5, 2, 21, "妻"), m(6, 2, 30, "長女"),
            m(7, 3, 40, "筆頭者"),
        ]
    }()

    func tie(_ person: Int64, _ register: Int64) -> RegisterTie? {
        RegisterKinship.tie(
            of: person, to: register, rowsOfPerson: { p in Self.rows.filter { $0.residentId == p } },
            rowsOfRegister: { r in Self.rows.filter { $0.familyRegisterId == r } })
    }

    @Test("recorded, 除籍 included; the spouse of a recorded person; lineal relatives up and down; nobody else")
    func ties() {
        #expect(tie(20, 1) == .recorded)
        #expect(tie(21, 1) == .spouse)
        #expect(tie(30, 1) == .linealDescendant)
        #expect(tie(10, 2) == .linealAscendant)
        #expect(tie(11, 2) == .linealAscendant)
        #expect(tie(40, 1) == nil)
        #expect(tie(40, 2) == nil)
        #expect(tie(10, 3) == nil)
    }

    @Test("続柄 reads as the register writes it", arguments: [
        ("筆頭者", RegisterKinship.Role.head), ("妻", .head), ("夫", .head), ("長男", .child), ("二女", .child), ("養子", .child),
        ("孫", .other),
    ])
    func roles(relationship: String, role: RegisterKinship.Role) {
        #expect(RegisterKinship.role(relationship) == role)
    }
}

@Suite("印字内容（最小限）")
struct PrintedContentTests {
    static let today = CivilDate(year: 2026, month: 11, day: 24)!

    static func source(removal: RemovedRecord? = nil) -> CertificateSource {
        let address = Address(prefecture: "神奈川県", municipality: "窓口市", ward: "中央区", town: "本町一丁目", block: "1番1号")
        func resident(_ id: Int64, _ given: String, _ relationship: Relationship, number: String, code: String) -> Resident {
            Resident(
                id: id, householdId: 1, name: PersonName(family: "窓口", given: given, familyKana: "マドグチ", givenKana: "タロウ"),
                birthDate: CivilDate(year: 1950, month: 5, day: 5)!, sex: .male, relationship: relationship,
                permanentDomicile: "窓口市中央区本町一丁目1番地", domicileHead: "窓口　太郎", becameResidentOn: CivilDate(year: 1950, month: 5, day: 5)!,
                addressSetOn: CivilDate(year: 1980, month: 1, day: 1)!, notifiedOn: CivilDate(year: 1980, month: 1, day: 3)!,
                previousAddress: "東京都", individualNumber: number, residentRecordCode: code)
        }
        let subject = resident(1, "太郎", .householder, number: "123456789018", code: "12345678903")
        let wife = resident(2, "花子", .wife, number: "234567890123", code: "23456789012")
        return CertificateSource(
            subject: subject, household: Household(id: 1, address: address, formedOn: CivilDate(year: 1980, month: 1, day: 1)!),
            members: removal == nil ? [subject, wife] : [wife], removal: removal, seal: nil, sealImageDigest: nil, tax: nil,
            register: nil, registerMembers: [], registerEvents: [], annex: [])
    }

    static func request(_ kind: CertificateKind, items: Set<OptionalItem>, scope: RecordScope = .individual) -> CertificateRequest {
        CertificateRequest(
            kind: kind, subjectId: 1, requester: Requester(.self, residentId: 1), channel: .counter,
            options: CertificateOptions(scope: scope, items: items), date: today)
    }

    static let city = CityInfo(code: "149802", name: "窓口市", mayor: "窓口市長")

    @Test("死亡: even asked for, a deceased person's 個人番号 and 住民票コード are left out of the content (the last line of defence)")
    func deceasedIdentifiersNeverInContent() throws {
        let content = CertificateContent.build(
            Self.request(.removedRecord, items: [.individualNumber, .residentRecordCode]),
            source: Self.source(removal: RemovedRecord(residentId: 1, reason: .died, removedOn: Self.today)), city: Self.city,
            serialNumber: "第1号")
        let json = String(decoding: try content.canonicalJSON(), as: UTF8.self)
        #expect(!json.contains("123456789018") && !json.contains("12345678903"))
        #expect(content.persons.first?.individualNumber == nil)
    }

    @Test("住民票 (住基法 §12⑤): 世帯主の氏名 and 続柄 only when asked for; the basic items alone leave out the dates and the 転出先")
    func leastPrinted() {
        let plain = CertificateContent.build(Self.request(.residentRecordCopy, items: [], scope: .household), source: Self.source(),
                                             city: Self.city, serialNumber: "第1号")
        #expect(plain.householder == nil)
        #expect(plain.persons.allSatisfy { $0.relationship == nil && $0.individualNumber == nil && $0.permanentDomicile == nil })
        #expect(plain.persons.allSatisfy { $0.becameResidentOn != nil })
        let asked = CertificateContent.build(Self.request(.residentRecordCopy, items: [.relationship], scope: .household),
                                             source: Self.source(), city: Self.city, serialNumber: "第1号")
        #expect(asked.householder == "窓口　太郎")
        let basic = CertificateContent.build(
            Self.request(.removedRecord, items: []),
            source: Self.source(removal: RemovedRecord(residentId: 1, reason: .movedOut, removedOn: Self.today, destination: "東京都千代田区")),
            city: Self.city, serialNumber: "第1号", basicItemsOnly: true)
        #expect(basic.removal?.destination == nil)
        #expect(basic.removal?.reason == "転出")
        #expect(basic.persons.allSatisfy { $0.becameResidentOn == nil && $0.addressSetOn == nil && $0.notifiedOn == nil })
    }
}

@Suite("支援措置の手続（遷移表）")
struct SupportMeasureWorkflowTests {
    @Test("every (state × action) pair: 申出 → 決定 → 延長 → 終了, nothing after 終了", arguments: SupportMeasureState.allCases, SupportMeasureAction.allCases)
    func table(state: SupportMeasureState, action: SupportMeasureAction) {
        let expected: SupportMeasureState? =
            switch (state, action) {
            case (.applied, .decide), (.decided, .extend): .decided
            case (.applied, .end), (.decided, .end): .ended
            default: nil
            }
        let got = try? SupportMeasureWorkflow.next(from: state, action: action)
        #expect(got == expected)
        if expected == nil {
            #expect(throws: MadoguchiError.self) { try SupportMeasureWorkflow.next(from: state, action: action) }
        }
    }

    @Test("a term is a year less a day; 29 February runs to the last day of February")
    func term() {
        #expect(SupportMeasureWorkflow.term(from: CivilDate(year: 2026, month: 11, day: 24)!).upperBound == CivilDate(year: 2027, month: 11, day: 23)!)
        #expect(SupportMeasureWorkflow.term(from: CivilDate(year: 2028, month: 2, day: 29)!).upperBound == CivilDate(year: 2029, month: 2, day: 28)!)
        #expect(SupportMeasureWorkflow.term(from: CivilDate(year: 2026, month: 1, day: 1)!).upperBound == CivilDate(year: 2026, month: 12, day: 31)!)
    }

    @Test("only an ended measure stops protecting")
    func protects() {
        #expect(SupportMeasureState.applied.protects && SupportMeasureState.decided.protects && !SupportMeasureState.ended.protects)
    }
}

@Suite("転送された支援措置（本籍地）")
struct ForwardedProtectionTests {
    typealias S = Scenario
    /// Member row 5 of the subject's 戸籍 is protected by a measure forwarded from the city where she lives.
    static let facts = S.facts {
        $0.forwardedProtections = [ForwardedProtection(memberId: 5, otherPartyName: "加害　者")]
        $0.subjectMemberIds = [1]
    }

    @Test("the other party, known only by name, gets no 附票 or 全部事項証明 showing her; the subject's own 個人事項 prints")
    func otherParty() {
        var other = S.requester(.thirdParty)
        other.name = "加害 者"
        for kind in [CertificateKind.familyRegisterAnnex, .familyRegisterFull] {
            #expect(Eligibility.evaluate(S.request(kind, .thirdParty) { $0.requester = other }, facts: Self.facts).refusals.first
                == .supportMeasureOtherParty)
        }
        #expect(Eligibility.evaluate(S.request(.familyRegisterIndividual, .self), facts: Self.facts).isApproved)
    }

    @Test("third parties, proxies and kiosks are refused what shows her; 住民票 are not concerned")
    func others() {
        #expect(Eligibility.evaluate(S.request(.familyRegisterAnnex, .professional), facts: Self.facts).refusals.contains(.supportMeasureProtected))
        #expect(Eligibility.evaluate(S.request(.familyRegisterFull, .proxy), facts: Self.facts).refusals.contains(.supportMeasureInPersonOnly))
        #expect(Eligibility.evaluate(S.request(.familyRegisterFull, .self, channel: .kiosk), facts: Self.facts).refusals
            == [.supportMeasureSubjectUnattended])
        #expect(Eligibility.evaluate(S.request(.residentRecordCopy, .proxy), facts: Self.facts).isApproved)
    }
}
