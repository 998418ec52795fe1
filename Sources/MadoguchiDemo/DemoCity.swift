import MadoguchiDomain

/// 窓口市 (Madoguchi-shi): a fictional city whose facility network is modelled on the seeds' —
/// 7 wards each with a 区役所, 2 支所, 出張所, 6 行政サービスコーナー and 2 連絡所 (one closed at the end of
/// FY2011, as the seed's 宮前連絡所 was). Every person in it is synthetic.
public enum DemoCity {
    public static let name = "窓口市"
    public static let prefecture = "神奈川県"
    /// A 全国地方公共団体コード-shaped code (with its check digit) that no real municipality uses.
    public static let code = "149802"

    public struct Ward: Sendable {
        public let name: String
        public let key: String
        public let towns: [String]
        /// Relative population
        public let weight: Int
    }

    public static let wards: [Ward] = [
        Ward(name: "中央区", key: "chuo", towns: ["本町", "栄町", "港町", "旭町", "錦町", "大手町", "駅前本町", "宮前町"], weight: 23),
        Ward(name: "東区", key: "higashi", towns: ["東町", "日の出町", "浜町", "潮見町", "若葉町", "朝日町", "新田", "汐入"], weight: 17),
        Ward(name: "西区", key: "nishi", towns: ["西が丘", "桜台", "夕日ヶ丘", "柳町", "梅ヶ枝", "松原", "竹の台", "高松"], weight: 22),
        Ward(name: "南区", key: "minami", towns: ["南台", "緑町", "青葉町", "花園", "泉町", "若宮", "下町", "川端"], weight: 21),
        Ward(name: "北区", key: "kita", towns: ["北山", "上町", "中町", "杉田", "梶ヶ谷", "野川", "久地", "末長"], weight: 23),
        Ward(name: "緑区", key: "midori", towns: ["緑ヶ丘", "宮野", "鷺沼", "有馬", "犬蔵", "菅生", "平", "土橋"], weight: 23),
        Ward(name: "山手区", key: "yamate", towns: ["山手台", "柿の木", "王禅寺", "百合丘", "高石", "細山", "金程", "片平"], weight: 18),
    ]

    /// Which city the demo is: 窓口市 by default, or any name and code given to `seed --city`.
    public struct Identity: Sendable, Hashable {
        public var code: LocalGovernmentCode
        public var name: String

        public init(code: LocalGovernmentCode, name: String) {
            self.code = code
            self.name = name
        }

        public static let standard = Identity(code: try! LocalGovernmentCode(DemoCity.code), name: DemoCity.name)

        /// A fictional mayor for the paper, named after the city: 窓口市長　窓口　一郎, 東窓市長　東窓　一郎
        public var mayor: String {
            let stem = ["市", "町", "村", "区"].contains(where: name.hasSuffix) && name.count > 1 ? String(name.dropLast()) : name
            return "\(name)長　\(stem)　一郎"
        }
    }

    static func address(_ city: Identity = .standard, ward: Ward, town: String, block: String, building: String? = nil) -> Address {
        Address(prefecture: prefecture, municipality: city.name, ward: ward.name, town: town, block: block, building: building)
    }

    /// The facility network of 窓口市, with stable codes.
    public static var facilities: [Facility] { facilities(for: .standard) }

    /// The facility network of a demo city.
    public static func facilities(for city: Identity) -> [Facility] {
        let cityFounded = CivilDate(year: 1972, month: 4, day: 1)!
        var list: [Facility] = []
        for (i, ward) in wards.enumerated() {
            list.append(
                Facility(
                    id: "\(ward.key)-ward-office", kind: .wardOffice, name: "\(ward.name)役所", ward: ward.name,
                    address: address(city, ward: ward, town: ward.towns[0] + "一丁目", block: "\(i + 1)番地"),
                    openedOn: cityFounded))
        }
        let chuo = wards[0]
        list.append(
            Facility(
                id: "minato-branch-office", kind: .branchOffice, name: "港支所", ward: chuo.name,
                address: address(city, ward: chuo, town: "港町二丁目", block: "5番地"), openedOn: cityFounded))
        list.append(
            Facility(
                id: "hama-branch-office", kind: .branchOffice, name: "浜支所", ward: wards[1].name,
                address: address(city, ward: wards[1], town: "浜町三丁目", block: "12番地"), openedOn: cityFounded))
        for ward in wards.dropFirst(1) {
            let town = ward.towns[1]
            list.append(
                Facility(
                    id: "\(ward.key)-sub-branch-office", kind: .subBranchOffice, name: "\(town)出張所", ward: ward.name,
                    address: address(city, ward: ward, town: town + "一丁目", block: "3番地"),
                    openedOn: CivilDate(year: 1975, month: 4, day: 1)!))
        }
        let corners: [(String, String, Int)] = [
            ("chuo-station", "中央駅", 0), ("higashi-guchi", "東口", 1), ("nishi-station", "西駅", 2),
            ("minami-station", "南駅", 3), ("kita-station", "北駅", 4), ("midori-station", "緑駅", 5),
        ]
        for (key, label, w) in corners {
            let ward = wards[w]
            list.append(
                Facility(
                    id: "\(key)-service-corner", kind: .serviceCorner, name: "\(label)行政サービスコーナー", ward: ward.name,
                    address: address(city, ward: ward, town: ward.towns[6] + "一丁目", block: "1番地", building: "駅ビル2階"),
                    openedOn: CivilDate(year: 1996, month: 10, day: 1)!))
        }
        list.append(
            Facility(
                id: "miyano-liaison-office", kind: .liaisonOffice, name: "宮野連絡所", ward: wards[5].name,
                address: address(city, ward: wards[5], town: "宮野二丁目", block: "8番地"),
                openedOn: CivilDate(year: 1982, month: 4, day: 1)!, closedOn: CivilDate(year: 2012, month: 4, day: 1)!))
        list.append(
            Facility(
                id: "kakinoki-liaison-office", kind: .liaisonOffice, name: "柿の木連絡所", ward: wards[6].name,
                address: address(city, ward: wards[6], town: "柿の木一丁目", block: "4番地"),
                openedOn: CivilDate(year: 1984, month: 4, day: 1)!))
        return list
    }
}
