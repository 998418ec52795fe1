import Foundation
import Testing

@testable import MadoguchiDomain

/// Issue 14, item 4: the rules of a ticket's life, the order of a line, lapses and the wait estimate.
@Suite("窓口の順番待ち（規則）")
struct CounterQueueTests {
    static let t0 = MadoguchiClock.parse("2026-11-24T10:00:00+09:00")!.now()
    static func at(_ minutes: Double) -> Date { t0.addingTimeInterval(minutes * 60) }

    static func ticket(
        _ number: String, _ route: [QueueProcedure] = [.certificates], state: TicketState = .waiting, queued: Double = 0,
        channel: TicketChannel = .entrance, slot: Double? = nil
    ) -> QueueTicket {
        QueueTicket(
            id: String(repeating: number.lowercased(), count: 7).prefix(26).description, facilityId: "f", day: CivilDate.parseGregorian("2026-11-24")!,
            number: number, route: route, state: state, channel: channel, slot: slot.map(at), issuedAt: at(queued), queuedAt: at(slot ?? queued))
    }

    @Test("every action is allowed from its states only; anything else is queue.invalidStep and changes nothing")
    func transitions() throws {
        let actions: [QueueAction] = [
            .call(windowId: "1"), .recall, .start, .park, .resume, .transfer(to: .moving), .complete, .noShow, .checkIn, .cancel,
        ]
        let allowed: [String: Set<TicketState>] = [
            "call": [.waiting], "recall": [.called], "start": [.called], "park": [.called, .serving], "resume": [.parked],
            "transfer": [.called, .serving], "complete": [.serving], "noShow": [.called, .reserved], "checkIn": [.reserved],
            "cancel": [.reserved, .waiting, .parked],
        ]
        for action in actions {
            for state in TicketState.allCases {
                var t = Self.ticket("A001", state: state, channel: state == .reserved ? .reservation : .entrance, slot: state == .reserved ? 0 : nil)
                t.windowId = [.called, .serving].contains(state) ? "1" : nil
                let ok = allowed[action.name]!.contains(state)
                do {
                    let (moved, events) = try QueueRules.apply(action, to: t, at: Self.at(5), by: "clerk1")
                    #expect(ok, "\(action.name) from \(state) should be refused")
                    #expect(!events.isEmpty && events.allSatisfy { $0.at == Self.at(5) && $0.actor == "clerk1" && $0.ticketId == t.id })
                    #expect(moved != t)
                } catch let e as MadoguchiError {
                    #expect(!ok, "\(action.name) from \(state) should be allowed: \(e)")
                    #expect(e.code == .queueInvalidStep)
                }
            }
        }
    }

    @Test("a visit of several lines: each step's end puts it in the next line from that moment; the last ends it and forgets the address")
    func route() throws {
        var t = Self.ticket("B001", [.moving, .myNumberCard, .insurance])
        t.email = "a@example.jp"
        for (i, next) in [QueueProcedure.myNumberCard, .insurance].enumerated() {
            t = try QueueRules.apply(.call(windowId: "3"), to: t, at: Self.at(Double(10 * i + 1)), by: "c").ticket
            t = try QueueRules.apply(.start, to: t, at: Self.at(Double(10 * i + 2)), by: "c").ticket
            let (moved, events) = try QueueRules.apply(.complete, to: t, at: Self.at(Double(10 * i + 9)), by: "c")
            #expect(moved.state == .waiting && moved.procedure == next && moved.step == i + 1 && moved.queuedAt == Self.at(Double(10 * i + 9)))
            #expect(events.map(\.kind) == [.stepDone] && moved.windowId == nil && moved.email != nil)
            t = moved
        }
        t = try QueueRules.apply(.call(windowId: "8"), to: t, at: Self.at(30), by: "c").ticket
        t = try QueueRules.apply(.start, to: t, at: Self.at(31), by: "c").ticket
        let (done, events) = try QueueRules.apply(.complete, to: t, at: Self.at(40), by: "c")
        #expect(done.state == .done && done.email == nil && events.map(\.kind) == [.stepDone, .finished])
        #expect(events[0].procedure == .insurance && events[0].windowId == "8")
    }

    @Test("the line's order: walk-ins by arrival; a reservation before its slot counts from its slot, after it goes first")
    func order() {
        let early = Self.ticket("A001", queued: 0)
        let late = Self.ticket("A002", queued: 20)
        let reserved = Self.ticket("A003", queued: 5, channel: .reservation, slot: 30)
        let window = QueueWindow(facilityId: "f", id: "1", skills: [.certificates], openedBy: "c")
        let all = [late, reserved, early]
        #expect(QueueRules.next(for: window, among: all, now: Self.at(25))?.number == "A001")
        #expect(QueueRules.ahead(of: reserved, among: all, now: Self.at(25)) == 2)
        #expect(QueueRules.next(for: window, among: all, now: Self.at(30))?.number == "A003")
        #expect(QueueRules.ahead(of: late, among: all, now: Self.at(30)) == 2)
        // A window serves only its lines; parked and called tickets are not in the line.
        let moving = QueueWindow(facilityId: "f", id: "3", skills: [.moving], openedBy: "c")
        #expect(QueueRules.next(for: moving, among: all, now: Self.at(30)) == nil)
        var parked = early
        parked.state = .parked
        #expect(QueueRules.next(for: window, among: [parked, late], now: Self.at(25))?.number == "A002")
    }

    @Test("lapses: called and not at the window after the set minutes; a reservation not checked in 15 minutes after its slot")
    func lapses() throws {
        var called = Self.ticket("A001", state: .called)
        called.calledAt = Self.at(0)
        let reserved = Self.ticket("A002", state: .reserved, channel: .reservation, slot: 0)
        #expect(QueueRules.lapsed([called, reserved], now: Self.at(9.9)).isEmpty)
        #expect(QueueRules.lapsed([called, reserved], now: Self.at(10)).map(\.number) == ["A001"])
        #expect(QueueRules.lapsed([called, reserved], now: Self.at(15.1)).map(\.number) == ["A001", "A002"])
        #expect(throws: MadoguchiError.self) { try QueueRules.apply(.checkIn, to: reserved, at: Self.at(15.1), by: "resident") }
        #expect(try QueueRules.apply(.checkIn, to: reserved, at: Self.at(14), by: "resident").ticket.state == .waiting)
    }

    @Test("a route: one to five lines the facility has, none twice in a row")
    func routes() {
        let offered: [QueueProcedure] = [.certificates, .moving]
        #expect(throws: Never.self) { try QueueRules.validate(route: [.moving, .certificates], offered: offered) }
        for bad: [QueueProcedure] in [[], [.insurance], [.moving, .moving], Array(repeating: .certificates, count: 6)] {
            #expect { try QueueRules.validate(route: bad, offered: offered) } throws: { ($0 as? MadoguchiError)?.code == .queueInvalid }
        }
        #expect(QueueProcedure.offered(menu: FacilityService.standardMenu(.serviceCorner), staffed: true) == [.certificates])
        #expect(QueueProcedure.offered(menu: FacilityService.standardMenu(.wardOffice), staffed: false).isEmpty)
        #expect(QueueProcedure.offered(menu: FacilityService.standardMenu(.communityCenter), staffed: true) == [.certificates, .consultation])
    }

    @Test("the estimate: the prior gives way to measured times; windows shared between busy lines count by their share")
    func estimate() {
        #expect(WaitEstimate.serviceMinutes(.certificates, measured: []) == 5)
        #expect(abs(WaitEstimate.serviceMinutes(.certificates, measured: Array(repeating: 9, count: 95)) - 8.8) < 1e-9)
        let w1 = QueueWindow(facilityId: "f", id: "1", skills: [.certificates], openedBy: "c")
        let w5 = QueueWindow(facilityId: "f", id: "5", skills: [.moving, .certificates], openedBy: "c")
        let closed = QueueWindow(facilityId: "f", id: "2", skills: [.certificates])
        #expect(WaitEstimate.capacity(.certificates, windows: [w1, w5, closed], busyLines: [.certificates]) == 2)
        #expect(WaitEstimate.capacity(.certificates, windows: [w1, w5, closed], busyLines: [.certificates, .moving]) == 1.5)
        // Before any window opens, the configured ones count.
        #expect(WaitEstimate.capacity(.certificates, windows: [closed], busyLines: []) == 1)
        #expect(WaitEstimate.minutes(ahead: 9, serviceMinutes: 5, capacity: 2) == 24)
        // Idle windows take the first tickets at once.
        #expect(WaitEstimate.minutes(ahead: 1, serviceMinutes: 5, capacity: 2, idle: 2) == 0)
        #expect(WaitEstimate.minutes(ahead: 3, serviceMinutes: 5, capacity: 2, idle: 1) == 7)
        #expect(WaitEstimate.publicRule(ahead: 10) == 20)
    }
}
