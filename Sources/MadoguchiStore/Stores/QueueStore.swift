import Foundation
import MadoguchiDomain

/// A facility's queue on one day, as a change sees it: its windows, the tickets still in play, the last number drawn of
/// each letter, and the version (how many changes the day has had).
public struct QueueDay: Sendable {
    public var facilityId: String
    public var day: CivilDate
    public var windows: [QueueWindow]
    /// Reserved, waiting, called, serving and parked tickets
    public var active: [QueueTicket]
    /// The last sequence drawn of each letter today
    public var lastSequence: [String: Int]
    public var version: Int

    public init(facilityId: String, day: CivilDate, windows: [QueueWindow], active: [QueueTicket], lastSequence: [String: Int], version: Int) {
        self.facilityId = facilityId
        self.day = day
        self.windows = windows
        self.active = active
        self.lastSequence = lastSequence
        self.version = version
    }
}

/// A window's configuration, opening or closing, as the window log keeps it.
public struct WindowLogEntry: Sendable, Hashable {
    public enum Change: String, Sendable { case configured, opened, closed }
    public var window: QueueWindow
    public var change: Change
    public var at: Date
    public var actor: String

    public init(window: QueueWindow, change: Change, at: Date, actor: String) {
        self.window = window
        self.change = change
        self.at = at
        self.actor = actor
    }
}

/// An e-mail to send (an alert of a ticket), as the outbox keeps it.
public struct OutboundMail: Sendable, Hashable {
    public var id: Int64?
    public var ticketId: String?
    public var recipient: String
    public var subject: String
    public var body: String
    public var createdAt: Date
    public var attempts: Int

    public init(id: Int64? = nil, ticketId: String?, recipient: String, subject: String, body: String, createdAt: Date, attempts: Int = 0) {
        self.id = id
        self.ticketId = ticketId
        self.recipient = recipient
        self.subject = subject
        self.body = body
        self.createdAt = createdAt
        self.attempts = attempts
    }
}

/// What one change of a day's queue writes: tickets (new or changed), their events, windows (new or changed) with
/// their log, and mail to send.
public struct QueueChange: Sendable {
    public var tickets: [QueueTicket] = []
    public var events: [TicketEvent] = []
    public var windows: [WindowLogEntry] = []
    public var mail: [OutboundMail] = []

    public init(tickets: [QueueTicket] = [], events: [TicketEvent] = [], mail: [OutboundMail] = []) {
        self.tickets = tickets
        self.events = events
        self.mail = mail
    }

    public var isEmpty: Bool { tickets.isEmpty && events.isEmpty && windows.isEmpty && mail.isEmpty }
}

/// The counter's queues: tickets as they stand, every state they passed through, the windows, the outbox.
public protocol QueueStore: Sendable {
    /// A facility's day: windows, the tickets still in play, the numbers drawn, the version.
    func day(facilityId: String, day: CivilDate) async throws -> QueueDay
    /// The version of a facility's day (0 before its first change): what a display board watches.
    func version(facilityId: String, day: CivilDate) async throws -> Int
    /// A ticket by its secret.
    func ticket(id: String) async throws -> QueueTicket?
    /// A ticket's history, first to last.
    func events(ticketId: String) async throws -> [TicketEvent]
    /// Every event of a facility's tickets from one day to another (inclusive), by time.
    func events(facilityId: String, from: CivilDate, through: CivilDate) async throws -> [TicketEvent]
    /// The service times measured at a facility from one day to another (inclusive), by line.
    func serviceTimes(facilityId: String, from: CivilDate, through: CivilDate) async throws -> [QueueProcedure: WaitEstimate.Measured]
    /// Every ticket of a facility from one day to another (inclusive), by day and time drawn.
    func tickets(facilityId: String, from: CivilDate, through: CivilDate) async throws -> [QueueTicket]
    /// The facilities with tickets still in play on a day.
    func facilitiesWithActiveTickets(day: CivilDate) async throws -> [String]
    /// Changes a facility's day in one transaction, serialised with every other change of that day (on every server):
    /// `body` sees the day and answers with what to write (it throws to refuse, and nothing is written).
    func change<T: Sendable>(facilityId: String, day: CivilDate, _ body: @escaping @Sendable (QueueDay) throws -> (QueueChange, T)) async throws -> T
    /// Tickets drawn at a facility by day and hour (Japan time) from one day to another (inclusive): a day's own tickets
    /// where it has any, else the history recorded for it. Hours without a ticket are not listed.
    func arrivals(facilityId: String, from: CivilDate, through: CivilDate) async throws -> [ArrivalCount]
    /// Records a facility's hourly ticket counts from before its tickets here (the previous system's), all or nothing: a
    /// day recorded again is replaced whole.
    func recordArrivalHistory(facilityId: String, _ counts: [ArrivalCount], source: String, at: Date) async throws
    /// The same for several facilities in one transaction: an unknown facility or a bad count writes nothing.
    func recordArrivalHistory(_ counts: [String: [ArrivalCount]], source: String, at: Date) async throws
    /// Mail not sent yet, oldest first.
    func pendingMail(limit: Int) async throws -> [OutboundMail]
    /// Records a try at sending: sent (at `sentAt`), or failed with `error`.
    func markMail(id: Int64, sentAt: Date?, error: String?) async throws
}

struct SQLQueueStore: QueueStore {
    let database: MadoguchiDatabase

    func day(facilityId: String, day: CivilDate) async throws -> QueueDay {
        try await database.sqlRead { db in try QueueRows.day(db, facilityId: facilityId, day: day) }
    }

    func version(facilityId: String, day: CivilDate) async throws -> Int {
        try await database.sqlRead { db in try QueueRows.version(db, facilityId: facilityId, day: day) }
    }

    func ticket(id: String) async throws -> QueueTicket? {
        try await database.sqlRead { db in try db.row("SELECT * FROM queueTicket WHERE id = ?", id).map(QueueRows.ticket) }
    }

    func events(ticketId: String) async throws -> [TicketEvent] {
        try await database.sqlRead { db in
            try db.rows("SELECT * FROM queueEvent WHERE ticketId = ? ORDER BY id", ticketId).map(QueueRows.event)
        }
    }

    func events(facilityId: String, from: CivilDate, through: CivilDate) async throws -> [TicketEvent] {
        try await database.sqlRead { db in
            try db.rows(
                """
                SELECT e.* FROM queueEvent e JOIN queueTicket t ON t.id = e.ticketId
                WHERE t.facilityId = ? AND t.day BETWEEN ? AND ? ORDER BY e.at, e.id
                """, facilityId, from.description, through.description
            ).map(QueueRows.event)
        }
    }

    func serviceTimes(facilityId: String, from: CivilDate, through: CivilDate) async throws -> [QueueProcedure: WaitEstimate.Measured] {
        try await database.sqlRead { db in
            var out: [QueueProcedure: WaitEstimate.Measured] = [:]
            for r in try db.rows(
                """
                SELECT e.procedure AS procedure, count(*) AS n, sum(e.serviceSeconds) AS total FROM queueEvent e
                JOIN queueTicket t ON t.id = e.ticketId
                WHERE t.facilityId = ? AND t.day BETWEEN ? AND ? AND e.kind = 'stepDone' AND e.serviceSeconds IS NOT NULL
                GROUP BY e.procedure
                """, facilityId, from.description, through.description)
            {
                guard let p = QueueProcedure(rawValue: try r.text("procedure")), let total = Double.decode(r.value("total")) else { continue }
                out[p] = WaitEstimate.Measured(count: Int(try r.int("n")), totalMinutes: total / 60)
            }
            return out
        }
    }

    func tickets(facilityId: String, from: CivilDate, through: CivilDate) async throws -> [QueueTicket] {
        try await database.sqlRead { db in
            try db.rows(
                "SELECT * FROM queueTicket WHERE facilityId = ? AND day BETWEEN ? AND ? ORDER BY day, issuedAt, number",
                facilityId, from.description, through.description
            ).map(QueueRows.ticket)
        }
    }

    func facilitiesWithActiveTickets(day: CivilDate) async throws -> [String] {
        try await database.sqlRead { db in
            try db.column(
                "SELECT DISTINCT facilityId FROM queueTicket WHERE day = ? AND state IN ('reserved', 'called') ORDER BY facilityId",
                arguments: [day.description])
        }
    }

    func change<T: Sendable>(facilityId: String, day: CivilDate, _ body: @escaping @Sendable (QueueDay) throws -> (QueueChange, T)) async throws -> T {
        try await database.sqlWrite { db in
            _ = try FacilityRows.existing(db, facilityId)
            // The lock first: a second change of the same day waits here until this one commits, then sees it.
            try db.execute(
                """
                INSERT INTO queueDayLock (facilityId, day, changes) VALUES (?, ?, 1)
                ON CONFLICT(facilityId, day) DO UPDATE SET changes = queueDayLock.changes + 1
                """, facilityId, day.description)
            let (change, result) = try body(try QueueRows.day(db, facilityId: facilityId, day: day))
            try QueueRows.write(db, change)
            return result
        }
    }

    func arrivals(facilityId: String, from: CivilDate, through: CivilDate) async throws -> [ArrivalCount] {
        try await database.sqlRead { db in try QueueRows.arrivals(db, facilityId: facilityId, from: from, through: through) }
    }

    func recordArrivalHistory(facilityId: String, _ counts: [ArrivalCount], source: String, at: Date) async throws {
        try await recordArrivalHistory([facilityId: counts], source: source, at: at)
    }

    func recordArrivalHistory(_ counts: [String: [ArrivalCount]], source: String, at: Date) async throws {
        try await database.sqlWrite { db in
            for (facilityId, list) in counts.sorted(by: { $0.key < $1.key }) {
                _ = try FacilityRows.existing(db, facilityId)
                try QueueRows.recordArrivalHistory(db, facilityId: facilityId, list, source: source, at: at)
            }
        }
    }

    func pendingMail(limit: Int) async throws -> [OutboundMail] {
        try await database.sqlRead { db in
            try db.rows("SELECT * FROM mailOutbox WHERE sentAt IS NULL ORDER BY id LIMIT ?", limit).map { r in
                OutboundMail(
                    id: try r.int("id"), ticketId: try r.optionalText("ticketId"), recipient: try r.text("recipient"),
                    subject: try r.text("subject"), body: try r.text("body"), createdAt: try QueueRows.instant(r, "createdAt"),
                    attempts: Int(try r.int("attempts")))
            }
        }
    }

    func markMail(id: Int64, sentAt: Date?, error: String?) async throws {
        try await database.sqlWrite { db in
            try db.enqueue(
                "UPDATE mailOutbox SET sentAt = ?, attempts = attempts + 1, lastError = ? WHERE id = ?",
                arguments: [sentAt.map(LedgerRecord.timestamp), error, id])
        }
    }
}

extension MadoguchiDatabase {
    /// The counter's queues.
    public var queues: any QueueStore { SQLQueueStore(database: self) }
}

/// The queue tables' SQL, on either engine.
enum QueueRows {
    static let activeStates = "('reserved', 'waiting', 'called', 'serving', 'parked')"

    static func day(_ db: any SQLSession, facilityId: String, day: CivilDate) throws -> QueueDay {
        let windows = try db.rows("SELECT * FROM queueWindow WHERE facilityId = ?", facilityId).map(window)
            .sorted { ($0.id.count, $0.id) < ($1.id.count, $1.id) }
        let active = try db.rows(
            "SELECT * FROM queueTicket WHERE facilityId = ? AND day = ? AND state IN \(activeStates)", facilityId, day.description
        ).map(ticket)
        var last: [String: Int] = [:]
        for r in try db.rows(
            "SELECT letter, max(sequence) AS last FROM queueTicket WHERE facilityId = ? AND day = ? GROUP BY letter", facilityId, day.description)
        {
            last[try r.text("letter")] = Int(try r.int("last"))
        }
        return QueueDay(
            facilityId: facilityId, day: day, windows: windows, active: active, lastSequence: last,
            version: try version(db, facilityId: facilityId, day: day))
    }

    static func version(_ db: any SQLSession, facilityId: String, day: CivilDate) throws -> Int {
        Int(try db.scalar("SELECT changes FROM queueDayLock WHERE facilityId = ? AND day = ?", arguments: [facilityId, day.description], as: Int64.self) ?? 0)
    }

    static func write(_ db: any SQLSession, _ change: QueueChange) throws {
        for entry in change.windows {
            let w = entry.window
            let skills = try FacilityRows.json(w.skills)
            try db.enqueue(
                """
                INSERT INTO queueWindow (facilityId, id, skills, openedBy) VALUES (?, ?, ?, ?)
                ON CONFLICT(facilityId, id) DO UPDATE SET skills = excluded.skills, openedBy = excluded.openedBy
                """, arguments: [w.facilityId, w.id, skills, w.openedBy])
            try db.enqueue(
                "INSERT INTO queueWindowLog (facilityId, windowId, change, skills, at, actor) VALUES (?, ?, ?, ?, ?, ?)",
                arguments: [w.facilityId, w.id, entry.change.rawValue, skills, LedgerRecord.timestamp(entry.at), entry.actor])
        }
        for t in change.tickets {
            let letter = String(t.number.prefix(1))
            guard let sequence = Int(t.number.dropFirst()) else { throw SQLRow.unreadable("queueTicket.number") }
            try db.enqueue(
                """
                INSERT INTO queueTicket (id, facilityId, day, letter, sequence, number, route, step, state, channel, slot, issuedAt,
                  queuedAt, windowId, calledAt, startedAt, estimatedWaitMinutes, language, email, nearAlerted)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT(id) DO UPDATE SET route = excluded.route, step = excluded.step, state = excluded.state,
                  queuedAt = excluded.queuedAt, windowId = excluded.windowId, calledAt = excluded.calledAt,
                  startedAt = excluded.startedAt, email = excluded.email, nearAlerted = excluded.nearAlerted
                """,
                arguments: [
                    t.id, t.facilityId, t.day.description, letter, sequence, t.number, try FacilityRows.json(t.route), t.step,
                    t.state.rawValue, t.channel.rawValue, t.slot.map(LedgerRecord.timestamp), LedgerRecord.timestamp(t.issuedAt),
                    LedgerRecord.timestamp(t.queuedAt), t.windowId, t.calledAt.map(LedgerRecord.timestamp),
                    t.startedAt.map(LedgerRecord.timestamp), t.estimatedWaitMinutes,
                    t.language, t.email, t.nearAlerted ? 1 : 0,
                ])
        }
        for e in change.events {
            try db.enqueue(
                "INSERT INTO queueEvent (ticketId, kind, step, procedure, windowId, at, actor, serviceSeconds) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                arguments: [
                    e.ticketId, e.kind.rawValue, e.step, e.procedure.rawValue, e.windowId, LedgerRecord.timestamp(e.at), e.actor,
                    e.serviceSeconds,
                ])
        }
        for m in change.mail {
            try db.enqueue(
                "INSERT INTO mailOutbox (ticketId, recipient, subject, body, createdAt, attempts) VALUES (?, ?, ?, ?, ?, 0)",
                arguments: [m.ticketId, m.recipient, m.subject, m.body, LedgerRecord.timestamp(m.createdAt)])
        }
    }

    /// Hourly tickets: the tickets' own (the hour is the timestamp's, written in Japan time), then the recorded history
    /// of the days without any.
    static func arrivals(_ db: any SQLSession, facilityId: String, from: CivilDate, through: CivilDate) throws -> [ArrivalCount] {
        var out: [ArrivalCount] = []
        var own = Set<CivilDate>()
        for r in try db.rows(
            """
            SELECT day, CAST(substr(issuedAt, 12, 2) AS INTEGER) AS hour, count(*) AS n FROM queueTicket
            WHERE facilityId = ? AND day BETWEEN ? AND ? GROUP BY day, CAST(substr(issuedAt, 12, 2) AS INTEGER)
            """, facilityId, from.description, through.description)
        {
            let day = try FacilityRows.date(r, "day")
            own.insert(day)
            out.append(ArrivalCount(day: day, hour: Int(try r.int("hour")), tickets: Int(try r.int("n"))))
        }
        for r in try db.rows(
            "SELECT day, hourly FROM queueArrivalHistory WHERE facilityId = ? AND day BETWEEN ? AND ?",
            facilityId, from.description, through.description)
        {
            let day = try FacilityRows.date(r, "day")
            guard !own.contains(day) else { continue }
            let text = try r.text("hourly")
            let hourly = try Unreadable.decoding("queueArrivalHistory.hourly") { try JSONDecoder().decode([Int].self, from: Data(text.utf8)) }
            for (hour, tickets) in hourly.enumerated() where tickets > 0 {
                out.append(ArrivalCount(day: day, hour: hour, tickets: tickets))
            }
        }
        return out.sorted { ($0.day, $0.hour) < ($1.day, $1.hour) }
    }

    /// Writes hourly counts as a row a day, 200 days a statement; a day recorded again is replaced whole (its hours not
    /// given are zero).
    static func recordArrivalHistory(_ db: any SQLSession, facilityId: String, _ counts: [ArrivalCount], source: String, at: Date) throws {
        guard counts.allSatisfy({ (0..<24).contains($0.hour) && $0.tickets >= 0 }), !source.isEmpty, source.count <= 200 else {
            throw MadoguchiError(
                .queueInvalid, ja: "来庁数の履歴は0〜23時、0件以上、出典つきで記録してください",
                en: "Arrival history needs hours 0–23, counts of zero or more, and its source")
        }
        var days: [CivilDate: [Int]] = [:]
        for c in counts { days[c.day, default: Array(repeating: 0, count: 24)][c.hour] += c.tickets }
        let recorded = LedgerRecord.timestamp(at)
        let rows = days.sorted { $0.key < $1.key }
        var start = 0
        while start < rows.count {
            let batch = rows[start..<min(start + 200, rows.count)]
            let values = Array(repeating: "(?, ?, ?, ?, ?)", count: batch.count).joined(separator: ", ")
            try db.enqueue(
                """
                INSERT INTO queueArrivalHistory (facilityId, day, hourly, source, recordedAt) VALUES \(values)
                ON CONFLICT(facilityId, day) DO UPDATE SET hourly = excluded.hourly, source = excluded.source,
                  recordedAt = excluded.recordedAt
                """,
                batch.flatMap { day, hourly -> [SQLValue] in
                    let json = "[" + hourly.map(String.init).joined(separator: ",") + "]"
                    return [facilityId.sqlValue, day.description.sqlValue, json.sqlValue, source.sqlValue, recorded.sqlValue]
                })
            start += 200
        }
    }

    static func window(_ r: SQLRow) throws -> QueueWindow {
        let skills = try r.text("skills")
        return QueueWindow(
            facilityId: try r.text("facilityId"), id: try r.text("id"),
            skills: try Unreadable.decoding("queueWindow.skills") { try JSONDecoder().decode([QueueProcedure].self, from: Data(skills.utf8)) },
            openedBy: try r.optionalText("openedBy"))
    }

    static func ticket(_ r: SQLRow) throws -> QueueTicket {
        let route = try r.text("route")
        return QueueTicket(
            id: try r.text("id"), facilityId: try r.text("facilityId"), day: try FacilityRows.date(r, "day"), number: try r.text("number"),
            route: try Unreadable.decoding("queueTicket.route") { try JSONDecoder().decode([QueueProcedure].self, from: Data(route.utf8)) },
            step: Int(try r.int("step")), state: try r.code("state"), channel: try r.code("channel"),
            slot: try r.optionalText("slot").map { _ in try instant(r, "slot") }, issuedAt: try instant(r, "issuedAt"),
            queuedAt: try instant(r, "queuedAt"), windowId: try r.optionalText("windowId"),
            calledAt: try r.optionalText("calledAt").map { _ in try instant(r, "calledAt") },
            startedAt: try r.optionalText("startedAt").map { _ in try instant(r, "startedAt") },
            estimatedWaitMinutes: Int(try r.int("estimatedWaitMinutes")), language: try r.text("language"),
            email: try r.optionalText("email"), nearAlerted: try r.int("nearAlerted") != 0)
    }

    static func event(_ r: SQLRow) throws -> TicketEvent {
        TicketEvent(
            ticketId: try r.text("ticketId"), kind: try r.code("kind"), step: Int(try r.int("step")), procedure: try r.code("procedure"),
            windowId: try r.optionalText("windowId"), at: try instant(r, "at"), actor: try r.text("actor"),
            serviceSeconds: Double.decode(r.value("serviceSeconds")))
    }

    static func instant(_ r: SQLRow, _ column: String) throws -> Date {
        let text = try r.text(column)
        guard let date = fastInstant(text) ?? Cards.instant(text) else { throw SQLRow.unreadable(column) }
        return date
    }

    /// The ledger's own timestamp form (`2026-11-24T10:00:00.123+09:00`, as `LedgerRecord.timestamp` writes it) read
    /// without a formatter: a busy day's queue reads hundreds of them in every change. Anything else: nil.
    static func fastInstant(_ text: String) -> Date? {
        let b = Array(text.utf8)
        guard b.count == 29, b[4] == 45, b[7] == 45, b[10] == 84, b[13] == 58, b[16] == 58, b[19] == 46, b[26] == 58,
            b[23] == 43 || b[23] == 45
        else { return nil }
        func number(_ from: Int, _ count: Int) -> Int? {
            var n = 0
            for i in from..<(from + count) {
                guard (48...57).contains(b[i]) else { return nil }
                n = n * 10 + Int(b[i] - 48)
            }
            return n
        }
        guard let year = number(0, 4), let month = number(5, 2), let day = number(8, 2), let hour = number(11, 2),
            let minute = number(14, 2), let second = number(17, 2), let ms = number(20, 3), let oh = number(24, 2), let om = number(27, 2),
            let date = CivilDate(year: year, month: month, day: day), hour < 24, minute < 60, second < 61
        else { return nil }
        let offset = (oh * 3600 + om * 60) * (b[23] == 43 ? 1 : -1)
        let seconds = date.dayNumber * 86_400 + hour * 3600 + minute * 60 + second - offset
        return Date(timeIntervalSince1970: Double(seconds) + Double(ms) / 1000)
    }
}
