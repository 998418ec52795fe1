import Foundation
import MadoguchiPKI
import MadoguchiTestSupport
import Testing

@testable import MadoguchiDemo
@testable import MadoguchiDomain
@testable import MadoguchiIssuance
@testable import MadoguchiStore

/// Issue 14, item 1, on SQLite and on PostgreSQL alike: the demo's network history answers by date across the seeds'
/// reorganisation days; a change is recorded only when the whole history keeps its rules, and all of it or nothing;
/// the history is append-only in the database itself; a certificate issued at a facility of a new kind is counted.
@Suite("窓口の配置と経緯（SQLite と PostgreSQL）", .serialized)
struct FacilityNetworkContractTests {
    static let clock = MadoguchiClock.parse("2026-11-24T10:00:00+09:00")!
    static let at = "2026-11-24T10:00:00.000+09:00"
    static func day(_ text: String) -> CivilDate { CivilDate.parseGregorian(text)! }

    struct Rig {
        let store: TestEngines.Fresh
        let db: MadoguchiDatabase
        var service: FacilityNetworkService { FacilityNetworkService(store: db.facilityNetwork) }

        init(_ engine: SQLEngine) throws {
            store = try TestEngines.fresh(engine)
            db = try store.database(keys: MasterKey.generate())
            _ = try DemoCityGenerator.generate(into: db, options: .init(residents: 60, seed: 5))
        }

        func period(_ id: String, on date: String) async throws -> FacilityPeriod? {
            try await service.network(on: FacilityNetworkContractTests.day(date)).first { $0.facility.id == id }?.period
        }

        func count(_ sql: String) throws -> Int {
            try db.transaction(readOnly: true) { s in try s.scalar(sql, as: Int.self) } ?? -1
        }

        func raw(_ sql: String) -> MadoguchiError.Code? {
            do {
                try db.transaction(readOnly: false) { s in _ = try s.execute(sql, []) }
                return nil
            } catch let e as MadoguchiError { return e.code } catch { return MadoguchiError.Code("unexpected") }
        }
    }

    @Test("the network by date: 宮野 closed FY2011, 柿の木's window FY2014, 中央駅 moved, 出張所 → まちづくりセンター, post offices",
          arguments: TestEngines.available)
    func byDate(engine: SQLEngine) async throws {
        let rig = try Rig(engine)
        #expect(try await rig.period("miyano-liaison-office", on: "2012-03-31") != nil)
        #expect(try await rig.period("miyano-liaison-office", on: "2012-04-01") == nil)
        let kakinokiBefore = try #require(try await rig.period("kakinoki-liaison-office", on: "2015-03-31"))
        let kakinokiAfter = try #require(try await rig.period("kakinoki-liaison-office", on: "2015-04-01"))
        #expect(kakinokiBefore.manned && kakinokiBefore.offers(.certificate(.residentRecordCopy)))
        #expect(!kakinokiAfter.manned && kakinokiAfter.menu.isEmpty)
        #expect(kakinokiAfter.decision == FacilityDecision(document: "柿の木連絡所機能再編計画", decidedOn: Self.day("2014-03-27")))
        let corner = try #require(try await rig.period("chuo-station-service-corner", on: "2016-02-21"))
        let moved = try #require(try await rig.period("chuo-station-service-corner", on: "2016-02-22"))
        #expect(corner.address.town == "駅前本町一丁目" && moved.address.town == "駅前本町二丁目" && moved.menu == corner.menu)
        let office = try #require(try await rig.period("nishi-sub-branch-office", on: "2017-03-31"))
        let centre = try #require(try await rig.period("nishi-sub-branch-office", on: "2017-04-01"))
        #expect(office.kind == .subBranchOffice && office.offers(.notification(.birth)) && office.name == "桜台出張所")
        #expect(centre.kind == .communityCenter && !centre.offers(.notification(.birth)) && centre.name == "桜台まちづくりセンター")
        #expect(centre.offers(.certificate(.residentRecordCopy)))
        #expect(try await rig.period("midorigaoka-post-office", on: "2020-09-30") == nil)
        #expect(try await rig.period("midorigaoka-post-office", on: "2020-10-01")?.offers(.certificate(.familyRegisterFull)) == true)
        #expect(try await rig.period("sakura-mall-machine", on: "2019-03-31") != nil)
        #expect(try await rig.period("sakura-mall-machine", on: "2019-04-01") == nil)
        // Counts on a few days: 7 + 2 + 6 + 6 + 2 + 2 machines = 25 in 2010; 27 − 1 − 2 machines = 24 now.
        #expect(try await rig.service.network(on: Self.day("2010-04-01")).count == 25)
        #expect(try await rig.service.network(on: Self.day("2026-11-24")).count == 24)
        #expect(try await rig.service.network(on: Self.day("1971-01-01")).isEmpty)
        let history = try await rig.service.history(of: "kakinoki-liaison-office")
        #expect(history.recorded && history.events.map(\.change) == [.opened, .mannedWindowClosed])
    }

    @Test("recording: a valid change is kept with its row; a rule broken, an unknown facility or a raw edit leaves nothing",
          arguments: TestEngines.available)
    func recording(engine: SQLEngine) async throws {
        let rig = try Rig(engine)
        let service = rig.service
        let today = Self.day("2026-11-24")
        let before = try rig.count("SELECT count(*) FROM facilityEvent")
        // Hostile: a change before the opening's day, and one after a closure.
        for bad in [
            FacilityEvent(facilityId: "kakinoki-liaison-office", change: .closed, effectiveOn: Self.day("1980-04-01"),
                          decision: FacilityDecision(document: "x", decidedOn: Self.day("1980-01-01"))),
            FacilityEvent(facilityId: "miyano-liaison-office", change: .relocated, effectiveOn: Self.day("2020-04-01"),
                          decision: FacilityDecision(document: "x", decidedOn: Self.day("2020-01-01")),
                          address: Address(prefecture: "神奈川県", municipality: "窓口市", ward: "緑区", town: "有馬一丁目", block: "1番地")),
        ] {
            await #expect { try await service.record(bad, today: today, at: Self.at, by: "planner") } throws: { error in
                (error as? MadoguchiError)?.code == .facilityHistoryInvalid
            }
        }
        await #expect { try await service.record(
            FacilityEvent(facilityId: "no-such-place", change: .closed, effectiveOn: today,
                          decision: FacilityDecision(document: "x", decidedOn: today)), today: today, at: Self.at, by: "planner")
        } throws: { error in (error as? MadoguchiError)?.code == .facilityUnknown }
        #expect(try rig.count("SELECT count(*) FROM facilityEvent") == before)

        // A closure decided now for the next fiscal year: recorded, the row says when, and the network knows.
        let closing = FacilityEvent(
            facilityId: "kakinoki-liaison-office", change: .closed, effectiveOn: Self.day("2027-04-01"),
            decision: FacilityDecision(document: "柿の木連絡所の廃止について", decidedOn: Self.day("2026-11-20")))
        try await service.record(closing, today: today, at: Self.at, by: "planner")
        #expect(try rig.count("SELECT count(*) FROM facilityEvent") == before + 1)
        let row = try #require(try await rig.db.facilityNetwork.facilities().first { $0.id == "kakinoki-liaison-office" })
        #expect(row.closedOn == Self.day("2027-04-01") && row.isOperating(on: today) && row.kind == .liaisonOffice)
        #expect(try await rig.period("kakinoki-liaison-office", on: "2027-03-31") != nil)
        #expect(try await rig.period("kakinoki-liaison-office", on: "2027-04-01") == nil)
        // The same day again is refused: one change a day, and nothing after a closure.
        await #expect { try await service.record(closing, today: today, at: Self.at, by: "planner") } throws: { error in
            (error as? MadoguchiError)?.code == .facilityHistoryInvalid
        }

        // A facility without a recorded history (a city from before): its first change comes after the opening its row implies.
        try rig.db.registry.write { w in
            try w.upsert(Facility(
                id: "old-corner", kind: .serviceCorner, name: "旧行政サービスコーナー", ward: "中央区",
                address: Address(prefecture: "神奈川県", municipality: "窓口市", ward: "中央区", town: "本町一丁目", block: "9番地"),
                openedOn: Self.day("1999-04-01")))
        }
        #expect(try await service.history(of: "old-corner").recorded == false)
        try await service.record(
            FacilityEvent(facilityId: "old-corner", change: .converted, effectiveOn: Self.day("2027-04-01"),
                          decision: FacilityDecision(document: "再編方針", decidedOn: Self.day("2026-11-20")), kind: .communityCenter),
            today: today, at: Self.at, by: "planner")
        let old = try await service.history(of: "old-corner")
        #expect(old.recorded && old.events.map(\.change) == [.opened, .converted])
        #expect(old.facility.kind == .serviceCorner, "the row stays as it stands today until the conversion's day")

        // The database keeps the history append-only whoever writes.
        #expect(rig.raw("UPDATE facilityEvent SET decisionDocument = 'x'") == .constraintViolation)
        #expect(rig.raw("DELETE FROM facilityEvent") == .constraintViolation)
        #expect(rig.raw("""
            INSERT INTO facilityEvent (facilityId, change, effectiveOn, decisionDocument, decidedOn, recordedAt, recordedBy)
            VALUES ('kakinoki-liaison-office', 'closed', '2030-04-01', 'x', '2031-01-01', 'now', 'x')
            """) == .constraintViolation, "a decision after its effect is refused by the schema too")
        #expect(rig.raw("UPDATE facility SET kind = 'spaceport' WHERE id = 'old-corner'") == .constraintViolation)
    }

    @Test("a certificate issued at a まちづくりセンター is counted under its kind (the counts' places take the new kinds)",
          arguments: TestEngines.available)
    func countsNewKinds(engine: SQLEngine) async throws {
        let rig = try Rig(engine)
        let issuance = IssuanceService(database: rig.db, clock: Self.clock)
        try issuance.prepareSigning()
        let subject = Int64(try rig.count(
            "SELECT id FROM resident WHERE removedOn IS NULL AND NOT EXISTS (SELECT 1 FROM supportMeasure m WHERE m.subjectId = resident.id) ORDER BY id LIMIT 1"))
        for facility in ["nishi-sub-branch-office", "midorigaoka-post-office"] {
            let outcome = try issuance.issue(IssuanceService.Submission(
                kind: .residentRecordCopy, subjectId: subject, requester: Requester(.self, residentId: subject, identityDocuments: [.myNumberCard]),
                facilityId: facility, options: CertificateOptions(copies: 2)))
            guard case .issued = outcome else { Issue.record("refused at \(facility): \(outcome)"); return }
        }
        #expect(try rig.count("SELECT copies FROM issuanceCount WHERE source = 'ledger' AND place = 'communityCenter'") == 2)
        #expect(try rig.count("SELECT copies FROM issuanceCount WHERE source = 'ledger' AND place = 'postOffice'") == 2)
    }

    @Test("opening hours: the demo's schedules by day, a new schedule and a one-off day recorded, the bad refused, append-only",
          arguments: TestEngines.available)
    func hours(engine: SQLEngine) async throws {
        let rig = try Rig(engine)
        let service = rig.service
        func day(_ text: String) -> CivilDate { Self.day(text) }
        func span(_ text: String) -> OpeningSpan { try! OpeningSpan(text) }
        let (_, week) = try await service.hours(of: "chuo-ward-office", from: day("2026-11-23"), days: 7)
        #expect(week.map(\.spans) == [[], [span("08:30-17:00")], [span("08:30-17:00")], [span("08:30-19:00")], [span("08:30-17:00")], [], []])
        #expect(try await service.hours(of: "chuo-ward-office", from: day("2026-12-13"), days: 1).days[0].spans == [span("09:00-12:00")])
        #expect(try await service.hours(of: "chuo-ward-office", from: day("2027-03-27"), days: 2).days.allSatisfy { $0.spans == [span("09:00-16:00")] })
        #expect(try await service.hours(of: "chuo-ward-office", from: day("2027-02-15"), days: 1).days[0].basis == .exception("庁舎の電気設備点検のため休業"))
        #expect(try await service.hours(of: "higashi-guchi-service-corner", from: day("2026-11-23"), days: 1).days[0].spans == [span("09:00-17:00")])
        let miyano = try await service.hours(of: "miyano-liaison-office", from: day("2012-03-30"), days: 3).days
        #expect(miyano.map(\.basis) == [.regular, .regular, .notOperating], "closed for good from 2012-04-01 (03-31 a Saturday)")
        #expect(miyano[0].isOpen && !miyano[1].isOpen)

        // A new schedule from next April: Fridays to 19:00 too. The same day twice, or a decision after its effect, is refused.
        let friday = HoursPeriod(
            facilityId: "hama-branch-office", effectiveOn: day("2027-04-01"),
            schedule: try .weekdays([span("08:30-17:00")], except: [.friday: [span("08:30-19:00")]]),
            decision: FacilityDecision(document: "支所の開庁時間の拡大について", decidedOn: day("2026-11-20")))
        try await service.record(friday, at: Self.at, by: "planner")
        #expect(try await service.hours(of: "hama-branch-office", from: day("2027-04-02"), days: 1).days[0].spans == [span("08:30-19:00")])
        #expect(try await service.hours(of: "hama-branch-office", from: day("2026-11-27"), days: 1).days[0].spans == [span("08:30-17:00")])
        await #expect { try await service.record(friday, at: Self.at, by: "planner") } throws: { ($0 as? MadoguchiError)?.code == .hoursInvalid }
        var late = friday
        late.effectiveOn = day("2027-05-01")
        late.decision.decidedOn = day("2027-06-01")
        await #expect { try await service.record(late, at: Self.at, by: "planner") } throws: { ($0 as? MadoguchiError)?.code == .hoursInvalid }
        var elsewhere = friday
        elsewhere.facilityId = "atlantis"
        await #expect { try await service.record(elsewhere, at: Self.at, by: "planner") } throws: { ($0 as? MadoguchiError)?.code == .facilityUnknown }

        // A one-off closure, then the same day opened after all: the later record holds, the earlier stays.
        try await service.record(try DayException(facilityId: "hama-branch-office", day: day("2026-12-10"), spans: [], reason: "停電"), at: Self.at, by: "planner")
        #expect(try await service.hours(of: "hama-branch-office", from: day("2026-12-10"), days: 1).days[0].japanese == "休業（停電）")
        try await service.record(
            try DayException(facilityId: "hama-branch-office", day: day("2026-12-10"), spans: [span("13:00-17:00")], reason: "停電は午前のみ"),
            at: Self.at, by: "planner")
        #expect(try await service.hours(of: "hama-branch-office", from: day("2026-12-10"), days: 1).days[0].spans == [span("13:00-17:00")])
        #expect(try rig.count("SELECT count(*) FROM facilityDay WHERE facilityId = 'hama-branch-office'") == 2)

        #expect(rig.raw("UPDATE facilityHours SET decisionDocument = 'x'") == .constraintViolation)
        #expect(rig.raw("DELETE FROM facilityDay") == .constraintViolation)
        #expect(rig.raw("""
            INSERT INTO facilityHours (facilityId, effectiveOn, schedule, decisionDocument, decidedOn, recordedAt, recordedBy)
            VALUES ('hama-branch-office', '2030-04-01', 'not json', 'x', '2030-01-01', 'now', 'x')
            """) == .constraintViolation)
    }

    @Test("the finder on the demo city: Thursday evening at a ward office, Friday evening only corners and stores, 除票 never at a store",
          arguments: TestEngines.available)
    func finder(engine: SQLEngine) async throws {
        let rig = try Rig(engine)
        let service = rig.service
        let home = TownKey(ward: "中央区", town: "本町一丁目")
        func ids(_ answers: [FinderAnswer]) -> [String] {
            answers.map { if case .facility(let p) = $0.place { p.facilityId } else { "stores" } }
        }
        let thursday = try await service.find(.residentRecordCopy, on: Self.day("2026-12-03"), at: TimeOfDay("18:30"), from: home, stores: KioskPolicy())
        #expect(ids(thursday).prefix(2) == ["stores", "chuo-ward-office"] && thursday[1].distanceKm == 0)
        #expect(Set(ids(thursday)).isSuperset(of: ["higashi-ward-office", "chuo-station-service-corner"]))
        #expect(!ids(thursday).contains("midorigaoka-post-office") && !ids(thursday).contains("nishi-sub-branch-office"), "closed at 17:00")
        let distances = thursday.dropFirst().compactMap(\.distanceKm)
        #expect(distances == distances.sorted() && distances.count == thursday.count - 1)
        let friday = try await service.find(.residentRecordCopy, on: Self.day("2026-12-04"), at: TimeOfDay("18:30"), from: home, stores: KioskPolicy())
        #expect(Set(ids(friday)) == Set(["stores"] + ["chuo-station", "higashi-guchi", "nishi-station", "minami-station", "kita-station", "midori-station"].map { "\($0)-service-corner" }))
        let removed = try await service.find(.removedRecord, on: Self.day("2026-12-04"), at: TimeOfDay("10:00"), from: nil, stores: KioskPolicy())
        #expect(!ids(removed).contains("stores") && ids(removed).count == 9, "7 ward offices and 2 branch offices: \(ids(removed))")
        // 2012-03-30, from 宮野一丁目: the 出張所 there first, the liaison office in 宮野二丁目 next; a week later it is gone.
        let miyano = TownKey(ward: "緑区", town: "宮野一丁目")
        let before = try await service.find(.residentRecordCopy, on: Self.day("2012-03-30"), at: TimeOfDay("10:00"), from: miyano, stores: nil)
        let after = try await service.find(.residentRecordCopy, on: Self.day("2012-04-06"), at: TimeOfDay("10:00"), from: miyano, stores: nil)
        #expect(ids(before).prefix(2) == ["midori-sub-branch-office", "miyano-liaison-office"], "\(ids(before))")
        #expect(ids(after).first == "midori-sub-branch-office" && !ids(after).contains("miyano-liaison-office"))
        await #expect { try await service.find(.residentRecordCopy, on: Self.day("2026-12-04"), at: nil, from: TownKey(ward: "中央区", town: "どこか一丁目"), stores: nil) } throws: {
            ($0 as? MadoguchiError)?.code == .unknownTown
        }
    }
}
