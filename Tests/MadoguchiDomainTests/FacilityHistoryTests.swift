import Testing

@testable import MadoguchiDomain

/// Issue 14, item 1: the facility network over time. A facility's events become the periods it stood through; the
/// rules of a history hold whoever records it.
@Suite("施設の履歴")
struct FacilityHistoryTests {
    static func day(_ text: String) -> CivilDate { CivilDate.parseGregorian(text)! }
    static let address = Address(prefecture: "神奈川県", municipality: "窓口市", ward: "山手区", town: "柿の木一丁目", block: "4番地")
    static let moved = Address(prefecture: "神奈川県", municipality: "窓口市", ward: "山手区", town: "王禅寺一丁目", block: "1番地")
    static func decision(_ on: String) -> FacilityDecision { FacilityDecision(document: "再編計画", decidedOn: day(on)) }

    static func event(
        _ change: FacilityEvent.Change, _ on: String, decided: String? = nil, kind: FacilityKind? = nil, name: String? = nil,
        address: Address? = nil, menu: Set<FacilityService>? = nil, facility: String = "kakinoki"
    ) -> FacilityEvent {
        FacilityEvent(
            facilityId: facility, change: change, effectiveOn: day(on), decision: decision(decided ?? on), kind: kind, name: name,
            ward: change == .opened ? "山手区" : nil, address: address, menu: menu)
    }

    static let opening = event(
        .opened, "1984-04-01", kind: .liaisonOffice, name: "柿の木連絡所", address: address,
        menu: FacilityService.standardMenu(.liaisonOffice))

    @Test("the seeds' 柿生: a liaison office whose manned window closed at the end of FY2014 issues nothing from 2015-04-01")
    func mannedWindowClosed() throws {
        let events = [Self.event(.mannedWindowClosed, "2015-04-01", decided: "2014-03-27", menu: []), Self.opening]
        let periods = try FacilityHistory.periods(events)
        #expect(periods.count == 2)
        #expect(periods[0].from == Self.day("1984-04-01") && periods[0].until == Self.day("2015-04-01"))
        #expect(periods[0].manned && periods[0].offers(.certificate(.residentRecordCopy)))
        #expect(!periods[1].manned && periods[1].menu.isEmpty && periods[1].until == nil)
        let lastDay = try #require(try FacilityHistory.period(events, on: Self.day("2015-03-31")))
        #expect(lastDay.offers(.certificate(.sealRegistrationCertificate)))
        let after = try #require(try FacilityHistory.period(events, on: Self.day("2015-04-01")))
        #expect(after.menu.isEmpty && after.change == .mannedWindowClosed && after.decision.document == "再編計画")
        #expect(try FacilityHistory.period(events, on: Self.day("1984-03-31")) == nil, "not yet opened")
    }

    @Test("a closure ends the last period; on and after its day the facility is not open (宮前: end of FY2011)")
    func closure() throws {
        let events = [Self.opening, Self.event(.closed, "2012-04-01", decided: "2011-03-28")]
        let periods = try FacilityHistory.periods(events)
        #expect(periods.count == 1 && periods[0].until == Self.day("2012-04-01"))
        #expect(try FacilityHistory.period(events, on: Self.day("2012-03-31")) != nil)
        #expect(try FacilityHistory.period(events, on: Self.day("2012-04-01")) == nil)
        let bare = Facility(id: "kakinoki", kind: .liaisonOffice, name: "x", ward: "山手区", address: Self.address, openedOn: Self.day("2000-01-01"))
        let row = try FacilityHistory.row(bare, events, today: Self.day("2026-12-01"))
        #expect(row.openedOn == Self.day("1984-04-01") && row.closedOn == Self.day("2012-04-01") && row.name == "柿の木連絡所")
    }

    @Test("conversion (出張所 → まちづくりセンター) takes the new kind's menu and keeps the address; relocation keeps the menu")
    func conversionAndRelocation() throws {
        let opened = Self.event(
            .opened, "1975-04-01", kind: .subBranchOffice, name: "栄町出張所", address: Self.address,
            menu: FacilityService.standardMenu(.subBranchOffice))
        let converted = Self.event(.converted, "2017-04-01", decided: "2016-11-30", kind: .communityCenter, name: "栄町まちづくりセンター")
        let relocated = Self.event(.relocated, "2019-10-01", decided: "2019-01-10", address: Self.moved)
        let periods = try FacilityHistory.periods([relocated, converted, opened])
        #expect(periods.map(\.kind) == [.subBranchOffice, .communityCenter, .communityCenter])
        #expect(periods[0].offers(.notification(.birth)) && !periods[1].offers(.notification(.birth)))
        #expect(periods[1].offers(.procedure(.communitySupport)) && periods[1].address == Self.address)
        #expect(periods[2].address == Self.moved && periods[2].menu == periods[1].menu && periods[2].name == "栄町まちづくりセンター")
        let row = try FacilityHistory.row(
            Facility(id: "kakinoki", kind: .subBranchOffice, name: "栄町出張所", ward: "山手区", address: Self.address,
                     openedOn: Self.day("1975-04-01")), [opened, converted, relocated], today: Self.day("2018-01-01"))
        #expect(row.kind == .communityCenter && row.address == Self.address, "the row as the history stands on the day asked")
    }

    /// Hostile histories: each breaks one rule and is refused with `facility.historyInvalid`, naming the event.
    static let hostile: [(String, [FacilityEvent])] = [
        ("no opening", [event(.closed, "2012-04-01")]),
        ("an opening without its menu", [event(.opened, "1984-04-01", kind: .liaisonOffice, name: "柿の木連絡所", address: address)]),
        ("two openings", [opening, event(.opened, "1990-04-01", kind: .liaisonOffice, name: "x", address: address, menu: [])]),
        ("a change after the closure", [opening, event(.closed, "2012-04-01"), event(.relocated, "2013-04-01", address: moved)]),
        ("two changes on one day", [opening, event(.relocated, "2000-04-01", address: moved), event(.menuChanged, "2000-04-01", menu: [])]),
        ("a change on the opening day", [opening, event(.menuChanged, "1984-04-01", menu: [])]),
        ("a decision after its effect", [opening, event(.closed, "2012-04-01", decided: "2012-05-01")]),
        ("a conversion to the same kind", [opening, event(.converted, "2017-04-01", kind: .liaisonOffice)]),
        ("a conversion that moves", [opening, event(.converted, "2017-04-01", kind: .serviceCorner, address: moved)]),
        ("a relocation to the same place", [opening, event(.relocated, "2000-04-01", address: address)]),
        ("a relocation that changes the menu", [opening, event(.relocated, "2000-04-01", address: moved, menu: [])]),
        ("a menu change to the same menu", [opening, event(.menuChanged, "2000-04-01", menu: FacilityService.standardMenu(.liaisonOffice))]),
        ("a manned window closed twice", [opening, event(.mannedWindowClosed, "2015-04-01", menu: []), event(.mannedWindowClosed, "2016-04-01", menu: [])]),
        ("a window without staff that takes 届出", [opening, event(.mannedWindowClosed, "2015-04-01", menu: [.notification(.moveIn)])]),
        ("a machine that takes 届出", [event(.opened, "2005-07-01", kind: .automaticMachine, name: "自動交付機", address: address, menu: [.notification(.birth)])]),
        ("a closure that says more than its day", [opening, event(.closed, "2012-04-01", name: "x")]),
        ("an empty name", [opening, event(.relocated, "2000-04-01", name: " ", address: moved)]),
        ("another facility's event", [opening, event(.closed, "2012-04-01", facility: "miyano")]),
    ]

    @Test("a history that breaks a rule is refused, with the facility, day and change in the message", arguments: FacilityHistoryTests.hostile)
    func refused(_ rule: String, _ events: [FacilityEvent]) {
        do {
            _ = try FacilityHistory.periods(events)
            Issue.record("accepted: \(rule)")
        } catch let error as MadoguchiError {
            #expect(error.code == .facilityHistoryInvalid, "\(rule)")
            #expect(!error.ja.isEmpty && !error.en.isEmpty && error.en.contains("("), "\(rule): \(error.en)")
        } catch {
            Issue.record("\(rule): \(error)")
        }
    }

    @Test("every change's rule: each kind of event is accepted after an opening with what it may carry")
    func everyChange() throws {
        let valid: [FacilityEvent.Change: FacilityEvent] = [
            .converted: Self.event(.converted, "2017-04-01", kind: .serviceCorner),
            .mannedWindowClosed: Self.event(.mannedWindowClosed, "2015-04-01"),
            .relocated: Self.event(.relocated, "2000-04-01", address: Self.moved),
            .menuChanged: Self.event(.menuChanged, "2000-04-01", menu: [.certificate(.taxCertificate)]),
            .closed: Self.event(.closed, "2012-04-01"),
        ]
        for change in FacilityEvent.Change.allCases where change != .opened {
            let event = try #require(valid[change], "\(change) has a valid example")
            _ = try FacilityHistory.periods([Self.opening, event])
        }
        // Closing the window without a menu keeps only what needs no one.
        let closedWindow = try FacilityHistory.periods([Self.opening, valid[.mannedWindowClosed]!])
        #expect(closedWindow[1].menu == FacilityService.standardMenu(.liaisonOffice))
        #expect(FacilityService.standardMenu(.wardOffice).count == FacilityService.all.count)
    }

    @Test("a service reads back from its code; an unknown code is nil, never a crash")
    func serviceCodes() {
        for service in FacilityService.all { #expect(FacilityService(code: service.code) == service) }
        for bad in ["", "certificate", "certificate:", "certificate:passport", "notification:residentRecordCopy", "x:y", "procedure:sealRegistration:x"] {
            #expect(FacilityService(code: bad) == nil, "\(bad)")
        }
        #expect(FacilityService.all.sorted().first == .certificate(.residentRecordCopy))
        #expect(FacilityService.all.sorted().last == .procedure(.communitySupport))
    }

    @Test("every kind has a name in both languages and a standard menu that keeps the staff rule")
    func kinds() throws {
        for kind in FacilityKind.allCases {
            #expect(!kind.japanese.isEmpty && !kind.english.isEmpty)
            let menu = FacilityService.standardMenu(kind)
            if !kind.hasCityStaff { #expect(menu.allSatisfy { !$0.needsStaff }, "\(kind)") }
            _ = try FacilityHistory.periods([Self.event(.opened, "2000-04-01", kind: kind, name: "x", address: Self.address, menu: menu)])
        }
        #expect(FacilityService.standardMenu(.communityCenter).contains(.certificate(.residentRecordCopy)))
        #expect(FacilityService.standardMenu(.serviceCorner).allSatisfy { !$0.needsStaff })
    }
}
