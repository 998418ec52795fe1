import Foundation
import Testing

@testable import MadoguchiDomain

/// Issue 14, item 6: the congestion forecast learns the calendar's effects (the moving season, Mondays, days after
/// holidays, month ends, 11:00–14:00) from ticket history, and says how busy an hour will be.
@Suite("混雑予想")
struct CongestionForecastTests {
    static func day(_ text: String) -> CivilDate { CivilDate.parseGregorian(text)! }

    /// The ward office's days (weekdays, Thursdays to 19:00, 2nd and 4th Sunday mornings) from `first`.
    static func days(from first: String, count: Int) -> [DayHours] {
        OpeningHours.days(from: day(first), count: count, schedules: OpeningHoursTests.ward, exceptions: OpeningHoursTests.oneOffs)
    }

    @Test("a day's traits: after a Monday holiday and after 年末年始, not after a plain weekend; the month's last two open days; the moving season's weeks")
    func traits() {
        let traits = DayTraits.of(Self.days(from: "2026-07-01", count: 220))
        // 2026-07-20 is 海の日 (Monday): Tuesday the 21st is after a holiday, Monday the 27th only after a weekend.
        #expect(traits[Self.day("2026-07-20")] == nil, "a holiday is not an open day")
        #expect(traits[Self.day("2026-07-21")]?.afterHoliday == true)
        #expect(traits[Self.day("2026-07-27")]?.afterHoliday == false)
        #expect(traits[Self.day("2026-07-27")]?.weekday == .monday)
        // 12/29–1/3 closed: Monday 2027-01-04 is after a holiday.
        #expect(traits[Self.day("2027-01-04")]?.afterHoliday == true)
        // July 2026 ends on a Friday: Thursday the 30th and Friday the 31st are its end, Wednesday the 29th is not.
        #expect(traits[Self.day("2026-07-30")]?.monthEnd == true && traits[Self.day("2026-07-31")]?.monthEnd == true)
        #expect(traits[Self.day("2026-07-29")]?.monthEnd == false)
        // The 2nd Sunday morning of August is an open day of its own weekday.
        #expect(traits[Self.day("2026-08-09")]?.weekday == .sunday)
        // The list ends on 2027-02-05: February's end is not known, so no day of it is the month's end.
        #expect(traits.filter { $0.key.month == 2 && $0.value.monthEnd }.isEmpty)
        #expect(DayTraits.movingWeek(Self.day("2027-03-14")) == 0 && DayTraits.movingWeek(Self.day("2027-03-15")) == 1)
        #expect(DayTraits.movingWeek(Self.day("2027-03-30")) == 3 && DayTraits.movingWeek(Self.day("2027-04-02")) == 3)
        #expect(DayTraits.movingWeek(Self.day("2027-04-07")) == 4 && DayTraits.movingWeek(Self.day("2027-04-08")) == 0)
    }

    @Test("learnt from two years of tickets, the factors find what makes a counter busy")
    func learnsTheCalendar() {
        let days = Self.days(from: "2024-12-01", count: 730)
        let history = SyntheticArrivals(ordinaryDay: 300).generate(days, seed: 7)
        let model = ArrivalForecast.fit(history, traits: DayTraits.of(days))
        #expect(model.hoursLearnt == history.count)
        #expect(model.weekday[Weekday.monday.rawValue] > model.weekday[Weekday.wednesday.rawValue] * 1.15, "\(model.weekday)")
        #expect(model.hour[12] > model.hour[16] * 1.3 && model.hour[12] > model.hour[9], "\(model.hour)")
        #expect(model.movingWeek[3] > model.movingWeek[1] && model.movingWeek[1] > 1.2 * model.movingWeek[0], "\(model.movingWeek)")
        #expect(model.afterHoliday[1] > model.afterHoliday[0] * 1.15, "\(model.afterHoliday)")
        #expect(model.monthEnd[1] > model.monthEnd[0] * 1.05, "\(model.monthEnd)")
        // Its expected tickets of the training days add up to what was drawn.
        let traits = DayTraits.of(days)
        let expected = history.reduce(0.0) { $0 + model.expected(traits[$1.day]!, hour: $1.hour, recent: false) }
        let drawn = Double(history.reduce(0) { $0 + $1.tickets })
        #expect(abs(expected - drawn) / drawn < 0.01)

        // Levels: a moving-season Monday at noon is busy, an ordinary Wednesday's last hour quiet.
        let peak = DayTraits(weekday: .monday, month: 3, movingWeek: 3, afterHoliday: false, monthEnd: false)
        let calm = DayTraits(weekday: .wednesday, month: 6, movingWeek: 0, afterHoliday: false, monthEnd: false)
        #expect(model.level(expected: model.expected(peak, hour: 12)) == .busy)
        #expect(model.level(expected: model.expected(calm, hour: 16)) == .quiet)
        #expect(model.thresholds.moderate < model.thresholds.busy)
    }

    @Test("no history: nothing learnt, nothing expected; an hour never open takes its neighbour's factor")
    func noHistory() {
        let days = Self.days(from: "2026-01-05", count: 60)
        let empty = ArrivalForecast.fit([], traits: DayTraits.of(days))
        #expect(empty.hoursLearnt == 0)
        #expect(empty.expected(DayTraits.of(days).values.first!, hour: 10) == 0)
        // History of weekdays to 17:00 only: 18:00 (a new Thursday evening) is forecast like 16:00.
        let weekdays = days.map { d in DayHours(date: d.date, spans: d.date.weekday == .thursday ? [OpeningHoursTests.span("08:30-17:00")] : d.spans, basis: d.basis) }
        let model = ArrivalForecast.fit(SyntheticArrivals(ordinaryDay: 100).generate(weekdays, seed: 1), traits: DayTraits.of(weekdays))
        #expect(model.hour[18] == model.hour[16] && model.hour[18] > 0)
    }

    @Test("the hours a day's spans touch, and every open hour with its tickets (zero where none were drawn)")
    func openHours() {
        let thursday = OpeningHours.day(Self.day("2026-12-03"), schedules: OpeningHoursTests.ward, exceptions: [])
        #expect(ArrivalForecast.hours(of: thursday) == Array(8...18))
        let hours = ArrivalForecast.openHours([thursday], counts: [ArrivalCount(day: Self.day("2026-12-03"), hour: 11, tickets: 40)])
        #expect(hours.count == 11 && hours.first { $0.hour == 11 }?.tickets == 40 && hours.first { $0.hour == 8 }?.tickets == 0)
        #expect(CongestionLevel.ofWait(minutes: 15) == .quiet && CongestionLevel.ofWait(minutes: 16) == .moderate)
        #expect(CongestionLevel.ofWait(minutes: 45) == .moderate && CongestionLevel.ofWait(minutes: 46) == .busy)
    }
}
