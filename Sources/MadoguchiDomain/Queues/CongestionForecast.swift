import Foundation

/// Tickets drawn at a facility in one hour of one day: what the congestion forecast learns from (issue 14, item 6).
public struct ArrivalCount: Sendable, Hashable, Codable {
    public var day: CivilDate
    /// The hour of the day the tickets were drawn in (Japan time), 0–23
    public var hour: Int
    public var tickets: Int

    public init(day: CivilDate, hour: Int, tickets: Int) {
        self.day = day
        self.hour = hour
        self.tickets = tickets
    }
}

/// The facts of the calendar that move a counter's traffic on one open day (DESIGN §3.4): the weekday, the month, the
/// week of the moving season (転入・転出の時期, 15 March to 7 April), the first open day after a weekday the counter was
/// closed (a national holiday, 年末年始, a one-off closure), and the month's last two open days.
public struct DayTraits: Sendable, Hashable {
    public var weekday: Weekday
    public var month: Int
    /// 0 outside the moving season; 1 for 15–21 March, 2 for 22–28 March, 3 for 29 March–4 April, 4 for 5–7 April
    public var movingWeek: Int
    public var afterHoliday: Bool
    public var monthEnd: Bool

    public init(weekday: Weekday, month: Int, movingWeek: Int, afterHoliday: Bool, monthEnd: Bool) {
        self.weekday = weekday
        self.month = month
        self.movingWeek = movingWeek
        self.afterHoliday = afterHoliday
        self.monthEnd = monthEnd
    }

    /// The week of the moving season a day falls in (0: none).
    public static func movingWeek(_ day: CivilDate) -> Int {
        switch (day.month, day.day) {
        case (3, 15...21): 1
        case (3, 22...28): 2
        case (3, 29...31), (4, 1...4): 3
        case (4, 5...7): 4
        default: 0
        }
    }

    /// The traits of every open day of `days` (consecutive, first to last, as `OpeningHours.days` gives them). A day is
    /// after a holiday when a weekday the facility was closed lies between it and the open day before it; a month's
    /// last two open days are its end (a month cut off by the end of the list has none).
    public static func of(_ days: [DayHours]) -> [CivilDate: DayTraits] {
        var out: [CivilDate: DayTraits] = [:]
        var closedWeekday = false
        var byMonth: [Int: [CivilDate]] = [:]
        for d in days {
            guard d.isOpen else {
                if d.date.weekday != .saturday, d.date.weekday != .sunday, d.basis != .notOperating { closedWeekday = true }
                continue
            }
            out[d.date] = DayTraits(
                weekday: d.date.weekday, month: d.date.month, movingWeek: movingWeek(d.date), afterHoliday: closedWeekday, monthEnd: false)
            closedWeekday = false
            byMonth[d.date.year * 100 + d.date.month, default: []].append(d.date)
        }
        guard let last = days.last?.date else { return out }
        for (key, open) in byMonth {
            // A month whose end is past the list is not known to end here.
            let (year, month) = (key / 100, key % 100)
            guard let monthLast = CivilDate(year: year, month: month, day: CivilDate.daysIn(month: month, year: year)), monthLast <= last
            else { continue }
            for d in open.suffix(2) { out[d]?.monthEnd = true }
        }
        return out
    }
}

/// How busy a facility's counter is, in three words: what a resident reads on the congestion page, by colour, word and
/// symbol (never colour alone).
public enum CongestionLevel: String, Sendable, Codable, CaseIterable, Comparable {
    case quiet, moderate, busy

    public var japanese: String {
        switch self {
        case .quiet: "空いています"
        case .moderate: "やや混雑"
        case .busy: "混雑"
        }
    }

    public var english: String {
        switch self {
        case .quiet: "Quiet"
        case .moderate: "Moderately busy"
        case .busy: "Busy"
        }
    }

    /// ○ △ ● as printed calendars use them
    public var symbol: String {
        switch self {
        case .quiet: "○"
        case .moderate: "△"
        case .busy: "●"
        }
    }

    public static func < (a: Self, b: Self) -> Bool { allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)! }

    /// The level of a wait now: up to 15 minutes quiet, up to 45 moderate, longer busy.
    public static func ofWait(minutes: Int) -> CongestionLevel {
        minutes <= 15 ? .quiet : minutes <= 45 ? .moderate : .busy
    }
}

/// A facility's expected tickets by day and hour, learnt from its ticket history and the calendar.
///
/// The model is multiplicative: expected tickets = base × weekday × month × week of the moving season × after a holiday
/// × month end × hour of day × the recent level. Its factors are the Poisson maximum-likelihood fit of that log-linear
/// model, found by iterative proportional fitting (each factor in turn scaled so that, over the hours it applies to,
/// expected tickets equal the tickets drawn). The recent level is the last eight weeks' tickets over what the factors
/// expect of them: a counter whose traffic moves to the stores sees it fall year on year.
///
/// The forecast is a level too: an hour is busy when its expected tickets are above 90 % of the facility's hours in
/// the last year of history, moderate above 60 %, quiet otherwise — how busy against its own ordinary.
public struct ArrivalForecast: Sendable, Hashable {
    public var base: Double
    public var weekday: [Double]
    public var month: [Double]
    public var movingWeek: [Double]
    public var afterHoliday: [Double]
    public var monthEnd: [Double]
    public var hour: [Double]
    public var recentLevel: Double
    /// Expected tickets an hour above which an hour is moderate, and busy
    public var thresholds: Thresholds
    /// How many hours of history it learnt from
    public var hoursLearnt: Int

    public struct Thresholds: Sendable, Hashable {
        public var moderate: Double
        public var busy: Double
    }

    /// Nothing learnt: every hour alike.
    public static let empty = ArrivalForecast(
        base: 0, weekday: Array(repeating: 1, count: 7), month: Array(repeating: 1, count: 13), movingWeek: Array(repeating: 1, count: 5),
        afterHoliday: [1, 1], monthEnd: [1, 1], hour: Array(repeating: 1, count: 24), recentLevel: 1, thresholds: Thresholds(moderate: 0, busy: 0), hoursLearnt: 0)

    /// The factors' indices for one hour of one day.
    struct Cell {
        var index: [Int]
        var tickets: Double
    }

    static func cell(_ t: DayTraits, hour: Int, tickets: Double) -> Cell {
        Cell(index: [t.weekday.rawValue, t.month, t.movingWeek, t.afterHoliday ? 1 : 0, t.monthEnd ? 1 : 0, hour], tickets: tickets)
    }

    var factors: [[Double]] {
        get { [weekday, month, movingWeek, afterHoliday, monthEnd, hour] }
        set { (weekday, month, movingWeek, afterHoliday, monthEnd, hour) = (newValue[0], newValue[1], newValue[2], newValue[3], newValue[4], newValue[5]) }
    }

    /// Learns from the tickets of every open hour (an open hour with no ticket counts as zero: `history` holds every hour
    /// the facility was open, `traits` every open day). Hours of days without traits are left out.
    public static func fit(_ history: [ArrivalCount], traits: [CivilDate: DayTraits], iterations: Int = 30) -> ArrivalForecast {
        let cells = history.compactMap { c in traits[c.day].map { cell($0, hour: c.hour, tickets: Double(c.tickets)) } }
        var model = ArrivalForecast.empty
        let total = cells.reduce(0) { $0 + $1.tickets }
        guard !cells.isEmpty, total > 0 else { return model }
        model.base = total / Double(cells.count)
        model.hoursLearnt = cells.count
        var factors = model.factors
        var seen = factors.map { Array(repeating: false, count: $0.count) }
        for c in cells { for (k, i) in c.index.enumerated() { seen[k][i] = true } }
        for _ in 0..<iterations {
            for k in factors.indices {
                var observed = Array(repeating: 0.0, count: factors[k].count)
                var expected = Array(repeating: 0.0, count: factors[k].count)
                for c in cells {
                    var product = model.base
                    for (j, i) in c.index.enumerated() { product *= factors[j][i] }
                    observed[c.index[k]] += c.tickets
                    expected[c.index[k]] += product
                }
                for i in factors[k].indices where expected[i] > 0 {
                    // A level never seen keeps 1; a level seen with no ticket at all is near zero, not zero.
                    factors[k][i] *= max(observed[i], 0.01) / expected[i]
                }
            }
        }
        // An hour never seen (new opening hours) takes the nearest hour's factor that was.
        let hoursSeen = factors[5].indices.filter { seen[5][$0] }
        for h in factors[5].indices where !seen[5][h] {
            if let near = hoursSeen.min(by: { abs($0 - h) < abs($1 - h) }) { factors[5][h] = factors[5][near] }
        }
        model.factors = factors
        // The recent level: the last eight weeks against what the factors expect of them.
        if let last = history.filter({ traits[$0.day] != nil }).map(\.day).max() {
            var observed = 0.0, expected = 0.0
            for c in history where c.day.dayNumber > last.dayNumber - 56 {
                guard let t = traits[c.day] else { continue }
                observed += Double(c.tickets)
                expected += model.expected(t, hour: c.hour, recent: false)
            }
            if expected > 0, observed > 0 { model.recentLevel = observed / expected }
        }
        // The thresholds: the last year's hours as the model sees them now.
        if let last = history.map(\.day).max() {
            let year = history.compactMap { c -> Double? in
                guard c.day.dayNumber > last.dayNumber - 365, let t = traits[c.day] else { return nil }
                return model.expected(t, hour: c.hour)
            }.sorted()
            if !year.isEmpty {
                model.thresholds = Thresholds(moderate: year[Int(Double(year.count - 1) * 0.6)], busy: year[Int(Double(year.count - 1) * 0.9)])
            }
        }
        return model
    }

    /// Expected tickets in an hour of a day with these traits.
    public func expected(_ traits: DayTraits, hour h: Int, recent: Bool = true) -> Double {
        guard (0..<24).contains(h) else { return 0 }
        let c = Self.cell(traits, hour: h, tickets: 0)
        var product = base * (recent ? recentLevel : 1)
        for (k, i) in c.index.enumerated() { product *= factors[k][i] }
        return product
    }

    /// The level of an hour expected to draw `tickets`.
    public func level(expected tickets: Double) -> CongestionLevel {
        tickets > thresholds.busy ? .busy : tickets > thresholds.moderate ? .moderate : .quiet
    }
}

extension ArrivalForecast {
    /// The hours (0–23) a day's spans touch: 8:30–17:00 touches 8 to 16.
    public static func hours(of day: DayHours) -> [Int] {
        var out = Set<Int>()
        for s in day.spans where s.closes.minutes > s.opens.minutes {
            for h in (s.opens.minutes / 60)...((s.closes.minutes - 1) / 60) { out.insert(h) }
        }
        return out.sorted()
    }

    /// Every open hour of `days` with the tickets drawn in it (zero where `counts` has none): the history to learn from.
    public static func openHours(_ days: [DayHours], counts: [ArrivalCount]) -> [ArrivalCount] {
        var drawn: [CivilDate: [Int: Int]] = [:]
        for c in counts { drawn[c.day, default: [:]][c.hour, default: 0] += c.tickets }
        return days.flatMap { d in hours(of: d).map { ArrivalCount(day: d.date, hour: $0, tickets: drawn[d.date]?[$0] ?? 0) } }
    }
}
