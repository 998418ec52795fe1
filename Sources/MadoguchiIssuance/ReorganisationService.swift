import Foundation
import MadoguchiDomain
import MadoguchiStore

/// The reorganisation what-if (issue 14, item 8): close or convert a facility, close its manned window, change its
/// hours or open a new one, and see where its certificates go, the waits at the receiving counters in the peak and the
/// cost per certificate by channel, before and after. ADR 0014 has the model and its assumptions.
///
/// What it reads:
/// - the network as it stood on the base day (``FacilityNetworkService/network(on:)``) and each facility's hours over
///   the year from the day after;
/// - the places' yearly figures (certificates and costs) of the latest fiscal year with figures, not after the base
///   day's;
/// - the registry's residents by 町丁目 now (the only count the city keeps; for a base day years ago it stands for
///   the distribution then) and where each 町丁目 is;
/// - the ledger's mix of certificate kinds in that year (the standard mix when it has fewer than 1,000);
/// - each counter's windows today, its measured service time for certificates and the shape of its ticket history
///   over the last year (the peak hours' share of the year's tickets).
public struct ReorganisationService: Sendable {
    let figures: any ServiceFiguresStore
    let queues: any QueueStore
    let statistics: any StatisticsStore
    let network: FacilityNetworkService
    let clock: MadoguchiClock

    public init(database: MadoguchiDatabase, clock: MadoguchiClock) {
        figures = database.serviceFigures
        queues = database.queues
        statistics = database.statistics
        network = FacilityNetworkService(store: database.facilityNetwork)
        self.clock = clock
    }

    /// A what-if to run: the base day, the changes, and β.
    public struct Scenario: Sendable, Hashable, Codable {
        public var baseDay: CivilDate
        public var changes: [ReorganisationChange]
        public var decayPerKm: Double

        public init(baseDay: CivilDate, changes: [ReorganisationChange], decayPerKm: Double = DemandModel.defaultDecayPerKm) {
            self.baseDay = baseDay
            self.changes = changes
            self.decayPerKm = decayPerKm
        }
    }

    public struct Report: Sendable, Codable, Hashable {
        public var scenario: Scenario
        public var outcome: ReorganisationWhatIf.Outcome
        /// Recorded changes of the replayed day that the what-if cannot weigh (a relocation, a menu change)
        public var notReplayed: [String]
    }

    /// The scenario of a recorded day of the network: the changes that took effect on `day` (closures, manned windows
    /// closed, conversions), weighed against the network of the day before, and what of that day it cannot weigh.
    public func replay(_ day: CivilDate) async throws -> (Scenario, notReplayed: [String]) {
        var changes: [ReorganisationChange] = []
        var skipped: [String] = []
        for h in try await network.histories() {
            for e in h.events where e.effectiveOn == day {
                switch e.change {
                case .closed: changes.append(.close(facilityId: e.facilityId))
                case .mannedWindowClosed: changes.append(.closeMannedWindow(facilityId: e.facilityId))
                case .converted: if let k = e.kind { changes.append(.convert(facilityId: e.facilityId, kind: k)) }
                case .opened, .relocated, .menuChanged: skipped.append("\(e.facilityId)（\(e.change.japanese)）")
                }
            }
        }
        guard !changes.isEmpty else {
            throw MadoguchiError(
                .reorganisationInvalid, ja: "\(day)に効力を生じた廃止・有人窓口の廃止・転換の記録がありません",
                en: "No closure, manned window closure or conversion took effect on \(day)")
        }
        return (Scenario(baseDay: day.adding(days: -1), changes: changes), skipped)
    }

    /// Runs a scenario.
    public func run(_ scenario: Scenario, stores: KioskPolicy? = KioskPolicy(), notReplayed: [String] = []) async throws -> Report {
        let base = scenario.baseDay
        let years = try await figures.figureYears()
        guard let year = years.last(where: { $0 <= FiscalYear(containing: base) }) else {
            throw MadoguchiError(
                .reorganisationNoFigures, ja: "\(base)以前の年度の施設別の実績（証明書件数・経費）がありません",
                en: "No yearly figures (certificates and costs) by place for a year up to \(base)")
        }
        let yearFigures = try await figures.figures(fiscalYear: year)
        let byFacility = Dictionary(yearFigures.compactMap { f in f.facilityId.map { ($0, f) } }, uniquingKeysWith: { a, _ in a })
        let locations = try await network.store.townLocations()
        let residents = try await figures.residentsByTown()
        let towns = residents.compactMap { key, n in locations[key].map { DemandModel.Town(key: key, location: $0, residents: n) } }
            .sorted { $0.key < $1.key }
        let today = clock.today
        let (schedules, exceptions) = try await network.store.hours(facilityId: nil)
        let schedulesOf = Dictionary(grouping: schedules, by: \.facilityId)
        let exceptionsOf = Dictionary(grouping: exceptions, by: \.facilityId)
        let hoursChange = Dictionary(scenario.changes.compactMap { c -> (String, HoursChange)? in
            if case .hours(let id, let h) = c { (id, h) } else { nil }
        }, uniquingKeysWith: { a, _ in a })
        let first = base.adding(days: 1)

        var places: [ReorganisationWhatIf.Place] = []
        for standing in try await network.network(on: base) {
            let p = standing.period, id = standing.facility.id
            let kinds = Set(p.menu.compactMap { s -> CertificateKind? in if case .certificate(let k) = s { k } else { nil } })
            guard !kinds.isEmpty else { continue }
            let own = schedulesOf[id] ?? [], days = exceptionsOf[id] ?? []
            let year = OpeningHours.days(from: first, count: 365, schedules: own, exceptions: days)
            let open = Self.openMinutes(year)
            let openDays = year.filter(\.isOpen).count
            var changed: Double?
            if let h = hoursChange[id] {
                let standard = try HoursSchedule.weekdays([try OpeningSpan("08:30-17:00")])
                let current = own.filter { $0.effectiveOn <= first }.max { $0.effectiveOn < $1.effectiveOn }?.schedule ?? standard
                let replaced = HoursPeriod(
                    facilityId: id, effectiveOn: first, schedule: try h.applied(to: current),
                    decision: FacilityDecision(document: "what-if", decidedOn: first))
                changed = Self.openMinutes(OpeningHours.days(
                    from: first, count: 365, schedules: own.filter { $0.effectiveOn < first } + [replaced], exceptions: days))
            }
            let windows = try await queues.day(facilityId: id, day: today).windows.filter { $0.skills.contains(.certificates) }
            let share = windows.reduce(0.0) { $0 + 1 / Double(max($1.skills.count, 1)) }
            let measured = try await queues.serviceTimes(facilityId: id, from: today.adding(days: -365), through: today)[.certificates]
            places.append(ReorganisationWhatIf.Place(
                id: id, name: p.name, kind: p.kind, location: locations[TownKey(ward: p.address.ward, town: p.address.town)], kinds: kinds,
                figures: byFacility[id], openMinutes: open, changedOpenMinutes: changed,
                certificateServers: windows.isEmpty ? nil : max(1, Int(share.rounded(.down))),
                serviceMinutes: WaitEstimate.serviceMinutes(.certificates, measured: measured),
                peakShare: windows.isEmpty ? nil : try await peakShare(id, today: today),
                dayMinutes: openDays > 0 ? open / Double(openDays) : 510))
        }
        if let stores, let storeFigures = yearFigures.first(where: { $0.facilityId == nil }) {
            places.append(ReorganisationWhatIf.Place(
                id: DemandModel.Place.storesId, name: "コンビニエンスストア（マイナンバーカード）", kind: nil, location: nil,
                kinds: Set(stores.kinds), figures: storeFigures))
        }
        let outcome = try ReorganisationWhatIf.run(
            fiscalYear: year, places: places, towns: towns, townLocations: locations, kindMix: try await kindMix(year),
            decayPerKm: scenario.decayPerKm, changes: scenario.changes)
        return Report(scenario: scenario, outcome: outcome, notReplayed: notReplayed)
    }

    /// Minutes open over the days.
    static func openMinutes(_ days: [DayHours]) -> Double {
        Double(days.reduce(0) { sum, d in sum + d.spans.reduce(0) { $0 + $1.closes.minutes - $1.opens.minutes } })
    }

    /// The peak season's share of a year's tickets at a facility: the mean tickets an hour over the moving season's
    /// hours with tickets, over the tickets of the 365 days before today; nil with fewer than 1,000 tickets.
    func peakShare(_ facilityId: String, today: CivilDate) async throws -> Double? {
        let counts = try await queues.arrivals(facilityId: facilityId, from: today.adding(days: -365), through: today.adding(days: -1))
        let total = counts.reduce(0) { $0 + $1.tickets }
        guard total >= 1000 else { return nil }
        var hours = 0, season = 0
        for c in counts where DayTraits.movingWeek(c.day) > 0 && c.tickets > 0 {
            hours += 1
            season += c.tickets
        }
        guard hours > 0 else { return nil }
        return Double(season) / Double(hours) / Double(total)
    }

    /// The certificate kinds' shares in the ledger over the fiscal year, or the standard mix with fewer than 1,000.
    func kindMix(_ year: FiscalYear) async throws -> [CertificateKind: Double] {
        let tallies = try await statistics.issuance(from: year.firstDay, through: year.lastDay, facilityId: nil)
        var mix: [CertificateKind: Double] = [:]
        for t in tallies { if let k = CertificateKind(rawValue: t.kind) { mix[k, default: 0] += Double(t.copies) } }
        return mix.values.reduce(0, +) >= 1000 ? mix : DemandModel.standardMix
    }
}
