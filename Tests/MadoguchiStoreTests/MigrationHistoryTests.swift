import Crypto
import Foundation
import GRDB
import MadoguchiTestSupport
import Testing

@testable import MadoguchiDomain
@testable import MadoguchiStore

/// Migrations are history (issue 13, item 2): a shipped migration's SQL never changes, a database upgraded from any
/// earlier release has the schema a fresh one gets, and every value today's vocabularies name is one the schema
/// accepts (a new certificate kind, facility kind or medium needs a new migration, never an edit of an old one).
@Suite("移行の履歴（凍結したSQL）")
struct MigrationHistoryTests {
    /// Each shipped migration's SHA-256 (hex) over its SQL text, in order. A new migration adds its line here when it
    /// ships; no line is ever edited.
    static let shipped: [(String, String)] = [
        ("v1-registry", "ab49f88b057a26816f496bc7cc450f1934d6b77dc53c0da3e8e12fb91c5b3eae"),
        ("v2-issuance", "16b946047ea7f90e4352317706c061f6f5d64bd13909a9382ecaedaeb16d368a"),
        ("v3-cards", "e01d1c9a4bbb69d89abc711056fa6f5c8fe2d65c8cedb37b8ef2fbd8aa4b8c19"),
        ("v4-kiosk", "5d316f63e66053a5e123d66101e8355f90e9ffe1cca72b054b777a895111ff02"),
        ("v5-honseki", "c1c76df8ebcc22b442b01b7a383ce6ff7f6e81c5861dccd7a4ad9a3b8eadd0b9"),
        ("v6-sheets", "148c801fd8fbecfd8baeeb9ab19f4966df3bedb93af02901c124a901f8855987"),
        ("v7-live-sources", "cd4454e21bdbf27de199625f11a6dbfbcd05617acc7f2fc5af6a6ece8b9a71bb"),
        ("v8-wide-area", "fbf85913380f5de04977b802da31cff6e4fa55dee0daccfed9382d3574c87002"),
        ("v9-counter-records", "91edfbbae6ea26412a97ce9a80b8d0c2e5d2aae14779ea2106b3f9e9afbbc032"),
        ("v10-forwarded-measures", "86701feca4ebac84b97f7fb3923feb93a3e5290afd36bb53fceff650affa93dd"),
        ("v11-staff", "6a674a63bc92aaea89ad318cef61cc81c9c941a9f1f803b50820b6617c7dd67d"),
        ("v12-access-log", "bf1108deface5e9d66a91be63e76a73118a781db82f99f04ba92284b6ba31934"),
        ("v13-resident-view", "cc58fd253750e8efaf1e8b0e983a46bb0791354dc9b31c0d247faca9b06310fe"),
        ("v14-kiosk-channel", "f34345cc19ee8d9bdc95a97715fbdf065ff5c78067fdba69aea1b9d0d89eb9e6"),
        ("v15-keys-at-rest", "d6d808a8a69637d16fe65df4a25f650bdc6922915540b1fdde0902a4784bafb3"),
        ("v16-smartphone", "2f51003b8e770247903f4b6c19642d90eb7d04e307ca1f6687a050817164c89a"),
        ("v17-medium-counts", "1d305828b21a807b4f68b5506be07bd133a52d7e3d9c42945676de814c252855"),
        ("v18-resident-checks", "b5a753372a9e5c2e1b94d068a0e4fc9eae1dc3c32f7ffe5434d83acb16941b3d"),
        ("v19-facility-network", "fe57e413fe43488d1e01cf885bf9115072d9ef438d0cbc3055e261e73212786a"),
        ("v20-opening-hours", "dd367db8f70a913e7c6f8417a0b00929c0e0ec23f6ee0f172f3cab30a084fff7"),
        ("v21-town-locations", "67f783b08f1dd89f8106f0d1ec441dc986fcd26faea04a616b01f234069a2e6f"),
        ("v22-counter-queues", "f1535d7df59b36b20de7c27ba6f31f3bc511577e4d09b641660557e60e593940"),
        ("v23-arrival-history", "5a8f0dbbb555030dda5a34848a668746913160010bf6ca6edb9376681e4a7662"),
        ("v24-service-figures", "7ce539ad111c9af20e586c9bdca96d6ade17c925e61dac62a04f583d1e59c2b7"),
        ("v25-document-keys", "b05f922b6818116d85852f803678fa238260e7179b3d149c6f9579386bd19f66"),
    ]

    static func sha256(_ text: String) -> String {
        SHA256.hash(data: Data(text.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    @Test("every shipped migration's SQL is exactly what shipped; new ones only come after")
    func frozen() {
        Self.holdFrozen(Schema.migrations, shipped: Self.shipped, list: "shipped")
    }

    /// Each migration in `migrations` is the one `shipped` names at its place, with the same SQL; any after are listed
    /// to be added.
    static func holdFrozen(_ migrations: [Schema.Migration], shipped: [(String, String)], list: String) {
        let today = migrations.map { ($0.id, Self.sha256($0.sql)) }
        #expect(today.count >= shipped.count, "a shipped migration was removed")
        for (i, (id, hash)) in shipped.enumerated() where i < today.count {
            #expect(today[i].0 == id, "migration \(i + 1) was \(id), now \(today[i].0): migrations are never renamed or reordered")
            #expect(today[i].1 == hash, "\(id) changed after it shipped (sha256 \(today[i].1)): write a new migration instead")
        }
        for (id, hash) in today.dropFirst(shipped.count) {
            Issue.record("\(id) is not recorded as shipped: add (\"\(id)\", \"\(hash)\") to MigrationHistoryTests.\(list)")
        }
    }

    /// The schema as SQLite keeps it: every table, index, trigger and view with its SQL, by name.
    static func schema(_ db: Database) throws -> [String] {
        try String.fetchAll(db, sql: """
            SELECT type || ' ' || name || ': ' || coalesce(sql, '') FROM sqlite_master
            WHERE name NOT LIKE 'sqlite_%' AND name <> 'grdb_migrations' ORDER BY type, name
            """)
    }

    @Test("a database made by any earlier release and upgraded has exactly the schema of a fresh one")
    func upgradedEqualsFresh() throws {
        let fresh = try DatabaseQueue()
        try Schema.migrator.migrate(fresh)
        let expected = try fresh.read(Self.schema)
        #expect(expected.count > 40)
        for migration in Schema.migrations.dropLast() {
            let old = try DatabaseQueue()
            try Schema.migrator.migrate(old, upTo: migration.id)
            try Schema.migrator.migrate(old)
            let upgraded = try old.read(Self.schema)
            #expect(upgraded == expected, "upgraded from \(migration.id): \(Set(upgraded).symmetricDifference(expected).sorted())")
        }
    }

    /// What each vocabulary column accepts, read back from the schema SQLite keeps: `column IN ('a', 'b', …)`.
    static func accepted(_ db: Database) throws -> [String: Set<String>] {
        var out: [String: Set<String>] = [:]
        let list = try NSRegularExpression(pattern: #"\b(\w+) IN \(('[^)]*')\)"#)
        let value = try NSRegularExpression(pattern: #"'([^']*)'"#)
        for row in try Row.fetchAll(db, sql: "SELECT tbl_name, sql FROM sqlite_master WHERE type = 'table' AND sql IS NOT NULL") {
            let table: String = row["tbl_name"], sql: String = row["sql"]
            let ns = sql as NSString
            for m in list.matches(in: sql, range: NSRange(location: 0, length: ns.length)) {
                let column = ns.substring(with: m.range(at: 1)), values = ns.substring(with: m.range(at: 2))
                let found = value.matches(in: values, range: NSRange(location: 0, length: (values as NSString).length))
                    .map { (values as NSString).substring(with: $0.range(at: 1)) }
                out["\(table).\(column)", default: []].formUnion(found)
            }
        }
        return out
    }

    static func cases<T: RawRepresentable & CaseIterable>(_ type: T.Type) -> Set<String> where T.RawValue == String {
        Set(T.allCases.map(\.rawValue))
    }

    @Test("every value of today's vocabularies is accepted by the schema: a new value needs a new migration")
    func vocabularies() throws {
        let database = try DatabaseQueue()
        try Schema.migrator.migrate(database)
        let accepted = try database.read(Self.accepted)
        let vocabularies = Self.vocabularies
        for (column, values) in vocabularies {
            let allowed = try #require(accepted[column], "no vocabulary check found on \(column)")
            #expect(values.isSubset(of: allowed), "\(column) refuses \(values.subtracting(allowed).sorted()): add a migration that accepts them")
        }
    }

    static let vocabularies: [(String, Set<String>)] = [
        ("ledgerEntry.action", Self.cases(LedgerRecord.Action.self)),
        ("certificate.kind", Self.cases(CertificateKind.self)),
        ("certificate.channel", Self.cases(Channel.self)),
        ("certificate.requesterClass", Self.cases(RequesterClass.self)),
        ("facility.kind", Self.cases(FacilityKind.self)),
        ("facilityEvent.kind", Self.cases(FacilityKind.self)),
        ("facilityEvent.change", Self.cases(FacilityEvent.Change.self)),
        ("issuanceCount.place", Self.cases(FacilityKind.self)),
        ("card.revocationReason", Self.cases(RevocationReason.self)),
        ("card.medium", Self.cases(CertificateMedium.self)),
        ("kioskSession.medium", Self.cases(CertificateMedium.self)),
        ("resident.sex", Self.cases(Sex.self)),
        ("resident.relationship", Self.cases(Relationship.self)),
        ("resident.removalReason", Self.cases(RemovedRecord.Reason.self)),
        ("residentMovement.kind", Self.cases(ResidentMovement.Kind.self)),
        ("familyRegisterMember.sex", Self.cases(Sex.self)),
        ("familyRegisterEvent.kind", Self.cases(FamilyRegisterEvent.Kind.self)),
        ("planNode.level", Self.cases(PlanLevel.self)),
        ("evaluationSheet.layout", Self.cases(SheetLayout.self)),
        ("evaluationSheet.stage", Self.cases(ReviewStage.self)),
        ("sheetReview.action", Self.cases(ReviewAction.self)),
        ("sheetReview.fromStage", Self.cases(ReviewStage.self)),
        ("sheetReview.toStage", Self.cases(ReviewStage.self)),
        ("sheetReview.role", Self.cases(ReviewRole.self)),
        ("accessEntry.purpose", Self.cases(AccessPurpose.self)),
        ("kioskSession.state", Self.cases(KioskSessionState.self)),
    ]

    // MARK: PostgreSQL

    /// The PostgreSQL migrations, pinned the same way.
    static let shippedPostgres: [(String, String)] = [
        ("p1-ledger", "e10f9decc2e9bfd2464e50167d9bd6dc7d0064611e704132c6b4c90070c966d6"),
        ("p2-window", "e4a41d17e93999c0d6e4bb7ad8c258f71d73d85eead1159e6990e261da70da6f"),
        ("p3-office", "435abf81e8f9774ef027bee4a8e4db765dc16606e59abf2abf0276cecdf69330"),
        ("p4-counts", "5999ed413bb43cbc4ecac8119be0d19e775aa8f63bbe0fd876fa8b768d0c5094"),
        ("p5-facility-network", "06bd1fca70e26b8bc2ddc55f6fff5c1cfb5aa482ac6458b2ad481110e3ef05aa"),
        ("p6-opening-hours", "4fee560cb8bbf2d4793efb1f8efb10fe0a9690083c5ca856455fb2faedcd661b"),
        ("p7-town-locations", "44a088dcb97e2afa8931a4abe3f837a109a4c004e0a4ce5c79b71bc2da0aaff9"),
        ("p8-counter-queues", "29f95c6fbd5a942dee72fb1d7a7380b4b7337ce50f64d26460edfe1ef866839f"),
        ("p9-arrival-history", "155499428255f05859d9a5a8811d77277f6c3058eea1290eca16474fd47b30c3"),
        ("p10-service-figures", "cf4f8fdea30a92a9badaa97b9cf7aa071a6da3d40b5656313e5faf323eabf358"),
        ("p11-document-keys", "8c0099d2593df2e875179f24b45d71c427958733249a6183a6fb480480b14568"),
    ]

    @Test("every shipped PostgreSQL migration's SQL is exactly what shipped")
    func frozenPostgres() {
        Self.holdFrozen(PostgresSchema.migrations, shipped: Self.shippedPostgres, list: "shippedPostgres")
    }

    /// The schema as PostgreSQL's catalogue keeps it: columns with their types, nullability, defaults and collations;
    /// indexes, constraints and triggers by their definitions; the functions' bodies.
    static func postgresSchema(_ engine: PostgresEngine) throws -> [String] {
        try engine.transaction(readOnly: true) { s in
            try s.column(
                """
                SELECT 'column ' || table_name || '.' || column_name || ' ' || data_type || ' ' || is_nullable || ' '
                  || is_identity || ' ' || coalesce(column_default, '') || ' ' || coalesce(collation_name, '') AS line
                FROM information_schema.columns WHERE table_schema = 'public'
                UNION ALL SELECT 'index ' || indexname || ': ' || indexdef FROM pg_indexes WHERE schemaname = 'public'
                UNION ALL SELECT 'constraint ' || conrelid::regclass::text || '.' || conname || ': ' || pg_get_constraintdef(oid)
                  FROM pg_constraint WHERE connamespace = 'public'::regnamespace
                UNION ALL SELECT 'trigger ' || tgname || ': ' || pg_get_triggerdef(oid) FROM pg_trigger WHERE NOT tgisinternal
                UNION ALL SELECT 'function ' || proname || ': ' || pg_get_functiondef(oid) FROM pg_proc
                  WHERE pronamespace = 'public'::regnamespace
                ORDER BY 1
                """, as: String.self)
        }
    }

    /// A fresh PostgreSQL database of the test's own (dropped when `Fresh` goes) and an engine on it, not yet migrated.
    static func postgres() throws -> (TestEngines.Fresh, PostgresEngine) {
        let fresh = try TestEngines.fresh(.postgres)
        return (fresh, try PostgresEngine(url: fresh.location, threads: 1))
    }

    @Test("a PostgreSQL database upgraded from any earlier migration has exactly the schema of a fresh one",
          .enabled(if: TestEngines.available.contains(.postgres)))
    func upgradedEqualsFreshPostgres() async throws {
        // Minutes of synchronous work: off the cooperative pool, checked here afterwards.
        let (expected, upgrades) = try await offThePool { () throws -> ([String], [(String, String?, [String])]) in
            let (fresh, engine) = try Self.postgres()
            defer { engine.closeIdle() }
            try PostgresSchema.migrate(engine)
            let expected = try Self.postgresSchema(engine)
            var upgrades: [(String, String?, [String])] = []
            for migration in PostgresSchema.migrations.dropLast() {
                let (store, old) = try Self.postgres()
                defer { old.closeIdle() }
                try PostgresSchema.migrate(old, upTo: migration.id)
                let reached = try PostgresSchema.applied(old).last
                try PostgresSchema.migrate(old)
                upgrades.append((migration.id, reached, try Self.postgresSchema(old)))
                _ = store
            }
            _ = fresh
            return (expected, upgrades)
        }
        #expect(expected.count > 100)
        #expect(upgrades.count == PostgresSchema.migrations.count - 1)
        for (id, reached, upgraded) in upgrades {
            #expect(reached == id)
            #expect(upgraded == expected, "upgraded from \(id): \(Set(upgraded).symmetricDifference(expected).sorted())")
        }
    }

    @Test("every value of today's vocabularies is accepted by the PostgreSQL schema too",
          .enabled(if: TestEngines.available.contains(.postgres)))
    func vocabulariesPostgres() throws {
        let (fresh, engine) = try Self.postgres()
        defer { engine.closeIdle() }
        try PostgresSchema.migrate(engine)
        // pg_get_constraintdef writes `column IN ('a', 'b')` as `column = ANY (ARRAY['a'::text, 'b'::text])`.
        let list = try NSRegularExpression(pattern: #"\b(\w+) = ANY \(ARRAY\[([^\]]*)\]"#)
        let value = try NSRegularExpression(pattern: #"'([^']*)'"#)
        var accepted: [String: Set<String>] = [:]
        let rows = try engine.transaction(readOnly: true) { s in
            try s.rows(
                """
                SELECT conrelid::regclass::text AS tbl, pg_get_constraintdef(oid) AS def FROM pg_constraint
                WHERE connamespace = 'public'::regnamespace AND contype = 'c'
                """, [])
        }
        for row in rows {
            let table = try row.text("tbl"), def = try row.text("def")
            let ns = def as NSString
            for m in list.matches(in: def, range: NSRange(location: 0, length: ns.length)) {
                let column = ns.substring(with: m.range(at: 1)), values = ns.substring(with: m.range(at: 2))
                let found = value.matches(in: values, range: NSRange(location: 0, length: (values as NSString).length))
                    .map { (values as NSString).substring(with: $0.range(at: 1)) }
                accepted["\(table).\(column)", default: []].formUnion(found)
            }
        }
        for (column, values) in Self.vocabularies {
            // PostgreSQL folds the unquoted names to lower case.
            let allowed = try #require(accepted[column.lowercased()], "no vocabulary check found on \(column)")
            #expect(values.isSubset(of: allowed), "\(column) refuses \(values.subtracting(allowed).sorted()): add a migration that accepts them")
        }
    }
}
