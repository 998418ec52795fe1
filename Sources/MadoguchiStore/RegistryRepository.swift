import Foundation
import MadoguchiDomain

/// One line of a resident search: enough for a clerk to pick the right person.
public struct ResidentSummary: Hashable, Sendable, Codable {
    public var id: Int64
    public var name: PersonName
    public var birthDate: CivilDate
    public var sex: Sex
    public var relationship: Relationship
    public var householdId: Int64
    public var address: String
    /// 除票 (removed) rather than a current 住民票
    public var removed: Bool
}

/// A resident with everything the registry holds about them, for the clerk's screen.
public struct ResidentDetail: Sendable {
    public var resident: Resident
    public var household: Household
    public var removal: RemovedRecord?
    public var movements: [ResidentMovement]
    public var householdMembers: [ResidentSummary]
    public var seal: SealRegistration?
    public var taxYears: [FiscalYear]
    public var familyRegisterId: Int64?
    /// 支援措置 in force on the day asked: the subject is protected
    public var protectedBySupportMeasure: Bool
    /// 支援措置 in force naming this person as the other party
    public var namedAsOtherParty: Bool
    /// 本人通知 registration in force
    public var holderNotification: Bool
}

/// What a search asks for: words of a name (kanji or kana) and/or a birth date.
public struct ResidentQuery: Sendable, Hashable {
    public var nameKey: String?
    public var kanaKey: String?
    public var birthDate: CivilDate?

    /// Reads a clerk's search box: `山田 太郎`, `やまだ`, `ヤマダ タロウ 1980-01-02`, `S55.1.2`, `髙橋`. A `+` separates
    /// words too: an HTML form sends the space of 「山田 太郎」 as `+`, and no name holds one.
    public init(text: String) {
        var names: [String] = []
        for token in JapaneseText.normalized(text).split(whereSeparator: { $0 == " " || $0 == "　" || $0 == "+" }) {
            let t = String(token)
            if let d = CivilDate.parseGregorian(t) {
                birthDate = d
            } else if let d = try? JapaneseDate.parse(t) {
                birthDate = d.gregorian
            } else {
                names.append(t)
            }
        }
        let joined = names.joined()
        if !joined.isEmpty {
            if NameFolding.isKana(joined) { kanaKey = NameFolding.kanaKey(joined) } else {
                nameKey = NameFolding.searchKey(joined)
            }
        }
    }

    public var isEmpty: Bool { nameKey == nil && kanaKey == nil && birthDate == nil }
}

/// The registry's storage: every other module reads and writes residents through here.
public struct RegistryRepository: Sendable {
    let database: MadoguchiDatabase

    /// Runs `body` in one write transaction, on either engine: all of it is stored, or none.
    public func write<T>(_ body: (RegistryWriter) throws -> T) throws -> T {
        try database.transaction(readOnly: false) { s in try body(RegistryWriter(s)) }
    }

    /// The registry's own tables, whose secondary indexes a bulk load builds once at its end.
    static let bulkTables = RegistryTable.allCases.map(\.name)

    /// A load of many rows (the demo city, a whole city's first import) in one write transaction: all of it is
    /// stored, or none.
    ///
    /// On SQLite the registry's secondary indexes (names, kana, birth dates, household, the one-householder and
    /// one-seal rules) are dropped at the start and built again from their stored definitions before the commit. A
    /// row inserted in random key order into a deep index touches pages all over the file; building the index once
    /// at the end sorts instead. The rules of the unique ones (one 個人番号 and one 住民票コード a person since v18,
    /// one living householder, one seal and one 本人通知 in force) are checked then over the whole load, and a
    /// violation rolls everything back. Other connections keep reading the last committed registry, indexes
    /// included, until the commit.
    ///
    /// The indexes are built with SQLite's sorter on two threads: it splits a sort into runs it merges in parallel
    /// only when a run outgrows the page cache, so the cache is made small for the build (2 MiB) and set back after.
    /// For a city of 1.5 million this halved the build (23 s → 12 s on two cores).
    public func bulkLoad<T>(_ body: (RegistryWriter) throws -> T) throws -> T {
        try database.transaction(readOnly: false) { s in
            guard s.engine == .sqlite else { return try body(RegistryWriter(s)) }
            let marks = Self.bulkTables.map { _ in "?" }.joined(separator: ", ")
            let indexes = try s.rows(
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN (\(marks)) ORDER BY rowid",
                arguments: Self.bulkTables.map { $0 as any SQLBindable }
            ).map { (name: try $0.text("name"), sql: try $0.text("sql")) }
            for index in indexes { try s.execute("DROP INDEX \"\(index.name)\"") }
            let result = try body(RegistryWriter(s))
            let cache = try s.scalar("PRAGMA cache_size", as: Int.self) ?? -2000
            let threads = try s.scalar("PRAGMA threads", as: Int.self) ?? 0
            try s.execute("PRAGMA threads = 2")
            try s.execute("PRAGMA cache_size = -2048")
            defer {
                _ = try? s.execute("PRAGMA cache_size = \(cache)")
                _ = try? s.execute("PRAGMA threads = \(threads)")
            }
            for index in indexes { try s.execute(index.sql) }
            return result
        }
    }

    /// Whether any resident (current or removed) is registered.
    public func hasResidents() throws -> Bool {
        try database.transaction(readOnly: true) { s in try s.exists("SELECT 1 FROM resident") }
    }

    public func meta(_ key: String) throws -> String? {
        try database.transaction(readOnly: true) { s in try s.scalar("SELECT value FROM meta WHERE key = ?", arguments: [key], as: String.self) }
    }

    public struct Counts: Sendable, Hashable, Codable {
        public var households = 0
        public var residents = 0
        public var removed = 0
        public var seals = 0
        public var taxAssessments = 0
        public var familyRegisters = 0
        public var supportMeasures = 0
        public var facilities = 0
    }

    public func counts() throws -> Counts {
        try database.transaction(readOnly: true) { s in
            var c = Counts()
            func count(_ sql: String) throws -> Int { try s.scalar(sql, as: Int.self) ?? 0 }
            c.households = try count("SELECT count(*) FROM household")
            c.residents = try count("SELECT count(*) FROM resident")
            c.removed = try count("SELECT count(*) FROM resident WHERE removedOn IS NOT NULL")
            c.seals = try count("SELECT count(*) FROM sealRegistration")
            c.taxAssessments = try count("SELECT count(*) FROM taxAssessment")
            c.familyRegisters = try count("SELECT count(*) FROM familyRegister")
            c.supportMeasures = try count("SELECT count(*) FROM supportMeasure")
            c.facilities = try count("SELECT count(*) FROM facility")
            return c
        }
    }

    static let summaryColumns = """
        r.id, r.familyName, r.givenName, r.familyNameKana, r.givenNameKana, r.birthDate, r.sex, r.relationship,
        r.householdId, r.removedOn, h.prefecture, h.municipality, h.ward, h.town, h.block, h.building
        """

    static func summary(_ row: SQLRow) -> ResidentSummary {
        let address = Address(
            prefecture: row["prefecture"], municipality: row["municipality"], ward: row["ward"], town: row["town"],
            block: row["block"], building: row["building"])
        return ResidentSummary(
            id: row["id"],
            name: Rows.name(row),
            birthDate: Rows.date(row["birthDate"]), sex: Sex(rawValue: row["sex"])!,
            relationship: Relationship(rawValue: row["relationship"])!, householdId: row["householdId"],
            address: address.description, removed: (row["removedOn"] as String?) != nil)
    }


    /// Searches by name (kanji or kana, prefix, variant-insensitive) and/or birth date.
    /// Current residents first, then 除票; at most `limit` rows.
    public func search(_ query: ResidentQuery, limit: Int = 50) throws -> [ResidentSummary] {
        guard !query.isEmpty else { return [] }
        // Each way of matching is a range on an index of (key, birthDate) read in order and cut at
        // `limit`, so a common surname costs `limit` rows, not every row that shares it.
        var candidates: [String] = []
        var arguments: [any SQLBindable] = []
        let birth = query.birthDate == nil ? "" : " AND birthDate = ?"
        func range(_ column: String, _ key: String) {
            candidates.append(
                "SELECT id FROM (SELECT id FROM resident WHERE \(column) >= ? AND \(column) < ?\(birth) "
                    + "ORDER BY \(column), birthDate LIMIT ?) AS byKey")
            arguments += [key, key + "\u{10FFFF}"]
            if let d = query.birthDate { arguments += [d.description] }
            arguments += [limit]
        }
        if let key = query.nameKey {
            range("searchName", key)
        } else if let key = query.kanaKey {
            range("searchKana", key)
            range("givenNameKana", key)
        } else if let d = query.birthDate {
            candidates.append("SELECT id FROM resident WHERE birthDate = ?")
            arguments += [d.description]
        }
        let sql = """
            SELECT \(Self.summaryColumns) FROM resident r JOIN household h ON h.id = r.householdId
            WHERE r.id IN (\(candidates.joined(separator: " UNION ")))
            ORDER BY r.removedOn IS NOT NULL, r.searchKana, r.birthDate, r.id LIMIT ?
            """
        arguments += [limit]
        let bound = arguments
        // On the standby when there is one: a search may lag the primary by the replication delay.
        return try database.publicRead { db in try db.rows(sql, arguments: bound).map(Self.summary) }
    }

    static func resident(_ row: SQLRow) -> Resident {
        Resident(
            id: row["id"], householdId: row["householdId"],
            name: Rows.name(row),
            formerFamilyName: row["formerFamilyName"], formerFamilyNameKana: row["formerFamilyNameKana"],
            birthDate: Rows.date(row["birthDate"]), sex: Sex(rawValue: row["sex"])!,
            relationship: Relationship(rawValue: row["relationship"])!, permanentDomicile: row["permanentDomicile"],
            domicileHead: row["domicileHead"], becameResidentOn: Rows.date(row["becameResidentOn"]),
            addressSetOn: Rows.date(row["addressSetOn"]), notifiedOn: Rows.date(row["notifiedOn"]),
            previousAddress: row["previousAddress"], individualNumber: row["individualNumber"],
            residentRecordCode: row["residentRecordCode"])
    }

    /// One resident with household, 除票 status, movements, seal, tax years and protections as of `date`.
    public func detail(id: Int64, on date: CivilDate) throws -> ResidentDetail? {
        try database.transaction(readOnly: true) { db in
            guard let row = try db.row("SELECT * FROM resident WHERE id = ?", id) else {
                return nil
            }
            let resident = Self.resident(row)
            guard let householdRow = try db.row("SELECT * FROM household WHERE id = ?", resident.householdId) else {
                throw Unreadable.error("resident.householdId")
            }
            let household = Rows.household(householdRow)
            let removal = Rows.removal(row, residentId: id)
            let movements = try db.rows("SELECT * FROM residentMovement WHERE residentId = ? ORDER BY occurredOn, id", id).map(Rows.movement)
            let members = try db.rows(
                """
                SELECT \(Self.summaryColumns) FROM resident r JOIN household h ON h.id = r.householdId
                WHERE r.householdId = ? AND r.removedOn IS NULL ORDER BY r.relationship <> 'householder', r.birthDate
                """, resident.householdId
            ).map(Self.summary)
            let seal = try db.row("SELECT * FROM sealRegistration WHERE residentId = ? AND abolishedOn IS NULL", id).map(Rows.seal)
            let taxYears = try db.column("SELECT fiscalYear FROM taxAssessment WHERE residentId = ? ORDER BY fiscalYear", arguments: [id], as: Int.self)
                .map(FiscalYear.init)
            let register = try db.scalar(
                "SELECT familyRegisterId FROM familyRegisterMember WHERE residentId = ? ORDER BY leftOn IS NOT NULL, id LIMIT 1",
                arguments: [id], as: Int64.self)
            let today = date.description
            let protected = try db.exists(
                "SELECT 1 FROM supportMeasure WHERE subjectId = ? AND termStart <= ? AND termEnd >= ? AND state <> 'ended'",
                arguments: [id, today, today])
            let otherParty = try db.exists(
                "SELECT 1 FROM supportMeasure WHERE otherPartyResidentId = ? AND termStart <= ? AND termEnd >= ? AND state <> 'ended'",
                arguments: [id, today, today])
            let notification = try db.exists(
                "SELECT 1 FROM holderNotificationRegistration WHERE residentId = ? AND registeredOn <= ? AND endedOn IS NULL",
                arguments: [id, today])
            return ResidentDetail(
                resident: resident, household: household, removal: removal, movements: movements,
                householdMembers: members, seal: seal, taxYears: taxYears, familyRegisterId: register,
                protectedBySupportMeasure: protected, namedAsOtherParty: otherParty, holderNotification: notification)
        }
    }

    public func facilities() throws -> [Facility] {
        try database.transaction(readOnly: true) { db in try FacilityRows.facilities(db) }
    }
}

extension RegistryRepository {
    /// Which of these 個人番号 / 住民票コード are already registered.
    public func existingIdentifiers(individualNumbers: [String], residentRecordCodes: [String]) throws -> Set<String> {
        try database.transaction(readOnly: true) { db in
            var found = Set<String>()
            for (column, values) in [("individualNumber", individualNumbers), ("residentRecordCode", residentRecordCodes)] {
                for start in stride(from: 0, to: values.count, by: 500) {
                    let part = Array(values[start..<min(start + 500, values.count)])
                    let marks = part.map { _ in "?" }.joined(separator: ",")
                    found.formUnion(try db.column("SELECT \(column) FROM resident WHERE \(column) IN (\(marks))", arguments: part, as: String.self))
                }
            }
            return found
        }
    }
}

extension RegistryRepository {
    /// Residents (current or removed) by 住民票コード, for the codes given.
    public func residentIds(codes: [String]) throws -> [String: Int64] {
        try database.transaction(readOnly: true) { db in
            var found: [String: Int64] = [:]
            let unique = Array(Set(codes))
            for start in stride(from: 0, to: unique.count, by: 500) {
                let part = Array(unique[start..<min(start + 500, unique.count)])
                let marks = part.map { _ in "?" }.joined(separator: ",")
                for row in try db.rows("SELECT id, residentRecordCode FROM resident WHERE residentRecordCode IN (\(marks))", arguments: part) {
                    found[try row.text("residentRecordCode")] = try row.int("id")
                }
            }
            return found
        }
    }

    /// The 戸籍 kept at these 本籍, with their members.
    public func registers(domiciles: [String]) throws -> [(register: FamilyRegister, members: [FamilyRegisterMember])] {
        try database.transaction(readOnly: true) { db in
            var out: [(FamilyRegister, [FamilyRegisterMember])] = []
            let unique = Array(Set(domiciles))
            for start in stride(from: 0, to: unique.count, by: 500) {
                let part = Array(unique[start..<min(start + 500, unique.count)])
                let marks = part.map { _ in "?" }.joined(separator: ",")
                for row in try db.rows("SELECT * FROM familyRegister WHERE permanentDomicile IN (\(marks))", arguments: part) {
                    let register = Rows.register(row)
                    let members = try db.rows("SELECT * FROM familyRegisterMember WHERE familyRegisterId = ? ORDER BY id", try row.int("id"))
                        .map(Rows.registerMember)
                    out.append((register, members))
                }
            }
            return out
        }
    }
}
