/// 年度: Japan's fiscal year, April 1 to March 31, named by the year it starts in.
public struct FiscalYear: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    /// The Gregorian year of its April 1.
    public let startYear: Int

    public init(_ startYear: Int) { self.startYear = startYear }

    /// The fiscal year a date falls in: 2025-03-31 is in 2024年度, 2025-04-01 in 2025年度.
    public init(containing date: CivilDate) {
        startYear = date.month >= 4 ? date.year : date.year - 1
    }

    public var firstDay: CivilDate { CivilDate(year: startYear, month: 4, day: 1)! }
    public var lastDay: CivilDate { CivilDate(year: startYear + 1, month: 3, day: 31)! }
    public func contains(_ date: CivilDate) -> Bool { firstDay <= date && date <= lastDay }

    /// The era a fiscal year is named in: the era in force on May 1 of its first year, so that
    /// 2019年度 is 令和元年度 (as the government renamed it) and 1926年度 stays 大正15年度.
    public var era: JapaneseEra {
        JapaneseEra.era(on: CivilDate(year: startYear, month: 5, day: 1)!) ?? .meiji
    }

    /// 令和6年度
    public var japaneseDescription: String {
        let year = startYear - era.firstGregorianYear + 1
        return "\(era.kanji)\(year == 1 ? "元" : String(year))年度"
    }

    /// 2024年度
    public var description: String { "\(startYear)年度" }

    public static func < (lhs: FiscalYear, rhs: FiscalYear) -> Bool { lhs.startYear < rhs.startYear }

    public init(from decoder: any Decoder) throws {
        startYear = try decoder.singleValueContainer().decode(Int.self)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(startYear)
    }
}

extension FiscalYear {
    /// Reads a fiscal year in the notations of real evaluation sheets:
    /// `令和６年度`, `令和元年度`, `Ｒ６`, `R6`, `H25`, `平成25年度`, `2011(H23)年度`, `2024年度`, `FY2024`,
    /// and a bare `26年度` when `era` (the sheet's context) fixes the era.
    ///
    /// An era year past the era's end (平成32年度, as plans written before 2019 say) is read
    /// arithmetically, as its writers meant. A Gregorian year with an era year in brackets must agree.
    public static func parse(_ text: String, era context: JapaneseEra? = nil) throws -> FiscalYear {
        var s = JapaneseText.normalized(text).replacingOccurrences(of: " ", with: "")
        let unreadable = MadoguchiError(
            .fiscalYearUnreadable, ja: "年度として読めません: \(text)", en: "Not a fiscal year: \(text)")
        if s.uppercased().hasPrefix("FY") { s = String(s.dropFirst(2)) }
        for suffix in ["年度", "年"] where s.hasSuffix(suffix) {
            s = String(s.dropLast(suffix.count))
            break
        }
        // 2011(H23) or H23(2011): two readings that must agree.
        if let open = s.firstIndex(of: "("), s.last == ")" {
            let outer = String(s[..<open])
            let inner = String(s[s.index(after: open)..<s.index(before: s.endIndex)])
            let a = try parseSingle(outer, era: context, original: text)
            let b = try parseSingle(inner, era: context, original: text)
            guard a == b else {
                throw MadoguchiError(
                    .fiscalYearInconsistent,
                    ja: "年度の西暦と和暦が一致しません: \(text)（\(a.startYear)と\(b.startYear)）",
                    en: "The Gregorian and era years disagree in \(text) (\(a.startYear) vs \(b.startYear))")
            }
            return a
        }
        guard !s.isEmpty else { throw unreadable }
        return try parseSingle(s, era: context, original: text)
    }

    private static func parseSingle(_ s: String, era context: JapaneseEra?, original: String) throws -> FiscalYear {
        let unreadable = MadoguchiError(
            .fiscalYearUnreadable, ja: "年度として読めません: \(original)", en: "Not a fiscal year: \(original)")
        var s = s
        for suffix in ["年度", "年"] where s.hasSuffix(suffix) {
            s = String(s.dropLast(suffix.count))
            break
        }
        var era: JapaneseEra?
        for length in [2, 1] where s.count > length {
            if let e = JapaneseEra(symbol: String(s.prefix(length))) {
                era = e
                s = String(s.dropFirst(length))
                break
            }
        }
        let number: Int
        if s == "元" {
            number = 1
        } else if !s.isEmpty, s.allSatisfy({ $0.isASCII && $0.isNumber }), let n = Int(s) {
            number = n
        } else {
            throw unreadable
        }
        if let era {
            guard (1...999).contains(number) else { throw unreadable }
            return FiscalYear(era.firstGregorianYear + number - 1)
        }
        if s.count == 4 {
            guard number >= 1873 else { throw unreadable }
            return FiscalYear(number)
        }
        guard number >= 1, s.count <= 2 else { throw unreadable }
        guard let context else {
            throw MadoguchiError(
                .fiscalYearNeedsEra,
                ja: "元号のない年度（\(original)）は元号を指定して読んでください",
                en: "\(original) has no era: give the era the sheet is written in")
        }
        return FiscalYear(context.firstGregorianYear + number - 1)
    }
}

extension FiscalYear {
    /// The era year as a number (1 for 元年).
    public var eraYear: Int { startYear - era.firstGregorianYear + 1 }

    /// `H26`, `R6`: the short form sheets print in table heads.
    public var eraShort: String { "\(era.letter)\(eraYear)" }

    /// `2011(H23)年度`: both readings, as 施策進行管理・評価票 prints years.
    public var gregorianWithEra: String { "\(startYear)(\(eraShort))年度" }
}
