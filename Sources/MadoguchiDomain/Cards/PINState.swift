/// 利用者証明用電子証明書のPIN (4 digits): three wrong tries lock the card; only a counter unlocks it.
/// The count of wrong tries resets only on a correct PIN.
public struct PINState: Sendable, Hashable, Codable {
    public static let maximumTries = 3

    /// Wrong tries since the last correct one
    public private(set) var failures: Int
    public var isLocked: Bool { failures >= Self.maximumTries }
    public var triesLeft: Int { max(0, Self.maximumTries - failures) }

    public init(failures: Int = 0) { self.failures = min(failures, Self.maximumTries) }

    public enum Outcome: Sendable, Hashable {
        case accepted
        /// Wrong; `triesLeft` before the card locks
        case wrong(triesLeft: Int)
        /// This try locked the card, or it was locked already (the PIN is not even compared)
        case locked
    }

    /// One try. A locked card answers `.locked` whatever PIN is entered.
    public mutating func attempt(correct: Bool) -> Outcome {
        guard !isLocked else { return .locked }
        if correct {
            failures = 0
            return .accepted
        }
        failures += 1
        return isLocked ? .locked : .wrong(triesLeft: triesLeft)
    }

    /// 窓口での初期化: after checking the holder's identity, a clerk clears the lock.
    public mutating func unlockAtCounter() { failures = 0 }

    /// Whether a PIN is well formed: exactly four ASCII digits.
    public static func isWellFormed(_ pin: String) -> Bool {
        pin.count == 4 && pin.allSatisfy { $0.isASCII && $0.isNumber }
    }
}
