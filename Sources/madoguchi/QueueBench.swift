import ArgumentParser
import Foundation
import MadoguchiDemo
import MadoguchiDomain
import MadoguchiIssuance
import MadoguchiStore

/// `madoguchi bench queue-day`: the wait estimate's accuracy (issue 14, item 5). Ordinary weekdays at 中央区役所 teach
/// it the service times, then a moving-season day runs through the real queue; each ticket's stored estimate and the
/// posted rule (10 minutes for every 5 waiting) are compared with the wait that followed. Simulated time: the figures
/// do not depend on the machine.
struct QueueBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "queue-day",
        abstract: "The wait estimate against the rule of thumb on a simulated moving-season day (mean absolute error, minutes).")

    @Option(help: "The moving-season day (a weekday the 区役所 is open).") var day: String = "2027-03-29"
    @Option(help: "Ordinary weekdays before it, to learn the service times.") var warmUpDays: Int = 5
    @Option(help: "Traffic scale (1 = a large ward office).") var scale: Double = 1
    @Option(help: "The simulation's seed.") var seed: UInt64 = 1
    @Option(help: "The facility.") var facility: String = "chuo-ward-office"

    func run() async throws {
        guard let target = CivilDate.parseGregorian(day) else { throw ValidationError("--day is YYYY-MM-DD") }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("madoguchi-queue-bench-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let database = try MadoguchiDatabase.open(path: folder.appendingPathComponent("city.sqlite").path)
        _ = try DemoCityGenerator.generate(into: database, options: .init(residents: 50, seed: 1))
        let started = ContinuousClock.now
        let reports = try await QueueSimulation.runSeason(
            database: database, facilityId: facility, day: target, warmUpDays: warmUpDays, scale: scale, seed: seed)
        let elapsed = ContinuousClock.now - started
        print("day\ttraffic\ttickets\tcalled\tmean wait\tlongest\tlast service\testimate MAE\trule MAE")
        for (r, kind) in reports {
            let last = r.lastServiceEnded.map { d -> String in
                let m = JapanTime.minuteOfDay(of: d)
                return String(format: "%02d:%02d", m / 60, m % 60)
            } ?? "—"
            print("\(r.day)\t\(kind)\t\(r.outcomes.count)\t\(r.measured.count)\t\(f(r.meanWait))\t\(f(r.longestWait))\t\(last)\t\(f(r.estimateError))\t\(f(r.ruleError))")
        }
        if let (last, _) = reports.last {
            print("\nby line on \(last.day): line\ttickets\tmean wait\testimate MAE\trule MAE")
            for p in QueueProcedure.allCases {
                let l = last.line(p)
                guard !l.measured.isEmpty else { continue }
                print("\(p.rawValue)\t\(l.measured.count)\t\(f(l.meanWait))\t\(f(l.estimateError))\t\(f(l.ruleError))")
            }
        }
        print("\nsimulated \(reports.map(\.0.outcomes.count).reduce(0, +)) tickets in \(elapsed)")
    }

    func f(_ x: Double) -> String { String(format: "%.1f", x) }
}
