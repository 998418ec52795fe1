import Foundation

/// One line of the store menu: a kind and its store fee today.
public struct KioskMenuItem: Sendable, Codable, Hashable {
    public var kind: CertificateKind
    public var nameJa: String
    public var nameEn: String
    public var feeYen: Int
    public var feeLabel: String
    /// For 所得・課税証明書: the fiscal year offered
    public var fiscalYear: Int?

    public init(kind: CertificateKind, nameJa: String, nameEn: String, feeYen: Int, feeLabel: String, fiscalYear: Int? = nil) {
        self.kind = kind
        self.nameJa = nameJa
        self.nameEn = nameEn
        self.feeYen = feeYen
        self.feeLabel = feeLabel
        self.fiscalYear = fiscalYear
    }
}

public struct KioskMenu: Sendable, Codable, Hashable {
    public var cityCode: String
    public var cityName: String
    public var open: Bool
    public var closure: String?
    public var messageJa: String?
    public var messageEn: String?
    public var items: [KioskMenuItem]

    public init(cityCode: String, cityName: String, open: Bool, closure: String? = nil, messageJa: String? = nil, messageEn: String? = nil, items: [KioskMenuItem]) {
        self.cityCode = cityCode
        self.cityName = cityName
        self.open = open
        self.closure = closure
        self.messageJa = messageJa
        self.messageEn = messageEn
        self.items = items
    }
}

/// A session as the kiosk sees it after each step.
public struct KioskSessionView: Sendable, Codable, Hashable {
    public var requestId: String
    public var state: KioskSessionState
    public var cityCode: String
    /// The challenge the card must sign (base64url of a `CardChallenge` naming the city and the request), at start
    public var challenge: String?
    /// The session secret, in the card step's answer only: every later step must present it
    public var sessionSecret: String?
    public var expiresAt: String
    public var cardSerial: String?
    public var kind: CertificateKind?
    public var copies: Int?
    public var feeYen: Int?
    public var documentId: String?
    public var voidedDocumentId: String?
    /// Why the city refused the order (state `refused`)
    public var refusals: [KioskMessage]?
    /// The fee quoted for a choice (quote)
    public var quoteYen: Int?
    /// The document: the PDF (base64) and the JWS printed as its QR code (order)
    public var pdf: String?
    public var token: String?
    /// Where the certificate that signed in lives: `card` or `smartphone`, from the card step on
    public var medium: String?

    public init(requestId: String, state: KioskSessionState, cityCode: String, challenge: String? = nil, sessionSecret: String? = nil, expiresAt: String, cardSerial: String? = nil, kind: CertificateKind? = nil, copies: Int? = nil, feeYen: Int? = nil, documentId: String? = nil, voidedDocumentId: String? = nil, refusals: [KioskMessage]? = nil, quoteYen: Int? = nil, pdf: String? = nil, token: String? = nil, medium: String? = nil) {
        self.medium = medium
        self.requestId = requestId
        self.state = state
        self.cityCode = cityCode
        self.challenge = challenge
        self.sessionSecret = sessionSecret
        self.expiresAt = expiresAt
        self.cardSerial = cardSerial
        self.kind = kind
        self.copies = copies
        self.feeYen = feeYen
        self.documentId = documentId
        self.voidedDocumentId = voidedDocumentId
        self.refusals = refusals
        self.quoteYen = quoteYen
        self.pdf = pdf
        self.token = token
    }
}

/// A coded message in both languages (a refusal, or an error).
public struct KioskMessage: Sendable, Codable, Hashable {
    public var code: String
    public var ja: String
    public var en: String

    public init(code: String, ja: String, en: String) {
        self.code = code
        self.ja = ja
        self.en = en
    }
}

/// The kiosk's messages, as sent on the wire (kiosk → hub → city).
public enum KioskWire {
    public struct Start: Sendable, Codable, Hashable {
        public var requestId: String
        public var chain: String
        public var store: String
        public init(requestId: String, chain: String, store: String) {
            self.requestId = requestId
            self.chain = chain
            self.store = store
        }
    }

    public struct CardProof: Sendable, Codable, Hashable {
        /// The card certificate, PEM
        public var certificate: String
        /// The card's signature over the challenge, base64url
        public var signature: String
        public init(certificate: String, signature: String) {
            self.certificate = certificate
            self.signature = signature
        }
    }

    public struct Choice: Sendable, Codable, Hashable {
        public var cardSerial: String
        /// The secret of the card step's answer
        public var sessionSecret: String?
        public var order: KioskOrder
        /// What the resident paid into the copier (order only)
        public var paidYen: Int?
        public init(cardSerial: String, sessionSecret: String?, order: KioskOrder, paidYen: Int? = nil) {
            self.cardSerial = cardSerial
            self.sessionSecret = sessionSecret
            self.order = order
            self.paidYen = paidYen
        }
    }

    public struct Printed: Sendable, Codable, Hashable {
        public var cardSerial: String
        public var sessionSecret: String?
        public var documentId: String
        public init(cardSerial: String, sessionSecret: String?, documentId: String) {
            self.cardSerial = cardSerial
            self.sessionSecret = sessionSecret
            self.documentId = documentId
        }
    }

    public struct Abort: Sendable, Codable, Hashable {
        public var reason: String
        /// Required once the card step has answered
        public var sessionSecret: String?
        public init(reason: String, sessionSecret: String?) {
            self.reason = reason
            self.sessionSecret = sessionSecret
        }
    }
}



public struct KioskOrder: Sendable, Codable, Hashable {
    public var kind: CertificateKind
    public var copies: Int
    public var scope: RecordScope?
    public var items: [OptionalItem]?
    public var fiscalYear: Int?

    public init(kind: CertificateKind, copies: Int = 1, scope: RecordScope? = nil, items: [OptionalItem]? = nil,
                fiscalYear: Int? = nil) {
        self.kind = kind
        self.copies = copies
        self.scope = scope
        self.items = items
        self.fiscalYear = fiscalYear
    }
}

