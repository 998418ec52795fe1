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

    public init(
        _ requesterClass: RequesterClass, residentId: Int64? = nil, name: String? = nil,
        identityDocuments: Set<IdentityDocument> = [], powerOfAttorney: Bool = false, sealCardPresented: Bool = false,
        reason: String? = nil, supportingDocuments: Bool = false, profession: Profession? = nil,
        professionalForm: Bool = false, agency: String? = nil, officialForm: Bool = false, feeWaiver: FeeWaiver? = nil
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
    }
}
