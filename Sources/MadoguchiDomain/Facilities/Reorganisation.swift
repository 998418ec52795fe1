import Foundation

/// A place's figures for a fiscal year (issue 14, item 8): certificates issued there and what it cost. A facility's
/// costs are what its certificate work costs the city: the staff at its windows and its premises (rent, upkeep), plus a
/// commission per certificate where someone issues on the city's behalf (a post office). The store channel's figures
/// (no facility) are its fixed yearly charges (the system, J-LIS) and the commission per copy paid to the stores.
public struct AnnualServiceFigures: Hashable, Sendable, Codable {
    public var fiscalYear: FiscalYear
    /// Nil for the store channel
    public var facilityId: String?
    public var certificates: Int
    public var staffYen: Int
    public var premisesYen: Int
    public var perCertificateYen: Int

    public init(fiscalYear: FiscalYear, facilityId: String?, certificates: Int, staffYen: Int, premisesYen: Int, perCertificateYen: Int) {
        self.fiscalYear = fiscalYear
        self.facilityId = facilityId
        self.certificates = certificates
        self.staffYen = staffYen
        self.premisesYen = premisesYen
        self.perCertificateYen = perCertificateYen
    }

    /// The fixed part of the year's cost (yen).
    public var fixedYen: Int { staffYen + premisesYen }

    /// Refuses figures that cannot be: a year outside 1950–2100, a negative count or amount.
    public func validated() throws -> Self {
        guard (1950...2100).contains(fiscalYear.startYear), certificates >= 0, staffYen >= 0, premisesYen >= 0, perCertificateYen >= 0 else {
            throw MadoguchiError(
                .serviceFiguresInvalid, ja: "年度の実績を読めません（\(facilityId ?? "コンビニ交付")、\(fiscalYear)）: 件数と金額は0以上です",
                en: "Unreadable yearly figures (\(facilityId ?? "stores"), \(fiscalYear)): counts and amounts are 0 or more")
        }
        return self
    }
}

/// The waits at a counter on a day of the peak season: `servers` windows each serving in `serviceMinutes` on average
/// (exponential), tickets arriving at `arrivalsPerHour` (Poisson) through a day of `dayMinutes` that opens with no one
/// waiting, first come first served (an M/M/c queue over a finite day).
///
/// The state probabilities over the day come from the birth–death chain's forward equations, integrated in small
/// steps; a ticket drawn at time t that finds n ≥ c in the system waits (n − c + 1) / (cμ) on average, and arrivals see
/// the chain as it is (PASTA). So `waitMinutes` is the mean wait of the day's tickets and `closingWaitMinutes` that of the
/// last ticket drawn, both finite whatever the load: an overloaded counter (utilisation ≥ 1) has a backlog that grows
/// through the day instead of a steady state. `steadyWaitMinutes` is Erlang C's steady state, for comparison (nil when
/// overloaded); a long enough day reaches it.
public struct PeakLoad: Hashable, Sendable, Codable {
    public var arrivalsPerHour: Double
    public var servers: Int
    public var serviceMinutes: Double
    public var dayMinutes: Double
    public var utilisation: Double
    public var waitMinutes: Double
    public var closingWaitMinutes: Double
    public var steadyWaitMinutes: Double?

    public var overloaded: Bool { utilisation >= 1 }

    public init(arrivalsPerHour: Double, servers: Int, serviceMinutes: Double, dayMinutes: Double = 510) {
        self.arrivalsPerHour = arrivalsPerHour
        self.servers = max(servers, 1)
        self.serviceMinutes = serviceMinutes
        self.dayMinutes = dayMinutes
        let c = Double(self.servers)
        let lambda = arrivalsPerHour / 60, mu = 1 / serviceMinutes
        utilisation = lambda / (c * mu)
        let load = lambda * serviceMinutes
        steadyWaitMinutes = ErlangC.waitProbability(servers: self.servers, load: load).map { $0 * serviceMinutes / (c - load) }
        (waitMinutes, closingWaitMinutes) = Self.transient(lambda: lambda, mu: mu, servers: self.servers, minutes: dayMinutes)
    }

    /// The mean wait over the day and at its end (minutes), by explicit steps of the forward equations.
    static func transient(lambda: Double, mu: Double, servers c: Int, minutes: Double) -> (Double, Double) {
        guard lambda > 0, minutes > 0 else { return (0, 0) }
        // Enough states that the chain almost never reaches the last: the arrivals of the day and a margin.
        let expected = lambda * minutes
        let size = c + Int(expected + 8 * expected.squareRoot()) + 20
        var p = [Double](repeating: 0, count: size + 1)
        var next = p
        p[0] = 1
        let capacity = Double(c) * mu
        let dt = min(0.5 / (lambda + capacity), minutes / 200)
        let steps = Int((minutes / dt).rounded(.up))
        let h = minutes / Double(steps)
        func wait(_ p: [Double], through top: Int) -> Double {
            var w = 0.0
            if top >= c { for n in c...top { w += p[n] * Double(n - c + 1) } }
            return w / capacity
        }
        var integral = 0.0
        var previous = 0.0
        // The highest state with any mass: the chain climbs one state a step at most, so the rest stays zero.
        // (Every state above `top` is zero in both arrays.)
        var top = 0
        for _ in 0..<steps {
            top = min(top + 1, size)
            for n in 0...top {
                let down = Double(min(n, c)) * mu
                var v = p[n] * (1 - h * ((n < size ? lambda : 0) + down))
                if n > 0 { v += p[n - 1] * h * lambda }
                if n < size { v += p[n + 1] * h * Double(min(n + 1, c)) * mu }
                next[n] = v
            }
            swap(&p, &next)
            // States past the tail's last 1e-15 of probability are dropped (set to zero): the chain's mass sits within a
            // few hundred states of its mean.
            while top > c && p[top] < 1e-15 {
                p[top] = 0
                next[top] = 0
                top -= 1
            }
            let current = wait(p, through: top)
            integral += (previous + current) / 2 * h
            previous = current
        }
        return (integral / minutes, previous)
    }
}

/// Erlang's formulas for c servers and an offered load of `a` erlangs (λ/μ).
public enum ErlangC {
    /// Erlang B (the blocking probability), by the stable recursion B(0) = 1, B(k) = aB(k−1) / (k + aB(k−1)).
    public static func blocking(servers c: Int, load a: Double) -> Double {
        var b = 1.0
        if c > 0 { for k in 1...c { b = a * b / (Double(k) + a * b) } }
        return b
    }

    /// Erlang C: the probability that a ticket waits; nil when the load reaches the servers (no steady state).
    public static func waitProbability(servers c: Int, load a: Double) -> Double? {
        guard c > 0, a < Double(c) else { return nil }
        guard a > 0 else { return 0 }
        let b = blocking(servers: c, load: a)
        return Double(c) * b / (Double(c) - a * (1 - b))
    }
}

/// Where residents go for a certificate: a production-constrained spatial interaction (Huff) model.
///
/// Each 町丁目's demand for each kind is the city's yearly certificates shared by its residents and the city's kind mix.
/// A resident of town t chooses among the places whose menu has the kind with probability A_j·exp(−β·d_tj) / Σ over those
/// places; the store channel is everywhere (d = 0) for the kinds on its menu. The attractiveness A_j is fitted so that
/// the model gives each place the certificates it issued in the base year (balancing, as in a doubly constrained model);
/// β, the distance decay per kilometre, cannot be told from yearly totals alone and is a parameter.
public struct DemandModel: Sendable {
    public struct Town: Sendable, Hashable {
        public var key: TownKey
        public var location: GeoPoint
        public var residents: Int

        public init(key: TownKey, location: GeoPoint, residents: Int) {
            self.key = key
            self.location = location
            self.residents = residents
        }
    }

    public struct Place: Sendable, Hashable {
        /// A facility id, or ``Place/storesId``
        public var id: String
        /// Nil for the stores: they are in every 町丁目
        public var location: GeoPoint?
        public var kinds: Set<CertificateKind>

        public static let storesId = "stores"

        public init(id: String, location: GeoPoint?, kinds: Set<CertificateKind>) {
            self.id = id
            self.location = location
            self.kinds = kinds
        }
    }

    public var towns: [Town]
    /// The share of each kind in the city's certificates (sums to 1)
    public var kindMix: [CertificateKind: Double]
    /// β, per kilometre
    public var decayPerKm: Double

    public static let defaultDecayPerKm = 1.0

    /// The mix when the ledger has too few certificates to tell: 住民票 the half, then 印鑑, tax and 戸籍.
    public static let standardMix: [CertificateKind: Double] = [
        .residentRecordCopy: 0.50, .residentRecordExtract: 0.03, .removedRecord: 0.02, .sealRegistrationCertificate: 0.20,
        .taxCertificate: 0.12, .familyRegisterFull: 0.08, .familyRegisterIndividual: 0.03, .familyRegisterAnnex: 0.02,
    ]

    public init(towns: [Town], kindMix: [CertificateKind: Double], decayPerKm: Double) {
        self.towns = towns
        let total = kindMix.values.reduce(0, +)
        self.kindMix = total > 0 ? kindMix.mapValues { $0 / total } : Self.standardMix
        self.decayPerKm = decayPerKm
    }

    func decay(_ town: Town, _ place: Place) -> Double {
        guard let l = place.location else { return 1 }
        return exp(-decayPerKm * town.location.distanceKm(to: l))
    }

    /// The model over a list of places, by index: each town's decay to each place, each town's demand by kind (as a
    /// share of the city's), and which places offer each kind. Fitting runs hundreds of rounds over it.
    struct Indexed {
        let decay: [[Double]]
        let demand: [[Double]]
        let offers: [[Int]]

        init(_ model: DemandModel, _ places: [Place]) {
            let residents = Double(model.towns.reduce(0) { $0 + $1.residents })
            let kinds = model.kindMix.filter { $0.value > 0 }.sorted { $0.key.rawValue < $1.key.rawValue }
            decay = model.towns.map { t in places.map { model.decay(t, $0) } }
            demand = model.towns.map { t in kinds.map { residents > 0 ? Double(t.residents) / residents * $0.value : 0 } }
            offers = kinds.map { k in places.indices.filter { places[$0].kinds.contains(k.key) } }
        }

        /// Certificates by place for a city total, by town and place when `byTown`, and the demand no place serves.
        func flows(_ a: [Double], total: Double, byTown: Bool) -> (byPlace: [Double], byTown: [[Double]], unserved: Double) {
            var byPlace = [Double](repeating: 0, count: a.count)
            var towns: [[Double]] = []
            var unserved = 0.0
            var weights = [Double](repeating: 0, count: a.count)
            for (t, decays) in decay.enumerated() {
                var row = [Double](repeating: 0, count: byTown ? a.count : 0)
                for j in a.indices { weights[j] = a[j] * decays[j] }
                for (k, places) in offers.enumerated() {
                    let d = total * demand[t][k]
                    guard d > 0 else { continue }
                    var sum = 0.0
                    for j in places { sum += weights[j] }
                    guard sum > 0 else { unserved += d; continue }
                    for j in places where weights[j] > 0 {
                        let f = d * weights[j] / sum
                        byPlace[j] += f
                        if byTown { row[j] += f }
                    }
                }
                if byTown { towns.append(row) }
            }
            return (byPlace, towns, unserved)
        }
    }

    /// Yearly certificates by place (and by town and place), and the demand no place serves, for a city total of `total`.
    public func flows(_ places: [Place], attractiveness: [String: Double], total: Double) -> (byPlace: [String: Double], byTown: [String: [TownKey: Double]], unserved: Double) {
        guard towns.contains(where: { $0.residents > 0 }) else { return ([:], [:], total) }
        let f = Indexed(self, places).flows(places.map { attractiveness[$0.id] ?? 0 }, total: total, byTown: true)
        var byPlace: [String: Double] = [:]
        var byTown: [String: [TownKey: Double]] = [:]
        for (j, p) in places.enumerated() where f.byPlace[j] > 0 {
            byPlace[p.id] = f.byPlace[j]
            var share: [TownKey: Double] = [:]
            for (t, town) in towns.enumerated() where f.byTown[t][j] > 0 { share[town.key] = f.byTown[t][j] }
            byTown[p.id] = share
        }
        return (byPlace, byTown, f.unserved)
    }

    /// The attractiveness that reproduces each place's observed certificates (balancing: A_j ← A_j · observed / modelled,
    /// until every place is within 0.1 % or 2,000 rounds). A place that issued nothing gets 0.
    public func calibrate(_ places: [Place], observed: [String: Double]) -> [String: Double] {
        let total = observed.values.reduce(0, +)
        let indexed = Indexed(self, places)
        let target = places.map { observed[$0.id] ?? 0 }
        var a = target.map { $0 > 0 ? 1.0 : 0.0 }
        for _ in 0..<2000 {
            let modelled = indexed.flows(a, total: total, byTown: false).byPlace
            var worst = 0.0
            for j in a.indices where a[j] > 0 && modelled[j] > 0 {
                worst = max(worst, abs(modelled[j] - target[j]) / target[j])
                a[j] *= target[j] / modelled[j]
            }
            // Keep the scale fixed (the model is invariant to it).
            let scale = a.max() ?? 1
            if scale > 0 { for j in a.indices { a[j] /= scale } }
            if worst < 0.001 { break }
        }
        return Dictionary(uniqueKeysWithValues: zip(places.map(\.id), a))
    }
}

/// A change to weigh (issue 14, item 8): close a facility, close its manned window, convert it to another kind, change
/// its weekday or weekend hours, or open a new one (a 行政サービスコーナー, say) in a 町丁目.
public enum ReorganisationChange: Hashable, Sendable, Codable {
    case close(facilityId: String)
    case closeMannedWindow(facilityId: String)
    case convert(facilityId: String, kind: FacilityKind)
    /// The facility's hours from the day after the base date, as `HoursChange` says
    case hours(facilityId: String, HoursChange)
    /// A new facility of `kind` with the kind's standard menu, at a 町丁目, with the yearly fixed cost given (nil: the
    /// median of the city's facilities of the kind)
    case open(id: String, kind: FacilityKind, name: String, town: TownKey, fixedYen: Int?)

    public var facilityId: String {
        switch self {
        case .close(let id), .closeMannedWindow(let id), .convert(let id, _), .hours(let id, _), .open(let id, _, _, _, _): id
        }
    }

    /// 廃止, 有人窓口の廃止, …
    public var japanese: String {
        switch self {
        case .close: "廃止"
        case .closeMannedWindow: "有人窓口の廃止"
        case .convert(_, let kind): "\(kind.japanese)へ転換"
        case .hours(_, let h): "開庁時間の変更（\(h.description)）"
        case .open(_, let kind, let name, let town, _): "\(kind.japanese)「\(name)」を\(town)に開設"
        }
    }

    public var english: String {
        switch self {
        case .close: "close"
        case .closeMannedWindow: "close the manned window"
        case .convert(_, let kind): "convert to a \(kind.english)"
        case .hours(_, let h): "change hours (\(h.description))"
        case .open(_, let kind, let name, let town, _): "open a \(kind.english) \(name) at \(town)"
        }
    }
}

extension ReorganisationChange {
    /// A change written as text, for a form, a link or the command line: `close:ID`, `close-window:ID`,
    /// `convert:ID:KIND`, `hours:ID:weekdays 08:30-19:00, sat 09:00-12:00`, `open:ID:KIND:NAME:WARD:TOWN[:YEN]`.
    public init(code: String) throws {
        let parts = code.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
        let rest = parts.count == 2 ? parts[1].split(separator: ":", omittingEmptySubsequences: false).map(String.init) : []
        func bad() -> MadoguchiError {
            MadoguchiError(
                .reorganisationInvalid,
                ja: "変更を読めません: \(code)（close:ID、close-window:ID、convert:ID:種別、hours:ID:weekdays 08:30-19:00、open:ID:種別:名称:区:町丁目[:年間経費]）",
                en: "Unreadable change: \(code) (close:ID, close-window:ID, convert:ID:KIND, hours:ID:weekdays 08:30-19:00, open:ID:KIND:NAME:WARD:TOWN[:YEN])")
        }
        func id(_ text: String) throws -> String {
            let t = text.trimmingCharacters(in: .whitespaces)
            guard !t.isEmpty, t.count <= 100, t.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }) else { throw bad() }
            return t
        }
        switch (parts[0], rest.count) {
        case ("close", 1): self = .close(facilityId: try id(rest[0]))
        case ("close-window", 1): self = .closeMannedWindow(facilityId: try id(rest[0]))
        case ("convert", 2):
            guard let kind = FacilityKind(rawValue: rest[1]) else { throw bad() }
            self = .convert(facilityId: try id(rest[0]), kind: kind)
        case ("hours", 2...):
            // A span has its own colons: the hours are the rest of the text after the id.
            self = .hours(facilityId: try id(rest[0]), try HoursChange(rest.dropFirst().joined(separator: ":")))
        case ("open", 5), ("open", 6):
            guard let kind = FacilityKind(rawValue: rest[1]), !rest[2].allSatisfy(\.isWhitespace), rest[2].count <= 100 else { throw bad() }
            var yen: Int?
            if rest.count == 6 {
                guard let y = Int(rest[5]), y >= 0 else { throw bad() }
                yen = y
            }
            self = .open(id: try id(rest[0]), kind: kind, name: rest[2], town: TownKey(ward: rest[3], town: rest[4]), fixedYen: yen)
        default: throw bad()
        }
    }

    /// The text ``init(code:)`` reads.
    public var code: String {
        switch self {
        case .close(let id): "close:\(id)"
        case .closeMannedWindow(let id): "close-window:\(id)"
        case .convert(let id, let kind): "convert:\(id):\(kind.rawValue)"
        case .hours(let id, let h): "hours:\(id):\(h.description)"
        case .open(let id, let kind, let name, let town, let yen): "open:\(id):\(kind.rawValue):\(name):\(town.ward):\(town.town)" + (yen.map { ":\($0)" } ?? "")
        }
    }
}

/// New hours for some days of a facility's week: `weekdays 08:30-19:00, sat 09:00-12:00, sun closed`. Days not named
/// keep their hours.
public struct HoursChange: Hashable, Sendable, Codable, CustomStringConvertible {
    /// Spans by weekday (Sunday 0), for the days named
    public var days: [Int: [OpeningSpan]]
    public var description: String

    public init(_ text: String) throws {
        var days: [Int: [OpeningSpan]] = [:]
        let names: [String: [Int]] = [
            "weekdays": [1, 2, 3, 4, 5], "weekends": [0, 6], "sun": [0], "mon": [1], "tue": [2], "wed": [3], "thu": [4], "fri": [5], "sat": [6],
        ]
        for part in text.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) where !part.isEmpty {
            let words = part.split(separator: " ").map(String.init)
            guard words.count == 2, let which = names[words[0].lowercased()] else {
                throw MadoguchiError(
                    .hoursInvalid, ja: "時間の変更を読めません: \(part)（例 weekdays 08:30-19:00, sat 09:00-12:00, sun closed）",
                    en: "Unreadable hours change: \(part) (e.g. weekdays 08:30-19:00, sat 09:00-12:00, sun closed)")
            }
            let spans = words[1] == "closed" ? [] : [try OpeningSpan(words[1])]
            for d in which { days[d] = spans }
        }
        guard !days.isEmpty else {
            throw MadoguchiError(.hoursInvalid, ja: "変更する曜日と時間がありません", en: "No days and hours to change")
        }
        self.days = days
        description = text.trimmingCharacters(in: .whitespaces)
    }

    /// `schedule` with the named days changed.
    public func applied(to schedule: HoursSchedule) throws -> HoursSchedule {
        var weekly = schedule.weekly
        for (d, spans) in days { weekly[d] = spans }
        return try HoursSchedule(weekly: weekly, monthly: schedule.monthly, holidays: schedule.holidays, yearEndClosure: schedule.yearEndClosure)
    }
}

extension MadoguchiError.Code {
    public static let serviceFiguresInvalid = Self("reorganisation.figuresInvalid")
    public static let reorganisationInvalid = Self("reorganisation.invalid")
    public static let reorganisationNoFigures = Self("reorganisation.noFigures")
}

/// How a place issues: at a city window (counter), from a machine, at a post office on the city's behalf, or at the
/// stores with the My Number card.
public enum ReorganisationChannel: String, Sendable, Codable, CaseIterable {
    case counter, machine, postOffice, stores

    public init(_ kind: FacilityKind?) {
        switch kind {
        case nil: self = .stores
        case .automaticMachine: self = .machine
        case .postOffice: self = .postOffice
        default: self = .counter
        }
    }

    public var japanese: String {
        switch self {
        case .counter: "窓口（区役所・支所・センター・コーナー等）"
        case .machine: "自動交付機"
        case .postOffice: "郵便局"
        case .stores: "コンビニ交付"
        }
    }

    public var english: String {
        switch self {
        case .counter: "counters (ward offices, branches, centres, corners)"
        case .machine: "automatic machines"
        case .postOffice: "post offices"
        case .stores: "stores"
        }
    }
}

/// A reorganisation what-if (issue 14, item 8): the network as it stood on a base day with its figures for a fiscal
/// year, the changes to weigh, and what follows: where the certificates go (``DemandModel``), the waits at the
/// receiving counters in the peak of the moving season (``PeakLoad``), and the cost per certificate by channel.
public enum ReorganisationWhatIf {
    /// A place of the base network, as the service found it.
    public struct Place: Sendable {
        public var id: String
        public var name: String
        /// Nil for the stores
        public var kind: FacilityKind?
        public var location: GeoPoint?
        public var kinds: Set<CertificateKind>
        public var figures: AnnualServiceFigures?
        /// Minutes open in the year from the base day (nil for the stores); with a change of hours, the new ones
        public var openMinutes: Double?
        public var changedOpenMinutes: Double?
        /// Windows serving certificates, counted by their share of the lines they serve, rounded down (nil: no queue)
        public var certificateServers: Int?
        public var serviceMinutes: Double
        /// The moving season's mean tickets an hour (over its hours with tickets) as a share of the year's tickets, from
        /// the facility's history (nil: none)
        public var peakShare: Double?
        /// The mean minutes open on an open day
        public var dayMinutes: Double

        public init(
            id: String, name: String, kind: FacilityKind?, location: GeoPoint?, kinds: Set<CertificateKind>, figures: AnnualServiceFigures?,
            openMinutes: Double? = nil, changedOpenMinutes: Double? = nil, certificateServers: Int? = nil, serviceMinutes: Double = 5,
            peakShare: Double? = nil, dayMinutes: Double = 510
        ) {
            self.dayMinutes = dayMinutes
            self.id = id
            self.name = name
            self.kind = kind
            self.location = location
            self.kinds = kinds
            self.figures = figures
            self.openMinutes = openMinutes
            self.changedOpenMinutes = changedOpenMinutes
            self.certificateServers = certificateServers
            self.serviceMinutes = serviceMinutes
            self.peakShare = peakShare
        }
    }

    public struct Row: Sendable, Codable, Hashable {
        public var id: String
        public var name: String
        public var kind: FacilityKind?
        public var channel: ReorganisationChannel
        /// The change made to it, if any
        public var change: ReorganisationChange?
        /// Yearly certificates before and after (modelled; before reproduces the year's figures)
        public var before: Double
        public var after: Double
        public var costBeforeYen: Double
        public var costAfterYen: Double
        public var peakBefore: PeakLoad?
        public var peakAfter: PeakLoad?
        /// The 町丁目 whose residents brought it most of its certificates before, with their yearly certificates
        public var topTowns: [TownShare]
    }

    public struct TownShare: Sendable, Codable, Hashable {
        public var town: String
        public var certificates: Double
    }

    public struct ChannelRow: Sendable, Codable, Hashable {
        public var channel: ReorganisationChannel
        public var before: Double
        public var after: Double
        public var costBeforeYen: Double
        public var costAfterYen: Double

        public var perCertificateBefore: Double? { before > 0 ? costBeforeYen / before : nil }
        public var perCertificateAfter: Double? { after > 0 ? costAfterYen / after : nil }
    }

    public struct Outcome: Sendable, Codable, Hashable {
        public var fiscalYear: FiscalYear
        public var decayPerKm: Double
        public var rows: [Row]
        public var channels: [ChannelRow]
        /// Places of the base network left out for want of the year's figures
        public var withoutFigures: [String]
        /// Certificates a year that no place offers after the changes
        public var unservedAfter: Double

        public var total: ChannelRow {
            ChannelRow(
                channel: .counter, before: channels.reduce(0) { $0 + $1.before }, after: channels.reduce(0) { $0 + $1.after },
                costBeforeYen: channels.reduce(0) { $0 + $1.costBeforeYen }, costAfterYen: channels.reduce(0) { $0 + $1.costAfterYen })
        }

        /// The rows whose certificates grow, most first: where the demand went.
        public var receivers: [Row] { rows.filter { $0.after - $0.before >= 0.5 }.sorted { $0.after - $0.before > $1.after - $1.before } }
    }

    /// Runs the what-if. `places` is the base network (with the stores when they serve); `changes` are checked against
    /// it: a change names a place of the base network (or a new id, to open), once. The kind mix and towns make the
    /// ``DemandModel``.
    public static func run(
        fiscalYear: FiscalYear, places: [Place], towns: [DemandModel.Town], townLocations: [TownKey: GeoPoint],
        kindMix: [CertificateKind: Double], decayPerKm: Double, changes: [ReorganisationChange]
    ) throws -> Outcome {
        guard decayPerKm >= 0, decayPerKm <= 5 else {
            throw MadoguchiError(.reorganisationInvalid, ja: "距離減衰は0から5（1kmあたり）の間です", en: "The distance decay is between 0 and 5 per km")
        }
        var seen = Set<String>()
        for c in changes {
            guard seen.insert(c.facilityId).inserted else {
                throw MadoguchiError(
                    .reorganisationInvalid, ja: "同じ施設に二つの変更はできません: \(c.facilityId)", en: "One change a facility: \(c.facilityId)")
            }
            let exists = places.contains { $0.id == c.facilityId && $0.kind != nil }
            if case .open = c {
                guard !exists, !places.contains(where: { $0.id == c.facilityId }) else {
                    throw MadoguchiError(.reorganisationInvalid, ja: "その施設IDは既にあります: \(c.facilityId)", en: "The facility id is taken: \(c.facilityId)")
                }
            } else if !exists {
                throw MadoguchiError(
                    .reorganisationInvalid, ja: "基準日に開いていない施設です: \(c.facilityId)", en: "Not a facility open on the base day: \(c.facilityId)")
            }
            if case .convert(let id, let kind) = c, places.first(where: { $0.id == id })?.kind == kind {
                throw MadoguchiError(.reorganisationInvalid, ja: "今と同じ種別には転換できません: \(id)", en: "A conversion needs another kind: \(id)")
            }
            if case .open(_, let kind, let name, let town, let fixed) = c {
                guard townLocations[town] != nil else {
                    throw MadoguchiError(.unknownTown, ja: "町丁目が見つかりません: \(town)", en: "No such town in the city: \(town)")
                }
                guard !name.allSatisfy(\.isWhitespace), (fixed ?? 0) >= 0, kind != .postOffice else {
                    throw MadoguchiError(
                        .reorganisationInvalid, ja: "開設には名称と0以上の費用が必要です（郵便局は開設できません）",
                        en: "An opening needs a name and a cost of 0 or more (a post office cannot be opened)")
                }
            }
        }
        let withFigures = places.filter { $0.figures != nil }
        guard !withFigures.isEmpty else {
            throw MadoguchiError(
                .reorganisationNoFigures, ja: "\(fiscalYear)の施設別の実績（証明書件数・経費）がありません",
                en: "No yearly figures (certificates and costs) by place for \(fiscalYear)")
        }
        let model = DemandModel(towns: towns, kindMix: kindMix, decayPerKm: decayPerKm)
        func modelPlace(_ p: Place) -> DemandModel.Place { DemandModel.Place(id: p.id, location: p.location, kinds: p.kinds) }
        let observed = Dictionary(uniqueKeysWithValues: withFigures.map { ($0.id, Double($0.figures!.certificates)) })
        let total = observed.values.reduce(0, +)
        let fitted = model.calibrate(withFigures.map(modelPlace), observed: observed)
        let before = model.flows(withFigures.map(modelPlace), attractiveness: fitted, total: total)

        // The network after the changes.
        let changeOf = Dictionary(uniqueKeysWithValues: changes.map { ($0.facilityId, $0) })
        func median(_ xs: [Double]) -> Double? {
            let s = xs.sorted()
            return s.isEmpty ? nil : s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
        }
        func sameKind(_ kind: FacilityKind) -> [Place] { withFigures.filter { $0.kind == kind } }
        var afterPlaces: [Place] = []
        var afterA: [String: Double] = [:]
        for p in withFigures {
            var q = p
            var a = fitted[p.id] ?? 0
            switch changeOf[p.id] {
            case .close?, .closeMannedWindow?: continue
            case .convert(_, let kind)?:
                q.kind = kind
                q.kinds = Set(FacilityService.standardMenu(kind).compactMap { if case .certificate(let k) = $0 { k } else { nil } })
                if !kind.hasCityStaff { q.certificateServers = nil }
            case .hours?:
                if let old = p.openMinutes, old > 0, let new = p.changedOpenMinutes { a *= new / old }
            default: break
            }
            afterPlaces.append(q)
            afterA[p.id] = a
        }
        var opened: [String: (place: Place, fixed: Double, perCertificate: Double)] = [:]
        for case .open(let id, let kind, let name, let town, let fixed) in changes {
            let peers = sameKind(kind)
            let pool = peers.isEmpty ? withFigures.filter { $0.kind != nil } : peers
            let place = Place(
                id: id, name: name, kind: kind, location: townLocations[town],
                kinds: Set(FacilityService.standardMenu(kind).compactMap { if case .certificate(let k) = $0 { k } else { nil } }),
                figures: nil, certificateServers: kind.hasCityStaff ? Int(median(pool.compactMap { $0.certificateServers.map(Double.init) }) ?? 1) : nil,
                serviceMinutes: median(pool.map(\.serviceMinutes)) ?? QueueProcedure.certificates.typicalServiceMinutes,
                peakShare: median(pool.compactMap(\.peakShare)), dayMinutes: median(pool.map(\.dayMinutes)) ?? 510)
            afterPlaces.append(place)
            afterA[id] = median(pool.compactMap { fitted[$0.id] }) ?? 1
            opened[id] = (place, fixed.map(Double.init) ?? median(pool.map { Double($0.figures!.fixedYen) }) ?? 0,
                          median(pool.map { Double($0.figures!.perCertificateYen) }) ?? 0)
        }
        let after = model.flows(afterPlaces.map(modelPlace), attractiveness: afterA, total: total)

        // The peak-hour share of a place without history: its kind's median, else the city's.
        let cityPeak = median(withFigures.compactMap(\.peakShare))
        func peak(_ p: Place, certificates: Double) -> PeakLoad? {
            guard let servers = p.certificateServers, let share = p.peakShare ?? median(sameKind(p.kind ?? .wardOffice).compactMap(\.peakShare)) ?? cityPeak
            else { return nil }
            return PeakLoad(arrivalsPerHour: certificates * share, servers: servers, serviceMinutes: p.serviceMinutes, dayMinutes: p.dayMinutes)
        }
        func topTowns(_ id: String) -> [TownShare] {
            (before.byTown[id] ?? [:]).sorted { $0.value > $1.value }.prefix(5).map { TownShare(town: $0.key.description, certificates: $0.value) }
        }
        var rows: [Row] = []
        for p in withFigures {
            let f = p.figures!
            let b = before.byPlace[p.id] ?? 0, a = after.byPlace[p.id] ?? 0
            let costBefore = Double(f.fixedYen) + Double(f.perCertificateYen) * b
            let change = changeOf[p.id]
            var costAfter: Double
            switch change {
            case .close?, .closeMannedWindow?: costAfter = 0
            case .hours?:
                let ratio = p.openMinutes.flatMap { old in p.changedOpenMinutes.map { old > 0 ? $0 / old : 1 } } ?? 1
                costAfter = Double(f.staffYen) * ratio + Double(f.premisesYen) + Double(f.perCertificateYen) * a
            default: costAfter = Double(f.fixedYen) + Double(f.perCertificateYen) * a
            }
            let q = afterPlaces.first { $0.id == p.id }
            rows.append(Row(
                id: p.id, name: p.name, kind: p.kind, channel: ReorganisationChannel(p.kind), change: change, before: b, after: a,
                costBeforeYen: costBefore, costAfterYen: costAfter, peakBefore: peak(p, certificates: b),
                peakAfter: q.flatMap { peak($0, certificates: a) }, topTowns: change == nil ? [] : topTowns(p.id)))
        }
        for case .open(let id, _, _, _, _) in changes {
            let o = opened[id]!
            let a = after.byPlace[id] ?? 0
            rows.append(Row(
                id: id, name: o.place.name, kind: o.place.kind, channel: ReorganisationChannel(o.place.kind), change: changeOf[id], before: 0,
                after: a, costBeforeYen: 0, costAfterYen: o.fixed + o.perCertificate * a, peakBefore: nil, peakAfter: peak(o.place, certificates: a),
                topTowns: []))
        }
        // A conversion may move a place to another channel: the channel after is the kind after.
        var channels: [ReorganisationChannel: ChannelRow] = [:]
        for r in rows {
            let kindAfter: FacilityKind? = if case .convert(_, let k)? = r.change { k } else { r.kind }
            channels[r.channel, default: ChannelRow(channel: r.channel, before: 0, after: 0, costBeforeYen: 0, costAfterYen: 0)].before += r.before
            channels[r.channel]!.costBeforeYen += r.costBeforeYen
            let c = ReorganisationChannel(kindAfter)
            channels[c, default: ChannelRow(channel: c, before: 0, after: 0, costBeforeYen: 0, costAfterYen: 0)].after += r.after
            channels[c]!.costAfterYen += r.costAfterYen
        }
        return Outcome(
            fiscalYear: fiscalYear, decayPerKm: decayPerKm, rows: rows,
            channels: ReorganisationChannel.allCases.compactMap { channels[$0] },
            withoutFigures: places.filter { $0.figures == nil }.map(\.id), unservedAfter: after.unserved)
    }
}
