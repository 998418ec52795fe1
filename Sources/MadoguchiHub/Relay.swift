import AsyncHTTPClient
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import MadoguchiDomain
import NIOCore

/// The city-to-city relay for 広域交付: the role 住基ネット and the 戸籍情報連携システム play between a counter in one
/// city and the records of another. Each city holds its own secret, which the relay knows. A city presents its secret
/// to the relay, so the relay knows who asks. The relay presents the keeping city's secret to it, so the keeping city
/// knows the relay speaks, and it names the asking city in `X-Madoguchi-From-City`. The asking city cannot claim to
/// be another. The relay keeps no state.
public struct RelayConfiguration: Sendable {
    public var host: String
    public var port: Int
    /// 全国地方公共団体コード → the city's Madoguchi server
    public var cities: [String: String]
    /// 全国地方公共団体コード → the city's relay secret (`MADOGUCHI_RELAY_TOKEN` at that city)
    public var tokens: [String: String]
    public var upstreamTimeoutSeconds: Int64

    public init(host: String = "127.0.0.1", port: Int = 8070, cities: [String: String], tokens: [String: String], upstreamTimeoutSeconds: Int64 = 20) {
        self.host = host
        self.port = port
        self.cities = cities
        self.tokens = tokens
        self.upstreamTimeoutSeconds = upstreamTimeoutSeconds
    }

    /// Reads a secrets file: one `CODE SECRET` per line; `#` starts a comment. Every city needs one, of 32 characters
    /// or more.
    public static func parseTokens(_ text: String, cities: [String: String]) throws -> [String: String] {
        var tokens: [String: String] = [:]
        for (number, parts) in settingLines(text) {
            guard parts.count == 2, let code = try? LocalGovernmentCode(parts[0]).digits, parts[1].count >= 32 else {
                throw MadoguchiError(
                    .hubBadConfiguration, ja: "\(number + 1)行目: 団体コード と 32文字以上の秘密 を空白で区切って書いてください",
                    en: "Line \(number + 1): write CODE and a secret of 32 characters or more, separated by a space")
            }
            tokens[code] = parts[1]
        }
        for code in cities.keys where tokens[code] == nil {
            throw MadoguchiError(.hubBadConfiguration, ja: "\(code) の秘密がありません", en: "No secret for city \(code)")
        }
        return tokens
    }
}

/// The header with which the relay names the asking city to the keeping city.
public let fromCityHeader = HTTPField.Name("X-Madoguchi-From-City")!

/// The relay's HTTP application: `POST /relay/v1/cities/{code}/wide-area` (a 広域交付 query),
/// `POST /relay/v1/cities/{code}/support-measures` (a 支援措置 forwarded to the 本籍地) and
/// `POST /relay/v1/cities/{code}/card-status` (a 本籍地 asking a card's own city about it) from an authenticated city
/// go on to that city's `/relay/v1/wide-area`, `/relay/v1/support-measures` and `/relay/v1/card-status`.
public func buildRelay(configuration: RelayConfiguration, client: HTTPClient, logger: Logger = Logger(label: "madoguchi-relay"))
    -> some ApplicationProtocol
{
    Application(
        router: buildRelayRouter(configuration: configuration, client: client),
        configuration: ApplicationConfiguration(address: .hostname(configuration.host, port: configuration.port), serverName: "Madoguchi-Relay"),
        logger: logger)
}

public func buildRelayRouter(configuration: RelayConfiguration, client: HTTPClient) -> Router<BasicRequestContext> {
    let router = Router(context: BasicRequestContext.self)
    router.get("/health") { _, _ -> String in "ok" }
    for path in ["wide-area", "support-measures", "card-status"] {
        router.post("/relay/v1/cities/:city/\(path)") { request, context -> Response in
            try await relayCity(request, context: context, path: path, configuration: configuration, client: client)
        }
    }
    return router
}

/// Passes one city's message on to another, naming the city whose secret asked.
func relayCity(
    _ request: Request, context: BasicRequestContext, path: String, configuration: RelayConfiguration, client: HTTPClient
) async throws -> Response {
    // Who asks: the city whose secret this is.
    guard let header = request.headers[.authorization], header.hasPrefix("Bearer "),
        let asking = configuration.tokens.first(where: { constantTimeEqual(Array(header.dropFirst(7).utf8), Array($0.value.utf8)) })?.key
    else {
        throw HubError(status: .unauthorized, error: MadoguchiError(
            .relayUnauthorized, ja: "市区町村の認証が必要です", en: "A city's relay secret is required"))
    }
    let target = try context.parameters.require("city")
    guard let base = configuration.cities[target], let secret = configuration.tokens[target] else {
        throw HubError(status: .notFound, error: MadoguchiError(
            .relayUnknownCity, ja: "中継先にない市区町村です: \(target)", en: "City \(target) is not on this relay"))
    }
    var upstream = HTTPClientRequest(url: base + "/relay/v1/\(path)")
    upstream.method = .POST
    upstream.headers.add(name: "Content-Type", value: "application/json")
    upstream.headers.add(name: "Authorization", value: "Bearer \(secret)")
    upstream.headers.add(name: fromCityHeader.canonicalName, value: asking)
    upstream.body = .bytes(try await request.body.collect(upTo: 1 << 20))
    let answer: HTTPClientResponse
    let body: ByteBuffer
    do {
        answer = try await client.execute(upstream, timeout: .seconds(configuration.upstreamTimeoutSeconds))
        body = try await answer.body.collect(upTo: 16 << 20)
    } catch {
        throw HubError(status: .badGateway, error: MadoguchiError(
            .wideAreaUnavailable, ja: "\(target) のシステムに接続できません", en: "City \(target) cannot be reached"))
    }
    var headers = HTTPFields()
    headers[.contentType] = answer.headers.first(name: "Content-Type") ?? "application/json"
    return Response(status: .init(code: Int(answer.status.code)), headers: headers, body: .init(byteBuffer: body))
}

func constantTimeEqual(_ a: [UInt8], _ b: [UInt8]) -> Bool {
    guard a.count == b.count else { return false }
    var difference: UInt8 = 0
    for i in a.indices { difference |= a[i] ^ b[i] }
    return difference == 0
}

/// A city's way to the relay: its secret, and the relay's address.
public struct WideAreaRelayClient: WideAreaRelay {
    public let relay: String
    let token: String
    let client: HTTPClient
    public var timeoutSeconds: Int64

    public init(relay: String, token: String, client: HTTPClient, timeoutSeconds: Int64 = 30) {
        self.relay = relay.hasSuffix("/") ? String(relay.dropLast()) : relay
        self.token = token
        self.client = client
        self.timeoutSeconds = timeoutSeconds
    }

    public func ask(_ query: WideAreaQuery, city: String) async throws -> WideAreaAnswer {
        let data = try await post("wide-area", query, city: city)
        do {
            return try JSONDecoder().decode(WideAreaAnswer.self, from: data)
        } catch {
            throw MadoguchiError(.wideAreaBadAnswer, ja: "応答を読めません", en: "Unreadable answer from the relay: \(error)")
        }
    }

    public func forward(_ measure: ForwardedSupportMeasure, city: String) async throws {
        _ = try await post("support-measures", measure, city: city)
    }

    public func cardStatus(serial: String, city: String) async throws -> RelayedCardStatus {
        let data = try await post("card-status", ["serial": serial], city: city)
        guard let status = try? JSONDecoder().decode(RelayedCardStatus.self, from: data), status.serial == serial else {
            throw MadoguchiError(.wideAreaBadAnswer, ja: "応答を読めません", en: "Unreadable card status from the relay")
        }
        return status
    }

    /// Posts a message for `city` to the relay; the answer's body when it is 200, else its coded error.
    func post(_ path: String, _ message: some Encodable, city: String) async throws -> Data {
        var request = HTTPClientRequest(url: "\(relay)/relay/v1/cities/\(city)/\(path)")
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "Authorization", value: "Bearer \(token)")
        request.body = .bytes(ByteBuffer(data: try JSONEncoder().encode(message)))
        let status: Int
        let data: Data
        do {
            let response = try await client.execute(request, timeout: .seconds(timeoutSeconds))
            status = Int(response.status.code)
            data = Data(buffer: try await response.body.collect(upTo: 16 << 20))
        } catch {
            throw MadoguchiError(
                .wideAreaUnavailable, ja: "広域交付の中継に接続できません。しばらくしてからお試しください",
                en: "The wide-area relay cannot be reached; please try again later")
        }
        guard status == 200 else {
            let failure = KioskClient.failure(data, status: status)
            throw MadoguchiError(.init(failure.code), ja: failure.ja, en: failure.en)
        }
        return data
    }
}

/// The lines of a settings file that say something: `#` starts a comment; each line's words, split on spaces or
/// tabs, with its number (0-based).
func settingLines(_ text: String) -> [(Int, [String])] {
    text.split(separator: "\n", omittingEmptySubsequences: false).enumerated().compactMap { number, raw in
        let line = raw.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first?.trimmingCharacters(in: .whitespaces) ?? ""
        return line.isEmpty ? nil : (number, line.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init))
    }
}
