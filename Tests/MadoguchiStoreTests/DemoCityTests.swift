import Foundation
import GRDB
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
        #expect(kinds == [.wardOffice: 7, .branchOffice: 2, .subBranchOffice: 6, .serviceCorner: 6, .liaisonOffice: 2])
        #expect(try db.registry.facilities().filter { $0.closedOn != nil }.map(\.name) == ["宮野連絡所"])
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
