import Foundation
import MadoguchiDomain

/// 窓口市 (Madoguchi-shi): a fictional city whose facility network and its history are modelled on the seeds' —
/// 7 wards each with a 区役所, 2 支所, 出張所 that became まちづくりセンター, 6 行政サービスコーナー, 2 連絡所 (one closed at
/// the end of FY2011 as the seed's 宮前連絡所 was, one without its manned window from FY2015 as 柿生's), automatic
/// machines and post offices (see ``network(for:)``). Every person in it is synthetic.
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

    /// The facility network of 窓口市 as it stands, with stable codes.
    public static var facilities: [Facility] { facilities(for: .standard) }

    /// The facility network of a demo city as it stands (each row as its history leaves it).
    public static func facilities(for city: Identity) -> [Facility] { network(for: city).map(\.facility) }

    /// One facility of the demo network: its row and its history, first event to last.
    public struct NetworkFacility: Sendable {
        public var facility: Facility
        public var events: [FacilityEvent]
    }

    static func day(_ y: Int, _ m: Int, _ d: Int) -> CivilDate { CivilDate(year: y, month: m, day: d)! }

    /// The network's history, modelled on the seeds' under the demo's own names:
    /// - the 区役所 and 支所 since the city's wards were made (1972);
    /// - the 出張所 (1975), converted to まちづくりセンター on 2017-04-01 by the 出張所等再編方針 (seed P1-1-3: H29年度からの
    ///   出張所等の再編, まちづくりセンターの設置): certificates stay, 届出 go to the ward office;
    /// - six 行政サービスコーナー at stations (1996); 中央駅 and 北駅 moved to better sites (seed 72302000: 行政サービス
    ///   コーナーの適地移転（川崎・小杉）);
    /// - 宮野連絡所 closed at the end of FY2011 (seed: 宮前連絡所は2011年度末をもって廃止), and 柿の木連絡所's manned window
    ///   closed at the end of FY2014 (seed: 柿生連絡所機能再編計画, 証明書発行有人窓口の2014年度末の廃止);
    /// - two automatic certificate machines (2005), switched off after store issuance began (seed: 自動交付機による証明書
    ///   交付実施方針; コンビニ交付 from 2016-03);
    /// - two post offices issuing on the city's behalf since 2020.
    public static func network(for city: Identity) -> [NetworkFacility] {
        var list: [NetworkFacility] = []
        func add(_ id: String, _ kind: FacilityKind, _ name: String, _ ward: Ward, _ address: Address, opened: CivilDate,
                 _ decision: FacilityDecision, then later: [FacilityEvent] = []) {
            let opening = FacilityEvent(
                facilityId: id, change: .opened, effectiveOn: opened, decision: decision, kind: kind, name: name, ward: ward.name,
                address: address, menu: FacilityService.standardMenu(kind))
            let events = [opening] + later
            let bare = Facility(id: id, kind: kind, name: name, ward: ward.name, address: address, openedOn: opened)
            // The demo's history keeps the rules by construction; a broken one is a bug in this file.
            let row = try! FacilityHistory.row(bare, events, today: day(2099, 12, 31))
            list.append(NetworkFacility(facility: row, events: events))
        }
        let wardsMade = FacilityDecision(document: "\(city.name)区の設置等に関する条例", decidedOn: day(1971, 12, 20))
        for (i, ward) in wards.enumerated() {
            add("\(ward.key)-ward-office", .wardOffice, "\(ward.name)役所", ward,
                address(city, ward: ward, town: ward.towns[0] + "一丁目", block: "\(i + 1)番地"), opened: day(1972, 4, 1), wardsMade)
        }
        add("minato-branch-office", .branchOffice, "港支所", wards[0], address(city, ward: wards[0], town: "港町二丁目", block: "5番地"),
            opened: day(1972, 4, 1), wardsMade)
        add("hama-branch-office", .branchOffice, "浜支所", wards[1], address(city, ward: wards[1], town: "浜町三丁目", block: "12番地"),
            opened: day(1972, 4, 1), wardsMade)
        let reorganisation = FacilityDecision(document: "まちづくり支援機能強化と出張所等再編方針", decidedOn: day(2016, 11, 30))
        for ward in wards.dropFirst(1) {
            let town = ward.towns[1]
            let id = "\(ward.key)-sub-branch-office"
            add(id, .subBranchOffice, "\(town)出張所", ward, address(city, ward: ward, town: town + "一丁目", block: "3番地"),
                opened: day(1975, 4, 1), FacilityDecision(document: "\(city.name)出張所設置条例", decidedOn: day(1975, 3, 20)),
                then: [FacilityEvent(facilityId: id, change: .converted, effectiveOn: day(2017, 4, 1), decision: reorganisation,
                                     kind: .communityCenter, name: "\(town)まちづくりセンター")])
        }
        let corners: [(String, String, Int)] = [
            ("chuo-station", "中央駅", 0), ("higashi-guchi", "東口", 1), ("nishi-station", "西駅", 2),
            ("minami-station", "南駅", 3), ("kita-station", "北駅", 4), ("midori-station", "緑駅", 5),
        ]
        // 適地移転: 中央駅 (川崎) to the station's new east building, 北駅 (小杉) into the redeveloped station tower.
        let moves: [String: (town: String, block: String, building: String, on: CivilDate, decided: CivilDate)] = [
            "chuo-station": ("駅前本町二丁目", "1番地", "中央駅東口ビル1階", day(2016, 2, 22), day(2014, 3, 25)),
            "kita-station": ("杉田一丁目", "10番地", "北駅タワー2階", day(2016, 10, 11), day(2015, 3, 20)),
        ]
        for (key, label, w) in corners {
            let ward = wards[w]
            let id = "\(key)-service-corner"
            let later = moves[key].map { m in
                [FacilityEvent(
                    facilityId: id, change: .relocated, effectiveOn: m.on,
                    decision: FacilityDecision(document: "行政サービスコーナーの適地移転について（\(label)）", decidedOn: m.decided),
                    address: address(city, ward: ward, town: m.town, block: m.block, building: m.building))]
            } ?? []
            add(id, .serviceCorner, "\(label)行政サービスコーナー", ward,
                address(city, ward: ward, town: ward.towns[6] + "一丁目", block: "1番地", building: "駅ビル2階"),
                opened: day(1996, 10, 1), FacilityDecision(document: "行政サービスコーナー設置要綱", decidedOn: day(1996, 8, 1)), then: later)
        }
        let liaison = FacilityDecision(document: "連絡所設置要綱", decidedOn: day(1982, 3, 1))
        add("miyano-liaison-office", .liaisonOffice, "宮野連絡所", wards[5], address(city, ward: wards[5], town: "宮野二丁目", block: "8番地"),
            opened: day(1982, 4, 1), liaison,
            then: [FacilityEvent(
                facilityId: "miyano-liaison-office", change: .closed, effectiveOn: day(2012, 4, 1),
                decision: FacilityDecision(document: "区役所と支所・出張所等の窓口サービス機能再編実施方針（宮野連絡所の廃止）", decidedOn: day(2011, 3, 28)))])
        add("kakinoki-liaison-office", .liaisonOffice, "柿の木連絡所", wards[6],
            address(city, ward: wards[6], town: "柿の木五丁目", block: "4番地"), opened: day(1984, 4, 1), liaison,
            then: [FacilityEvent(
                facilityId: "kakinoki-liaison-office", change: .mannedWindowClosed, effectiveOn: day(2015, 4, 1),
                decision: FacilityDecision(document: "柿の木連絡所機能再編計画", decidedOn: day(2014, 3, 27)), menu: [])])
        let machines = FacilityDecision(document: "証明書自動交付機設置要綱", decidedOn: day(2005, 5, 2))
        let machinesOff = FacilityDecision(document: "自動交付機による証明書交付実施方針", decidedOn: day(2012, 3, 28))
        for (id, name, w, town, building) in [
            ("sakura-mall-machine", "サクラモール証明書自動交付機", 0, "錦町一丁目", "サクラモール1階"),
            ("sagisawa-machine", "鷺沼駅証明書自動交付機", 5, "鷺沼一丁目", "鷺沼駅改札外"),
        ] {
            add(id, .automaticMachine, name, wards[w], address(city, ward: wards[w], town: town, block: "2番地", building: building),
                opened: day(2005, 7, 1), machines,
                then: [FacilityEvent(facilityId: id, change: .closed, effectiveOn: day(2019, 4, 1), decision: machinesOff)])
        }
        let postOffices = FacilityDecision(document: "郵便局における証明書交付事務の取扱いに関する規約", decidedOn: day(2020, 6, 30))
        for (id, name, w, town) in [
            ("midorigaoka-post-office", "緑ヶ丘郵便局", 5, "緑ヶ丘三丁目"), ("yamatedai-post-office", "山手台郵便局", 6, "山手台二丁目"),
        ] {
            add(id, .postOffice, name, wards[w], address(city, ward: wards[w], town: town, block: "7番地"),
                opened: day(2020, 10, 1), postOffices)
        }
        return list
    }

    /// The demo network's opening hours:
    /// - 区役所: weekdays 8:30–17:00; from 2019-04-01 (the seeds' 市民が利用しやすい時間帯の開庁) Thursdays to 19:00 and the
    ///   2nd and 4th Sunday mornings; the last Saturday and Sunday of March open for the moving season (one-off days);
    ///   中央区役所 closed for an inspection on 2027-02-15;
    /// - 支所, 出張所 and まちづくりセンター, 連絡所: weekdays 8:30–17:00;
    /// - 行政サービスコーナー: weekdays 7:30–19:00, weekends and holidays 9:00–17:00;
    /// - automatic machines: every day 6:30–21:00; post offices: weekdays 9:00–17:00.
    /// Every schedule closes 12/29–1/3.
    public static func hours(for city: Identity) -> (schedules: [HoursPeriod], days: [DayException]) {
        func span(_ text: String) -> OpeningSpan { try! OpeningSpan(text) }
        let office = try! HoursSchedule.weekdays([span("08:30-17:00")])
        let extended = try! HoursSchedule.weekdays(
            [span("08:30-17:00")], except: [.thursday: [span("08:30-19:00")]],
            monthly: [MonthlyOpening(.sunday, weeks: [2, 4], spans: [span("09:00-12:00")])])
        let corner = try! HoursSchedule(
            weekly: (0..<7).map { $0 == 0 || $0 == 6 ? [span("09:00-17:00")] : [span("07:30-19:00")] }, holidays: [span("09:00-17:00")])
        let machine = try! HoursSchedule.daily([span("06:30-21:00")])
        let post = try! HoursSchedule.weekdays([span("09:00-17:00")])
        let extension2019 = FacilityDecision(document: "区役所の開庁時間の拡大について", decidedOn: day(2018, 12, 20))
        var schedules: [HoursPeriod] = []
        var days: [DayException] = []
        for f in network(for: city) {
            let first = f.events[0]
            let schedule: HoursSchedule = switch f.facility.kind {
            case .serviceCorner: corner
            case .automaticMachine: machine
            case .postOffice: post
            default: office
            }
            schedules.append(HoursPeriod(facilityId: f.facility.id, effectiveOn: first.effectiveOn, schedule: schedule, decision: first.decision))
            guard f.facility.kind == .wardOffice else { continue }
            schedules.append(HoursPeriod(facilityId: f.facility.id, effectiveOn: day(2019, 4, 1), schedule: extended, decision: extension2019))
            for year in 2019...2027 {
                let lastSunday = (25...31).map { day(year, 3, $0) }.last { $0.weekday == .sunday }!
                for d in [lastSunday.adding(days: -1), lastSunday] {
                    days.append(try! DayException(facilityId: f.facility.id, day: d, spans: [span("09:00-16:00")], reason: "転入・転出の多い時期の休日開庁"))
                }
            }
            if f.facility.id == "chuo-ward-office" {
                days.append(try! DayException(facilityId: f.facility.id, day: day(2027, 2, 15), spans: [], reason: "庁舎の電気設備点検のため休業"))
            }
        }
        return (schedules, days)
    }

    /// The counter windows of the facilities with staff, and the lines each serves: a 区役所 has eight (証明書 1–2,
    /// 住所異動 3–5, 戸籍・印鑑 6, マイナンバーカード 7, 保険・児童 8), a 支所 four, a まちづくりセンター two, a
    /// 行政サービスコーナー two for certificates. Closed until their staff open them.
    public static func windows(for city: Identity) -> [QueueWindow] {
        let ward: [(String, [QueueProcedure])] = [
            ("1", [.certificates]), ("2", [.certificates]), ("3", [.moving]), ("4", [.moving]), ("5", [.moving, .certificates]),
            ("6", [.familyRegister, .sealRegistration]), ("7", [.myNumberCard]), ("8", [.insurance, .childAllowance]),
        ]
        let branch: [(String, [QueueProcedure])] = [
            ("1", [.certificates]), ("2", [.moving]), ("3", [.moving, .familyRegister, .sealRegistration]),
            ("4", [.myNumberCard, .insurance, .childAllowance]),
        ]
        var out: [QueueWindow] = []
        for f in network(for: city).map(\.facility) where f.closedOn == nil {
            let layout: [(String, [QueueProcedure])] = switch f.kind {
            case .wardOffice: ward
            case .branchOffice: branch
            case .communityCenter: [("1", [.certificates]), ("2", [.consultation])]
            case .serviceCorner: [("1", [.certificates]), ("2", [.certificates])]
            default: []
            }
            out += layout.map { QueueWindow(facilityId: f.id, id: $0.0, skills: $0.1) }
        }
        return out
    }

    /// Where the demo's yearly figures say they come from.
    public static let serviceFiguresSource = "デモ用の合成実績（施設別の証明書発行件数と経費）"

    /// Each place's certificates and costs (synthetic, of the size the seeds' city reports) for FY2014, the year before
    /// 柿の木連絡所's manned window closed (no stores yet), and FY2025 (the stores issuing about three in ten): a place
    /// has the figures of its kind as it stood at the year's end. 柿の木連絡所 issued little at a high cost, as the seed
    /// says of 柿生 (証明書発行件数が減少): about ¥4,000 a certificate against ¥1,200–2,000 at the other counters.
    public static func serviceFigures(for city: Identity) -> [AnnualServiceFigures] {
        var out: [AnnualServiceFigures] = []
        let weight = Dictionary(uniqueKeysWithValues: wards.map { ($0.name, $0.weight) })
        for year in [2014, 2025] {
            let fy = FiscalYear(year)
            for f in network(for: city) {
                guard let period = try! FacilityHistory.period(f.events, on: day(year + 1, 3, 31)), !period.menu.isEmpty else { continue }
                let (certificates, staff, premises, per): (Int, Int, Int, Int) = switch (period.kind, year) {
                case (.wardOffice, 2014): (30_000 * weight[period.ward, default: 20] / 20, 44_000_000, 9_000_000, 0)
                case (.wardOffice, _): (24_000 * weight[period.ward, default: 20] / 20, 42_000_000, 9_000_000, 0)
                case (.branchOffice, 2014): (19_000, 28_000_000, 5_000_000, 0)
                case (.branchOffice, _): (14_000, 27_000_000, 5_000_000, 0)
                case (.subBranchOffice, _), (.communityCenter, _): year == 2014 ? (11_000, 16_000_000, 3_000_000, 0) : (6_500, 12_000_000, 3_000_000, 0)
                case (.serviceCorner, _):
                    ((f.facility.id.hasPrefix("chuo") ? 27_000 : 21_000) * (year == 2014 ? 100 : 80) / 100, 19_000_000, 7_000_000, 0)
                case (.liaisonOffice, _): (2_600, 8_400_000, 2_200_000, 0)
                case (.automaticMachine, _): (8_500, 0, 2_400_000, 0)
                case (.postOffice, _): (1_400, 0, 240_000, 175)
                }
                out.append(AnnualServiceFigures(
                    fiscalYear: fy, facilityId: f.facility.id, certificates: certificates, staffYen: staff, premisesYen: premises,
                    perCertificateYen: per))
            }
        }
        out.append(AnnualServiceFigures(
            fiscalYear: FiscalYear(2025), facilityId: nil, certificates: 160_000, staffYen: 0, premisesYen: 24_000_000, perCertificateYen: 117))
        return out
    }

    /// Where the demo's ticket history says it comes from.
    public static let arrivalHistorySource = "デモ用の合成履歴（旧発券システムの時間帯別集計を模したもの）"

    /// Two years of hourly ticket counts before `asOf` at every facility with windows, as a city would import them from
    /// the ticketing system it had before (synthetic: ``SyntheticArrivals``): an ordinary day draws 300 tickets at a
    /// 区役所, 150 at a 支所, 60 at a 行政サービスコーナー and 40 at a まちづくりセンター.
    public static func arrivalHistory(for city: Identity, before asOf: CivilDate, seed: UInt64) -> [(String, [ArrivalCount])] {
        let hours = hours(for: city)
        let staffed = Set(windows(for: city).map(\.facilityId))
        let first = asOf.adding(days: -730)
        return network(for: city).filter { staffed.contains($0.facility.id) }.map { f in
            let start = max(first, f.events[0].effectiveOn)
            let days = OpeningHours.days(
                from: start, count: asOf.dayNumber - start.dayNumber, schedules: hours.schedules.filter { $0.facilityId == f.facility.id },
                exceptions: hours.days.filter { $0.facilityId == f.facility.id })
            let ordinary: Double = switch f.facility.kind {
            case .wardOffice: 300
            case .branchOffice: 150
            case .serviceCorner: 60
            default: 40
            }
            // A seed of the facility's own, the same on every machine.
            let own = f.facility.id.utf8.reduce(UInt64(14_695_981_039_346_656_037)) { ($0 ^ UInt64($1)) &* 1_099_511_628_211 }
            return (f.facility.id, SyntheticArrivals(ordinaryDay: ordinary).generate(days, seed: seed ^ own))
        }
    }

    /// Where each 町丁目 of the demo city is: 中央区 at the centre (35.56°N 139.64°E), the other wards on a ring about 6 km
    /// out, each ward's eight towns on a ring about 2 km around its centre, and 一丁目 to 五丁目 a few hundred metres
    /// apart eastwards. Synthetic, like everything in the demo.
    public static func townLocations() -> [TownKey: GeoPoint] {
        var out: [TownKey: GeoPoint] = [:]
        for (i, ward) in wards.enumerated() {
            let angle = Double(i - 1) * Double.pi / 3
            let centre = i == 0 ? (35.56, 139.64) : (35.56 + 0.054 * sin(angle), 139.64 + 0.066 * cos(angle))
            for (j, town) in ward.towns.enumerated() {
                let a = Double(j) * Double.pi / 4
                for n in 1...5 {
                    out[TownKey(ward: ward.name, town: town + NamePools.kanjiDigits[n] + "丁目")] = GeoPoint(
                        latitude: centre.0 + 0.018 * sin(a), longitude: centre.1 + 0.022 * cos(a) + 0.004 * Double(n - 1))
                }
            }
        }
        return out
    }
}
