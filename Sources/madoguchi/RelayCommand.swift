import ArgumentParser
import AsyncHTTPClient
import Foundation
import Logging
import MadoguchiDomain
import MadoguchiHub

/// `madoguchi relay`: the city-to-city relay for 広域交付.
struct RelayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "relay",
        abstract: "Relay 広域交付 queries between cities (stateless): a counter in one city prints another city's records.",
        discussion: """
            Each city has a secret of its own (MADOGUCHI_RELAY_TOKEN at the city); the --secrets file lists them, one
            'CODE SECRET' per line. A city asks with its own secret; the relay asks the keeping city with that city's
            secret and names the asking city in X-Madoguchi-From-City.
            """)

    @Option(help: "Address to listen on.") var host: String = "127.0.0.1"
    @Option(help: "Port to listen on.") var port: Int = 8070
    @Option(help: "A city as CODE=URL (全国地方公共団体コード=its Madoguchi server), repeatable.") var city: [String] = []
    @Option(help: "The cities' secrets: one 'CODE SECRET' per line (# comments).") var secrets: String

    func run() async throws {
        var logger = Logger(label: "madoguchi-relay")
        logger.logLevel = ProcessInfo.processInfo.environment["LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .info
        let configuration = try reporting { () throws -> RelayConfiguration in
            let cities = try HubConfiguration.parseCities(city)
            guard let text = try? String(contentsOfFile: secrets, encoding: .utf8) else {
                throw MadoguchiError(.invalidOption, ja: "秘密のファイルを読めません: \(secrets)", en: "Unreadable secrets file \(secrets)")
            }
            return RelayConfiguration(host: host, port: port, cities: cities, tokens: try RelayConfiguration.parseTokens(text, cities: cities))
        }
        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        let app = buildRelay(configuration: configuration, client: client, logger: logger)
        print("広域交付の中継を開始しました / relay serving: http://\(host):\(port)/ → \(configuration.cities.keys.sorted().joined(separator: " "))")
        fflush(nil)
        do {
            try await app.runService()
        } catch {
            try? await client.shutdown()
            throw error
        }
        try await client.shutdown()
    }
}
