import ArgumentParser
import Foundation
import MadoguchiDemo
import MadoguchiDomain
import MadoguchiIssuance
import MadoguchiStore

/// `madoguchi bench congestion-forecast`: the congestion forecast's error (issue 14, item 6) on a held-out span of
/// synthetic history against the same weekday a year before, over several seeds; then what learning costs the public
/// page (two years of a 区役所's history through the store, learnt once a day) and what a page costs after.
struct ForecastBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "congestion-forecast",
        abstract: "The congestion forecast against the same weekday a year before on a held-out moving season (mean absolute error).")

    @Option(help: "The first held-out day (history before it is learnt from).") var from: String = "2027-02-15"
    @Option(help: "The last held-out day.") var through: String = "2027-04-14"
    @Option(help: "Tickets on an ordinary Wednesday.") var ordinary: Double = 300
    @Option(help: "How many seeds.") var seeds: Int = 5
    @Option(help: "The demo facility whose hours are used.") var facility: String = "chuo-ward-office"

    func run() async throws {
        guard let first = CivilDate.parseGregorian(from), let last = CivilDate.parseGregorian(through), first <= last else {
            throw ValidationError("--from and --through are YYYY-MM-DD, in order")
        }
        let hours = DemoCity.hours(for: .standard)
        let start = first.adding(days: -CongestionService.historyDays)
        let days = OpeningHours.days(
            from: start, count: last.dayNumber - start.dayNumber + 45, schedules: hours.schedules.filter { $0.facilityId == facility },
            exceptions: hours.days.filter { $0.facilityId == facility })
        print("held out \(first) to \(last), learnt from \(start); MAE in tickets")
        print("seed\thours\tmean/hour\thourly forecast\thourly baseline\tseason forecast\tseason baseline\tdaily forecast\tdaily baseline\tlevel forecast\tlevel baseline")
        var reports: [ForecastEvaluation.Report] = []
        for seed in 1...max(1, seeds) {
            let r = ForecastEvaluation.run(
                days: days, heldOutFrom: first, heldOutThrough: last, traffic: SyntheticArrivals(ordinaryDay: ordinary), seed: UInt64(seed))
            reports.append(r)
            print("\(seed)\t\(r.hours)\t\(f(r.meanHourlyTickets))\t\(f(r.forecastHourlyError))\t\(f(r.baselineHourlyError))\t\(f(r.forecastSeasonHourlyError))\t\(f(r.baselineSeasonHourlyError))\t\(f(r.forecastDailyError))\t\(f(r.baselineDailyError))\t\(p(r.forecastLevelAgreement))\t\(p(r.baselineLevelAgreement))")
        }
        func mean(_ k: KeyPath<ForecastEvaluation.Report, Double>) -> Double { reports.map { $0[keyPath: k] }.reduce(0, +) / Double(reports.count) }
        print("mean\t\t\(f(mean(\.meanHourlyTickets)))\t\(f(mean(\.forecastHourlyError)))\t\(f(mean(\.baselineHourlyError)))\t\(f(mean(\.forecastSeasonHourlyError)))\t\(f(mean(\.baselineSeasonHourlyError)))\t\(f(mean(\.forecastDailyError)))\t\(f(mean(\.baselineDailyError)))\t\(p(mean(\.forecastLevelAgreement)))\t\(p(mean(\.baselineLevelAgreement)))")
        print(String(format: "forecast error / baseline error: hourly %.2f, season hourly %.2f, daily %.2f",
                     mean(\.forecastHourlyError) / mean(\.baselineHourlyError), mean(\.forecastSeasonHourlyError) / mean(\.baselineSeasonHourlyError),
                     mean(\.forecastDailyError) / mean(\.baselineDailyError)))

        // What the page costs: learning from the store once a day, then the calendar from what was learnt.
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("madoguchi-forecast-bench-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let database = try MadoguchiDatabase.open(path: folder.appendingPathComponent("city.sqlite").path)
        _ = try DemoCityGenerator.generate(into: database, options: .init(residents: 50, seed: 1))
        guard let clock = MadoguchiClock.parse("2026-10-01T10:00:00+09:00") else { throw ValidationError("clock") }
        let congestion = CongestionService(database: database, clock: clock, cityName: "窓口市")
        let clockNow = ContinuousClock()
        var calendar: CongestionService.Calendar?
        let learning = try await clockNow.measure { calendar = try await congestion.calendar(of: facility) }
        var again = Duration.zero
        for _ in 0..<20 { again += try await clockNow.measure { _ = try await congestion.calendar(of: facility) } }
        print("\nthe page: learning from \(calendar?.hoursLearnt ?? 0) hours of history through the store \(learning); each calendar after \(again / 20)")
    }

    func f(_ x: Double) -> String { String(format: "%.2f", x) }
    func p(_ x: Double) -> String { String(format: "%.0f %%", x * 100) }
}
