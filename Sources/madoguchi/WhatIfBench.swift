import ArgumentParser
import Foundation
import MadoguchiDemo
import MadoguchiDomain
import MadoguchiIssuance
import MadoguchiStore

/// `madoguchi bench reorganisation`: the what-if (issue 14, item 8) on the demo city: the 柿の木 decision replayed at
/// several distance decays (where its certificates go, the receiving counters' waits, the saving), and what a what-if
/// costs (the page runs one per request).
struct WhatIfBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reorganisation",
        abstract: "The reorganisation what-if: 柿の木's decision at several distance decays, and the time a what-if takes.")

    @Option(help: "Residents of the demo city.") var residents: Int = 20_000
    @Option(help: "Timed runs.") var runs: Int = 5

    func run() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("madoguchi-whatif-bench-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let database = try MadoguchiDatabase.open(path: folder.appendingPathComponent("city.sqlite").path)
        _ = try DemoCityGenerator.generate(into: database, options: .init(residents: residents, seed: 1))
        guard let clock = MadoguchiClock.parse("2026-11-24T10:00:00+09:00") else { throw ValidationError("clock") }
        let service = ReorganisationService(database: database, clock: clock)
        var (scenario, _) = try await service.replay(CivilDate(year: 2015, month: 4, day: 1)!)
        let near = ["yamate-ward-office", "yamate-sub-branch-office", "higashi-guchi-service-corner"]
        print("柿の木連絡所's manned window closed 2015-04-01, weighed on 2015-03-31 with FY2014's figures (\(residents) residents)")
        print(["decay/km", "moved", "to 山手区役所", "to 柿の木出張所", "to 東口コーナー", "elsewhere", "山手区役所 wait before→after (min, load)",
               "柿の木出張所 wait before→after", "saving (yen)", "yen/cert before→after"].joined(separator: "\t"))
        for decay in [0.5, 1.0, 1.5, 2.0] {
            scenario.decayPerKm = decay
            let o = try await service.run(scenario).outcome
            let row = Dictionary(uniqueKeysWithValues: o.rows.map { ($0.id, $0) })
            let moved = row["kakinoki-liaison-office"]!.before
            func gain(_ id: String) -> Double { row[id].map { $0.after - $0.before } ?? 0 }
            func share(_ x: Double) -> String { String(format: "%.0f%%", x / moved * 100) }
            func wait(_ id: String) -> String {
                guard let b = row[id]?.peakBefore, let a = row[id]?.peakAfter else { return "-" }
                return String(format: "%.0f→%.0f (%.0f→%.0f%%)", b.waitMinutes, a.waitMinutes, b.utilisation * 100, a.utilisation * 100)
            }
            let elsewhere = moved - near.map(gain).reduce(0, +)
            print([String(decay), String(Int(moved.rounded())), share(gain(near[0])), share(gain(near[1])), share(gain(near[2])), share(elsewhere),
                   wait(near[0]), wait(near[1]), String(Int((o.total.costBeforeYen - o.total.costAfterYen).rounded())),
                   String(format: "%.0f→%.0f", o.total.perCertificateBefore ?? 0, o.total.perCertificateAfter ?? 0)].joined(separator: "\t"))
        }
        scenario.decayPerKm = DemandModel.defaultDecayPerKm
        let timer = ContinuousClock()
        var times: [Duration] = []
        for _ in 0..<max(1, runs) { times.append(try await timer.measure { _ = try await service.run(scenario) }) }
        times.sort()
        let queue = timer.measure {
            for _ in 0..<20 { _ = PeakLoad(arrivalsPerHour: 30, servers: 2, serviceMinutes: 5, dayMinutes: 510) }
        }
        let fit = timer.measure {
            let towns = DemoCity.townLocations().map { DemandModel.Town(key: $0.key, location: $0.value, residents: 70) }
            let model = DemandModel(towns: towns, kindMix: DemandModel.standardMix, decayPerKm: 1)
            let places = DemoCity.facilities.prefix(25).map { f in
                DemandModel.Place(id: f.id, location: DemoCity.townLocations()[TownKey(ward: f.address.ward, town: f.address.town)],
                                  kinds: Set(CertificateKind.allCases))
            }
            _ = model.calibrate(places, observed: Dictionary(uniqueKeysWithValues: places.enumerated().map { ($1.id, Double(1000 * ($0 + 1))) }))
        }
        print("\na what-if (replay, 25 places, 280 towns): median \(times[times.count / 2]), best \(times[0]) of \(times.count)")
        print("of which: one counter's day (M/M/2, 30 an hour, 510 minutes) \(queue / 20); a fit of 25 places to 280 towns \(fit)")
    }
}
