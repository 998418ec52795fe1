import ArgumentParser
import Foundation
import MadoguchiDomain
import MadoguchiPKI
import MadoguchiStore

struct CardCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "card", abstract: "My Number cards (利用者証明用電子証明書) at the counter.",
        subcommands: [Issue.self, Renew.self, Revoke.self, CA.self, Unlock.self, RegisterHonseki.self, Answer.self])

    /// Writes a card file and returns the day its certificate runs to.
    static func save(_ card: SoftwareCard, to out: String, database: MadoguchiDatabase) async throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try encoder.encode(card).write(to: URL(fileURLWithPath: out))
        return try await database.cards.card(serial: card.serial)?.notAfter.description ?? "?"
    }

    struct Issue: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Issue a card to a resident: a software card file with its key, certificate and PIN.",
            discussion: "MADOGUCHI_CLOCK, when set, is the time of issue.")
        @Option(help: "The database: a SQLite file, or postgres://user@host:port/db.") var db: String = defaultDatabasePath
        @Option(help: "The resident's id.") var resident: Int64
        @Option(help: "The 4-digit PIN (利用者証明用).") var pin: String
        @Option(help: "Where to write the card file.") var out: String
        @Option(help: "card (the My Number card) or smartphone (スマホ用電子証明書, for a holder of a valid card certificate).")
        var medium: String = "card"
        @Flag(help: "A smartphone whose holder enrolled biometrics (指紋・顔) to unlock its certificate besides the PIN.")
        var biometric = false

        func run() async throws {
            try await reporting {
                guard let medium = CertificateMedium(rawValue: medium) else {
                    throw MadoguchiError(.invalidOption, ja: "--medium は card か smartphone です", en: "--medium is card or smartphone")
                }
                guard !biometric || medium == .smartphone else {
                    throw MadoguchiError(.invalidOption, ja: "生体認証はスマホ用電子証明書だけです（--medium smartphone）",
                                         en: "Biometrics unlock a smartphone's certificate only (--medium smartphone)")
                }
                let database = try MadoguchiDatabase.open(db)
                let now = try environmentClock().now()
                var card = try await database.cards.issue(residentId: resident, pin: pin, medium: medium, now: now)
                card.biometric = biometric
                let until = try await CardCommand.save(card, to: out, database: database)
                print("card \(card.serial) for resident \(resident), valid to \(until): \(out)")
            }
        }
    }

    struct Renew: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Renew a card at the counter: a new key and certificate; the old one is revoked (superseded).",
            discussion: "MADOGUCHI_CLOCK, when set, is the time of renewal.")
        @Option(help: "The database: a SQLite file, or postgres://user@host:port/db.") var db: String = defaultDatabasePath
        @Option(help: "The serial of the card to renew.") var serial: String
        @Option(help: "The 4-digit PIN for the renewed card.") var pin: String
        @Option(help: "Where to write the new card file.") var out: String

        func run() async throws {
            try await reporting {
                let database = try MadoguchiDatabase.open(db)
                let now = try environmentClock().now()
                let card = try await database.cards.renew(serial: serial, pin: pin, now: now)
                let until = try await CardCommand.save(card, to: out, database: database)
                print("renewed \(serial) → card \(card.serial), valid to \(until): \(out)")
            }
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke a card certificate with an X.509 reason.")
        @Option(help: "The database: a SQLite file, or postgres://user@host:port/db.") var db: String = defaultDatabasePath
        @Option(help: "The card serial.") var serial: String
        @Option(help: "keyCompromise, affiliationChanged, superseded, cessationOfOperation, certificateHold …")
        var reason: String

        func run() async throws {
            try await reporting {
                guard let why = RevocationReason(rawValue: reason) else {
                    throw MadoguchiError(
                        .invalidOption, ja: "失効理由が読めません: \(reason)",
                        en: "Unknown reason \(reason); one of \(RevocationReason.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                let database = try MadoguchiDatabase.open(db)
                let at = LedgerRecord.timestamp(try environmentClock().now())
                try await database.cards.revoke(serial: serial, reason: why, at: at)
                print("revoked \(serial): \(why.rawValue)（\(why.japanese)）")
            }
        }
    }

    struct CA: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "ca", abstract: "Print the card authority's certificate (PEM).")
        @Option(help: "The database: a SQLite file, or postgres://user@host:port/db.") var db: String = defaultDatabasePath

        func run() async throws {
            try await reporting {
                let database = try MadoguchiDatabase.open(db)
                let now = try environmentClock().now()
                let ca = try await database.cards.authority(now: now)
                print(ca.certificatePEM)
            }
        }
    }

    struct Unlock: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Clear a card's PIN lock at the counter, after checking the holder in person.")
        @Option(help: "The card file.") var card: String

        func run() throws {
            try reporting {
                guard let data = FileManager.default.contents(atPath: card),
                    var file = try? JSONDecoder().decode(SoftwareCard.self, from: data)
                else { throw MadoguchiError(.fileUnreadable, ja: "カードファイルを読めません: \(card)", en: "Cannot read \(card)") }
                file.unlockAtCounter()
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
                try encoder.encode(file).write(to: URL(fileURLWithPath: card))
                print("unlocked \(file.serial)")
            }
        }
    }

    struct RegisterHonseki: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "register-honseki",
            abstract: "本籍地利用登録: link a card from another city to a record here whose 戸籍 this city keeps.",
            discussion: """
                Run at the 本籍地's counter after checking the holder in person. --authority is the card city's
                card authority (its /pki/ca.pem). The holder can then print that 戸籍 at stores (kiosk --honseki).
                """)
        @Option(help: "This city's database (the 本籍地): a SQLite file, or postgres://user@host:port/db.") var db: String = defaultDatabasePath
        @Option(help: "The record here (resident id) whose 戸籍 the card's holder may print.") var resident: Int64
        @Option(help: "The card file.") var card: String
        @Option(help: "The card city's card authority certificate (PEM).") var authority: String

        func run() async throws {
            try await reporting {
                guard let data = FileManager.default.contents(atPath: card),
                    let file = try? JSONDecoder().decode(SoftwareCard.self, from: data),
                    let authorityPEM = try? String(contentsOfFile: authority, encoding: .utf8)
                else {
                    throw MadoguchiError(.fileUnreadable, ja: "カードまたは認証局のファイルを読めません", en: "Cannot read the card or the authority file")
                }
                let database = try MadoguchiDatabase.open(db)
                let at = LedgerRecord.timestamp(try environmentClock().now())
                let serial = try await database.cards.registerHonseki(
                    residentId: resident, cardCertificatePEM: file.certificatePEM, authorityPEM: authorityPEM, cardCityCode: file.cityCode, at: at)
                print("本籍地利用登録: card \(serial) (city \(file.cityCode)) → record \(resident)")
            }
        }
    }

    /// The card reader of a resident's own device (as the マイナポータル app): signs the page's challenge after the
    /// PIN and prints the answer to paste back. The card file keeps its PIN error count, as the chip does.
    struct Answer: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Sign a sign-in challenge with a card (利用者証明) and print the answer to paste into the page.")

        @Option(help: "The card file.") var card: String
        @Option(help: "The card's 4-digit PIN.") var pin: String
        @Option(help: "The challenge the page shows.") var challenge: String

        func run() throws {
            let url = URL(fileURLWithPath: card)
            var softwareCard = try reporting {
                do { return try JSONDecoder().decode(SoftwareCard.self, from: Data(contentsOf: url)) } catch {
                    throw MadoguchiError(.invalidOption, ja: "カードファイルを読めません: \(card)", en: "Unreadable card file \(card)")
                }
            }
            // Only a sign-in page's challenge is signed: a store kiosk's, shown on a look-alike page, would let whoever
            // started that kiosk session print this resident's certificates.
            guard let parsed = CardChallenge(encoded: challenge) else {
                throw fail(MadoguchiError(.invalidOption, ja: "確認コードが読めません", en: "Not a challenge"))
            }
            guard parsed.purpose == .resident else {
                throw fail(MadoguchiError(
                    .invalidOption, ja: "住民向けアクセス記録のサインイン用ではない確認コードです。署名しません",
                    en: "This challenge is not for signing in to the resident access record; the card will not sign it"))
            }
            printError("署名します: 住民向けアクセス記録へのサインイン（団体コード \(parsed.cityCode)）/ signing in to the access record of city \(parsed.cityCode)")
            let signed = Result { try softwareCard.sign(challenge: parsed.bytes, pin: pin) }
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            try? encoder.encode(softwareCard).write(to: url, options: .atomic)
            switch signed {
            case .success(let signature):
                print(CardAnswer(certificate: softwareCard.certificatePEM, signature: signature).token)
            case .failure(let error):
                printError("カードが応答しません / the card refused: \(error)")
                throw ExitCode(1)
            }
        }
    }
}
