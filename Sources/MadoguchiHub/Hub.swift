import AsyncHTTPClient
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import MadoguchiDomain
import MadoguchiPKI
import NIOCore
import X509

/// What a hub knows: the cities it relays to, its own signing key, and the store chains it serves. Nothing else;
/// it keeps no state between requests, so any number of hubs can run side by side (the J-LIS 証明書交付センター role).
public struct HubConfiguration: Sendable {
    public var host: String
    public var port: Int
    /// 全国地方公共団体コード (6 digits) → the city's Madoguchi server
    public var cities: [String: String]
    /// Signs every request to a city (ADR 0009 §3); the cities hold its public key
    public var signingKey: HubSignature.SigningKey
    /// Store chain → its secret: a store presents its chain's secret, and acts for that chain only
    public var chains: [String: String]
    public var clock: MadoguchiClock
    public var hours: StoreHours
    /// How long the hub waits for a city before answering 504
    public var upstreamTimeoutSeconds: Int64

    public init(
        host: String = "127.0.0.1", port: Int = 8090, cities: [String: String], signingKey: HubSignature.SigningKey,
        chains: [String: String], clock: MadoguchiClock = .system, hours: StoreHours = StoreHours(), upstreamTimeoutSeconds: Int64 = 20
    ) {
        self.host = host
        self.port = port
        self.cities = cities
        self.signingKey = signingKey
        self.chains = chains
        self.clock = clock
        self.hours = hours
        self.upstreamTimeoutSeconds = upstreamTimeoutSeconds
    }

    /// Reads `CODE=URL` pairs (`--city 149802=http://127.0.0.1:8080`); each code's check digit is checked.
    public static func parseCities(_ pairs: [String]) throws -> [String: String] {
        var cities: [String: String] = [:]
        for pair in pairs {
            let parts = pair.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, let url = URL(string: parts[1]), url.scheme == "http" || url.scheme == "https", url.host != nil
            else {
                throw MadoguchiError(
                    .hubBadConfiguration, ja: "--city は 団体コード=URL の形で指定してください: \(pair)",
                    en: "--city takes CODE=URL: \(pair)")
            }
            let code = try LocalGovernmentCode(parts[0]).digits
            guard cities[code] == nil else {
                throw MadoguchiError(.hubBadConfiguration, ja: "団体コードが重複しています: \(code)", en: "City \(code) given twice")
            }
            cities[code] = parts[1].hasSuffix("/") ? String(parts[1].dropLast()) : parts[1]
        }
        guard !cities.isEmpty else {
            throw MadoguchiError(.hubBadConfiguration, ja: "中継先の市区町村がありません（--city）", en: "No cities to relay to (--city)")
        }
        return cities
    }

    /// Reads a chains file: one `CHAIN SECRET` per line (`#` comments), a secret of 32 characters or more each.
    public static func parseChains(_ text: String) throws -> [String: String] {
        var chains: [String: String] = [:]
        for (number, parts) in settingLines(text) {
            guard parts.count == 2, (1...100).contains(parts[0].count), parts[1].count >= 32, chains[parts[0]] == nil,
                !chains.values.contains(parts[1])
            else {
                throw MadoguchiError(
                    .hubBadConfiguration, ja: "\(number + 1)行目: チェーン名 と 32文字以上の秘密 を空白で区切って書いてください（重複不可）",
                    en: "Line \(number + 1): write CHAIN and a secret of 32 characters or more, separated by a space (no repeats)")
            }
            chains[parts[0]] = parts[1]
        }
        guard !chains.isEmpty else {
            throw MadoguchiError(.hubBadConfiguration, ja: "店舗チェーンがありません", en: "No store chains in the chains file")
        }
        return chains
    }
}

extension MadoguchiError.Code {
    public static let hubBadConfiguration = Self("hub.badConfiguration")
    public static let hubUnknownCity = Self("hub.unknownCity")
    public static let hubCityUnavailable = Self("hub.cityUnavailable")
    public static let hubCityRequired = Self("hub.cityRequired")
    public static let hubStoreUnauthorized = Self("hub.storeUnauthorized")
    public static let hubChainMismatch = Self("hub.chainMismatch")
    public static let hubUnknownStep = Self("hub.unknownStep")
}

/// An error the hub answers itself, in the one envelope every server answers with (`ErrorEnvelope`).
struct HubError: HTTPResponseError {
    let status: HTTPResponse.Status
    let error: MadoguchiError

    func response(from request: Request, context: some RequestContext) throws -> Response {
        var headers = HTTPFields()
        headers[.contentType] = ErrorEnvelope.contentType
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(data: ErrorEnvelope(error).encoded())))
    }
}

/// The header naming the city a kiosk message is for: the card's city, or the 本籍地 for 戸籍.
public let cityHeader = HTTPField.Name("X-Madoguchi-City")!
public let requestIdHeader = HTTPField.Name("X-Request-Id")!
/// The city that issued the card (its CA), when it is not the city asked (本籍地): the hub checks the card there.
public let cardCityHeader = HTTPField.Name("X-Madoguchi-Card-City")!

/// The cities' card authorities, fetched once from `/pki/ca.pem` (a cache, not state: any hub can refetch).
actor AuthorityCache {
    private var roots: [String: Certificate] = [:]

    func root(_ city: String, fetch: () async throws -> Certificate) async throws -> Certificate {
        if let root = roots[city] { return root }
        let root = try await fetch()
        roots[city] = root
        return root
    }
}

/// The relay: `/kiosk/v1/...` with `X-Madoguchi-City` goes to that city's server, path for path.
public struct Hub: Sendable {
    public let configuration: HubConfiguration
    let client: HTTPClient
    let authorities = AuthorityCache()

    public init(configuration: HubConfiguration, client: HTTPClient) {
        self.configuration = configuration
        self.client = client
    }

    func base(_ code: String) throws -> String {
        guard let base = configuration.cities[code] else {
            throw HubError(
                status: .notFound,
                error: MadoguchiError(.hubUnknownCity, ja: "この市区町村はコンビニ交付に参加していません: \(code)",
                                      en: "City \(code) does not take part in store issuance"))
        }
        return base
    }

    /// A GET to a city; signed when `city` is given (the kiosk protocol), plain for its public PKI.
    func get(_ base: String, _ target: String, city: String? = nil) async throws -> (Int, ByteBuffer) {
        var request = HTTPClientRequest(url: base + target)
        if let city {
            for (name, value) in try configuration.signingKey.headers(
                method: "GET", target: target, city: city, body: Data(), now: configuration.clock.now())
            {
                request.headers.add(name: name, value: value)
            }
        }
        let response = try await client.execute(request, timeout: .seconds(configuration.upstreamTimeoutSeconds))
        return (Int(response.status.code), try await response.body.collect(upTo: 1 << 20))
    }

    /// Before a card reaches a city, the hub checks it with the city that issued it: the chain to that city's
    /// card authority at the hub's clock, and the certificate's status (revoked, expired, unknown).
    func checkCard(_ body: ByteBuffer, cardCity: String) async throws {
        func refuse(_ code: String, _ ja: String, _ en: String, _ status: HTTPResponse.Status = .forbidden) -> HubError {
            HubError(status: status, error: MadoguchiError(.init(code), ja: ja, en: en))
        }
        guard let proof = try? JSONDecoder().decode(KioskWire.CardProof.self, from: Data(buffer: body)),
            let certificate = try? Certificate(pemEncoded: proof.certificate)
        else { throw refuse("card.malformed", "カードの証明書を読めません", "The card certificate is unreadable", .badRequest) }
        let base = try base(cardCity)
        let unavailable = refuse(
            "hub.cardStatusUnavailable", "カードの発行元で失効状態を確認できません。しばらくしてからお試しください",
            "The card's status cannot be checked with its city; please try again later", .badGateway)
        let root: Certificate
        do {
            root = try await authorities.root(cardCity) {
                let (status, pem) = try await get(base, "/pki/ca.pem")
                guard status == 200 else { throw unavailable }
                return try Certificate(pemEncoded: String(buffer: pem))
            }
        } catch { throw unavailable }
        guard await CardAuthority.validates(card: certificate, root: root, at: configuration.clock.now()) else {
            throw refuse("hub.cardUntrusted", "この電子証明書は確認できません（発行元・有効期限）",
                         "The card certificate does not check against its city's authority (issuer or validity)")
        }
        let serial = String(decoding: certificate.serialNumber.bytes, as: UTF8.self)
        guard serial.allSatisfy(\.isNumber),
            let (status, answer) = try? await get(base, "/pki/status/\(serial)"), status == 200,
            let state = try? JSONDecoder().decode(CardStatusAnswer.self, from: Data(buffer: answer))
        else { throw unavailable }
        switch state.status {
        case "good": return
        case "revoked":
            throw refuse("hub.cardRevoked", "この電子証明書は失効しています。お住まいの市区町村の窓口にお問い合わせください",
                         "This card certificate is revoked; please contact your city's counter")
        case "expired":
            throw refuse("hub.cardExpired", "電子証明書の有効期限が切れています", "The card certificate has expired")
        default:
            throw refuse("hub.cardUnknown", "発行記録のない電子証明書です", "The card's city has no record of this certificate")
        }
    }

    struct CardStatusAnswer: Decodable { let status: String }

    /// Sends a request on to a city and returns its answer as it came. `path` and `query` are the hub's own
    /// spelling of the step, never the path the store sent.
    func relay(_ request: Request, city code: String, path: String, query: String? = nil, body collected: ByteBuffer? = nil) async throws
        -> Response
    {
        let base = try base(code)
        let target = path + (query.map { "?" + $0 } ?? "")
        var upstream = HTTPClientRequest(url: base + target)
        upstream.method = .init(rawValue: request.method.rawValue)
        for name in [HTTPField.Name.contentType, requestIdHeader] {
            if let value = request.headers[name] { upstream.headers.add(name: name.canonicalName, value: value) }
        }
        var sent = collected ?? ByteBuffer()
        if collected == nil, request.method == .post { sent = try await request.body.collect(upTo: 1 << 20) }
        if request.method == .post { upstream.body = .bytes(sent) }
        for (name, value) in try configuration.signingKey.headers(
            method: request.method.rawValue, target: target, city: code, body: Data(buffer: sent), now: configuration.clock.now())
        {
            upstream.headers.add(name: name, value: value)
        }
        let answer: HTTPClientResponse
        let body: ByteBuffer
        do {
            answer = try await client.execute(upstream, timeout: .seconds(configuration.upstreamTimeoutSeconds))
            body = try await answer.body.collect(upTo: 64 << 20)
        } catch {
            throw HubError(
                status: .badGateway,
                error: MadoguchiError(.hubCityUnavailable, ja: "市区町村のシステムに接続できません。しばらくしてからお試しください",
                                      en: "The city's system cannot be reached; please try again later"))
        }
        var headers = HTTPFields()
        for name in [HTTPField.Name.contentType, requestIdHeader] {
            if let value = answer.headers.first(name: name.canonicalName) { headers[name] = value }
        }
        return Response(status: .init(code: Int(answer.status.code)), headers: headers, body: .init(byteBuffer: body))
    }

    /// The store chain whose secret the request presents (`Authorization: Bearer`); every kiosk route needs one.
    func chain(of request: Request) throws -> String {
        guard let header = request.headers[.authorization], header.hasPrefix("Bearer ") else { throw Self.storeUnauthorized }
        let presented = Array(header.dropFirst(7).utf8)
        var found: String?
        for (chain, secret) in configuration.chains where constantTimeEqual(presented, Array(secret.utf8)) { found = chain }
        guard let found else { throw Self.storeUnauthorized }
        return found
    }

    static let storeUnauthorized = HubError(
        status: .unauthorized,
        error: MadoguchiError(.hubStoreUnauthorized, ja: "店舗チェーンの認証が必要です", en: "A store chain's credential is required"))

    /// The month's settlement of one chain, across every city (or the one asked), merged into one CSV. A chain sees
    /// its own lines only.
    func settlement(month: String, chain: String, city only: String? = nil) async throws -> String {
        var lines: [Settlement.Line] = []
        var missing: [String] = []
        if let only { _ = try base(only) }
        for (code, base) in configuration.cities.sorted(by: { $0.key < $1.key }) where only == nil || only == code {
            do {
                let (status, body) = try await get(base, "/kiosk/v1/settlement?month=\(month)", city: code)
                let text = String(buffer: body)
                guard status == 200 else {
                    throw HubError(status: .badRequest, error: MadoguchiError(
                        .badHubRequest, ja: "精算を作れません（\(code)）: \(text)", en: "No settlement from \(code): \(text)"))
                }
                lines += Settlement.parse(text).filter { $0.chain == chain }
            } catch let error as HubError {
                throw error
            } catch {
                missing.append(code)
            }
        }
        guard missing.isEmpty else {
            throw HubError(
                status: .badGateway,
                error: MadoguchiError(.hubCityUnavailable, ja: "精算できない市区町村があります: \(missing.joined(separator: ", "))",
                                      en: "No answer from \(missing.joined(separator: ", ")); the settlement would be incomplete"))
        }
        return Settlement.csv(month: month, lines)
    }
}

extension MadoguchiError.Code {
    public static let badHubRequest = Self("hub.badRequest")
}

/// The hub's HTTP application.
public func buildHub(configuration: HubConfiguration, client: HTTPClient, logger: Logger = Logger(label: "madoguchi-hub"))
    -> some ApplicationProtocol
{
    let router = buildHubRouter(hub: Hub(configuration: configuration, client: client))
    return Application(
        router: router,
        configuration: ApplicationConfiguration(address: .hostname(configuration.host, port: configuration.port), serverName: "Madoguchi-Hub"),
        logger: logger)
}

public func buildHubRouter(hub: Hub) -> Router<BasicRequestContext> {
    let router = Router(context: BasicRequestContext.self)
    router.get("/health") { _, _ -> String in "ok" }
    router.get("/kiosk/v1/cities") { request, _ -> Response in
        _ = try hub.chain(of: request)
        let data = try JSONEncoder().encode(hub.configuration.cities.keys.sorted())
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(data: data)))
    }
    router.get("/kiosk/v1/settlement") { request, _ -> Response in
        let chain = try hub.chain(of: request)
        let month = request.uri.queryParameters.get("month") ?? String(LedgerRecord.timestamp(hub.configuration.clock.now()).prefix(7))
        guard Settlement.isMonth(month) else {
            throw HubError(status: .badRequest, error: MadoguchiError(
                .badHubRequest, ja: "月は YYYY-MM で指定してください: \(month)", en: "The month is YYYY-MM: \(month)"))
        }
        var headers = HTTPFields()
        headers[.contentType] = "text/csv; charset=utf-8"
        headers[.contentDisposition] = "attachment; filename=\"settlement-\(month).csv\""
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: try await hub.settlement(month: month, chain: chain, city: request.headers[cityHeader]))))
    }
    @Sendable func city(_ request: Request) throws -> String {
        guard let city = request.headers[cityHeader] else {
            throw HubError(status: .badRequest, error: MadoguchiError(
                .hubCityRequired, ja: "宛先の市区町村（X-Madoguchi-City）がありません", en: "The X-Madoguchi-City header is required"))
        }
        return city
    }
    router.get("/kiosk/v1/menu") { request, _ in
        _ = try hub.chain(of: request)
        return try await hub.relay(request, city: try city(request), path: "/kiosk/v1/menu")
    }
    router.post("/kiosk/v1/sessions") { request, _ in
        let chain = try hub.chain(of: request)
        let city = try city(request)
        // The hub turns stores away out of hours itself, before any city is asked.
        if let closure = hub.configuration.hours.closure(at: hub.configuration.clock.now()) {
            throw HubError(status: .serviceUnavailable, error: MadoguchiError(.init("kiosk.closed"), ja: closure.japanese, en: closure.english))
        }
        // A store starts sessions for its own chain only: the chain is what the cities settle fees with.
        let body = try await request.body.collect(upTo: 1 << 20)
        guard let start = try? JSONDecoder().decode(KioskWire.Start.self, from: Data(buffer: body)) else {
            throw HubError(status: .badRequest, error: MadoguchiError(.badHubRequest, ja: "取引の開始要求が読めません", en: "Unreadable session start"))
        }
        guard start.chain == chain else {
            throw HubError(status: .forbidden, error: MadoguchiError(
                .hubChainMismatch, ja: "この店舗チェーンの取引として開始できません", en: "A store may start sessions for its own chain only"))
        }
        return try await hub.relay(request, city: city, path: "/kiosk/v1/sessions", body: body)
    }
    router.post("/kiosk/v1/sessions/:requestId/:step") { request, context in
        _ = try hub.chain(of: request)
        let city = try city(request)
        let (requestId, step) = try HubStep.parse(
            requestId: context.parameters.get("requestId") ?? "", step: context.parameters.get("step") ?? "")
        // The path the city gets is spelled here, from a known step: a card step under any other spelling
        // (`card/`, `%63ard`, `./card`) is either this step, checked, or no step at all.
        let path = "/kiosk/v1/sessions/\(requestId)/\(step.rawValue)"
        if step == .card {
            let body = try await request.body.collect(upTo: 1 << 20)
            try await hub.checkCard(body, cardCity: request.headers[cardCityHeader] ?? city)
            return try await hub.relay(request, city: city, path: path, body: body)
        }
        return try await hub.relay(request, city: city, path: path)
    }
    return router
}

/// The steps of a store session the hub relays, and nothing else.
enum HubStep: String, CaseIterable {
    case card, quote, order, printed, abort

    /// A request id as the cities accept it (8–100 ASCII letters, digits or `-_.:`), and a known step spelled
    /// exactly; anything else is refused before any city is asked.
    static func parse(requestId: String, step: String) throws -> (String, HubStep) {
        guard let known = HubStep(rawValue: step) else {
            throw HubError(status: .notFound, error: MadoguchiError(
                .hubUnknownStep, ja: "この手順は中継しません", en: "No such step of a store session"))
        }
        guard (8...100).contains(requestId.utf8.count),
            requestId.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-_.:".contains($0)) })
        else {
            throw HubError(status: .badRequest, error: MadoguchiError(
                .badHubRequest, ja: "リクエストIDが正しくありません", en: "The request id is not one the cities accept"))
        }
        return (requestId, known)
    }
}
