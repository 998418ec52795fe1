/// Where a store session (コンビニ交付の取引) is. A closed set: the city stores it, the wire carries it, the copier
/// shows it, and `KioskSessionWorkflow` is the one place that says how one state leads to another.
public enum KioskSessionState: String, Sendable, Codable, CaseIterable {
    /// The kiosk asked for a session; the challenge is out, no card yet
    case started
    /// A card (or a phone's certificate) signed the challenge; the session secret is out
    case authenticated
    /// Paid and issued: the document is on its way to the printer, voided unless its print is confirmed in time
    case issued
    /// Printed and confirmed: the only state that counts for settlement
    case completed
    /// The rules refused the certificate; the refusal is in the ledger
    case refused
    /// Cancelled, failed to print, or timed out; an issued document was voided with it
    case aborted

    /// Still in progress, with a deadline (the sweep aborts it after).
    public var isOpen: Bool {
        switch self {
        case .started, .authenticated, .issued: true
        case .completed, .refused, .aborted: false
        }
    }

    public var japanese: String {
        switch self {
        case .started: "開始"
        case .authenticated: "本人確認済み"
        case .issued: "交付済み（印刷待ち）"
        case .completed: "印刷完了"
        case .refused: "不交付"
        case .aborted: "中止"
        }
    }

    /// The states still in progress, as SQL names them: `'started', 'authenticated', 'issued'`.
    public static var openSQLList: String {
        allCases.filter(\.isOpen).map { "'\($0.rawValue)'" }.joined(separator: ", ")
    }
}

/// What happens to a store session, step by step.
public enum KioskStep: String, Sendable, CaseIterable {
    /// The card signed the challenge (again, after a lost answer: the same card gets a new secret)
    case card
    /// The fee was paid and the certificate issued
    case issue
    /// The rules refused the order
    case refuse
    /// The kiosk confirmed the print in time
    case printed
    /// The kiosk cancelled, the print failed, or the deadline passed
    case abort
}

/// The transition table of a store session, checked in one place (like `ReviewWorkflow`).
public enum KioskSessionWorkflow {
    /// The state a step leads to, or `nil` when the step is not allowed there.
    public static func next(from state: KioskSessionState, _ step: KioskStep) -> KioskSessionState? {
        switch (state, step) {
        case (.started, .card), (.authenticated, .card): .authenticated
        case (.authenticated, .issue): .issued
        case (.authenticated, .refuse): .refused
        case (.issued, .printed): .completed
        case (.started, .abort), (.authenticated, .abort), (.issued, .abort): .aborted
        default: nil
        }
    }

    /// The state a step leads to, or the coded error a kiosk gets for a step out of order.
    public static func require(from state: KioskSessionState, _ step: KioskStep) throws -> KioskSessionState {
        guard let to = next(from: state, step) else {
            throw MadoguchiError(
                .kioskOutOfOrder, ja: "取引の手順が正しくありません（\(state.japanese)の取引に\(step.rawValue)はできません）",
                en: "Out of order: a session that is \(state.rawValue) cannot take \(step.rawValue)")
        }
        return to
    }
}

/// What an order at a store came to: the certificate issued (its document waits for the print), or the rules'
/// refusal with its reasons (recorded in the ledger; the session has ended).
public enum KioskOrderOutcome: Sendable, Hashable {
    case issued(KioskSessionView)
    case refused(KioskSessionView, [RefusalReason])

    /// The session after the order, either way.
    public var view: KioskSessionView {
        switch self {
        case .issued(let view), .refused(let view, _): view
        }
    }
}

extension MadoguchiError.Code {
    public static let kioskOutOfOrder = Self("kiosk.outOfOrder")
}
