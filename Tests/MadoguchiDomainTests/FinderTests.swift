import Testing

@testable import MadoguchiDomain

/// Issue 14, item 3: where a certificate can be had, nearest first.
@Suite("証明書を取れる場所")
struct FinderTests {
    static func day(_ text: String) -> CivilDate { CivilDate.parseGregorian(text)! }
    static let date = day("2026-12-04")
    static func span(_ text: String) -> OpeningSpan { try! OpeningSpan(text) }
    static let address = Address(prefecture: "神奈川県", municipality: "窓口市", ward: "中央区", town: "本町一丁目", block: "1番地")
    static let decision = FacilityDecision(document: "x", decidedOn: day("2000-01-01"))

    static func candidate(_ id: String, _ kind: FacilityKind, _ hours: String?, at point: GeoPoint?) -> Finder.Candidate {
        Finder.Candidate(
            period: FacilityPeriod(
                facilityId: id, kind: kind, name: id, ward: "中央区", address: address, manned: kind.hasCityStaff,
                menu: FacilityService.standardMenu(kind), from: day("2000-01-01"), until: nil, change: .opened, decision: decision),
            hours: DayHours(date: date, spans: hours.map { [span($0)] } ?? [], basis: .regular), location: point)
    }

    static let origin = GeoPoint(latitude: 35.56, longitude: 139.64)
    static func north(_ km: Double) -> GeoPoint { GeoPoint(latitude: 35.56 + km / 111.195, longitude: 139.64) }
    static let candidates = [
        candidate("far-ward", .wardOffice, "08:30-17:00", at: north(5)),
        candidate("near-corner", .serviceCorner, "07:30-19:00", at: north(1)),
        candidate("closed-centre", .communityCenter, nil, at: north(0.5)),
        candidate("nowhere-corner", .serviceCorner, "07:30-19:00", at: nil),
        candidate("near-ward", .wardOffice, "08:30-17:00", at: north(2)),
        candidate("machine", .automaticMachine, "06:30-21:00", at: north(0.1)),
    ]
    static let stores = (kinds: [CertificateKind.residentRecordCopy, .taxCertificate], hours: StoreHours().hours(on: date))

    @Test("the haversine distance: a degree of latitude is 111.2 km; Tokyo to Yokohama stations about 27 km")
    func distance() {
        #expect(abs(Self.origin.distanceKm(to: GeoPoint(latitude: 36.56, longitude: 139.64)) - 111.195) < 0.01)
        let tokyo = GeoPoint(latitude: 35.681236, longitude: 139.767125), yokohama = GeoPoint(latitude: 35.465833, longitude: 139.622778)
        #expect(abs(tokyo.distanceKm(to: yokohama) - 27.0) < 0.5)
        #expect(tokyo.distanceKm(to: tokyo) == 0)
    }

    @Test("during office hours: the stores first, then every open place whose menu has it, nearest first, unknown places last")
    func officeHours() {
        let found = Finder.find(.residentRecordCopy, at: TimeOfDay("10:00"), from: Self.origin, facilities: Self.candidates, stores: Self.stores)
        #expect(found.map(\.name) == ["コンビニエンスストア（マイナンバーカード）", "machine", "near-corner", "near-ward", "far-ward", "nowhere-corner"])
        #expect(found[1].distanceKm.map { abs($0 - 0.1) < 0.001 } == true && found.last?.distanceKm == nil && found[0].distanceKm == nil)
    }

    @Test("in the evening only what is open then; a kind off a menu is not offered there; no origin sorts by name")
    func eveningAndMenus() {
        let evening = Finder.find(.residentRecordCopy, at: TimeOfDay("18:30"), from: Self.origin, facilities: Self.candidates, stores: Self.stores)
        #expect(evening.map(\.name) == ["コンビニエンスストア（マイナンバーカード）", "machine", "near-corner", "nowhere-corner"])
        let late = Finder.find(.residentRecordCopy, at: TimeOfDay("23:00"), from: Self.origin, facilities: Self.candidates, stores: Self.stores)
        #expect(late.isEmpty, "the stores close at 23:00 and so does everything else")
        // 除票: not on the store menu, not at a corner, a centre or a machine; only the ward offices.
        let removed = Finder.find(.removedRecord, at: nil, from: nil, facilities: Self.candidates, stores: Self.stores)
        #expect(removed.map(\.name) == ["far-ward", "near-ward"])
        let wholeDay = Finder.find(.sealRegistrationCertificate, at: nil, from: nil, facilities: Self.candidates, stores: Self.stores)
        #expect(!wholeDay.contains { $0.place == .stores }, "the store menu here has no seal certificate")
        #expect(wholeDay.map(\.name) == ["far-ward", "machine", "near-corner", "near-ward", "nowhere-corner"])
    }
}
