import Foundation

/// One entry of the issuance ledger: every issuance, refusal, void and reprint, as it happened.
/// The ledger is append-only and hash-chained; this is the part that is hashed.
public struct LedgerRecord: Sendable, Codable, Hashable {
    /// The closed set of things that happen to a certificate.
    public enum Action: String, Sendable, Codable, CaseIterable {
        /// 交付
        case issue
        /// 不交付 (with the refusal codes)
        case refuse
        /// 無効 (a printed document withdrawn: misprint, wrong person, aborted kiosk session)
        case void
        /// 再交付 (the same content printed again after a printer fault; the earlier copy is superseded)
        case reprint

        public var japanese: String {
            switch self {
            case .issue: "交付"
            case .refuse: "不交付"
            case .void: "無効"
            case .reprint: "再印刷"
            }
        }
    }

    public var action: Action
    /// When, as an ISO 8601 instant in JST with milliseconds
    public var at: String
    /// The document concerned (issue, void, reprint)
    public var documentId: String?
    public var kind: CertificateKind
    public var subjectId: Int64
    public var requesterClass: RequesterClass
    public var channel: Channel
    public var facilityId: String?
    public var copies: Int
    public var feeYen: Int
    /// Refusal codes (refuse)
    public var refusals: [String]
    /// Why (void, reprint)
    public var reason: String?
    /// SHA-256 (hex) of the document's canonical content (issue, reprint)
    public var contentDigest: String?
    public var idempotencyKey: String?
    /// The staff member or terminal that acted
    public var actor: String?
    /// 広域交付: the city whose records the certificate was made from (the subject is `0` here), and its reference
    public var keepingCity: String?
    public var keepingSubject: String?
    /// A store issuance: whose certificate opened the session, the card's or a smartphone's (スマホ用電子証明書), so the
    /// indicators count them apart. Absent elsewhere and in entries from before issue 12 (which were all cards).
    public var medium: CertificateMedium?

    public init(
        action: Action, at: String, documentId: String? = nil, kind: CertificateKind, subjectId: Int64,
        requesterClass: RequesterClass, channel: Channel, facilityId: String? = nil, copies: Int = 1, feeYen: Int = 0,
        refusals: [String] = [], reason: String? = nil, contentDigest: String? = nil, idempotencyKey: String? = nil,
        actor: String? = nil, keepingCity: String? = nil, keepingSubject: String? = nil, medium: CertificateMedium? = nil
    ) {
        self.medium = medium
        self.keepingCity = keepingCity
        self.keepingSubject = keepingSubject
        self.action = action
        self.at = at
        self.documentId = documentId
        self.kind = kind
        self.subjectId = subjectId
        self.requesterClass = requesterClass
        self.channel = channel
        self.facilityId = facilityId
        self.copies = copies
        self.feeYen = feeYen
        self.refusals = refusals
        self.reason = reason
        self.contentDigest = contentDigest
        self.idempotencyKey = idempotencyKey
        self.actor = actor
    }

    /// The bytes that are hashed: JSON with sorted keys and no optional whitespace.
    public func canonicalJSON() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(self)
    }

    /// An instant as the ledger writes it: `2026-11-24T10:00:00.123+09:00`.
    public static func timestamp(_ date: Date) -> String {
        let ms = Int64((date.timeIntervalSince1970 * 1000).rounded())  // nearest ms: no float noise below it
        let jst = ms + Int64(JapanTime.offsetSeconds) * 1000
        let day = CivilDate(dayNumber: Int(floorDiv(jst, 86_400_000)))
        let inDay = jst - floorDiv(jst, 86_400_000) * 86_400_000
        let h = inDay / 3_600_000, m = inDay / 60_000 % 60, s = inDay / 1000 % 60, f = inDay % 1000
        func two(_ n: Int64) -> String { n < 10 ? "0\(n)" : "\(n)" }
        let frac = f < 10 ? "00\(f)" : f < 100 ? "0\(f)" : "\(f)"
        return "\(day)T\(two(h)):\(two(m)):\(two(s)).\(frac)+09:00"
    }

    static func floorDiv(_ a: Int64, _ b: Int64) -> Int64 { a >= 0 ? a / b : (a - b + 1) / b }
}
