import Foundation

/// A line at the counter: what a numbered ticket is for. Each line groups the services of a facility's menu that one
/// kind of window serves, and has its letter on the ticket (A012 is the twelfth ticket of the day for certificates).
public enum QueueProcedure: String, Sendable, Codable, CaseIterable, Comparable {
    /// 証明書の交付 (住民票・印鑑・税・戸籍)
    case certificates
    /// 住所の異動 (転入・転出・転居)
    case moving
    /// 戸籍の届出 (出生・死亡・婚姻・離婚)
    case familyRegister
    /// 印鑑登録
    case sealRegistration
    /// マイナンバーカード
    case myNumberCard
    /// 国民健康保険
    case insurance
    /// 児童手当
    case childAllowance
    /// 地域・まちづくりの相談
    case consultation

    public var letter: Character {
        switch self {
        case .certificates: "A"
        case .moving: "B"
        case .familyRegister: "C"
        case .sealRegistration: "D"
        case .myNumberCard: "E"
        case .insurance: "F"
        case .childAllowance: "G"
        case .consultation: "H"
        }
    }

    public var japanese: String {
        switch self {
        case .certificates: "証明書の交付"
        case .moving: "住所の異動（転入・転出・転居）"
        case .familyRegister: "戸籍の届出"
        case .sealRegistration: "印鑑登録"
        case .myNumberCard: "マイナンバーカード"
        case .insurance: "国民健康保険"
        case .childAllowance: "児童手当"
        case .consultation: "地域・まちづくりの相談"
        }
    }

    public var english: String {
        switch self {
        case .certificates: "Certificates"
        case .moving: "Moving in, out or within the city"
        case .familyRegister: "Family register notifications"
        case .sealRegistration: "Seal registration"
        case .myNumberCard: "My Number card"
        case .insurance: "National health insurance"
        case .childAllowance: "Child allowance"
        case .consultation: "Community activities"
        }
    }

    /// The menu's services this line serves.
    public var services: Set<FacilityService> {
        switch self {
        case .certificates: Set(CertificateKind.allCases.map(FacilityService.certificate))
        case .moving: [.notification(.moveIn), .notification(.moveOut), .notification(.moveWithin)]
        case .familyRegister: [.notification(.birth), .notification(.death), .notification(.marriage), .notification(.divorce)]
        case .sealRegistration: [.procedure(.sealRegistration)]
        case .myNumberCard: [.procedure(.myNumberCard)]
        case .insurance: [.procedure(.nationalHealthInsurance)]
        case .childAllowance: [.procedure(.childAllowance)]
        case .consultation: [.procedure(.communitySupport)]
        }
    }

    /// The service time a window takes before any has been measured (minutes): the prior of the wait estimate.
    public var typicalServiceMinutes: Double {
        switch self {
        case .certificates: 5
        case .moving: 20
        case .familyRegister: 15
        case .sealRegistration: 8
        case .myNumberCard: 12
        case .insurance: 15
        case .childAllowance: 15
        case .consultation: 20
        }
    }

    /// The lines a facility with `menu` and staff has: those with a service on its menu.
    public static func offered(menu: Set<FacilityService>, staffed: Bool) -> [QueueProcedure] {
        staffed ? allCases.filter { !$0.services.isDisjoint(with: menu) } : []
    }

    public static func < (a: Self, b: Self) -> Bool { allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)! }
}

/// How a ticket was drawn.
public enum TicketChannel: String, Sendable, Codable, CaseIterable {
    /// the touch page at the entrance (発券機)
    case entrance
    /// the resident's phone, from the facility's page or its QR code
    case web
    /// a reservation of a time slot, checked in on arrival
    case reservation
}

/// Where a ticket stands.
public enum TicketState: String, Sendable, Codable, CaseIterable {
    /// reserved for a slot, not yet checked in
    case reserved
    /// in line for its current step
    case waiting
    /// called to a window, not yet there
    case called
    /// being served at a window
    case serving
    /// 保留: set aside (fetching a document, filling in a form); back in line with its place when resumed
    case parked
    /// every step served
    case done
    /// did not come when called, or to a reservation
    case noShow
    /// given up by the resident
    case cancelled

    /// Whether the ticket still takes part in the day's queue.
    public var isActive: Bool { ![.done, .noShow, .cancelled].contains(self) }

    public var japanese: String {
        switch self {
        case .reserved: "予約済み"
        case .waiting: "お待ちください"
        case .called: "お呼び出し中"
        case .serving: "受付中"
        case .parked: "保留中"
        case .done: "終了"
        case .noShow: "不在"
        case .cancelled: "取消"
        }
    }

    public var english: String {
        switch self {
        case .reserved: "Reserved"
        case .waiting: "Waiting"
        case .called: "Called"
        case .serving: "Being served"
        case .parked: "On hold"
        case .done: "Finished"
        case .noShow: "Missed"
        case .cancelled: "Cancelled"
        }
    }
}

/// A numbered ticket: one visit, which may pass several windows in order (its route).
public struct QueueTicket: Sendable, Hashable, Codable {
    /// The ticket's secret: the key of its page (in the QR code). Never shown on a display board.
    public var id: String
    public var facilityId: String
    public var day: CivilDate
    /// The number of the day for the first step's letter (A012)
    public var number: String
    /// The lines the visit passes, in order
    public var route: [QueueProcedure]
    /// Which of them it is at (0-based)
    public var step: Int
    public var state: TicketState
    public var channel: TicketChannel
    /// A reservation's slot (its start)
    public var slot: Date?
    public var issuedAt: Date
    /// Its place in the current step's line: when it joined (a reservation's: its slot)
    public var queuedAt: Date
    /// The window that called or serves it
    public var windowId: String?
    /// When it was last called to that window
    public var calledAt: Date?
    /// When its current step's service began at the window
    public var startedAt: Date?
    /// The wait estimated when the ticket was drawn (minutes), kept to compare with the actual wait
    public var estimatedWaitMinutes: Int
    /// "ja" or "en": the language of its page and its mail
    public var language: String
    /// Where to send the alerts, if the resident asked for them; cleared when the visit ends
    public var email: String?
    /// Whether the "your turn is near" alert has gone for the current step
    public var nearAlerted: Bool

    public init(
        id: String, facilityId: String, day: CivilDate, number: String, route: [QueueProcedure], step: Int = 0,
        state: TicketState, channel: TicketChannel, slot: Date? = nil, issuedAt: Date, queuedAt: Date, windowId: String? = nil,
        calledAt: Date? = nil, startedAt: Date? = nil, estimatedWaitMinutes: Int = 0, language: String = "ja", email: String? = nil,
        nearAlerted: Bool = false
    ) {
        self.id = id
        self.facilityId = facilityId
        self.day = day
        self.number = number
        self.route = route
        self.step = step
        self.state = state
        self.channel = channel
        self.slot = slot
        self.issuedAt = issuedAt
        self.queuedAt = queuedAt
        self.windowId = windowId
        self.calledAt = calledAt
        self.startedAt = startedAt
        self.estimatedWaitMinutes = estimatedWaitMinutes
        self.language = language
        self.email = email
        self.nearAlerted = nearAlerted
    }

    /// The line it is in now.
    public var procedure: QueueProcedure { route[min(step, route.count - 1)] }
    /// Whether a checked-in reservation's slot has begun: then it goes before the walk-ins.
    func slotHasBegun(_ now: Date) -> Bool { channel == .reservation && (slot.map { $0 <= now } ?? false) }

    /// The order of the line: checked-in reservations whose slot has begun, by slot; then everyone else by the time
    /// they joined (a reservation before its slot counts as joining at its slot); the number breaks ties.
    public static func inOrder(_ a: QueueTicket, _ b: QueueTicket, now: Date) -> Bool {
        let ka = (a.slotHasBegun(now) ? 0 : 1, a.channel == .reservation ? (a.slot ?? a.queuedAt) : a.queuedAt)
        let kb = (b.slotHasBegun(now) ? 0 : 1, b.channel == .reservation ? (b.slot ?? b.queuedAt) : b.queuedAt)
        if ka.0 != kb.0 { return ka.0 < kb.0 }
        if ka.1 != kb.1 { return ka.1 < kb.1 }
        return a.number < b.number
    }
}

/// A counter window (1番窓口) and the lines its staff can serve.
public struct QueueWindow: Sendable, Hashable, Codable {
    public var facilityId: String
    /// Its number as signed above it ("1", "2", "12")
    public var id: String
    public var skills: [QueueProcedure]
    /// Who opened it (their login), if it is open
    public var openedBy: String?

    public init(facilityId: String, id: String, skills: [QueueProcedure], openedBy: String? = nil) {
        self.facilityId = facilityId
        self.id = id
        self.skills = skills
        self.openedBy = openedBy
    }

    public var isOpen: Bool { openedBy != nil }
    public var japanese: String { "\(id)番窓口" }
    public var english: String { "Window \(id)" }
}

/// One recorded moment of a ticket: every state it passes through, with its time, window and who moved it.
public struct TicketEvent: Sendable, Hashable, Codable {
    public enum Kind: String, Sendable, Codable, CaseIterable {
        case issued, reserved, checkedIn, called, recalled, started, parked, resumed, transferred, stepDone, finished, noShow, cancelled
    }

    public var ticketId: String
    public var kind: Kind
    public var step: Int
    public var procedure: QueueProcedure
    public var windowId: String?
    public var at: Date
    /// A member of staff's login, `resident`, or `system` (a no-show after the set time)
    public var actor: String
    /// A step's service time, start to end (on `stepDone` only): what the wait estimate learns from
    public var serviceSeconds: Double?

    public init(
        ticketId: String, kind: Kind, step: Int, procedure: QueueProcedure, windowId: String?, at: Date, actor: String,
        serviceSeconds: Double? = nil
    ) {
        self.ticketId = ticketId
        self.kind = kind
        self.step = step
        self.procedure = procedure
        self.windowId = windowId
        self.at = at
        self.actor = actor
        self.serviceSeconds = serviceSeconds
    }
}

/// What a window does to a ticket.
public enum QueueAction: Sendable, Hashable {
    case call(windowId: String)
    case recall
    case start
    case park
    case resume
    case transfer(to: QueueProcedure)
    case complete
    case noShow
    case checkIn
    case cancel

    public var name: String {
        switch self {
        case .call: "call"
        case .recall: "recall"
        case .start: "start"
        case .park: "park"
        case .resume: "resume"
        case .transfer: "transfer"
        case .complete: "complete"
        case .noShow: "noShow"
        case .checkIn: "checkIn"
        case .cancel: "cancel"
        }
    }
}

/// The rules of a ticket's life. Each action is allowed from some states only; anything else is `queue.invalidStep`
/// (a replayed or out-of-order step changes nothing).
public enum QueueRules {
    /// How long a called ticket may take to reach its window before it is marked not present (minutes).
    public static let defaultNoShowMinutes = 10
    /// How long after its slot's start a reservation may check in (minutes).
    public static let reservationGraceMinutes = 15
    /// A reservation slot's length (minutes).
    public static let slotMinutes = 30

    /// The ticket after `action` at `now`, and what is recorded of it.
    public static func apply(_ action: QueueAction, to ticket: QueueTicket, at now: Date, by actor: String) throws
        -> (ticket: QueueTicket, events: [TicketEvent])
    {
        var t = ticket
        func event(_ kind: TicketEvent.Kind, _ window: String? = ticket.windowId) -> TicketEvent {
            TicketEvent(ticketId: t.id, kind: kind, step: t.step, procedure: t.procedure, windowId: window, at: now, actor: actor)
        }
        func refuse() -> MadoguchiError {
            MadoguchiError(
                .queueInvalidStep, ja: "番号 \(ticket.number) は「\(ticket.state.japanese)」のため、この操作はできません",
                en: "Ticket \(ticket.number) is \(ticket.state.english.lowercased()): \(action.name) is not possible")
        }
        switch action {
        case .call(let window):
            guard t.state == .waiting else { throw refuse() }
            t.state = .called
            t.windowId = window
            t.calledAt = now
            return (t, [event(.called, window)])
        case .recall:
            guard t.state == .called else { throw refuse() }
            t.calledAt = now
            return (t, [event(.recalled)])
        case .start:
            guard t.state == .called else { throw refuse() }
            t.state = .serving
            t.startedAt = now
            return (t, [event(.started)])
        case .park:
            guard t.state == .called || t.state == .serving else { throw refuse() }
            let e = event(.parked)
            t.state = .parked
            t.windowId = nil
            t.startedAt = nil
            return (t, [e])
        case .resume:
            guard t.state == .parked else { throw refuse() }
            t.state = .waiting
            return (t, [event(.resumed, nil)])
        case .transfer(let procedure):
            guard t.state == .called || t.state == .serving, procedure != t.procedure else { throw refuse() }
            t.route[t.step] = procedure
            t.state = .waiting
            t.windowId = nil
            t.startedAt = nil
            t.nearAlerted = false
            return (t, [event(.transferred, ticket.windowId)])
        case .complete:
            guard t.state == .serving else { throw refuse() }
            var done = event(.stepDone)
            done.serviceSeconds = t.startedAt.map { max(0, now.timeIntervalSince($0)) }
            t.windowId = nil
            t.startedAt = nil
            if t.step + 1 < t.route.count {
                t.step += 1
                t.state = .waiting
                t.queuedAt = now
                t.nearAlerted = false
                return (t, [done])
            }
            t.state = .done
            t.email = nil
            return (t, [done, event(.finished, nil)])
        case .noShow:
            guard t.state == .called || t.state == .reserved else { throw refuse() }
            let e = event(.noShow)
            t.state = .noShow
            t.windowId = nil
            t.email = nil
            return (t, [e])
        case .checkIn:
            guard t.state == .reserved else { throw refuse() }
            if let slot = t.slot, now > slot.addingTimeInterval(Double(reservationGraceMinutes * 60)) {
                throw MadoguchiError(
                    .queueReservationLapsed, ja: "予約の時間（\(reservationGraceMinutes)分の猶予）を過ぎています。番号札をお取りください",
                    en: "The reservation's slot (with \(reservationGraceMinutes) minutes' grace) has passed: draw a ticket instead")
            }
            t.state = .waiting
            t.queuedAt = now
            return (t, [event(.checkedIn, nil)])
        case .cancel:
            guard [.reserved, .waiting, .parked].contains(t.state) else { throw refuse() }
            t.state = .cancelled
            t.email = nil
            return (t, [event(.cancelled, nil)])
        }
    }

    /// The ticket a window calls next: the first of the lines it serves, in the line's order; nil when no one waits.
    public static func next(for window: QueueWindow, among tickets: [QueueTicket], now: Date) -> QueueTicket? {
        tickets.filter { $0.state == .waiting && window.skills.contains($0.procedure) }
            .min { QueueTicket.inOrder($0, $1, now: now) }
    }

    /// The tickets ahead of `ticket` in its line now.
    public static func ahead(of ticket: QueueTicket, among tickets: [QueueTicket], now: Date) -> Int {
        guard ticket.state == .waiting || ticket.state == .reserved || ticket.state == .parked else { return 0 }
        return tickets.filter {
            $0.id != ticket.id && $0.state == .waiting && $0.procedure == ticket.procedure && QueueTicket.inOrder($0, ticket, now: now)
        }.count
    }

    /// The tickets whose time ran out at `now`: called and not at the window after `noShowMinutes`, and reservations
    /// not checked in by the end of their grace.
    public static func lapsed(_ tickets: [QueueTicket], now: Date, noShowMinutes: Int = defaultNoShowMinutes) -> [QueueTicket] {
        tickets.filter { t in
            switch t.state {
            case .called: t.calledAt.map { now.timeIntervalSince($0) >= Double(noShowMinutes * 60) } ?? false
            case .reserved: t.slot.map { now.timeIntervalSince($0) > Double(reservationGraceMinutes * 60) } ?? false
            default: false
            }
        }
    }

    /// Checks a route: one to five lines the facility has, no line twice in a row.
    public static func validate(route: [QueueProcedure], offered: [QueueProcedure]) throws {
        guard (1...5).contains(route.count) else {
            throw MadoguchiError(.queueInvalid, ja: "手続は1〜5件選んでください", en: "Choose one to five procedures")
        }
        if let missing = route.first(where: { !offered.contains($0) }) {
            throw MadoguchiError(
                .queueInvalid, ja: "この施設では「\(missing.japanese)」を受け付けていません", en: "This facility does not handle \(missing.english)")
        }
        guard zip(route, route.dropFirst()).allSatisfy({ $0 != $1 }) else {
            throw MadoguchiError(.queueInvalid, ja: "同じ手続が続いています", en: "The same procedure twice in a row")
        }
    }
}

extension MadoguchiError.Code {
    public static let queueInvalid = Self("queue.invalid")
    public static let queueInvalidStep = Self("queue.invalidStep")
    public static let queueReservationLapsed = Self("queue.reservationLapsed")
    public static let queueWindowClosed = Self("queue.windowClosed")
    public static let queueWindowBusy = Self("queue.windowBusy")
    public static let queueEmpty = Self("queue.empty")
    public static let queueUnknownTicket = Self("queue.unknownTicket")
    public static let queueUnknownWindow = Self("queue.unknownWindow")
    public static let queueClosed = Self("queue.closed")
    public static let queueSlotFull = Self("queue.slotFull")
}
