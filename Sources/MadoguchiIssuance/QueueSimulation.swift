import Foundation
import MadoguchiDomain
import MadoguchiStore

/// Simulated days at a counter, run through the real ``QueueService`` and its database on a simulated clock (issue 14,
/// item 5): residents arrive by the hour's weight of the day and draw tickets (some for several windows in order), the
/// facility's windows call, residents reach the window or do not come, and each service takes a time drawn from its
/// line's distribution. Everything a ticket passes through is recorded as at a real counter, so the day's waits are
/// measured from its events, and the estimate stored at each ticketing is compared with the wait that followed.
///
/// Synthetic, seeded and deterministic: the same seed gives the same day on any machine, however fast.
public struct QueueSimulation: Sendable {
    /// What a day's residents come for.
    public struct Traffic: Sendable {
        /// Tickets drawn for each first line in the day
        public var arrivals: [QueueProcedure: Int]
        /// After a line, the chance of a further window in the same visit (転入 → マイナンバーカード, 国保, 児童手当)
        public var followUps: [QueueProcedure: [(QueueProcedure, Double)]]
        /// Mean service minutes of each line (lognormal, σ 0.45)
        public var serviceMinutes: [QueueProcedure: Double]
        /// Weight of each half hour from 8:30 (arrivals follow it)
        public var halfHourWeights: [Double]
        /// The share of called residents who do not come
        public var noShowRate: Double
        /// Windows opened for the day beyond the facility's own (臨時窓口 in the season), with their lines
        public var extraWindows: [(id: String, skills: [QueueProcedure])] = []

        public init(
            arrivals: [QueueProcedure: Int], followUps: [QueueProcedure: [(QueueProcedure, Double)]],
            serviceMinutes: [QueueProcedure: Double], halfHourWeights: [Double], noShowRate: Double
        ) {
            self.arrivals = arrivals
            self.followUps = followUps
            self.serviceMinutes = serviceMinutes
            self.halfHourWeights = halfHourWeights
            self.noShowRate = noShowRate
        }

        /// 11:00–14:00 the busiest, a morning rush at the opening, a quiet close.
        public static let dayShape: [Double] = [1.0, 0.9, 1.0, 1.1, 1.2, 1.3, 1.5, 1.6, 1.6, 1.5, 1.5, 1.4, 1.2, 1.1, 1.0, 0.9, 0.6]

        /// An ordinary weekday at a 区役所, scaled by `scale`.
        public static func ordinary(scale: Double = 1) -> Traffic {
            Traffic(
                arrivals: scaled([.certificates: 150, .moving: 45, .familyRegister: 18, .sealRegistration: 15, .myNumberCard: 35,
                                  .insurance: 25, .childAllowance: 8], scale),
                followUps: [.moving: [(.myNumberCard, 0.25), (.insurance, 0.2), (.childAllowance, 0.08)]],
                serviceMinutes: [.certificates: 6, .moving: 18, .familyRegister: 14, .sealRegistration: 8, .myNumberCard: 12,
                                 .insurance: 14, .childAllowance: 15, .consultation: 20],
                halfHourWeights: dayShape, noShowRate: 0.03)
        }

        /// A day of the moving season (mid-March to early April): two and a half times the 住所異動, longer services, and
        /// four temporary windows (two for 住所異動, one for マイナンバーカード, one for 国保 and 児童手当), as big wards add
        /// staff then. The counter still queues for hours at the peak.
        public static func movingSeason(scale: Double = 1) -> Traffic {
            var t = ordinary(scale: scale)
            t.arrivals = scaled([.certificates: 230, .moving: 110, .familyRegister: 22, .sealRegistration: 30, .myNumberCard: 35,
                                 .insurance: 25, .childAllowance: 10], scale)
            t.extraWindows = [("9", [.moving]), ("10", [.moving]), ("11", [.myNumberCard]), ("12", [.insurance, .childAllowance])]
            t.serviceMinutes[.moving] = 22
            t.serviceMinutes[.certificates] = 7
            t.followUps = [.moving: [(.myNumberCard, 0.25), (.insurance, 0.2), (.childAllowance, 0.08)]]
            return t
        }

        static func scaled(_ counts: [QueueProcedure: Int], _ scale: Double) -> [QueueProcedure: Int] {
            counts.mapValues { max(1, Int((Double($0) * scale).rounded())) }
        }
    }

    /// One ticket's outcome: what was said at ticketing and what happened.
    public struct Outcome: Sendable, Hashable {
        public var number: String
        public var procedure: QueueProcedure
        public var issuedAt: Date
        /// Ahead in its line when drawn
        public var ahead: Int
        /// The estimate stored at ticketing (minutes)
        public var estimate: Int
        /// The public rule of thumb at ticketing: 10 minutes for every 5 waiting
        public var ruleOfThumb: Int
        /// From drawing to the first call (minutes); nil for a ticket never called
        public var actualWait: Double?
    }

    /// A simulated day's figures.
    public struct DayReport: Sendable {
        public var day: CivilDate
        public var outcomes: [Outcome]
        /// When the last service ended
        public var lastServiceEnded: Date?

        public var measured: [Outcome] { outcomes.filter { $0.actualWait != nil } }
        /// Mean absolute error of the stored estimate (minutes)
        public var estimateError: Double { Self.mean(measured.map { abs(Double($0.estimate) - $0.actualWait!) }) }
        /// Mean absolute error of the rule of thumb (minutes)
        public var ruleError: Double { Self.mean(measured.map { abs(Double($0.ruleOfThumb) - $0.actualWait!) }) }
        public var meanWait: Double { Self.mean(measured.map { $0.actualWait! }) }
        public var longestWait: Double { measured.map { $0.actualWait! }.max() ?? 0 }

        /// The same figures for one line.
        public func line(_ p: QueueProcedure) -> DayReport {
            DayReport(day: day, outcomes: outcomes.filter { $0.procedure == p }, lastServiceEnded: lastServiceEnded)
        }

        static func mean(_ values: [Double]) -> Double { values.isEmpty ? 0 : values.reduce(0, +) / Double(values.count) }
    }

    let database: MadoguchiDatabase
    let facilityId: String
    let time: SimulatedClock
    let queue: QueueService

    /// A simulation at a facility of `database` (its windows as configured, its hours as recorded).
    public init(database: MadoguchiDatabase, facilityId: String, start: Date) {
        self.database = database
        self.facilityId = facilityId
        time = SimulatedClock(start)
        queue = QueueService(database: database, clock: time.clock, cityName: "シミュレーション")
    }

    /// Runs one day: windows open at the opening, arrivals through the day's hours, service until the last ticket is
    /// done (a counter serves everyone who drew a ticket), windows closed after.
    public func run(_ day: CivilDate, traffic: Traffic, seed: UInt64) async throws -> DayReport {
        var random = SplitMix64(seed: seed &* 0x9E37_79B9_7F4A_7C15 &+ UInt64(day.dayNumber))
        let hours = try await queue.network.hours(of: facilityId, from: day, days: 1).days[0]
        guard let opening = hours.spans.first, let closing = hours.spans.last else {
            return DayReport(day: day, outcomes: [], lastServiceEnded: nil)
        }
        let midnight = Self.midnight(day)
        func at(_ minutes: Double) -> Date { midnight.addingTimeInterval(minutes * 60) }
        let open = Double(opening.opens.minutes), close = Double(closing.closes.minutes)

        // The day's visits, by arrival time.
        var visits: [(minute: Double, route: [QueueProcedure])] = []
        let weights = (0..<Int((close - open) / 30)).map { traffic.halfHourWeights[min($0, traffic.halfHourWeights.count - 1)] }
        let totalWeight = weights.reduce(0, +)
        for (first, count) in traffic.arrivals.sorted(by: { $0.key < $1.key }) {
            for _ in 0..<count {
                var pick = random.unit() * totalWeight
                var slot = 0
                while slot < weights.count - 1, pick > weights[slot] { pick -= weights[slot]; slot += 1 }
                let minute = open + Double(slot) * 30 + random.unit() * 29.9
                var route = [first]
                for (next, chance) in traffic.followUps[first] ?? [] where random.unit() < chance && route.count < 4 { route.append(next) }
                visits.append((minute, route))
            }
        }
        visits.sort { $0.minute < $1.minute }

        var events = EventQueue()
        for (i, v) in visits.enumerated() { events.push(v.minute, .arrive(i)) }
        time.set(at(open))
        let own = Set(try await queue.windows(of: facilityId).map(\.window.id))
        for extra in traffic.extraWindows where !own.contains(extra.id) {
            try await queue.configure(facilityId: facilityId, windowId: extra.id, skills: extra.skills, by: "sim-planner")
        }
        // The facility's own windows and today's temporary ones: a temporary window of another day stays shut.
        let temporary = Set(Traffic.movingSeason().extraWindows.map(\.id)), today = Set(traffic.extraWindows.map(\.id))
        let windows = try await queue.windows(of: facilityId).map(\.window).filter { !temporary.contains($0.id) || today.contains($0.id) }
        for w in windows { try await queue.setOpen(true, facilityId: facilityId, windowId: w.id, by: "sim-\(w.id)") }
        var idle = Set(windows.map(\.id))
        var drawn: [String: Outcome] = [:]
        var lastEnd: Date?
        var holding: [String: QueueTicket] = [:]
        func wake(_ minute: Double) { for w in idle.sorted() { events.push(minute, .free(w)) }; idle.removeAll() }

        while let (minute, event) = events.pop() {
            guard minute < 24 * 60 else {
                throw MadoguchiError(.queueInvalid, ja: "模擬日の窓口が深夜までに終わりません（来庁者が多すぎます）", en: "The simulated counter does not finish before midnight: too much traffic for its windows")
            }
            time.set(at(minute))
            switch event {
            case .arrive(let i):
                let (ticket, status) = try await queue.draw(
                    facilityId: facilityId, route: visits[i].route, channel: .entrance, language: "ja", email: nil)
                drawn[ticket.id] = Outcome(
                    number: ticket.number, procedure: ticket.procedure, issuedAt: ticket.issuedAt, ahead: status.ahead,
                    estimate: ticket.estimatedWaitMinutes, ruleOfThumb: WaitEstimate.publicRule(ahead: status.ahead), actualWait: nil)
                wake(minute)
            case .free(let w):
                do {
                    let t = try await queue.callNext(facilityId: facilityId, windowId: w, by: "sim-\(w)")
                    holding[w] = t
                    if t.step == 0, var o = drawn[t.id], o.actualWait == nil {
                        o.actualWait = at(minute).timeIntervalSince(o.issuedAt) / 60
                        drawn[t.id] = o
                    }
                    if random.unit() < traffic.noShowRate {
                        events.push(minute + Double(queue.noShowMinutes), .lapse(w))
                    } else {
                        events.push(minute + 0.5 + random.unit() * 1.5, .reach(w))
                    }
                } catch let e as MadoguchiError where e.code == .queueEmpty {
                    idle.insert(w)
                }
            case .reach(let w):
                _ = try await queue.act(.start, facilityId: facilityId, windowId: w, by: "sim-\(w)")
                let mean = traffic.serviceMinutes[holding[w]?.procedure ?? .certificates] ?? 10
                events.push(minute + random.lognormal(mean: mean, sigma: 0.45), .done(w))
            case .done(let w):
                let t = try await queue.act(.complete, facilityId: facilityId, windowId: w, by: "sim-\(w)")
                lastEnd = at(minute)
                holding[w] = nil
                if t.state == .waiting { wake(minute) }
                events.push(minute + 0.5, .free(w))
            case .lapse(let w):
                // The clerk marks the absent resident when the minutes are up (the sweep would too).
                _ = try await queue.act(.noShow, facilityId: facilityId, windowId: w, by: "sim-\(w)")
                holding[w] = nil
                events.push(minute, .free(w))
            }
        }
        for w in windows { try await queue.setOpen(false, facilityId: facilityId, windowId: w.id, by: "sim-\(w.id)") }
        return DayReport(day: day, outcomes: drawn.values.sorted { $0.issuedAt < $1.issuedAt }, lastServiceEnded: lastEnd)
    }

    /// Whether a day falls in the moving season (15 March to 7 April).
    public static func isMovingSeason(_ day: CivilDate) -> Bool {
        (day.month == 3 && day.day >= 15) || (day.month == 4 && day.day <= 7)
    }

    /// `warmUpDays` open weekdays before `day` (moving-season traffic in the season, ordinary otherwise), then `day`
    /// with moving-season traffic: each day's report and its traffic's name, in order.
    public static func runSeason(
        database: MadoguchiDatabase, facilityId: String, day: CivilDate, warmUpDays: Int, scale: Double, seed: UInt64
    ) async throws -> [(DayReport, String)] {
        let network = FacilityNetworkService(store: database.facilityNetwork)
        var days: [CivilDate] = []
        var d = day.adding(days: -1)
        while days.count < warmUpDays, d.dayNumber > day.dayNumber - 60 {
            let hours = try await network.hours(of: facilityId, from: d, days: 1).days[0]
            if hours.basis == .regular, hours.isOpen { days.insert(d, at: 0) }
            d = d.adding(days: -1)
        }
        var out: [(DayReport, String)] = []
        for current in days + [day] {
            let season = current == day || isMovingSeason(current)
            let simulation = QueueSimulation(database: database, facilityId: facilityId, start: midnight(current))
            let traffic = season ? Traffic.movingSeason(scale: scale) : Traffic.ordinary(scale: scale)
            out.append((try await simulation.run(current, traffic: traffic, seed: seed), season ? "moving season" : "ordinary"))
        }
        return out
    }

    static func midnight(_ day: CivilDate) -> Date {
        Date(timeIntervalSince1970: Double(day.dayNumber * 86_400 - JapanTime.offsetSeconds))
    }

    enum Event: Sendable {
        case arrive(Int)
        case free(String)
        case reach(String)
        case done(String)
        case lapse(String)
    }

    /// The events in time order (a binary heap; ties in the order pushed).
    struct EventQueue {
        var heap: [(minute: Double, order: Int, event: Event)] = []
        var pushed = 0

        mutating func push(_ minute: Double, _ event: Event) {
            heap.append((minute, pushed, event))
            pushed += 1
            var i = heap.count - 1
            while i > 0 {
                let parent = (i - 1) / 2
                guard Self.before(heap[i], heap[parent]) else { break }
                heap.swapAt(i, parent)
                i = parent
            }
        }

        mutating func pop() -> (Double, Event)? {
            guard !heap.isEmpty else { return nil }
            heap.swapAt(0, heap.count - 1)
            let top = heap.removeLast()
            var i = 0
            while true {
                let l = 2 * i + 1, r = l + 1
                var m = i
                if l < heap.count, Self.before(heap[l], heap[m]) { m = l }
                if r < heap.count, Self.before(heap[r], heap[m]) { m = r }
                guard m != i else { break }
                heap.swapAt(i, m)
                i = m
            }
            return (top.minute, top.event)
        }

        static func before(_ a: (minute: Double, order: Int, event: Event), _ b: (minute: Double, order: Int, event: Event)) -> Bool {
            a.minute != b.minute ? a.minute < b.minute : a.order < b.order
        }
    }
}

/// The simulation's clock: it stands where the simulation sets it.
public final class SimulatedClock: @unchecked Sendable {
    private let lock = NSLock()
    private var instant: Date

    public init(_ start: Date) { instant = start }

    public var clock: MadoguchiClock { MadoguchiClock { [self] in lock.withLock { instant } } }
    public func set(_ date: Date) { lock.withLock { instant = date } }
}
