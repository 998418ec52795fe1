import Testing

@testable import MadoguchiDomain

/// Builders for rule tests: a subject with every record available, and a requester of each class
/// with every paper in order. Each test then breaks exactly one thing.
enum Scenario {
    static let today = CivilDate(year: 2026, month: 11, day: 24)!
    static let subject: Int64 = 100
    static let spouse: Int64 = 101
    static let stranger: Int64 = 900
    static let abuser: Int64 = 666

    /// A 支援措置 in force for `person` against the abuser.
    static func protect(_ person: Int64 = subject, name: String = "加害　太郎") -> Protection {
        Protection(protectedId: person, otherPartyId: abuser, otherPartyName: name)
    }

    static func facts(_ change: (inout SubjectFacts) -> Void = { _ in }) -> SubjectFacts {
        var f = SubjectFacts(
            residentId: subject, householdId: 10, birthDate: CivilDate(year: 1980, month: 4, day: 2)!,
            householdMemberIds: [subject, spouse, 102], hasActiveSeal: true,
            taxYears: [FiscalYear(2025), FiscalYear(2026)], familyRegisterHere: true,
            familyRegisterMemberIds: [subject, spouse])
        change(&f)
        return f
    }

    /// A requester of `cls` who brought everything that class needs at a counter.
    static func requester(_ cls: RequesterClass) -> Requester {
        switch cls {
        case .self:
            Requester(.self, residentId: subject, identityDocuments: [.myNumberCard], sealCardPresented: true)
        case .householdMember:
            Requester(.householdMember, residentId: spouse, identityDocuments: [.driversLicense], sealCardPresented: true)
        case .proxy:
            Requester(.proxy, name: "代理　花子", identityDocuments: [.passport], powerOfAttorney: true, sealCardPresented: true)
        case .thirdParty:
            Requester(.thirdParty, name: "債権　太郎", identityDocuments: [.driversLicense], reason: "債権回収のため（貸金返還請求）",
                      supportingDocuments: true)
        case .professional:
            Requester(.professional, name: "司法　一郎", identityDocuments: [.professionalLicense], reason: "不動産登記申請のため",
                      profession: .judicialScrivener, professionalForm: true)
        case .government:
            Requester(.government, name: "窓口年金事務所", identityDocuments: [.officialIdentification], agency: "日本年金機構",
                      officialForm: true)
        }
    }

    static func options(for kind: CertificateKind) -> CertificateOptions {
        kind == .taxCertificate ? CertificateOptions(fiscalYear: FiscalYear(2026)) : CertificateOptions()
    }

    static func request(
        _ kind: CertificateKind, _ cls: RequesterClass, channel: Channel = .counter,
        change: (inout CertificateRequest) -> Void = { _ in }
    ) -> CertificateRequest {
        var r = CertificateRequest(
            kind: kind, subjectId: subject, requester: requester(cls), channel: channel, options: options(for: kind),
            date: today)
        change(&r)
        return r
    }
}

@Suite("交付の可否: 証明書 × 請求者")
struct EligibilityMatrixTests {
    /// The catalogue: who obtains what, for a current resident, at a counter, papers in order.
    /// `nil` means issued; otherwise the first refusal.
    static let expected: [CertificateKind: [RequesterClass: RefusalReason?]] = [
        .residentRecordCopy: [.self: nil, .householdMember: nil, .proxy: nil, .thirdParty: nil, .professional: nil, .government: nil],
        .residentRecordExtract: [.self: nil, .householdMember: nil, .proxy: nil, .thirdParty: nil, .professional: nil, .government: nil],
        .removedRecord: [.self: .notRemoved, .householdMember: .removedRecordThirdPartyOnly, .proxy: .notRemoved, .thirdParty: .notRemoved,
                         .professional: .notRemoved, .government: .notRemoved],
        .sealRegistrationCertificate: [.self: nil, .householdMember: nil, .proxy: nil, .thirdParty: .requesterNotAllowed,
                                       .professional: .requesterNotAllowed, .government: .requesterNotAllowed],
        .taxCertificate: [.self: nil, .householdMember: nil, .proxy: nil, .thirdParty: .requesterNotAllowed,
                          .professional: .requesterNotAllowed, .government: nil],
        .familyRegisterFull: [.self: nil, .householdMember: nil, .proxy: nil, .thirdParty: nil, .professional: nil, .government: nil],
        .familyRegisterIndividual: [.self: nil, .householdMember: nil, .proxy: nil, .thirdParty: nil, .professional: nil, .government: nil],
        .familyRegisterAnnex: [.self: nil, .householdMember: nil, .proxy: nil, .thirdParty: nil, .professional: nil, .government: nil],
    ]

    @Test("the table covers every kind and every requester class")
    func complete() {
        #expect(Set(Self.expected.keys) == Set(CertificateKind.allCases))
        for row in Self.expected.values { #expect(Set(row.keys) == Set(RequesterClass.allCases)) }
    }

    @Test("every (kind × requester) pair for a current resident", arguments: CertificateKind.allCases, RequesterClass.allCases)
    func currentResident(kind: CertificateKind, cls: RequesterClass) {
        let decision = Eligibility.evaluate(Scenario.request(kind, cls), facts: Scenario.facts())
        let expected = Self.expected[kind]![cls]!
        #expect(decision.refusals.first == expected, "\(kind) for \(cls): \(decision.refusals)")
        #expect(decision.isApproved == (expected == nil))
        #expect((decision.fee != nil) == (expected == nil))
    }

    @Test("every (kind × requester) pair for a resident who moved away", arguments: CertificateKind.allCases, RequesterClass.allCases)
    func movedAway(kind: CertificateKind, cls: RequesterClass) {
        let facts = Scenario.facts { $0.removal = .movedOut; $0.hasActiveSeal = false }
        let decision = Eligibility.evaluate(Scenario.request(kind, cls), facts: facts)
        let expected: RefusalReason?
        switch kind {
        case .residentRecordCopy, .residentRecordExtract, .sealRegistrationCertificate:
            expected = kind == .sealRegistrationCertificate && ![.self, .householdMember, .proxy].contains(cls)
                ? .requesterNotAllowed : .movedOut
        case .removedRecord: expected = cls == .householdMember ? .removedRecordThirdPartyOnly : nil
        case .familyRegisterFull, .familyRegisterIndividual, .familyRegisterAnnex: expected = nil
        case .taxCertificate: expected = [.thirdParty, .professional].contains(cls) ? .requesterNotAllowed : nil
        }
        #expect(decision.refusals.first == expected, "\(kind) for \(cls): \(decision.refusals)")
    }

    @Test("a deceased person's tax certificate goes to an heir (third party with reason); the 住民票 is refused")
    func deceased() {
        let facts = Scenario.facts { $0.removal = .died; $0.hasActiveSeal = false }
        #expect(Eligibility.evaluate(Scenario.request(.taxCertificate, .thirdParty), facts: facts).isApproved)
        #expect(Eligibility.evaluate(Scenario.request(.residentRecordCopy, .householdMember), facts: facts).refusals.first == .deceased)
        #expect(Eligibility.evaluate(Scenario.request(.residentRecordCopy, .self), facts: facts).refusals == [.selfNotSubject, .deceased])
        #expect(Eligibility.evaluate(Scenario.request(.sealRegistrationCertificate, .proxy), facts: facts).refusals
            == [.mandateEndedByDeath, .deceased])
        #expect(Eligibility.evaluate(Scenario.request(.removedRecord, .thirdParty), facts: facts).isApproved)
    }
}

@Suite("不交付事由")
struct RefusalTests {
    /// A scenario that must be refused for `reason` (and, where noted, would pass without the one change).
    static func scenario(_ reason: RefusalReason) -> (CertificateRequest, SubjectFacts?) {
        typealias S = Scenario
        switch reason {
        case .supportMeasureOtherParty:
            return (S.request(.residentRecordCopy, .thirdParty) { $0.requester.residentId = S.abuser },
                    S.facts { $0.protections = [S.protect()] })
        case .supportMeasureSubjectUnattended:
            return (S.request(.residentRecordCopy, .self, channel: .kiosk), S.facts { $0.protections = [S.protect()] })
        case .supportMeasureProtected:
            return (S.request(.residentRecordCopy, .professional), S.facts { $0.protections = [S.protect()] })
        case .supportMeasureInPersonOnly:
            return (S.request(.residentRecordCopy, .proxy), S.facts { $0.protections = [S.protect()] })
        case .removedRecordThirdPartyOnly:
            return (S.request(.removedRecord, .householdMember), S.facts { $0.removal = .movedOut })
        case .mandateEndedByDeath:
            return (S.request(.removedRecord, .proxy), S.facts { $0.removal = .died })
        case .identifiersOfDeceased:
            return (S.request(.removedRecord, .government) { $0.options.items = [.residentRecordCode] }, S.facts { $0.removal = .died })
        case .selfNotSubject:
            return (S.request(.residentRecordCopy, .self) { $0.requester.residentId = nil }, S.facts())
        case .statedNeedRequired:
            return (S.request(.residentRecordCopy, .thirdParty) { $0.options.items = [.relationship] }, S.facts())
        case .subjectNotFound:
            return (S.request(.residentRecordCopy, .self), nil)
        case .underAgeUnattended:
            return (S.request(.residentRecordCopy, .self, channel: .kiosk),
                    S.facts { $0.birthDate = CivilDate(year: 2011, month: 11, day: 25)! })
        case .moveOutFiled:
            return (S.request(.residentRecordCopy, .self, channel: .kiosk), S.facts { $0.moveOutFiled = true })
        case .deceased:
            return (S.request(.residentRecordCopy, .householdMember), S.facts { $0.removal = .died })
        case .movedOut:
            return (S.request(.residentRecordCopy, .self), S.facts { $0.removal = .movedOut })
        case .notRemoved:
            return (S.request(.removedRecord, .self), S.facts())
        case .gaijiPending:
            return (S.request(.residentRecordCopy, .self, channel: .kiosk), S.facts { $0.nameHasPendingGaiji = true })
        case .individualNumberUnattended:
            return (S.request(.residentRecordCopy, .self, channel: .kiosk) { $0.options.items = [.individualNumber] }, S.facts())
        case .residentRecordCodeUnattended:
            return (S.request(.residentRecordCopy, .self, channel: .kiosk) { $0.options.items = [.residentRecordCode] }, S.facts())
        case .identifiersNotForRequester:
            return (S.request(.residentRecordCopy, .thirdParty) { $0.options.items = [.individualNumber] }, S.facts())
        case .individualNumberProxyPostOnly:
            return (S.request(.residentRecordCopy, .proxy) { $0.options.items = [.individualNumber] }, S.facts())
        case .identityNotVerified:
            return (S.request(.residentRecordCopy, .self) { $0.requester.identityDocuments = [.healthInsuranceCard] }, S.facts())
        case .powerOfAttorneyRequired:
            return (S.request(.residentRecordCopy, .proxy) { $0.requester.powerOfAttorney = false }, S.facts())
        case .notSameHousehold:
            return (S.request(.residentRecordCopy, .householdMember) { $0.requester.residentId = S.stranger }, S.facts())
        case .requesterNotAllowed:
            return (S.request(.sealRegistrationCertificate, .thirdParty), S.facts())
        case .reasonRequired:
            return (S.request(.residentRecordCopy, .thirdParty) { $0.requester.reason = nil }, S.facts())
        case .supportingDocumentsRequired:
            return (S.request(.residentRecordCopy, .thirdParty) { $0.requester.supportingDocuments = false }, S.facts())
        case .professionalFormRequired:
            return (S.request(.residentRecordCopy, .professional) { $0.requester.professionalForm = false }, S.facts())
        case .officialFormRequired:
            return (S.request(.residentRecordCopy, .government) { $0.requester.officialForm = false }, S.facts())
        case .notInFamilyRegister:
            return (S.request(.familyRegisterFull, .householdMember) { $0.requester.residentId = 102 }, S.facts())
        case .noSealRegistration:
            return (S.request(.sealRegistrationCertificate, .self), S.facts { $0.hasActiveSeal = false })
        case .sealCardRequired:
            return (S.request(.sealRegistrationCertificate, .self) { $0.requester.sealCardPresented = false }, S.facts())
        case .fiscalYearRequired:
            return (S.request(.taxCertificate, .self) { $0.options.fiscalYear = nil }, S.facts())
        case .noTaxAssessment:
            return (S.request(.taxCertificate, .self) { $0.options.fiscalYear = FiscalYear(2019) }, S.facts())
        case .noFamilyRegisterHere:
            return (S.request(.familyRegisterAnnex, .self), S.facts { $0.familyRegisterHere = false })
        case .memberNotInHousehold:
            return (S.request(.residentRecordCopy, .self) { $0.options.memberIds = [S.subject, S.stranger] }, S.facts())
        case .wideAreaKindNotAvailable:
            return (S.request(.familyRegisterAnnex, .self) { $0.wideArea = true }, S.facts())
        case .wideAreaInPersonOnly:
            return (S.request(.residentRecordCopy, .proxy) { $0.wideArea = true; $0.requester.identityDocuments = [.driversLicense] }, S.facts())
        case .wideAreaPhotoIdentityRequired:
            return (S.request(.residentRecordCopy, .self) { $0.wideArea = true; $0.requester.identityDocuments = [.healthInsuranceCard, .pensionBook] },
                    S.facts())
        case .wideAreaItemNotPrintable:
            return (S.request(.residentRecordCopy, .self) { $0.wideArea = true; $0.options.items = [.permanentDomicile] }, S.facts())
        case .kindNotAtChannel:
            return (S.request(.removedRecord, .self, channel: .kiosk), S.facts { $0.removal = .movedOut })
        case .copiesOutOfRange:
            return (S.request(.residentRecordCopy, .self) { $0.options.copies = 11 }, S.facts())
        case .optionNotForKind:
            return (S.request(.taxCertificate, .self) { $0.options.items = [.relationship] }, S.facts())
        }
    }

    @Test("every refusal reason happens in its scenario", arguments: RefusalReason.allCases)
    func each(reason: RefusalReason) {
        let (request, facts) = Self.scenario(reason)
        let decision = Eligibility.evaluate(request, facts: facts)
        #expect(decision.refusals.contains(reason), "\(reason): got \(decision.refusals)")
        #expect(!decision.isApproved)
        #expect(decision.fee == nil)
    }

    @Test("every refusal has a stable code and both messages", arguments: RefusalReason.allCases)
    func messages(reason: RefusalReason) {
        #expect(reason.code == "refusal." + reason.rawValue)
        #expect(!reason.japanese.isEmpty && reason.japanese.hasSuffix("。"))
        #expect(!reason.english.isEmpty && reason.english.hasSuffix("."))
        #expect(reason.error.code.rawValue == reason.code)
    }

    @Test("the 支援措置 other party is refused on every channel and for every kind, and it comes first",
          arguments: Channel.allCases, CertificateKind.allCases)
    func otherPartyEverywhere(channel: Channel, kind: CertificateKind) {
        let request = Scenario.request(kind, .self, channel: channel) { $0.requester.residentId = Scenario.abuser }
        let decision = Eligibility.evaluate(request, facts: Scenario.facts { $0.protections = [Scenario.protect()] })
        #expect(decision.refusals.first == .supportMeasureOtherParty)
    }

    @Test("the other party is recognised by name too, whatever variant of the characters is typed")
    func otherPartyByName() {
        let request = Scenario.request(.residentRecordCopy, .proxy) { $0.requester.name = "高橋　一郎" }
        let facts = Scenario.facts { $0.protections = [Protection(protectedId: Scenario.subject, otherPartyName: "髙橋 一郎")] }
        #expect(Eligibility.evaluate(request, facts: facts).refusals.first == .supportMeasureOtherParty)
    }

    @Test("a protected subject still gets their own certificate at the counter")
    func protectedSubjectAtCounter() {
        let facts = Scenario.facts { $0.protections = [Scenario.protect()] }
        #expect(Eligibility.evaluate(Scenario.request(.residentRecordCopy, .self), facts: facts).isApproved)
        #expect(Eligibility.evaluate(Scenario.request(.residentRecordCopy, .government), facts: facts).isApproved)
    }

    @Test("kiosks: 15th birthday allows; the card holder only; the household scope is fine")
    func kiosk() {
        let fifteen = Scenario.facts { $0.birthDate = CivilDate(year: 2011, month: 11, day: 24)! }
        #expect(Eligibility.evaluate(Scenario.request(.residentRecordCopy, .self, channel: .kiosk), facts: fifteen).isApproved)
        let household = Scenario.request(.residentRecordCopy, .self, channel: .kiosk) { $0.options.scope = .household }
        #expect(Eligibility.evaluate(household, facts: Scenario.facts()).isApproved)
        let other = Scenario.request(.residentRecordCopy, .self, channel: .kiosk) { $0.requester.residentId = Scenario.spouse }
        #expect(Eligibility.evaluate(other, facts: Scenario.facts()).refusals == [.selfNotSubject])
        #expect(Eligibility.evaluate(Scenario.request(.residentRecordCopy, .proxy, channel: .kiosk), facts: Scenario.facts())
            .refusals.contains(.requesterNotAllowed))
    }

    @Test("individual number: the person and the household at a counter; a proxy only by post")
    func individualNumber() {
        for cls in [RequesterClass.`self`, .householdMember] {
            let r = Scenario.request(.residentRecordCopy, cls) { $0.options.items = [.individualNumber, .residentRecordCode] }
            let decision = Eligibility.evaluate(r, facts: Scenario.facts())
            #expect(decision.isApproved)
            #expect(decision.printedItems == [.individualNumber, .residentRecordCode])
        }
        let byPost = Scenario.request(.residentRecordCopy, .proxy, channel: .post) { $0.options.items = [.individualNumber] }
        #expect(Eligibility.evaluate(byPost, facts: Scenario.facts()).isApproved)
    }

    @Test("the seal card authorises a proxy without a 委任状")
    func sealProxy() {
        let r = Scenario.request(.sealRegistrationCertificate, .proxy) { $0.requester.powerOfAttorney = false }
        #expect(Eligibility.evaluate(r, facts: Scenario.facts()).isApproved)
    }

    @Test("several problems are all reported, most fundamental first")
    func several() {
        let r = Scenario.request(.residentRecordCopy, .thirdParty) {
            $0.requester.reason = nil
            $0.requester.supportingDocuments = false
            $0.requester.identityDocuments = []
        }
        #expect(Eligibility.evaluate(r, facts: Scenario.facts()).refusals == [.identityNotVerified, .reasonRequired, .supportingDocumentsRequired])
    }
}

@Suite("手数料と本人通知")
struct FeeTests {
    @Test("standing fees per kind and channel", arguments: [
        (CertificateKind.residentRecordCopy, Channel.counter, 300), (.familyRegisterFull, .counter, 450),
        (.familyRegisterIndividual, .post, 450), (.taxCertificate, .counter, 300), (.residentRecordCopy, .kiosk, 200),
        (.familyRegisterFull, .kiosk, 350), (.sealRegistrationCertificate, .automaticMachine, 200),
    ])
    func standing(kind: CertificateKind, channel: Channel, yen: Int) {
        #expect(FeeSchedule.demoCity.rule(for: kind, at: channel, on: Scenario.today)?.yen == yen)
    }

    @Test("除籍 (戸籍手数料): the 全部事項証明 of a 戸籍 everyone has left costs 750円, at the counter and by 広域交付")
    func closedRegister() {
        let closed = Scenario.facts { $0.familyRegisterClosed = true }
        #expect(Eligibility.evaluate(Scenario.request(.familyRegisterFull, .self), facts: closed).fee?.total == 750)
        #expect(Eligibility.evaluate(Scenario.request(.familyRegisterFull, .self) { $0.wideArea = true }, facts: closed).fee?.total == 750)
        #expect(Eligibility.evaluate(Scenario.request(.familyRegisterIndividual, .self), facts: closed).fee?.total == 450)
        #expect(Eligibility.evaluate(Scenario.request(.familyRegisterFull, .self), facts: Scenario.facts()).fee?.total == 450)
    }

    @Test("the store campaign applies at stores, within its dates only")
    func campaign() {
        let fees = FeeSchedule.demoCity
        let inside = CivilDate(year: 2026, month: 12, day: 15)!
        #expect(fees.rule(for: .residentRecordCopy, at: .kiosk, on: inside)?.yen == 10)
        #expect(fees.rule(for: .familyRegisterFull, at: .kiosk, on: inside)?.yen == 10)
        #expect(fees.rule(for: .residentRecordCopy, at: .counter, on: inside)?.yen == 300)
        #expect(fees.rule(for: .residentRecordCopy, at: .kiosk, on: CivilDate(year: 2027, month: 2, day: 28)!)?.yen == 10)
        #expect(fees.rule(for: .residentRecordCopy, at: .kiosk, on: CivilDate(year: 2027, month: 3, day: 1)!)?.yen == 200)
        #expect(fees.rule(for: .residentRecordCopy, at: .kiosk, on: CivilDate(year: 2016, month: 2, day: 29)!) == nil)
    }

    @Test("copies multiply; waivers apply at the counter only; agencies pay nothing")
    func totals() {
        let three = Scenario.request(.residentRecordCopy, .self) { $0.options.copies = 3 }
        #expect(Eligibility.evaluate(three, facts: Scenario.facts()).fee?.total == 900)
        let waived = Scenario.request(.residentRecordCopy, .self) { $0.requester.feeWaiver = .publicAssistance }
        let fee = Eligibility.evaluate(waived, facts: Scenario.facts()).fee
        #expect(fee?.total == 0)
        #expect(fee?.waiver == .publicAssistance)
        let atKiosk = Scenario.request(.residentRecordCopy, .self, channel: .kiosk) { $0.requester.feeWaiver = .publicAssistance }
        #expect(Eligibility.evaluate(atKiosk, facts: Scenario.facts()).fee?.total == 200)
        #expect(Eligibility.evaluate(Scenario.request(.residentRecordCopy, .government), facts: Scenario.facts()).fee?.waiver == .official)
    }

    @Test("本人通知 when a proxy, third party or professional obtains a registered resident's certificate",
          arguments: RequesterClass.allCases)
    func holderNotification(cls: RequesterClass) {
        let registered = Eligibility.evaluate(Scenario.request(.residentRecordCopy, cls), facts: Scenario.facts { $0.holderNotificationIds = [Scenario.subject] })
        #expect(registered.holderNotification == [.proxy, .thirdParty, .professional].contains(cls))
        let unregistered = Eligibility.evaluate(Scenario.request(.residentRecordCopy, cls), facts: Scenario.facts())
        #expect(!unregistered.holderNotification)
    }

    @Test("外字 pending is read from private-use characters")
    func gaiji() {
        #expect(SubjectFacts.hasPendingGaiji("山\u{E123}"))
        #expect(!SubjectFacts.hasPendingGaiji("渡邉\u{E0110}"))
        #expect(!SubjectFacts.hasPendingGaiji("𠮷田"))
    }
}
