/// 印鑑登録: a registered seal with its number and image.
public struct SealRegistration: Hashable, Sendable, Codable, Identifiable {
    public var id: Int64?
    public var residentId: Int64
    /// 登録番号
    public var registrationNumber: String
    /// 登録日
    public var registeredOn: CivilDate
    /// 印影: an image of the seal (SVG or PNG bytes) with its media type
    public var sealImage: [UInt8]
    public var sealImageType: String
    /// 廃止日
    public var abolishedOn: CivilDate?

    public init(
        id: Int64? = nil, residentId: Int64, registrationNumber: String, registeredOn: CivilDate,
        sealImage: [UInt8], sealImageType: String, abolishedOn: CivilDate? = nil
    ) {
        self.id = id
        self.residentId = residentId
        self.registrationNumber = registrationNumber
        self.registeredOn = registeredOn
        self.sealImage = sealImage
        self.sealImageType = sealImageType
        self.abolishedOn = abolishedOn
    }
}

/// 所得・課税: one fiscal year's assessment of a resident (amounts in yen).
public struct TaxAssessment: Hashable, Sendable, Codable, Identifiable {
    public var id: Int64?
    public var residentId: Int64
    /// 課税年度
    public var fiscalYear: FiscalYear
    /// 給与収入等の収入金額
    public var grossIncome: Int
    /// 合計所得金額
    public var totalIncome: Int
    /// 課税標準額
    public var taxableIncome: Int
    /// 市民税 所得割 + 均等割
    public var municipalTax: Int
    /// 県民税 所得割 + 均等割
    public var prefecturalTax: Int

    public init(
        id: Int64? = nil, residentId: Int64, fiscalYear: FiscalYear, grossIncome: Int, totalIncome: Int,
        taxableIncome: Int, municipalTax: Int, prefecturalTax: Int
    ) {
        self.id = id
        self.residentId = residentId
        self.fiscalYear = fiscalYear
        self.grossIncome = grossIncome
        self.totalIncome = totalIncome
        self.taxableIncome = taxableIncome
        self.municipalTax = municipalTax
        self.prefecturalTax = prefecturalTax
    }
}

/// 戸籍: a family register kept at its 本籍.
public struct FamilyRegister: Hashable, Sendable, Codable, Identifiable {
    public var id: Int64?
    /// 本籍
    public var permanentDomicile: String
    /// 筆頭者 氏名
    public var headName: String
    /// 編製日
    public var createdOn: CivilDate

    public init(id: Int64? = nil, permanentDomicile: String, headName: String, createdOn: CivilDate) {
        self.id = id
        self.permanentDomicile = permanentDomicile
        self.headName = headName
        self.createdOn = createdOn
    }
}

/// A person in a 戸籍 (戸籍に記録されている者).
public struct FamilyRegisterMember: Hashable, Sendable, Codable, Identifiable {
    public var id: Int64?
    public var familyRegisterId: Int64
    /// The person's 住民票 in this city, if they live here
    public var residentId: Int64?
    public var name: PersonName
    public var birthDate: CivilDate
    public var sex: Sex
    /// 続柄 in the register: 長男, 長女, 妻 …
    public var relationship: String
    public var fatherName: String?
    public var motherName: String?
    /// 除籍日 (married out, died …)
    public var leftOn: CivilDate?

    public init(
        id: Int64? = nil, familyRegisterId: Int64, residentId: Int64?, name: PersonName, birthDate: CivilDate,
        sex: Sex, relationship: String, fatherName: String?, motherName: String?, leftOn: CivilDate? = nil
    ) {
        self.id = id
        self.familyRegisterId = familyRegisterId
        self.residentId = residentId
        self.name = name
        self.birthDate = birthDate
        self.sex = sex
        self.relationship = relationship
        self.fatherName = fatherName
        self.motherName = motherName
        self.leftOn = leftOn
    }
}

/// 身分事項: an event written in a 戸籍.
public struct FamilyRegisterEvent: Hashable, Sendable, Codable, Identifiable {
    public enum Kind: String, Sendable, Codable, CaseIterable {
        case creation, birth, marriage, divorce, adoption, death, transfer
        /// 編製, 出生, 婚姻, 離婚, 養子縁組, 死亡, 転籍
        public var japanese: String {
            switch self {
            case .creation: "編製"
            case .birth: "出生"
            case .marriage: "婚姻"
            case .divorce: "離婚"
            case .adoption: "養子縁組"
            case .death: "死亡"
            case .transfer: "転籍"
            }
        }
    }

    public var id: Int64?
    public var familyRegisterId: Int64
    public var memberId: Int64?
    public var kind: Kind
    public var occurredOn: CivilDate
    public var detail: String

    public init(
        id: Int64? = nil, familyRegisterId: Int64, memberId: Int64?, kind: Kind, occurredOn: CivilDate, detail: String
    ) {
        self.id = id
        self.familyRegisterId = familyRegisterId
        self.memberId = memberId
        self.kind = kind
        self.occurredOn = occurredOn
        self.detail = detail
    }
}

/// 戸籍の附票: the addresses a register member has lived at, with the date each was set.
public struct FamilyRegisterAnnexEntry: Hashable, Sendable, Codable, Identifiable {
    public var id: Int64?
    public var memberId: Int64
    public var address: String
    /// 住所を定めた年月日
    public var since: CivilDate

    public init(id: Int64? = nil, memberId: Int64, address: String, since: CivilDate) {
        self.id = id
        self.memberId = memberId
        self.address = address
        self.since = since
    }
}

/// 支援措置 (DV・ストーカー・児童虐待等の被害者支援): the subject's records are withheld from the other party.
public struct SupportMeasure: Hashable, Sendable, Codable, Identifiable {
    public var id: Int64?
    /// 申出者 (the protected resident)
    public var subjectId: Int64
    /// 加害者: as the application names them
    public var otherPartyName: String
    public var otherPartyBirthDate: CivilDate?
    /// The other party's 住民票 here, when matched
    public var otherPartyResidentId: Int64?
    /// 支援期間 (normally a year, renewable)
    public var termStart: CivilDate
    public var termEnd: CivilDate

    public init(
        id: Int64? = nil, subjectId: Int64, otherPartyName: String, otherPartyBirthDate: CivilDate?,
        otherPartyResidentId: Int64?, termStart: CivilDate, termEnd: CivilDate
    ) {
        self.id = id
        self.subjectId = subjectId
        self.otherPartyName = otherPartyName
        self.otherPartyBirthDate = otherPartyBirthDate
        self.otherPartyResidentId = otherPartyResidentId
        self.termStart = termStart
        self.termEnd = termEnd
    }

    public func isActive(on date: CivilDate) -> Bool { termStart <= date && date <= termEnd }
}

/// 本人通知制度 registration: the resident is told when a proxy or third party obtains their certificate.
public struct HolderNotificationRegistration: Hashable, Sendable, Codable, Identifiable {
    public var id: Int64?
    public var residentId: Int64
    public var registeredOn: CivilDate
    public var endedOn: CivilDate?

    public init(id: Int64? = nil, residentId: Int64, registeredOn: CivilDate, endedOn: CivilDate? = nil) {
        self.id = id
        self.residentId = residentId
        self.registeredOn = registeredOn
        self.endedOn = endedOn
    }
}
