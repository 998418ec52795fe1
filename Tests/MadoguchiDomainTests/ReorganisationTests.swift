import Foundation
import Testing

@testable import MadoguchiDomain

/// Issue 14, item 8: the what-if's parts — Erlang's formulas and the day's transient queue, the spatial interaction
/// model fitted to the year's figures, and a closure's demand, waits and costs — and its refusals.
@Suite("窓口再編の試算（モデル）")
struct ReorganisationTests {
    @Test("Erlang C against values worked by hand: one window at 80 % waits with probability 0.8; two at one erlang, 1/3")
    func erlang() {
        #expect(abs(ErlangC.waitProbability(servers: 1, load: 0.8)! - 0.8) < 1e-12)
        #expect(abs(ErlangC.waitProbability(servers: 2, load: 1)! - 1.0 / 3) < 1e-12)
        // Erlang B for 3 servers at 2 erlangs: (8/6) / (1 + 2 + 2 + 8/6) = 4/19.
        #expect(abs(ErlangC.blocking(servers: 3, load: 2) - 4.0 / 19) < 1e-12)
        #expect(ErlangC.waitProbability(servers: 2, load: 2) == nil && ErlangC.waitProbability(servers: 0, load: 0.1) == nil)
        #expect(ErlangC.waitProbability(servers: 3, load: 0) == 0)
        // M/M/1 at 80 % with 5-minute services: the steady wait is ρ/(1 − ρ) · 5 = 20 minutes.
        let load = PeakLoad(arrivalsPerHour: 9.6, servers: 1, serviceMinutes: 5)
        #expect(abs(load.steadyWaitMinutes! - 20) < 1e-9 && abs(load.utilisation - 0.8) < 1e-12 && !load.overloaded)
    }

    @Test("the day's queue: a long day reaches Erlang C; an overloaded one grows as its backlog; more load waits longer; none waits nothing")
    func transient() {
        let long = PeakLoad(arrivalsPerHour: 9.6, servers: 1, serviceMinutes: 5, dayMinutes: 30_000)
        #expect(abs(long.closingWaitMinutes - 20) < 0.6, "\(long.closingWaitMinutes)")
        let two = PeakLoad(arrivalsPerHour: 18, servers: 2, serviceMinutes: 5, dayMinutes: 30_000)
        #expect(abs(two.closingWaitMinutes - two.steadyWaitMinutes!) / two.steadyWaitMinutes! < 0.03, "\(two.closingWaitMinutes) vs \(two.steadyWaitMinutes!)")
        // 36 an hour at two windows serving 24: after 8.5 hours about 12 × 8.5 = 102 wait, 102 / 24 hours ≈ 255 minutes.
        let over = PeakLoad(arrivalsPerHour: 36, servers: 2, serviceMinutes: 5, dayMinutes: 510)
        #expect(over.overloaded && over.steadyWaitMinutes == nil)
        #expect(abs(over.closingWaitMinutes - 255) / 255 < 0.05, "\(over.closingWaitMinutes)")
        #expect(over.waitMinutes < over.closingWaitMinutes && over.waitMinutes > over.closingWaitMinutes / 2 * 0.9)
        let waits = [12.0, 20, 24, 28].map { PeakLoad(arrivalsPerHour: $0, servers: 2, serviceMinutes: 5).waitMinutes }
        #expect(zip(waits, waits.dropFirst()).allSatisfy { $0 < $1 }, "\(waits)")
        #expect(PeakLoad(arrivalsPerHour: 0, servers: 2, serviceMinutes: 5).waitMinutes == 0)
    }

    // A small city: three towns on a line 2 km apart, a ward office in the west, a liaison office in the middle, a
    // corner in the east, and the stores.
    static let west = TownKey(ward: "山手区", town: "西一丁目"), middle = TownKey(ward: "山手区", town: "中一丁目"), east = TownKey(ward: "山手区", town: "東一丁目")
    static func point(_ km: Double) -> GeoPoint { GeoPoint(latitude: 35.5, longitude: 139.6 + km / 90.6) }
    static let locations: [TownKey: GeoPoint] = [west: point(0), middle: point(2), east: point(4)]
    static let towns = [
        DemandModel.Town(key: west, location: point(0), residents: 3000), DemandModel.Town(key: middle, location: point(2), residents: 1000),
        DemandModel.Town(key: east, location: point(4), residents: 2000),
    ]
    static let common: Set<CertificateKind> = [.residentRecordCopy, .residentRecordExtract, .sealRegistrationCertificate, .taxCertificate]

    static func figures(_ id: String?, _ n: Int, staff: Int, premises: Int, per: Int = 0) -> AnnualServiceFigures {
        AnnualServiceFigures(fiscalYear: FiscalYear(2014), facilityId: id, certificates: n, staffYen: staff, premisesYen: premises, perCertificateYen: per)
    }

    static var places: [ReorganisationWhatIf.Place] {
        [
            .init(id: "ward", name: "山手区役所", kind: .wardOffice, location: point(0), kinds: Set(CertificateKind.allCases),
                  figures: figures("ward", 30_000, staff: 40_000_000, premises: 9_000_000), openMinutes: 120_000, certificateServers: 2,
                  serviceMinutes: 5, peakShare: 0.0008),
            .init(id: "liaison", name: "中連絡所", kind: .liaisonOffice, location: point(2), kinds: common,
                  figures: figures("liaison", 2_600, staff: 8_400_000, premises: 2_200_000), openMinutes: 120_000),
            .init(id: "corner", name: "東行政サービスコーナー", kind: .serviceCorner, location: point(4), kinds: common,
                  figures: figures("corner", 15_000, staff: 19_000_000, premises: 7_000_000), openMinutes: 180_000, certificateServers: 2,
                  serviceMinutes: 5, peakShare: 0.0009),
            .init(id: DemandModel.Place.storesId, name: "コンビニ", kind: nil, location: nil, kinds: common,
                  figures: figures(nil, 10_000, staff: 0, premises: 2_000_000, per: 117)),
        ]
    }

    static func run(_ changes: [ReorganisationChange], decay: Double = 1.0, places: [ReorganisationWhatIf.Place] = places) throws
        -> ReorganisationWhatIf.Outcome
    {
        try ReorganisationWhatIf.run(
            fiscalYear: FiscalYear(2014), places: places, towns: towns, townLocations: locations, kindMix: DemandModel.standardMix,
            decayPerKm: decay, changes: changes)
    }

    @Test("fitted to the year: each place's modelled certificates are its figures, and the city's total is kept")
    func calibration() throws {
        let o = try Self.run([.hours(facilityId: "ward", try HoursChange("sat closed"))])
        for r in o.rows {
            let observed = Double(Self.places.first { $0.id == r.id }!.figures!.certificates)
            #expect(abs(r.before - observed) / observed < 0.002, "\(r.id): \(r.before) vs \(observed)")
        }
        #expect(abs(o.total.before - 57_600) < 1 && abs(o.total.after - 57_600) < 1)
    }

    @Test("closing the liaison office (柿生's decision): its certificates go to the nearer places first, none is lost, its cost goes")
    func closure() throws {
        let o = try Self.run([.closeMannedWindow(facilityId: "liaison")])
        let row = Dictionary(uniqueKeysWithValues: o.rows.map { ($0.id, $0) })
        #expect(row["liaison"]!.after == 0 && row["liaison"]!.costAfterYen == 0)
        let gained = ["ward", "corner", "stores"].map { row[$0]!.after - row[$0]!.before }
        #expect(gained.allSatisfy { $0 > 0 } && abs(gained.reduce(0, +) - row["liaison"]!.before) < 1, "\(gained)")
        #expect(o.unservedAfter < 0.001 && abs(o.total.after - o.total.before) < 1)
        // Who used it: the middle town most.
        #expect(row["liaison"]!.topTowns.first?.town == "山手区中一丁目")
        // The receiving counters' waits grow; the saving is the liaison's ¥10.6 million.
        #expect(row["ward"]!.peakAfter!.waitMinutes > row["ward"]!.peakBefore!.waitMinutes)
        #expect(abs((o.total.costBeforeYen - o.total.costAfterYen) - (10_600_000 - 117 * gained[2])) < 1)
        #expect(o.receivers.first.map { ["ward", "corner", "stores"].contains($0.id) } == true)
        // A stronger pull of distance makes the other counters, 2 km away, count for less against the stores at hand:
        // more of the liaison's certificates go to the stores.
        let steep = try Self.run([.closeMannedWindow(facilityId: "liaison")], decay: 2)
        let steepStores = steep.rows.first { $0.id == "stores" }!
        #expect(steepStores.after - steepStores.before > gained[2], "\(steepStores.after - steepStores.before) vs \(gained[2])")
        // The channels: counters lose what the stores gain, the stores' cost a certificate falls with volume.
        let stores = o.channels.first { $0.channel == .stores }!
        #expect(stores.after > stores.before && stores.perCertificateAfter! < stores.perCertificateBefore!)
    }

    @Test("other changes: a kind only the closed place offered goes unserved; longer hours draw more and cost more staff; a new corner draws from its town")
    func otherChanges() throws {
        // The ward office is the only place with 戸籍: closing it leaves that demand unserved.
        let closed = try Self.run([.close(facilityId: "ward")])
        #expect(closed.unservedAfter > 1000)
        // The service counts the minutes open over the year with the new hours; here, half as many again.
        let places = Self.places.map { p -> ReorganisationWhatIf.Place in
            var q = p
            if p.id == "corner" { q.changedOpenMinutes = 270_000 }
            return q
        }
        let longer = try Self.run([.hours(facilityId: "corner", try HoursChange("weekdays 07:30-21:00"))], places: places)
        let corner = longer.rows.first { $0.id == "corner" }!
        #expect(corner.after > corner.before)
        #expect(abs(corner.costAfterYen - 19_000_000 * 1.5 - 7_000_000) < 1, "the staff cost scales with the minutes open (180,000 → 270,000 here)")
        let opened = try Self.run([.open(id: "new-corner", kind: .serviceCorner, name: "中駅行政サービスコーナー", town: Self.middle, fixedYen: 20_000_000)])
        let new = opened.rows.first { $0.id == "new-corner" }!
        #expect(new.before == 0 && new.after > 0 && new.peakAfter != nil && abs(new.costAfterYen - 20_000_000) < 1)
        let liaison = opened.rows.first { $0.id == "liaison" }!
        #expect(liaison.after < liaison.before)
        // Converted to a まちづくりセンター: the same certificates, the same channel.
        let converted = try Self.run([.convert(facilityId: "liaison", kind: .communityCenter)])
        #expect(converted.channels.map(\.channel) == [.counter, .stores])
    }

    @Test("refusals: an unknown place, two changes to one, a taken id, an unknown town, the same kind, a decay out of range, unreadable codes")
    func refusals() throws {
        func code(_ changes: [ReorganisationChange], decay: Double = 1) -> MadoguchiError.Code? {
            do {
                _ = try Self.run(changes, decay: decay)
                return nil
            } catch let e as MadoguchiError { return e.code } catch { return nil }
        }
        #expect(code([.close(facilityId: "nowhere")]) == .reorganisationInvalid)
        #expect(code([.close(facilityId: DemandModel.Place.storesId)]) == .reorganisationInvalid)
        #expect(code([.close(facilityId: "ward"), .convert(facilityId: "ward", kind: .branchOffice)]) == .reorganisationInvalid)
        #expect(code([.open(id: "ward", kind: .serviceCorner, name: "x", town: Self.middle, fixedYen: nil)]) == .reorganisationInvalid)
        #expect(code([.open(id: "n", kind: .serviceCorner, name: "x", town: TownKey(ward: "山手区", town: "どこにも無い町"), fixedYen: nil)]) == .unknownTown)
        #expect(code([.open(id: "n", kind: .serviceCorner, name: " ", town: Self.middle, fixedYen: nil)]) == .reorganisationInvalid)
        #expect(code([.convert(facilityId: "ward", kind: .wardOffice)]) == .reorganisationInvalid)
        #expect(code([.close(facilityId: "liaison")], decay: -1) == .reorganisationInvalid)
        #expect(code([.close(facilityId: "liaison")], decay: 9) == .reorganisationInvalid)
        let withoutFigures = Self.places.map { p -> ReorganisationWhatIf.Place in var q = p; q.figures = nil; return q }
        #expect(throws: MadoguchiError.self) {
            try ReorganisationWhatIf.run(
                fiscalYear: FiscalYear(2014), places: withoutFigures, towns: Self.towns, townLocations: Self.locations,
                kindMix: [:], decayPerKm: 1, changes: [])
        }
        for bad in ["", "close", "close:", "remove:ward", "convert:ward:castle", "open:n:serviceCorner:名:区", "hours:ward:everyday 08:00-20:00",
                    "hours:ward:weekdays 20:00-08:00", "close:ward office", "open:n:serviceCorner:名:区:町:-5"] {
            #expect(throws: MadoguchiError.self, "\(bad)") { try ReorganisationChange(code: bad) }
        }
        for good in ["close:ward", "close-window:kakinoki-liaison-office", "convert:x:communityCenter", "hours:x:weekdays 08:30-19:00, sat 09:00-12:00",
                     "open:n:serviceCorner:中駅コーナー:山手区:中一丁目:20000000", "open:n:serviceCorner:中駅コーナー:山手区:中一丁目"] {
            #expect(try ReorganisationChange(code: good).code == good)
        }
        #expect(throws: MadoguchiError.self) {
            try AnnualServiceFigures(fiscalYear: FiscalYear(2014), facilityId: "x", certificates: -1, staffYen: 0, premisesYen: 0, perCertificateYen: 0).validated()
        }
    }
}
