/// Why a certificate is not issued. Refusals are data: each has a stable code (`refusal.*`),
/// a Japanese message for the window and the resident, and an English one.
public enum RefusalReason: String, Sendable, Codable, CaseIterable {
    // 支援措置
    /// The requester is the other party named in a 支援措置: refused on every channel.
    case supportMeasureOtherParty
    /// The subject is protected by a 支援措置: kiosks and machines cannot check who prints.
    case supportMeasureSubjectUnattended
    /// A third party or professional asks for a certificate that shows a protected person.
    case supportMeasureProtected
    /// A proxy or a postal request for a certificate that shows a protected person: the person applies in person.
    case supportMeasureInPersonOnly
    // The subject's state
    case subjectNotFound
    /// Kiosks serve from the 15th birthday (a card PIN holder's own request).
    case underAgeUnattended
    /// 転出届 filed: the card's certificate is being revoked, so stores stop serving.
    case moveOutFiled
    /// The subject has died: the 住民票 is now a 除票.
    case deceased
    /// The subject moved away: the 住民票 is now a 除票.
    case movedOut
    /// A 除票の写し was asked for a current resident.
    case notRemoved
    /// A 除票の写し to anyone but the person (or their proxy), an agency or a third party with a reason (住基法 §15の4).
    case removedRecordThirdPartyOnly
    /// A proxy for a person who has died: the mandate ended with the death (民法 §653).
    case mandateEndedByDeath
    /// The name holds a 外字 still pending registration: it cannot print unattended.
    case gaijiPending
    // Items
    case individualNumberUnattended
    case residentRecordCodeUnattended
    /// 個人番号 or 住民票コード to anyone but the person or their household.
    case identifiersNotForRequester
    /// 個人番号 or 住民票コード of a person who has died: never printed.
    case identifiersOfDeceased
    /// A proxy asked for 個人番号: it is sent by post to the resident's address only.
    case individualNumberProxyPostOnly
    // The requester
    /// A request as 本人 that does not name the subject's own record, or names another's.
    case selfNotSubject
    /// A third party, professional or agency asked for more than the basic items without saying why (住基法 §12の3⑦).
    case statedNeedRequired
    case identityNotVerified
    case powerOfAttorneyRequired
    case notSameHousehold
    case requesterNotAllowed
    case reasonRequired
    case supportingDocumentsRequired
    case professionalFormRequired
    case officialFormRequired
    case notInFamilyRegister
    // The record asked for
    case noSealRegistration
    case sealCardRequired
    case fiscalYearRequired
    case noTaxAssessment
    case noFamilyRegisterHere
    case memberNotInHousehold
    // 広域交付
    /// Another city's counter prints the 住民票の写し and the 戸籍全部事項証明 (除籍 included) only.
    case wideAreaKindNotAvailable
    /// Another city's counter serves the person and the 本人等 in person only.
    case wideAreaInPersonOnly
    /// Another city's counter needs a photo identity document issued by a public authority.
    case wideAreaPhotoIdentityRequired
    /// A 広域交付住民票 does not print 本籍・筆頭者, 個人番号 or 住民票コード.
    case wideAreaItemNotPrintable
    // The request
    case kindNotAtChannel
    case copiesOutOfRange
    case optionNotForKind

    public var code: String { "refusal.\(rawValue)" }

    /// The reason a stable code names (`refusal.underAgeUnattended`), or `nil` for any other text.
    public init?(code: String) {
        guard code.hasPrefix("refusal.") else { return nil }
        self.init(rawValue: String(code.dropFirst("refusal.".count)))
    }

    public var japanese: String {
        switch self {
        case .supportMeasureOtherParty: "支援措置の対象となっている方が記載される証明書は、申出のあった相手方には交付できません。"
        case .supportMeasureSubjectUnattended: "支援措置を受けている方の証明書は、コンビニ交付・自動交付機では発行できません。窓口でご請求ください。"
        case .supportMeasureProtected: "支援措置の対象となっている方が記載される証明書は、第三者・職務上請求では交付できません。"
        case .supportMeasureInPersonOnly: "支援措置の対象となっている方が記載される証明書は、代理人や郵送では請求できません。ご本人が窓口で請求してください。"
        case .subjectNotFound: "該当する住民記録がありません。"
        case .underAgeUnattended: "15歳未満の方はコンビニ交付・自動交付機をご利用いただけません。"
        case .moveOutFiled: "転出の届出をされた方は、コンビニ交付をご利用いただけません。窓口でご請求ください。"
        case .deceased: "お亡くなりになった方の住民票はありません。除票の写しをご請求ください。"
        case .movedOut: "転出された方の住民票はありません。除票の写しをご請求ください。"
        case .notRemoved: "現在お住まいの方の除票はありません。住民票の写しをご請求ください。"
        case .removedRecordThirdPartyOnly: "除票の写しは、ご本人（委任を受けた代理人を含む）以外の方は、第三者として請求事由と疎明資料を添えて請求してください。"
        case .mandateEndedByDeath: "委任はご本人の死亡により終了しているため、代理人としての請求はできません。"
        case .gaijiPending: "氏名に登録手続中の文字があるため、コンビニ交付・自動交付機では発行できません。窓口でご請求ください。"
        case .individualNumberUnattended: "個人番号入りの住民票はコンビニ交付・自動交付機では発行できません。"
        case .residentRecordCodeUnattended: "住民票コード入りの住民票はコンビニ交付・自動交付機では発行できません。"
        case .identifiersNotForRequester: "個人番号・住民票コードの記載は、本人または同一世帯の方の請求に限ります。"
        case .identifiersOfDeceased: "お亡くなりになった方の個人番号・住民票コードは記載できません。"
        case .individualNumberProxyPostOnly: "代理人による個人番号入りの住民票の請求は、ご本人の住所へ郵送でお送りします。窓口ではお渡しできません。"
        case .selfNotSubject: "本人としての請求は、証明書に記載されるご本人が、ご自身の住民記録を示して請求する場合に限ります。"
        case .statedNeedRequired: "氏名・生年月日・性別・住所以外の記載を求めるときは、その記載が必要な理由を記入してください。"
        case .identityNotVerified: "本人確認書類（顔写真付き1点、またはそれ以外2点）が必要です。"
        case .powerOfAttorneyRequired: "代理人による請求には委任状が必要です。"
        case .notSameHousehold: "同一世帯の方ではありません。委任状をお持ちください。"
        case .requesterNotAllowed: "この証明書はこの請求者区分では請求できません。"
        case .reasonRequired: "第三者による請求には請求事由の記載が必要です。"
        case .supportingDocumentsRequired: "第三者による請求には、請求事由を明らかにする資料（疎明資料）が必要です。"
        case .professionalFormRequired: "職務上請求には職務上請求書と資格者証が必要です。"
        case .officialFormRequired: "公用請求には公用請求書と職員証が必要です。"
        case .notInFamilyRegister: "請求者がこの戸籍に記載されている方・その配偶者・直系親族であることを確認できません。"
        case .noSealRegistration: "印鑑登録がありません。"
        case .sealCardRequired: "印鑑登録証明書の請求には印鑑登録証（カード）が必要です。"
        case .fiscalYearRequired: "所得・課税証明書の年度を指定してください。"
        case .noTaxAssessment: "指定された年度の課税記録がありません。"
        case .noFamilyRegisterHere: "本籍がこの市にないため、戸籍の証明書は本籍地の市区町村にご請求ください。"
        case .memberNotInHousehold: "指定された方はこの世帯に属していません。"
        case .wideAreaKindNotAvailable: "広域交付で請求できるのは、住民票の写しと戸籍（除籍）の全部事項証明書です。"
        case .wideAreaInPersonOnly: "広域交付は、ご本人または同一世帯・配偶者・直系の方が窓口に来られた場合に限ります（代理人・郵送・第三者は不可）。"
        case .wideAreaPhotoIdentityRequired: "広域交付には、顔写真付きの本人確認書類（マイナンバーカード・運転免許証等）が必要です。"
        case .wideAreaItemNotPrintable: "広域交付の住民票には本籍・筆頭者、個人番号、住民票コードを記載できません。住所地の市区町村でご請求ください。"
        case .kindNotAtChannel: "この証明書はこの窓口では取り扱っていません。"
        case .copiesOutOfRange: "通数は1通から10通までです。"
        case .optionNotForKind: "この証明書では指定できない記載事項です。"
        }
    }

    public var english: String {
        switch self {
        case .supportMeasureOtherParty: "The certificate shows a person protected by a support measure against this requester."
        case .supportMeasureSubjectUnattended: "A person under a support measure cannot use store kiosks or machines; ask at a counter."
        case .supportMeasureProtected: "The certificate shows a person under a support measure: third-party and professional requests are refused."
        case .supportMeasureInPersonOnly: "The certificate shows a person under a support measure: no proxy or postal requests; the person applies in person."
        case .subjectNotFound: "No such resident record."
        case .underAgeUnattended: "Kiosks and machines serve people aged 15 and over."
        case .moveOutFiled: "A move-out has been filed: store issuance is no longer available; ask at a counter."
        case .deceased: "The person has died: request the removed record instead."
        case .movedOut: "The person has moved away: request the removed record instead."
        case .notRemoved: "The person is a current resident: request the resident record instead."
        case .removedRecordThirdPartyOnly: "Only the person (or their proxy) asks for a removed record without a reason; others ask as a third party with a reason and documents."
        case .mandateEndedByDeath: "A mandate ends with the person's death: no proxy request."
        case .gaijiPending: "The name holds a character still being registered: ask at a counter."
        case .individualNumberUnattended: "Records with the individual number are not issued at kiosks or machines."
        case .residentRecordCodeUnattended: "Records with the resident record code are not issued at kiosks or machines."
        case .identifiersNotForRequester: "The individual number and record code are printed only for the person or their household."
        case .identifiersOfDeceased: "A deceased person's individual number and record code are never printed."
        case .individualNumberProxyPostOnly: "For a proxy, a record with the individual number is posted to the person's address."
        case .selfNotSubject: "A request as the person must come from the subject, naming their own record."
        case .statedNeedRequired: "Items beyond name, birth date, sex and address need a stated reason."
        case .identityNotVerified: "Identity not verified: one photo ID or two other documents are needed."
        case .powerOfAttorneyRequired: "A proxy needs a letter of attorney."
        case .notSameHousehold: "The requester is not in the subject's household; a letter of attorney is needed."
        case .requesterNotAllowed: "This requester class cannot obtain this certificate."
        case .reasonRequired: "A third party must state the reason for the request."
        case .supportingDocumentsRequired: "A third party must show documents supporting the reason."
        case .professionalFormRequired: "A professional request needs the official request form and licence."
        case .officialFormRequired: "An official request needs the agency's request form and staff ID."
        case .notInFamilyRegister: "The requester is not shown to be in the family register, a spouse or a lineal relative."
        case .noSealRegistration: "No seal is registered."
        case .sealCardRequired: "The seal registration card is required."
        case .fiscalYearRequired: "Give the fiscal year of the tax certificate."
        case .noTaxAssessment: "No assessment for that fiscal year."
        case .noFamilyRegisterHere: "The family register is kept by another municipality (where the 本籍 is)."
        case .memberNotInHousehold: "A chosen person is not in this household."
        case .wideAreaKindNotAvailable: "Another city's counter issues only the resident record copy and the full family register (closed ones included)."
        case .wideAreaInPersonOnly: "Another city's counter serves the person, the household and the spouse or lineal relatives in person only."
        case .wideAreaPhotoIdentityRequired: "Another city's counter needs a photo identity document issued by a public authority."
        case .wideAreaItemNotPrintable: "A resident record issued by another city prints no permanent domicile, individual number or record code; ask the city of residence."
        case .kindNotAtChannel: "This certificate is not issued through this channel."
        case .copiesOutOfRange: "Copies must be 1 to 10."
        case .optionNotForKind: "That item cannot be chosen for this certificate."
        }
    }

    public var error: MadoguchiError { MadoguchiError(.init(code), ja: japanese, en: english) }
}
