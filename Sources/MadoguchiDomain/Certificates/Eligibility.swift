/// The outcome of the rules for one request.
public struct EligibilityDecision: Sendable, Hashable {
    /// Every reason that applies, most fundamental first; empty when the certificate may be issued.
    public var refusals: [RefusalReason]
    /// The fee, when approved
    public var fee: Fee?
    /// The optional items that will print
    public var printedItems: Set<OptionalItem>
    /// 本人通知: the subject is to be told who obtained the certificate
    public var holderNotification: Bool

    public var isApproved: Bool { refusals.isEmpty }
}

/// 証明書交付の可否: the catalogue's rules, table-driven and pure.
///
/// Sources: 住民基本台帳法 §12 (本人・同一世帯), §12の2 (国等), §12の3 (第三者・職務上請求), §20 (附票);
/// 戸籍法 §10, §10の2; 番号法 (個人番号の提供制限); 支援措置 (住民基本台帳事務処理要領);
/// コンビニ交付 service rules (J-LIS).
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
    public static let requestersByKind: [CertificateKind: Set<RequesterClass>] = [
        .residentRecordCopy: Set(RequesterClass.allCases),
        .residentRecordExtract: Set(RequesterClass.allCases),
        .removedRecord: Set(RequesterClass.allCases),
        // The 印鑑登録証 is the authority: whoever holds it asks; no third party or agency.
        .sealRegistrationCertificate: [.self, .householdMember, .proxy],
        // Tax data is confidential (地方税法 §22): the person, the household, a proxy, an agency;
        // a third party only as an heir of a deceased person.
        .taxCertificate: [.self, .householdMember, .proxy, .thirdParty, .government],
        .familyRegisterFull: Set(RequesterClass.allCases),
        .familyRegisterIndividual: Set(RequesterClass.allCases),
        .familyRegisterAnnex: Set(RequesterClass.allCases),
    ]

    /// Classes to whom 個人番号 and 住民票コード may be printed.
    static let identifierRequesters: Set<RequesterClass> = [.self, .householdMember, .proxy]

    /// Classes whose requests trigger 本人通知.
    public static let notifiedClasses: Set<RequesterClass> = [.proxy, .thirdParty, .professional]

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
        if !kind.isResidentRecord && !options.items.isEmpty { refuse(.optionNotForKind) }

        guard let facts else {
            refuse(.subjectNotFound)
            return EligibilityDecision(refusals: refusals, fee: nil, printedItems: [], holderNotification: false)
        }

        // 支援措置 first: the other party is refused everywhere, whatever else applies.
        if let id = requester.residentId, facts.supportMeasureOtherPartyIds.contains(id) {
            refusals.insert(.supportMeasureOtherParty, at: 0)
        } else if let name = requester.name.map(NameFolding.searchKey),
            facts.supportMeasureOtherPartyNames.map(NameFolding.searchKey).contains(name)
        {
            refusals.insert(.supportMeasureOtherParty, at: 0)
        }
        if facts.supportMeasureActive && (cls == .thirdParty || cls == .professional) {
            refuse(.supportMeasureProtected)
        }

        // Who may obtain this kind.
        var allowed = requestersByKind[kind] ?? []
        if kind == .taxCertificate && facts.removal != .died { allowed.remove(.thirdParty) }
        if !allowed.contains(cls) { refuse(.requesterNotAllowed) }
        // 本人 means the subject: a card or a person who is someone else is not 本人.
        if cls == .self, let id = requester.residentId, id != facts.residentId { refuse(.requesterNotAllowed) }

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
        if kind.isResidentRecord && options.scope == .individual {
            let chosen = Set(options.memberIds)
            if !chosen.isSubset(of: facts.householdMemberIds) { refuse(.memberNotInHousehold) }
        }

        // Unattended channels: the machine cannot see who stands at it.
        if channel.isUnattended {
            if facts.supportMeasureActive { refuse(.supportMeasureSubjectUnattended) }
            if CivilDate.age(of: facts.birthDate, on: request.date) < 15 { refuse(.underAgeUnattended) }
            if facts.moveOutFiled { refuse(.moveOutFiled) }
            if facts.nameHasPendingGaiji { refuse(.gaijiPending) }
            if options.items.contains(.individualNumber) { refuse(.individualNumberUnattended) }
            if options.items.contains(.residentRecordCode) { refuse(.residentRecordCodeUnattended) }
        } else {
            // Attended channels: the clerk checks the person and the papers.
            checkDocuments(request, facts, refuse)
        }

        // 個人番号・住民票コード.
        let identifiers: Set<OptionalItem> = [.individualNumber, .residentRecordCode]
        if !options.items.isDisjoint(with: identifiers) {
            if !identifierRequesters.contains(cls) {
                refuse(.identifiersNotForRequester)
            } else if cls == .proxy && options.items.contains(.individualNumber) && channel != .post {
                refuse(.individualNumberProxyPostOnly)
            }
        }

        guard refusals.isEmpty else {
            return EligibilityDecision(refusals: refusals, fee: nil, printedItems: [], holderNotification: false)
        }
        let rule = fees.rule(for: kind, at: channel, on: request.date)
        var waiver: FeeWaiver?
        if channel == .counter || channel == .post {
            waiver = cls == .government ? .official : requester.feeWaiver
        }
        let fee = Fee(perCopy: rule?.yen ?? 0, copies: options.copies, waiver: waiver, label: rule?.label ?? "")
        return EligibilityDecision(
            refusals: [], fee: fee, printedItems: kind.isResidentRecord ? options.items : [],
            holderNotification: facts.holderNotification && notifiedClasses.contains(cls))
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
                guard let id = requester.residentId, facts.familyRegisterMemberIds.contains(id) else {
                    refuse(.notInFamilyRegister)
                    break
                }
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
