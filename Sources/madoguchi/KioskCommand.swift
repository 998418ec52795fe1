import ArgumentParser
import AsyncHTTPClient
import Foundation
import Hummingbird
import Logging
import MadoguchiDomain
import MadoguchiHub
import MadoguchiPKI

/// `madoguchi kiosk`: a store copier on the command line, driving the whole protocol through a hub.
struct Kiosk: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print a certificate at a simulated store: card, PIN, choice, fee, print, through a hub.",
        discussion: """
            Exits 0 when the certificate printed to --out; otherwise 1, with the refusal or error code
            (e.g. refusal.underAgeUnattended, card.pinWrong, card.revoked, kiosk.closed) on standard error.
            The card file keeps its PIN error count, as the chip does. MADOGUCHI_STORE_TOKEN is the store chain's
            secret at the hub (the chains file of `madoguchi hub`).
            """)

    @Option(help: "The hub's URL.") var hub: String
    @Option(help: "The card file, or a smartphone's (from `madoguchi card issue [--medium smartphone]`).") var card: String
    @Option(help: "The 4-digit PIN (利用者証明用) of the card, or of the phone's certificate, typed on the phone.") var pin: String?
    @Flag(help: "A phone held to the reader and unlocked by its biometrics (指紋・顔) instead of its PIN.") var biometric = false
    @Option(help: "The certificate: \(CertificateKind.allCases.map(\.rawValue).joined(separator: ", ")).") var kind: String
    @Option(help: "Copies (1–10).") var copies: Int = 1
    @Option(help: "Where to write the printed PDF.") var out: String
    @Option(help: "For 戸籍: the 本籍地's 全国地方公共団体コード, after a 本籍地利用登録 there.") var honseki: String?
    @Option(help: "住民票: individual or household (世帯全員).") var scope: String = "individual"
    @Option(help: "The store chain.") var chain: String = "MADOGUCHI-MART"
    @Option(help: "The store.") var store: String = "0001"

    func run() async throws {
        let (order, city, cardURL): (KioskOrder, String?, URL) = try reporting {
            let kinds = try parseKinds(kind)
            guard kinds.count == 1, let kind = kinds.first else {
                throw MadoguchiError(.invalidOption, ja: "--kind は1種類だけ指定してください", en: "--kind takes one kind")
            }
            guard let scope = RecordScope(rawValue: scope) else {
                throw MadoguchiError(.invalidOption, ja: "--scope は individual か household です", en: "--scope is individual or household")
            }
            guard (pin == nil) == biometric else {
                throw MadoguchiError(.invalidOption, ja: "--pin か --biometric のどちらか一方を指定してください",
                                     en: "Give either --pin or --biometric")
            }
            return (KioskOrder(kind: kind, copies: copies, scope: kind.isResidentRecord ? scope : nil),
                    try honseki.map { try LocalGovernmentCode($0).digits }, URL(fileURLWithPath: card))
        }
        var softwareCard: SoftwareCard = try reporting {
            do {
                return try JSONDecoder().decode(SoftwareCard.self, from: Data(contentsOf: cardURL))
            } catch {
                throw MadoguchiError(.invalidOption, ja: "カードファイルを読めません: \(card)", en: "Unreadable card file \(card)")
            }
        }
        let credential = try reporting { try storeCredential() }
        let client = KioskClient(hub: hub, chain: chain, store: store, credential: credential, client: HTTPClient.shared)
        let transaction = KioskTransaction(client: client)
        let target = URL(fileURLWithPath: out)
        let unlock: SoftwareCard.Unlock = pin.map { .pin($0) } ?? .biometric(matched: true)
        let outcome = await transaction.run(card: &softwareCard, unlock: unlock, city: city, order: order) { _, pdf in
            try pdf.write(to: target, options: .atomic)
        }
        // The chip remembers wrong PINs whatever happened next.
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try? encoder.encode(softwareCard).write(to: cardURL, options: .atomic)
        switch outcome {
        case .printed(let view, let pdf):
            print("印刷しました / printed: \(out) (\(pdf.count) bytes)")
            print("取引 / request: \(transaction.requestId)  証明書 / document: \(view.documentId ?? "")  手数料 / fee: \(view.feeYen ?? 0)円")
        case .refused(let reasons):
            for r in reasons { printError("交付できません: \(r.ja)\nrefused: \(r.en) [\(r.code)]") }
            try? FileManager.default.removeItem(at: target)
            throw ExitCode(1)
        case .failed(let failure, let aborted):
            printError("エラー: \(failure.ja)\nerror: \(failure.en) [\(failure.code)]")
            if aborted { printError("取引を中止しました（交付済みの証明書は無効です） / the session was aborted at the city; nothing valid was issued") }
            try? FileManager.default.removeItem(at: target)
            throw ExitCode(1)
        }
    }
}

/// `madoguchi hub`: the stateless relay between stores and cities.
struct HubCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hub",
        abstract: "Relay store kiosks to the cities' Madoguchi servers (stateless; run as many as you like).",
        subcommands: [HubServe.self, HubKeygen.self], defaultSubcommand: HubServe.self)
}

/// The file a secret or key comes from: the option, else the environment variable.
func secretFile(_ option: String?, _ variable: String, what: (ja: String, en: String)) throws -> String {
    guard let file = option ?? ProcessInfo.processInfo.environment[variable].flatMap({ $0.isEmpty ? nil : $0 }),
        let text = try? String(contentsOfFile: file, encoding: .utf8)
    else {
        throw MadoguchiError(
            .hubBadConfiguration, ja: "\(what.ja)のファイルがありません（オプションまたは \(variable)）",
            en: "No readable \(what.en) file (the option or \(variable))")
    }
    return text
}

/// A store's chain secret at the hub, from `MADOGUCHI_STORE_TOKEN`.
func storeCredential() throws -> String {
    guard let token = ProcessInfo.processInfo.environment["MADOGUCHI_STORE_TOKEN"], !token.isEmpty else {
        throw MadoguchiError(
            .invalidOption, ja: "店舗チェーンの秘密（MADOGUCHI_STORE_TOKEN）がありません",
            en: "MADOGUCHI_STORE_TOKEN (the store chain's secret at the hub) is not set")
    }
    return token
}

struct HubServe: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the hub (the default).",
        discussion: """
            The hub signs every request to a city with its key (--key, MADOGUCHI_HUB_KEY: a file from `madoguchi hub
            keygen`), and serves the store chains of --chains (MADOGUCHI_HUB_CHAINS: `CHAIN SECRET` lines): a store
            presents its chain's secret as a bearer token and acts for that chain only. It refuses to start without
            either. MADOGUCHI_CLOCK sets the clock's start.
            A chain's settlement for every city: GET /kiosk/v1/settlement?month=YYYY-MM (CSV), with its secret.
            """)

    @Option(help: "Address to listen on.") var host: String = "127.0.0.1"
    @Option(help: "Port to listen on.") var port: Int = 8090
    @Option(help: "A city as CODE=URL (全国地方公共団体コード=its Madoguchi server), repeatable.") var city: [String] = []
    @Option(help: "A file with one CODE=URL per line (# comments), instead of or besides --city.") var config: String?
    @Option(help: "A store maintenance day (YYYY-MM-DD), repeatable.") var maintenanceDay: [String] = []
    @Option(help: "The hub's signing key file (default MADOGUCHI_HUB_KEY).") var key: String?
    @Option(help: "The store chains' secrets, `CHAIN SECRET` lines (default MADOGUCHI_HUB_CHAINS).") var chains: String?
    @Option(help: "Seconds the hub waits for a city's answer before telling the kiosk the city is unavailable.")
    var upstreamTimeout: Int64 = 20

    func run() async throws {
        var logger = Logger(label: "madoguchi-hub")
        logger.logLevel = ProcessInfo.processInfo.environment["LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .info
        let configuration = try reporting { () throws -> HubConfiguration in
            var pairs = city
            if let config {
                guard let text = try? String(contentsOfFile: config, encoding: .utf8) else {
                    throw MadoguchiError(.invalidOption, ja: "設定ファイルを読めません: \(config)", en: "Unreadable config \(config)")
                }
                pairs += text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
                    .filter { !$0.isEmpty && !$0.hasPrefix("#") }
            }
            var hours = StoreHours()
            for day in maintenanceDay {
                guard let date = CivilDate.parseGregorian(day) else {
                    throw MadoguchiError(.invalidDate, ja: "日付が読めません: \(day)", en: "Not a date: \(day)")
                }
                hours.maintenanceDays.insert(date)
            }
            let cities = try HubConfiguration.parseCities(pairs)
            guard let signingKey = HubSignature.SigningKey(fileText: try secretFile(key, "MADOGUCHI_HUB_KEY", what: ("ハブの署名鍵", "hub signing key")))
            else {
                throw MadoguchiError(.hubBadConfiguration, ja: "ハブの署名鍵を読めません（hub keygen で作成）", en: "Unreadable hub signing key (make one with hub keygen)")
            }
            let chainSecrets = try HubConfiguration.parseChains(
                try secretFile(chains, "MADOGUCHI_HUB_CHAINS", what: ("店舗チェーンの秘密", "store chains")))
            return HubConfiguration(
                host: host, port: port, cities: cities, signingKey: signingKey, chains: chainSecrets,
                clock: try environmentClock(), hours: hours, upstreamTimeoutSeconds: max(1, upstreamTimeout))
        }
        var clientConfiguration = HTTPClient.Configuration()
        clientConfiguration.connectionPool = .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: 64)
        // The upstream timeout is the one limit on a city's answer: a shorter connect or read timeout here would
        // answer hub.cityUnavailable for a city that is only busy, sooner than the operator asked for.
        let patience = Int64(configuration.upstreamTimeoutSeconds)
        clientConfiguration.timeout = .init(connect: .seconds(patience), read: .seconds(patience))
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: clientConfiguration)
        let app = buildHub(configuration: configuration, client: client, logger: logger)
        print("ハブを開始しました / hub \(configuration.signingKey.id) serving: http://\(host):\(port)/ → \(configuration.cities.sorted(by: { $0.key < $1.key }).map { "\($0.key)=\($0.value)" }.joined(separator: " "))")
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

/// `madoguchi hub keygen`: a hub's Ed25519 signing key, written to a file only its owner can read; the line a city
/// adds to its hub-keys file is printed.
struct HubKeygen: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keygen",
        abstract: "Make a hub's signing key; print the `ID PUBLIC-KEY` line for the cities' hub-keys files.")

    @Option(help: "The hub's key id (letters, digits, -_.).") var id: String
    @Option(help: "Where to write the private key (created readable by its owner only; never overwritten).") var out: String

    func run() throws {
        try reporting {
            let key = HubSignature.SigningKey.generate(id: id)
            guard HubSignature.SigningKey(fileText: key.fileText) != nil else {
                throw MadoguchiError(.invalidOption, ja: "鍵IDは英数字と -_. で64文字まで", en: "A key id is up to 64 letters, digits or -_.")
            }
            guard !FileManager.default.fileExists(atPath: out) else {
                throw MadoguchiError(.invalidOption, ja: "鍵ファイルが既にあります（上書きしません）: \(out)", en: "\(out) exists; a key is never overwritten")
            }
            guard FileManager.default.createFile(atPath: out, contents: Data(key.fileText.utf8), attributes: [.posixPermissions: 0o600])
            else {
                throw MadoguchiError(.invalidOption, ja: "鍵を書けません: \(out)", en: "Cannot write the key to \(out)")
            }
            print("\(key.id) \(key.publicKey)")
        }
    }
}

/// `madoguchi store`: a simulated store copier whose touch screen is a web page.
struct StoreCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "store",
        abstract: "Run a simulated store copier (touch-screen page) that prints certificates through a hub.",
        discussion: """
            Open http://HOST:PORT/ in a browser. Cards are the card files in --cards; prints land in --prints.
            MADOGUCHI_STORE_TOKEN is the chain's secret at the hub.
            """)

    @Option(help: "Address to listen on.") var host: String = "127.0.0.1"
    @Option(help: "Port to listen on.") var port: Int = 8095
    @Option(help: "The hub's URL.") var hub: String
    @Option(help: "The folder of card files the reader offers.") var cards: String
    @Option(help: "The folder the printer writes to.") var prints: String = "madoguchi-data/prints"
    @Option(help: "The store chain.") var chain: String = "MADOGUCHI-MART"
    @Option(help: "The store.") var store: String = "0001"

    func run() async throws {
        try reporting {
            var isFolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: cards, isDirectory: &isFolder), isFolder.boolValue else {
                throw MadoguchiError(.invalidOption, ja: "カードのフォルダがありません: \(cards)", en: "No card folder \(cards)")
            }
            try FileManager.default.createDirectory(atPath: prints, withIntermediateDirectories: true)
        }
        let credential = try reporting { try storeCredential() }
        let app = buildStore(
            configuration: StoreConfiguration(
                host: host, port: port, hub: hub, cardsFolder: cards, printFolder: prints, chain: chain, store: store,
                credential: credential),
            http: HTTPClient.shared)
        print("店舗端末を開始しました / store copier: http://\(host):\(port)/ (hub \(hub))")
        fflush(nil)
        try await app.runService()
    }
}
