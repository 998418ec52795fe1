import Foundation
import Testing

@testable import MadoguchiDomain

@Suite("国民の祝日・休日")
struct NationalHolidaysTests {
    /// The Cabinet Office list (内閣府「国民の祝日について」syukujitsu.csv, published through 2027),
    /// extended to 2030 with the equinox days the formula gives; names as the Cabinet Office prints them.
    static func officialList() throws -> [String] {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("Fixtures/cabinet-office-holidays-1955-2030.csv")
        return try String(contentsOf: url, encoding: .utf8).split(separator: "\n").map(String.init)
    }

    @Test("every holiday 1955–2030 matches the Cabinet Office list, date and name")
    func matchesOfficialList() throws {
        let computed = NationalHolidays.holidays(from: 1955, through: 2030).map(\.description)
        let official = try Self.officialList()
        #expect(official.count == 1121)
        let missing = Set(official).subtracting(computed).sorted()
        let extra = Set(computed).subtracting(official).sorted()
        #expect(missing.isEmpty, "missing: \(missing)")
        #expect(extra.isEmpty, "extra: \(extra)")
        #expect(computed == official)
    }

    @Test("振替休日 starts with the 1973 amendment: 1973-02-11 (Sunday) has none, 1973-04-30 is one")
    func substituteHolidayStart() {
        #expect(NationalHolidays.holiday(on: CivilDate(year: 1973, month: 2, day: 12)!) == nil)
        let h = NationalHolidays.holiday(on: CivilDate(year: 1973, month: 4, day: 30)!)
        #expect(h?.kind == .substitute)
        #expect(h?.name == "休日")
    }

    @Test("since 2007 a 振替休日 moves past following holidays (2008-05-06 for 5/4 Sunday)")
    func substituteSkipsHolidays() {
        let h = NationalHolidays.holiday(on: CivilDate(year: 2008, month: 5, day: 6)!)
        #expect(h?.kind == .substitute)
        // Before 2007 a Sunday 5/3 gave Monday 5/4 (1987), not 5/6.
        #expect(NationalHolidays.holiday(on: CivilDate(year: 1987, month: 5, day: 4)!)?.kind == .substitute)
    }

    @Test("国民の休日: 1988-05-04 is the first; 2009-09-22 and 2019-04-30/05-02 are sandwiched days")
    func citizensHoliday() {
        #expect(NationalHolidays.holiday(on: CivilDate(year: 1985, month: 5, day: 4)!) == nil)
        for (y, m, d) in [(1988, 5, 4), (2009, 9, 22), (2015, 9, 22), (2019, 4, 30), (2019, 5, 2)] {
            #expect(NationalHolidays.holiday(on: CivilDate(year: y, month: m, day: d)!)?.kind == .citizens)
        }
    }

    @Test("Happy Monday: 成人の日 1999-01-15 then 2000-01-10; 海の日 2002-07-20 then 2003-07-21")
    func happyMonday() {
        #expect(NationalHolidays.holiday(on: CivilDate(year: 1999, month: 1, day: 15)!)?.name == "成人の日")
        #expect(NationalHolidays.holiday(on: CivilDate(year: 2000, month: 1, day: 10)!)?.name == "成人の日")
        #expect(NationalHolidays.holiday(on: CivilDate(year: 2002, month: 7, day: 20)!)?.name == "海の日")
        #expect(NationalHolidays.holiday(on: CivilDate(year: 2003, month: 7, day: 21)!)?.name == "海の日")
        #expect(NationalHolidays.holiday(on: CivilDate(year: 2003, month: 9, day: 15)!)?.name == "敬老の日")
    }

    @Test("Olympic moves in 2020 and 2021", arguments: [
        (2020, 7, 23, "海の日"), (2020, 7, 24, "スポーツの日"), (2020, 8, 10, "山の日"),
        (2021, 7, 22, "海の日"), (2021, 7, 23, "スポーツの日"), (2021, 8, 8, "山の日"),
    ])
    func olympics(year: Int, month: Int, day: Int, name: String) {
        #expect(NationalHolidays.holiday(on: CivilDate(year: year, month: month, day: day)!)?.name == name)
        #expect(NationalHolidays.holiday(on: CivilDate(year: 2021, month: 10, day: 11)!) == nil)
    }

    @Test("one-off imperial holidays", arguments: [
        (1959, 4, 10, "皇太子明仁親王の結婚の儀"), (1989, 2, 24, "昭和天皇の大喪の礼"), (1990, 11, 12, "即位礼正殿の儀"),
        (1993, 6, 9, "皇太子徳仁親王の結婚の儀"), (2019, 5, 1, "天皇の即位の日"), (2019, 10, 22, "即位礼正殿の儀の行われる日"),
    ])
    func imperial(year: Int, month: Int, day: Int, formal: String) {
        let h = NationalHolidays.holiday(on: CivilDate(year: year, month: month, day: day)!)
        #expect(h?.formalName == formal)
        #expect(h?.kind == .ceremonial)
    }

    @Test("equinox days by the astronomical formula")
    func equinoxes() {
        #expect(NationalHolidays.vernalEquinoxDay(2024) == 20)
        #expect(NationalHolidays.vernalEquinoxDay(2027) == 21)
        #expect(NationalHolidays.autumnalEquinoxDay(2012) == 22)
        #expect(NationalHolidays.autumnalEquinoxDay(2024) == 22)
        #expect(NationalHolidays.autumnalEquinoxDay(1979) == 24)
    }

    @Test("years outside the supported range give no holidays rather than wrong ones")
    func outsideRange() {
        #expect(NationalHolidays.holidays(in: 1900).isEmpty)
        #expect(NationalHolidays.holidays(in: 2100).isEmpty)
    }
}

@Suite("閉庁日")
struct OfficeCalendarTests {
    @Test("year-end closure 12/29–1/3, holidays, weekends", arguments: [
        ("2026-12-28", true), ("2026-12-29", false), ("2027-01-03", false), ("2027-01-04", true),
        ("2026-11-23", false), ("2026-11-24", true), ("2026-11-21", false), ("2026-11-22", false),
        ("2026-11-20", true), ("2026-09-22", false),
    ])
    func closures(date: String, open: Bool) {
        #expect(OfficeCalendar.isOpen(on: CivilDate.parseGregorian(date)!) == open)
    }

    @Test("the reason names the holiday, and the year end wins")
    func reasons() {
        #expect(OfficeCalendar.closure(on: CivilDate(year: 2026, month: 11, day: 23)!)?.japanese == "勤労感謝の日")
        #expect(OfficeCalendar.closure(on: CivilDate(year: 2027, month: 1, day: 1)!) == .yearEnd)
        #expect(OfficeCalendar.closure(on: CivilDate(year: 2026, month: 11, day: 21)!) == .saturday)
        #expect(OfficeCalendar.nextOpenDay(onOrAfter: CivilDate(year: 2026, month: 12, day: 29)!)
            == CivilDate(year: 2027, month: 1, day: 4)!)
    }
}
