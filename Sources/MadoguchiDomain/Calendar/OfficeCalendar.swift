/// Why an office is closed on a day (閉庁日).
public enum ClosureReason: Hashable, Sendable {
    case saturday
    case sunday
    /// 国民の祝日・休日
    case holiday(Holiday)
    /// 年末年始 (12/29–1/3)
    case yearEnd

    /// 土曜日, 日曜日, 祝日名, 年末年始
    public var japanese: String {
        switch self {
        case .saturday: "土曜日"
        case .sunday: "日曜日"
        case .holiday(let h): h.name
        case .yearEnd: "年末年始"
        }
    }
}

/// The regular closure days of a municipal office (行政機関の休日に関する法律 and 条例):
/// Saturdays, Sundays, national holidays and 12/29–1/3.
public enum OfficeCalendar {
    /// Why the office is closed on `date`, or `nil` when it opens. The year-end closure wins over
    /// a weekday name, a holiday over a weekend.
    public static func closure(on date: CivilDate) -> ClosureReason? {
        if isYearEnd(date) { return .yearEnd }
        if let holiday = NationalHolidays.holiday(on: date) { return .holiday(holiday) }
        switch date.weekday {
        case .saturday: return .saturday
        case .sunday: return .sunday
        default: return nil
        }
    }

    public static func isOpen(on date: CivilDate) -> Bool { closure(on: date) == nil }

    /// 年末年始: 12月29日から1月3日まで (行政機関の休日に関する法律 §1 ① 三, and the cities' 休日条例). The one place the
    /// rule is written: offices, facilities' schedules and the store channel read it here.
    public static func isYearEnd(_ date: CivilDate) -> Bool { (date.month == 12 && date.day >= 29) || (date.month == 1 && date.day <= 3) }

    /// The first open day on or after `date`.
    public static func nextOpenDay(onOrAfter date: CivilDate) -> CivilDate {
        var day = date
        while !isOpen(on: day) { day = day.adding(days: 1) }
        return day
    }
}
