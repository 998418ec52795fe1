import ArgumentParser
import AsyncHTTPClient
import Foundation
import MadoguchiHub
import MadoguchiDomain
import MadoguchiIssuance
import MadoguchiStore

/// `madoguchi registry`: the procedures the counter does on the registry it keeps itself.
struct RegistryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "registry",
        abstract: "Counter procedures: 支援措置 (apply, decide, extend, end), 印鑑登録 (register, abolish), 本人通知, and their record.",
        subcommands: [SupportMeasureCommand.self, SealCommand.self, NotificationCommand.self, History.self])

    /// Where and by whom: every procedure is recorded with both.
    struct Who: ParsableArguments {
        @Option(help: "The database: a SQLite file, or postgres://user@host:port/db.") var db: String = defaultDatabasePath
        @Option(help: "Who does it (recorded with the procedure).") var actor: String = "cli:" + (ProcessInfo.processInfo.environment["USER"] ?? "staff")
        @Option(help: "The facility where it is done.") var facility: String?

        /// With MADOGUCHI_RELAY_URL and MADOGUCHI_RELAY_TOKEN set, measures are forwarded to their 本籍地.
        func procedures() throws -> RegistryProcedures {
            let environment = ProcessInfo.processInfo.environment
            var relay: (any WideAreaRelay)?
            if let url = environment["MADOGUCHI_RELAY_URL"], !url.isEmpty, let token = environment["MADOGUCHI_RELAY_TOKEN"], !token.isEmpty {
                relay = WideAreaRelayClient(relay: url, token: token, client: HTTPClient.shared)
            }
            return RegistryProcedures(database: try MadoguchiDatabase.open(db), clock: try environmentClock(), relay: relay)
        }

        var by: RegistryProcedures.Actor { .init(actor, facilityId: facility) }
    }

    static func show(_ r: SupportMeasureRecord) {
        print("支援措置 \(r.measure.id ?? 0): \(r.state.japanese) / \(r.state.rawValue), 相手方 \(r.measure.otherPartyName), \(r.measure.termStart)〜\(r.measure.termEnd)"
            + (r.honsekiCity.map { ", 本籍地 \($0) \(r.forwardPending ? "未転送 / not forwarded yet" : "転送済み / forwarded")" } ?? ""))
    }

    struct SupportMeasureCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "support-measure",
            abstract: "支援措置: apply (申出), decide (決定), extend (延長), end (終了); forward sends pending steps to their 本籍地.")

        @Argument(help: "apply, decide, extend or end.") var step: String
        @OptionGroup var who: Who
        @Option(help: "apply: the protected resident's id.") var resident: Int64?
        @Option(help: "apply: the other party's name.") var otherParty: String?
        @Option(help: "apply: the other party's resident id, when they live here.") var otherPartyResident: Int64?
        @Option(help: "apply: the other party's birth date.") var otherPartyBirthDate: String?
        @Option(help: "apply: the city keeping the person's 戸籍, when it is another (the measure is forwarded there).") var honsekiCity: String?
        @Option(help: "decide, extend, end: the measure.") var id: Int64?
        @Option(help: "end: why.") var reason: String?

        func run() async throws {
            try await reportingAsync {
                let procedures = try who.procedures()
                if step == "forward" {
                    let (sent, pending) = try await procedures.forwardPending()
                    print("本籍地へ転送 / forwarded: \(sent), 未転送 / still pending: \(pending)")
                    if pending > 0 { throw ExitCode(1) }
                    return
                }
                if step == "apply" {
                    guard let resident, let otherParty else {
                        throw MadoguchiError(.invalidOption, ja: "--resident と --other-party が必要です", en: "apply needs --resident and --other-party")
                    }
                    let birth = try otherPartyBirthDate.map { text -> CivilDate in
                        guard let d = CivilDate.parseGregorian(text) else {
                            throw MadoguchiError(.invalidDate, ja: "日付が読めません: \(text)", en: "Not a date: \(text)")
                        }
                        return d
                    }
                    RegistryCommand.show(try await procedures.applySupportMeasure(
                        subjectId: resident, otherPartyName: otherParty, otherPartyBirthDate: birth, otherPartyResidentId: otherPartyResident,
                        honsekiCity: honsekiCity, by: who.by))
                    return
                }
                guard let action = SupportMeasureAction(rawValue: step), let id else {
                    throw MadoguchiError(.invalidOption, ja: "apply/decide/extend/end と --id を指定してください", en: "Give apply, decide, extend or end, and --id")
                }
                RegistryCommand.show(try await procedures.supportMeasure(id, action, reason: reason, by: who.by))
            }
        }
    }

    struct SealCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "seal", abstract: "印鑑登録: register (with the 印影 as SVG or PNG) or abolish.")

        @Argument(help: "register or abolish.") var step: String
        @OptionGroup var who: Who
        @Option(help: "register: the resident's id.") var resident: Int64?
        @Option(help: "register: the 印影 file (.svg or .png).") var image: String?
        @Option(help: "abolish: the 登録番号.") var number: String?
        @Option(help: "abolish: why.") var reason: String?

        func run() async throws {
            try await reportingAsync {
                let procedures = try who.procedures()
                switch step {
                case "register":
                    guard let resident, let image else {
                        throw MadoguchiError(.invalidOption, ja: "--resident と --image が必要です", en: "register needs --resident and --image")
                    }
                    let type = image.lowercased().hasSuffix(".png") ? "image/png" : "image/svg+xml"
                    let seal = try await procedures.registerSeal(residentId: resident, image: [UInt8](try readFile(image)), imageType: type, by: who.by)
                    print("印鑑登録 \(seal.registrationNumber): resident \(resident), \(seal.registeredOn)")
                case "abolish":
                    guard let number else { throw MadoguchiError(.invalidOption, ja: "--number が必要です", en: "abolish needs --number") }
                    let seal = try await procedures.abolishSeal(number: number, reason: reason ?? "", by: who.by)
                    print("廃止 \(seal.registrationNumber): \(seal.abolishedOn?.description ?? "")")
                default:
                    throw MadoguchiError(.invalidOption, ja: "register か abolish です: \(step)", en: "register or abolish: \(step)")
                }
            }
        }
    }

    struct NotificationCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "notification", abstract: "本人通知: register or end a resident's registration.")

        @Argument(help: "register or end.") var step: String
        @OptionGroup var who: Who
        @Option(help: "The resident's id.") var resident: Int64

        func run() async throws {
            try await reportingAsync {
                let procedures = try who.procedures()
                switch step {
                case "register": _ = try await procedures.registerHolderNotification(residentId: resident, by: who.by)
                case "end": try await procedures.endHolderNotification(residentId: resident, by: who.by)
                default: throw MadoguchiError(.invalidOption, ja: "register か end です: \(step)", en: "register or end: \(step)")
                }
                print("本人通知 \(step): resident \(resident)")
            }
        }
    }

    struct History: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "history", abstract: "The record of counter procedures on a resident.",
            discussion: "A read of the person's data like any other: recorded in the access log (who: --actor, --facility; why: --purpose) before anything is printed.")

        @OptionGroup var who: Who
        @Option(help: "The resident's id.") var resident: Int64
        @Option(help: "Why it is read: certificate, notification, consultation, supportMeasure, inquiry or audit.") var purpose: String?

        func run() async throws {
            try await reportingAsync {
                // 個人情報保護法 §61 and the city's access rules (ADR 0008): a read on the console is a read by staff. It is
                // recorded first; when the entry cannot be written nothing is shown. A read of someone under 支援措置
                // (住基法 §12 and the 支援措置 要領) is flagged for the auditor, as on the server.
                let purpose = try AccessPurpose.named(purpose, in: "--purpose")
                let database = try MadoguchiDatabase.open(who.db)
                let clock = try environmentClock()
                let actor = StaffIdentity(accountId: nil, login: who.actor, displayName: who.actor, roles: [], facilityId: who.facility)
                try await AccessAudit(database: database, clock: clock).record(
                    .init(.procedures, subjects: [resident], route: "madoguchi registry history"), by: actor, purpose: purpose)
                for h in try await RegistryProcedures(database: database, clock: clock).overview(residentId: resident).history {
                    print("\(h.at)\t\(h.procedure.rawValue)\t\(h.procedure.japanese)\t\(h.actor)\t\(h.facilityId ?? "")\t"
                        + h.detail.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " "))
                }
            }
        }
    }
}

/// `reporting` for async bodies: domain errors become exit status 1 with both languages.
func reportingAsync<T>(_ body: () async throws -> T) async throws -> T {
    do { return try await body() } catch let e as ExitCode { throw e } catch { throw fail(error) }
}
