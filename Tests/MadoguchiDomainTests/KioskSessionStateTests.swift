import Foundation
import Testing

@testable import MadoguchiDomain

/// Issue 13, item 3: a store session's states are a closed set and its transitions one table, tested whole.
@Suite("コンビニ交付の取引の状態")
struct KioskSessionStateTests {
    /// The protocol as DESIGN §3.3 tells it, written out pair by pair, independently of the table under test.
    static let allowed: [KioskSessionState: [KioskStep: KioskSessionState]] = [
        .started: [.card: .authenticated, .abort: .aborted],
        .authenticated: [.card: .authenticated, .issue: .issued, .refuse: .refused, .abort: .aborted],
        .issued: [.printed: .completed, .abort: .aborted],
        .completed: [:],
        .refused: [:],
        .aborted: [:],
    ]

    @Test("every state and every step: exactly the allowed transitions, and a coded error for every other", arguments: KioskSessionState.allCases)
    func table(_ state: KioskSessionState) throws {
        for step in KioskStep.allCases {
            let expected = Self.allowed[state]?[step]
            #expect(KioskSessionWorkflow.next(from: state, step) == expected, "\(state) + \(step)")
            if let expected {
                #expect(try KioskSessionWorkflow.require(from: state, step) == expected)
            } else {
                let error = #expect(throws: MadoguchiError.self) { try KioskSessionWorkflow.require(from: state, step) }
                #expect(error?.code == .kioskOutOfOrder)
                #expect(error?.ja.contains(state.japanese) == true)
            }
        }
    }

    @Test("open states have a deadline and can always be aborted; ended states take no step at all")
    func openAndEnded() {
        for state in KioskSessionState.allCases {
            let steps = KioskStep.allCases.filter { KioskSessionWorkflow.next(from: state, $0) != nil }
            #expect(state.isOpen == !steps.isEmpty, "\(state)")
            if state.isOpen { #expect(KioskSessionWorkflow.next(from: state, .abort) == .aborted) }
        }
        #expect(KioskSessionState.openSQLList == "'started', 'authenticated', 'issued'")
    }

    @Test("every state is reachable from a start; settlement's state (completed) only through a printed document")
    func reachability() {
        var reached: Set<KioskSessionState> = [.started]
        var frontier: [KioskSessionState] = [.started]
        var into: [KioskSessionState: Set<KioskSessionState>] = [:]
        while let state = frontier.popLast() {
            for step in KioskStep.allCases {
                guard let next = KioskSessionWorkflow.next(from: state, step) else { continue }
                into[next, default: []].insert(state)
                if reached.insert(next).inserted { frontier.append(next) }
            }
        }
        #expect(reached == Set(KioskSessionState.allCases))
        #expect(into[.completed] == [.issued], "only an issued document completes a session")
        #expect(into[.issued] == [.authenticated], "nothing is issued before a card")
        #expect(into[.refused] == [.authenticated])
    }

    @Test("the wire carries the state by its name, and a name that is not a state is refused")
    func wire() throws {
        let view = KioskSessionView(requestId: "req-00000001", state: .issued, cityCode: "149802", expiresAt: "2026-11-24T10:00:00.000+09:00")
        let json = String(decoding: try JSONEncoder().encode(view), as: UTF8.self)
        #expect(json.contains(#""state":"issued""#))
        let forged = json.replacingOccurrences(of: #""state":"issued""#, with: #""state":"printedTwice""#)
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(KioskSessionView.self, from: Data(forged.utf8)) }
    }

    @Test("a refusal code reads back to its reason; other text does not")
    func refusalCodes() {
        for reason in RefusalReason.allCases { #expect(RefusalReason(code: reason.code) == reason) }
        #expect(RefusalReason(code: "underAgeUnattended") == nil)
        #expect(RefusalReason(code: "refusal.") == nil)
        #expect(RefusalReason(code: "kiosk.outOfOrder") == nil)
    }
}
