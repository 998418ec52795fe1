import ArgumentParser

/// The one executable: serve, seed, import, calendar.
@main
struct Madoguchi: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "madoguchi",
        abstract: "Madoguchi（窓口）: a city's front-office services — registry, certificates, calendars.",
        subcommands: [Serve.self, Seed.self, Import.self, CalendarCommand.self, LedgerCommand.self, Verify.self, Keys.self, Bench.self, CardCommand.self, Kiosk.self, HubCommand.self, RelayCommand.self, StoreCommand.self, RegistryCommand.self, StaffCommand.self, SheetCommand.self, AuditCommand.self, FacilityCommand.self])
}
