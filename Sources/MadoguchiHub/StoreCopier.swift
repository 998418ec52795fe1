import AsyncHTTPClient
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import MadoguchiDomain
import MadoguchiPKI
import NIOCore

/// A simulated store copier (マルチコピー機): its touch screen is a web page, its card reader a tray of card
/// files, its printer a folder. It speaks the kiosk protocol to a hub, step by step as the resident touches.
public struct StoreConfiguration: Sendable {
    public var host: String
    public var port: Int
    public var hub: String
    /// The folder of card files (`madoguchi card issue --out`): the cards a resident can place on the reader
    public var cardsFolder: String
    /// Where the printer puts documents
    public var printFolder: String
    public var chain: String
    public var store: String
    /// The chain's secret at the hub
    public var credential: String

    public init(host: String = "127.0.0.1", port: Int = 8095, hub: String, cardsFolder: String, printFolder: String,
                chain: String = "MADOGUCHI-MART", store: String = "0001", credential: String) {
        self.credential = credential
        self.host = host
        self.port = port
        self.hub = hub
        self.cardsFolder = cardsFolder
        self.printFolder = printFolder
        self.chain = chain
        self.store = store
    }
}

/// The copier's memory of the transaction on screen (one machine; a few at most in a test).
actor CopierState {
    struct Session {
        var cardFile: String
        var city: String
        var challenge: Data
        var serial: String?
        /// The card step's session secret: every later step presents it
        var secret: String?
        var documentId: String?
        var pdf: Data?
        var printedFile: String?
        var printing = false
    }
    var sessions: [String: Session] = [:]

    func put(_ id: String, _ session: Session) { sessions[id] = session }
    func get(_ id: String) -> Session? { sessions[id] }
    /// Claims the printer for a session, once: a second tap while printing gets `false`.
    func beginPrint(_ id: String) -> Bool {
        guard var s = sessions[id], !s.printing, s.printedFile == nil else { return false }
        s.printing = true
        sessions[id] = s
        return true
    }
    func update(_ id: String, _ change: (inout Session) -> Void) {
        if var s = sessions[id] {
            change(&s)
            sessions[id] = s
        }
    }
}

/// An error the copier answers its screen with: the one envelope every server uses (`ErrorEnvelope`), with the status
/// the city gave, or else the one status map's (`ErrorStatus`).
struct CopierError: HTTPResponseError {
    let status: HTTPResponse.Status
    let failure: KioskFailure

    init(_ failure: KioskFailure, status: HTTPResponse.Status? = nil) {
        self.failure = failure
        self.status = status ?? HTTPResponse.Status(code: ErrorStatus.status(of: failure.code))
    }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        var headers = HTTPFields()
        headers[.contentType] = ErrorEnvelope.contentType
        headers[.cacheControl] = "no-store"
        let envelope = ErrorEnvelope(
            code: failure.code, ja: failure.ja, en: failure.en, refusals: failure.refusals.map { .init(code: $0.code, ja: $0.ja, en: $0.en) })
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(data: envelope.encoded())))
    }
}

public struct StoreCopier: Sendable {
    let configuration: StoreConfiguration
    let client: KioskClient
    let state = CopierState()

    public init(configuration: StoreConfiguration, http: HTTPClient) {
        self.configuration = configuration
        self.client = KioskClient(
            hub: configuration.hub, chain: configuration.chain, store: configuration.store, credential: configuration.credential, client: http)
    }

    static func json(_ value: some Encodable, status: HTTPResponse.Status = .ok) throws -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        var headers = HTTPFields()
        headers[.contentType] = "application/json; charset=utf-8"
        headers[.cacheControl] = "no-store"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(data: try encoder.encode(value))))
    }

    struct CardEntry: Codable {
        let file: String
        let serialTail: String
        let cityCode: String
        let locked: Bool
        /// `card` (placed in the card reader) or `smartphone` (held to the reader, unlocked on the phone)
        let medium: String
        /// A phone with biometrics enrolled for its certificate
        let biometric: Bool
    }

    func cardURL(_ file: String) throws -> URL {
        guard !file.contains("/"), file.hasSuffix(".json") else {
            throw CopierError(KioskFailure(code: "store.badCard", ja: "カードを読み取れません", en: "Unreadable card"), status: .badRequest)
        }
        return URL(fileURLWithPath: configuration.cardsFolder).appendingPathComponent(file)
    }

    func loadCard(_ file: String) throws -> SoftwareCard {
        guard let data = try? Data(contentsOf: try cardURL(file)), let card = try? JSONDecoder().decode(SoftwareCard.self, from: data) else {
            throw CopierError(KioskFailure(code: "store.badCard", ja: "カードを読み取れません", en: "Unreadable card"), status: .badRequest)
        }
        return card
    }

    func cards() throws -> [CardEntry] {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: configuration.cardsFolder)) ?? []
        return files.filter { $0.hasSuffix(".json") }.sorted().compactMap { file in
            guard let card = try? loadCard(file) else { return nil }
            return CardEntry(
                file: file, serialTail: String(card.serial.suffix(4)), cityCode: card.cityCode, locked: card.isLocked,
                medium: card.medium, biometric: card.medium == "smartphone" && card.biometric)
        }
    }

    struct StartBody: Decodable {
        let card: String
        /// For 戸籍: the 本籍地 chosen on screen
        let city: String?
    }
    struct PinBody: Decodable { let pin: String }
    /// What the phone reports after its holder unlocked it: `pin` with the phone's PIN, or `biometric` with
    /// whether the phone's sensor matched. (The simulator plays the phone, as it plays the card's chip.)
    struct PhoneBody: Decodable {
        let unlock: String
        let pin: String?
        let matched: Bool?
    }
    struct ChoiceBody: Decodable {
        let kind: CertificateKind
        let copies: Int
        let paidYen: Int?
    }

    func start(_ body: StartBody) async throws -> [String: String] {
        let card = try loadCard(body.card)
        if card.isLocked { throw CopierError(KioskTransaction.cardFailure(.locked, medium: card.medium)) }
        let city = body.city ?? card.cityCode
        let requestId = KioskClient.newRequestId()
        let view = try await step { try await client.start(city: city, requestId: requestId) }
        let challenge: Data
        do { challenge = try KioskClient.challenge(of: view, city: city, requestId: requestId) } catch let failure as KioskFailure {
            throw CopierError(failure)
        }
        await state.put(requestId, .init(cardFile: body.card, city: city, challenge: challenge))
        return ["requestId": requestId, "city": city]
    }

    func session(_ id: String) async throws -> CopierState.Session {
        guard let s = await state.get(id) else {
            throw CopierError(KioskFailure(code: "store.noSession", ja: "取引がありません", en: "No such transaction"), status: .notFound)
        }
        return s
    }

    /// The PIN typed on the copier's keypad goes to the card in the reader, never to the hub; the card's signature
    /// goes to the city. A phone is not unlocked here: its PIN or biometrics stay on the phone.
    func pin(_ id: String, _ body: PinBody) async throws -> KioskMenu {
        let s = try await session(id)
        guard try loadCard(s.cardFile).medium == "card" else {
            throw CopierError(KioskFailure(
                code: "store.unlockOnPhone", ja: "スマートフォンの暗証番号はスマートフォンで入力してください",
                en: "A phone is unlocked on the phone, not on the copier's keypad"), status: .conflict)
        }
        return try await authenticate(id, s, unlock: .pin(body.pin))
    }

    /// A phone held to the reader (スマホ用電子証明書): its holder unlocked it on the phone with the phone's PIN or
    /// biometrics, and the phone signs the challenge as a card would. No card slot, no keypad.
    func phone(_ id: String, _ body: PhoneBody) async throws -> KioskMenu {
        let s = try await session(id)
        guard try loadCard(s.cardFile).medium == "smartphone" else {
            throw CopierError(KioskFailure(
                code: "store.notAPhone", ja: "カードは読み取り部に置いて、暗証番号をこの画面で入力してください",
                en: "A card goes on the reader, with its PIN on this screen"), status: .conflict)
        }
        let unlock: SoftwareCard.Unlock
        switch (body.unlock, body.pin, body.matched) {
        case ("pin", let pin?, _): unlock = .pin(pin)
        case ("biometric", _, let matched?): unlock = .biometric(matched: matched)
        default:
            throw CopierError(KioskFailure(code: "store.badRequest", ja: "入力が読めません", en: "Unreadable request"), status: .badRequest)
        }
        return try await authenticate(id, s, unlock: unlock)
    }

    func authenticate(_ id: String, _ s: CopierState.Session, unlock: SoftwareCard.Unlock) async throws -> KioskMenu {
        var card = try loadCard(s.cardFile)
        let signature: Data
        do {
            signature = try card.sign(challenge: s.challenge, unlock: unlock)
            try save(card, s.cardFile)
        } catch let error as SoftwareCard.CardError {
            try save(card, s.cardFile)
            if case .locked = error {
                _ = try? await client.step("abort", city: s.city, requestId: id, body: KioskWire.Abort(reason: "cardLocked", sessionSecret: nil))
            }
            throw CopierError(KioskTransaction.cardFailure(error, medium: card.medium))
        }
        let view = try await step {
            try await client.step(
                "card", city: s.city, requestId: id,
                body: KioskWire.CardProof(certificate: card.certificatePEM, signature: Base64URL.encode(signature)),
                cardCity: card.cityCode)
        }
        guard view.cardSerial == card.serial else {
            throw CopierError(KioskFailure(code: "kiosk.crossedAnswer", ja: "カードが一致しません", en: "Card mismatch"))
        }
        await state.update(id) {
            $0.serial = card.serial
            $0.secret = view.sessionSecret
        }
        return try await step { try await client.menu(city: s.city) }
    }

    func save(_ card: SoftwareCard, _ file: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try encoder.encode(card).write(to: try cardURL(file), options: .atomic)
    }

    func quote(_ id: String, _ body: ChoiceBody) async throws -> KioskSessionView {
        let s = try await session(id)
        return try await step {
            try await client.step(
                "quote", city: s.city, requestId: id,
                body: KioskWire.Choice(
                    cardSerial: s.serial ?? "", sessionSecret: s.secret, order: KioskOrder(kind: body.kind, copies: body.copies)))
        }
    }

    /// Payment made: the city issues; the document waits in the copier until printed.
    func pay(_ id: String, _ body: ChoiceBody) async throws -> KioskSessionView {
        let s = try await session(id)
        var view = try await step {
            try await client.step(
                "order", city: s.city, requestId: id,
                body: KioskWire.Choice(
                    cardSerial: s.serial ?? "", sessionSecret: s.secret, order: KioskOrder(kind: body.kind, copies: body.copies),
                    paidYen: body.paidYen ?? 0))
        }
        if view.state == .issued {
            let documentId: String
            let pdf: Data
            do {
                (documentId, pdf, _) = try KioskTransaction.document(of: view, serial: s.serial ?? "", kind: body.kind)
            } catch let failure as KioskFailure {
                _ = try? await client.step("abort", city: s.city, requestId: id, body: KioskWire.Abort(reason: "crossedAnswer", sessionSecret: s.secret))
                throw CopierError(failure)
            }
            await state.update(id) {
                $0.documentId = documentId
                $0.pdf = pdf
            }
        }
        view.pdf = nil
        return view
    }

    /// The printer: the paper goes to the print folder, then the city is told it printed.
    func print(_ id: String) async throws -> [String: String] {
        let s = try await session(id)
        if let done = s.printedFile, let documentId = s.documentId {  // printed already: never a second paper
            return ["requestId": id, "documentId": documentId, "file": done, "document": "/api/sessions/\(id)/document.pdf"]
        }
        guard await state.beginPrint(id) else {
            throw CopierError(KioskFailure(code: "store.printing", ja: "印刷中です", en: "Already printing"), status: .conflict)
        }
        guard let pdf = s.pdf, let documentId = s.documentId, let serial = s.serial else {
            throw CopierError(KioskFailure(code: "kiosk.outOfOrder", ja: "印刷する証明書がありません", en: "Nothing to print"), status: .conflict)
        }
        let file = URL(fileURLWithPath: configuration.printFolder).appendingPathComponent("\(id).pdf")
        do {
            try pdf.write(to: file, options: .atomic)
        } catch {
            _ = try? await client.step("abort", city: s.city, requestId: id, body: KioskWire.Abort(reason: "printFailure", sessionSecret: s.secret))
            throw CopierError(KioskFailure(code: "kiosk.printFailure", ja: "印刷できませんでした。証明書は無効になりました", en: "The print failed; the certificate is void"))
        }
        do {
            _ = try await client.step("printed", city: s.city, requestId: id, body: KioskWire.Printed(cardSerial: serial, sessionSecret: s.secret, documentId: documentId))
        } catch let failure as KioskFailure {
            try? FileManager.default.removeItem(at: file)
            throw CopierError(failure)
        }
        await state.update(id) { $0.printedFile = file.path }
        return ["requestId": id, "documentId": documentId, "file": file.path, "document": "/api/sessions/\(id)/document.pdf"]
    }

    func cancel(_ id: String) async throws -> [String: String] {
        let s = try await session(id)
        let view = try? await client.step("abort", city: s.city, requestId: id, body: KioskWire.Abort(reason: "cancelled", sessionSecret: s.secret))
        return ["requestId": id, "state": (view?.state ?? .aborted).rawValue]
    }

    func step<T>(_ body: () async throws -> T) async throws -> T {
        do { return try await body() } catch let failure as KioskFailure {
            throw CopierError(failure, status: failure.status.map { HTTPResponse.Status(code: $0) } ?? .badGateway)
        }
    }

    public func router() -> Router<BasicRequestContext> {
        let router = Router(context: BasicRequestContext.self)
        let copier = self
        router.get("/") { _, _ -> Response in
            var headers = HTTPFields()
            headers[.contentType] = "text/html; charset=utf-8"
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: StorePage.html)))
        }
        router.get("/health") { _, _ -> String in "ok" }
        router.get("/api/cards") { _, _ in try StoreCopier.json(try copier.cards()) }
        router.get("/api/cities") { _, _ in
            // The cities on the hub, by name (from each city's menu), for choosing a 本籍地.
            let codes = try await copier.step { try await copier.client.cities() }
            var cities: [[String: String]] = []
            for code in codes {
                let name = (try? await copier.client.menu(city: code).cityName) ?? code
                cities.append(["code": code, "name": name])
            }
            return try StoreCopier.json(cities)
        }
        router.post("/api/sessions") { request, _ in
            try StoreCopier.json(try await copier.start(try await Self.decode(StartBody.self, request)), status: .created)
        }
        router.post("/api/sessions/:id/pin") { request, context in
            try StoreCopier.json(try await copier.pin(try context.parameters.require("id"), try await Self.decode(PinBody.self, request)))
        }
        router.post("/api/sessions/:id/phone") { request, context in
            try StoreCopier.json(try await copier.phone(try context.parameters.require("id"), try await Self.decode(PhoneBody.self, request)))
        }
        router.post("/api/sessions/:id/quote") { request, context in
            try StoreCopier.json(try await copier.quote(try context.parameters.require("id"), try await Self.decode(ChoiceBody.self, request)))
        }
        router.post("/api/sessions/:id/pay") { request, context in
            try StoreCopier.json(try await copier.pay(try context.parameters.require("id"), try await Self.decode(ChoiceBody.self, request)))
        }
        router.post("/api/sessions/:id/print") { _, context in
            try StoreCopier.json(try await copier.print(try context.parameters.require("id")))
        }
        router.post("/api/sessions/:id/cancel") { _, context in
            try StoreCopier.json(try await copier.cancel(try context.parameters.require("id")))
        }
        router.get("/api/sessions/:id/document.pdf") { _, context -> Response in
            let s = try await copier.session(try context.parameters.require("id"))
            guard let path = s.printedFile, let data = FileManager.default.contents(atPath: path) else {
                throw CopierError(KioskFailure(code: "store.notPrinted", ja: "まだ印刷されていません", en: "Not printed"), status: .notFound)
            }
            var headers = HTTPFields()
            headers[.contentType] = "application/pdf"
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(data: data)))
        }
        return router
    }

    static func decode<T: Decodable>(_ type: T.Type, _ request: Request) async throws -> T {
        let buffer = try await request.body.collect(upTo: 1 << 16)
        guard let value = try? JSONDecoder().decode(T.self, from: Data(buffer: buffer)) else {
            throw CopierError(KioskFailure(code: "store.badRequest", ja: "入力が読めません", en: "Unreadable request"), status: .badRequest)
        }
        return value
    }
}

public func buildStore(configuration: StoreConfiguration, http: HTTPClient, logger: Logger = Logger(label: "madoguchi-store"))
    -> some ApplicationProtocol
{
    Application(
        router: StoreCopier(configuration: configuration, http: http).router(),
        configuration: ApplicationConfiguration(address: .hostname(configuration.host, port: configuration.port), serverName: "Madoguchi-Store"),
        logger: logger)
}
