import Foundation
import GRDB
import MadoguchiTestSupport
import Testing

@testable import MadoguchiDemo
@testable import MadoguchiDomain
@testable import MadoguchiStore

@Suite("デモ市の生成")
struct DemoCityTests {
    static func build(_ n: Int, seed: UInt64 = 7) throws -> (MadoguchiDatabase, DemoCityGenerator.Report) {
        let db = try MadoguchiDatabase.inMemory()
        let report = try DemoCityGenerator.generate(into: db, options: .init(residents: n, seed: seed, batchSize: 300))
        return (db, report)
    }

    @Test("the same seed builds the same city; another seed another")
    func deterministic() throws {
        let (a, ra) = try Self.build(1_500)
        let (b, rb) = try Self.build(1_500)
        let (c, _) = try Self.build(1_500, seed: 8)
        #expect(ra == rb)
        func names(_ db: MadoguchiDatabase) throws -> [String] {
            try db.writer.read { d in
                try String.fetchAll(d, sql: "SELECT familyName || givenName || birthDate || individualNumber FROM resident ORDER BY id")
            }
        }
        #expect(try names(a) == names(b))
        #expect(try names(a) != names(c))
    }

    @Test("exactly N persons, the seeds' facility network, and every kind of record")
    func contents() throws {
        let (db, report) = try Self.build(6_000)
        let counts = try db.registry.counts()
        #expect(counts.residents == 6_000)
        #expect(report.persons == 6_000)
        let kinds = Dictionary(grouping: try db.registry.facilities(), by: \.kind).mapValues(\.count)
        // As the network stands after its history: the 出張所 became まちづくりセンター in 2017.
        #expect(kinds == [.wardOffice: 7, .branchOffice: 2, .communityCenter: 6, .serviceCorner: 6, .liaisonOffice: 2,
                          .automaticMachine: 2, .postOffice: 2])
        #expect(Set(try db.registry.facilities().filter { $0.closedOn != nil }.map(\.name))
                == ["宮野連絡所", "サクラモール証明書自動交付機", "鷺沼駅証明書自動交付機"])
        #expect(counts.removed > 50)
        #expect(counts.seals > 1_000)
        #expect(counts.taxAssessments > 3_000)
        #expect(counts.familyRegisters > 1_000)
        #expect(counts.supportMeasures >= 1)
        #expect(report.variantNames > 50)
        // Household sizes: about 2.2 people on average, with singles the largest group.
        let average = Double(counts.residents - counts.removed) / Double(counts.households)
        #expect(average > 1.8 && average < 2.8, "average household \(average)")
        try db.writer.read { d in
            // IVS sequences stored as sequences.
            let ivs = try Int.fetchOne(d, sql: "SELECT count(*) FROM resident WHERE familyName LIKE '%' || char(917776) || '%' OR familyName LIKE '%' || char(917762) || '%'")!
            #expect(ivs > 0)
            // Every household with living members has exactly one living householder.
            let bad = try Int.fetchOne(d, sql: """
                SELECT count(*) FROM household h WHERE EXISTS (SELECT 1 FROM resident r WHERE r.householdId = h.id AND r.removedOn IS NULL)
                AND (SELECT count(*) FROM resident r WHERE r.householdId = h.id AND r.removedOn IS NULL AND r.relationship = 'householder') <> 1
                """)!
            #expect(bad == 0)
            // Births, moves in, deaths and 転出届 are all recorded.
            let kinds = Set(try String.fetchAll(d, sql: "SELECT DISTINCT kind FROM residentMovement"))
            #expect(kinds.isSuperset(of: ["birth", "moveIn", "moveWithin", "death", "moveOut"]))
            // 戸籍 members match their 住民票's 本籍.
            let mismatched = try Int.fetchOne(d, sql: """
                SELECT count(*) FROM familyRegisterMember m JOIN familyRegister f ON f.id = m.familyRegisterId
                JOIN resident r ON r.id = m.residentId WHERE r.permanentDomicile <> f.permanentDomicile
                """)!
            #expect(mismatched == 0)
            let annex = try Int.fetchOne(d, sql: "SELECT count(*) FROM familyRegisterAnnexEntry")!
            #expect(annex > 1_000)
        }
    }

    @Test("every generated resident passes the domain's own validation")
    func allValid() throws {
        let (db, _) = try Self.build(2_000)
        let rows = try db.writer.read { d in try Row.fetchAll(d, sql: "SELECT * FROM resident") }
        for row in rows { try RegistryRepository.resident(SQLRow(row)).validate() }
        #expect(rows.count == 2_000)
    }

    /// The registry's indexes and their definitions, as the catalogue holds them.
    static func indexes(_ db: any SQLTransactor) throws -> [String: String] {
        try db.transaction(readOnly: true) { s in
            Dictionary(uniqueKeysWithValues: try s.rows(
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"
            ).map { (try $0.text("name"), try $0.text("sql")) })
        }
    }

    @Test("a bulk load builds the registry's indexes again exactly as the migrations defined them, and searches use them")
    func bulkLoadKeepsIndexes() throws {
        let fresh = try MadoguchiDatabase.inMemory()
        let before = try Self.indexes(fresh)
        #expect(before["resident_searchName"] != nil && before["resident_one_householder"] != nil)
        let (db, _) = try Self.build(500)
        #expect(try Self.indexes(db) == before)
        let plan = try db.writer.read { d in
            try Row.fetchAll(d, sql: "EXPLAIN QUERY PLAN SELECT id FROM resident WHERE searchName >= 'タ' AND searchName < 'チ'")
                .map { $0["detail"] as String }
        }
        #expect(plan.joined().contains("resident_searchName"), "\(plan)")
    }

    @Test("a bulk load that breaks a rule its dropped indexes keep (one living householder per household) stores nothing",
          arguments: TestEngines.available)
    func bulkLoadAllOrNothing(engine: SQLEngine) throws {
        let store = try TestEngines.fresh(engine)
        let db = try store.database(keys: MasterKey.generate())
        do {
            try db.registry.bulkLoad { w in
                let h = try w.insert(Household(address: Make.address, formedOn: Make.d("2010-04-01")))
                try w.insert(Make.resident(household: h, n: 1))
                try w.insert(Make.resident(household: h, n: 2, given: "次郎", givenKana: "ジロウ"))
            }
            Issue.record("two living householders in one household were stored")
        } catch let error as MadoguchiError {
            #expect(error.code == .constraintViolation)
        }
        #expect(try db.registry.counts() == RegistryRepository.Counts())
        if engine == .sqlite { #expect(try Self.indexes(db) == Self.indexes(try MadoguchiDatabase.inMemory())) }
        // The rule also holds row by row outside a bulk load.
        #expect(throws: MadoguchiError.self) {
            try db.registry.write { w in
                let h = try w.insert(Household(address: Make.address, formedOn: Make.d("2010-04-01")))
                try w.insert(Make.resident(household: h, n: 3))
                try w.insert(Make.resident(household: h, n: 4, given: "三郎", givenKana: "サブロウ"))
            }
        }
    }

    @Test("the generator on its own thread, writing planned ids, stores exactly what it stores writing row by row")
    func twoThreadsAsOne() throws {
        let options = DemoCityGenerator.Options(residents: 2_500, seed: 11, batchSize: 97)
        let a = try MadoguchiDatabase.inMemory()
        let report = try DemoCityGenerator.generate(into: a, options: options)
        let b = try MadoguchiDatabase.inMemory()
        var one = DemoCityGenerator(options: options)
        try b.registry.bulkLoad { w in
            var sink = w
            while one.personIndex < options.residents { try one.household(&sink) }
        }
        #expect(one.report == report)
        func dump(_ db: MadoguchiDatabase) throws -> [String] {
            try db.writer.read { d in
                try String.fetchAll(d, sql: "SELECT id || householdId || familyName || givenName || individualNumber || coalesce(removedOn, '') FROM resident ORDER BY id")
                    + String.fetchAll(d, sql: "SELECT id || familyRegisterId || coalesce(residentId, '') || relationship FROM familyRegisterMember ORDER BY id")
                    + String.fetchAll(d, sql: "SELECT id || memberId || address FROM familyRegisterAnnexEntry ORDER BY id")
                    + String.fetchAll(d, sql: "SELECT id || subjectId || coalesce(otherPartyResidentId, '') FROM supportMeasure ORDER BY id")
                    + String.fetchAll(d, sql: "SELECT id || residentId || registrationNumber FROM sealRegistration ORDER BY id")
            }
        }
        let rows = try dump(a)
        #expect(rows.count > 3_000)
        #expect(rows == (try dump(b)))
    }

    @Test("a planned id that is not the one the database gives stops the load, and nothing of it is stored")
    func plannedIdsChecked() throws {
        let db = try MadoguchiDatabase.inMemory()
        do {
            try db.registry.bulkLoad { w in
                var next = try NextRowIds(w)
                next[.resident] += 1  // as if another row had been written in between
                var plan = RegistryPlan(next: next)
                var generator = DemoCityGenerator(options: .init(residents: 20))
                while generator.personIndex < 20 { try generator.household(&plan) }
                var expected = try NextRowIds(w)
                expected[.resident] += 1
                try plan.write(to: w, expected: &expected)
            }
            Issue.record("rows were written under ids that were not planned")
        } catch let error as MadoguchiError {
            #expect(error.code == .bulkLoadOutOfStep)
        }
        #expect(try db.registry.counts() == RegistryRepository.Counts())
    }

    @Test("seeding a database that already has residents is refused")
    func refusesSecondSeed() throws {
        let (db, _) = try Self.build(100)
        do {
            _ = try DemoCityGenerator.generate(into: db, options: .init(residents: 100))
            Issue.record("seeded twice")
        } catch let error as MadoguchiError {
            #expect(error.code == .alreadySeeded)
        }
        #expect(try db.registry.counts().residents == 100)
    }
}
