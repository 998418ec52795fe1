import ArgumentParser
import Foundation
import MadoguchiDomain
import MadoguchiIssuance
import MadoguchiStore

extension FacilityCommand {
    /// `madoguchi facility whatif`: the reorganisation what-if (issue 14, item 8) on the command line.
    struct WhatIf: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "whatif",
            abstract: "Weigh a reorganisation: where the certificates go, the peak waits at the receiving counters, the cost per certificate.",
            discussion: """
                Changes (repeat --change): close:ID, close-window:ID, convert:ID:KIND, hours:ID:'weekdays 08:30-19:00, sat 09:00-12:00', \
                open:ID:KIND:NAME:WARD:TOWN[:YEN]. Or --replay DATE: the closures, manned windows closed and conversions recorded \
                for that day, against the network of the day before (the demo: --replay 2015-04-01, 柿の木連絡所).
                """)

        @Option(help: "The base day: the network as it stood then (YYYY-MM-DD or 和暦; default today).") var on: String?
        @Option(help: "A change to weigh (repeatable).") var change: [String] = []
        @Option(help: "Replay the changes recorded for a day instead.") var replay: String?
        @Option(help: "Distance decay β per kilometre.") var decay: Double = DemandModel.defaultDecayPerKm
        @Flag(help: "Write the report as JSON.") var json = false
        @Option(help: "The database: a SQLite file, or postgres://user@host:port/db.") var db: String = defaultDatabasePath

        func run() async throws {
            let clock = try reporting { try environmentClock() }
            let report = try await reporting {
                let service = ReorganisationService(database: try MadoguchiDatabase.open(db), clock: clock)
                if let replay {
                    guard change.isEmpty, on == nil else {
                        throw MadoguchiError(.reorganisationInvalid, ja: "--replay は --change・--on と併用できません", en: "--replay goes without --change and --on")
                    }
                    var (scenario, skipped) = try await service.replay(try FacilityCommand.day(replay))
                    scenario.decayPerKm = decay
                    return try await service.run(scenario, notReplayed: skipped)
                }
                guard !change.isEmpty else {
                    throw MadoguchiError(.reorganisationInvalid, ja: "変更（--change）か --replay を指定してください", en: "Give a --change or --replay")
                }
                let scenario = ReorganisationService.Scenario(
                    baseDay: try on.map(FacilityCommand.day) ?? clock.today, changes: try change.map(ReorganisationChange.init(code:)),
                    decayPerKm: decay)
                return try await service.run(scenario)
            }
            if json {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
                print(String(decoding: try encoder.encode(report), as: UTF8.self))
                return
            }
            print(Self.text(report), terminator: "")
        }

        static func text(_ report: ReorganisationService.Report) -> String {
            let o = report.outcome
            func n(_ x: Double) -> String { String(Int(x.rounded())) }
            func wait(_ p: PeakLoad?) -> String {
                guard let p else { return "-" }
                return String(format: "%.0f/%.0f (%.0f%%)", p.waitMinutes, p.closingWaitMinutes, p.utilisation * 100)
            }
            var out = "base \(report.scenario.baseDay), figures \(o.fiscalYear), decay \(o.decayPerKm)/km\n"
            out += "changes: " + report.scenario.changes.map { "\($0.facilityId) \($0.english)" }.joined(separator: "; ") + "\n"
            if !report.notReplayed.isEmpty { out += "not replayed: " + report.notReplayed.joined(separator: ", ") + "\n" }
            out += ["place", "before", "after", "change", "peak wait before (mean/closing min, load)", "after", "cost/cert before (yen)", "after"]
                .joined(separator: "\t") + "\n"
            for r in o.rows where r.change != nil || abs(r.after - r.before) >= 0.5 {
                out += [r.id, n(r.before), n(r.after), String(format: "%+.0f", r.after - r.before), wait(r.peakBefore), wait(r.peakAfter),
                        r.before > 0 ? n(r.costBeforeYen / r.before) : "-", r.after > 0 ? n(r.costAfterYen / r.after) : "-"]
                    .joined(separator: "\t") + "\n"
            }
            out += ["channel", "before", "after", "cost/cert before (yen)", "after"].joined(separator: "\t") + "\n"
            for c in o.channels + [o.total] {
                let label = c == o.total ? "total" : c.channel.rawValue
                out += [label, n(c.before), n(c.after), c.perCertificateBefore.map(n) ?? "-", c.perCertificateAfter.map(n) ?? "-"]
                    .joined(separator: "\t") + "\n"
            }
            if o.unservedAfter >= 0.5 { out += "unserved after: \(n(o.unservedAfter))\n" }
            return out
        }
    }
}
