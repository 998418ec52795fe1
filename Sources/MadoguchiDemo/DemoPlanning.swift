import Foundation
import MadoguchiDomain
import MadoguchiImport
import MadoguchiStore

/// The demo's 施策進行管理: the two seed sheets imported, their indicators ①②③ and the 行政サービスコーナー
/// share fed live, and the synthetic operations they count — survey answers whose shares reproduce the
/// sheets' own figures for H26–H28, the activity log from the まちづくりセンター's opening in H29, and the
/// issuance counts kept before the ledger. 72302000 is taken through review to publication; the program
/// sheet stays a draft for planners to edit. Deterministic for a seed.
public enum DemoPlanning {
    public struct Report: Sendable {
        public var sheets: [String] = []
        public var activities = 0
        public var surveys = 0
        public var responses = 0
    }

    /// Satisfied shares (‰) per fiscal year: the program sheet's ① and ② for 2014–2016, then plausible years after.
    static let wardSatisfaction: [Int: Int] = [
        2014: 626, 2015: 538, 2016: 586, 2017: 601, 2018: 612, 2019: 633, 2020: 641, 2021: 629, 2022: 648, 2023: 655, 2024: 662, 2025: 671,
    ]
    static let closeness: [Int: Int] = [
        2014: 362, 2015: 268, 2016: 320, 2017: 301, 2018: 315, 2019: 322, 2020: 298, 2021: 307, 2022: 318, 2023: 331, 2024: 336, 2025: 342,
    ]
    /// Activities a year from the centres' opening (FY2017); the plan set 9,500 for FY2019.
    static let activitiesPerYear: [Int: Int] = [
        2017: 6_820, 2018: 8_410, 2019: 9_630, 2020: 7_150, 2021: 8_020, 2022: 9_140, 2023: 9_710, 2024: 9_880, 2025: 10_050,
    ]
    /// Copies issued a year before the ledger, and the service corners' share of them (‰): 18, 19, 20 % in 2011–2013.
    static let issuance: [Int: (total: Int, cornerPermille: Int)] = [
        2010: (1_512_000, 172), 2011: (1_498_000, 180), 2012: (1_487_500, 190), 2013: (1_476_000, 200), 2014: (1_452_000, 203),
        2015: (1_431_000, 205), 2016: (1_388_000, 198), 2017: (1_342_000, 187), 2018: (1_301_000, 181), 2019: (1_254_000, 176),
        2020: (1_122_000, 169), 2021: (1_140_000, 163), 2022: (1_096_000, 158), 2023: (1_043_000, 151), 2024: (998_000, 147),
        2025: (951_000, 142),
    ]

    public static func seed(into database: MadoguchiDatabase, sheetFiles: [URL], now: Date, seed: UInt64 = 1) throws -> Report {
        var report = Report()
        var random = DemoRandom(seed: seed &+ 0x5EE7)
        let sheets = try sheetFiles.map { url -> EvaluationSheet in
            guard let data = FileManager.default.contents(atPath: url.path) else {
                throw MadoguchiError(.sheetUnreadable, ja: "評価票のファイルを読めません: \(url.path)", en: "Cannot read \(url.path)")
            }
            return try SheetImporter().read([UInt8](data)).0
        }
        let today = JapanTime.date(of: now)
        var data = PlanningDataset(importer: "デモ取込", editor: "デモ 企画担当")
        // Surveys: one a year with both questions; about 1,000 answers each, a few 無回答.
        let options = ["満足", "やや満足", "どちらともいえない", "やや不満", "不満"]
        let closenessOptions = ["感じる", "やや感じる", "あまり感じない", "感じない"]
        for year in wardSatisfaction.keys.sorted() where FiscalYear(year).lastDay < today {
            let survey = Survey(
                id: "\(year)-ward", title: "\(FiscalYear(year).japaneseDescription) 区民アンケート", fiscalYear: FiscalYear(year),
                questions: [
                    SurveyQuestion(code: "ward-satisfaction", text: "区役所で行っている業務や手続きについて満足していますか", options: options,
                                   satisfied: ["満足", "やや満足"]),
                    SurveyQuestion(code: "machizukuri-closeness", text: "区役所のまちづくり活動を身近に感じますか", options: closenessOptions,
                                   satisfied: ["感じる", "やや感じる"]),
                ])
            let satisfied = wardSatisfaction[year]!, close = closeness[year]!
            let responses = (0..<1_020).map { r in
                // 1,000 answer each question; 20 leave it blank. Shares are exact to the ‰.
                let a = r < 1_000 ? (r < satisfied ? options[r % 2] : options[2 + r % 3]) : ""
                let b = r < 1_000 ? (r < close ? closenessOptions[r % 2] : closenessOptions[2 + r % 2]) : ""
                return SurveyResponseRow(line: r + 2, respondent: String(format: "R%05d", r + 1), answers: ["ward-satisfaction": a, "machizukuri-closeness": b])
            }
            data.surveys.append(.init(survey: survey, responses: responses))
            report.surveys += 1
            report.responses += responses.count
        }
        // The activity log: each centre's regional staff, spread over the year's days (this year: to date).
        let centres = DemoCity.wards.map { "\($0.name.dropLast())まちづくりセンター" }
        var perYear = activitiesPerYear
        let current = FiscalYear(containing: today)
        if perYear[current.startYear] == nil, current.startYear > 2017 {
            let elapsed = today.dayNumber - current.firstDay.dayNumber + 1
            perYear[current.startYear] = 10_200 * elapsed / 365
        }
        for (year, count) in perYear.sorted(by: { $0.key < $1.key }) {
            let fy = FiscalYear(year)
            let days = min(fy.lastDay.dayNumber, today.dayNumber) - fy.firstDay.dayNumber + 1
            guard days > 0 else { continue }
            for i in 0..<count {
                let day = CivilDate(dayNumber: fy.firstDay.dayNumber + (i * days) / count)
                let centre = random.int(0...(centres.count - 1))
                data.activities.append(RegionalActivity(
                    staff: "地域担当\(centre + 1)-\(random.int(1...4))", center: centres[centre], date: day, kind: random.pick(RegionalActivity.commonKinds),
                    participants: random.int(2...40)))
            }
        }
        report.activities = data.activities.count
        for (year, counts) in issuance.sorted(by: { $0.key < $1.key }) {
            let corner = counts.total * counts.cornerPermille / 1000
            data.counts.append(.init(year: FiscalYear(year), place: "serviceCorner", copies: corner, source: "旧住基システム集計"))
            data.counts.append(.init(year: FiscalYear(year), place: "wardOffice", copies: counts.total - corner, source: "旧住基システム集計"))
        }
        // The sheets, their live definitions, and 72302000's review to publication.
        for sheet in sheets {
            var edited = sheet
            for (i, indicator) in sheet.indicators.enumerated() {
                if indicator.name.contains("行政サービスコーナー") {
                    edited.indicators[i].live = LiveIndicatorDefinition(source: .serviceCornerShare)
                } else if indicator.name.contains("満足している市民の割合") {
                    edited.indicators[i].live = LiveIndicatorDefinition(source: .surveySatisfaction, question: "ward-satisfaction")
                } else if indicator.name.contains("身近に感じる市民の割合") {
                    edited.indicators[i].live = LiveIndicatorDefinition(source: .surveySatisfaction, question: "machizukuri-closeness")
                } else if indicator.name.contains("活動件数") {
                    edited.indicators[i].live = LiveIndicatorDefinition(source: .regionalStaffActivities)
                }
            }
            let reviews: [PlanningDataset.ReviewStep] = sheet.layout != .measure ? [] : [
                .init(action: .submit, role: .staff, author: "区調整課 企画担当", comment: "2013年度の評価を記入しました"),
                .init(action: .approve, role: .sectionChief, author: "区調整課長", comment: "確認しました"),
                .init(action: .approve, role: .director, author: "区政推進部長", comment: "了承"),
                .init(action: .approve, role: .externalReviewer, author: "外部評価委員会", comment: "評価区分は妥当"),
            ]
            data.sheets.append(.init(imported: sheet, edited: edited, editNote: "指標を業務データから自動集計", reviews: reviews))
            report.sheets.append(sheet.code)
        }
        try database.load(data, now: now)
        return report
    }

    /// The seed sheets shipped with the project (`data/sheets`), when run from its directory.
    public static func bundledSheets(in directory: String = "data/sheets") -> [URL] {
        let url = URL(fileURLWithPath: directory)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: url.path)) ?? []
        return names.sorted().filter { $0.hasSuffix(".tsv") || $0.hasSuffix(".txt") || $0.hasSuffix(".json") }
            .map { url.appendingPathComponent($0) }
    }
}
