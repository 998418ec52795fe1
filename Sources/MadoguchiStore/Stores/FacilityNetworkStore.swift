import Foundation
import MadoguchiDomain

/// The facility network: each facility's row (its identity and its state as last recorded) and the append-only,
/// effective-dated history of changes behind it.
public protocol FacilityNetworkStore: Sendable {
    /// Every facility, by ward, kind and id.
    func facilities() async throws -> [Facility]
    /// The recorded events, of one facility or of all, by facility and day.
    func events(facilityId: String?) async throws -> [FacilityEvent]
    /// Appends events of one facility in one transaction. `decide` sees the facility's row and recorded events first
    /// and answers with the events to append and the row as it must be afterwards (the use case's rules; it throws to
    /// refuse). An unknown facility is `facility.unknown`.
    func record(
        _ event: FacilityEvent, at: String, by actor: String,
        decide: @escaping @Sendable (Facility, [FacilityEvent]) throws -> (append: [FacilityEvent], row: Facility)
    ) async throws
    /// The regular hours and one-off days recorded, of one facility or of all.
    func hours(facilityId: String?) async throws -> (schedules: [HoursPeriod], days: [DayException])
    /// Appends a schedule; `check` sees the facility's row and recorded schedules first (it throws to refuse).
    func record(
        _ hours: HoursPeriod, at: String, by actor: String, check: @escaping @Sendable (Facility, [HoursPeriod]) throws -> Void
    ) async throws
    /// Appends a one-off day; `check` sees the facility's row first.
    func record(_ day: DayException, at: String, by actor: String, check: @escaping @Sendable (Facility) throws -> Void) async throws
    /// Where each 町丁目 is.
    func townLocations() async throws -> [TownKey: GeoPoint]
}

struct SQLFacilityNetworkStore: FacilityNetworkStore {
    let database: MadoguchiDatabase

    func facilities() async throws -> [Facility] {
        try await database.sqlRead { db in try FacilityRows.facilities(db) }
    }

    func events(facilityId: String?) async throws -> [FacilityEvent] {
        try await database.sqlRead { db in try FacilityRows.events(db, facilityId: facilityId) }
    }

    func record(
        _ event: FacilityEvent, at: String, by actor: String,
        decide: @escaping @Sendable (Facility, [FacilityEvent]) throws -> (append: [FacilityEvent], row: Facility)
    ) async throws {
        try await database.sqlWrite { db in
            guard let facility = try FacilityRows.facility(db, id: event.facilityId) else {
                throw MadoguchiError(.facilityUnknown, ja: "施設が見つかりません: \(event.facilityId)", en: "No facility \(event.facilityId)")
            }
            let (append, row) = try decide(facility, try FacilityRows.events(db, facilityId: event.facilityId))
            for e in append { try FacilityRows.insert(db, e, at: at, by: actor) }
            if row != facility { try FacilityRows.upsert(db, row) }
        }
    }
}

extension SQLFacilityNetworkStore {
    func townLocations() async throws -> [TownKey: GeoPoint] {
        try await database.sqlRead { db in
            var out: [TownKey: GeoPoint] = [:]
            for r in try db.rows("SELECT ward, town, latitude, longitude FROM townLocation", []) {
                guard case .real(let lat) = r.value("latitude"), case .real(let lon) = r.value("longitude") else {
                    throw SQLRow.unreadable("townLocation")
                }
                out[TownKey(ward: try r.text("ward"), town: try r.text("town"))] = GeoPoint(latitude: lat, longitude: lon)
            }
            return out
        }
    }

    func hours(facilityId: String?) async throws -> (schedules: [HoursPeriod], days: [DayException]) {
        try await database.sqlRead { db in (try FacilityRows.schedules(db, facilityId: facilityId), try FacilityRows.days(db, facilityId: facilityId)) }
    }

    func record(
        _ hours: HoursPeriod, at: String, by actor: String, check: @escaping @Sendable (Facility, [HoursPeriod]) throws -> Void
    ) async throws {
        try await database.sqlWrite { db in
            try check(try FacilityRows.existing(db, hours.facilityId), try FacilityRows.schedules(db, facilityId: hours.facilityId))
            try FacilityRows.insert(db, hours, at: at, by: actor)
        }
    }

    func record(_ day: DayException, at: String, by actor: String, check: @escaping @Sendable (Facility) throws -> Void) async throws {
        try await database.sqlWrite { db in
            try check(try FacilityRows.existing(db, day.facilityId))
            try FacilityRows.insert(db, day, at: at, by: actor)
        }
    }
}

extension MadoguchiDatabase {
    /// The facility network and its history.
    public var facilityNetwork: any FacilityNetworkStore { SQLFacilityNetworkStore(database: self) }
}

/// The facility tables' SQL, on either engine.
enum FacilityRows {
    static func facilities(_ db: any SQLSession) throws -> [Facility] {
        try db.rows("SELECT * FROM facility ORDER BY ward, kind, id", []).map(facility)
    }

    static func facility(_ db: any SQLSession, id: String) throws -> Facility? {
        try db.row("SELECT * FROM facility WHERE id = ?", id).map(facility)
    }

    static func facility(_ f: SQLRow) throws -> Facility {
        Facility(
            id: try f.text("id"), kind: try f.code("kind"), name: try f.text("name"), ward: try f.text("ward"),
            address: Address(
                prefecture: try f.text("prefecture"), municipality: try f.text("municipality"), ward: try f.text("addressWard"),
                town: try f.text("town"), block: try f.text("block"), building: try f.optionalText("building")),
            openedOn: try date(f, "openedOn"), closedOn: try f.optionalText("closedOn").map { _ in try date(f, "closedOn") })
    }

    static func upsert(_ db: any SQLSession, _ f: Facility) throws {
        try db.execute(
            """
            INSERT INTO facility (id, kind, name, ward, prefecture, municipality, addressWard, town, block, building,
              openedOn, closedOn) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT(id) DO UPDATE SET kind = excluded.kind, name = excluded.name, ward = excluded.ward,
              prefecture = excluded.prefecture, municipality = excluded.municipality,
              addressWard = excluded.addressWard, town = excluded.town, block = excluded.block,
              building = excluded.building, openedOn = excluded.openedOn, closedOn = excluded.closedOn
            """,
            arguments: [
                f.id, f.kind.rawValue, f.name, f.ward, f.address.prefecture, f.address.municipality, f.address.ward,
                f.address.town, f.address.block, f.address.building, f.openedOn.description, f.closedOn?.description,
            ])
    }

    static func events(_ db: any SQLSession, facilityId: String?) throws -> [FacilityEvent] {
        let rows =
            try facilityId.map { try db.rows("SELECT * FROM facilityEvent WHERE facilityId = ? ORDER BY effectiveOn", $0) }
            ?? db.rows("SELECT * FROM facilityEvent ORDER BY facilityId, effectiveOn", [])
        return try rows.map(event)
    }

    static func event(_ e: SQLRow) throws -> FacilityEvent {
        let decoder = JSONDecoder()
        let address = try e.optionalText("address").map { text in
            try Unreadable.decoding("facilityEvent.address") { try decoder.decode(Address.self, from: Data(text.utf8)) }
        }
        let menu = try e.optionalText("menu").map { text in
            try Unreadable.decoding("facilityEvent.menu") { Set(try decoder.decode([FacilityService].self, from: Data(text.utf8))) }
        }
        return FacilityEvent(
            facilityId: try e.text("facilityId"), change: try e.code("change"), effectiveOn: try date(e, "effectiveOn"),
            decision: FacilityDecision(document: try e.text("decisionDocument"), decidedOn: try date(e, "decidedOn")),
            kind: try e.optionalCode("kind"), name: try e.optionalText("name"), ward: try e.optionalText("ward"),
            address: address, menu: menu)
    }

    static func insert(_ db: any SQLSession, _ e: FacilityEvent, at: String, by actor: String) throws {
        let address = try e.address.map(json)
        let menu = try e.menu.map { try json($0.sorted()) }
        try db.enqueue(
            """
            INSERT INTO facilityEvent (facilityId, change, effectiveOn, decisionDocument, decidedOn, kind, name, ward, address,
              menu, recordedAt, recordedBy) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """,
            arguments: [
                e.facilityId, e.change.rawValue, e.effectiveOn.description, e.decision.document, e.decision.decidedOn.description,
                e.kind?.rawValue, e.name, e.ward, address, menu, at, actor,
            ])
    }

    static func existing(_ db: any SQLSession, _ id: String) throws -> Facility {
        guard let facility = try facility(db, id: id) else {
            throw MadoguchiError(.facilityUnknown, ja: "施設が見つかりません: \(id)", en: "No facility \(id)")
        }
        return facility
    }

    static func json<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    static func schedules(_ db: any SQLSession, facilityId: String?) throws -> [HoursPeriod] {
        let rows =
            try facilityId.map { try db.rows("SELECT * FROM facilityHours WHERE facilityId = ? ORDER BY effectiveOn", $0) }
            ?? db.rows("SELECT * FROM facilityHours ORDER BY facilityId, effectiveOn", [])
        return try rows.map { r in
            let text = try r.text("schedule")
            return HoursPeriod(
                facilityId: try r.text("facilityId"), effectiveOn: try date(r, "effectiveOn"),
                schedule: try Unreadable.decoding("facilityHours.schedule") { try JSONDecoder().decode(HoursSchedule.self, from: Data(text.utf8)) },
                decision: FacilityDecision(document: try r.text("decisionDocument"), decidedOn: try date(r, "decidedOn")))
        }
    }

    /// One-off days, the earlier records of a day first (the last one of a day holds).
    static func days(_ db: any SQLSession, facilityId: String?) throws -> [DayException] {
        let rows =
            try facilityId.map { try db.rows("SELECT * FROM facilityDay WHERE facilityId = ? ORDER BY day, id", $0) }
            ?? db.rows("SELECT * FROM facilityDay ORDER BY facilityId, day, id", [])
        return try rows.map { r in
            let text = try r.text("spans")
            return try DayException(
                facilityId: try r.text("facilityId"), day: try date(r, "day"),
                spans: try Unreadable.decoding("facilityDay.spans") { try JSONDecoder().decode([OpeningSpan].self, from: Data(text.utf8)) },
                reason: try r.text("reason"))
        }
    }

    static func insert(_ db: any SQLSession, _ h: HoursPeriod, at: String, by actor: String) throws {
        try db.enqueue(
            """
            INSERT INTO facilityHours (facilityId, effectiveOn, schedule, decisionDocument, decidedOn, recordedAt, recordedBy)
            VALUES (?, ?, ?, ?, ?, ?, ?)
            """,
            arguments: [h.facilityId, h.effectiveOn.description, try json(h.schedule), h.decision.document, h.decision.decidedOn.description, at, actor])
    }

    static func insert(_ db: any SQLSession, _ d: DayException, at: String, by actor: String) throws {
        try db.enqueue(
            "INSERT INTO facilityDay (facilityId, day, spans, reason, recordedAt, recordedBy) VALUES (?, ?, ?, ?, ?, ?)",
            arguments: [d.facilityId, d.day.description, try json(d.spans), d.reason, at, actor])
    }

    static func date(_ row: SQLRow, _ column: String) throws -> CivilDate {
        guard let date = CivilDate.parseGregorian(try row.text(column)) else { throw SQLRow.unreadable(column) }
        return date
    }
}
