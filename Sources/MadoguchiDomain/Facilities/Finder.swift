import Foundation

/// A point on the earth (WGS 84 degrees).
public struct GeoPoint: Hashable, Sendable, Codable {
    public var latitude: Double
    public var longitude: Double

    public init(latitude: Double, longitude: Double) {
        self.latitude = latitude
        self.longitude = longitude
    }

    /// The great-circle distance in kilometres (haversine, mean earth radius 6,371 km): within a city the error
    /// against the ellipsoid is a few metres a kilometre.
    public func distanceKm(to other: GeoPoint) -> Double {
        let r = 6371.0, rad = Double.pi / 180
        let dLat = (other.latitude - latitude) * rad, dLon = (other.longitude - longitude) * rad
        let a = sin(dLat / 2) * sin(dLat / 2) + cos(latitude * rad) * cos(other.latitude * rad) * sin(dLon / 2) * sin(dLon / 2)
        return 2 * r * asin(min(1, sqrt(a)))
    }
}

/// A 町丁目 of the city: its 区 and its name with the 丁目 (本町一丁目).
public struct TownKey: Hashable, Sendable, Comparable, Codable, CustomStringConvertible {
    public var ward: String
    public var town: String

    public init(ward: String, town: String) {
        self.ward = ward
        self.town = town
    }

    public var description: String { ward.isEmpty ? town : "\(ward)\(town)" }
    public static func < (a: Self, b: Self) -> Bool { (a.ward, a.town) < (b.ward, b.town) }
}

/// Where a certificate can be had: a facility as it stands that day, or the city's store channel (any convenience store
/// with a kiosk, with the My Number card).
public enum FinderPlace: Hashable, Sendable {
    case facility(FacilityPeriod)
    case stores
}

/// One answer of the finder: the place, how far it is from the 町丁目 asked about, and its hours that day.
public struct FinderAnswer: Hashable, Sendable {
    public var place: FinderPlace
    /// Nil for the stores (they are everywhere) or a place without a known location
    public var distanceKm: Double?
    public var hours: DayHours
}

/// "Where can I get KIND on DATE (at TIME), nearest first from a 町丁目": every place whose menu that day has the
/// certificate and whose hours that day are open (at the time, when one is given). The store channel comes first when
/// it serves (it needs the My Number card); the facilities follow by distance, those without a known location last,
/// then by name.
public enum Finder {
    public struct Candidate: Sendable {
        public var period: FacilityPeriod
        public var hours: DayHours
        public var location: GeoPoint?

        public init(period: FacilityPeriod, hours: DayHours, location: GeoPoint?) {
            self.period = period
            self.hours = hours
            self.location = location
        }
    }

    public static func find(
        _ kind: CertificateKind, at time: TimeOfDay?, from origin: GeoPoint?, facilities: [Candidate],
        stores: (kinds: [CertificateKind], hours: DayHours)?
    ) -> [FinderAnswer] {
        func serves(_ hours: DayHours) -> Bool { time.map(hours.isOpen(at:)) ?? hours.isOpen }
        var answers = facilities
            .filter { $0.period.offers(.certificate(kind)) && serves($0.hours) }
            .map { c in
                FinderAnswer(
                    place: .facility(c.period), distanceKm: zip2(origin, c.location).map { $0.distanceKm(to: $1) }, hours: c.hours)
            }
            .sorted { a, b in
                switch (a.distanceKm, b.distanceKm) {
                case (let x?, let y?) where x != y: return x < y
                case (.some, nil): return true
                case (nil, .some): return false
                default: return a.name < b.name
                }
            }
        if let stores, stores.kinds.contains(kind), serves(stores.hours) {
            answers.insert(FinderAnswer(place: .stores, distanceKm: nil, hours: stores.hours), at: 0)
        }
        return answers
    }

    static func zip2<A, B>(_ a: A?, _ b: B?) -> (A, B)? {
        guard let a, let b else { return nil }
        return (a, b)
    }
}

extension FinderAnswer {
    public var name: String {
        switch place {
        case .facility(let p): p.name
        case .stores: "コンビニエンスストア（マイナンバーカード）"
        }
    }
}

extension TimeOfDay {
    /// Minutes since midnight, 0…1440.
    public init?(minutes: Int) {
        self.init(hour: minutes / 60, minute: minutes % 60)
    }
}

extension StoreHours {
    /// The store channel's hours on a day, read like a facility's: closed 12/29–1/3 and on maintenance days, otherwise
    /// from `opensAt` to `closesAt` (holidays included). The same rule as ``closure(at:)``.
    public func hours(on date: CivilDate) -> DayHours {
        if OfficeCalendar.isYearEnd(date) {
            return DayHours(date: date, spans: [], basis: .yearEnd)
        }
        if maintenanceDays.contains(date) { return DayHours(date: date, spans: [], basis: .exception("保守停止")) }
        guard let opens = TimeOfDay(minutes: opensAt), let closes = TimeOfDay(minutes: closesAt), let span = try? OpeningSpan(opens, closes) else {
            return DayHours(date: date, spans: [], basis: .noSchedule)
        }
        return DayHours(date: date, spans: [span], basis: .regular)
    }
}

extension MadoguchiError.Code {
    public static let unknownTown = Self("finder.unknownTown")
}
