import MadoguchiDomain
import MadoguchiStore

/// The cases the law's rules are about, with fixed fictional people, added to a demo city so that staff (and tests)
/// can try each rule on the same names: a 支援措置 against a husband who keeps the 戸籍, a move away, a death, and a
/// daughter who married out of her parents' 戸籍. Never real people.
public enum DemoScenarios {
    /// Who is who.
    public struct People: Sendable, Hashable {
        /// 守田 剛: the other party of the 支援措置, 筆頭者 of the 戸籍 his wife and son are still in
        public var otherParty: Int64
        /// 守田 花子: protected (支援対象者), moved with her son to a new address the 附票 records
        public var protected: Int64
        /// 守田 陽太: the son, protected with her (併せて支援を求める者)
        public var protectedChild: Int64
        /// 移川 健: moved out of the city (除票, 転出先 on record)
        public var movedOut: Int64
        /// 移川 直子: his wife, still living at the old address
        public var movedOutSpouse: Int64
        /// 故山 清: died (除票); his 個人番号 must never print. His 戸籍 is a 除籍: he died and his widow left it (復氏)
        public var deceased: Int64
        /// 故山 和子: his widow, in the same household
        public var widow: Int64
        /// 系譜 一男 and 系譜 幸子: parents, 筆頭者 and 妻 of the 戸籍 their daughter married out of
        public var father: Int64
        public var mother: Int64
        /// 縁田 美咲: the daughter, 除籍 from her parents' 戸籍 on marriage, 妻 in her husband's
        public var daughter: Int64
        /// 縁田 拓也: her husband, 筆頭者 of their 戸籍
        public var sonInLaw: Int64
        /// 縁田 蓮: their son, the parents' grandchild
        public var grandchild: Int64
        /// The protected person's address now (what the other party must never read)
        public var protectedAddress: String
        /// Where the moved-out person went (転出先)
        public var movedOutDestination: String
    }


    /// Adds the cases to a city whose registry already exists (a demo city, or an empty test database), as of `asOf`.
    @discardableResult
    public static func add(into database: MadoguchiDatabase, asOf: CivilDate) throws -> People {
        // 個人番号 and 住民票コード from a range the generator is unlikely to use, skipping any already taken.
        let candidates = (0..<400).map { 99_999_999_000 - $0 * 11 }
        let numbers = candidates.map { n -> String in
            let body = String(n)
            return body + String(IndividualNumber.checkDigit(for: body.map { Int(String($0))! }))
        }
        let codes = candidates.map { n -> String in
            let body = String(n / 10)
            return body + String(ResidentRecordCode.checkDigit(for: body.map { Int(String($0))! }))
        }
        let taken = try database.registry.existingIdentifiers(individualNumbers: numbers, residentRecordCodes: codes)
        var free = zip(numbers, codes).filter { !taken.contains($0.0) && !taken.contains($0.1) }.makeIterator()

        // Addresses and 本籍 in this city, whichever it is.
        let cityName = try database.registry.meta("city.name") ?? "窓口市"
        func address(_ ward: String, _ town: String, _ block: String) -> Address {
            Address(prefecture: "神奈川県", municipality: cityName, ward: ward, town: town, block: block)
        }
        let protectedAddress = address("東区", "港町五丁目", "6番7号")
        let destination = "東京都千代田区霞が関一丁目1番1号"
        return try database.registry.write { w in
            func day(_ years: Int, _ days: Int = 0) -> CivilDate { asOf.adding(days: -365 * years - days) }
            func household(_ a: Address, since: CivilDate) throws -> Int64 { try w.insert(Household(address: a, formedOn: since)) }
            func person(
                _ household: Int64, _ family: (String, String), _ given: (String, String), born: CivilDate, _ sex: Sex,
                _ relationship: Relationship, since: CivilDate, domicile: (String, String)? = nil
            ) throws -> Int64 {
                guard let (number, code) = free.next() else {
                    throw MadoguchiError(.alreadySeeded, ja: "事例の番号が足りません", en: "No free identifiers for the scenarios")
                }
                return try w.insert(
                    Resident(
                        householdId: household, name: PersonName(family: family.0, given: given.0, familyKana: family.1, givenKana: given.1),
                        birthDate: born, sex: sex, relationship: relationship, permanentDomicile: domicile?.0, domicileHead: domicile?.1,
                        becameResidentOn: max(born, since), addressSetOn: max(born, since), notifiedOn: max(born, since).adding(days: 3),
                        previousAddress: nil, individualNumber: number, residentRecordCode: code))
            }
            func member(
                _ register: Int64, _ resident: Int64?, _ family: (String, String), _ given: (String, String), born: CivilDate,
                _ sex: Sex, _ relationship: String, father: String? = nil, mother: String? = nil, left: CivilDate? = nil
            ) throws -> Int64 {
                try w.insert(
                    FamilyRegisterMember(
                        familyRegisterId: register, residentId: resident,
                        name: PersonName(family: family.0, given: given.0, familyKana: family.1, givenKana: given.1),
                        birthDate: born, sex: sex, relationship: relationship, fatherName: father, motherName: mother, leftOn: left))
            }

            // 1. 支援措置: 守田 剛 keeps the 戸籍; 花子 and 陽太 left him for an address he must never learn.
            let morita = ("守田", "モリタ")
            let moritaDomicile = (cityName + "中央区本町一丁目2番地", "守田　剛")
            let husbandHome = try household(address("中央区", "本町一丁目", "2番3号"), since: day(15))
            let newHome = try household(protectedAddress, since: day(0, 200))
            let tsuyoshi = try person(husbandHome, morita, ("剛", "ツヨシ"), born: day(48), .male, .householder, since: day(15), domicile: moritaDomicile)
            let hanako = try person(newHome, morita, ("花子", "ハナコ"), born: day(44), .female, .householder, since: day(0, 200), domicile: moritaDomicile)
            let yota = try person(newHome, morita, ("陽太", "ヨウタ"), born: day(12), .male, .child, since: day(0, 200), domicile: moritaDomicile)
            let moritaRegister = try w.insert(FamilyRegister(permanentDomicile: moritaDomicile.0, headName: moritaDomicile.1, createdOn: day(15)))
            try w.insert(FamilyRegisterEvent(familyRegisterId: moritaRegister, memberId: nil, kind: .marriage, occurredOn: day(15), detail: "婚姻の届出により編製"))
            let m1 = try member(moritaRegister, tsuyoshi, morita, ("剛", "ツヨシ"), born: day(48), .male, "筆頭者")
            let m2 = try member(moritaRegister, hanako, morita, ("花子", "ハナコ"), born: day(44), .female, "妻")
            let m3 = try member(moritaRegister, yota, morita, ("陽太", "ヨウタ"), born: day(12), .male, "長男", father: "守田　剛", mother: "花子")
            try w.insert(FamilyRegisterEvent(familyRegisterId: moritaRegister, memberId: m3, kind: .birth, occurredOn: day(12), detail: "出生"))
            for (m, moved) in [(m1, false), (m2, true), (m3, true)] {
                try w.insert(FamilyRegisterAnnexEntry(memberId: m, address: address("中央区", "本町一丁目", "2番3号").description, since: m == m3 ? day(12) : day(15)))
                if moved { try w.insert(FamilyRegisterAnnexEntry(memberId: m, address: protectedAddress.description, since: day(0, 200))) }
            }
            for protectedId in [hanako, yota] {
                try w.insert(
                    SupportMeasure(
                        subjectId: protectedId, otherPartyName: "守田　剛", otherPartyBirthDate: day(48), otherPartyResidentId: tsuyoshi,
                        termStart: day(0, 180), termEnd: day(0, 180).adding(days: 364)))
            }

            // 2. A move away: 移川 健 left for Tokyo; his wife stays.
            let utsurikawa = ("移川", "ウツリカワ")
            let oldHome = try household(address("北区", "桜町三丁目", "4番5号"), since: day(10))
            let ken = try person(oldHome, utsurikawa, ("健", "ケン"), born: day(40), .male, .householder, since: day(10))
            let naoko = try person(oldHome, utsurikawa, ("直子", "ナオコ"), born: day(38), .female, .wife, since: day(10))
            try w.insert(ResidentMovement(residentId: ken, kind: .moveOut, occurredOn: day(0, 60), notifiedOn: day(0, 62),
                                          fromAddress: address("北区", "桜町三丁目", "4番5号").description, toAddress: destination))
            try w.remove(RemovedRecord(residentId: ken, reason: .movedOut, removedOn: day(0, 60), destination: destination))

            // 3. A death: 故山 清 died; his widow lives on at the same address.
            let koyama = ("故山", "コヤマ")
            let home = try household(address("西区", "緑町二丁目", "8番9号"), since: day(30))
            let koyamaDomicile = (cityName + "西区緑町二丁目8番地", "故山　清")
            let kiyoshi = try person(home, koyama, ("清", "キヨシ"), born: day(85), .male, .householder, since: day(30), domicile: koyamaDomicile)
            let kazuko = try person(home, koyama, ("和子", "カズコ"), born: day(82), .female, .wife, since: day(30))
            try w.insert(ResidentMovement(residentId: kiyoshi, kind: .death, occurredOn: day(0, 20), notifiedOn: day(0, 18)))
            try w.remove(RemovedRecord(residentId: kiyoshi, reason: .died, removedOn: day(0, 20)))
            let koyamaRegister = try w.insert(FamilyRegister(permanentDomicile: koyamaDomicile.0, headName: koyamaDomicile.1, createdOn: day(58)))
            let k1 = try member(koyamaRegister, kiyoshi, koyama, ("清", "キヨシ"), born: day(85), .male, "筆頭者", left: day(0, 20))
            let k2 = try member(koyamaRegister, kazuko, koyama, ("和子", "カズコ"), born: day(82), .female, "妻", left: day(0, 5))
            try w.insert(FamilyRegisterEvent(familyRegisterId: koyamaRegister, memberId: k1, kind: .death, occurredOn: day(0, 20), detail: "死亡"))
            try w.insert(FamilyRegisterEvent(familyRegisterId: koyamaRegister, memberId: k2, kind: .transfer, occurredOn: day(0, 5),
                                             detail: "復氏の届出により除籍"))

            // 4. A daughter who married out: her parents' 戸籍 and her husband's, with their son.
            let keifu = ("系譜", "ケイフ")
            let enda = ("縁田", "エンダ")
            let keifuDomicile = (cityName + "南区松原一丁目10番地", "系譜　一男")
            let endaDomicile = (cityName + "南区松原二丁目20番地", "縁田　拓也")
            let parents = try household(address("南区", "松原一丁目", "10番1号"), since: day(40))
            let young = try household(address("南区", "松原二丁目", "20番2号"), since: day(8))
            let kazuo = try person(parents, keifu, ("一男", "カズオ"), born: day(66), .male, .householder, since: day(40), domicile: keifuDomicile)
            let sachiko = try person(parents, keifu, ("幸子", "サチコ"), born: day(64), .female, .wife, since: day(40), domicile: keifuDomicile)
            let takuya = try person(young, enda, ("拓也", "タクヤ"), born: day(36), .male, .householder, since: day(8), domicile: endaDomicile)
            let misaki = try person(young, enda, ("美咲", "ミサキ"), born: day(34), .female, .wife, since: day(8), domicile: endaDomicile)
            let ren = try person(young, enda, ("蓮", "レン"), born: day(5), .male, .child, since: day(5), domicile: endaDomicile)
            let keifuRegister = try w.insert(FamilyRegister(permanentDomicile: keifuDomicile.0, headName: keifuDomicile.1, createdOn: day(40)))
            _ = try member(keifuRegister, kazuo, keifu, ("一男", "カズオ"), born: day(66), .male, "筆頭者")
            _ = try member(keifuRegister, sachiko, keifu, ("幸子", "サチコ"), born: day(64), .female, "妻")
            let outMember = try member(keifuRegister, misaki, keifu, ("美咲", "ミサキ"), born: day(34), .female, "長女",
                                       father: "系譜　一男", mother: "幸子", left: day(8))
            try w.insert(FamilyRegisterEvent(familyRegisterId: keifuRegister, memberId: outMember, kind: .marriage, occurredOn: day(8),
                                             detail: "婚姻により夫の氏の新戸籍編製につき除籍"))
            let endaRegister = try w.insert(FamilyRegister(permanentDomicile: endaDomicile.0, headName: endaDomicile.1, createdOn: day(8)))
            _ = try member(endaRegister, takuya, enda, ("拓也", "タクヤ"), born: day(36), .male, "筆頭者")
            _ = try member(endaRegister, misaki, enda, ("美咲", "ミサキ"), born: day(34), .female, "妻", father: "系譜　一男", mother: "幸子")
            _ = try member(endaRegister, ren, enda, ("蓮", "レン"), born: day(5), .male, "長男", father: "縁田　拓也", mother: "美咲")
            try w.insert(HolderNotificationRegistration(residentId: sachiko, registeredOn: day(2)))

            return People(
                otherParty: tsuyoshi, protected: hanako, protectedChild: yota, movedOut: ken, movedOutSpouse: naoko,
                deceased: kiyoshi, widow: kazuko, father: kazuo, mother: sachiko, daughter: misaki, sonInLaw: takuya,
                grandchild: ren, protectedAddress: protectedAddress.description, movedOutDestination: destination)
        }
    }
}
