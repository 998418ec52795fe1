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
}
