/// The certificates the city issues.
public enum CertificateKind: String, Sendable, Codable, CaseIterable {
    /// 住民票の写し
    case residentRecordCopy
    /// 住民票記載事項証明書
    case residentRecordExtract
    /// 除票の写し
    case removedRecord
    /// 印鑑登録証明書
    case sealRegistrationCertificate
    /// 所得・課税証明書
    case taxCertificate
    /// 戸籍全部事項証明書（戸籍謄本）
    case familyRegisterFull
    /// 戸籍個人事項証明書（戸籍抄本）
    case familyRegisterIndividual
    /// 戸籍の附票の写し
    case familyRegisterAnnex

    public var japanese: String {
        switch self {
        case .residentRecordCopy: "住民票の写し"
        case .residentRecordExtract: "住民票記載事項証明書"
        case .removedRecord: "除票の写し"
        case .sealRegistrationCertificate: "印鑑登録証明書"
        case .taxCertificate: "所得・課税証明書"
        case .familyRegisterFull: "戸籍全部事項証明書"
        case .familyRegisterIndividual: "戸籍個人事項証明書"
        case .familyRegisterAnnex: "戸籍の附票の写し"
        }
    }

    public var english: String {
        switch self {
        case .residentRecordCopy: "copy of the resident record"
        case .residentRecordExtract: "certificate of resident record entries"
        case .removedRecord: "copy of the removed resident record"
        case .sealRegistrationCertificate: "seal registration certificate"
        case .taxCertificate: "income and tax certificate"
        case .familyRegisterFull: "family register, all entries"
        case .familyRegisterIndividual: "family register, one person's entries"
        case .familyRegisterAnnex: "copy of the family register annex"
        }
    }

    /// Kinds drawn from the 住民基本台帳 (the resident's own record).
    public var isResidentRecord: Bool { [.residentRecordCopy, .residentRecordExtract, .removedRecord].contains(self) }

    /// Kinds drawn from the 戸籍 (kept where the 本籍 is).
    public var isFamilyRegister: Bool { [.familyRegisterFull, .familyRegisterIndividual, .familyRegisterAnnex].contains(self) }
}

/// Where a certificate is requested.
public enum Channel: String, Sendable, Codable, CaseIterable {
    /// 窓口 (区役所, 支所, 出張所, 行政サービスコーナー)
    case counter
    /// コンビニ交付 (store kiosk with the My Number card)
    case kiosk
    /// 自動交付機
    case automaticMachine
    /// 郵便局 (staff request on the resident's behalf)
    case postOffice
    /// 郵送請求
    case post
    /// オンライン申請 (electronic delivery)
    case online

    public var japanese: String {
        switch self {
        case .counter: "窓口"
        case .kiosk: "コンビニ交付"
        case .automaticMachine: "自動交付機"
        case .postOffice: "郵便局"
        case .post: "郵送請求"
        case .online: "オンライン申請"
        }
    }

    /// Unattended channels: no clerk looks at the person, so the strict kiosk rules apply.
    public var isUnattended: Bool { self == .kiosk || self == .automaticMachine }
}

/// 住民票の写しの範囲: 世帯全員 or 一部.
public enum RecordScope: String, Sendable, Codable, CaseIterable {
    /// 世帯全員
    case household
    /// 一部 (the subject, or chosen members)
    case individual
}

/// 様式: 個人票 (one person a sheet) or 世帯連記式 (up to 4 persons a sheet).
public enum RecordLayout: String, Sendable, Codable, CaseIterable {
    case individualSheet
    case householdSheet
}

/// Items printed on a 住民票 only when asked for (省略可能事項).
public enum OptionalItem: String, Sendable, Codable, CaseIterable, Comparable {
    /// 本籍・筆頭者
    case permanentDomicile
    /// 続柄
    case relationship
    /// 個人番号
    case individualNumber
    /// 住民票コード
    case residentRecordCode
    /// 旧氏
    case formerFamilyName
    /// 従前の住所
    case previousAddress

    public var japanese: String {
        switch self {
        case .permanentDomicile: "本籍・筆頭者"
        case .relationship: "続柄"
        case .individualNumber: "個人番号"
        case .residentRecordCode: "住民票コード"
        case .formerFamilyName: "旧氏"
        case .previousAddress: "従前の住所"
        }
    }

    public static func < (a: OptionalItem, b: OptionalItem) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }
}

/// What the requester chose beyond the kind.
public struct CertificateOptions: Sendable, Codable, Hashable {
    public var scope: RecordScope
    /// For `.individual`: the household members to include (the subject when empty).
    public var memberIds: [Int64]
    public var layout: RecordLayout
    public var items: Set<OptionalItem>
    /// 所得・課税証明書: the fiscal year of assessment
    public var fiscalYear: FiscalYear?
    public var copies: Int

    public init(
        scope: RecordScope = .individual, memberIds: [Int64] = [], layout: RecordLayout = .individualSheet,
        items: Set<OptionalItem> = [], fiscalYear: FiscalYear? = nil, copies: Int = 1
    ) {
        self.scope = scope
        self.memberIds = memberIds
        self.layout = layout
        self.items = items
        self.fiscalYear = fiscalYear
        self.copies = copies
    }

    /// Copies one request may take at a time.
    public static let maximumCopies = 10
}
