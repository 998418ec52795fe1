import Foundation

/// What a card signs: which protocol asks, for which city and which session, and a fresh nonce. The signature
/// therefore proves the holder's PIN for this one session only: replayed in another session, another city or
/// another protocol (a store kiosk's challenge shown on a phishing copy of the resident page), it does not verify,
/// because the city rebuilds these bytes from its own code, its own session id and the nonce it stored.
///
/// The software on the holder's side (the copier, `madoguchi card answer`) reads the challenge before the card
/// signs it, and refuses one that names another protocol, city or session.
///
/// Wire form: the UTF-8 lines `madoguchi-card-challenge/1`, purpose, city code, session id, nonce (base64url);
/// sent as base64url of those bytes.
public struct CardChallenge: Sendable, Hashable {
    public enum Purpose: String, Sendable, CaseIterable {
        /// A store kiosk session (コンビニ交付); the session id is the kiosk's request id
        case kiosk
        /// Signing in to 住民向けアクセス記録 (`/my`); the session id is the challenge id
        case resident
    }

    public static let version = "madoguchi-card-challenge/1"
    public static let nonceBytes = 32

    public var purpose: Purpose
    public var cityCode: String
    public var sessionId: String
    public var nonce: Data

    public init(purpose: Purpose, cityCode: String, sessionId: String, nonce: Data) {
        self.purpose = purpose
        self.cityCode = cityCode
        self.sessionId = sessionId
        self.nonce = nonce
    }

    /// A fresh nonce from the system's generator.
    public static func freshNonce() -> Data {
        var rng = SystemRandomNumberGenerator()
        return Data((0..<nonceBytes).map { _ in UInt8.random(in: 0...255, using: &rng) })
    }

    /// The exact bytes the card signs.
    public var bytes: Data {
        Data([Self.version, purpose.rawValue, cityCode, sessionId, Base64URL.encode(nonce)].joined(separator: "\n").utf8)
    }

    /// As sent: base64url of the bytes.
    public var encoded: String { Base64URL.encode(bytes) }

    /// Reads a challenge strictly: the version line, a known purpose, a six-digit city code, a session id of
    /// 8–100 ASCII letters, digits or `-_.:`, and a 32-byte nonce. Anything else is not a challenge.
    public init?(bytes: Data) {
        guard bytes.count <= 400, let text = String(data: bytes, encoding: .utf8) else { return nil }
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard lines.count == 5, lines[0] == Self.version, let purpose = Purpose(rawValue: lines[1]),
            lines[2].utf8.count == 6, lines[2].allSatisfy({ $0.isASCII && $0.isNumber }),
            (8...100).contains(lines[3].utf8.count), lines[3].allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-_.:".contains($0)) }),
            let nonce = Base64URL.decode(lines[4]), nonce.count == Self.nonceBytes
        else { return nil }
        self.init(purpose: purpose, cityCode: lines[2], sessionId: lines[3], nonce: nonce)
    }

    /// Reads the base64url form.
    public init?(encoded: String) {
        guard let bytes = Base64URL.decode(encoded.trimmingCharacters(in: .whitespacesAndNewlines)) else { return nil }
        self.init(bytes: bytes)
    }

    /// Whether this is the challenge a holder's software expects: this protocol, this city, this session.
    public func names(_ purpose: Purpose, city: String, session: String? = nil) -> Bool {
        self.purpose == purpose && cityCode == city && (session == nil || sessionId == session)
    }
}
