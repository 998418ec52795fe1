import MadoguchiDomain
import MadoguchiStore

/// The facility network over time (issue 14, item 1): what each facility was, offered and where it stood on any day,
/// from its effective-dated events and the decisions behind them. A facility whose history was never recorded (a city
/// upgraded from before the network had one) has the history its row implies: opened with its kind's standard menu,
/// and closed on its closing day if it has one.
public struct FacilityNetworkService: Sendable {
    let store: any FacilityNetworkStore

    public init(store: any FacilityNetworkStore) { self.store = store }

    /// One facility with its history.
    public struct History: Sendable {
        public var facility: Facility
        /// The events, first to last: as recorded, or as the row implies (`recorded` false)
        public var events: [FacilityEvent]
        public var periods: [FacilityPeriod]
        public var recorded: Bool

        /// The period covering `date`, or nil when the facility was not open then.
        public func period(on date: CivilDate) -> FacilityPeriod? { periods.first { $0.covers(date) } }

        /// The day the facility closed, if it did.
        public var closedOn: CivilDate? { events.last { $0.change == .closed }?.effectiveOn }
    }

    /// Every facility's history, in the registry's order (ward, kind, id).
    public func histories() async throws -> [History] {
        let facilities = try await store.facilities()
        let events = Dictionary(grouping: try await store.events(facilityId: nil), by: \.facilityId)
        return try facilities.map { try Self.history($0, events[$0.id] ?? []) }
    }

    /// One facility's history; an unknown id is `facility.unknown`.
    public func history(of id: String) async throws -> History {
        guard let facility = try await store.facilities().first(where: { $0.id == id }) else {
            throw MadoguchiError(.facilityUnknown, ja: "施設が見つかりません: \(id)", en: "No facility \(id)")
        }
        return try Self.history(facility, try await store.events(facilityId: id))
    }

    /// A facility as it stood on a day.
    public struct Standing: Sendable {
        public var facility: Facility
        public var period: FacilityPeriod
    }

    /// The network on `date`: each facility open that day, as it stood. Its history's order is the registry's.
    public func network(on date: CivilDate) async throws -> [Standing] {
        try await histories().compactMap { h in h.period(on: date).map { Standing(facility: h.facility, period: $0) } }
    }

    /// Records a change of the network. The facility's whole history with it must keep the rules of
    /// ``FacilityHistory``; the first change recorded for a facility without a recorded history is preceded by the
    /// opening its row implies. The facility's row follows the history as it stands on `today`.
    public func record(_ event: FacilityEvent, today: CivilDate, at: String, by actor: String) async throws {
        try await store.record(event, at: at, by: actor) { facility, existing in
            let implied = existing.isEmpty && event.change != .opened
            let history = (implied ? Self.implied(facility).filter { $0.change == .opened } : existing) + [event]
            return (implied ? history : [event], try FacilityHistory.row(facility, history, today: today))
        }
    }

    /// A facility's hours day by day from `from`: its schedule and one-off days, and closed (`notOperating`) on a day
    /// it was not open. At most 800 days.
    public func hours(of id: String, from: CivilDate, days: Int) async throws -> (history: History, days: [DayHours]) {
        let history = try await history(of: id)
        let (schedules, exceptions) = try await store.hours(facilityId: id)
        let list = OpeningHours.days(from: from, count: min(max(days, 0), 800), schedules: schedules, exceptions: exceptions).map { day in
            history.period(on: day.date) == nil ? DayHours(date: day.date, spans: [], basis: .notOperating) : day
        }
        return (history, list)
    }

    /// Records a facility's regular hours from a day on. One schedule a facility a day; the decision comes first.
    public func record(_ hours: HoursPeriod, at: String, by actor: String) async throws {
        try await store.record(hours, at: at, by: actor) { _, existing in
            guard hours.decision.decidedOn <= hours.effectiveOn, !hours.decision.document.allSatisfy(\.isWhitespace) else {
                throw MadoguchiError(
                    .hoursInvalid, ja: "開庁時間の変更には、効力の日以前の決定（文書名）が必要です",
                    en: "Hours need a decision (its document) made on or before their first day")
            }
            guard !existing.contains(where: { $0.effectiveOn == hours.effectiveOn }) else {
                throw MadoguchiError(
                    .hoursInvalid, ja: "\(hours.effectiveOn)からの開庁時間は既に記録されています",
                    en: "Hours from \(hours.effectiveOn) are already recorded")
            }
        }
    }

    /// Records a one-off day (closed, or open otherwise); a later record of the same day supersedes it.
    public func record(_ day: DayException, at: String, by actor: String) async throws {
        try await store.record(day, at: at, by: actor) { _ in }
    }

    /// Where a certificate can be had on a day (at a time), nearest first from a 町丁目 (issue 14, item 3): each facility
    /// open that day whose menu then has it and whose hours serve, and the store channel when the city offers the kind
    /// there and its hours serve. An unknown 町丁目 is `finder.unknownTown`.
    public func find(_ kind: CertificateKind, on date: CivilDate, at time: TimeOfDay?, from town: TownKey?, stores: KioskPolicy?)
        async throws -> [FinderAnswer]
    {
        let locations = try await store.townLocations()
        let origin: GeoPoint? = try town.map { t in
            guard let point = locations[t] else {
                throw MadoguchiError(.unknownTown, ja: "町丁目が見つかりません: \(t)", en: "No such town in the city: \(t)")
            }
            return point
        }
        let (schedules, exceptions) = try await store.hours(facilityId: nil)
        let byFacility = Dictionary(grouping: schedules, by: \.facilityId)
        let daysByFacility = Dictionary(grouping: exceptions, by: \.facilityId)
        let candidates = try await histories().compactMap { h -> Finder.Candidate? in
            guard let period = h.period(on: date) else { return nil }
            let hours = OpeningHours.day(date, schedules: byFacility[h.facility.id] ?? [], exceptions: daysByFacility[h.facility.id] ?? [])
            return Finder.Candidate(
                period: period, hours: hours, location: locations[TownKey(ward: period.address.ward, town: period.address.town)])
        }
        return Finder.find(kind, at: time, from: origin, facilities: candidates, stores: stores.map { ($0.kinds, $0.hours.hours(on: date)) })
    }

    /// The city's 町丁目 with a known location, in order.
    public func towns() async throws -> [TownKey] { try await store.townLocations().keys.sorted() }

    /// The history a facility's row implies.
    static func implied(_ facility: Facility) -> [FacilityEvent] {
        var events = [FacilityEvent.opening(of: facility)]
        if let closed = facility.closedOn {
            events.append(
                FacilityEvent(
                    facilityId: facility.id, change: .closed, effectiveOn: closed,
                    decision: FacilityDecision(document: "（記録なし）", decidedOn: closed)))
        }
        return events
    }

    static func history(_ facility: Facility, _ recorded: [FacilityEvent]) throws -> History {
        let events = recorded.isEmpty ? implied(facility) : recorded.sorted { $0.effectiveOn < $1.effectiveOn }
        return History(facility: facility, events: events, periods: try FacilityHistory.periods(events), recorded: !recorded.isEmpty)
    }
}
