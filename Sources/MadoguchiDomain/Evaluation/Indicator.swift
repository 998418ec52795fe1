import Foundation

/// 指標の方向性
public enum IndicatorDirection: String, Sendable, Codable, CaseIterable {
    /// 大きいほどよい
    case higherIsBetter
    /// 小さいほどよい
    case lowerIsBetter

    public var japanese: String {
        switch self {
        case .higherIsBetter: "大きいほどよい"
        case .lowerIsBetter: "小さいほどよい"
        }
    }

    public init?(japanese text: String) {
        let s = JapaneseText.normalized(text).replacingOccurrences(of: " ", with: "")
        switch s {
        case "大きいほどよい", "大きいほど良い", "高いほどよい", "高いほど良い", "多いほどよい", "多いほど良い", "上昇", "↑":
            self = .higherIsBetter
        case "小さいほどよい", "小さいほど良い", "低いほどよい", "低いほど良い", "少ないほどよい", "少ないほど良い", "低下", "↓":
            self = .lowerIsBetter
        default: return nil
        }
    }
}

/// A value with the fiscal year it is of: 基準値(H24) 43.4, 目標値(H30) 67.
public struct YearFigure: Hashable, Sendable, Codable {
    public var year: FiscalYear?
    public var figure: SheetFigure?

    public init(year: FiscalYear?, figure: SheetFigure?) {
        self.year = year
        self.figure = figure
    }
}

/// One fiscal year of an indicator: 計画値 and 実績値, either of which may be blank.
public struct IndicatorYear: Hashable, Sendable, Codable {
    public var year: FiscalYear
    /// 計画値
    public var plan: SheetFigure?
    /// 実績値
    public var actual: SheetFigure?

    public init(year: FiscalYear, plan: SheetFigure? = nil, actual: SheetFigure? = nil) {
        self.year = year
        self.plan = plan
        self.actual = actual
    }
}

/// A note under the indicator table (※③については…), with a later target it sets when it sets one.
public struct IndicatorNote: Hashable, Sendable, Codable {
    public var text: String
    /// The indicator numbers the note is about (③ → 3).
    public var indicators: [Int]
    /// H31の目標値を9,500件と設定: a target beyond the sheet's own.
    public var target: YearFigure?
    public var targetUnit: String?

    public init(text: String, indicators: [Int], target: YearFigure? = nil, targetUnit: String? = nil) {
        self.text = text
        self.indicators = indicators
        self.target = target
        self.targetUnit = targetUnit
    }
}

/// 指標: a series with its baseline, yearly plan and actual values, and target.
public struct Indicator: Hashable, Sendable, Codable, Identifiable {
    /// ① → 1
    public var number: Int
    public var name: String
    /// 指標の説明
    public var explanation: String?
    /// 単位: %, 件, 人 …
    public var unit: String?
    public var direction: IndicatorDirection?
    /// 基準値 and its year
    public var baseline: YearFigure?
    public var years: [IndicatorYear]
    /// 目標値 and its year
    public var target: YearFigure?
    /// A live definition: where the value comes from when it is fed from operations.
    public var live: LiveIndicatorDefinition?

    public var id: Int { number }

    public init(
        number: Int, name: String, explanation: String? = nil, unit: String? = nil,
        direction: IndicatorDirection? = nil, baseline: YearFigure? = nil, years: [IndicatorYear] = [],
        target: YearFigure? = nil, live: LiveIndicatorDefinition? = nil
    ) {
        self.number = number
        self.name = name
        self.explanation = explanation
        self.unit = unit
        self.direction = direction
        self.baseline = baseline
        self.years = years
        self.target = target
        self.live = live
    }

    /// ①, ②, ③ … as printed.
    public var marker: String { Indicator.marker(number) }

    public static func marker(_ n: Int) -> String {
        (1...20).contains(n) ? String(Unicode.Scalar(0x2460 + UInt32(n - 1))!) : "(\(n))"
    }

    /// ① → 1 for a leading circled number; `nil` otherwise.
    public static func number(fromMarker c: Character) -> Int? {
        guard let v = c.unicodeScalars.first?.value, (0x2460...0x2473).contains(v) else { return nil }
        return Int(v - 0x2460) + 1
    }
}

/// The operational query an indicator is fed from.
public enum LiveIndicatorSource: String, Hashable, Sendable, Codable, CaseIterable {
    /// 全証明書発行件数に占める行政サービスコーナーでの発行件数の割合, from the issuance ledger (%)
    case serviceCornerShare
    /// まちづくりセンター地域担当職員の地域での活動件数, from the activity log (件)
    case regionalStaffActivities
    /// A satisfied share from a citizen survey (%)
    case surveySatisfaction
    /// コンビニ交付の部数に占めるスマホ用電子証明書による部数の割合, from the issuance ledger (%): the phone and the
    /// card counted apart (issue 12, item 4)
    case storeSmartphoneShare
    /// 区役所（or another kind of facility）の窓口の平均待ち時間 in one month of each fiscal year (3月: the moving
    /// season), from the tickets' events (分): from drawing (a reservation: its check-in) to the first call (issue 14,
    /// item 7)
    case counterMeanWait
}

extension LiveIndicatorSource {
    public var japanese: String {
        switch self {
        case .serviceCornerShare: "証明書発行台帳（行政サービスコーナーでの発行件数 ÷ 全発行件数）"
        case .regionalStaffActivities: "地域活動記録（まちづくりセンター地域担当職員の活動件数）"
        case .surveySatisfaction: "市民アンケート（満足と答えた人の割合）"
        case .storeSmartphoneShare: "証明書発行台帳（コンビニ交付のうちスマホ用電子証明書による部数 ÷ コンビニ交付の部数）"
        case .counterMeanWait: "番号札の記録（発券から最初の呼出までの平均待ち時間）"
        }
    }

    public var unit: String {
        switch self {
        case .serviceCornerShare, .surveySatisfaction, .storeSmartphoneShare: "%"
        case .regionalStaffActivities: "件"
        case .counterMeanWait: "分"
        }
    }
}

/// How an indicator is fed from operations: the source, and for a survey the question and for the
/// activity log the kinds of activity that count (all when empty).
public struct LiveIndicatorDefinition: Hashable, Sendable, Codable {
    public var source: LiveIndicatorSource
    /// The survey question's code (`ward-satisfaction`), the same in each year's questionnaire.
    public var question: String?
    /// Activity kinds that count; empty counts every kind.
    public var activityKinds: [String]
    /// For a wait: the kind of facility whose counters count (`wardOffice` when nil)
    public var facilityKind: FacilityKind?
    /// For a wait: the month of each fiscal year that counts (3, March, when nil)
    public var month: Int?

    public init(
        source: LiveIndicatorSource, question: String? = nil, activityKinds: [String] = [], facilityKind: FacilityKind? = nil, month: Int? = nil
    ) {
        self.source = source
        self.question = question
        self.activityKinds = activityKinds
        self.facilityKind = facilityKind
        self.month = month
    }
}

/// One fiscal year of a live indicator, with the counts it was computed from.
public struct LiveYearValue: Hashable, Sendable, Codable {
    public var year: FiscalYear
    public var value: SheetNumber
    /// The counts behind a share (numerator ÷ denominator), or the count itself.
    public var numerator: Int
    public var denominator: Int?

    public init(year: FiscalYear, value: SheetNumber, numerator: Int, denominator: Int? = nil) {
        self.year = year
        self.value = value
        self.numerator = numerator
        self.denominator = denominator
    }
}

/// An indicator's values as computed from operations, with where they came from and when.
public struct LiveIndicatorReading: Hashable, Sendable, Codable {
    public var source: LiveIndicatorSource
    /// What exactly was counted (the survey question, the facility kinds …).
    public var detail: String
    /// When it was computed (JST timestamp).
    public var asOf: String
    public var values: [LiveYearValue]

    public init(source: LiveIndicatorSource, detail: String, asOf: String, values: [LiveYearValue]) {
        self.source = source
        self.detail = detail
        self.asOf = asOf
        self.values = values
    }
}
