import Foundation
import MadoguchiDomain
import MadoguchiStore

/// Queues at the counter (issue 14, item 4): tickets drawn at the entrance or on a phone, reservations of slots, windows
/// that call, recall, transfer, park and mark no-shows, display boards, the ticket's own page and its e-mail alerts.
///
/// Every change of a facility's day goes through one serialised transaction (``QueueStore/change(facilityId:day:_:)``):
/// the ticket moves by ``QueueRules``, every state it passes through is kept with its time in `queueEvent`, and the
/// alerts it causes are written to the outbox in the same transaction (sent after it by ``MailSender``).
///
/// What the public sees of a ticket is its number, line and place: a display board never shows who holds it, and the
/// ticket's page is reached only by its 128-bit secret.
public struct QueueService: Sendable {
    let store: any QueueStore
    let network: FacilityNetworkService
    let clock: MadoguchiClock
    let cityName: String
    /// Minutes a called ticket has to reach its window
    public let noShowMinutes: Int
    /// The "your turn is near" alert goes when this many or fewer are ahead
    public let nearAhead: Int

    public init(
        store: any QueueStore, network: FacilityNetworkService, clock: MadoguchiClock, cityName: String,
        noShowMinutes: Int = QueueRules.defaultNoShowMinutes, nearAhead: Int = 3
    ) {
        self.store = store
        self.network = network
        self.clock = clock
        self.cityName = cityName
        self.noShowMinutes = noShowMinutes
        self.nearAhead = nearAhead
    }

    public init(database: MadoguchiDatabase, clock: MadoguchiClock, cityName: String) {
        self.init(
            store: database.queues, network: FacilityNetworkService(store: database.facilityNetwork), clock: clock, cityName: cityName)
    }

    // MARK: - The facility's lines

    /// A facility's lines on a day, and whether it takes tickets now.
    public struct Lines: Sendable {
        public var facility: FacilityPeriod
        public var procedures: [QueueProcedure]
        public var hours: DayHours
        public var openNow: Bool
    }

    public func lines(of facilityId: String) async throws -> Lines {
        let now = clock.now()
        let (history, days) = try await network.hours(of: facilityId, from: JapanTime.date(of: now), days: 1)
        guard let period = history.period(on: JapanTime.date(of: now)) else { throw Self.closed(facilityId) }
        let hours = days[0]
        return Lines(
            facility: period, procedures: QueueProcedure.offered(menu: period.menu, staffed: period.manned), hours: hours,
            openNow: TimeOfDay(minutes: JapanTime.minuteOfDay(of: now)).map(hours.isOpen(at:)) ?? false)
    }

    // MARK: - Residents

    /// What a resident sees of a ticket: its number and line, its place, the estimate, and where to go when called.
    public struct Status: Sendable, Codable, Hashable {
        public var number: String
        public var facilityId: String
        public var facilityName: String
        public var state: TicketState
        public var procedure: QueueProcedure
        public var step: Int
        public var steps: Int
        public var ahead: Int
        public var estimatedWaitMinutes: Int
        public var windowId: String?
        public var near: Bool
        public var version: Int
        public var language: String
        public var slot: Date?
        public var alertsByMail: Bool
    }

    /// Draws a ticket for a visit (one or more lines in order) while the facility is open. With an e-mail address the
    /// alerts go there too.
    public func draw(facilityId: String, route: [QueueProcedure], channel: TicketChannel, language: String, email: String?) async throws
        -> (ticket: QueueTicket, status: Status)
    {
        guard channel != .reservation else { throw MadoguchiError(.queueInvalid, ja: "予約は予約の手続で", en: "Reserve through a reservation") }
        let lines = try await lines(of: facilityId)
        try QueueRules.validate(route: route, offered: lines.procedures)
        guard lines.openNow else { throw Self.closed(facilityId, hours: lines.hours) }
        let email = try Self.checked(email)
        let language = language == "en" ? "en" : "ja"
        let measured = try await measuredServiceMinutes(facilityId: facilityId)
        let now = clock.now()
        let id = Self.secret()
        let ticket = try await change(facilityId) { day in
            let number = Self.nextNumber(route[0], day)
            var t = QueueTicket(
                id: id, facilityId: facilityId, day: day.day, number: number, route: route, state: .waiting, channel: channel,
                issuedAt: now, queuedAt: now, language: language, email: email)
            let ahead = QueueRules.ahead(of: t, among: day.active, now: now)
            t.estimatedWaitMinutes = Self.estimate(t, ahead: ahead, day: day, measured: measured)
            t.nearAlerted = ahead <= nearAhead
            return (QueueChange(tickets: [t], events: [TicketEvent(ticketId: id, kind: .issued, step: 0, procedure: t.procedure, windowId: nil, at: now, actor: "resident")]), t)
        }
        return (ticket, try await status(of: ticket.id))
    }

    /// Reserves a slot (30 minutes) for a visit, on a day the facility is open and within its hours; each slot takes as
    /// many reservations as there are windows for the visit's first line (at least one). The ticket is checked in on
    /// arrival, and then goes before the walk-ins once its slot has begun.
    public func reserve(facilityId: String, route: [QueueProcedure], slot: Date, language: String, email: String?) async throws
        -> QueueTicket
    {
        let now = clock.now()
        let day = JapanTime.date(of: slot)
        let minute = JapanTime.minuteOfDay(of: slot)
        guard slot > now, day.dayNumber - clock.today.dayNumber <= 62, minute % QueueRules.slotMinutes == 0 else {
            throw MadoguchiError(
                .queueInvalid, ja: "予約は今から62日先まで、30分単位の枠で選んでください",
                en: "Reserve a slot that starts on the hour or half hour, from now to 62 days ahead")
        }
        let (history, days) = try await network.hours(of: facilityId, from: day, days: 1)
        guard let period = history.period(on: day) else { throw Self.closed(facilityId) }
        try QueueRules.validate(route: route, offered: QueueProcedure.offered(menu: period.menu, staffed: period.manned))
        let end = minute + QueueRules.slotMinutes
        guard days[0].spans.contains(where: { $0.opens.minutes <= minute && end <= $0.closes.minutes }) else {
            throw Self.closed(facilityId, hours: days[0])
        }
        let email = try Self.checked(email)
        let language = language == "en" ? "en" : "ja"
        let id = Self.secret()
        return try await change(facilityId, day: day) { queue in
            let capacity = max(1, queue.windows.filter { $0.skills.contains(route[0]) }.count)
            let taken = queue.active.filter { $0.channel == .reservation && $0.slot == slot && $0.route.first == route[0] }.count
            guard taken < capacity else {
                throw MadoguchiError(.queueSlotFull, ja: "この時間の予約枠はいっぱいです", en: "That slot is fully booked")
            }
            let t = QueueTicket(
                id: id, facilityId: facilityId, day: day, number: Self.nextNumber(route[0], queue), route: route, state: .reserved,
                channel: .reservation, slot: slot, issuedAt: now, queuedAt: slot, language: language, email: email, nearAlerted: false)
            return (QueueChange(tickets: [t], events: [TicketEvent(ticketId: id, kind: .reserved, step: 0, procedure: t.procedure, windowId: nil, at: now, actor: "resident")]), t)
        }
    }

    /// Checks in a reservation on arrival (its day only, up to 15 minutes after its slot began).
    public func checkIn(ticketId: String) async throws -> Status {
        try await residentAction(.checkIn, ticketId: ticketId)
    }

    /// The resident gives up their place.
    public func cancel(ticketId: String) async throws -> Status {
        try await residentAction(.cancel, ticketId: ticketId)
    }

    func residentAction(_ action: QueueAction, ticketId: String) async throws -> Status {
        let ticket = try await existing(ticketId)
        guard ticket.day == clock.today else {
            throw MadoguchiError(.queueInvalidStep, ja: "本日の番号札ではありません", en: "This ticket is not for today")
        }
        let now = clock.now()
        try await change(ticket.facilityId) { day in
            guard let t = day.active.first(where: { $0.id == ticketId }) else {
                throw MadoguchiError(.queueInvalidStep, ja: "この番号札は既に終了しています", en: "This ticket has ended")
            }
            let (moved, events) = try QueueRules.apply(action, to: t, at: now, by: "resident")
            return (QueueChange(tickets: [moved], events: events), ())
        }
        return try await status(of: ticketId)
    }

    /// A ticket's status by its secret; an unknown secret is `queue.unknownTicket`.
    public func status(of ticketId: String) async throws -> Status {
        let ticket = try await existing(ticketId)
        let day = try await store.day(facilityId: ticket.facilityId, day: ticket.day)
        let now = clock.now()
        let current = day.active.first { $0.id == ticketId } ?? ticket
        let ahead = QueueRules.ahead(of: current, among: day.active, now: now)
        let measured = try await measuredServiceMinutes(facilityId: ticket.facilityId)
        let name = (try? await network.history(of: ticket.facilityId))?.period(on: ticket.day)?.name ?? ticket.facilityId
        return Status(
            number: current.number, facilityId: current.facilityId, facilityName: name, state: current.state, procedure: current.procedure,
            step: current.step, steps: current.route.count, ahead: ahead,
            estimatedWaitMinutes: current.state == .waiting ? Self.estimate(current, ahead: ahead, day: day, measured: measured) : 0,
            windowId: current.windowId, near: current.state == .waiting && ahead <= nearAhead, version: day.version,
            language: current.language, slot: current.slot, alertsByMail: current.email != nil)
    }

    /// The version of a ticket's day: a ticket page watches it.
    public func version(ofTicket ticketId: String) async throws -> Int {
        let ticket = try await existing(ticketId)
        return try await store.version(facilityId: ticket.facilityId, day: ticket.day)
    }

    // MARK: - The display board

    /// What a facility's display board shows: each open window and the number it calls or serves, the numbers being
    /// called, and each line's waiting count and estimate. Numbers only: never a name.
    public struct Board: Sendable, Codable, Hashable {
        public struct Window: Sendable, Codable, Hashable {
            public var id: String
            public var number: String?
            public var state: TicketState?
        }

        public struct Line: Sendable, Codable, Hashable {
            public var procedure: QueueProcedure
            public var letter: String
            public var japanese: String
            public var english: String
            public var waiting: Int
            public var estimatedWaitMinutes: Int
        }

        public var facilityId: String
        public var facilityName: String
        public var version: Int
        public var windows: [Window]
        /// Called and not yet at the window, the latest call first
        public var calling: [String]
        public var lines: [Line]
    }

    public func board(of facilityId: String) async throws -> Board {
        let lines = try await lines(of: facilityId)
        let day = try await store.day(facilityId: facilityId, day: clock.today)
        let measured = try await measuredServiceMinutes(facilityId: facilityId)
        let now = clock.now()
        let windows = day.windows.filter(\.isOpen).map { w in
            let t = day.active.first { $0.windowId == w.id && ($0.state == .called || $0.state == .serving) }
            return Board.Window(id: w.id, number: t?.number, state: t?.state)
        }
        let calling = day.active.filter { $0.state == .called }.sorted { ($0.calledAt ?? now) > ($1.calledAt ?? now) }.map(\.number)
        let busy = Set(day.active.filter { $0.state == .waiting }.map(\.procedure))
        let boardLines = lines.procedures.map { p in
            let waiting = day.active.filter { $0.state == .waiting && $0.procedure == p }.count
            let minutes = WaitEstimate.minutes(
                ahead: waiting, serviceMinutes: WaitEstimate.serviceMinutes(p, measured: measured[p]),
                capacity: WaitEstimate.capacity(p, windows: day.windows, busyLines: busy), idle: Self.idleWindows(p, day))
            return Board.Line(
                procedure: p, letter: String(p.letter), japanese: p.japanese, english: p.english, waiting: waiting,
                estimatedWaitMinutes: waiting == 0 ? 0 : minutes)
        }
        return Board(
            facilityId: facilityId, facilityName: lines.facility.name, version: day.version, windows: windows, calling: calling,
            lines: boardLines)
    }

    /// The version of a facility's day today: a display board watches it.
    public func version(of facilityId: String) async throws -> Int {
        try await store.version(facilityId: facilityId, day: clock.today)
    }

    // MARK: - Windows (staff at the facility)

    /// A window as configured and whether open, with what it holds.
    public struct WindowState: Sendable, Codable, Hashable {
        public var window: QueueWindow
        public var ticket: QueueTicket?
    }

    public func windows(of facilityId: String) async throws -> [WindowState] {
        let day = try await store.day(facilityId: facilityId, day: clock.today)
        return day.windows.map { w in
            WindowState(window: w, ticket: day.active.first { $0.windowId == w.id && ($0.state == .called || $0.state == .serving) })
        }
    }

    /// The tickets in play at a facility today (reserved, waiting, called, serving, parked), in their lines' order.
    public func activeTickets(of facilityId: String) async throws -> [QueueTicket] {
        let now = clock.now()
        return try await store.day(facilityId: facilityId, day: clock.today).active.sorted { QueueTicket.inOrder($0, $1, now: now) }
    }

    /// Sets the lines a window serves (a new window, or new skills for one).
    public func configure(facilityId: String, windowId: String, skills: [QueueProcedure], by actor: String) async throws {
        let offered = try await lines(of: facilityId).procedures
        guard !windowId.isEmpty, windowId.count <= 8, windowId.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber) }) else {
            throw MadoguchiError(.queueInvalid, ja: "窓口番号は英数字8文字までです", en: "A window's number is up to 8 letters or digits")
        }
        guard !skills.isEmpty, Set(skills).count == skills.count, skills.allSatisfy(offered.contains) else {
            throw MadoguchiError(
                .queueInvalid, ja: "窓口が扱う手続を、この施設の手続から1つ以上選んでください",
                en: "Give a window one or more of this facility's procedures")
        }
        let now = clock.now()
        try await change(facilityId) { day in
            let existing = day.windows.first { $0.id == windowId }
            let w = QueueWindow(facilityId: facilityId, id: windowId, skills: skills, openedBy: existing?.openedBy)
            var change = QueueChange()
            change.windows = [WindowLogEntry(window: w, change: .configured, at: now, actor: actor)]
            return (change, ())
        }
    }

    /// Opens a window (its staff sign in to it) or closes it; a window holding a ticket does not close.
    public func setOpen(_ open: Bool, facilityId: String, windowId: String, by actor: String) async throws {
        let now = clock.now()
        try await change(facilityId) { day in
            var w = try Self.window(windowId, day)
            if !open, day.active.contains(where: { $0.windowId == windowId && ($0.state == .called || $0.state == .serving) }) {
                throw MadoguchiError(
                    .queueWindowBusy, ja: "\(w.japanese)で対応中の番号があります。終了・保留してから閉じてください",
                    en: "\(w.english) holds a ticket: complete or park it first")
            }
            w.openedBy = open ? actor : nil
            var change = QueueChange()
            change.windows = [WindowLogEntry(window: w, change: open ? .opened : .closed, at: now, actor: actor)]
            return (change, ())
        }
    }

    /// Calls the next ticket to a window: the first in the order of the lines it serves.
    public func callNext(facilityId: String, windowId: String, by actor: String) async throws -> QueueTicket {
        let now = clock.now()
        return try await change(facilityId) { day in
            let w = try Self.window(windowId, day)
            guard w.isOpen else {
                throw MadoguchiError(.queueWindowClosed, ja: "\(w.japanese)は開いていません", en: "\(w.english) is not open")
            }
            if let held = day.active.first(where: { $0.windowId == windowId && ($0.state == .called || $0.state == .serving) }) {
                throw MadoguchiError(
                    .queueWindowBusy, ja: "\(w.japanese)は番号 \(held.number) に対応中です", en: "\(w.english) still holds ticket \(held.number)")
            }
            guard let next = QueueRules.next(for: w, among: day.active, now: now) else {
                throw MadoguchiError(.queueEmpty, ja: "お待ちの方はいません", en: "No one is waiting for this window")
            }
            let (called, events) = try QueueRules.apply(.call(windowId: windowId), to: next, at: now, by: actor)
            var change = QueueChange()
            change.tickets = [called]
            change.events = events
            change.mail = self.calledMail(called, w)
            return (change, called)
        }
    }

    /// Acts on the ticket a window holds: recall, start, park, transfer, complete or mark not present.
    public func act(_ action: QueueAction, facilityId: String, windowId: String, by actor: String) async throws -> QueueTicket {
        switch action {
        case .recall, .start, .park, .transfer, .complete, .noShow: break
        default: throw MadoguchiError(.queueInvalid, ja: "窓口ではできない操作です", en: "Not a window's action: \(action.name)")
        }
        if case .transfer(let to) = action {
            guard try await lines(of: facilityId).procedures.contains(to) else {
                throw MadoguchiError(.queueInvalid, ja: "この施設では「\(to.japanese)」を受け付けていません", en: "This facility does not handle \(to.english)")
            }
        }
        let now = clock.now()
        return try await change(facilityId) { day in
            let w = try Self.window(windowId, day)
            guard let held = day.active.first(where: { $0.windowId == windowId && ($0.state == .called || $0.state == .serving) }) else {
                throw MadoguchiError(.queueInvalidStep, ja: "\(w.japanese)に対応中の番号はありません", en: "\(w.english) holds no ticket")
            }
            let (moved, events) = try QueueRules.apply(action, to: held, at: now, by: actor)
            var change = QueueChange()
            change.tickets = [moved]
            change.events = events
            if case .recall = action { change.mail = self.calledMail(moved, w) }
            return (change, moved)
        }
    }

    /// Puts a parked ticket back in its line, with its place (by its number, at the staff's facility).
    public func resume(facilityId: String, number: String, by actor: String) async throws -> QueueTicket {
        let now = clock.now()
        return try await change(facilityId) { day in
            guard let t = day.active.first(where: { $0.number == number.uppercased() }) else {
                throw MadoguchiError(.queueUnknownTicket, ja: "本日の番号 \(number) は見つかりません", en: "No ticket \(number) in play today")
            }
            let (moved, events) = try QueueRules.apply(.resume, to: t, at: now, by: actor)
            return (QueueChange(tickets: [moved], events: events), moved)
        }
    }

    /// Marks the tickets whose time ran out: called and not at the window after the set minutes, and reservations not
    /// checked in in time. Answers how many.
    public func sweep() async throws -> Int {
        var total = 0
        for facilityId in try await store.facilitiesWithActiveTickets(day: clock.today) {
            let now = clock.now()
            let minutes = noShowMinutes
            total += try await change(facilityId) { day in
                var change = QueueChange()
                for t in QueueRules.lapsed(day.active, now: now, noShowMinutes: minutes) {
                    let (moved, events) = try QueueRules.apply(.noShow, to: t, at: now, by: "system")
                    change.tickets.append(moved)
                    change.events += events
                }
                return (change, change.tickets.count)
            }
        }
        return total
    }

    // MARK: - Statistics for the estimate

    /// Service times measured at a facility (each step's start to its end) over the last 28 days, by line.
    public func measuredServiceMinutes(facilityId: String) async throws -> [QueueProcedure: WaitEstimate.Measured] {
        let today = clock.today
        return try await store.serviceTimes(facilityId: facilityId, from: today.adding(days: -28), through: today)
    }

    // MARK: - Internals

    /// Runs a change of a facility's day (today unless told) and, after any change, writes the alerts it causes.
    func change<T: Sendable>(_ facilityId: String, day: CivilDate? = nil, _ body: @escaping @Sendable (QueueDay) throws -> (QueueChange, T))
        async throws -> T
    {
        let now = clock.now()
        let near = nearAhead
        return try await store.change(facilityId: facilityId, day: day ?? clock.today) { queue in
            var (change, result) = try body(queue)
            let written = change
            change.mail += self.nearAlerts(queue, written, now: now, nearAhead: near, updated: &change.tickets)
            return (change, result)
        }
    }

    /// After a change, the waiting tickets with an address whose turn is now near (once a step). A ticket that enters a
    /// line already near its head (its next step, a transfer, back from 保留, a reservation checked in) is at the
    /// counter already: it is marked without a mail, as a ticket drawn near the head is.
    func nearAlerts(_ queue: QueueDay, _ change: QueueChange, now: Date, nearAhead: Int, updated: inout [QueueTicket]) -> [OutboundMail] {
        var tickets = Dictionary(uniqueKeysWithValues: queue.active.map { ($0.id, $0) })
        for t in change.tickets { tickets[t.id] = t }
        let all = Array(tickets.values).filter { $0.state.isActive }
        let entering = Set(change.events.filter { [.stepDone, .transferred, .resumed, .checkedIn].contains($0.kind) }.map(\.ticketId))
        var mail: [OutboundMail] = []
        for t in all where t.state == .waiting && t.email != nil && !t.nearAlerted {
            guard QueueRules.ahead(of: t, among: all, now: now) <= nearAhead else { continue }
            var alerted = t
            alerted.nearAlerted = true
            if let i = updated.firstIndex(where: { $0.id == t.id }) { updated[i] = alerted } else { updated.append(alerted) }
            if !entering.contains(t.id) { mail.append(message(t, near: true, window: nil, now: now)) }
        }
        return mail
    }

    func calledMail(_ t: QueueTicket, _ w: QueueWindow) -> [OutboundMail] {
        t.email == nil ? [] : [message(t, near: false, window: w, now: t.calledAt ?? clock.now())]
    }

    func message(_ t: QueueTicket, near: Bool, window: QueueWindow?, now: Date) -> OutboundMail {
        let en = t.language == "en"
        let subject: String
        let body: String
        if let window {
            subject = en ? "[\(cityName)] Ticket \(t.number): please go to \(window.english)" : "【\(cityName)】\(t.number)番: \(window.japanese)へお越しください"
            body = en
                ? "Ticket \(t.number) has been called. Please go to \(window.english) now.\nIf you do not come within \(noShowMinutes) minutes, the ticket lapses.\n"
                : "\(t.number)番のお客様、\(window.japanese)へお越しください。\n\(noShowMinutes)分以内にお越しにならない場合は、番号札が無効になります。\n"
        } else {
            subject = en ? "[\(cityName)] Ticket \(t.number): your turn is near" : "【\(cityName)】\(t.number)番: まもなく順番です"
            body = en
                ? "Ticket \(t.number) (\(t.procedure.english)): \(nearAhead) or fewer are ahead of you. Please come back to the waiting area.\n"
                : "\(t.number)番（\(t.procedure.japanese)）のお客様、お呼び出しまであと\(nearAhead)人以内です。待合スペースへお戻りください。\n"
        }
        let footer = en ? "\nThis mail was sent because you asked for alerts when drawing the ticket. Do not reply.\n"
            : "\n番号札の発券時にお知らせを希望されたため送信しています。このメールには返信できません。\n"
        return OutboundMail(ticketId: t.id, recipient: t.email ?? "", subject: subject, body: body + footer, createdAt: now)
    }

    static func estimate(_ t: QueueTicket, ahead: Int, day: QueueDay, measured: [QueueProcedure: WaitEstimate.Measured]) -> Int {
        let busy = Set(day.active.filter { $0.state == .waiting }.map(\.procedure)).union([t.procedure])
        return WaitEstimate.minutes(
            ahead: ahead, serviceMinutes: WaitEstimate.serviceMinutes(t.procedure, measured: measured[t.procedure]),
            capacity: WaitEstimate.capacity(t.procedure, windows: day.windows, busyLines: busy), idle: idleWindows(t.procedure, day))
    }

    /// Open windows for a line that hold no ticket now.
    static func idleWindows(_ p: QueueProcedure, _ day: QueueDay) -> Int {
        let held = Set(day.active.filter { $0.state == .called || $0.state == .serving }.compactMap(\.windowId))
        return day.windows.filter { $0.isOpen && $0.skills.contains(p) && !held.contains($0.id) }.count
    }

    static func nextNumber(_ first: QueueProcedure, _ day: QueueDay) -> String {
        let letter = String(first.letter)
        let n = (day.lastSequence[letter] ?? 0) + 1
        return letter + (n < 10 ? "00\(n)" : n < 100 ? "0\(n)" : "\(n)")
    }

    static func window(_ id: String, _ day: QueueDay) throws -> QueueWindow {
        guard let w = day.windows.first(where: { $0.id == id }) else {
            throw MadoguchiError(.queueUnknownWindow, ja: "窓口 \(id) はこの施設にありません", en: "No window \(id) at this facility")
        }
        return w
    }

    func existing(_ ticketId: String) async throws -> QueueTicket {
        guard ticketId.count == 26, let t = try await store.ticket(id: ticketId) else {
            throw MadoguchiError(.queueUnknownTicket, ja: "番号札が見つかりません", en: "No such ticket")
        }
        return t
    }

    static func closed(_ facilityId: String, hours: DayHours? = nil) -> MadoguchiError {
        MadoguchiError(
            .queueClosed, ja: "この時間は受け付けていません" + (hours.map { "（本日: \($0.japanese)）" } ?? ""),
            en: "Not taking tickets at this time" + (hours.map { " (today: " + ($0.spans.isEmpty ? "closed" : $0.spans.map(\.description).joined(separator: ", ")) + ")" } ?? ""))
    }

    static func checked(_ email: String?) throws -> String? {
        guard let email = email?.trimmingCharacters(in: .whitespaces), !email.isEmpty else { return nil }
        let parts = email.split(separator: "@", omittingEmptySubsequences: false)
        guard email.count <= 254, parts.count == 2, !parts[0].isEmpty, parts[1].contains("."), !parts[1].hasPrefix("."),
            !parts[1].hasSuffix("."), email.allSatisfy({ $0.isASCII && !$0.isWhitespace && !"<>()[],;:\\\"".contains($0) })
        else {
            throw MadoguchiError(.queueInvalid, ja: "メールアドレスを読めません", en: "Unreadable e-mail address")
        }
        return email
    }

    /// 130 random bits as 26 characters of RFC 4648 base32 (lower case, no padding).
    static func secret() -> String {
        var rng = SystemRandomNumberGenerator()
        let alphabet = Array("abcdefghijklmnopqrstuvwxyz234567")
        return String((0..<26).map { _ in alphabet[Int(rng.next() % 32)] })
    }
}
