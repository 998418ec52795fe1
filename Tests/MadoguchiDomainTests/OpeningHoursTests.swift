import Foundation
import Testing

@testable import MadoguchiDomain

/// Issue 14, item 2: opening hours per facility, with holidays, the year-end, monthly openings and one-off days.
@Suite("開庁時間")
struct OpeningHoursTests {
    static func day(_ text: String) -> CivilDate { CivilDate.parseGregorian(text)! }
    static func span(_ text: String) -> OpeningSpan { try! OpeningSpan(text) }
    static let decision = FacilityDecision(document: "開庁時間の拡大について", decidedOn: day("2018-12-20"))

    /// A 区役所: weekdays 8:30–17:00; from 2019-04-01 Thursdays to 19:00 and 第2・第4日曜日 9:00–12:00.
    static let ward: [HoursPeriod] = [
        HoursPeriod(facilityId: "w", effectiveOn: day("1972-04-01"), schedule: try! .weekdays([span("08:30-17:00")]), decision: decision),
        HoursPeriod(
            facilityId: "w", effectiveOn: day("2019-04-01"),
            schedule: try! .weekdays(
                [span("08:30-17:00")], except: [.thursday: [span("08:30-19:00")]],
                monthly: [MonthlyOpening(.sunday, weeks: [2, 4], spans: [span("09:00-12:00")])]),
            decision: decision),
    ]
    static let oneOffs = [
        try! DayException(facilityId: "w", day: day("2027-02-15"), spans: [], reason: "設備点検"),
        try! DayException(facilityId: "w", day: day("2027-03-27"), spans: [span("09:00-16:00")], reason: "転入・転出の多い時期の休日開庁"),
    ]

    static func hours(_ date: String, _ schedules: [HoursPeriod] = ward, _ days: [DayException] = oneOffs) -> DayHours {
        OpeningHours.day(day(date), schedules: schedules, exceptions: days)
    }

    @Test("a ward office's days: Thursday to 19:00, the 2nd Sunday morning, the 1st Sunday closed, a Saturday closed")
    func weekAndMonth() {
        #expect(Self.hours("2026-12-03").spans == [Self.span("08:30-19:00")], "Thursday")
        #expect(Self.hours("2026-12-04").spans == [Self.span("08:30-17:00")], "Friday")
        #expect(Self.hours("2026-12-05").spans.isEmpty && Self.hours("2026-12-05").basis == .regular, "Saturday")
        let second = Self.hours("2026-12-13")
        #expect(second.spans == [Self.span("09:00-12:00")] && second.japanese == "9時から12時まで（第2・第4日曜日の開庁）")
        #expect(Self.hours("2026-12-27").isOpen, "4th Sunday")
        #expect(!Self.hours("2026-12-06").isOpen && !Self.hours("2026-12-20").isOpen, "1st and 3rd Sundays")
        #expect(Self.hours("2018-12-06").spans == [Self.span("08:30-17:00")], "a Thursday before the extension")
        #expect(Self.hours("1972-03-31").basis == .noSchedule && !Self.hours("1972-03-31").isOpen)
    }

    @Test("the calendar closes: national holidays (振替休日 too), 12/29–1/3; one-off days win over everything")
    func closures() {
        #expect(Self.hours("2026-11-23").basis == .holiday(NationalHolidays.holiday(on: Self.day("2026-11-23"))!), "勤労感謝の日")
        #expect(!Self.hours("2026-11-23").isOpen && Self.hours("2026-11-23").japanese == "休業（勤労感謝の日）")
        #expect(!Self.hours("2027-01-11").isOpen, "成人の日")
        #expect(!Self.hours("2024-05-06").isOpen, "振替休日")
        for d in ["2026-12-28", "2027-01-04"] { #expect(Self.hours(d).isOpen, "\(d)") }
        for d in ["2026-12-29", "2026-12-31", "2027-01-01", "2027-01-03"] { #expect(Self.hours(d).basis == .yearEnd, "\(d)") }
        #expect(!Self.hours("2027-02-15").isOpen && Self.hours("2027-02-15").japanese == "休業（設備点検）", "a Monday closed once")
        #expect(Self.hours("2027-03-27").spans == [Self.span("09:00-16:00")], "a Saturday opened once")
        let later = try! DayException(facilityId: "w", day: Self.day("2027-02-15"), spans: [Self.span("08:30-12:00")], reason: "点検の延期")
        #expect(Self.hours("2027-02-15", Self.ward, Self.oneOffs + [later]).spans == [Self.span("08:30-12:00")], "the later record of a day holds")
    }

    @Test("a service corner opens on holidays 9:00–17:00; the store channel 6:30–23:00 every day but the year-end and maintenance")
    func cornersAndStores() throws {
        let corner = [HoursPeriod(
            facilityId: "c", effectiveOn: Self.day("1996-10-01"),
            schedule: try HoursSchedule(weekly: (0..<7).map { $0 == 0 || $0 == 6 ? [Self.span("09:00-17:00")] : [Self.span("07:30-19:00")] },
                                        holidays: [Self.span("09:00-17:00")]),
            decision: Self.decision)]
        #expect(Self.hours("2026-11-23", corner, []).spans == [Self.span("09:00-17:00")])
        #expect(Self.hours("2026-11-24", corner, []).spans == [Self.span("07:30-19:00")])
        #expect(!Self.hours("2026-12-31", corner, []).isOpen)
        let store = StoreHours(maintenanceDays: [Self.day("2026-12-01")])
        #expect(store.hours(on: Self.day("2026-11-23")).spans == [Self.span("06:30-23:00")])
        #expect(!store.hours(on: Self.day("2027-01-02")).isOpen && store.hours(on: Self.day("2026-12-28")).isOpen)
        #expect(store.hours(on: Self.day("2026-12-01")).basis == .exception("保守停止"))
        // The day's hours and the instant rule the kiosks use agree at every minute of a day.
        let day = store.hours(on: Self.day("2026-11-24"))
        for minute in stride(from: 0, to: 1440, by: 1) {
            let instant = Date(timeIntervalSince1970: TimeInterval(Self.day("2026-11-24").dayNumber * 86_400 - 9 * 3600 + minute * 60))
            #expect(day.isOpen(at: TimeOfDay(minutes: minute)!) == store.isOpen(at: instant), "\(minute)")
        }
        #expect(day.isOpen(at: TimeOfDay("06:30")!) && day.isOpen(at: TimeOfDay("22:59")!))
        #expect(!day.isOpen(at: TimeOfDay("23:00")!) && !day.isOpen(at: TimeOfDay("06:29")!))
    }

    @Test("bad hours are coded errors, never a crash", arguments: [
        "25:00-26:00", "8:3-17:00", "17:00-08:30", "08:30-08:30", "24:01-24:30", "x", "", "08:30", "08:30-17:00-18:00", "０８:３０-17:00",
    ])
    func badSpans(_ text: String) {
        #expect { try OpeningSpan(text) } throws: { ($0 as? MadoguchiError)?.code == .hoursInvalid }
    }

    @Test("a schedule must have seven days, ordered spans, weeks 1–5; a one-off day needs its reason")
    func badSchedules() {
        let s = Self.span("08:30-12:00"), t = Self.span("11:00-17:00")
        #expect { try HoursSchedule(weekly: Array(repeating: [s], count: 6)) } throws: { ($0 as? MadoguchiError)?.code == .hoursInvalid }
        #expect { try HoursSchedule(weekly: Array(repeating: [s, t], count: 7)) } throws: { ($0 as? MadoguchiError)?.code == .hoursInvalid }
        #expect { try HoursSchedule(weekly: Array(repeating: [t, s], count: 7)) } throws: { ($0 as? MadoguchiError)?.code == .hoursInvalid }
        #expect { try HoursSchedule.weekdays([s], monthly: [MonthlyOpening(.sunday, weeks: [6], spans: [s])]) } throws: {
            ($0 as? MadoguchiError)?.code == .hoursInvalid
        }
        #expect { try DayException(facilityId: "w", day: Self.day("2027-01-01"), spans: [], reason: " ") } throws: {
            ($0 as? MadoguchiError)?.code == .hoursInvalid
        }
        #expect(TimeOfDay("24:00")?.minutes == 1440 && TimeOfDay("7:05")?.description == "07:05")
    }

    @Test("a schedule reads back from its JSON; a stored span that breaks the rules does not decode")
    func json() throws {
        let schedule = Self.ward[1].schedule
        let data = try JSONEncoder().encode(schedule)
        #expect(try JSONDecoder().decode(HoursSchedule.self, from: data) == schedule)
        #expect(String(decoding: data, as: UTF8.self).contains("\"08:30-19:00\""))
        let inverted = Data(#"{"weekly":[[],["17:00-08:30"],[],[],[],[],[]],"monthly":[],"holidays":[],"yearEndClosure":true}"#.utf8)
        #expect(throws: (any Error).self) { try JSONDecoder().decode(HoursSchedule.self, from: inverted) }
        let six = Data(#"{"weekly":[[],[],[],[],[],[]],"monthly":[],"holidays":[],"yearEndClosure":true}"#.utf8)
        #expect(throws: (any Error).self) { try JSONDecoder().decode(HoursSchedule.self, from: six) }
    }

    @Test("iCalendar: CRLF, folded at 75 octets without splitting a character, escaped text, 24:00 as the next day")
    func iCalendar() throws {
        let days = OpeningHours.days(from: Self.day("2026-12-28"), count: 8, schedules: Self.ward, exceptions: Self.oneOffs)
        let text = ICalendar.hours(
            facilityId: "w", name: "中央区役所, 本庁舎; 窓口", address: "神奈川県窓口市中央区本町一丁目1番地", days: days,
            uidDomain: "149802.madoguchi", stamp: "20261201T000000Z")
        #expect(text.hasSuffix("\r\n") && !text.replacingOccurrences(of: "\r\n", with: "").contains("\n"))
        for line in text.components(separatedBy: "\r\n") { #expect(line.utf8.count <= 75, "\(line)") }
        #expect(text.contains("SUMMARY:中央区役所\\, 本庁舎\\; 窓口 開庁"))
        #expect(text.contains("DTSTART;TZID=Asia/Tokyo:20261228T083000") && text.contains("DTEND;TZID=Asia/Tokyo:20261228T170000"))
        #expect(text.contains("DTSTART;VALUE=DATE:20261229"), "the year-end as an all-day note")
        #expect(!text.contains("20261227"), "nothing before the range")
        let late = ICalendar.hours(
            facilityId: "s", name: "x", address: "y", days: [DayHours(date: Self.day("2026-12-01"), spans: [Self.span("18:00-24:00")], basis: .regular)],
            uidDomain: "d", stamp: "20261201T000000Z")
        #expect(late.contains("DTEND;TZID=Asia/Tokyo:20261202T000000"))
        let folded = ICalendar.fold(String(repeating: "窓", count: 40))
        #expect(folded.components(separatedBy: "\r\n ").allSatisfy { $0.utf8.count <= 75 })
        #expect(folded.replacingOccurrences(of: "\r\n ", with: "") == String(repeating: "窓", count: 40))
    }
}
