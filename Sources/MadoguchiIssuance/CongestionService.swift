import Foundation
import MadoguchiDomain
import MadoguchiStore

/// How busy a facility's counter is now, and how busy it will be (issue 14, item 6): the public congestion page and its
/// 混雑予想カレンダー.
///
/// - **Now**: each line's waiting tickets and estimated wait, as the display board has them (``QueueService/board(of:)``),
///   with a level by the wait (``CongestionLevel/ofWait(minutes:)``).
/// - **Forecast**: the next days' expected tickets by hour from ``ArrivalForecast``, learnt from the facility's last two
///   years of tickets (its own, and the history recorded from before them) and the calendar of its opening hours. A
///   forecast is learnt once a facility a day and kept.
public struct CongestionService: Sendable {
    let queue: QueueService
    let store: any QueueStore
    let network: FacilityNetworkService
    let clock: MadoguchiClock
    let learnt: LearntForecasts
    /// Days of history the forecast learns from
    public static let historyDays = 730

    public init(queue: QueueService, store: any QueueStore, network: FacilityNetworkService, clock: MadoguchiClock) {
        self.queue = queue
        self.store = store
        self.network = network
        self.clock = clock
        learnt = LearntForecasts()
    }

    public init(database: MadoguchiDatabase, clock: MadoguchiClock, cityName: String) {
        let network = FacilityNetworkService(store: database.facilityNetwork)
        self.init(
            queue: QueueService(store: database.queues, network: network, clock: clock, cityName: cityName), store: database.queues,
            network: network, clock: clock)
    }

    // MARK: - Now

    public struct Now: Sendable, Codable, Hashable {
        public struct Line: Sendable, Codable, Hashable {
            public var procedure: QueueProcedure
            public var letter: String
            public var japanese: String
            public var english: String
            public var waiting: Int
            public var estimatedWaitMinutes: Int
            public var level: CongestionLevel
        }

        public var facilityId: String
        public var facilityName: String
        public var at: Date
        /// Whether the facility takes tickets now
        public var open: Bool
        /// The busiest line's level (nil while closed, or where there is no queue)
        public var level: CongestionLevel?
        public var lines: [Line]
    }

    public func now(of facilityId: String) async throws -> Now {
        let lines = try await queue.lines(of: facilityId)
        let board = try await queue.board(of: facilityId)
        let out = board.lines.map { l in
            Now.Line(
                procedure: l.procedure, letter: l.letter, japanese: l.japanese, english: l.english, waiting: l.waiting,
                estimatedWaitMinutes: l.estimatedWaitMinutes, level: .ofWait(minutes: l.estimatedWaitMinutes))
        }
        return Now(
            facilityId: facilityId, facilityName: board.facilityName, at: clock.now(), open: lines.openNow,
            level: lines.openNow ? out.map(\.level).max() : nil, lines: out)
    }

    // MARK: - The forecast calendar

    public struct Calendar: Sendable, Codable, Hashable {
        public struct Hour: Sendable, Codable, Hashable {
            public var hour: Int
            /// Expected tickets drawn in the hour
            public var expected: Double
            public var level: CongestionLevel
        }

        public struct Day: Sendable, Codable, Hashable {
            public var date: CivilDate
            /// 8時30分から17時まで / 休業（元日）
            public var hoursText: String
            public var open: Bool
            /// Why the day is expected to be busier: the moving season, a Monday, after a holiday, the month's end
            public var reasons: [String]
            public var hours: [Hour]
            /// The day's busiest hour's level (nil when closed)
            public var level: CongestionLevel?
        }

        public var facilityId: String
        public var facilityName: String
        /// The forecast was learnt on
        public var learntOn: CivilDate
        /// Hours of history it learnt from (0: no history, no forecast)
        public var hoursLearnt: Int
        /// Expected tickets an hour above which an hour is moderate, and busy
        public var moderateAbove: Double
        public var busyAbove: Double
        public var days: [Day]
    }

    /// The next `days` days' forecast from today (at most 92).
    public func calendar(of facilityId: String, days count: Int = 61) async throws -> Calendar {
        let today = clock.today
        let count = min(max(count, 1), 92)
        let (history, model, traits, days) = try await forecast(facilityId: facilityId, today: today, horizon: count)
        let name = history.period(on: today)?.name ?? history.periods.last?.name ?? facilityId
        let out = days.filter { $0.date >= today }.prefix(count).map { d -> Calendar.Day in
            guard let t = traits[d.date], model.hoursLearnt > 0 else {
                return Calendar.Day(date: d.date, hoursText: d.japanese, open: d.isOpen, reasons: [], hours: [], level: nil)
            }
            let hours = ArrivalForecast.hours(of: d).map { h in
                let e = model.expected(t, hour: h)
                return Calendar.Hour(hour: h, expected: (e * 10).rounded() / 10, level: model.level(expected: e))
            }
            return Calendar.Day(
                date: d.date, hoursText: d.japanese, open: true, reasons: Self.reasons(t), hours: hours, level: hours.map(\.level).max())
        }
        return Calendar(
            facilityId: facilityId, facilityName: name, learntOn: today, hoursLearnt: model.hoursLearnt,
            moderateAbove: (model.thresholds.moderate * 10).rounded() / 10, busyAbove: (model.thresholds.busy * 10).rounded() / 10,
            days: Array(out))
    }

    /// What makes a day busier, in the words a resident reads.
    static func reasons(_ t: DayTraits) -> [String] {
        var out: [String] = []
        if t.movingWeek > 0 { out.append("転入・転出の多い時期") }
        if t.weekday == .monday { out.append("月曜日") }
        if t.afterHoliday { out.append("休日明け") }
        if t.monthEnd { out.append("月末") }
        return out
    }

    /// The facility's forecast learnt today (kept for the day), with the opening hours from before today to the horizon
    /// and each open day's traits. Two years of hours are read only to learn; a kept forecast needs the horizon and the
    /// fortnight before today (a day after a holiday looks back to the open day before it).
    func forecast(facilityId: String, today: CivilDate, horizon: Int) async throws
        -> (FacilityNetworkService.History, ArrivalForecast, [CivilDate: DayTraits], [DayHours])
    {
        let kept = learnt.model(facilityId, on: today)
        let first = today.adding(days: kept == nil ? -Self.historyDays : -14)
        let (history, before) = try await network.hours(of: facilityId, from: first, days: today.dayNumber - first.dayNumber)
        // The month after the horizon too, so that the horizon's last month knows its end.
        let (_, ahead) = try await network.hours(of: facilityId, from: today, days: horizon + 31)
        let days = before + ahead
        let traits = DayTraits.of(days)
        if let kept { return (history, kept, traits, days) }
        let counts = try await store.arrivals(facilityId: facilityId, from: first, through: today.adding(days: -1))
        // Learn only from the days history covers: before the first recorded day the facility had no tickets to count.
        let firstCounted = counts.map(\.day).min() ?? today
        let model = ArrivalForecast.fit(ArrivalForecast.openHours(before.filter { $0.date >= firstCounted }, counts: counts), traits: traits)
        learnt.keep(model, facilityId, on: today)
        return (history, model, traits, days)
    }
}

/// Forecasts learnt today, a facility each: the page is public, and learning reads two years of history.
final class LearntForecasts: @unchecked Sendable {
    private let lock = NSLock()
    private var models: [String: (CivilDate, ArrivalForecast)] = [:]

    func model(_ facilityId: String, on day: CivilDate) -> ArrivalForecast? {
        lock.withLock { models[facilityId].flatMap { $0.0 == day ? $0.1 : nil } }
    }

    func keep(_ model: ArrivalForecast, _ facilityId: String, on day: CivilDate) {
        lock.withLock { models[facilityId] = (day, model) }
    }
}

/// The forecast against the baseline a counter would use without it — the same weekday a year before (364 days, or
/// the week before or after when that day was closed) — on a held-out span of synthetic history (BENCHMARKS.md).
public enum ForecastEvaluation {
    public struct Report: Sendable, CustomStringConvertible {
        /// Open hours compared (those with a baseline)
        public var hours: Int
        public var forecastHourlyError: Double
        public var baselineHourlyError: Double
        public var forecastDailyError: Double
        public var baselineDailyError: Double
        /// The same, in the moving season only
        public var forecastSeasonHourlyError: Double
        public var baselineSeasonHourlyError: Double
        /// The share of hours whose level (quiet, moderate, busy by the forecast's thresholds) was the actual one
        public var forecastLevelAgreement: Double
        public var baselineLevelAgreement: Double
        public var meanHourlyTickets: Double

        public var description: String {
            String(
                format: "hours %d, mean %.1f tickets/hour; MAE per hour: forecast %.2f, baseline %.2f (season %.2f vs %.2f); "
                    + "MAE per day: forecast %.1f, baseline %.1f; level right: forecast %.0f %%, baseline %.0f %%",
                hours, meanHourlyTickets, forecastHourlyError, baselineHourlyError, forecastSeasonHourlyError, baselineSeasonHourlyError,
                forecastDailyError, baselineDailyError, forecastLevelAgreement * 100, baselineLevelAgreement * 100)
        }
    }

    /// Learns from `days` before `heldOutFrom`, forecasts `heldOutFrom` to the end of `days` (the horizon's month
    /// ends known), and compares both with the synthetic tickets of those days.
    public static func run(days: [DayHours], heldOutFrom: CivilDate, heldOutThrough: CivilDate, traffic: SyntheticArrivals, seed: UInt64)
        -> Report
    {
        let actual = traffic.generate(days, seed: seed)
        let traits = DayTraits.of(days)
        let model = ArrivalForecast.fit(actual.filter { $0.day < heldOutFrom }, traits: traits)
        var byHour: [ArrivalCount: Int] = [:]
        for c in actual { byHour[ArrivalCount(day: c.day, hour: c.hour, tickets: 0)] = c.tickets }
        func baseline(_ c: ArrivalCount) -> Int? {
            for back in [364, 371, 357] {
                if let v = byHour[ArrivalCount(day: c.day.adding(days: -back), hour: c.hour, tickets: 0)] { return v }
            }
            return nil
        }
        var n = 0, sums = (f: 0.0, b: 0.0, fs: 0.0, bs: 0.0, fl: 0, bl: 0, tickets: 0.0), seasonN = 0
        var daily: [CivilDate: (actual: Double, f: Double, b: Double)] = [:]
        for c in actual where c.day >= heldOutFrom && c.day <= heldOutThrough {
            guard let t = traits[c.day], let b = baseline(c) else { continue }
            let f = model.expected(t, hour: c.hour), a = Double(c.tickets)
            n += 1
            sums.tickets += a
            sums.f += abs(f - a)
            sums.b += abs(Double(b) - a)
            if t.movingWeek > 0 {
                seasonN += 1
                sums.fs += abs(f - a)
                sums.bs += abs(Double(b) - a)
            }
            let level = model.level(expected: a)
            if model.level(expected: f) == level { sums.fl += 1 }
            if model.level(expected: Double(b)) == level { sums.bl += 1 }
            daily[c.day, default: (0, 0, 0)].actual += a
            daily[c.day]!.f += f
            daily[c.day]!.b += Double(b)
        }
        func mean(_ x: Double, _ k: Int) -> Double { k == 0 ? 0 : x / Double(k) }
        return Report(
            hours: n, forecastHourlyError: mean(sums.f, n), baselineHourlyError: mean(sums.b, n),
            forecastDailyError: mean(daily.values.reduce(0) { $0 + abs($1.f - $1.actual) }, daily.count),
            baselineDailyError: mean(daily.values.reduce(0) { $0 + abs($1.b - $1.actual) }, daily.count),
            forecastSeasonHourlyError: mean(sums.fs, seasonN), baselineSeasonHourlyError: mean(sums.bs, seasonN),
            forecastLevelAgreement: mean(Double(sums.fl), n), baselineLevelAgreement: mean(Double(sums.bl), n),
            meanHourlyTickets: mean(sums.tickets, n))
    }
}
