import Foundation

/// Who asks for a certificate (請求者の区分).
public enum RequesterClass: String, Sendable, Codable, CaseIterable {
    /// 本人
    case `self`
    /// 同一世帯員
    case householdMember
    /// 代理人 (with a 委任状)
    case proxy
    /// 第三者 (住基法 §12の3, 戸籍法 §10の2: with a reason and documents)
    case thirdParty
    /// 職務上請求 (弁護士, 司法書士 … with the 職務上請求書)
    case professional
    /// 国・地方公共団体の機関 (住基法 §12の2: 公用請求)
    case government

    public var japanese: String {
        switch self {
        case .self: "本人"
        case .householdMember: "同一世帯員"
        case .proxy: "代理人"
        case .thirdParty: "第三者"
        case .professional: "職務上請求"
        case .government: "国・地方公共団体（公用請求）"
        }
    }
}

/// 本人確認書類: what the clerk checked.
public enum IdentityDocument: String, Sendable, Codable, CaseIterable {
    // One is enough (官公署発行の顔写真付き)
    case myNumberCard, driversLicense, passport, residenceCard, disabilityCertificate, drivingRecordCertificate
    // Two are needed
    case healthInsuranceCard, pensionBook, studentCard, employeeCard, bankCard
    /// 資格者証・補助者証 (for a professional request)
    case professionalLicense
    /// 職員証 (for an official request)
    case officialIdentification

    public var japanese: String {
        switch self {
        case .myNumberCard: "マイナンバーカード"
        case .driversLicense: "運転免許証"
        case .passport: "旅券"
        case .residenceCard: "在留カード"
        case .disabilityCertificate: "身体障害者手帳"
        case .drivingRecordCertificate: "運転経歴証明書"
        case .healthInsuranceCard: "健康保険の資格確認書"
        case .pensionBook: "年金手帳"
        case .studentCard: "学生証"
        case .employeeCard: "社員証"
        case .bankCard: "キャッシュカード"
        case .professionalLicense: "資格者証"
        case .officialIdentification: "職員証"
        }
    }

    /// A photo identity card issued by a public authority: one suffices.
    public var isPhotoIdentity: Bool {
        switch self {
        case .myNumberCard, .driversLicense, .passport, .residenceCard, .disabilityCertificate,
            .drivingRecordCertificate, .professionalLicense, .officialIdentification:
            true
        default: false
        }
    }

    /// 本人確認: one photo identity document, or two others.
    public static func suffices(_ documents: Set<IdentityDocument>) -> Bool {
        documents.contains { $0.isPhotoIdentity } || documents.count >= 2
    }
}

/// 職務上請求 professions (住基法 §12の3②, 戸籍法 §10の2③).
public enum Profession: String, Sendable, Codable, CaseIterable {
    case attorney, judicialScrivener, landAndHouseInvestigator, taxAccountant, laborConsultant, patentAttorney
    case maritimeProcedureAgent, administrativeScrivener

    public var japanese: String {
        switch self {
        case .attorney: "弁護士"
        case .judicialScrivener: "司法書士"
        case .landAndHouseInvestigator: "土地家屋調査士"
        case .taxAccountant: "税理士"
        case .laborConsultant: "社会保険労務士"
        case .patentAttorney: "弁理士"
        case .maritimeProcedureAgent: "海事代理士"
        case .administrativeScrivener: "行政書士"
        }
    }
}

/// What a 職務上請求 is for: the 本人通知 of some cities leaves out requests made for a dispute's proceedings.
public enum ProfessionalPurpose: String, Sendable, Codable, CaseIterable {
    /// 受任している事件又は事務の依頼者の権利行使等 (住基法 §12の3②, 戸籍法 §10の2③)
    case commissionedAffairs
    /// 紛争処理手続の代理業務 (住基法 §12の3③, 戸籍法 §10の2④: 訴訟・調停・審判 …)
    case disputeRepresentation

    public var japanese: String {
        switch self {
        case .commissionedAffairs: "受任事件・事務（依頼者の権利行使等）"
        case .disputeRepresentation: "紛争処理手続の代理業務"
        }
    }
}

/// The person or body asking, and what the clerk checked.
public struct Requester: Sendable, Codable, Hashable {
    public var requesterClass: RequesterClass
    /// The requester's own 住民票 here, when they are a resident (self, household member, other party checks)
    public var residentId: Int64?
    /// Name as written on the request (for proxies, third parties, professionals, agencies)
    public var name: String?
    public var identityDocuments: Set<IdentityDocument>
    /// 委任状 presented (proxy)
    public var powerOfAttorney: Bool
    /// 印鑑登録証（カード）presented (seal certificates at a counter)
    public var sealCardPresented: Bool
    /// 請求事由 (third party: the reason; professional: the purpose)
    public var reason: String?
    /// 疎明資料 (documents showing the reason: a contract, a court filing …)
    public var supportingDocuments: Bool
    /// 職務上請求: the profession and the 職務上請求書
    public var profession: Profession?
    public var professionalForm: Bool
    /// 公用請求: the agency and its 公用請求書
    public var agency: String?
    public var officialForm: Bool
    /// 手数料免除: 生活保護 etc., with the document (counter only)
    public var feeWaiver: FeeWaiver?
    /// 基礎証明事項（氏名・生年月日・性別・住所）以外の記載を必要とする理由 (住基法 §12の3⑦, §12の2④): without it a
    /// third party, a professional or an agency gets the basic items only
    public var statedNeed: String?
    /// 戸籍法 §10 / 住基法 §20: the clerk saw 戸籍 certificates showing the requester is the spouse or a lineal relative
    /// of a person recorded in the 戸籍 (when the city's own registers do not show it)
    public var kinshipDocuments: Bool
    /// 職務上請求: what the request is for
    public var professionalPurpose: ProfessionalPurpose?

    public init(
        _ requesterClass: RequesterClass, residentId: Int64? = nil, name: String? = nil,
        identityDocuments: Set<IdentityDocument> = [], powerOfAttorney: Bool = false, sealCardPresented: Bool = false,
        reason: String? = nil, supportingDocuments: Bool = false, profession: Profession? = nil,
        professionalForm: Bool = false, agency: String? = nil, officialForm: Bool = false, feeWaiver: FeeWaiver? = nil,
        statedNeed: String? = nil, kinshipDocuments: Bool = false, professionalPurpose: ProfessionalPurpose? = nil
    ) {
        self.requesterClass = requesterClass
        self.residentId = residentId
        self.name = name
        self.identityDocuments = identityDocuments
        self.powerOfAttorney = powerOfAttorney
        self.sealCardPresented = sealCardPresented
        self.reason = reason
        self.supportingDocuments = supportingDocuments
        self.profession = profession
        self.professionalForm = professionalForm
        self.agency = agency
        self.officialForm = officialForm
        self.feeWaiver = feeWaiver
        self.statedNeed = statedNeed
        self.kinshipDocuments = kinshipDocuments
        self.professionalPurpose = professionalPurpose
    }

    enum CodingKeys: String, CodingKey {
        case requesterClass, residentId, name, identityDocuments, powerOfAttorney, sealCardPresented, reason
        case supportingDocuments, profession, professionalForm, agency, officialForm, feeWaiver, statedNeed
        case kinshipDocuments, professionalPurpose
    }

    /// Reads requesters stored before a field existed: a missing flag is false, a missing value nil.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            try c.decode(RequesterClass.self, forKey: .requesterClass),
            residentId: try c.decodeIfPresent(Int64.self, forKey: .residentId),
            name: try c.decodeIfPresent(String.self, forKey: .name),
            identityDocuments: try c.decodeIfPresent(Set<IdentityDocument>.self, forKey: .identityDocuments) ?? [],
            powerOfAttorney: try c.decodeIfPresent(Bool.self, forKey: .powerOfAttorney) ?? false,
            sealCardPresented: try c.decodeIfPresent(Bool.self, forKey: .sealCardPresented) ?? false,
            reason: try c.decodeIfPresent(String.self, forKey: .reason),
            supportingDocuments: try c.decodeIfPresent(Bool.self, forKey: .supportingDocuments) ?? false,
            profession: try c.decodeIfPresent(Profession.self, forKey: .profession),
            professionalForm: try c.decodeIfPresent(Bool.self, forKey: .professionalForm) ?? false,
            agency: try c.decodeIfPresent(String.self, forKey: .agency),
            officialForm: try c.decodeIfPresent(Bool.self, forKey: .officialForm) ?? false,
            feeWaiver: try c.decodeIfPresent(FeeWaiver.self, forKey: .feeWaiver),
            statedNeed: try c.decodeIfPresent(String.self, forKey: .statedNeed),
            kinshipDocuments: try c.decodeIfPresent(Bool.self, forKey: .kinshipDocuments) ?? false,
            professionalPurpose: try c.decodeIfPresent(ProfessionalPurpose.self, forKey: .professionalPurpose))
    }

    /// Writes only what was given, so a requester stored before these fields existed keeps its digest.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(requesterClass, forKey: .requesterClass)
        try c.encodeIfPresent(residentId, forKey: .residentId)
        try c.encodeIfPresent(name, forKey: .name)
        try c.encode(identityDocuments, forKey: .identityDocuments)
        try c.encode(powerOfAttorney, forKey: .powerOfAttorney)
        try c.encode(sealCardPresented, forKey: .sealCardPresented)
        try c.encodeIfPresent(reason, forKey: .reason)
        try c.encode(supportingDocuments, forKey: .supportingDocuments)
        try c.encodeIfPresent(profession, forKey: .profession)
        try c.encode(professionalForm, forKey: .professionalForm)
        try c.encodeIfPresent(agency, forKey: .agency)
        try c.encode(officialForm, forKey: .officialForm)
        try c.encodeIfPresent(feeWaiver, forKey: .feeWaiver)
        try c.encodeIfPresent(statedNeed, forKey: .statedNeed)
        if kinshipDocuments { try c.encode(kinshipDocuments, forKey: .kinshipDocuments) }
        try c.encodeIfPresent(professionalPurpose, forKey: .professionalPurpose)
    }

    /// 基礎証明事項以外の記載を必要とする理由 was given.
    public var hasStatedNeed: Bool { !(statedNeed ?? "").trimmingCharacters(in: .whitespacesAndNewlines).isEmpty }
}
