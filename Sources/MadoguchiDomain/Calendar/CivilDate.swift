/// A date on the proleptic Gregorian calendar with no time and no time zone: a birth date,
/// a 届出日, a holiday. Japan's civil dates are Gregorian from 1873-01-01 (明治6年1月1日).
///
/// Pure value arithmetic (days from 1970-01-01) keeps calendars fast and independent of
/// `Foundation.Calendar` and the machine's time zone.
public struct CivilDate: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let year: Int
    public let month: Int
    public let day: Int

    /// A checked date; `nil` when the day does not exist (2023-02-29, 2024-13-01).
    public init?(year: Int, month: Int, day: Int) {
        guard (1...12).contains(month), day >= 1, day <= CivilDate.daysIn(month: month, year: year) else {
            return nil
        }
        self.year = year
        self.month = month
        self.day = day
    }

    /// The date `dayNumber` days after 1970-01-01 (negative before it).
    public init(dayNumber: Int) {
        // Howard Hinnant's civil_from_days.
        let z = dayNumber + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        self.year = yoe + era * 400 + (m <= 2 ? 1 : 0)
        self.month = m
        self.day = d
    }

    /// Days since 1970-01-01.
    public var dayNumber: Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = month > 2 ? month - 3 : month + 9
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    public var weekday: Weekday {
        // 1970-01-01 was a Thursday.
        let r = (dayNumber + 4) % 7
        return Weekday(rawValue: r < 0 ? r + 7 : r)!
    }

    public func adding(days: Int) -> CivilDate { CivilDate(dayNumber: dayNumber + days) }

    public static func isLeap(_ year: Int) -> Bool {
        (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
    }

    public static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return isLeap(year) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    public static func < (lhs: CivilDate, rhs: CivilDate) -> Bool {
        (lhs.year, lhs.month, lhs.day) < (rhs.year, rhs.month, rhs.day)
    }

    /// ISO 8601 `YYYY-MM-DD`.
    public var description: String {
        let y = String(year)
        let yy = String(repeating: "0", count: max(0, 4 - y.count)) + y
        return "\(yy)-\(month < 10 ? "0" : "")\(month)-\(day < 10 ? "0" : "")\(day)"
    }

    /// Parses `YYYY-MM-DD`, `YYYY/M/D` or `YYYY年M月D日` (full-width digits allowed).
    public static func parseGregorian(_ text: String) -> CivilDate? {
        // The stored form, "2026-11-24", read without normalising: every row of a person holds a few, and the rules
        // read a household's rows for each certificate.
        if text.utf8.count == 10 {
            var digits = [Int](repeating: 0, count: 8)
            var n = 0
            var plain = true
            for (i, b) in text.utf8.enumerated() {
                if i == 4 || i == 7 {
                    if b != UInt8(ascii: "-") { plain = false; break }
                } else if (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(b) {
                    digits[n] = Int(b - UInt8(ascii: "0"))
                    n += 1
                } else {
                    plain = false
                    break
                }
            }
            if plain {
                let year = digits[0] * 1000 + digits[1] * 100 + digits[2] * 10 + digits[3]
                guard year >= 1000 else { return nil }
                return CivilDate(year: year, month: digits[4] * 10 + digits[5], day: digits[6] * 10 + digits[7])
            }
        }
        guard let (y, m, d) = DateTokens.yearMonthDay(JapaneseText.normalized(text)), y >= 1000 else {
            return nil  // a four-digit Gregorian year, then month and day
        }
        return CivilDate(year: y, month: m, day: d)
    }
}

extension CivilDate: Codable {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let date = CivilDate.parseGregorian(text) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "not a date: \(text)")
        }
        self = date
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

/// 曜日. Raw values count from Sunday = 0.
public enum Weekday: Int, Sendable, CaseIterable {
    case sunday = 0, monday, tuesday, wednesday, thursday, friday, saturday

    /// 日, 月, 火 …
    public var japanese: String { ["日", "月", "火", "水", "木", "金", "土"][rawValue] }
    public var english: String { ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"][rawValue] }
}

extension CivilDate {
    /// The `n`th given weekday of a month (Happy Monday: 2nd Monday of January …).
    public static func nth(_ n: Int, _ weekday: Weekday, ofMonth month: Int, year: Int) -> CivilDate {
        let first = CivilDate(year: year, month: month, day: 1)!
        let offset = (weekday.rawValue - first.weekday.rawValue + 7) % 7
        return first.adding(days: offset + 7 * (n - 1))
    }
}

/// Splits `2024-02-29`, `2024/2/29`, `2024年2月29日`, `31.4.30` or `元年5月1日` into three numbers with
/// one consistent set of separators. `nil` for anything else (including numbers too long for `Int`).
enum DateTokens {
    static let separatorSets: [[Character]] = [["-", "-"], ["/", "/"], ["年", "月", "日"], [".", "."]]

    static func yearMonthDay<S: StringProtocol>(_ s: S, allowGannen: Bool = false) -> (Int, Int, Int)? {
        var numbers: [Int] = []
        var separators: [Character] = []
        var current = ""
        func flush() -> Bool {
            guard !current.isEmpty, current.count <= 9, let n = Int(current) else { return false }
            numbers.append(n)
            current = ""
            return true
        }
        for ch in s {
            if ch.isASCII && ch.isNumber {
                current.append(ch)
            } else if allowGannen && ch == "元" && current.isEmpty && numbers.isEmpty {
                current = "1"
            } else {
                guard flush() else { return nil }
                separators.append(ch)
            }
        }
        if !current.isEmpty { guard flush() else { return nil } }
        guard numbers.count == 3, separatorSets.contains(separators) else { return nil }
        return (numbers[0], numbers[1], numbers[2])
    }
}
