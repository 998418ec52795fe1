import Foundation
import MadoguchiPKI
import MadoguchiTestSupport
import Testing

@testable import MadoguchiDemo
@testable import MadoguchiDomain
@testable import MadoguchiIssuance
@testable import MadoguchiStore

/// Issue 14, item 4, on SQLite and on PostgreSQL alike: tickets, windows and reservations at the demo's 中央区役所 on
/// Tuesday 2026-11-24 (08:30–17:00); every state a ticket passes through is kept with its time; a refused step writes
/// nothing; two windows calling at once never get the same ticket; alerts go to the outbox in the same transaction.
@Suite("窓口の順番待ち（SQLite と PostgreSQL）", .serialized)
struct QueueContractTests {
    static let office = "chuo-ward-office"

    struct Rig {
        let store: TestEngines.Fresh
        let db: MadoguchiDatabase
        let time = SteppingClock("2026-11-24T10:00:00+09:00")
        var queue: QueueService { QueueService(database: db, clock: time.clock, cityName: "窓口市") }

        init(_ engine: SQLEngine) throws {
            store = try TestEngines.fresh(engine)
            db = try store.database(keys: MasterKey.generate())
            _ = try DemoCityGenerator.generate(into: db, options: .init(residents: 40, seed: 5))
        }

        func count(_ sql: String) throws -> Int {
            try db.transaction(readOnly: true) { s in try s.scalar(sql, as: Int.self) } ?? -1
        }

        func raw(_ sql: String) -> MadoguchiError.Code? {
            do {
                try db.transaction(readOnly: false) { s in _ = try s.execute(sql, []) }
                return nil
            } catch let e as MadoguchiError { return e.code } catch { return MadoguchiError.Code("unexpected") }
        }

        func draw(_ route: [QueueProcedure], email: String? = nil, at facility: String = QueueContractTests.office) async throws -> QueueTicket {
            try await queue.draw(facilityId: facility, route: route, channel: .entrance, language: "ja", email: email).ticket
        }

        func open(_ windows: String...) async throws {
            for w in windows { try await queue.setOpen(true, facilityId: QueueContractTests.office, windowId: w, by: "clerk\(w)") }
        }

        func act(_ action: QueueAction, _ window: String) async throws -> QueueTicket {
            try await queue.act(action, facilityId: QueueContractTests.office, windowId: window, by: "clerk\(window)")
        }

        func next(_ window: String) async throws -> QueueTicket {
            try await queue.callNext(facilityId: QueueContractTests.office, windowId: window, by: "clerk\(window)")
        }
    }

    static func code(_ body: () async throws -> Void) async -> MadoguchiError.Code? {
        do {
            try await body()
            return nil
        } catch let e as MadoguchiError { return e.code } catch { return MadoguchiError.Code("unexpected: \(error)") }
    }

    @Test("a morning at the counter: numbers by line, calls by skill and order, a visit of two windows, park, transfer, recall, no-show",
          arguments: TestEngines.available)
    func morning(engine: SQLEngine) async throws {
        let rig = try Rig(engine)
        try await rig.open("1", "3", "7")
        let a1 = try await rig.draw([.certificates])
        rig.time.advance(60)
        let b1 = try await rig.draw([.moving, .myNumberCard])
        rig.time.advance(60)
        let a2 = try await rig.draw([.certificates])
        let b2 = try await rig.draw([.moving])
        #expect([a1.number, b1.number, a2.number, b2.number] == ["A001", "B001", "A002", "B002"])
        // Estimates at ticketing: window 1 is open and idle, so A001 waits nothing; A002 waits for A001's service to be
        // half done on average (2.5 minutes of a typical 5, rounded up).
        #expect(a1.estimatedWaitMinutes == 0 && a2.estimatedWaitMinutes == 3)
        #expect(try await rig.queue.status(of: a2.id).ahead == 1)

        // Window 1 serves certificates, window 3 moving: each calls the first of its line.
        #expect(try await rig.next("1").number == "A001")
        rig.time.advance(10)
        #expect(try await rig.next("3").number == "B001")
        #expect(await Self.code { _ = try await rig.next("1") } == .queueWindowBusy)
        let board = try await rig.queue.board(of: Self.office)
        #expect(board.calling == ["B001", "A001"] && board.windows.map(\.id) == ["1", "3", "7"])
        #expect(board.windows.first { $0.id == "1" }?.number == "A001")
        #expect(board.lines.first { $0.procedure == .certificates }?.waiting == 1)

        rig.time.advance(60)
        _ = try await rig.act(.start, "1")
        _ = try await rig.act(.start, "3")
        rig.time.advance(300)
        #expect(try await rig.act(.complete, "1").state == .done)
        // B001's first step ends: it joins the My Number line, where window 7 calls it.
        let moved = try await rig.act(.complete, "3")
        #expect(moved.state == .waiting && moved.procedure == .myNumberCard && moved.step == 1)
        #expect(try await rig.next("7").number == "B001")
        _ = try await rig.act(.start, "7")
        // 保留: A002 goes to fetch a document; B002 is called meanwhile; A002 returns with its place.
        #expect(try await rig.next("1").number == "A002")
        #expect(try await rig.act(.park, "1").state == .parked)
        let a3 = try await rig.draw([.certificates])
        _ = try await rig.queue.resume(facilityId: Self.office, number: "a002", by: "clerk1")
        #expect(try await rig.queue.status(of: a3.id).ahead == 1)
        #expect(try await rig.next("1").number == "A002")
        // A transfer: A002 turns out to be a moving case; it goes to the moving line with its place.
        #expect(try await rig.act(.transfer(to: .moving), "1").procedure == .moving)
        #expect(try await rig.next("3").number == "A002")
        _ = try await rig.act(.start, "3")
        // Recall, then no-show: a recall restarts the minutes; the sweep marks the ticket after ten without coming.
        #expect(try await rig.next("1").number == "A003")
        rig.time.advance(9 * 60)
        _ = try await rig.act(.recall, "1")
        rig.time.advance(9 * 60)
        #expect(try await rig.queue.sweep() == 0)
        rig.time.advance(60)
        #expect(try await rig.queue.sweep() == 1)
        #expect(try await rig.queue.status(of: a3.id).state == .noShow)

        // Every state with its time, window and actor.
        let history = try await rig.db.queues.events(ticketId: b1.id)
        #expect(history.map(\.kind) == [.issued, .called, .started, .stepDone, .called, .started])
        #expect(history.map(\.windowId) == [nil, "3", "3", "3", "7", "7"])
        #expect(history.map(\.procedure) == [.moving, .moving, .moving, .moving, .myNumberCard, .myNumberCard])
        #expect(history[3].at.timeIntervalSince(history[2].at) == 300 && history[4].actor == "clerk7")
        #expect(try await rig.db.queues.events(ticketId: a3.id).map(\.actor).last == "system")
        // Each step's service time is kept with its end: 10:03:10 to 10:08:10.
        #expect(try await rig.db.queues.events(ticketId: a1.id).compactMap(\.serviceSeconds) == [300])
        #expect(history.compactMap(\.serviceSeconds) == [300])
        let measured = try await rig.queue.measuredServiceMinutes(facilityId: Self.office)
        #expect(measured[.certificates]?.count == 1 && measured[.certificates]?.totalMinutes == 5 && measured[.moving]?.count == 1)
    }

    @Test("the queue's timestamps read back to the millisecond without a formatter, as the formatter reads them")
    func timestamps() throws {
        var seed: UInt64 = 42
        for _ in 0..<2000 {
            seed = seed &* 6364136223846793005 &+ 1442695040888963407
            let instant = Date(timeIntervalSince1970: Double(seed % 4_000_000_000_000) / 1000 - 1_000_000_000)
            let text = LedgerRecord.timestamp(instant)
            let fast = try #require(QueueRows.fastInstant(text))
            #expect(fast == Cards.instant(text), "\(text)")
            #expect(abs(fast.timeIntervalSince(instant)) < 0.0011)
        }
        #expect(QueueRows.fastInstant("2026-11-24T10:00:00.000-05:00") == Cards.instant("2026-11-24T10:00:00.000-05:00"))
        for bad in ["2026-11-24T10:00:00+09:00", "2026-13-24T10:00:00.000+09:00", "2026-11-24 10:00:00.000+09:00", "x"] {
            #expect(QueueRows.fastInstant(bad) == nil, "\(bad)")
        }
    }

    @Test("refusals write nothing: replayed and out-of-order steps, closed or unknown windows, lines the facility lacks, closed hours",
          arguments: TestEngines.available)
    func refusals(engine: SQLEngine) async throws {
        let rig = try Rig(engine)
        let a1 = try await rig.draw([.certificates])
        #expect(await Self.code { _ = try await rig.next("1") } == .queueWindowClosed)
        #expect(await Self.code { _ = try await rig.next("99") } == .queueUnknownWindow)
        try await rig.open("1")
        #expect(await Self.code { _ = try await rig.act(.start, "1") } == .queueInvalidStep)
        _ = try await rig.next("1")
        _ = try await rig.act(.start, "1")
        #expect(await Self.code { try await rig.queue.setOpen(false, facilityId: Self.office, windowId: "1", by: "clerk1") } == .queueWindowBusy)
        _ = try await rig.act(.complete, "1")
        let events = try rig.count("SELECT count(*) FROM queueEvent")
        let version = try await rig.queue.version(of: Self.office)
        #expect(await Self.code { _ = try await rig.act(.complete, "1") } == .queueInvalidStep)
        #expect(await Self.code { _ = try await rig.queue.cancel(ticketId: a1.id) } == .queueInvalidStep)
        #expect(await Self.code { _ = try await rig.queue.status(of: "x") } == .queueUnknownTicket)
        #expect(await Self.code { _ = try await rig.queue.status(of: String(repeating: "a", count: 26)) } == .queueUnknownTicket)
        #expect(await Self.code { _ = try await rig.draw([.moving], at: "chuo-station-service-corner") } == .queueInvalid)
        #expect(await Self.code { _ = try await rig.draw([.certificates], email: "not an address") } == .queueInvalid)
        #expect(await Self.code { _ = try await rig.draw([.certificates], at: "miyano-liaison-office") } == .queueClosed)
        #expect(await Self.code { _ = try await rig.draw([.certificates], at: "nope") } == .facilityUnknown)
        #expect(try rig.count("SELECT count(*) FROM queueEvent") == events)
        #expect(try await rig.queue.version(of: Self.office) == version)
        rig.time.set("2026-11-24T17:00:00+09:00")
        #expect(await Self.code { _ = try await rig.draw([.certificates]) } == .queueClosed)
        // The history is append-only in the database itself.
        #expect(rig.raw("UPDATE queueEvent SET actor = 'x'") == .constraintViolation)
        #expect(rig.raw("DELETE FROM queueEvent") == .constraintViolation)
        #expect(rig.raw("DELETE FROM queueWindowLog") == .constraintViolation)
    }

    @Test("two windows calling at the same moment never get the same ticket", arguments: TestEngines.available)
    func concurrentCalls(engine: SQLEngine) async throws {
        let rig = try Rig(engine)
        try await rig.open("1", "2", "5")
        for _ in 0..<12 { _ = try await rig.draw([.certificates]) }
        let queue = rig.queue
        let called = try await withThrowingTaskGroup(of: [String].self) { group in
            for w in ["1", "2", "5"] {
                group.addTask {
                    var mine: [String] = []
                    for _ in 0..<4 {
                        let t = try await queue.callNext(facilityId: Self.office, windowId: w, by: "clerk\(w)")
                        mine.append(t.number)
                        _ = try await queue.act(.start, facilityId: Self.office, windowId: w, by: "clerk\(w)")
                        _ = try await queue.act(.complete, facilityId: Self.office, windowId: w, by: "clerk\(w)")
                    }
                    return mine
                }
            }
            return try await group.reduce(into: []) { $0 += $1 }
        }
        #expect(called.count == 12 && Set(called).count == 12)
        #expect(try rig.count("SELECT count(*) FROM queueEvent WHERE kind = 'called'") == 12)
    }

    @Test("reservations: a slot within the hours, as many as windows for the line; checked in, it goes first once its slot begins",
          arguments: TestEngines.available)
    func reservations(engine: SQLEngine) async throws {
        let rig = try Rig(engine)
        let slot = MadoguchiClock.parse("2026-11-24T10:30:00+09:00")!.now()
        // 住所異動 has three windows (3, 4, 5): three reservations fit the 10:30 slot, the fourth does not.
        var reserved: [QueueTicket] = []
        for _ in 0..<3 {
            reserved.append(try await rig.queue.reserve(facilityId: Self.office, route: [.moving], slot: slot, language: "ja", email: nil))
        }
        #expect(await Self.code { _ = try await rig.queue.reserve(facilityId: Self.office, route: [.moving], slot: slot, language: "ja", email: nil) } == .queueSlotFull)
        for bad in ["2026-11-24T10:15:00+09:00", "2026-11-24T09:30:00+09:00", "2026-11-24T16:45:00+09:00", "2026-11-29T10:00:00+09:00"] {
            let at = MadoguchiClock.parse(bad)!.now()
            #expect(await Self.code { _ = try await rig.queue.reserve(facilityId: Self.office, route: [.moving], slot: at, language: "ja", email: nil) } != nil)
        }
        #expect(reserved.allSatisfy { $0.state == .reserved && $0.number.hasPrefix("B") })
        try await rig.open("3")
        let walkIn = try await rig.draw([.moving])
        rig.time.set("2026-11-24T10:20:00+09:00")
        _ = try await rig.queue.checkIn(ticketId: reserved[0].id)
        // Before the slot the reservation waits behind the walk-in; from 10:30 it goes first.
        #expect(try await rig.next("3").number == walkIn.number)
        _ = try await rig.act(.start, "3")
        _ = try await rig.act(.complete, "3")
        let walkIn2 = try await rig.draw([.moving])
        rig.time.set("2026-11-24T10:30:00+09:00")
        #expect(try await rig.queue.status(of: walkIn2.id).ahead == 1)
        #expect(try await rig.next("3").number == reserved[0].number)
        // Too late to check in; the sweep marks the reservations that never came.
        rig.time.set("2026-11-24T10:46:00+09:00")
        #expect(await Self.code { _ = try await rig.queue.checkIn(ticketId: reserved[1].id) } == .queueReservationLapsed)
        #expect(try await rig.queue.sweep() == 3)  // reserved[1], reserved[2], and the call to reserved[0] unanswered
        #expect(try await rig.queue.status(of: reserved[2].id).state == .noShow)
    }

    @Test("alerts: near and called mail in the resident's language goes to the outbox with the change; the address goes when the visit ends",
          arguments: TestEngines.available)
    func alerts(engine: SQLEngine) async throws {
        let rig = try Rig(engine)
        try await rig.open("1")
        for _ in 0..<5 { _ = try await rig.draw([.certificates]) }
        let mine = try await rig.queue.draw(facilityId: Self.office, route: [.certificates], channel: .web, language: "en", email: "resident@example.jp").ticket
        #expect(try await rig.db.queues.pendingMail(limit: 10).isEmpty)
        // Five ahead; the third call leaves two ahead: one "near" mail, once.
        for _ in 0..<3 {
            _ = try await rig.next("1")
            _ = try await rig.act(.start, "1")
            _ = try await rig.act(.complete, "1")
        }
        var mail = try await rig.db.queues.pendingMail(limit: 10)
        #expect(mail.count == 1 && mail[0].recipient == "resident@example.jp" && mail[0].subject.contains("your turn is near"))
        for _ in 0..<2 {
            _ = try await rig.next("1")
            _ = try await rig.act(.start, "1")
            _ = try await rig.act(.complete, "1")
        }
        #expect(try await rig.next("1").id == mine.id)
        mail = try await rig.db.queues.pendingMail(limit: 10)
        #expect(mail.count == 2 && mail[1].subject == "[窓口市] Ticket A006: please go to Window 1")
        try await rig.db.queues.markMail(id: mail[0].id!, sentAt: rig.time.clock.now(), error: nil)
        #expect(try await rig.db.queues.pendingMail(limit: 10).count == 1)
        _ = try await rig.act(.start, "1")
        _ = try await rig.act(.complete, "1")
        #expect(try await rig.db.queues.ticket(id: mine.id)?.email == nil)
        #expect(try await rig.queue.status(of: mine.id).state == .done)
        // A visit that enters its next line near the head is at the counter already: the call is mailed, no "near".
        let before = try rig.count("SELECT count(*) FROM mailOutbox")
        let visit = try await rig.draw([.certificates, .sealRegistration], email: "visit@example.jp")
        _ = try await rig.next("1")
        _ = try await rig.act(.start, "1")
        #expect(try await rig.act(.complete, "1").procedure == .sealRegistration)
        #expect(try rig.count("SELECT count(*) FROM mailOutbox") == before + 1)
        #expect(try await rig.db.queues.ticket(id: visit.id)?.nearAlerted == true)
    }
}
