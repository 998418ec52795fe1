/// The outcome of the rules for one request.
public struct EligibilityDecision: Sendable, Hashable {
    /// Every reason that applies, most fundamental first; empty when the certificate may be issued.
    public var refusals: [RefusalReason]
    /// The fee, when approved
    public var fee: Fee?
    /// The optional items that will print
    public var printedItems: Set<OptionalItem>
    /// 基礎証明事項 only (氏名・生年月日・性別・住所, and a 除票's reason and date): a third party, professional or
    /// agency that stated no need for more (住基法 §12の3⑦, §12の2④, §15の4)
    public var basicItemsOnly: Bool
    /// 本人通知: the registered residents the certificate shows, to be told who obtained it
    public var notifiedResidentIds: Set<Int64>

    public init(
        refusals: [RefusalReason], fee: Fee? = nil, printedItems: Set<OptionalItem> = [], basicItemsOnly: Bool = false,
        notifiedResidentIds: Set<Int64> = []
    ) {
        self.refusals = refusals
        self.fee = fee
        self.printedItems = printedItems
        self.basicItemsOnly = basicItemsOnly
        self.notifiedResidentIds = notifiedResidentIds
    }

    public var isApproved: Bool { refusals.isEmpty }

    /// Someone is to be told (本人通知).
    public var holderNotification: Bool { !notifiedResidentIds.isEmpty }
}

/// 証明書交付の可否: the catalogue's rules, table-driven and pure. Each rule names the article it follows; where the
/// law leaves a choice, the rule takes the side that shows less (docs/adr/0005-who-sees-what.md).
///
/// Sources: 住民基本台帳法 §12 (本人・同一世帯), §12の2 (国等), §12の3 (第三者・職務上請求), §15の4 (除票), §20 (附票);
/// 戸籍法 §10, §10の2; 番号法 §19 (個人番号の提供制限); 民法 §653 (委任の終了); 支援措置 (住民基本台帳事務処理要領
/// 第5-10, 平成16年の総務省通知による); コンビニ交付 service rules (J-LIS).
public enum Eligibility {
    /// What each channel issues.
    public static let kindsByChannel: [Channel: Set<CertificateKind>] = [
        .counter: Set(CertificateKind.allCases),
        .post: Set(CertificateKind.allCases).subtracting([.sealRegistrationCertificate]),
        .kiosk: [
            .residentRecordCopy, .residentRecordExtract, .sealRegistrationCertificate, .taxCertificate,
            .familyRegisterFull, .familyRegisterIndividual, .familyRegisterAnnex,
        ],
        .automaticMachine: [.residentRecordCopy, .sealRegistrationCertificate, .taxCertificate],
        .postOffice: [.residentRecordCopy, .sealRegistrationCertificate, .taxCertificate, .familyRegisterFull,
                      .familyRegisterIndividual],
        .online: [.residentRecordCopy, .taxCertificate, .familyRegisterFull, .familyRegisterIndividual],
    ]

    /// Who may ask through each channel: unattended and assisted channels serve the person only.
    public static let requestersByChannel: [Channel: Set<RequesterClass>] = [
        .counter: Set(RequesterClass.allCases),
        .post: Set(RequesterClass.allCases),
        .kiosk: [.self],
        .automaticMachine: [.self],
        .postOffice: [.self],
        .online: [.self],
    ]

    /// Who may obtain each kind (before the checks on documents and facts).
    ///
    /// For 戸籍 and 附票, `householdMember` stands for the 本人等 of 戸籍法 §10① and 住基法 §20①: a person recorded in the
    /// 戸籍, their spouse, or a lineal relative.
    public static let requestersByKind: [CertificateKind: Set<RequesterClass>] = [
        .residentRecordCopy: Set(RequesterClass.allCases),
        .residentRecordExtract: Set(RequesterClass.allCases),
        // 住基法 §15の4: the person (①), an agency (②), anyone else with a legitimate reason (③, professionals
        // included). A former household member has no right of their own: they ask as a third party.
        .removedRecord: [.self, .proxy, .thirdParty, .professional, .government],
        // The 印鑑登録証 is the authority: whoever holds it asks; no third party or agency.
        .sealRegistrationCertificate: [.self, .householdMember, .proxy],
        // Tax data is confidential (地方税法 §22): the person, the household, a proxy, an agency;
        // a third party only as an heir of a deceased person.
        .taxCertificate: [.self, .householdMember, .proxy, .thirdParty, .government],
        .familyRegisterFull: Set(RequesterClass.allCases),
        .familyRegisterIndividual: Set(RequesterClass.allCases),
        .familyRegisterAnnex: Set(RequesterClass.allCases),
    ]

    /// The optional items each kind can print: the 住民票's (住基法 §12⑤), and the 附票's 本籍・筆頭者, printed only when
    /// asked for since 2022-01-11 (令和元年法律第16号, 住基法 §20).
    public static func optionalItems(for kind: CertificateKind) -> Set<OptionalItem> {
        switch kind {
        case .residentRecordCopy, .residentRecordExtract, .removedRecord: Set(OptionalItem.allCases)
        case .familyRegisterAnnex: [.permanentDomicile]
        default: []
        }
    }

    /// Classes to whom 個人番号 and 住民票コード may be printed (番号法 §19, 住基法 §12⑤ and §30の37).
    static let identifierRequesters: Set<RequesterClass> = [.self, .householdMember, .proxy]

    /// Classes that get the 基礎証明事項 only, unless they state why they need more (住基法 §12の3⑦, §12の2④).
    public static let basicItemsClasses: Set<RequesterClass> = [.thirdParty, .professional, .government]

    /// Classes whose requests trigger 本人通知: a proxy and anyone outside the 本人等 (an agency's request is not
    /// notified).
    public static let notifiedClasses: Set<RequesterClass> = [.proxy, .thirdParty, .professional]

    /// The kinds 本人通知 covers: 住民票の写し and 記載事項証明書 (除票 included), 戸籍, 戸籍の附票. Seal and tax
    /// certificates are not 住民基本台帳 or 戸籍 records.
    public static let notifiedKinds: Set<CertificateKind> = [
        .residentRecordCopy, .residentRecordExtract, .removedRecord, .familyRegisterFull, .familyRegisterIndividual,
        .familyRegisterAnnex,
    ]

    /// 職務上請求 left out of 本人通知: those made for a dispute's proceedings (紛争処理手続の代理業務), whose other side the
    /// notice would warn. A city's 要綱 decides; this is the demo city's.
    public static let unnotifiedProfessionalPurposes: Set<ProfessionalPurpose> = [.disputeRepresentation]

    /// The residents a certificate prints (印字される者): the household or the chosen members of a 住民票, the person
    /// of a 除票, a seal or tax certificate and a 個人事項証明, everyone recorded in the 戸籍 for a 全部事項証明 or a 附票.
    public static func printedResidents(_ request: CertificateRequest, _ facts: SubjectFacts) -> Set<Int64> {
        switch request.kind {
        case .residentRecordCopy, .residentRecordExtract, .removedRecord:
            if request.kind != .removedRecord && request.options.scope == .household { return facts.householdMemberIds }
            let chosen = Set(request.options.memberIds)
            return chosen.isEmpty ? [facts.residentId] : chosen.intersection(facts.householdMemberIds)
        case .sealRegistrationCertificate, .taxCertificate, .familyRegisterIndividual:
            return [facts.residentId]
        case .familyRegisterFull, .familyRegisterAnnex:
            return facts.familyRegisterMemberIds.union([facts.residentId])
        }
    }

    /// The residents a certificate shows something of: those it prints, and, where it prints an address (住民票, 除票,
    /// 印鑑, 課税), everyone who lives there, since the address is theirs too.
    public static func exposedResidents(_ request: CertificateRequest, _ facts: SubjectFacts) -> Set<Int64> {
        let printed = printedResidents(request, facts)
        return request.kind.isFamilyRegister ? printed : printed.union(facts.householdMemberIds)
    }

    /// 支援措置: is the requester the other party of a measure protecting one of `people`? Recognised by the 住民票 the
    /// 申出 names, by the requester's own record's name, or by the name written on the request, whatever variant of
    /// the characters (髙/高) either uses.
    static func isOtherParty(_ requester: Requester, of people: Set<Int64>, _ facts: SubjectFacts) -> Bool {
        let names = requesterNames(requester, facts)
        return facts.protections.contains { p in
            guard people.contains(p.protectedId) else { return false }
            if let id = requester.residentId, p.otherPartyId == id { return true }
            return names.contains(NameFolding.searchKey(p.otherPartyName))
        }
    }

    static func requesterNames(_ requester: Requester, _ facts: SubjectFacts) -> [String] {
        [requester.name, facts.requester?.name].compactMap { $0 }.map(NameFolding.searchKey).filter { !$0.isEmpty }
    }

    /// 支援措置 forwarded by the city of residence (事務処理要領: 住所地 → 本籍地) that a 戸籍 certificate here would show:
    /// every person of the 戸籍 for the 全部事項証明 and the 附票, the subject's own rows for the 個人事項証明.
    public static func forwardedExposed(_ request: CertificateRequest, _ facts: SubjectFacts) -> [ForwardedProtection] {
        guard request.kind.isFamilyRegister else { return [] }
        return facts.forwardedProtections.filter { request.kind != .familyRegisterIndividual || facts.subjectMemberIds.contains($0.memberId) }
    }

    /// Decides a request against the subject's facts. `facts` is `nil` when no such resident exists.
    public static func evaluate(
        _ request: CertificateRequest, facts: SubjectFacts?, fees: FeeSchedule = .demoCity
    ) -> EligibilityDecision {
        var refusals: [RefusalReason] = []
        func refuse(_ r: RefusalReason) { if !refusals.contains(r) { refusals.append(r) } }
        let kind = request.kind
        let channel = request.channel
        let requester = request.requester
        let cls = requester.requesterClass
        let options = request.options

        // The channel and the request itself.
        if !(kindsByChannel[channel]?.contains(kind) ?? false) { refuse(.kindNotAtChannel) }
        if !(requestersByChannel[channel]?.contains(cls) ?? false) { refuse(.requesterNotAllowed) }
        if !(1...CertificateOptions.maximumCopies).contains(options.copies) { refuse(.copiesOutOfRange) }
        if !options.items.isSubset(of: optionalItems(for: kind)) { refuse(.optionNotForKind) }

        guard let facts else {
            refuse(.subjectNotFound)
            return EligibilityDecision(refusals: refusals)
        }
        // 広域交付: what another city's counter may print, for whom, and on what proof (住基法 §12の4, 戸籍法 §120の2).
        if request.wideArea {
            if !WideArea.kinds.contains(kind) { refuse(.wideAreaKindNotAvailable) }
            if !WideArea.requesters.contains(cls) || channel != .counter { refuse(.wideAreaInPersonOnly) }
            if requester.identityDocuments.isDisjoint(with: WideArea.photoIdentities) { refuse(.wideAreaPhotoIdentityRequired) }
            if !options.items.isDisjoint(with: WideArea.withheldItems) { refuse(.wideAreaItemNotPrintable) }
        }
        let printed = printedResidents(request, facts)
        let exposed = exposedResidents(request, facts)
        let forwarded = forwardedExposed(request, facts)
        let protectedExposed = facts.protections.contains { exposed.contains($0.protectedId) } || !forwarded.isEmpty
        let deceased = facts.removal == .died

        // 支援措置 first: the other party never sees a protected person's data, on any kind or channel, whoever the
        // certificate is about (every printed person, and everyone at a printed address).
        // A measure forwarded from the city of residence protects the person's rows in the 戸籍 kept here; the other
        // party is recognised by name (the measure names no 住民票 here).
        let names = requesterNames(requester, facts)
        if isOtherParty(requester, of: exposed, facts)
            || forwarded.contains(where: { names.contains(NameFolding.searchKey($0.otherPartyName)) })
        {
            refusals.insert(.supportMeasureOtherParty, at: 0)
        }
        // Nobody but the protected person, their household and an agency obtains it; the person applies in person.
        if protectedExposed {
            if cls == .thirdParty || cls == .professional { refuse(.supportMeasureProtected) }
            if cls == .proxy || channel == .post { refuse(.supportMeasureInPersonOnly) }
        }

        // Who may obtain this kind.
        var allowed = requestersByKind[kind] ?? []
        if kind == .taxCertificate && !deceased { allowed.remove(.thirdParty) }
        if !allowed.contains(cls) {
            refuse(kind == .removedRecord && cls == .householdMember ? .removedRecordThirdPartyOnly : .requesterNotAllowed)
        }
        // 本人 means the subject, in person: the request names the subject's own record (a card or a person who is
        // someone else is not 本人), and a person who has died asks for nothing.
        if cls == .self && (requester.residentId != facts.residentId || deceased) { refuse(.selfNotSubject) }
        // A mandate ends with the principal's death (民法 §653①): heirs ask as third parties.
        if cls == .proxy && deceased { refuse(.mandateEndedByDeath) }

        // The record asked for.
        switch kind {
        case .residentRecordCopy, .residentRecordExtract:
            switch facts.removal {
            case .died: refuse(.deceased)
            case .movedOut, .officialDeletion: refuse(.movedOut)
            case nil: break
            }
        case .removedRecord:
            if facts.removal == nil { refuse(.notRemoved) }
        case .sealRegistrationCertificate:
            switch facts.removal {
            case .died: refuse(.deceased)
            case .movedOut, .officialDeletion: refuse(.movedOut)
            case nil: if !facts.hasActiveSeal { refuse(.noSealRegistration) }
            }
        case .taxCertificate:
            if let year = options.fiscalYear {
                if !facts.taxYears.contains(year) { refuse(.noTaxAssessment) }
            } else {
                refuse(.fiscalYearRequired)
            }
        case .familyRegisterFull, .familyRegisterIndividual, .familyRegisterAnnex:
            if !facts.familyRegisterHere { refuse(.noFamilyRegisterHere) }
        }
        if kind.isResidentRecord && (kind == .removedRecord || options.scope == .individual) {
            let chosen = Set(options.memberIds)
            if !chosen.isSubset(of: facts.householdMemberIds) { refuse(.memberNotInHousehold) }
        }

        // Unattended channels: the machine cannot see who stands at it.
        if channel.isUnattended {
            if facts.protections.contains(where: { printed.contains($0.protectedId) }) || !forwarded.isEmpty {
                refuse(.supportMeasureSubjectUnattended)
            }
            if CivilDate.age(of: facts.birthDate, on: request.date) < 15 { refuse(.underAgeUnattended) }
            // A filed 転出 ends the 住民票 and the 印鑑登録 here on the day of the move: stores stop issuing them.
            if facts.moveOutFiled && (kind.isResidentRecord || kind == .sealRegistrationCertificate) { refuse(.moveOutFiled) }
            if facts.nameHasPendingGaiji { refuse(.gaijiPending) }
            if options.items.contains(.individualNumber) { refuse(.individualNumberUnattended) }
            if options.items.contains(.residentRecordCode) { refuse(.residentRecordCodeUnattended) }
        } else {
            // Attended channels: the clerk checks the person and the papers.
            checkDocuments(request, facts, refuse)
        }

        // 個人番号・住民票コード: the person and the household only (番号法 §19); a proxy receives a 個人番号 by post to
        // the person's address; a person who has died has them printed for nobody.
        let identifiers: Set<OptionalItem> = [.individualNumber, .residentRecordCode]
        if !options.items.isDisjoint(with: identifiers) {
            if deceased { refuse(.identifiersOfDeceased) }
            if !identifierRequesters.contains(cls) {
                refuse(.identifiersNotForRequester)
            } else if cls == .proxy && options.items.contains(.individualNumber) && channel != .post {
                refuse(.individualNumberProxyPostOnly)
            }
        }
        // 基礎証明事項 (氏名・生年月日・性別・住所) for a third party, a professional or an agency; more only with a
        // stated need (住基法 §12の3⑦, §12の2④).
        let basicOnly = basicItemsClasses.contains(cls) && !requester.hasStatedNeed
        if basicOnly && !options.items.subtracting(identifiers).isEmpty { refuse(.statedNeedRequired) }

        guard refusals.isEmpty else { return EligibilityDecision(refusals: refusals) }
        let rule = fees.rule(for: kind, at: channel, on: request.date, closedRegister: kind == .familyRegisterFull && facts.familyRegisterClosed)
        var waiver: FeeWaiver?
        if channel == .counter || channel == .post {
            waiver = cls == .government ? .official : requester.feeWaiver
        }
        let fee = Fee(perCopy: rule?.yen ?? 0, copies: options.copies, waiver: waiver, label: rule?.label ?? "")
        return EligibilityDecision(
            refusals: [], fee: fee, printedItems: options.items, basicItemsOnly: basicOnly && (kind.isResidentRecord || kind == .familyRegisterAnnex),
            notifiedResidentIds: notified(request, printed: printed, facts))
    }

    /// 本人通知: the registered residents among those printed, when a proxy or someone outside the 本人等 obtains a
    /// kind the scheme covers, unless the 職務上請求 is one the city leaves out.
    static func notified(_ request: CertificateRequest, printed: Set<Int64>, _ facts: SubjectFacts) -> Set<Int64> {
        let requester = request.requester
        guard notifiedKinds.contains(request.kind), notifiedClasses.contains(requester.requesterClass) else { return [] }
        if requester.requesterClass == .professional, let purpose = requester.professionalPurpose,
            unnotifiedProfessionalPurposes.contains(purpose)
        {
            return []
        }
        return printed.intersection(facts.holderNotificationIds)
    }

    static func checkDocuments(
        _ request: CertificateRequest, _ facts: SubjectFacts, _ refuse: (RefusalReason) -> Void
    ) {
        let requester = request.requester
        let kind = request.kind
        switch requester.requesterClass {
        case .self:
            if !IdentityDocument.suffices(requester.identityDocuments) { refuse(.identityNotVerified) }
        case .householdMember:
            if !IdentityDocument.suffices(requester.identityDocuments) { refuse(.identityNotVerified) }
            if kind.isFamilyRegister {
                // 戸籍法 §10①, 住基法 §20①: recorded in the 戸籍 (除籍 included), or the spouse or a lineal relative of
                // someone who is, as the city's registers show or the 戸籍 certificates the requester brought.
                let recorded = requester.residentId.map { facts.familyRegisterMemberIds.contains($0) } ?? false
                // A tie the facts hold for this requester: by their 住民票, or (another city's counter) by their row
                // in the 戸籍 when they have no 住民票 here.
                let tied = facts.requester?.registerTie != nil
                    && (facts.requester?.residentId == nil ? requester.residentId == nil : requester.residentId == facts.requester?.residentId)
                if !(recorded || tied || requester.kinshipDocuments) { refuse(.notInFamilyRegister) }
            } else if kind != .sealRegistrationCertificate {
                guard let id = requester.residentId, facts.householdMemberIds.contains(id) else {
                    refuse(.notSameHousehold)
                    break
                }
            }
        case .proxy:
            if !IdentityDocument.suffices(requester.identityDocuments) { refuse(.identityNotVerified) }
            // The seal card itself authorises the holder: no 委任状 for seal certificates.
            if kind != .sealRegistrationCertificate && !requester.powerOfAttorney { refuse(.powerOfAttorneyRequired) }
        case .thirdParty:
            if !IdentityDocument.suffices(requester.identityDocuments) { refuse(.identityNotVerified) }
            if (requester.reason ?? "").isEmpty { refuse(.reasonRequired) }
            if !requester.supportingDocuments { refuse(.supportingDocumentsRequired) }
        case .professional:
            if requester.profession == nil || !requester.professionalForm
                || !requester.identityDocuments.contains(.professionalLicense)
            {
                refuse(.professionalFormRequired)
            }
        case .government:
            if !requester.officialForm || (requester.agency ?? "").isEmpty { refuse(.officialFormRequired) }
        }
        if kind == .sealRegistrationCertificate && !requester.sealCardPresented { refuse(.sealCardRequired) }
    }
}

extension CivilDate {
    /// Completed years from `birth` to `date`.
    public static func age(of birth: CivilDate, on date: CivilDate) -> Int {
        var age = date.year - birth.year
        if (date.month, date.day) < (birth.month, birth.day) { age -= 1 }
        return age
    }
}
