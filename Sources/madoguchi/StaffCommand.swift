import ArgumentParser
import Foundation
import MadoguchiDomain
import MadoguchiIssuance
import MadoguchiStore

/// `madoguchi staff`: accounts, passwords and API credentials, at the console of the machine that holds the database.
struct StaffCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "staff",
        abstract: "Staff accounts with roles, passwords and API credentials.",
        discussion: "Roles: \(StaffRole.allCases.map { "\($0.rawValue) (\($0.japanese))" }.joined(separator: ", ")).",
        subcommands: [Add.self, List.self, Disable.self, Enable.self, Reset.self, Token.self, Revoke.self])

    struct Common: ParsableArguments {
        @Option(help: "The database: a SQLite file, or postgres://user@host:port/db.") var db: String = defaultDatabasePath
        @Option(help: "Who does this (recorded).") var actor: String = "console:" + (ProcessInfo.processInfo.environment["USER"] ?? "admin")

        func service() throws -> StaffService { StaffService(database: try MadoguchiDatabase.open(db), clock: try environmentClock()) }
    }

    static func roles(_ text: String) throws -> Set<StaffRole> {
        try Set(text.split(separator: ",").map { raw in
            let name = raw.trimmingCharacters(in: .whitespaces)
            guard let role = StaffRole(rawValue: name) else {
                throw MadoguchiError(.invalidOption, ja: "役割が不明です: \(name)", en: "Unknown role \(name); one of \(StaffRole.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            return role
        })
    }

    /// A password from MADOGUCHI_STAFF_PASSWORD (never an argument, which other users could see), or generated.
    static var givenPassword: String? { ProcessInfo.processInfo.environment["MADOGUCHI_STAFF_PASSWORD"].flatMap { $0.isEmpty ? nil : $0 } }

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add an account. The password is MADOGUCHI_STAFF_PASSWORD, or generated and printed once.")
        @Argument(help: "The login (a-z, 0-9, . _ -).") var login: String
        @Option(help: "The name shown to colleagues and auditors.") var name: String
        @Option(help: "Roles, comma-separated.") var roles: String
        @Option(help: "The facility a clerk or supervisor works at.") var facility: String?
        @OptionGroup var common: Common

        func run() async throws {
            try await reportingAsync {
                let password = StaffCommand.givenPassword ?? StaffPasswordsCLI.generate()
                let account = try await common.service().create(
                    StaffAccount(login: login, displayName: name, roles: try StaffCommand.roles(roles), facilityId: facility),
                    password: password, by: common.actor)
                print("職員を追加しました / added \(account.login) (\(account.roles.sorted().map(\.rawValue).joined(separator: ",")))")
                if StaffCommand.givenPassword == nil { print("初期パスワード / first password: \(password)") }
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List accounts and API credentials.")
        @OptionGroup var common: Common

        func run() async throws {
            try await reportingAsync {
                let service = try common.service()
                for a in try await service.accounts() {
                    print("\(a.login)\t\(a.displayName)\t\(a.roles.sorted().map(\.rawValue).joined(separator: ","))\t\(a.facilityId ?? "-")\t\(a.disabled ? "disabled" : "active")")
                }
                for c in try await service.credentials() {
                    print("credential \(c.id)\t\(c.label)\t\(c.roles.sorted().map(\.rawValue).joined(separator: ","))\t\(c.facilityId ?? "-")\t\(c.revokedAt == nil ? "active" : "revoked")")
                }
            }
        }
    }

    struct Disable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Disable an account: its sessions and credentials stop at once.")
        @Argument var login: String
        @OptionGroup var common: Common
        func run() async throws {
            try await reportingAsync { try await common.service().setDisabled(login: login, true, by: common.actor) }
            print("無効にしました / disabled \(login)")
        }
    }

    struct Enable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Enable a disabled account again.")
        @Argument var login: String
        @OptionGroup var common: Common
        func run() async throws {
            try await reportingAsync { try await common.service().setDisabled(login: login, false, by: common.actor) }
            print("有効にしました / enabled \(login)")
        }
    }

    struct Reset: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Set a new password (MADOGUCHI_STAFF_PASSWORD, or generated and printed once); unlocks and ends sessions.")
        @Argument var login: String
        @OptionGroup var common: Common
        func run() async throws {
            let password = try await reportingAsync {
                try await common.service().resetPassword(login: login, to: StaffCommand.givenPassword, by: common.actor)
            }
            print("パスワードを再設定しました / reset \(login)")
            if StaffCommand.givenPassword == nil { print("新しいパスワード / new password: \(password)") }
        }
    }

    struct Token: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Issue an API credential for a person (--login) or a device (--roles and --facility); the secret is printed once.")
        @Option(help: "What it is for (a counter terminal, a script).") var label: String
        @Option(help: "The person it acts for.") var login: String?
        @Option(help: "Roles, comma-separated (a person's default: all of theirs).") var roles: String?
        @Option(help: "A device's facility.") var facility: String?
        @OptionGroup var common: Common
        func run() async throws {
            try await reportingAsync {
                let (secret, credential) = try await common.service().issueCredential(
                    label: label, login: login, roles: try roles.map(StaffCommand.roles), facilityId: facility, by: common.actor)
                print("API資格情報 \(credential.id) / credential \(credential.id): \(secret)")
            }
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke an API credential.")
        @Argument var id: Int64
        @OptionGroup var common: Common
        func run() async throws {
            try await reportingAsync { try await common.service().revokeCredential(id: id, by: common.actor) }
            print("取り消しました / revoked \(id)")
        }
    }
}

enum StaffPasswordsCLI {
    /// A first password of 16 letters and digits, easy to read aloud at a desk.
    static func generate() -> String {
        let alphabet = Array("abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789")
        var rng = SystemRandomNumberGenerator()
        return String((0..<16).map { _ in alphabet[Int.random(in: 0..<alphabet.count, using: &rng)] })
    }
}
