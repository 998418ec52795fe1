import Testing

@testable import MadoguchiDomain

@Suite("住民記録の不変条件")
struct RegistryTests {
    @Test("a known valid 個人番号 passes; a changed digit fails")
    func individualNumber() throws {
        #expect(try IndividualNumber("123456789018").digits == "123456789018")
        #expect(try IndividualNumber("１２３４ ５６７８ ９０１８").digits == "123456789018")
        for bad in ["123456789012", "12345678901", "1234567890188", "12345678901A", ""] {
            #expect(throws: MadoguchiError.self) { try IndividualNumber(bad) }
        }
    }

    @Test("every single-digit change of a valid 個人番号 is caught")
    func individualNumberDetectsTypos() {
        let valid = Array("123456789018")
        for i in 0..<12 {
            for d in "0123456789" where d != valid[i] {
                var s = valid
                s[i] = d
                #expect(throws: MadoguchiError.self) { try IndividualNumber(String(s)) }
            }
        }
    }

    @Test("a 個人番号 never prints its digits")
    func masked() throws {
        let n = try IndividualNumber("123456789018")
        #expect(!n.description.contains("1234"))
        #expect(!"\(n)".contains("9018"))
    }

    @Test("住民票コード check digit")
    func residentRecordCode() throws {
        #expect(try ResidentRecordCode("12345678903").digits == "12345678903")
        #expect(throws: MadoguchiError.self) { try ResidentRecordCode("12345678904") }
    }

    static func sample() -> Resident {
        Resident(
            householdId: 1, name: PersonName(family: "髙橋", given: "一郎", familyKana: "タカハシ", givenKana: "イチロウ"),
            birthDate: CivilDate(year: 1980, month: 4, day: 2)!, sex: .male, relationship: .householder,
            permanentDomicile: "神奈川県川崎市中原区小杉町三丁目600番地", domicileHead: "髙橋　一郎",
            becameResidentOn: CivilDate(year: 1980, month: 4, day: 2)!,
            addressSetOn: CivilDate(year: 2010, month: 5, day: 1)!, notifiedOn: CivilDate(year: 2010, month: 5, day: 10)!,
            previousAddress: "東京都大田区田園調布一丁目1番1号", individualNumber: "123456789018",
            residentRecordCode: "12345678903")
    }

    @Test("a complete resident validates; each broken invariant is refused")
    func residentInvariants() throws {
        try Self.sample().validate()
        var r = Self.sample()
        r.name.familyKana = "たかはし"
        #expect(throws: MadoguchiError.self) { try r.validate() }
        r = Self.sample()
        r.addressSetOn = CivilDate(year: 1970, month: 1, day: 1)!
        #expect(throws: MadoguchiError.self) { try r.validate() }
        r = Self.sample()
        r.domicileHead = nil
        #expect(throws: MadoguchiError.self) { try r.validate() }
        r = Self.sample()
        r.individualNumber = "123456789012"
        #expect(throws: MadoguchiError.self) { try r.validate() }
    }

    @Test("age counts completed years")
    func age() {
        let r = Self.sample()
        #expect(r.age(on: CivilDate(year: 1995, month: 4, day: 1)!) == 14)
        #expect(r.age(on: CivilDate(year: 1995, month: 4, day: 2)!) == 15)
    }

    @Test("続柄 labels read both ways")
    func relationships() {
        for r in Relationship.allCases { #expect(Relationship(japanese: r.japanese) == r) }
        #expect(Kana.toKatakana("やまだ たろう") == "ヤマダ タロウ")
    }
}
