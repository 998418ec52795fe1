import Foundation

/// 順調 / やや遅れ / 遅れ: where an indicator stands against what was planned for its latest measured year.
public enum IndicatorProgress: String, Sendable, Codable, CaseIterable {
    /// 順調
    case onTrack
    /// やや遅れ
    case slightlyBehind
    /// 遅れ
    case behind

    public var japanese: String {
        switch self {
        case .onTrack: "順調"
        case .slightlyBehind: "やや遅れ"
        case .behind: "遅れ"
        }
    }
}

/// The thresholds of the derived status, in achievement percent. A city sets its own.
public struct ProgressThresholds: Hashable, Sendable, Codable {
    /// At or above: 順調
    public var onTrack: Decimal
    /// At or above (and below ``onTrack``): やや遅れ; below: 遅れ
    public var slightlyBehind: Decimal

    public init(onTrack: Decimal = 100, slightlyBehind: Decimal = 80) {
        self.onTrack = onTrack
        self.slightlyBehind = slightlyBehind
    }

    public static let standard = ProgressThresholds()
}

/// The derived status of an indicator: its latest measured year, the value it is compared with, and how far it got.
public struct IndicatorStatus: Hashable, Sendable, Codable {
    public var year: FiscalYear
    public var actual: SheetNumber
    /// The year's 計画値, or the 目標値 when the year has no plan.
    public var comparedWith: SheetNumber
    public var comparedWithTarget: Bool
    /// 達成率, rounded to one decimal place.
    public var achievementPercent: Decimal
    public var progress: IndicatorProgress
}

extension Indicator {
    /// The status from the latest year with a 実績値. Achievement is actual ÷ plan (higher is better) or
    /// plan ÷ actual (lower is better); without a direction, higher is taken as better, as in most sheets.
    /// `nil` when no year has a numeric actual or there is nothing to compare with.
    public func status(thresholds: ProgressThresholds = .standard) -> IndicatorStatus? {
        guard let latest = years.last(where: { $0.actual?.number != nil }), let actual = latest.actual?.number else {
            return nil
        }
        let planned = latest.plan?.number
        guard let reference = planned ?? target?.figure?.number else { return nil }
        let a = actual.decimal
        let r = reference.decimal
        let ratio: Decimal
        switch direction ?? .higherIsBetter {
        case .higherIsBetter:
            guard r != 0 else { return nil }
            ratio = a / r * 100
        case .lowerIsBetter:
            guard a != 0 else { return nil }
            ratio = r / a * 100
        }
        var rounded = Decimal()
        var raw = ratio
        NSDecimalRound(&rounded, &raw, 1, .plain)
        let progress: IndicatorProgress =
            rounded >= thresholds.onTrack ? .onTrack : rounded >= thresholds.slightlyBehind ? .slightlyBehind : .behind
        return IndicatorStatus(
            year: latest.year, actual: actual, comparedWith: reference, comparedWithTarget: planned == nil,
            achievementPercent: rounded, progress: progress)
    }
}
