import ArgumentParser
import Foundation
import MadoguchiDomain
import MadoguchiIssuance
import MadoguchiStore

/// `madoguchi facility`: the facility network over time (issue 14, item 1).
struct FacilityCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "facility", abstract: "The facility network: its history, and how it stood on a day.",
        subcommands: [History.self, At.self, Hours.self, WhatIf.self])

    struct History: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Every change of the network (or of one facility), with the decision it rests on, as tab-separated lines.")

        @Argument(help: "One facility's code (all when left out).") var facility: String?
        @Option(help: "The database: a SQLite file, or postgres://user@host:port/db.") var db: String = defaultDatabasePath

        func run() async throws {
            let histories = try await reporting {
                let service = FacilityNetworkService(store: try MadoguchiDatabase.open(db).facilityNetwork)
                if let facility { return [try await service.history(of: facility)] }
                return try await service.histories()
            }
            print(["facility", "effectiveOn", "change", "kind", "name", "address", "menu", "decision", "decidedOn"].joined(separator: "\t"))
            for h in histories {
                for e in h.events {
                    print(FacilityCommand.line(e, recorded: h.recorded))
                }
            }
        }
    }

    struct At: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "The network as it stood on a day: each facility open then, its kind, address and menu.")

        @Argument(help: "The day: YYYY-MM-DD or a 和暦 date (平成24年4月1日, H24.4.1).") var date: String
        @Option(help: "The database: a SQLite file, or postgres://user@host:port/db.") var db: String = defaultDatabasePath

        func run() async throws {
            let network = try await reporting {
                let day = try FacilityCommand.day(date)
                return try await FacilityNetworkService(store: try MadoguchiDatabase.open(db).facilityNetwork).network(on: day)
            }
            print(["facility", "kind", "name", "ward", "address", "manned", "menu", "since"].joined(separator: "\t"))
            for s in network {
                let p = s.period
                print([p.facilityId, p.kind.rawValue, p.name, p.ward, p.address.description, p.manned ? "manned" : "unmanned",
                       FacilityCommand.menu(p.menu), p.from.description].joined(separator: "\t"))
            }
        }
    }

    struct Hours: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "A facility's opening hours day by day (holidays, the year-end and one-off days applied), or as iCalendar.")

        @Argument(help: "The facility's code.") var facility: String
        @Option(help: "The first day (YYYY-MM-DD or 和暦; default today).") var from: String?
        @Option(help: "How many days (1–800).") var days: Int = 14
        @Flag(help: "Write RFC 5545 iCalendar instead of lines.") var ics = false
        @Option(help: "The database: a SQLite file, or postgres://user@host:port/db.") var db: String = defaultDatabasePath

        func run() async throws {
            let clock = try reporting { try environmentClock() }
            let (history, list, code) = try await reporting {
                let first = try from.map(FacilityCommand.day) ?? clock.today
                guard (1...800).contains(days) else {
                    throw MadoguchiError(.hoursInvalid, ja: "日数は1から800までです", en: "Days must be 1 to 800")
                }
                let database = try MadoguchiDatabase.open(db)
                let (history, list) = try await FacilityNetworkService(store: database.facilityNetwork).hours(of: facility, from: first, days: days)
                return (history, list, ics ? try database.registry.meta("city.code") : nil)
            }
            if ics {
                print(ICalendar.hours(
                    facilityId: facility, name: history.facility.name, address: history.facility.address.description, days: list,
                    uidDomain: "\(code ?? "city").madoguchi", stamp: ICalendar.stamp(clock.now())), terminator: "")
                return
            }
            for d in list {
                print([d.date.description, d.date.weekday.japanese, d.spans.map(\.description).joined(separator: ","), d.japanese].joined(separator: "\t"))
            }
        }
    }

    static func day(_ text: String) throws -> CivilDate {
        if let d = CivilDate.parseGregorian(text) { return d }
        if let d = try? JapaneseDate.parse(text) { return d.gregorian }
        throw MadoguchiError(.invalidDate, ja: "日付を読めません: \(text)（YYYY-MM-DD または和暦）", en: "Unreadable date: \(text) (YYYY-MM-DD or a 和暦 date)")
    }

    static func menu(_ menu: Set<FacilityService>?) -> String {
        guard let menu else { return "" }
        return menu.isEmpty ? "-" : menu.sorted().map(\.code).joined(separator: ",")
    }

    /// One event as a line; an event the row only implies names no decision ("(not recorded)").
    static func line(_ e: FacilityEvent, recorded: Bool) -> String {
        [e.facilityId, e.effectiveOn.description, e.change.rawValue, e.kind?.rawValue ?? "", e.name ?? "",
         e.address?.description ?? "", menu(e.menu), recorded ? e.decision.document : "(not recorded)",
         recorded ? e.decision.decidedOn.description : ""].joined(separator: "\t")
    }
}
