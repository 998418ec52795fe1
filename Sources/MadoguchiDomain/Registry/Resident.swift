/// 性別
public enum Sex: String, Sendable, Codable, CaseIterable {
    case male, female

    /// 男 / 女
    public var japanese: String { self == .male ? "男" : "女" }
}

/// 世帯主との続柄 as printed on a 住民票.
public enum Relationship: String, Sendable, Codable, CaseIterable {
    case householder, wife, husband, child, father, mother, grandchild, grandfather, grandmother
    case elderBrother, elderSister, youngerBrother, youngerSister
    case childsWife, childsHusband, wifesFather, wifesMother, husbandsFather, husbandsMother
    case cohabitant, relative

    /// 世帯主, 妻, 夫, 子, 父, 母, 孫 …
    public var japanese: String {
        switch self {
        case .householder: "世帯主"
        case .wife: "妻"
        case .husband: "夫"
        case .child: "子"
        case .father: "父"
        case .mother: "母"
        case .grandchild: "孫"
        case .grandfather: "祖父"
        case .grandmother: "祖母"
        case .elderBrother: "兄"
        case .elderSister: "姉"
        case .youngerBrother: "弟"
        case .youngerSister: "妹"
        case .childsWife: "子の妻"
        case .childsHusband: "子の夫"
        case .wifesFather: "妻の父"
        case .wifesMother: "妻の母"
        case .husbandsFather: "夫の父"
        case .husbandsMother: "夫の母"
        case .cohabitant: "同居人"
        case .relative: "縁故者"
        }
    }

    public init?(japanese: String) {
        guard let r = Relationship.allCases.first(where: { $0.japanese == JapaneseText.normalized(japanese) }) else {
            return nil
        }
        self = r
    }
}

/// A person's name as the registry holds it: kanji exactly as registered (MJ characters and
/// variation sequences such as 髙, 﨑, 𠮷, 邊󠄁 kept byte for byte) and katakana readings.
public struct PersonName: Hashable, Sendable, Codable, CustomStringConvertible {
    /// 氏
    public var family: String
    /// 名
    public var given: String
    /// 氏の振り仮名 (katakana)
    public var familyKana: String
    /// 名の振り仮名 (katakana)
    public var givenKana: String

    public init(family: String, given: String, familyKana: String, givenKana: String) {
        self.family = family
        self.given = given
        self.familyKana = familyKana
        self.givenKana = givenKana
    }

    /// 氏　名 (with an ideographic space, as printed)
    public var full: String { family + "　" + given }
    public var fullKana: String { familyKana + "　" + givenKana }
    public var description: String { full }
}

/// 住民: one person's 住民票 with every 住民基本台帳法 §7 item.
public struct Resident: Hashable, Sendable, Codable, Identifiable {
    public var id: Int64?
    public var householdId: Int64
    /// 氏名 and 振り仮名
    public var name: PersonName
    /// 旧氏 (and its reading), when registered
    public var formerFamilyName: String?
    public var formerFamilyNameKana: String?
    /// 生年月日
    public var birthDate: CivilDate
    /// 性別
    public var sex: Sex
    /// 世帯主との続柄
    public var relationship: Relationship
    /// 本籍 (nil for persons without a Japanese 戸籍)
    public var permanentDomicile: String?
    /// 筆頭者
    public var domicileHead: String?
    /// 住民となった年月日
    public var becameResidentOn: CivilDate
    /// 住所を定めた年月日
    public var addressSetOn: CivilDate
    /// 届出日
    public var notifiedOn: CivilDate
    /// 従前の住所
    public var previousAddress: String?
    /// 個人番号 (12 digits, checked)
    public var individualNumber: String
    /// 住民票コード (11 digits, checked)
    public var residentRecordCode: String

    public init(
        id: Int64? = nil, householdId: Int64, name: PersonName, formerFamilyName: String? = nil,
        formerFamilyNameKana: String? = nil, birthDate: CivilDate, sex: Sex, relationship: Relationship,
        permanentDomicile: String?, domicileHead: String?, becameResidentOn: CivilDate, addressSetOn: CivilDate,
        notifiedOn: CivilDate, previousAddress: String?, individualNumber: String, residentRecordCode: String
    ) {
        self.id = id
        self.householdId = householdId
        self.name = name
        self.formerFamilyName = formerFamilyName
        self.formerFamilyNameKana = formerFamilyNameKana
        self.birthDate = birthDate
        self.sex = sex
        self.relationship = relationship
        self.permanentDomicile = permanentDomicile
        self.domicileHead = domicileHead
        self.becameResidentOn = becameResidentOn
        self.addressSetOn = addressSetOn
        self.notifiedOn = notifiedOn
        self.previousAddress = previousAddress
        self.individualNumber = individualNumber
        self.residentRecordCode = residentRecordCode
    }

    /// Age on a date, in completed years (年齢計算ニ関スル法律: one's age increases the day before the birthday;
    /// for eligibility checks the plain anniversary rule is what offices apply).
    public func age(on date: CivilDate) -> Int { CivilDate.age(of: birthDate, on: date) }

    /// Checks the invariants a record must hold before it is stored; throws the first broken one.
    public func validate() throws {
        func invalid(_ ja: String, _ en: String) -> MadoguchiError {
            MadoguchiError(.invalidResident, ja: ja, en: en)
        }
        _ = try IndividualNumber(individualNumber)
        _ = try ResidentRecordCode(residentRecordCode)
        guard !name.family.isEmpty, !name.given.isEmpty else { throw invalid("氏名が空です", "The name is empty") }
        guard Kana.isKatakanaReading(name.familyKana), Kana.isKatakanaReading(name.givenKana) else {
            throw invalid("振り仮名はカタカナで入力してください", "The reading must be in katakana")
        }
        guard becameResidentOn >= birthDate, addressSetOn >= birthDate else {
            throw invalid("住民となった日・住所を定めた日が生年月日より前です", "A residence date precedes the birth date")
        }
        guard notifiedOn >= birthDate else {
            throw invalid("届出日が生年月日より前です", "The notification date precedes the birth date")
        }
        guard (permanentDomicile == nil) == (domicileHead == nil) else {
            throw invalid("本籍と筆頭者は両方記載してください", "本籍 and 筆頭者 go together")
        }
    }
}

/// 振り仮名 checks.
public enum Kana {
    /// Katakana, the prolonged-sound mark, middle dot and spaces only.
    public static func isKatakanaReading(_ s: String) -> Bool {
        !s.isEmpty
            && s.unicodeScalars.allSatisfy { u in
                (0x30A1...0x30FA).contains(u.value) || u.value == 0x30FC || u.value == 0x30FB || u.value == 0x3000
                    || u.value == 0x20
            }
    }

    /// Hiragana → katakana, so that a search for やまだ finds ヤマダ.
    public static func toKatakana(_ s: String) -> String {
        String(
            String.UnicodeScalarView(
                s.unicodeScalars.map { u in
                    (0x3041...0x3096).contains(u.value) ? Unicode.Scalar(u.value + 0x60)! : u
                }))
    }
}
