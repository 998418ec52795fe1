import Foundation
import MadoguchiPKI
import MadoguchiTestSupport
import Testing

@testable import MadoguchiDemo
@testable import MadoguchiDomain
@testable import MadoguchiIssuance
@testable import MadoguchiStore

/// Issue 14, item 6, on SQLite and on PostgreSQL alike: the hourly ticket counts the forecast learns from (a day's own
/// tickets, else its recorded history), the congestion now, and the 混雑予想カレンダー learnt from the demo's two years.
@Suite("混雑状況と混雑予想（SQLite と PostgreSQL）", .serialized)
struct CongestionContractTests {
    static let office = QueueContractTests.office

    static func day(_ text: String) -> CivilDate { CivilDate.parseGregorian(text)! }

    @Test("arrivals by hour: the day's own tickets in Japan time, else the recorded history; a bad history writes nothing",
          arguments: TestEngines.available)
    func arrivals(engine: SQLEngine) async throws {
        let rig = try QueueContractTests.Rig(engine)
        let store = rig.db.queues
        // The demo recorded two years before its day (2026-10-01).
        let september = try await store.arrivals(facilityId: Self.office, from: Self.day("2026-09-01"), through: Self.day("2026-09-30"))
        #expect(Set(september.map(\.day)).count >= 20 && september.allSatisfy { (8...18).contains($0.hour) }, "\(september.prefix(3))")
        #expect(try await store.arrivals(facilityId: Self.office, from: Self.day("2026-10-01"), through: Self.day("2026-11-30")).isEmpty)

        // History recorded for the test day, then tickets of its own: the tickets win, the history of that day is not added.
        try await store.recordArrivalHistory(
            facilityId: Self.office, [ArrivalCount(day: Self.day("2026-11-24"), hour: 9, tickets: 50)], source: "旧発券機", at: Date())
        #expect(try await store.arrivals(facilityId: Self.office, from: Self.day("2026-11-24"), through: Self.day("2026-11-24"))
                == [ArrivalCount(day: Self.day("2026-11-24"), hour: 9, tickets: 50)])
        _ = try await rig.draw([.certificates])
        rig.time.advance(30 * 60)
        _ = try await rig.draw([.moving, .myNumberCard])
        rig.time.advance(35 * 60)
        _ = try await rig.draw([.certificates])
        #expect(try await store.arrivals(facilityId: Self.office, from: Self.day("2026-11-24"), through: Self.day("2026-11-24"))
                == [ArrivalCount(day: Self.day("2026-11-24"), hour: 10, tickets: 2), ArrivalCount(day: Self.day("2026-11-24"), hour: 11, tickets: 1)])

        // Recording a day again replaces the day; a batch with one bad hour writes nothing.
        let replaced = [ArrivalCount(day: Self.day("2026-09-01"), hour: 10, tickets: 7), ArrivalCount(day: Self.day("2026-09-01"), hour: 12, tickets: 9)]
        try await store.recordArrivalHistory(facilityId: Self.office, replaced, source: "再集計", at: Date())
        #expect(try await store.arrivals(facilityId: Self.office, from: Self.day("2026-09-01"), through: Self.day("2026-09-01")) == replaced)
        for bad in [ArrivalCount(day: Self.day("2026-09-02"), hour: 24, tickets: 1), ArrivalCount(day: Self.day("2026-09-02"), hour: 10, tickets: -1)] {
            let code = await QueueContractTests.code {
                try await store.recordArrivalHistory(
                    facilityId: Self.office, [ArrivalCount(day: Self.day("2026-09-03"), hour: 10, tickets: 999), bad], source: "x", at: Date())
            }
            #expect(code == .queueInvalid)
        }
        #expect(try await store.arrivals(facilityId: Self.office, from: Self.day("2026-09-03"), through: Self.day("2026-09-03"))
                .allSatisfy { $0.tickets != 999 })
        let unknown = await QueueContractTests.code {
            try await store.recordArrivalHistory(facilityId: "no-such-office", replaced, source: "x", at: Date())
        }
        #expect(unknown == .facilityUnknown)
        // The database refuses what the store would not write, whoever sends it.
        let zeros = Array(repeating: "0", count: 23).joined(separator: ",")
        func insert(_ day: String, _ hourly: String) -> MadoguchiError.Code? {
            rig.raw("INSERT INTO queueArrivalHistory (facilityId, day, hourly, source, recordedAt) VALUES ('chuo-ward-office', '\(day)', '\(hourly)', 'x', 'now')")
        }
        #expect(insert("2026-10-05", "[5,\(zeros)]") == nil, "a well-formed day")
        for (day, hourly) in [("2026-13-01", "[5,\(zeros)]"), ("2026-02-30", "[5,\(zeros)]"), ("2026-10-06", "[-5,\(zeros)]"),
                              ("2026-10-06", "[5.5,\(zeros)]"), ("2026-10-06", "[\(zeros)]"), ("2026-10-06", "[[5],\(zeros)]"),
                              ("2026-10-06", "[\"5\",\(zeros)]"), ("2026-10-06", "not json")]
        {
            #expect(insert(day, hourly) == .constraintViolation, "\(day) \(hourly.prefix(8))")
        }
    }

    @Test("the calendar learnt from the demo's history: two months by day and hour, closed days without levels, a Monday and a day after a holiday busier",
          arguments: TestEngines.available)
    func calendar(engine: SQLEngine) async throws {
        let rig = try QueueContractTests.Rig(engine)
        let congestion = CongestionService(database: rig.db, clock: rig.time.clock, cityName: "窓口市")
        let calendar = try await congestion.calendar(of: Self.office)
        #expect(calendar.days.count == 61 && calendar.days.first?.date == Self.day("2026-11-24") && calendar.days.last?.date == Self.day("2027-01-23"))
        #expect(calendar.hoursLearnt > 4000, "two years of open hours: \(calendar.hoursLearnt)")
        #expect(calendar.facilityName == "中央区役所")
        func on(_ text: String) -> CongestionService.Calendar.Day { calendar.days.first { $0.date == Self.day(text) }! }
        let newYear = on("2027-01-01")
        #expect(!newYear.open && newYear.level == nil && newYear.hours.isEmpty && newYear.hoursText.contains("休業"))
        // Thursday to 19:00: eleven hours; a 2nd Sunday morning: three.
        #expect(on("2026-12-03").hours.map(\.hour) == Array(8...18))
        #expect(on("2026-12-13").hours.map(\.hour) == [9, 10, 11])
        func peak(_ d: CongestionService.Calendar.Day) -> Double { d.hours.map(\.expected).max() ?? 0 }
        #expect(peak(on("2026-12-07")) > peak(on("2026-12-09")) * 1.1, "Monday over Wednesday")
        #expect(on("2027-01-04").reasons.contains("休日明け") && peak(on("2027-01-04")) > peak(on("2027-01-06")) * 1.2)
        #expect(on("2026-12-28").reasons.contains("月末"))
        // Within a day, noon over the last hour.
        let wednesday = on("2026-12-09")
        #expect(wednesday.hours.first { $0.hour == 12 }!.expected > wednesday.hours.first { $0.hour == 16 }!.expected)
        #expect(calendar.days.contains { $0.level == .busy } && calendar.days.contains { $0.level == .quiet || $0.level == .moderate })
        // Learnt once a day: a second call answers the same.
        #expect(try await congestion.calendar(of: Self.office) == calendar)
        let unknown = await QueueContractTests.code { _ = try await congestion.calendar(of: "no-such-office") }
        #expect(unknown == .facilityUnknown)
    }

    @Test("congestion now: each line's waiting and wait with its level; the busiest line sets the facility's; nil while closed",
          arguments: TestEngines.available)
    func now(engine: SQLEngine) async throws {
        let rig = try QueueContractTests.Rig(engine)
        let congestion = CongestionService(database: rig.db, clock: rig.time.clock, cityName: "窓口市")
        let quiet = try await congestion.now(of: Self.office)
        #expect(quiet.open && quiet.level == .quiet && quiet.lines.allSatisfy { $0.waiting == 0 && $0.level == .quiet })
        // Certificates with no window open yet: ten waiting is a moderate wait, thirty a long one.
        for _ in 0..<10 { _ = try await rig.draw([.certificates]) }
        let moderate = try await congestion.now(of: Self.office)
        let ten = try #require(moderate.lines.first { $0.procedure == .certificates })
        #expect(ten.waiting == 10 && ten.level == .moderate && moderate.level == .moderate, "\(ten)")
        for _ in 0..<20 { _ = try await rig.draw([.certificates]) }
        let busy = try await congestion.now(of: Self.office)
        let certificates = try #require(busy.lines.first { $0.procedure == .certificates })
        #expect(certificates.waiting == 30 && certificates.level == .ofWait(minutes: certificates.estimatedWaitMinutes))
        #expect(certificates.level == .busy && busy.level == .busy, "\(certificates)")
        #expect(busy.lines.first { $0.procedure == .moving }?.level == .quiet)
        rig.time.set("2026-11-24T18:00:00+09:00")
        #expect(try await congestion.now(of: Self.office).level == nil)
    }

    static func reading(_ db: MadoguchiDatabase, _ definition: LiveIndicatorDefinition) throws -> LiveIndicatorReading {
        try db.transaction(readOnly: true) { s in try LiveIndicators.reading(s, definition, now: Date()) }
    }

    @Test("an evaluation sheet's indicator reads the mean wait at the ward offices in March of each fiscal year",
          arguments: TestEngines.available)
    func meanWaitInMarch(engine: SQLEngine) async throws {
        let rig = try QueueContractTests.Rig(engine)
        // November: a wait of 45 minutes, not counted.
        _ = try await rig.draw([.certificates])
        rig.time.advance(45 * 60)
        try await rig.open("1")
        _ = try await rig.next("1")
        // March 2027 (fiscal year 2026): waits of 20 and 30 minutes.
        rig.time.set("2027-03-29T10:00:00+09:00")
        _ = try await rig.draw([.moving])
        rig.time.advance(5 * 60)
        _ = try await rig.draw([.moving])
        rig.time.advance(15 * 60)
        try await rig.open("3", "4")
        _ = try await rig.next("3")
        rig.time.advance(15 * 60)
        _ = try await rig.next("4")
        let definition = LiveIndicatorDefinition(source: .counterMeanWait)
        let reading = try Self.reading(rig.db, definition)
        #expect(reading.values.count == 1, "\(reading.values)")
        #expect(reading.values.first?.year == FiscalYear(2026) && reading.values.first?.value == SheetNumber("25.0"))
        #expect(reading.values.first?.numerator == 50 && reading.values.first?.denominator == 2)
        #expect(reading.detail.contains("区役所") && reading.detail.contains("3月"))
        // November at the ward offices is the one ticket of 45 minutes; no branch office has any.
        let november = try Self.reading(rig.db, LiveIndicatorDefinition(source: .counterMeanWait, month: 11))
        #expect(november.values.first?.value == SheetNumber("45.0"))
        let branches = try Self.reading(rig.db, LiveIndicatorDefinition(source: .counterMeanWait, facilityKind: .branchOffice))
        #expect(branches.values.isEmpty)
    }

    @Test("on a held-out moving season, the forecast's error is below that of the same weekday a year before")
    func heldOut() {
        // The demo's 中央区役所: Thursdays to 19:00, 2nd and 4th Sunday mornings, the last weekend of March open.
        let hours = DemoCity.hours(for: .standard)
        let days = OpeningHours.days(
            from: Self.day("2024-12-01"), count: 900, schedules: hours.schedules.filter { $0.facilityId == Self.office },
            exceptions: hours.days.filter { $0.facilityId == Self.office })
        let report = ForecastEvaluation.run(
            days: days, heldOutFrom: Self.day("2027-02-15"), heldOutThrough: Self.day("2027-04-14"),
            traffic: SyntheticArrivals(ordinaryDay: 300), seed: 11)
        #expect(report.hours > 350, "\(report)")
        #expect(report.forecastHourlyError < report.baselineHourlyError * 0.9, "\(report)")
        #expect(report.forecastDailyError < report.baselineDailyError, "\(report)")
        #expect(report.forecastLevelAgreement > report.baselineLevelAgreement, "\(report)")
    }
}
