import Foundation

/// A person as printed on a certificate.
public struct PrintedPerson: Sendable, Codable, Hashable {
    public var residentId: Int64?
    public var name: String
    public var kana: String
    public var birthDate: CivilDate
    public var birthDateJapanese: String
    public var sex: String
    public var relationship: String?
    public var formerFamilyName: String?
    public var becameResidentOn: String?
    public var addressSetOn: String?
    public var notifiedOn: String?
    public var previousAddress: String?
    public var permanentDomicile: String?
    public var domicileHead: String?
    public var individualNumber: String?
    public var residentRecordCode: String?
    /// 戸籍: events written for this person (出生 …)
    public var events: [String]?
    /// 戸籍: 父 and 母 as written in the register
    public var father: String?
    public var mother: String?
    /// 戸籍: the day the person left the register (除籍), printed with the 除籍 mark
    public var leftRegisterOn: String?
    public init(
        residentId: Int64?, name: String, kana: String, birthDate: CivilDate, birthDateJapanese: String, sex: String, relationship: String? = nil, formerFamilyName: String? = nil, becameResidentOn: String? = nil, addressSetOn: String? = nil, notifiedOn: String? = nil, previousAddress: String? = nil, permanentDomicile: String? = nil, domicileHead: String? = nil, individualNumber: String? = nil, residentRecordCode: String? = nil, events: [String]? = nil,
        father: String? = nil, mother: String? = nil, leftRegisterOn: String? = nil
    ) {
        self.residentId = residentId
        self.name = name
        self.kana = kana
        self.birthDate = birthDate
        self.birthDateJapanese = birthDateJapanese
        self.sex = sex
        self.relationship = relationship
        self.formerFamilyName = formerFamilyName
        self.becameResidentOn = becameResidentOn
        self.addressSetOn = addressSetOn
        self.notifiedOn = notifiedOn
        self.previousAddress = previousAddress
        self.permanentDomicile = permanentDomicile
        self.domicileHead = domicileHead
        self.individualNumber = individualNumber
        self.residentRecordCode = residentRecordCode
        self.events = events
        self.father = father
        self.mother = mother
        self.leftRegisterOn = leftRegisterOn
    }
}

public struct PrintedSeal: Sendable, Codable, Hashable {
    public var registrationNumber: String
    public var registeredOn: String
    public var imageType: String
    /// SHA-256 of the seal image bytes: the digest covers the 印影 without carrying it
    public var imageDigest: String
}

public struct PrintedTax: Sendable, Codable, Hashable {
    public var fiscalYear: String
    public var incomeYear: String
    public var grossIncome: Int
    public var totalIncome: Int
    public var taxableIncome: Int
    public var municipalTax: Int
    public var prefecturalTax: Int
}

public struct PrintedRemoval: Sendable, Codable, Hashable {
    public var reason: String
    public var removedOn: String
    public var destination: String?
}

public struct PrintedRegister: Sendable, Codable, Hashable {
    public var permanentDomicile: String
    public var headName: String
    public var createdOn: String
    public var events: [String]
}

public struct PrintedAnnexEntry: Sendable, Codable, Hashable {
    public var name: String
    public var address: String
    public var since: String
    /// 生年月日 and 性別, printed on the 附票 since 2022-01-11 (住基法 §17 as amended)
    public var birthDateJapanese: String?
    public var sex: String?
}

/// Everything a certificate prints, in a canonical form: its SHA-256 is the document's content digest,
/// signed into the QR code, so a verifier can tell a genuine paper from an altered one.
public struct CertificateContent: Sendable, Codable, Hashable {
    public var kind: CertificateKind
    public var title: String
    public var cityCode: String
    public var cityName: String
    /// 市長名 as printed beside the seal
    public var mayor: String
    public var issuedOn: CivilDate
    public var issuedOnJapanese: String
    /// 第2026-000123号
    public var serialNumber: String
    /// 認証文
    public var certification: String
    public var scope: RecordScope?
    public var layout: RecordLayout?
    public var items: [OptionalItem]
    public var address: String?
    public var householder: String?
    public var persons: [PrintedPerson]
    public var removal: PrintedRemoval?
    public var seal: PrintedSeal?
    public var tax: PrintedTax?
    public var register: PrintedRegister?
    public var annex: [PrintedAnnexEntry]?
    /// 広域交付: the city whose records this is (住所地 or 本籍地), when another city prints it
    public var keptBy: String?

    public init(
        kind: CertificateKind, title: String, cityCode: String, cityName: String, mayor: String, issuedOn: CivilDate, issuedOnJapanese: String, serialNumber: String, certification: String, scope: RecordScope? = nil, layout: RecordLayout? = nil, items: [OptionalItem] = [], address: String? = nil, householder: String? = nil, persons: [PrintedPerson] = [], removal: PrintedRemoval? = nil, seal: PrintedSeal? = nil, tax: PrintedTax? = nil, register: PrintedRegister? = nil, annex: [PrintedAnnexEntry]? = nil
    ) {
        self.kind = kind
        self.title = title
        self.cityCode = cityCode
        self.cityName = cityName
        self.mayor = mayor
        self.issuedOn = issuedOn
        self.issuedOnJapanese = issuedOnJapanese
        self.serialNumber = serialNumber
        self.certification = certification
        self.scope = scope
        self.layout = layout
        self.items = items
        self.address = address
        self.householder = householder
        self.persons = persons
        self.removal = removal
        self.seal = seal
        self.tax = tax
        self.register = register
        self.annex = annex
    }

    public func canonicalJSON() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(self)
    }

    /// 認証文 for each kind, as municipalities print them.
    public static func certification(_ kind: CertificateKind, scope: RecordScope) -> String {
        switch kind {
        case .residentRecordCopy:
            scope == .household
                ? "この写しは、世帯全員の住民票の原本と相違ないことを証明する。" : "この写しは、住民票の原本と相違ないことを証明する。"
        case .residentRecordExtract: "上記のとおり住民票に記載されていることを証明する。"
        case .removedRecord: "この写しは、除かれた住民票の原本と相違ないことを証明する。"
        case .sealRegistrationCertificate: "この写しは、登録された印影と相違ないことを証明します。"
        case .taxCertificate: "上記のとおり相違ないことを証明します。"
        case .familyRegisterFull: "これは、戸籍に記録されている事項の全部を証明した書面である。"
        case .familyRegisterIndividual: "これは、戸籍中の一部の者について記録されている事項の全部を証明した書面である。"
        case .familyRegisterAnnex: "この写しは、戸籍の附票の原本と相違ないことを証明する。"
        }
    }
}

/// The registry data a certificate is made from, read in the issuing transaction.
public struct CertificateSource: Sendable {
    public var subject: Resident
    public var household: Household
    /// Current members of the household, householder first
    public var members: [Resident]
    public var removal: RemovedRecord?
    public var seal: SealRegistration?
    /// SHA-256 (hex) of the seal image, computed where the hashing lives
    public var sealImageDigest: String?
    public var tax: TaxAssessment?
    public var register: FamilyRegister?
    public var registerMembers: [FamilyRegisterMember]
    public var registerEvents: [FamilyRegisterEvent]
    public var annex: [FamilyRegisterAnnexEntry]

    public init(
        subject: Resident, household: Household, members: [Resident], removal: RemovedRecord?, seal: SealRegistration?,
        sealImageDigest: String?, tax: TaxAssessment?, register: FamilyRegister?, registerMembers: [FamilyRegisterMember],
        registerEvents: [FamilyRegisterEvent], annex: [FamilyRegisterAnnexEntry]
    ) {
        self.subject = subject
        self.household = household
        self.members = members
        self.removal = removal
        self.seal = seal
        self.sealImageDigest = sealImageDigest
        self.tax = tax
        self.register = register
        self.registerMembers = registerMembers
        self.registerEvents = registerEvents
        self.annex = annex
    }
}

/// The issuing city as printed.
public struct CityInfo: Sendable, Hashable, Codable {
    public var code: String
    public var name: String
    public var mayor: String

    public init(code: String, name: String, mayor: String) {
        self.code = code
        self.name = name
        self.mayor = mayor
    }
}

extension CertificateContent {
    /// A date as certificates print it: 令和8年11月24日.
    public static func wareki(_ d: CivilDate) -> String { (try? JapaneseDate(d).description) ?? d.description }

    /// Builds the content of an approved request. Pure: the same source gives the same content.
    ///
    /// What prints is the least the rules allow: the optional items only when asked for (住基法 §12⑤), 世帯主の氏名
    /// and 続柄 among them; with `basicItemsOnly` the 基礎証明事項 alone (氏名・生年月日・性別・住所, and a 除票's reason
    /// and date, not the 転出先: 住基法 §12の3⑦, §15の4); a deceased person's 個人番号 and 住民票コード never.
    public static func build(
        _ request: CertificateRequest, source: CertificateSource, city: CityInfo, serialNumber: String,
        basicItemsOnly: Bool = false
    ) -> CertificateContent {
        let kind = request.kind
        let items = request.options.items
        let full = kind.isResidentRecord && !basicItemsOnly
        let deceasedId = source.removal?.reason == .died ? source.subject.id : nil
        func person(_ r: Resident) -> PrintedPerson {
            let identifiers = r.id != deceasedId
            return PrintedPerson(
                residentId: r.id, name: r.name.full, kana: r.name.fullKana, birthDate: r.birthDate,
                birthDateJapanese: wareki(r.birthDate), sex: r.sex.japanese,
                relationship: items.contains(.relationship) ? r.relationship.japanese : nil,
                formerFamilyName: items.contains(.formerFamilyName) ? r.formerFamilyName : nil,
                becameResidentOn: full ? wareki(r.becameResidentOn) : nil,
                addressSetOn: full ? wareki(r.addressSetOn) : nil,
                notifiedOn: full ? wareki(r.notifiedOn) : nil,
                previousAddress: items.contains(.previousAddress) ? r.previousAddress : nil,
                permanentDomicile: items.contains(.permanentDomicile) ? r.permanentDomicile : nil,
                domicileHead: items.contains(.permanentDomicile) ? r.domicileHead : nil,
                individualNumber: identifiers && items.contains(.individualNumber) ? r.individualNumber : nil,
                residentRecordCode: identifiers && items.contains(.residentRecordCode) ? r.residentRecordCode : nil)
        }
        var content = CertificateContent(
            kind: kind, title: kind.japanese, cityCode: city.code, cityName: city.name, mayor: city.mayor,
            issuedOn: request.date, issuedOnJapanese: wareki(request.date), serialNumber: serialNumber,
            certification: certification(kind, scope: request.options.scope), scope: nil, layout: nil,
            items: items.sorted(), address: nil, householder: nil, persons: [])
        let householder = source.members.first { $0.relationship == .householder }
        switch kind {
        case .residentRecordCopy, .residentRecordExtract, .removedRecord:
            content.scope = request.options.scope
            content.layout = request.options.layout
            content.address = source.household.address.description
            content.householder = items.contains(.relationship) ? householder?.name.full : nil
            let chosen: [Resident]
            if kind == .removedRecord || request.options.scope == .individual {
                let ids = Set(request.options.memberIds.isEmpty ? [source.subject.id!] : request.options.memberIds)
                chosen = ([source.subject] + source.members).filter { ids.contains($0.id!) }
                    .reduce(into: [Resident]()) { list, r in if !list.contains(where: { $0.id == r.id }) { list.append(r) } }
            } else {
                chosen = source.members
            }
            content.persons = chosen.map(person)
            content.removal = source.removal.map {
                PrintedRemoval(reason: $0.reason.japanese, removedOn: wareki($0.removedOn), destination: full ? $0.destination : nil)
            }
        case .sealRegistrationCertificate:
            content.address = source.household.address.description
            content.persons = [person(source.subject)]
            content.seal = source.seal.map {
                PrintedSeal(
                    registrationNumber: $0.registrationNumber, registeredOn: wareki($0.registeredOn),
                    imageType: $0.sealImageType, imageDigest: source.sealImageDigest ?? "")
            }
        case .taxCertificate:
            content.address = source.household.address.description
            content.persons = [person(source.subject)]
            content.tax = source.tax.map {
                PrintedTax(
                    fiscalYear: $0.fiscalYear.japaneseDescription,
                    incomeYear: "\(FiscalYear($0.fiscalYear.startYear - 1).japaneseDescription.dropLast(2))年分",
                    grossIncome: $0.grossIncome, totalIncome: $0.totalIncome, taxableIncome: $0.taxableIncome,
                    municipalTax: $0.municipalTax, prefecturalTax: $0.prefecturalTax)
            }
        case .familyRegisterFull, .familyRegisterIndividual:
            let members = kind == .familyRegisterIndividual
                ? source.registerMembers.filter { $0.residentId == source.subject.id }
                : source.registerMembers
            content.register = source.register.map { r in
                PrintedRegister(
                    permanentDomicile: r.permanentDomicile, headName: r.headName, createdOn: wareki(r.createdOn),
                    events: source.registerEvents.filter { $0.memberId == nil }.map {
                        "\($0.kind.japanese)　\(wareki($0.occurredOn))　\($0.detail)"
                    })
            }
            // 戸籍に記録されている者: 名, 生年月日, 父母, 続柄, 身分事項, and the 除籍 mark for those who left.
            content.persons = members.map { m in
                PrintedPerson(
                    residentId: m.residentId, name: m.name.full, kana: m.name.fullKana, birthDate: m.birthDate,
                    birthDateJapanese: wareki(m.birthDate), sex: m.sex.japanese, relationship: m.relationship,
                    events: source.registerEvents.filter { $0.memberId == m.id }.map {
                        "\($0.kind.japanese)　\(wareki($0.occurredOn))　\($0.detail)"
                    },
                    father: m.fatherName, mother: m.motherName, leftRegisterOn: m.leftOn.map(wareki))
            }
        case .familyRegisterAnnex:
            // 戸籍の附票: each person's addresses with the day each was set, 生年月日 and 性別; 本籍・筆頭者 only when
            // asked for (住基法 §17, §20 as amended in 2022).
            if items.contains(.permanentDomicile) {
                content.register = source.register.map { r in
                    PrintedRegister(permanentDomicile: r.permanentDomicile, headName: r.headName, createdOn: wareki(r.createdOn), events: [])
                }
            }
            content.persons = source.registerMembers.map { m in
                PrintedPerson(
                    residentId: m.residentId, name: m.name.full, kana: m.name.fullKana, birthDate: m.birthDate,
                    birthDateJapanese: wareki(m.birthDate), sex: m.sex.japanese)
            }
            content.annex = source.annex.compactMap { a in
                guard let m = source.registerMembers.first(where: { $0.id == a.memberId }) else { return nil }
                return PrintedAnnexEntry(
                    name: m.name.full, address: a.address, since: wareki(a.since), birthDateJapanese: wareki(m.birthDate),
                    sex: m.sex.japanese)
            }
        }
        return content
    }
}
