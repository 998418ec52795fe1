import ArgumentParser
import MadoguchiDomain

struct CalendarCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "calendar", abstract: "Japanese calendar: holidays, 和暦, fiscal years.",
        subcommands: [Holidays.self, Era.self, FiscalYearCommand.self])

    struct Holidays: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print every national holiday as YYYY-MM-DD,名称 (names as the Cabinet Office lists them).")

        @Argument(help: "First year (1949–2099).") var fromYear: Int
        @Argument(help: "Last year (defaults to the first).") var toYear: Int?

        func run() throws {
            let to = toYear ?? fromYear
            try reporting {
                let range = NationalHolidays.supportedYears
                guard range.contains(fromYear), range.contains(to), fromYear <= to else {
                    throw MadoguchiError(
                        .invalidDate, ja: "年は\(range.lowerBound)から\(range.upperBound)の範囲で、開始年≦終了年で指定してください",
                        en: "Years must be within \(range.lowerBound)–\(range.upperBound), first ≤ last")
                }
                for h in NationalHolidays.holidays(from: fromYear, through: to) { print(h.description) }
            }
        }
    }

    struct Era: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Convert a date: 2019-05-01 → 令和元年5月1日, and 令和元年5月1日 (or R1.5.1) → 2019-05-01.")

        @Argument(help: "A Gregorian date (YYYY-MM-DD) or a 和暦 date.") var date: String

        func run() throws {
            try reporting {
                if let d = CivilDate.parseGregorian(date) {
                    print(try JapaneseDate(d).description)
                } else {
                    print(try JapaneseDate.parse(date).gregorian.description)
                }
            }
        }
    }

    struct FiscalYearCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "fiscal-year",
            abstract: "Print the Gregorian year a fiscal year starts in (令和６年度 → 2024).")

        @Argument(help: "令和６年度, Ｒ６, H25, 平成25年度, 2011(H23)年度, 2024年度 …") var text: String
        @Option(help: "The era a bare year (26年度) is written in: meiji, taisho, showa, heisei, reiwa, or 平成 …")
        var era: String?

        func run() throws {
            try reporting {
                var context: JapaneseEra?
                if let era {
                    guard let e = JapaneseEra(rawValue: era.lowercased()) ?? JapaneseEra(symbol: era) else {
                        throw MadoguchiError(.unknownEra, ja: "元号が読めません: \(era)", en: "Unknown era: \(era)")
                    }
                    context = e
                }
                print(try FiscalYear.parse(text, era: context).startYear)
            }
        }
    }
}
