import Foundation

/// Certificates issued, counted by facility, channel, kind, month and hour (Japan time): what the ledger says the
/// counters, stores and machines did (issue 14, item 7). Voided and superseded certificates are not counted; a reprint
/// counts once, as the certificate that stands.
public struct IssuanceTally: Sendable, Hashable, Codable {
    public var facilityId: String?
    public var channel: String
    public var kind: String
    /// `2026-11`
    public var month: String
    public var hour: Int
    public var copies: Int

    public init(facilityId: String?, channel: String, kind: String, month: String, hour: Int, copies: Int) {
        self.facilityId = facilityId
        self.channel = channel
        self.kind = kind
        self.month = month
        self.hour = hour
        self.copies = copies
    }
}

/// Tickets, waits and services at a counter, counted by facility, line, window, day and hour, as the tickets' events
/// measured them (issue 14, item 7).
public struct TicketTally: Sendable, Hashable, Codable {
    public var facilityId: String
    public var procedure: QueueProcedure
    /// The window of the services counted (nil for the tickets drawn and their waits, which belong to no window)
    public var windowId: String?
    public var day: CivilDate
    public var hour: Int
    /// Tickets drawn in the hour for the line (their first line)
    public var tickets: Int = 0
    /// Of those, first called, and their waits from drawing (or checking in) to the first call, summed
    public var called: Int = 0
    public var waitMinutes: Double = 0
    /// Services ended in the hour at the window, and their minutes summed
    public var served: Int = 0
    public var serviceMinutes: Double = 0

    public init(facilityId: String, procedure: QueueProcedure, windowId: String?, day: CivilDate, hour: Int) {
        self.facilityId = facilityId
        self.procedure = procedure
        self.windowId = windowId
        self.day = day
        self.hour = hour
    }

    public var meanWait: Double? { called == 0 ? nil : waitMinutes / Double(called) }
    public var meanService: Double? { served == 0 ? nil : serviceMinutes / Double(served) }

    public mutating func add(_ other: TicketTally) {
        tickets += other.tickets
        called += other.called
        waitMinutes += other.waitMinutes
        served += other.served
        serviceMinutes += other.serviceMinutes
    }
}

public enum CounterStatistics {
    /// Tallies a facility's tickets from their events: a ticket's wait is from its drawing (a reservation: its check-in)
    /// to its first call, counted in the hour it was drawn; a service is counted in the hour it ended, at its window.
    public static func tickets(facilityId: String, events: [TicketEvent]) -> [TicketTally] {
        var out: [String: TicketTally] = [:]
        func key(_ p: QueueProcedure, _ w: String?, _ at: Date) -> (String, QueueProcedure, String?, CivilDate, Int) {
            let day = JapanTime.date(of: at), hour = JapanTime.minuteOfDay(of: at) / 60
            return ("\(p.rawValue)|\(w ?? "")|\(day)|\(hour)", p, w, day, hour)
        }
        func update(_ k: (String, QueueProcedure, String?, CivilDate, Int), _ change: (inout TicketTally) -> Void) {
            var t = out[k.0] ?? TicketTally(facilityId: facilityId, procedure: k.1, windowId: k.2, day: k.3, hour: k.4)
            change(&t)
            out[k.0] = t
        }
        var byTicket: [String: [TicketEvent]] = [:]
        for e in events { byTicket[e.ticketId, default: []].append(e) }
        for (_, list) in byTicket {
            let sorted = list.sorted { $0.at < $1.at }
            guard let drawn = sorted.first(where: { $0.kind == .issued || $0.kind == .reserved }) else { continue }
            let drawnKey = key(drawn.procedure, nil, drawn.at)
            update(drawnKey) { $0.tickets += 1 }
            let queued = drawn.kind == .reserved ? sorted.first { $0.kind == .checkedIn }?.at : drawn.at
            if let queued, let call = sorted.first(where: { $0.kind == .called && $0.step == 0 }) {
                update(drawnKey) {
                    $0.called += 1
                    $0.waitMinutes += max(0, call.at.timeIntervalSince(queued)) / 60
                }
            }
            for done in sorted where done.kind == .stepDone {
                guard let seconds = done.serviceSeconds else { continue }
                update(key(done.procedure, done.windowId, done.at)) {
                    $0.served += 1
                    $0.serviceMinutes += seconds / 60
                }
            }
        }
        return out.values.sorted { ($0.day, $0.hour, $0.procedure, $0.windowId ?? "") < ($1.day, $1.hour, $1.procedure, $1.windowId ?? "") }
    }

    /// Sums tallies by a key of one's choosing.
    public static func sum<K: Hashable>(_ tallies: [TicketTally], by key: (TicketTally) -> K) -> [K: TicketTally] {
        var out: [K: TicketTally] = [:]
        for t in tallies {
            let k = key(t)
            if out[k] == nil {
                var zero = t
                (zero.tickets, zero.called, zero.waitMinutes, zero.served, zero.serviceMinutes) = (0, 0, 0, 0, 0)
                out[k] = zero
            }
            out[k]!.add(t)
        }
        return out
    }

    /// Sums issuance by a key of one's choosing.
    public static func sum<K: Hashable>(_ tallies: [IssuanceTally], by key: (IssuanceTally) -> K) -> [K: Int] {
        var out: [K: Int] = [:]
        for t in tallies { out[key(t), default: 0] += t.copies }
        return out
    }
}

/// RFC 4180 CSV for spreadsheets: CRLF, fields quoted when they must be, and a field that a spreadsheet would run as a
/// formula (`=`, `+`, `-`, `@`, a tab or CR first) prefixed with `'` — except a plain number.
public enum CSVText {
    public static func row(_ fields: [String]) -> String { fields.map(field).joined(separator: ",") + "\r\n" }

    public static func field(_ s: String) -> String {
        let number = Double(s) != nil && !s.contains(where: { $0.isLetter })
        let safe = !number && s.first.map { "=+-@\t\r".contains($0) } == true ? "'" + s : s
        return safe.contains(where: { $0 == "," || $0 == "\"" || $0.isNewline }) ? "\"" + safe.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : safe
    }
}
