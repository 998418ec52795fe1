import Foundation
import MadoguchiPKI
import MadoguchiTestSupport
import Testing

@testable import MadoguchiDemo
@testable import MadoguchiDomain
@testable import MadoguchiIssuance
@testable import MadoguchiStore

/// Issue 14, item 8, on SQLite and on PostgreSQL alike: the places' yearly figures are kept whole or not at all, the
/// residents are counted by 町丁目, and the demo's 柿の木 decision (the seeds' 柿生) replays: its certificates go to
/// 山手区役所, the 出張所 next to it and the corner across the ward line, its ¥10.6 million a year is saved, and the
/// receiving counters wait longer in the moving season.
@Suite("窓口再編の試算（SQLite と PostgreSQL）", .serialized)
struct ReorganisationContractTests {
    struct Rig {
        let store: TestEngines.Fresh
        let db: MadoguchiDatabase
        let time = SteppingClock("2026-11-24T10:00:00+09:00")
        var service: ReorganisationService { ReorganisationService(database: db, clock: time.clock) }

        init(_ engine: SQLEngine) throws {
            store = try TestEngines.fresh(engine)
            db = try store.database(keys: MasterKey.generate())
            _ = try DemoCityGenerator.generate(into: db, options: .init(residents: 300, seed: 5))
        }

        func count(_ sql: String) throws -> Int {
            try db.transaction(readOnly: true) { s in try s.scalar(sql, as: Int.self) } ?? -1
        }

        /// Whether the database refuses a statement.
        func refuses(_ sql: String) -> Bool {
            do {
                try db.transaction(readOnly: false) { s in _ = try s.execute(sql, []) }
                return false
            } catch { return true }
        }
    }

    static func day(_ text: String) -> CivilDate { CivilDate.parseGregorian(text)! }

    @Test("yearly figures: recorded, read back, replaced; a bad row or an unknown facility writes nothing; the database refuses a negative count",
          arguments: TestEngines.available)
    func figures(engine: SQLEngine) async throws {
        let rig = try Rig(engine)
        let store = rig.db.serviceFigures
        #expect(try await store.figureYears() == [FiscalYear(2014), FiscalYear(2025)])
        let fy2025 = try await store.figures(fiscalYear: FiscalYear(2025))
        #expect(fy2025.last?.facilityId == nil && fy2025.last?.perCertificateYen == 117, "the stores come last")
        #expect(fy2025.first { $0.facilityId == "yamate-ward-office" }?.certificates == 24_000 * 18 / 20)
        #expect(!fy2025.contains { $0.facilityId == "kakinoki-liaison-office" }, "no certificates there since 2015")

        let replaced = AnnualServiceFigures(
            fiscalYear: FiscalYear(2025), facilityId: "yamate-ward-office", certificates: 20_000, staffYen: 41_000_000, premisesYen: 9_000_000,
            perCertificateYen: 0)
        try await store.record([replaced], source: "決算資料", at: Date())
        let after = try await store.figures(fiscalYear: FiscalYear(2025))
        #expect(after.count == fy2025.count && after.first { $0.facilityId == "yamate-ward-office" } == replaced)

        let newYear = AnnualServiceFigures(
            fiscalYear: FiscalYear(2026), facilityId: "chuo-ward-office", certificates: 1, staffYen: 1, premisesYen: 1, perCertificateYen: 0)
        for (bad, expected) in [
            (AnnualServiceFigures(fiscalYear: FiscalYear(2026), facilityId: "chuo-ward-office", certificates: -1, staffYen: 0, premisesYen: 0, perCertificateYen: 0),
             MadoguchiError.Code.serviceFiguresInvalid),
            (AnnualServiceFigures(fiscalYear: FiscalYear(1900), facilityId: "chuo-ward-office", certificates: 1, staffYen: 0, premisesYen: 0, perCertificateYen: 0),
             .serviceFiguresInvalid),
            (AnnualServiceFigures(fiscalYear: FiscalYear(2026), facilityId: "no-such-office", certificates: 1, staffYen: 0, premisesYen: 0, perCertificateYen: 0),
             .facilityUnknown),
        ] {
            let code = await QueueContractTests.code { try await store.record([newYear, bad], source: "x", at: Date()) }
            #expect(code == expected)
        }
        let noSource = await QueueContractTests.code { try await store.record([newYear], source: " ", at: Date()) }
        #expect(noSource == .serviceFiguresInvalid)
        #expect(try await store.figureYears() == [FiscalYear(2014), FiscalYear(2025)], "nothing of the refused batches was written")
        // Whoever writes to the table, the database holds its rules.
        #expect(rig.refuses(
            "INSERT INTO serviceAnnualFigures (fiscalYear, facilityId, certificates, staffYen, premisesYen, perCertificateYen, source, recordedAt) VALUES (2026, NULL, -5, 0, 0, 0, 'x', 'x')"))
        #expect(!rig.refuses(
            "INSERT INTO serviceAnnualFigures (fiscalYear, facilityId, certificates, staffYen, premisesYen, perCertificateYen, source, recordedAt) VALUES (2026, NULL, 5, 0, 0, 0, 'x', 'x')"),
            "the same row with a count of 5 is taken: the refusal is the check's")
        #expect(rig.refuses(
            "INSERT INTO serviceAnnualFigures (fiscalYear, facilityId, certificates, staffYen, premisesYen, perCertificateYen, source, recordedAt) VALUES (2026, NULL, 6, 0, 0, 0, 'x', 'x')"),
            "one row a place a year, the stores' too")
        // Residents by 町丁目: every current resident counted once, in a 町丁目 the city knows.
        let towns = try await store.residentsByTown()
        let registered = try rig.count("SELECT count(*) FROM resident WHERE removedOn IS NULL")
        #expect(towns.values.reduce(0, +) == registered)
        let known = try await rig.db.facilityNetwork.townLocations()
        #expect(towns.keys.allSatisfy { known[$0] != nil })
    }

    @Test("the 柿の木 decision replayed: the day before's network, FY2014's figures, where the certificates go, the waits and the saving",
          arguments: TestEngines.available)
    func kakinoki(engine: SQLEngine) async throws {
        let rig = try Rig(engine)
        let (scenario, skipped) = try await rig.service.replay(Self.day("2015-04-01"))
        #expect(scenario.baseDay == Self.day("2015-03-31") && scenario.changes == [.closeMannedWindow(facilityId: "kakinoki-liaison-office")])
        #expect(skipped.isEmpty)
        let report = try await rig.service.run(scenario)
        let o = report.outcome
        #expect(o.fiscalYear == FiscalYear(2014))
        let row = Dictionary(uniqueKeysWithValues: o.rows.map { ($0.id, $0) })
        let liaison = try #require(row["kakinoki-liaison-office"])
        #expect(abs(liaison.before - 2_600) < 10 && liaison.after == 0)
        #expect(abs(liaison.costBeforeYen - 10_600_000) < 1 && liaison.costAfterYen == 0)
        #expect(!liaison.topTowns.isEmpty && zip(liaison.topTowns, liaison.topTowns.dropFirst()).allSatisfy { $0.certificates >= $1.certificates })
        // Nothing is lost: what it issued is issued elsewhere, and most of it in its own ward and next to it.
        #expect(abs(o.total.after - o.total.before) < 1 && o.unservedAfter < 0.5)
        let gains = o.receivers.map { ($0.id, $0.after - $0.before) }
        #expect(abs(gains.reduce(0) { $0 + $1.1 } - liaison.before) < 1)
        let near = ["yamate-ward-office", "yamate-sub-branch-office", "higashi-guchi-service-corner"]
        #expect(near.contains(o.receivers[0].id), "\(gains.prefix(4))")
        #expect(gains.filter { near.contains($0.0) }.reduce(0) { $0 + $1.1 } > liaison.before * 0.5, "\(gains.prefix(5))")
        // The counters that receive wait longer in the moving season; no store channel yet in 2015.
        let ward = try #require(row["yamate-ward-office"])
        let before = try #require(ward.peakBefore), after = try #require(ward.peakAfter)
        #expect(after.waitMinutes > before.waitMinutes && after.arrivalsPerHour > before.arrivalsPerHour)
        #expect(before.servers == 2, "windows 1, 2 and half of 5 serve certificates at a 区役所")
        #expect(!o.channels.contains { $0.channel == .stores } && o.channels.contains { $0.channel == .machine })
        // The saving is the liaison office's whole cost: the receiving counters absorb the work with the staff they have.
        #expect(abs((o.total.costBeforeYen - o.total.costAfterYen) - 10_600_000) < 1)
        #expect(o.total.perCertificateAfter! < o.total.perCertificateBefore!)
    }

    @Test("today's network: a corner's longer hours, a new corner and a closed centre, with the stores; refusals for days without figures or facilities",
          arguments: TestEngines.available)
    func today(engine: SQLEngine) async throws {
        let rig = try Rig(engine)
        let scenario = ReorganisationService.Scenario(
            baseDay: Self.day("2026-11-24"),
            changes: [
                try ReorganisationChange(code: "hours:kita-station-service-corner:weekdays 07:30-21:00"),
                try ReorganisationChange(code: "open:kakinoki-corner:serviceCorner:柿の木駅行政サービスコーナー:山手区:柿の木五丁目"),
                .close(facilityId: "yamate-sub-branch-office"),
            ])
        let o = try await rig.service.run(scenario).outcome
        #expect(o.fiscalYear == FiscalYear(2025))
        let row = Dictionary(uniqueKeysWithValues: o.rows.map { ($0.id, $0) })
        let stores = try #require(row["stores"])
        #expect(stores.after > stores.before, "the stores take part of the closed centre's certificates")
        let corner = try #require(row["kita-station-service-corner"])
        // 07:30–19:00 → 07:30–21:00 on weekdays: about 13 % more minutes open in the year, and the staff cost with them.
        #expect(corner.after > corner.before && corner.costAfterYen > 19_000_000 * 1.1 + 7_000_000)
        let new = try #require(row["kakinoki-corner"])
        #expect(new.before == 0 && new.after > 500 && new.peakAfter != nil)
        #expect(abs(new.costAfterYen - 26_000_000) < 1, "the median fixed cost of the city's corners")
        #expect(row["yamate-sub-branch-office"]!.after == 0)

        let none = await QueueContractTests.code {
            _ = try await rig.service.run(.init(baseDay: Self.day("2010-04-01"), changes: [.close(facilityId: "chuo-ward-office")]))
        }
        #expect(none == .reorganisationNoFigures)
        let gone = await QueueContractTests.code {
            _ = try await rig.service.run(.init(baseDay: Self.day("2026-11-24"), changes: [.close(facilityId: "miyano-liaison-office")]))
        }
        #expect(gone == .reorganisationInvalid, "宮野 closed in 2012")
        let nothing = await QueueContractTests.code { _ = try await rig.service.replay(Self.day("2026-11-24")) }
        #expect(nothing == .reorganisationInvalid)
    }
}
