import Foundation
import Testing

@testable import MadoguchiDomain

/// Issue 14, item 7: waits and service times are measured from the tickets' events, never guessed.
@Suite("番号札の統計")
struct CounterStatisticsTests {
    static func at(_ text: String) -> Date { MadoguchiClock.parse("2026-11-24T\(text):00+09:00")!.now() }

    static func event(_ ticket: String, _ kind: TicketEvent.Kind, _ time: String, step: Int = 0, _ p: QueueProcedure = .moving,
                      window: String? = nil, service: Double? = nil) -> TicketEvent {
        TicketEvent(ticketId: ticket, kind: kind, step: step, procedure: p, windowId: window, at: at(time), actor: "x", serviceSeconds: service)
    }

    @Test("a wait from drawing (a reservation: its check-in) to the first call, in the hour drawn; a service in the hour it ended, at its window")
    func tallies() {
        let events = [
            // Drawn 10:05, called 10:25 at window 3, served 10:27–10:42, then its second step at window 7.
            Self.event("a", .issued, "10:05"), Self.event("a", .called, "10:25", window: "3"), Self.event("a", .started, "10:27", window: "3"),
            Self.event("a", .stepDone, "10:42", window: "3", service: 900),
            Self.event("a", .called, "11:02", step: 1, .myNumberCard, window: "7"),
            Self.event("a", .stepDone, "11:10", step: 1, .myNumberCard, window: "7", service: 420),
            // A reservation made the day before, checked in 10:30, called 10:35.
            TicketEvent(ticketId: "b", kind: .reserved, step: 0, procedure: .moving, windowId: nil, at: Self.at("10:00").addingTimeInterval(-86_400), actor: "x"),
            Self.event("b", .checkedIn, "10:30"), Self.event("b", .called, "10:35", window: "4"),
            // Drawn and cancelled before any call: counted as drawn, not as waited.
            Self.event("c", .issued, "10:50"), Self.event("c", .cancelled, "10:55"),
        ]
        let tallies = CounterStatistics.tickets(facilityId: "f", events: events)
        let drawn10 = tallies.first { $0.procedure == .moving && $0.windowId == nil && $0.hour == 10 && $0.day == JapanTime.date(of: Self.at("10:00")) }
        #expect(drawn10?.tickets == 2 && drawn10?.called == 1 && drawn10?.meanWait == 20, "a and c drawn at 10; a waited 20 minutes")
        let reserved = tallies.first { $0.windowId == nil && $0.day != JapanTime.date(of: Self.at("10:00")) }
        #expect(reserved?.tickets == 1 && reserved?.called == 1 && reserved?.meanWait == 5, "b waited from its check-in")
        let window3 = tallies.first { $0.windowId == "3" }
        #expect(window3?.served == 1 && window3?.meanService == 15 && window3?.hour == 10)
        let window7 = tallies.first { $0.windowId == "7" }
        #expect(window7?.procedure == .myNumberCard && window7?.meanService == 7 && window7?.hour == 11)
        #expect(!tallies.contains { $0.procedure == .myNumberCard && $0.windowId == nil }, "a second step is no new ticket")
        let byLine = CounterStatistics.sum(tallies) { $0.procedure }
        #expect(byLine[.moving]?.tickets == 3 && byLine[.moving]?.served == 1 && byLine[.myNumberCard]?.served == 1)
    }

    @Test("CSV fields: quoted when they must be, a formula defused, a number left alone")
    func csv() {
        #expect(CSVText.row(["a,b", "say \"hi\"", "=SUM(A1)", "@x", "-5", "-1.5", "+81", "中央区役所"])
                == "\"a,b\",\"say \"\"hi\"\"\",'=SUM(A1),'@x,-5,-1.5,+81,中央区役所\r\n")
        #expect(CSVText.field("-cmd") == "'-cmd" && CSVText.field("line\nbreak") == "\"line\nbreak\"")
    }
}
