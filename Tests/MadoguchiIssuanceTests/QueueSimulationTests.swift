import Foundation
import MadoguchiPKI
import MadoguchiTestSupport
import Testing

@testable import MadoguchiDemo
@testable import MadoguchiDomain
@testable import MadoguchiIssuance
@testable import MadoguchiStore

/// Issue 14, items 4 and 5: a simulated moving-season day (half a large ward office's traffic, the service times
/// learnt during the day) runs through tickets and windows; every ticket's history is whole, the waits
/// are measured from it, and the estimate stored at ticketing is nearer the wait than the posted rule of thumb.
/// Simulated time and a fixed seed: the outcome is the same on any machine.
@Suite("順番待ちの模擬日（転入・転出の多い時期）", .serialized)
struct QueueSimulationTests {
    @Test("half a moving-season day: every ticket served or marked absent, histories whole, the estimate beats 10 minutes per 5 waiting")
    func movingSeasonDay() async throws {
        let fresh = try TestEngines.fresh(.sqlite)
        let db = try fresh.database(keys: MasterKey.generate())
        _ = try DemoCityGenerator.generate(into: db, options: .init(residents: 40, seed: 5))
        let day = CivilDate.parseGregorian("2027-03-29")!
        // Half the traffic on the office's own eight windows (no temporary ones).
        var traffic = QueueSimulation.Traffic.movingSeason(scale: 0.5)
        traffic.extraWindows = []
        let simulation = QueueSimulation(database: db, facilityId: "chuo-ward-office", start: QueueSimulation.midnight(day))
        let season = try await simulation.run(day, traffic: traffic, seed: 7)
        #expect(season.outcomes.count >= 220)

        // Nothing is left in play; each ticket's history is whole and in order.
        #expect(try await db.queues.day(facilityId: "chuo-ward-office", day: day).active.isEmpty)
        let tickets = try await db.queues.tickets(facilityId: "chuo-ward-office", from: day, through: day)
        let events = Dictionary(grouping: try await db.queues.events(facilityId: "chuo-ward-office", from: day, through: day), by: \.ticketId)
        #expect(tickets.count == season.outcomes.count)
        for t in tickets {
            let kinds = (events[t.id] ?? []).map(\.kind)
            #expect(t.state == .done || t.state == .noShow, "\(t.number) ended \(t.state)")
            #expect(kinds.first == .issued && (kinds.last == .finished || kinds.last == .noShow), "\(t.number): \(kinds)")
            #expect(kinds.filter { $0 == .stepDone }.count == (t.state == .done ? t.route.count : kinds.filter { $0 == .stepDone }.count))
            // The wait the report used is the one the events record.
            if let o = season.outcomes.first(where: { $0.number == t.number }), let firstCall = events[t.id]?.first(where: { $0.kind == .called }) {
                #expect(abs(firstCall.at.timeIntervalSince(t.issuedAt) / 60 - (o.actualWait ?? -1)) < 0.01)
                #expect(o.estimate == t.estimatedWaitMinutes)
            }
        }
        #expect(season.measured.count == season.outcomes.count)
        #expect(season.longestWait > 30, "even half a moving-season day queues: \(season.longestWait)")
        #expect(season.estimateError < season.ruleError, "estimate \(season.estimateError) vs rule \(season.ruleError)")
    }
}
