import Foundation

/// A small seeded generator (SplitMix64): the same seed, the same synthetic day on any machine.
public struct SplitMix64: Sendable {
    var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    public mutating func unit() -> Double { Double(next() >> 11) / Double(1 << 53) }

    /// A standard normal draw (Box–Muller).
    public mutating func normal() -> Double {
        let u1 = max(unit(), 1e-12), u2 = unit()
        return (-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2)
    }

    /// A lognormal draw with the given mean and σ of its logarithm.
    public mutating func lognormal(mean: Double, sigma: Double) -> Double {
        mean * exp(sigma * normal() - sigma * sigma / 2)
    }

    /// A Poisson draw: by multiplication of uniforms for small means, by the normal approximation for large ones.
    public mutating func poisson(_ mean: Double) -> Int {
        guard mean > 0 else { return 0 }
        guard mean < 30 else { return max(0, Int((mean + mean.squareRoot() * normal()).rounded())) }
        let limit = exp(-mean)
        var k = 0, p = unit()
        while p > limit { k += 1; p *= unit() }
        return k
    }
}

/// A counter's synthetic ticket history by hour (the demo's past, the forecast's benchmark): how residents come, as
/// counters see it, written independently of the forecast's model so that the model is tested against traffic it does
/// not share the shape of.
///
/// - An ordinary Wednesday draws `ordinaryDay` tickets from 8:30 to 17:00, most 11:00–14:00, with a morning rush at
///   the opening; longer hours (Thursday evenings, a service corner's early mornings) draw a little more.
/// - Mondays and Fridays are busier; the first open day after a weekday holiday far busier; the last two open days of
///   a month, the first of a month and the last days before the year-end closure busier.
/// - The moving season swells smoothly to a peak around 31 March (about 2.4 times an ordinary day), not in weeks.
/// - Traffic falls `yearlyDecline` a year as certificates move to the stores; each day has its own noise (lognormal,
///   σ `dayNoise`), and each hour's tickets are a Poisson draw.
public struct SyntheticArrivals: Sendable {
    public var ordinaryDay: Double
    public var yearlyDecline = 0.04
    public var dayNoise = 0.1

    public init(ordinaryDay: Double) { self.ordinaryDay = ordinaryDay }

    static let weekday: [Double] = [0.9, 1.3, 1.05, 1.0, 1.04, 1.12, 0.9]
    static let month: [Double] = [1, 0.97, 0.92, 1.06, 1.1, 1.0, 0.9, 0.95, 0.97, 0.92, 1.0, 0.93, 1.0]
    /// Weight of each half hour from 8:30 (the busiest 11:00–14:00)
    static let halfHours: [Double] = [1.0, 0.9, 1.0, 1.1, 1.2, 1.3, 1.5, 1.6, 1.6, 1.5, 1.5, 1.4, 1.2, 1.1, 1.0, 0.9, 0.6]

    /// The weight of a minute of the day.
    static func weight(minute: Int) -> Double {
        switch minute {
        case ..<510: 0.45
        case 510..<1020: halfHours[(minute - 510) / 30]
        default: 0.5
        }
    }

    /// The weight of the day up to each minute (prefix sums): a span's weight in two lookups.
    static let cumulative: [Double] = (0...1440).reduce(into: [0.0]) { sums, minute in
        if minute < 1440 { sums.append(sums.last! + weight(minute: minute)) }
    }

    /// A standard day's weight (8:30–17:00).
    static let standardWeight = cumulative[1020] - cumulative[510]

    /// The moving season's swell on a day: 1 far from 31 March, about 2.4 at its peak.
    static func season(_ day: CivilDate) -> Double {
        guard let peak = CivilDate(year: day.year, month: 3, day: 31) else { return 1 }
        let distance = Double(day.dayNumber - peak.dayNumber)
        guard abs(distance) < 30 else { return 1 }
        return 1 + 1.4 * exp(-(distance / 8) * (distance / 8))
    }

    /// The expected tickets of each open hour of `days` (consecutive, as `OpeningHours.days` gives them), before noise,
    /// in order.
    public func expected(_ days: [DayHours]) -> [(hour: ArrivalCount, expected: Double)] {
        let traits = DayTraits.of(days)
        var out: [(hour: ArrivalCount, expected: Double)] = []
        var firstOfMonth = Set<Int>()
        let reference = CivilDate(year: 2025, month: 4, day: 1)!
        for d in days where d.isOpen {
            guard let t = traits[d.date] else { continue }
            var volume = ordinaryDay * Self.weekday[t.weekday.rawValue] * Self.month[t.month] * Self.season(d.date)
            if t.afterHoliday { volume *= 1.35 }
            if t.monthEnd { volume *= 1.2 }
            if firstOfMonth.insert(d.date.year * 100 + d.date.month).inserted { volume *= 1.08 }
            if d.date.month == 12, d.date.day >= 24 { volume *= 1.25 }
            volume *= pow(1 - yearlyDecline, Double(d.date.dayNumber - reference.dayNumber) / 365.25)
            for h in ArrivalForecast.hours(of: d) {
                let w = d.spans.reduce(0.0) { sum, s in
                    let from = max(s.opens.minutes, h * 60), to = min(s.closes.minutes, h * 60 + 60)
                    return to > from ? sum + Self.cumulative[min(to, 1440)] - Self.cumulative[from] : sum
                }
                out.append((ArrivalCount(day: d.date, hour: h, tickets: 0), volume * w / Self.standardWeight))
            }
        }
        return out
    }

    /// Every open hour of `days` with its tickets drawn (zero included), in order.
    public func generate(_ days: [DayHours], seed: UInt64) -> [ArrivalCount] {
        var random = SplitMix64(seed: seed)
        var day: CivilDate?
        var factor = 1.0
        return expected(days).map { e in
            if e.hour.day != day {
                day = e.hour.day
                factor = exp(dayNoise * random.normal() - dayNoise * dayNoise / 2)
            }
            return ArrivalCount(day: e.hour.day, hour: e.hour.hour, tickets: random.poisson(e.expected * factor))
        }
    }
}
