import AsyncHTTPClient
import Foundation
import MadoguchiDomain
import MadoguchiPKI
import NIOCore
import NIOHTTP1

/// Why a kiosk step failed: the city's or the hub's coded message, or the network.
public struct KioskFailure: Error, Sendable, Hashable, CustomStringConvertible {
    public var code: String
    public var ja: String
    public var en: String
    /// The HTTP status, when an answer came
    public var status: Int?
    /// Every refusal, when the city refused the certificate
    public var refusals: [KioskMessage]

    public init(code: String, ja: String, en: String, status: Int? = nil, refusals: [KioskMessage] = []) {
        self.code = code
        self.ja = ja
        self.en = en
        self.status = status
        self.refusals = refusals
    }

    public var description: String { "\(en) [\(code)]" }

    /// Worth sending again: the network, or a hub or city that is busy or down. Every step is idempotent.
    var isTransient: Bool { status == nil || status == 502 || status == 503 && code != "kiosk.closed" || status == 504 }

    static func transport(_ error: any Error) -> KioskFailure {
        KioskFailure(code: "kiosk.network", ja: "通信できません", en: "Network failure: \(error)")
    }
}

/// The store copier's side of the protocol, over HTTP to a hub. Each step names the request id; a retry of
/// a step is safe because the city keys everything on it.
public struct KioskClient: Sendable {
    public let hub: String
    public let chain: String
    public let store: String
    /// The chain's secret at the hub
    let credential: String
    public var attempts: Int
    public var stepTimeoutSeconds: Int64
    let client: HTTPClient

    public init(
        hub: String, chain: String, store: String, credential: String, client: HTTPClient, attempts: Int = 4, stepTimeoutSeconds: Int64 = 20
    ) {
        self.hub = hub.hasSuffix("/") ? String(hub.dropLast()) : hub
        self.chain = chain
        self.store = store
        self.credential = credential
        self.client = client
        self.attempts = attempts
        self.stepTimeoutSeconds = stepTimeoutSeconds
    }

    /// A fresh request id: the store and a random part, so two requests in the same second never collide.
    public static func newRequestId() -> String {
        "K" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
    }

    func call<T: Decodable>(
        _ method: HTTPMethod, _ path: String, city: String, requestId: String?, body: (some Encodable)?, cardCity: String? = nil,
        as: T.Type
    ) async throws -> T {
        var request = HTTPClientRequest(url: hub + path)
        request.method = method
        request.headers.add(name: "Authorization", value: "Bearer \(credential)")
        request.headers.add(name: "X-Madoguchi-City", value: city)
        if let requestId { request.headers.add(name: "X-Request-Id", value: requestId) }
        if let cardCity { request.headers.add(name: "X-Madoguchi-Card-City", value: cardCity) }
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(data: try JSONEncoder().encode(body)))
        }
        var last = KioskFailure(code: "kiosk.network", ja: "通信できません", en: "No attempt made")
        for attempt in 0..<max(1, attempts) {
            if attempt > 0 { try? await Task.sleep(for: .milliseconds(200 * (1 << min(attempt, 4)))) }
            let data: Data
            let status: Int
            do {
                let response = try await client.execute(request, timeout: .seconds(stepTimeoutSeconds))
                data = Data(buffer: try await response.body.collect(upTo: 64 << 20))
                status = Int(response.status.code)
            } catch {
                last = .transport(error)
                continue
            }
            if (200..<300).contains(status) {
                do { return try JSONDecoder().decode(T.self, from: data) } catch {
                    throw KioskFailure(code: "kiosk.badAnswer", ja: "応答が読めません", en: "Unreadable answer: \(error)", status: status)
                }
            }
            last = Self.failure(data, status: status)
            guard last.isTransient else { throw last }
        }
        throw last
    }

    static func failure(_ data: Data, status: Int) -> KioskFailure {
        guard let body = try? JSONDecoder().decode(ErrorEnvelope.self, from: data) else {
            return KioskFailure(code: "kiosk.http\(status)", ja: "エラー応答（\(status)）", en: "HTTP \(status)", status: status)
        }
        return KioskFailure(
            code: body.error.code, ja: body.error.message.ja, en: body.error.message.en, status: status,
            refusals: (body.error.refusals ?? []).map { KioskMessage(code: $0.code, ja: $0.message.ja, en: $0.message.en) })
    }

    static let none: String? = nil

    public func menu(city: String) async throws -> KioskMenu {
        try await call(.GET, "/kiosk/v1/menu", city: city, requestId: nil, body: Self.none, as: KioskMenu.self)
    }

    public func cities() async throws -> [String] {
        try await call(.GET, "/kiosk/v1/cities", city: "", requestId: nil, body: Self.none, as: [String].self)
    }

    public func start(city: String, requestId: String) async throws -> KioskSessionView {
        try checked(
            try await call(
                .POST, "/kiosk/v1/sessions", city: city, requestId: requestId,
                body: KioskWire.Start(requestId: requestId, chain: chain, store: store), as: KioskSessionView.self),
            requestId)
    }

    public func step(
        _ step: String, city: String, requestId: String, body: some Encodable, cardCity: String? = nil
    ) async throws -> KioskSessionView {
        try checked(
            try await call(.POST, "/kiosk/v1/sessions/\(requestId)/\(step)", city: city, requestId: requestId, body: body,
                           cardCity: cardCity, as: KioskSessionView.self),
            requestId)
    }

    /// The challenge of a start's answer, read before the card signs it: it must be for the kiosk protocol, the city
    /// asked and this request. Anything else (another city's or session's challenge, or a resident page's passed
    /// off as a kiosk's) is never put to the card.
    public static func challenge(of view: KioskSessionView, city: String, requestId: String) throws -> Data {
        guard let encoded = view.challenge, let challenge = CardChallenge(encoded: encoded),
            challenge.names(.kiosk, city: city, session: requestId)
        else {
            throw KioskFailure(
                code: "kiosk.crossedChallenge", ja: "この取引のための確認ではないため、カードに署名させません",
                en: "The challenge is not for this city and request; the card will not sign it")
        }
        return challenge.bytes
    }

    /// Every answer must be for this request: anything else is never shown or printed.
    func checked(_ view: KioskSessionView, _ requestId: String) throws -> KioskSessionView {
        guard view.requestId == requestId else {
            throw KioskFailure(
                code: "kiosk.crossedAnswer", ja: "別の取引の応答を受け取ったため中止します", en: "An answer for another request arrived; stopping")
        }
        return view
    }
}

/// What came of one whole transaction at the copier.
public enum KioskOutcome: Sendable {
    /// Printed and confirmed: the document, with its PDF and QR token
    case printed(KioskSessionView, pdf: Data)
    /// The city refused the certificate (the reasons, coded)
    case refused([KioskMessage])
    /// Stopped: the failure, and whether the session was aborted at the city (its document voided)
    case failed(KioskFailure, abortedAtCity: Bool)
}

/// One store transaction: start → card (PIN on the card) → quote → pay → order → print → confirm. Any failure
/// after the start aborts the session at the city, which voids a document already issued.
public struct KioskTransaction: Sendable {
    public let client: KioskClient
    public let requestId: String

    public init(client: KioskClient, requestId: String = KioskClient.newRequestId()) {
        self.client = client
        self.requestId = requestId
    }

    /// Runs the whole transaction. `city` is the card's city, or the 本籍地 for 戸籍. `print` is the copier's
    /// printer; when it throws, the transaction aborts. The card is changed (PIN tries), so it is `inout`.
    public func run(
        card: inout SoftwareCard, pin: String, city: String? = nil, order: KioskOrder,
        print: @Sendable (KioskSessionView, Data) async throws -> Void
    ) async -> KioskOutcome {
        await run(card: &card, unlock: .pin(pin), city: city, order: order, print: print)
    }

    /// The same, the key unlocked as the holder chooses: a card's PIN on the copier's keypad, or a phone held to the
    /// reader and unlocked on the phone (its PIN or its biometrics). The copier never sees a phone's unlock.
    public func run(
        card: inout SoftwareCard, unlock: SoftwareCard.Unlock, city: String? = nil, order: KioskOrder,
        print: @Sendable (KioskSessionView, Data) async throws -> Void
    ) async -> KioskOutcome {
        let city = city ?? card.cityCode
        var started = false
        var secret: String?
        do {
            let session = try await client.start(city: city, requestId: requestId)
            started = true
            let challenge = try KioskClient.challenge(of: session, city: city, requestId: requestId)
            let signature: Data
            do {
                signature = try card.sign(challenge: challenge, unlock: unlock)
            } catch let error as SoftwareCard.CardError {
                throw Self.cardFailure(error, medium: card.medium)
            }
            let authenticated = try await client.step(
                "card", city: city, requestId: requestId,
                body: KioskWire.CardProof(certificate: card.certificatePEM, signature: Base64URL.encode(signature)),
                cardCity: card.cityCode)
            guard let serial = authenticated.cardSerial, serial == card.serial else {
                throw KioskFailure(code: "kiosk.crossedAnswer", ja: "カードが一致しません", en: "The city bound another card")
            }
            secret = authenticated.sessionSecret
            let quote = try await client.step(
                "quote", city: city, requestId: requestId, body: KioskWire.Choice(cardSerial: serial, sessionSecret: secret, order: order))
            if let refusals = quote.refusals, !refusals.isEmpty {
                // Ordering what the rules refuse records the refusal in the city's ledger and ends the session.
                let refused = try? await client.step(
                    "order", city: city, requestId: requestId, body: KioskWire.Choice(cardSerial: serial, sessionSecret: secret, order: order, paidYen: 0))
                return .refused(refused?.refusals ?? refusals)
            }
            let fee = quote.quoteYen ?? 0
            let issued = try await client.step(
                "order", city: city, requestId: requestId, body: KioskWire.Choice(cardSerial: serial, sessionSecret: secret, order: order, paidYen: fee))
            if issued.state == .refused { return .refused(issued.refusals ?? []) }
            let (documentId, pdf, token) = try Self.document(of: issued, serial: serial, kind: order.kind)
            do {
                try await print(issued, pdf)
            } catch {
                throw KioskFailure(code: "kiosk.printFailure", ja: "印刷できませんでした", en: "The print failed: \(error)")
            }
            let done = try await client.step(
                "printed", city: city, requestId: requestId, body: KioskWire.Printed(cardSerial: serial, sessionSecret: secret, documentId: documentId))
            return .printed(done.with(pdf: issued.pdf ?? "", token: token), pdf: pdf)
        } catch {
            let failure = (error as? KioskFailure) ?? .transport(error)
            guard started, failure.code != "kiosk.sessionExpired" else {
                return .failed(failure, abortedAtCity: failure.code == "kiosk.sessionExpired")
            }
            let reason = failure.code == "kiosk.printFailure" ? "printFailure" : failure.code
            let aborted = try? await client.step("abort", city: city, requestId: requestId, body: KioskWire.Abort(reason: reason, sessionSecret: secret))
            return .failed(failure, abortedAtCity: aborted?.state == .aborted || aborted?.state == .refused)
        }
    }

    static func cardFailure(_ error: SoftwareCard.CardError, medium: String = "card") -> KioskFailure {
        let phone = medium == "smartphone"
        switch error {
        case .wrongPIN(let left):
            return KioskFailure(
                code: "card.pinWrong", ja: "暗証番号が違います（あと\(left)回でロックされます）",
                en: "Wrong PIN (\(left) tries before the \(phone ? "certificate" : "card") locks)")
        case .locked where phone:
            return KioskFailure(
                code: "card.locked", ja: "スマホ用電子証明書がロックされました。マイナンバーカードを使ってスマートフォンで再設定するか、市区町村の窓口で解除してください",
                en: "The phone's certificate is locked; reset it on the phone with your card, or at a counter of your city")
        case .locked:
            return KioskFailure(code: "card.locked", ja: "カードがロックされました。お住まいの市区町村の窓口で解除してください",
                                en: "The card is locked; a counter at your city can unlock it")
        case .malformedPIN:
            return KioskFailure(code: "card.pinMalformed", ja: "暗証番号は4桁の数字です", en: "A PIN is four digits")
        case .biometricMismatch:
            return KioskFailure(
                code: "card.biometricMismatch", ja: "生体認証で確認できませんでした。もう一度お試しいただくか、暗証番号を入力してください",
                en: "The phone did not recognise you; try again or enter the PIN")
        case .biometricUnavailable:
            return KioskFailure(
                code: "card.biometricUnavailable", ja: "この電子証明書は生体認証で利用できません。暗証番号を入力してください",
                en: "This certificate cannot be unlocked by biometrics; enter the PIN")
        }
    }

    /// The document an issued answer carries, only if it is this session's: issued to this card, of the kind
    /// ordered, and its QR token naming it. Anything else is never printed.
    static func document(of view: KioskSessionView, serial: String, kind: CertificateKind) throws -> (String, Data, String) {
        guard view.state == .issued, view.cardSerial == serial, view.kind == kind, let documentId = view.documentId,
            let pdf = view.pdf.flatMap({ Data(base64Encoded: $0) }), let token = view.token,
            tokenNames(token, documentId: documentId)
        else {
            throw KioskFailure(code: "kiosk.crossedAnswer", ja: "この取引の証明書ではありません", en: "The document is not this session's")
        }
        return (documentId, pdf, token)
    }

    /// The QR token names this document (its `jti`): a document for another request never prints.
    static func tokenNames(_ token: String, documentId: String) -> Bool {
        let parts = token.split(separator: ".")
        guard parts.count == 3, let payload = Base64URL.decode(parts[1]),
            let claims = try? JSONDecoder().decode(DocumentClaims.self, from: payload)
        else { return false }
        return claims.jti == documentId
    }
}

extension KioskSessionView {
    func with(pdf: String, token: String) -> KioskSessionView {
        var copy = self
        copy.pdf = pdf
        copy.token = token
        return copy
    }
}
