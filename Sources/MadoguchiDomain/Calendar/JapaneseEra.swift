/// 元号. The eras since Japan adopted the Gregorian calendar on 1873-01-01 (明治6年1月1日).
public enum JapaneseEra: String, Sendable, CaseIterable, Codable, Comparable {
    case meiji, taisho, showa, heisei, reiwa

    /// 明治, 大正, 昭和, 平成, 令和
    public var kanji: String {
        switch self {
        case .meiji: "明治"
        case .taisho: "大正"
        case .showa: "昭和"
        case .heisei: "平成"
        case .reiwa: "令和"
        }
    }

    /// The romanised initial used on forms: M, T, S, H, R.
    public var letter: Character {
        switch self {
        case .meiji: "M"
        case .taisho: "T"
        case .showa: "S"
        case .heisei: "H"
        case .reiwa: "R"
        }
    }

    /// The Gregorian year of 元年.
    public var firstGregorianYear: Int {
        switch self {
        case .meiji: 1868
        case .taisho: 1912
        case .showa: 1926
        case .heisei: 1989
        case .reiwa: 2019
        }
    }

    /// The first day of the era (for 明治, the first day this calendar supports).
    public var firstDay: CivilDate {
        switch self {
        case .meiji: CivilDate(year: 1873, month: 1, day: 1)!
        case .taisho: CivilDate(year: 1912, month: 7, day: 30)!
        case .showa: CivilDate(year: 1926, month: 12, day: 25)!
        case .heisei: CivilDate(year: 1989, month: 1, day: 8)!
        case .reiwa: CivilDate(year: 2019, month: 5, day: 1)!
        }
    }

    /// The day after the era's last day, or `nil` for the current era.
    public var nextEra: JapaneseEra? {
        JapaneseEra(index: JapaneseEra.allCases.firstIndex(of: self)! + 1)
    }

    private init?(index: Int) {
        guard JapaneseEra.allCases.indices.contains(index) else { return nil }
        self = JapaneseEra.allCases[index]
    }

    /// The era in force on a date; `nil` before 1873-01-01.
    public static func era(on date: CivilDate) -> JapaneseEra? {
        allCases.last { $0.firstDay <= date }
    }

    /// Reads 令和, R, r, Ｒ, 令 … Returns `nil` for anything else.
    public init?(symbol: String) {
        let s = JapaneseText.normalized(symbol)
        for era in JapaneseEra.allCases {
            if s == era.kanji || s.uppercased() == String(era.letter) || s == String(era.kanji.first!) {
                self = era
                return
            }
        }
        return nil
    }

    public static func < (lhs: JapaneseEra, rhs: JapaneseEra) -> Bool {
        lhs.firstGregorianYear < rhs.firstGregorianYear
    }
}

/// A date written in 和暦: 令和元年5月1日.
public struct JapaneseDate: Hashable, Sendable, CustomStringConvertible {
    public let era: JapaneseEra
    /// The year of the era; 1 is written 元年.
    public let year: Int
    public let month: Int
    public let day: Int

    /// The 和暦 of a Gregorian date. Throws for dates before 1873-01-01.
    public init(_ date: CivilDate) throws {
        guard let era = JapaneseEra.era(on: date) else {
            throw MadoguchiError(
                .dateBeforeSupportedRange,
                ja: "1873年1月1日（明治6年1月1日）より前の日付は扱えません: \(date)",
                en: "Dates before 1873-01-01 (the Gregorian calendar in Japan) are not supported: \(date)")
        }
        self.era = era
        self.year = date.year - era.firstGregorianYear + 1
        self.month = date.month
        self.day = date.day
    }

    /// A checked 和暦 date: 平成31年5月1日 or 昭和64年1月8日 do not exist and throw.
    public init(era: JapaneseEra, year: Int, month: Int, day: Int) throws {
        let gregorianYear = era.firstGregorianYear + year - 1
        guard year >= 1, let date = CivilDate(year: gregorianYear, month: month, day: day) else {
            throw MadoguchiError(
                .invalidDate, ja: "存在しない日付です: \(era.kanji)\(year)年\(month)月\(day)日",
                en: "No such date: \(era.kanji) \(year)-\(month)-\(day)")
        }
        guard date >= era.firstDay, era.nextEra.map({ date < $0.firstDay }) ?? true else {
            throw MadoguchiError(
                .eraOutOfRange,
                ja: "\(era.kanji)\(year)年\(month)月\(day)日は\(era.kanji)の期間外です",
                en: "\(era.kanji) \(year)-\(month)-\(day) is outside the \(era.rawValue) era")
        }
        self.era = era
        self.year = year
        self.month = month
        self.day = day
    }

    public var gregorian: CivilDate {
        CivilDate(year: era.firstGregorianYear + year - 1, month: month, day: day)!
    }

    /// The era year as printed: 元 for the first year.
    public var yearText: String { year == 1 ? "元" : String(year) }

    /// 令和元年5月1日
    public var description: String { "\(era.kanji)\(yearText)年\(month)月\(day)日" }

    /// Reads 令和元年5月1日, 平成３１年４月３０日, R1.5.1, H31/4/30, S64-01-07.
    public static func parse(_ text: String) throws -> JapaneseDate {
        let s = JapaneseText.normalized(text)
        let unreadable = MadoguchiError(
            .invalidDate, ja: "和暦の日付として読めません: \(text)", en: "Not a Japanese-era date: \(text)")
        // Era symbol: the longest prefix that names an era.
        var era: JapaneseEra?
        var rest = Substring(s)
        for length in [2, 1] where s.count >= length {
            if let e = JapaneseEra(symbol: String(s.prefix(length))) {
                era = e
                rest = s.dropFirst(length)
                break
            }
        }
        guard let era else { throw unreadable }
        guard let (y, m, d) = DateTokens.yearMonthDay(rest, allowGannen: true) else { throw unreadable }
        return try JapaneseDate(era: era, year: y, month: m, day: d)
    }
}
