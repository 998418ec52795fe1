import Foundation

/// The clock, injected so tests and demos can fix "now" (`MADOGUCHI_CLOCK=2026-11-24T10:00:00+09:00`).
public struct MadoguchiClock: Sendable {
    public let now: @Sendable () -> Date

    public init(now: @escaping @Sendable () -> Date) { self.now = now }

    public static let system = MadoguchiClock { Date() }

    public static func fixed(_ date: Date) -> MadoguchiClock { MadoguchiClock { date } }

    /// Reads an ISO 8601 instant with offset, e.g. `2026-11-24T10:00:00+09:00`.
    public static func parse(_ text: String) -> MadoguchiClock? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.date(from: text).map(fixed)
    }

    /// A clock that reads `start` now and runs on from there (a demo or test at any hour whose timeouts still
    /// pass): what `MADOGUCHI_CLOCK` sets for a server or hub.
    public static func starting(at start: Date) -> MadoguchiClock {
        let origin = ContinuousClock.now
        return MadoguchiClock {
            let elapsed = ContinuousClock.now - origin
            return start.addingTimeInterval(Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
        }
    }

    /// Today in Japan (JST, UTC+9, no daylight saving).
    public var today: CivilDate { JapanTime.date(of: now()) }
}

public enum JapanTime {
    public static let offsetSeconds = 9 * 3600

    /// The JST calendar date of an instant.
    public static func date(of instant: Date) -> CivilDate {
        let seconds = Int(instant.timeIntervalSince1970.rounded(.down)) + offsetSeconds
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        return CivilDate(dayNumber: days)
    }

    /// The JST minute of the day of an instant (0…1439).
    public static func minuteOfDay(of instant: Date) -> Int {
        let seconds = Int(instant.timeIntervalSince1970.rounded(.down)) + offsetSeconds
        return ((seconds % 86_400) + 86_400) % 86_400 / 60
    }
}
