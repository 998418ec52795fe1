import Foundation

/// How long a ticket will wait: from the measured service times of its line and the windows serving it.
///
/// A line's service time is the mean of the measured ones (a step's start to its end), drawn towards the line's typical
/// time while few are measured (as if `priorWeight` typical services had been seen). The line's capacity is the windows
/// serving it, each counted by the share of its lines that have someone waiting; closed windows count only when none
/// is open (before the counter opens). The wait is the work ahead (the tickets ahead, and half a service for a window
/// busy now) spread over that capacity; a ticket that an idle window will take at once waits nothing.
public enum WaitEstimate {
    /// How many typical services the prior counts for.
    public static let priorWeight = 5.0

    /// What was measured of a line: how many services, and their total (minutes).
    public struct Measured: Sendable, Hashable {
        public var count: Int
        public var totalMinutes: Double

        public init(count: Int, totalMinutes: Double) {
            self.count = count
            self.totalMinutes = totalMinutes
        }
    }

    /// The mean service time of a line (minutes) from what was measured.
    public static func serviceMinutes(_ procedure: QueueProcedure, measured: Measured?) -> Double {
        (procedure.typicalServiceMinutes * priorWeight + (measured?.totalMinutes ?? 0)) / (priorWeight + Double(measured?.count ?? 0))
    }

    /// The mean service time of a line (minutes) from single measurements.
    public static func serviceMinutes(_ procedure: QueueProcedure, measured: [Double]) -> Double {
        serviceMinutes(procedure, measured: Measured(count: measured.count, totalMinutes: measured.reduce(0, +)))
    }

    /// The windows serving a line, counted by their shares.
    public static func capacity(_ procedure: QueueProcedure, windows: [QueueWindow], busyLines: Set<QueueProcedure>) -> Double {
        let open = windows.filter(\.isOpen)
        let serving = (open.contains { $0.skills.contains(procedure) } ? open : windows).filter { $0.skills.contains(procedure) }
        return serving.reduce(0) { sum, w in
            let shared = Set(w.skills).intersection(busyLines.union([procedure])).count
            return sum + 1 / Double(max(shared, 1))
        }
    }

    /// The estimated wait (whole minutes, rounded up) with `ahead` tickets ahead in a line and `idle` open windows for it
    /// holding no ticket: those take the first `idle` tickets at once.
    public static func minutes(ahead: Int, serviceMinutes: Double, capacity: Double, idle: Int = 0) -> Int {
        guard ahead >= idle else { return 0 }
        guard capacity > 0 else { return Int((Double(ahead + 1) * serviceMinutes).rounded(.up)) }
        return Int(((Double(ahead - idle) + 0.5) * serviceMinutes / capacity).rounded(.up))
    }

    /// The public rule of thumb the counters post: 10 minutes for every 5 waiting.
    public static func publicRule(ahead: Int) -> Int { ahead * 2 }
}
