import ArgumentParser
import Foundation
import Hummingbird
import Logging
import MadoguchiDemo
import AsyncHTTPClient
import MadoguchiDomain
import MadoguchiHub
import MadoguchiIssuance
import MadoguchiPKI
import MadoguchiServer
import MadoguchiStore

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Serve the web pages and the staff API. Creates the demo city when the database does not exist.",
        discussion: """
            Staff sign in with their own accounts (`madoguchi staff`, /admin). A new demo database gets one account per
            role (passwords from MADOGUCHI_DEMO_PASSWORD, or generated and printed once); a database with no account gets
            an administrator (password from MADOGUCHI_ADMIN_PASSWORD, or generated and printed once).
            MADOGUCHI_SECURE_COOKIES=1 marks the session cookie Secure (set it when the server is reached over TLS);
            MADOGUCHI_TRUSTED_PROXIES (addresses or CIDR blocks, comma-separated) names the reverse proxies whose
            X-Forwarded-For says who the client is, for the rate limits; from anyone else the header is ignored;
            MADOGUCHI_CLOCK sets the clock's start (e.g. 2026-11-24T10:00:00+09:00), from which it runs on;
            コンビニ交付: --hub-keys (or MADOGUCHI_HUB_KEYS) names the file of hubs whose signed requests the kiosk
            protocol (/kiosk/v1) answers, one `ID PUBLIC-KEY` line each (`madoguchi hub keygen` prints it); without it
            the kiosk protocol is off.
            広域交付: MADOGUCHI_RELAY_TOKEN is this city's relay secret (without it no other city is answered);
            MADOGUCHI_RELAY_URL is the relay this counter asks other cities through.
            順番待ちのお知らせ: MADOGUCHI_SMTP=host:port is the city's mail relay (sent through msmtp; MADOGUCHI_SMTP_TLS=1
            for STARTTLS), MADOGUCHI_MAIL_FROM its sender address; without it alerts wait in the outbox.
            """)

    @Option(help: "The database: a SQLite file, or postgres://user@host:port/db (key from MADOGUCHI_MASTER_KEY[_FILE]).") var db: String = defaultDatabasePath
    @Option(help: "A streaming standby of the PostgreSQL --db (postgres://…): public verification, the published keys and search read there (they may lag by the replication delay); without it, or when it is down, they read the primary.")
    var standby: String?
    @Option(help: "Address to listen on.") var host: String = "127.0.0.1"
    @Option(help: "Port to listen on.") var port: Int = 8080
    @Option(help: "Persons in the demo city created when the database is new.") var residents: Int = 20_000
    @Option(help: "The city's 全国地方公共団体コード (for a new database; an existing one must match).") var city: String?
    @Option(help: "The city's name (with --city).") var cityName: String?
    @Option(help: "The store menu: certificate kinds, comma-separated (default: residentRecordCopy,residentRecordExtract,sealRegistrationCertificate,taxCertificate).")
    var kioskKinds: String?
    @Option(help: "A JSON fee schedule (手数料条例) replacing the demo city's.") var fees: String?
    @Option(help: "A store maintenance day (YYYY-MM-DD), repeatable.") var maintenanceDay: [String] = []
    @Option(help: "Seconds a kiosk has to confirm a print before the document is voided.") var kioskPrintSeconds: Double = 60
    @Option(help: "Seconds a kiosk session may wait between steps.") var kioskSessionSeconds: Double = 180
    @Option(help: "The hubs' public keys for the kiosk protocol (`ID PUBLIC-KEY` lines); default MADOGUCHI_HUB_KEYS.")
    var hubKeys: String?
    @Option(help: "Evaluation sheets the new demo database starts with (a missing folder is skipped).")
    var sheets: String = "data/sheets"

    func run() async throws {
        var logger = Logger(label: "madoguchi")
        logger.logLevel = ProcessInfo.processInfo.environment["LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .info
        let environment = ProcessInfo.processInfo.environment
        let startup = StartupLog()
        let (database, clock, isNew): (MadoguchiDatabase, MadoguchiClock, Bool) = try reporting {
            let clock = try environmentClock()
            let identity = try cityIdentity(code: city, name: cityName)
            let onServer = MadoguchiDatabase.isServerURL(db)
            let fileIsNew = !onServer && !FileManager.default.fileExists(atPath: db)
            let database = try MadoguchiDatabase.open(db, standby: standby)
            startup.phase("データベースを開きました（移行済み）", "database open, migrations applied")
            // A PostgreSQL database is new when it holds no city yet (the server made the empty database).
            let isNew = try fileIsNew || (onServer && database.isEmptyCity())
            if isNew {
                print("デモ用の\(identity.name)を作成しています（\(residents)人）… / creating the demo city")
                var bar = ProgressBar(total: residents, label: "住民を作成中")
                let report = try DemoCityGenerator.generate(
                    into: database, options: .init(residents: residents, city: identity)
                ) { bar.update($0) }
                startup.phase("住民記録を作成しました", "registry seeded")
                try DemoScenarios.add(into: database, asOf: clock.today)
                let planning = try DemoPlanning.seed(
                    into: database, sheetFiles: DemoPlanning.bundledSheets(in: sheets), now: clock.now())
                startup.phase("施策の資料を作成しました", "planning data seeded")
                print("作成しました: \(report.persons) persons in \(report.households) households; sheets \(planning.sheets.joined(separator: " "))")
            } else if city != nil, let stored = try database.registry.meta("city.code"), stored != identity.code.digits {
                throw MadoguchiError(
                    .cityMismatch, ja: "このデータベースは別の市（\(stored)）のものです", en: "This database belongs to city \(stored)")
            }
            return (database, clock, isNew)
        }
        if isNew { try await reporting { try await DemoStaff.create(into: database, clock: clock) } }
        try await reporting { try await DemoStaff.bootstrap(database, clock: clock) }
        startup.phase("職員と鍵を確認しました", "staff accounts and keys ready")
        let configuration = try reporting { () throws -> ServerConfiguration in
            var policy = KioskPolicy(sessionSeconds: kioskSessionSeconds, printSeconds: kioskPrintSeconds)
            if let kioskKinds { policy.kinds = try parseKinds(kioskKinds) }
            for day in maintenanceDay {
                guard let date = CivilDate.parseGregorian(day) else {
                    throw MadoguchiError(.invalidDate, ja: "日付が読めません: \(day)", en: "Not a date: \(day)")
                }
                policy.hours.maintenanceDays.insert(date)
            }
            var schedule = FeeSchedule.demoCity
            if let fees {
                do {
                    schedule = try JSONDecoder().decode(FeeSchedule.self, from: Data(contentsOf: URL(fileURLWithPath: fees)))
                } catch {
                    throw MadoguchiError(.invalidOption, ja: "手数料表を読めません: \(fees)", en: "Unreadable fee schedule \(fees): \(error)")
                }
            }
            var keys: HubKeys?
            if let file = hubKeys ?? environment["MADOGUCHI_HUB_KEYS"].flatMap({ $0.isEmpty ? nil : $0 }) {
                keys = try readHubKeys(file)
            }
            let relayToken = environment["MADOGUCHI_RELAY_TOKEN"].flatMap { $0.isEmpty ? nil : $0 }
            var relay: (any WideAreaRelay)?
            if let url = environment["MADOGUCHI_RELAY_URL"], !url.isEmpty {
                guard let relayToken else {
                    throw MadoguchiError(
                        .invalidOption, ja: "MADOGUCHI_RELAY_URL には MADOGUCHI_RELAY_TOKEN が必要です",
                        en: "MADOGUCHI_RELAY_URL needs MADOGUCHI_RELAY_TOKEN")
                }
                relay = WideAreaRelayClient(relay: url, token: relayToken, client: HTTPClient.shared)
            }
            var configuration = ServerConfiguration(
                host: host, port: port,
                secureCookies: ["1", "true", "yes"].contains(environment["MADOGUCHI_SECURE_COOKIES"]?.lowercased() ?? ""),
                clock: clock, hubKeys: keys, kiosk: policy, fees: schedule, relayToken: relayToken, wideAreaRelay: relay)
            for entry in (environment["MADOGUCHI_TRUSTED_PROXIES"] ?? "").split(separator: ",") {
                guard let range = AddressRange(String(entry)) else {
                    throw MadoguchiError(
                        .invalidOption, ja: "MADOGUCHI_TRUSTED_PROXIES のアドレスが正しくありません: \(entry)",
                        en: "MADOGUCHI_TRUSTED_PROXIES: not an address or CIDR block: \(entry)")
                }
                configuration.edge.trustedProxies.append(range)
            }
            if let smtp = environment["MADOGUCHI_SMTP"], !smtp.isEmpty {
                guard let from = environment["MADOGUCHI_MAIL_FROM"], from.contains("@"),
                    let mail = MailTransport(address: smtp, from: from, startTLS: environment["MADOGUCHI_SMTP_TLS"] == "1")
                else {
                    throw MadoguchiError(
                        .invalidOption, ja: "MADOGUCHI_SMTP は host:port、MADOGUCHI_MAIL_FROM は送信元アドレスです",
                        en: "MADOGUCHI_SMTP is host:port and needs MADOGUCHI_MAIL_FROM, the sender's address")
                }
                configuration.mail = mail
            }
            return configuration
        }
        let app = try buildApplication(configuration: configuration, database: database, logger: logger)
        startup.phase("受付を開始します", "starting to listen")
        if let keys = configuration.hubKeys {
            logger.info("kiosk protocol on", metadata: ["hubs": .string(keys.ids.joined(separator: ","))])
        } else {
            logger.notice("kiosk protocol off: no hub keys (--hub-keys / MADOGUCHI_HUB_KEYS)")
        }
        print("""
            窓口サービスを開始しました / Madoguchi is serving: http://\(host):\(port)/
            窓口業務 / counter: http://\(host):\(port)/counter　施策進行管理 / planning: http://\(host):\(port)/planning
            職員管理 / staff accounts: http://\(host):\(port)/admin（各自のアカウントでログイン / sign in with your own account）
            API: madoguchi staff token --label <用途> --login <職員> → curl -H "Authorization: Bearer <token>" 'http://\(host):\(port)/api/v1/residents?q=やまだ'
            公表中の評価票 / published sheets: http://\(host):\(port)/sheets
            """)
        fflush(nil)
        try await app.runService()
        logger.info("stopped")
    }
}

/// The file of hubs a city accepts: `ID PUBLIC-KEY` lines.
func readHubKeys(_ file: String) throws -> HubKeys {
    guard let text = try? String(contentsOfFile: file, encoding: .utf8) else {
        throw MadoguchiError(.invalidOption, ja: "ハブの鍵ファイルを読めません: \(file)", en: "Unreadable hub keys file \(file)")
    }
    do {
        let keys = try HubKeys.parse(text)
        guard !keys.ids.isEmpty else { throw HubKeysError(line: 0) }
        return keys
    } catch let error as HubKeysError {
        throw MadoguchiError(
            .invalidOption, ja: "ハブの鍵ファイル \(file) の\(error.line)行目を読めません（ID 公開鍵）",
            en: "Hub keys file \(file), line \(error.line): expected `ID PUBLIC-KEY`")
    }
}
