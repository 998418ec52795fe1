/// A time of day to the minute, from 00:00 to 24:00, written `08:30`.
public struct TimeOfDay: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    /// Minutes since midnight (0…1440)
    public let minutes: Int

    public init?(hour: Int, minute: Int) {
        guard (0...24).contains(hour), (0..<60).contains(minute), hour * 60 + minute <= 1440 else { return nil }
        minutes = hour * 60 + minute
    }

    /// `8:30`, `08:30`, `24:00`.
    public init?(_ text: String) {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, (1...2).contains(parts[0].count), parts[1].count == 2,
            parts.allSatisfy({ $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }),
            let h = Int(parts[0]), let m = Int(parts[1])
        else { return nil }
        self.init(hour: h, minute: m)
    }

    public var hour: Int { minutes / 60 }
    public var minute: Int { minutes % 60 }
    public var description: String { (hour < 10 ? "0" : "") + "\(hour):" + (minute < 10 ? "0" : "") + "\(minute)" }
    /// 8時30分, 17時
    public var japanese: String { minute == 0 ? "\(hour)時" : "\(hour)時\(minute)分" }

    public static func < (a: Self, b: Self) -> Bool { a.minutes < b.minutes }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let time = Self(text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "not a time of day: \(text)"))
        }
        self = time
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

/// Open from `opens` until `closes` (the last minute served is the one before `closes`).
public struct OpeningSpan: Hashable, Sendable, Codable, CustomStringConvertible {
    public var opens: TimeOfDay
    public var closes: TimeOfDay

    /// Stored as its text, `08:30-17:00`, read back through the same check.
    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        do { try self.init(text) } catch {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "not a span: \(text)"))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }

    public init(_ opens: TimeOfDay, _ closes: TimeOfDay) throws {
        guard opens < closes else {
            throw MadoguchiError(
                .hoursInvalid, ja: "開く時刻（\(opens)）は閉じる時刻（\(closes)）より前にしてください",
                en: "Opening (\(opens)) must come before closing (\(closes))")
        }
        self.opens = opens
        self.closes = closes
    }

    /// `08:30-17:00`
    public init(_ text: String) throws {
        let parts = text.split(separator: "-").map(String.init)
        guard parts.count == 2, let opens = TimeOfDay(parts[0]), let closes = TimeOfDay(parts[1]) else {
            throw MadoguchiError(.hoursInvalid, ja: "時間帯を読めません: \(text)（例 08:30-17:00）", en: "Unreadable hours: \(text) (e.g. 08:30-17:00)")
        }
        try self.init(opens, closes)
    }

    public func contains(_ time: TimeOfDay) -> Bool { opens <= time && time < closes }
    public var description: String { "\(opens)-\(closes)" }
    public var japanese: String { "\(opens.japanese)から\(closes.japanese)まで" }
}

/// Extra openings on some weeks' weekday of every month: 第2・第4日曜日 9:00–12:00.
public struct MonthlyOpening: Hashable, Sendable, Codable {
    public var weekday: Int
    /// Which of the month's occurrences (1…5)
    public var weeks: [Int]
    public var spans: [OpeningSpan]

    public init(_ weekday: Weekday, weeks: [Int], spans: [OpeningSpan]) {
        self.weekday = weekday.rawValue
        self.weeks = weeks
        self.spans = spans
    }

    func applies(to date: CivilDate) -> Bool {
        date.weekday.rawValue == weekday && weeks.contains((date.day - 1) / 7 + 1)
    }

    /// 第2・第4日曜日
    public var japanese: String {
        "第" + weeks.map(String.init).joined(separator: "・第") + (Weekday(rawValue: weekday)?.japanese ?? "") + "曜日"
    }
}

/// A facility's regular hours from a day on: the week, monthly extra openings, the hours on national holidays (none:
/// closed), and whether the year-end (12/29–1/3) closes it.
public struct HoursSchedule: Hashable, Sendable, Codable {
    /// Spans for each weekday, Sunday first (index = `Weekday.rawValue`); empty is closed
    public var weekly: [[OpeningSpan]]
    public var monthly: [MonthlyOpening]
    /// Spans on a national holiday (empty: closed)
    public var holidays: [OpeningSpan]
    public var yearEndClosure: Bool

    public init(weekly: [[OpeningSpan]], monthly: [MonthlyOpening] = [], holidays: [OpeningSpan] = [], yearEndClosure: Bool = true) throws {
        guard weekly.count == 7 else {
            throw MadoguchiError(.hoursInvalid, ja: "曜日ごとの時間は日曜から土曜までの7つです", en: "Weekly hours need seven days, Sunday first")
        }
        for day in weekly + monthly.map(\.spans) + [holidays] { try Self.checkSpans(day) }
        for m in monthly {
            guard (0...6).contains(m.weekday), !m.weeks.isEmpty, m.weeks.allSatisfy({ (1...5).contains($0) }) else {
                throw MadoguchiError(.hoursInvalid, ja: "第何週の指定が正しくありません", en: "A monthly opening needs weeks 1 to 5")
            }
        }
        self.weekly = weekly
        self.monthly = monthly
        self.holidays = holidays
        self.yearEndClosure = yearEndClosure
    }

    /// Mon–Fri the same spans, weekends closed (the usual 開庁時間), with extra weekdays given.
    public static func weekdays(_ spans: [OpeningSpan], except: [Weekday: [OpeningSpan]] = [:], monthly: [MonthlyOpening] = [],
                                holidays: [OpeningSpan] = [], yearEndClosure: Bool = true) throws -> HoursSchedule {
        var weekly = (0..<7).map { $0 == 0 || $0 == 6 ? [] : spans }
        for (day, s) in except { weekly[day.rawValue] = s }
        return try HoursSchedule(weekly: weekly, monthly: monthly, holidays: holidays, yearEndClosure: yearEndClosure)
    }

    /// Every day the same spans, holidays included.
    public static func daily(_ spans: [OpeningSpan], yearEndClosure: Bool = true) throws -> HoursSchedule {
        try HoursSchedule(weekly: Array(repeating: spans, count: 7), holidays: spans, yearEndClosure: yearEndClosure)
    }

    /// Spans of one day: in order, and not overlapping.
    static func checkSpans(_ spans: [OpeningSpan]) throws {
        for (a, b) in zip(spans, spans.dropFirst()) where b.opens < a.closes {
            throw MadoguchiError(.hoursInvalid, ja: "時間帯が重なっているか、順になっていません（\(a)、\(b)）", en: "Spans overlap or are out of order (\(a), \(b))")
        }
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        try self.init(
            weekly: try c.decode([[OpeningSpan]].self, forKey: .weekly), monthly: try c.decode([MonthlyOpening].self, forKey: .monthly),
            holidays: try c.decode([OpeningSpan].self, forKey: .holidays), yearEndClosure: try c.decode(Bool.self, forKey: .yearEndClosure))
    }
}

/// A facility's hours from a day on, and the decision that set them.
public struct HoursPeriod: Hashable, Sendable {
    public var facilityId: String
    public var effectiveOn: CivilDate
    public var schedule: HoursSchedule
    public var decision: FacilityDecision

    public init(facilityId: String, effectiveOn: CivilDate, schedule: HoursSchedule, decision: FacilityDecision) {
        self.facilityId = facilityId
        self.effectiveOn = effectiveOn
        self.schedule = schedule
        self.decision = decision
    }
}

/// One day unlike the schedule: closed (no spans: 臨時休業, 設備点検) or open otherwise (3月末の休日開庁).
public struct DayException: Hashable, Sendable {
    public var facilityId: String
    public var day: CivilDate
    public var spans: [OpeningSpan]
    public var reason: String

    public init(facilityId: String, day: CivilDate, spans: [OpeningSpan], reason: String) throws {
        guard !reason.allSatisfy(\.isWhitespace) else {
            throw MadoguchiError(.hoursInvalid, ja: "臨時の開庁・休業には理由が必要です", en: "A one-off day needs its reason")
        }
        try HoursSchedule.checkSpans(spans)
        self.facilityId = facilityId
        self.day = day
        self.spans = spans
        self.reason = reason
    }
}

/// When a facility serves on a day, and why.
public struct DayHours: Hashable, Sendable {
    public enum Basis: Hashable, Sendable {
        /// The weekly schedule (an empty day is a regular closed day)
        case regular
        /// 第n曜日の開庁
        case monthly(MonthlyOpening)
        /// A one-off day, with its reason
        case exception(String)
        case holiday(Holiday)
        /// 年末年始
        case yearEnd
        /// No hours are recorded for the day (before the first schedule)
        case noSchedule
        /// The facility was not open that day (before its opening, after its closure)
        case notOperating
    }

    public var date: CivilDate
    public var spans: [OpeningSpan]
    public var basis: Basis

    public init(date: CivilDate, spans: [OpeningSpan], basis: Basis) {
        self.date = date
        self.spans = spans
        self.basis = basis
    }

    public var isOpen: Bool { !spans.isEmpty }

    public func isOpen(at time: TimeOfDay) -> Bool { spans.contains { $0.contains(time) } }

    /// 8時30分から17時まで / 休業（元日）
    public var japanese: String {
        let why: String? = switch basis {
        case .regular, .noSchedule: nil
        case .notOperating: "開設されていません"
        case .monthly(let m): m.japanese + "の開庁"
        case .exception(let reason): reason
        case .holiday(let h): h.name
        case .yearEnd: "年末年始"
        }
        if spans.isEmpty { return "休業" + (why.map { "（\($0)）" } ?? "") }
        return spans.map(\.japanese).joined(separator: "、") + (why.map { "（\($0)）" } ?? "")
    }
}

/// Opening hours on a day, by one rule of precedence: a one-off day first; then the year-end closure (where the
/// schedule has it); then a national holiday's hours (none: closed); then a monthly opening; then the week.
public enum OpeningHours {
    public static func day(_ date: CivilDate, schedules: [HoursPeriod], exceptions: [DayException]) -> DayHours {
        if let one = exceptions.last(where: { $0.day == date }) {
            return DayHours(date: date, spans: one.spans, basis: .exception(one.reason))
        }
        guard let period = schedules.filter({ $0.effectiveOn <= date }).max(by: { $0.effectiveOn < $1.effectiveOn }) else {
            return DayHours(date: date, spans: [], basis: .noSchedule)
        }
        let schedule = period.schedule
        if schedule.yearEndClosure, OfficeCalendar.isYearEnd(date) {
            return DayHours(date: date, spans: [], basis: .yearEnd)
        }
        if let holiday = NationalHolidays.holiday(on: date) {
            return DayHours(date: date, spans: schedule.holidays, basis: .holiday(holiday))
        }
        if let monthly = schedule.monthly.first(where: { $0.applies(to: date) }) {
            return DayHours(date: date, spans: monthly.spans, basis: .monthly(monthly))
        }
        return DayHours(date: date, spans: schedule.weekly[date.weekday.rawValue], basis: .regular)
    }

    /// The days from `from` for `count` days.
    public static func days(from: CivilDate, count: Int, schedules: [HoursPeriod], exceptions: [DayException]) -> [DayHours] {
        (0..<max(0, count)).map { day(from.adding(days: $0), schedules: schedules, exceptions: exceptions) }
    }
}

extension MadoguchiError.Code {
    public static let hoursInvalid = Self("facility.hoursInvalid")
}
