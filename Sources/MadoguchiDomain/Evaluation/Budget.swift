import Foundation

/// The kinds of amount in a 事業費 table.
public enum BudgetAmountKind: String, Sendable, Codable, CaseIterable {
    /// 計画事業費: what the plan set for the year
    case planned
    /// 予算
    case budget
    /// 決算
    case settled
    /// 決算見込: the settlement expected, for a year not yet closed
    case settledEstimate

    public var japanese: String {
        switch self {
        case .planned: "計画事業費"
        case .budget: "予算"
        case .settled: "決算"
        case .settledEstimate: "決算見込"
        }
    }

    public init?(japanese text: String) {
        let s = JapaneseText.normalized(text).replacingOccurrences(of: " ", with: "")
        switch s {
        case "計画事業費", "計画額", "計画": self = .planned
        case "予算", "予算額", "当初予算": self = .budget
        case "決算", "決算額": self = .settled
        case "決算見込", "決算見込額", "決算見込み": self = .settledEstimate
        default: return nil
        }
    }
}

/// One amount of a 事業費 table, in thousand yen (千円) as the sheets print them.
public struct BudgetAmount: Hashable, Sendable, Codable {
    public var kind: BudgetAmountKind
    /// 千円; `nil` for a blank cell.
    public var thousandYen: SheetFigure?

    public init(kind: BudgetAmountKind, thousandYen: SheetFigure?) {
        self.kind = kind
        self.thousandYen = thousandYen
    }
}

/// 事業費 of one fiscal year, its amounts in the order the sheet prints them.
public struct BudgetYear: Hashable, Sendable, Codable {
    public var year: FiscalYear
    public var amounts: [BudgetAmount]

    public init(year: FiscalYear, amounts: [BudgetAmount]) {
        self.year = year
        self.amounts = amounts
    }

    public func amount(_ kind: BudgetAmountKind) -> SheetFigure? { amounts.first { $0.kind == kind }?.thousandYen }
}

/// 事業費 (単位:千円): a labelled row (事業費合計) over fiscal years.
public struct BudgetTable: Hashable, Sendable, Codable {
    /// 事業費合計
    public var label: String
    public var years: [BudgetYear]

    public init(label: String, years: [BudgetYear]) {
        self.label = label
        self.years = years
    }
}

/// Amounts as other sheets write them: `326,331千円`, `3億2,633万円`, `326331000円`, in 千円.
public enum BudgetUnits {
    /// Reads an amount and converts it to 千円. A yen amount that does not divide into thousands is
    /// refused rather than rounded. Blank is `nil`; `-` is ``SheetFigure/notApplicable``.
    public static func thousandYen(_ written: String) throws -> SheetFigure? {
        var s = JapaneseText.normalized(written).replacingOccurrences(of: " ", with: "")
        if s.isEmpty || s == "\u{00A0}" { return nil }
        if let figure = SheetFigure(s) { return figure }
        let unreadable = MadoguchiError(
            .sheetUnreadable, ja: "金額として読めません: \(written)", en: "Not an amount: \(written)")
        if s.hasSuffix("千円"), let n = SheetNumber(String(s.dropLast(2))) {
            return .number(n)
        }
        guard s.hasSuffix("円") else { throw unreadable }
        s.removeLast()
        // 3億2,633万1千円 style: sum the parts.
        var yen: Decimal = 0
        var rest = Substring(s)
        for (unit, factor) in [("億", Decimal(100_000_000)), ("万", Decimal(10_000)), ("千", Decimal(1_000))] {
            if let r = rest.range(of: unit) {
                guard let n = SheetNumber(String(rest[..<r.lowerBound])) else { throw unreadable }
                yen += n.decimal * factor
                rest = rest[r.upperBound...]
            }
        }
        if !rest.isEmpty {
            guard let n = SheetNumber(String(rest)) else { throw unreadable }
            yen += n.decimal
        }
        let thousands = yen / 1000
        guard let n = SheetNumber("\(thousands)"), n.decimal * 1000 == yen, n.scale == 0 else {
            throw MadoguchiError(
                .sheetUnreadable, ja: "千円単位にできない金額です: \(written)",
                en: "The amount \(written) is not a whole number of thousand yen")
        }
        return .number(n)
    }
}
