/// 国民の祝日・休日, computed by the 国民の祝日に関する法律 (1948) and its amendments, so that every
/// date from 1955 matches the Cabinet Office list (内閣府「国民の祝日」CSV).
public struct Holiday: Hashable, Sendable, CustomStringConvertible {
    public enum Kind: String, Sendable, Hashable {
        /// 国民の祝日 named by the law
        case national
        /// 振替休日 (since 1973-04-12)
        case substitute
        /// 国民の休日: a day between two holidays (since 1985-12-27)
        case citizens
        /// A one-off holiday by its own law (結婚の儀, 大喪の礼, 即位礼正殿の儀 …)
        case ceremonial
    }

    public let date: CivilDate
    /// The name as the Cabinet Office list prints it (振替休日 and 国民の休日 both print 休日).
    public let name: String
    /// The full name: 振替休日, 国民の休日, 皇太子明仁親王の結婚の儀 …
    public let formalName: String
    public let kind: Kind

    public var description: String { "\(date),\(name)" }
}

public enum NationalHolidays {
    /// The years the law and the equinox formula cover here.
    public static let supportedYears = 1949...2099

    /// Every holiday of a year, in date order. Empty outside ``supportedYears``.
    public static func holidays(in year: Int) -> [Holiday] {
        guard supportedYears.contains(year) else { return [] }
        var days: [CivilDate: Holiday] = [:]
        for h in statutory(year) { days[h.date] = h }

        // 振替休日: a 祝日 on a Sunday moves a rest day to the following Monday (1973-04-12), and from
        // 2007 to the nearest following day that is not a 祝日.
        let substituteLawStart = CivilDate(year: 1973, month: 4, day: 12)!
        for h in days.values.sorted(by: { $0.date < $1.date })
        where h.date.weekday == .sunday && h.date >= substituteLawStart {
            var next = h.date.adding(days: 1)
            if year >= 2007 {
                while days[next] != nil { next = next.adding(days: 1) }
            } else if days[next] != nil {
                continue
            }
            days[next] = Holiday(date: next, name: "休日", formalName: "振替休日", kind: .substitute)
        }

        // 国民の休日: a day between two 祝日 (from 1985-12-27; before 2007 not a Sunday nor a 振替休日).
        if year >= 1986 {
            let holidaysByLaw = Set(days.values.filter { $0.kind == .national || $0.kind == .ceremonial }.map(\.date))
            var day = CivilDate(year: year, month: 1, day: 2)!
            let end = CivilDate(year: year, month: 12, day: 30)!
            while day <= end {
                if days[day] == nil, holidaysByLaw.contains(day.adding(days: -1)),
                    holidaysByLaw.contains(day.adding(days: 1)), year >= 2007 || day.weekday != .sunday
                {
                    days[day] = Holiday(date: day, name: "休日", formalName: "国民の休日", kind: .citizens)
                }
                day = day.adding(days: 1)
            }
        }
        return days.values.sorted { $0.date < $1.date }
    }

    /// All holidays from `from` through `to` (years, inclusive).
    public static func holidays(from: Int, through to: Int) -> [Holiday] {
        guard from <= to else { return [] }
        return (from...to).flatMap { holidays(in: $0) }
    }

    /// The holiday on a date, if any.
    public static func holiday(on date: CivilDate) -> Holiday? {
        byDate[date]
    }

    /// Every supported year computed once: look-ups on hot paths (opening hours, queues) are a hash.
    private static let byDate: [CivilDate: Holiday] = {
        var table: [CivilDate: Holiday] = [:]
        for year in supportedYears {
            for h in holidays(in: year) { table[h.date] = h }
        }
        return table
    }()

    /// 春分日 by the astronomical approximation used for the Cabinet Office's announcements.
    public static func vernalEquinoxDay(_ year: Int) -> Int {
        let y = Double(year - 1980)
        if year <= 1979 { return Int(20.8357 + 0.242194 * y - Double((year - 1983) / 4)) }
        return Int(20.8431 + 0.242194 * y - Double((year - 1980) / 4))
    }

    /// 秋分日 by the same approximation.
    public static func autumnalEquinoxDay(_ year: Int) -> Int {
        let y = Double(year - 1980)
        if year <= 1979 { return Int(23.2588 + 0.242194 * y - Double((year - 1983) / 4)) }
        return Int(23.2488 + 0.242194 * y - Double((year - 1980) / 4))
    }

    /// The 祝日 the law names for a year, before 振替休日 and 国民の休日.
    static func statutory(_ year: Int) -> [Holiday] {
        var list: [Holiday] = []
        func add(_ month: Int, _ day: Int, _ name: String, formal: String? = nil, kind: Holiday.Kind = .national) {
            let date = CivilDate(year: year, month: month, day: day)!
            list.append(Holiday(date: date, name: name, formalName: formal ?? name, kind: kind))
        }
        func add(_ date: CivilDate, _ name: String) {
            list.append(Holiday(date: date, name: name, formalName: name, kind: .national))
        }
        add(1, 1, "元日")
        if year < 2000 { add(1, 15, "成人の日") } else { add(.nth(2, .monday, ofMonth: 1, year: year), "成人の日") }
        if year >= 1967 { add(2, 11, "建国記念の日") }
        add(3, vernalEquinoxDay(year), "春分の日")
        switch year {
        case ...1988: add(4, 29, "天皇誕生日")
        case 1989...2006: add(4, 29, "みどりの日")
        default: add(4, 29, "昭和の日")
        }
        add(5, 3, "憲法記念日")
        if year >= 2007 { add(5, 4, "みどりの日") }
        add(5, 5, "こどもの日")
        switch year {
        case 1996...2002: add(7, 20, "海の日")
        case 2020: add(7, 23, "海の日")  // moved for the Tokyo Olympics
        case 2021: add(7, 22, "海の日")
        case 2003...: add(.nth(3, .monday, ofMonth: 7, year: year), "海の日")
        default: break
        }
        switch year {
        case 2020: add(8, 10, "山の日")
        case 2021: add(8, 8, "山の日")
        case 2016...: add(8, 11, "山の日")
        default: break
        }
        switch year {
        case 1966...2002: add(9, 15, "敬老の日")
        case 2003...: add(.nth(3, .monday, ofMonth: 9, year: year), "敬老の日")
        default: break
        }
        add(9, autumnalEquinoxDay(year), "秋分の日")
        switch year {
        case 1966...1999: add(10, 10, "体育の日")
        // The Cabinet Office list names 2019's day 体育の日（スポーツの日）, as the renaming was enacted.
        case 2019: add(.nth(2, .monday, ofMonth: 10, year: year), "体育の日（スポーツの日）")
        case 2000...2018: add(.nth(2, .monday, ofMonth: 10, year: year), "体育の日")
        case 2020: add(7, 24, "スポーツの日")
        case 2021: add(7, 23, "スポーツの日")
        case 2022...: add(.nth(2, .monday, ofMonth: 10, year: year), "スポーツの日")
        default: break
        }
        add(11, 3, "文化の日")
        add(11, 23, "勤労感謝の日")
        switch year {
        case 1989...2018: add(12, 23, "天皇誕生日")
        case 2020...: add(2, 23, "天皇誕生日")
        default: break
        }
        // One-off holidays by their own laws.
        switch year {
        case 1959: add(4, 10, "結婚の儀", formal: "皇太子明仁親王の結婚の儀", kind: .ceremonial)
        case 1989: add(2, 24, "大喪の礼", formal: "昭和天皇の大喪の礼", kind: .ceremonial)
        case 1990: add(11, 12, "即位礼正殿の儀", kind: .ceremonial)
        case 1993: add(6, 9, "結婚の儀", formal: "皇太子徳仁親王の結婚の儀", kind: .ceremonial)
        case 2019:
            add(5, 1, "休日（祝日扱い）", formal: "天皇の即位の日", kind: .ceremonial)
            add(10, 22, "休日（祝日扱い）", formal: "即位礼正殿の儀の行われる日", kind: .ceremonial)
        default: break
        }
        return list
    }
}
