import Foundation
import GRDB
import MadoguchiTestSupport
import Testing

@testable import MadoguchiDomain
@testable import MadoguchiStore

@Suite("住民記録の保存")
struct StoreTests {
    @Test("a fresh file gets every migration, WAL mode and foreign keys")
    func freshFile() throws {
        let dir = Make.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("sub/new.sqlite").path
        let db = try MadoguchiDatabase.open(path: path)
        #expect(FileManager.default.fileExists(atPath: path))
        #expect(try db.appliedMigrations() == ["v1-registry", "v2-issuance", "v3-cards", "v4-kiosk", "v5-honseki", "v6-sheets", "v7-live-sources", "v8-wide-area", "v9-counter-records", "v10-forwarded-measures", "v11-staff", "v12-access-log", "v13-resident-view", "v14-kiosk-channel", "v15-keys-at-rest", "v16-smartphone", "v17-medium-counts", "v18-resident-checks", "v19-facility-network", "v20-opening-hours", "v21-town-locations", "v22-counter-queues", "v23-arrival-history", "v24-service-figures", "v25-document-keys"])
        let (mode, fk) = try db.writer.read { d in
            (try String.fetchOne(d, sql: "PRAGMA journal_mode")!, try Int.fetchOne(d, sql: "PRAGMA foreign_keys")!)
        }
        #expect(mode == "wal")
        #expect(fk == 1)
        // Re-opening migrates nothing twice and keeps data.
        try db.registry.write { w in try w.setMeta("k", "v") }
        let again = try MadoguchiDatabase.open(path: path)
        #expect(try again.registry.meta("k") == "v")
        #expect(try again.appliedMigrations() == ["v1-registry", "v2-issuance", "v3-cards", "v4-kiosk", "v5-honseki", "v6-sheets", "v7-live-sources", "v8-wide-area", "v9-counter-records", "v10-forwarded-measures", "v11-staff", "v12-access-log", "v13-resident-view", "v14-kiosk-channel", "v15-keys-at-rest", "v16-smartphone", "v17-medium-counts", "v18-resident-checks", "v19-facility-network", "v20-opening-hours", "v21-town-locations", "v22-counter-queues", "v23-arrival-history", "v24-service-figures", "v25-document-keys"])
    }

    @Test("a file made by an earlier version is migrated forward with its data")
    func upgrade() throws {
        let dir = Make.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("old.sqlite").path
        do {
            let old = try DatabaseQueue(path: path)
            try Schema.migrator.migrate(old, upTo: "v1-registry")
            try old.write { d in
                try RegistryWriter(d).insert(Household(address: Make.address, formedOn: Make.d("2010-04-01")))
                try RegistryWriter(d).insert(Make.resident(household: 1, n: 1))
            }
        }
        let db = try MadoguchiDatabase.open(path: path)
        #expect(try db.appliedMigrations() == ["v1-registry", "v2-issuance", "v3-cards", "v4-kiosk", "v5-honseki", "v6-sheets", "v7-live-sources", "v8-wide-area", "v9-counter-records", "v10-forwarded-measures", "v11-staff", "v12-access-log", "v13-resident-view", "v14-kiosk-channel", "v15-keys-at-rest", "v16-smartphone", "v17-medium-counts", "v18-resident-checks", "v19-facility-network", "v20-opening-hours", "v21-town-locations", "v22-counter-queues", "v23-arrival-history", "v24-service-figures", "v25-document-keys"])
        #expect(try db.registry.counts().residents == 1)
        #expect(try db.writer.read { d in try Int.fetchOne(d, sql: "SELECT count(*) FROM ledgerEntry") } == 0)
    }

    @Test("a household and its residents round-trip, names with IVS byte for byte")
    func roundTrip() throws {
        let db = try MadoguchiDatabase.inMemory()
        let ivsName = "渡邉\u{E0110}"
        let id = try db.registry.write { w -> Int64 in
            let h = try w.insert(Household(address: Make.address, formedOn: Make.d("2010-04-01")))
            let r = try w.insert(Make.resident(household: h, n: 1, family: ivsName, familyKana: "ワタナベ"))
            try w.insert(Make.resident(household: h, n: 2, given: "花子", givenKana: "ハナコ", birth: "1982-03-03", relationship: .wife))
            return r
        }
        let detail = try #require(try db.registry.detail(id: id, on: Make.d("2026-11-21")))
        #expect(detail.resident.name.family == ivsName)
        #expect(Array(detail.resident.name.family.unicodeScalars.map(\.value)) == [0x6E21, 0x9089, 0xE0110])
        #expect(detail.resident.individualNumber == Make.individualNumber(1))
        #expect(detail.householdMembers.count == 2)
        #expect(detail.householdMembers.first?.relationship == .householder)
        #expect(detail.household.address == Make.address)
        #expect(detail.removal == nil)
    }

    /// Inserts through raw SQL, bypassing the domain's validation: the schema alone must refuse.
    func rawInsertFails(_ db: MadoguchiDatabase, _ change: (inout [String: DatabaseValueConvertible?]) -> Void) throws -> Bool {
        let h = try db.registry.write { w in try w.insert(Household(address: Make.address, formedOn: Make.d("2010-04-01"))) }
        var row: [String: DatabaseValueConvertible?] = [
            "householdId": h, "familyName": "山田", "givenName": "太郎", "familyNameKana": "ヤマダ", "givenNameKana": "タロウ",
            "searchName": "山田太郎", "searchKana": "ヤマダタロウ", "birthDate": "1980-01-02", "sex": "male",
            "relationship": "child", "becameResidentOn": "1980-01-02", "addressSetOn": "2010-04-01",
            "notifiedOn": "2010-04-01", "individualNumber": Make.individualNumber(Int.random(in: 1...99_999_999)),
            "residentRecordCode": Make.residentRecordCode(Int.random(in: 1...99_999_999)),
        ]
        change(&row)
        let columns = Array(row.keys)
        do {
            try db.writer.write { d in
                try d.execute(
                    sql: "INSERT INTO resident (\(columns.joined(separator: ","))) VALUES (\(columns.map { _ in "?" }.joined(separator: ",")))",
                    arguments: StatementArguments(columns.map { row[$0]! }))
            }
            return false
        } catch let error as DatabaseError {
            return error.resultCode == .SQLITE_CONSTRAINT
        }
    }

    @Test("the schema accepts a good row (so the refusals below are real)")
    func schemaAcceptsGoodRow() throws {
        #expect(try !rawInsertFails(try MadoguchiDatabase.inMemory()) { _ in })
    }

    @Test("the schema refuses bad rows on its own", arguments: [
        "bad 個人番号 check digit", "bad 住民票コード check digit", "non-date birth", "impossible date", "unknown sex",
        "unknown relationship", "empty name", "moved in before birth", "本籍 without 筆頭者", "no such household",
        "removal without reason",
    ])
    func schemaRefuses(_ case: String) throws {
        let db = try MadoguchiDatabase.inMemory()
        let refused = try rawInsertFails(db) { row in
            switch `case` {
            case "bad 個人番号 check digit": row["individualNumber"] = "123456789012"
            case "bad 住民票コード check digit": row["residentRecordCode"] = "12345678904"
            case "non-date birth": row["birthDate"] = "昭和55年"
            case "impossible date": row["birthDate"] = "2023-02-29"
            case "unknown sex": row["sex"] = "x"
            case "unknown relationship": row["relationship"] = "friend"
            case "empty name": row["familyName"] = ""
            case "moved in before birth": row["becameResidentOn"] = "1970-01-01"
            case "本籍 without 筆頭者": row["permanentDomicile"] = "窓口市"
            case "no such household": row["householdId"] = 999_999
            case "removal without reason": row["removedOn"] = "2020-01-01"
            default: Issue.record("unknown case")
            }
        }
        #expect(refused, "\(`case`) was stored")
    }

    /// The schema's own check-digit rules (v18: the digits read by integer division) accept exactly the numbers the
    /// domain's rule makes and refuse every other last digit, for remainders 0 and 1 too (番号法施行令 §8 for the
    /// 個人番号; the 住民票コード's modulus 11).
    @Test("the schema's check digits agree with the domain's for every last digit")
    func schemaCheckDigits() throws {
        let db = try MadoguchiDatabase.inMemory()
        let h = try db.registry.write { w in try w.insert(Household(address: Make.address, formedOn: Make.d("2010-04-01"))) }
        var random = SystemRandomNumberGenerator()
        var remainders: Set<Int> = []
        func stored(number: String, code: String) throws -> Bool {
            do {
                try db.writer.write { d in
                    try d.execute(
                        sql: """
                            INSERT INTO resident (householdId, familyName, givenName, familyNameKana, givenNameKana, searchName,
                              searchKana, birthDate, sex, relationship, becameResidentOn, addressSetOn, notifiedOn,
                              individualNumber, residentRecordCode)
                            VALUES (?, '山田', '太郎', 'ヤマダ', 'タロウ', '山田太郎', 'ヤマダタロウ', '1980-01-02', 'male', 'child',
                              '1980-01-02', '2010-04-01', '2010-04-01', ?, ?)
                            """, arguments: [h, number, code])
                }
                return true
            } catch let error as DatabaseError where error.resultCode == .SQLITE_CONSTRAINT {
                return false
            }
        }
        for _ in 0..<300 {
            let body = (0..<11).map { _ in Int.random(in: 0...9, using: &random) }
            let codeBody = (0..<10).map { _ in Int.random(in: 0...9, using: &random) }
            let sum = zip(body, [6, 5, 4, 3, 2, 7, 6, 5, 4, 3, 2]).reduce(0) { $0 + $1.0 * $1.1 }
            remainders.insert(sum % 11)
            let goodCode = codeBody.map(String.init).joined() + String(ResidentRecordCode.checkDigit(for: codeBody))
            let good = IndividualNumber.checkDigit(for: body)
            for last in 0...9 {
                let number = body.map(String.init).joined() + String(last)
                try db.writer.write { d in try d.execute(sql: "DELETE FROM resident") }
                #expect(try stored(number: number, code: goodCode) == (last == good), "個人番号 \(number)")
            }
            let goodNumber = body.map(String.init).joined() + String(good)
            for last in 0...9 {
                let code = codeBody.map(String.init).joined() + String(last)
                try db.writer.write { d in try d.execute(sql: "DELETE FROM resident") }
                #expect(try stored(number: goodNumber, code: code) == (last == ResidentRecordCode.checkDigit(for: codeBody)),
                        "住民票コード \(code)")
            }
        }
        #expect(remainders.isSuperset(of: [0, 1]), "the draw missed the remainders whose check digit is 0")
        // Still unique, through the named indexes.
        try db.writer.write { d in try d.execute(sql: "DELETE FROM resident") }
        #expect(try stored(number: Make.individualNumber(7), code: Make.residentRecordCode(7)))
        #expect(try !stored(number: Make.individualNumber(7), code: Make.residentRecordCode(8)))
        #expect(try !stored(number: Make.individualNumber(8), code: Make.residentRecordCode(7)))
    }

    @Test("v18 keeps an existing city's residents when it rebuilds the table, and refuses a bad row it finds")
    func residentChecksUpgrade() throws {
        let old = try DatabaseQueue()
        try Schema.migrator.migrate(old, upTo: "v17-medium-counts")
        try old.write { d in
            try d.execute(sql: "INSERT INTO household (prefecture, municipality, ward, town, block, formedOn) VALUES ('神奈川県', '窓口市', '中央区', '本町', '1番', '2010-04-01')")
            for n in 1...3 {
                try d.execute(
                    sql: """
                        INSERT INTO resident (householdId, familyName, givenName, familyNameKana, givenNameKana, searchName,
                          searchKana, birthDate, sex, relationship, becameResidentOn, addressSetOn, notifiedOn,
                          individualNumber, residentRecordCode)
                        VALUES (1, '山田', '太郎', 'ヤマダ', 'タロウ', '山田太郎', 'ヤマダタロウ', '1980-01-02', 'male', ?,
                          '1980-01-02', '2010-04-01', '2010-04-01', ?, ?)
                        """, arguments: [n == 1 ? "householder" : "child", Make.individualNumber(n), Make.residentRecordCode(n)])
            }
        }
        try Schema.migrator.migrate(old)
        let rows = try old.read { d in try String.fetchAll(d, sql: "SELECT individualNumber FROM resident ORDER BY id") }
        #expect(rows == (1...3).map(Make.individualNumber))
        // A row that v1 would have refused cannot have been stored; one that v18 refuses stops the upgrade.
        let bad = try DatabaseQueue()
        try Schema.migrator.migrate(bad, upTo: "v17-medium-counts")
        try bad.write { d in
            try d.execute(sql: "PRAGMA ignore_check_constraints = ON")
            try d.execute(sql: "INSERT INTO household (prefecture, municipality, ward, town, block, formedOn) VALUES ('神奈川県', '窓口市', '中央区', '本町', '1番', '2010-04-01')")
            try d.execute(sql: """
                INSERT INTO resident (householdId, familyName, givenName, familyNameKana, givenNameKana, searchName,
                  searchKana, birthDate, sex, relationship, becameResidentOn, addressSetOn, notifiedOn,
                  individualNumber, residentRecordCode)
                VALUES (1, '山田', '太郎', 'ヤマダ', 'タロウ', '山田太郎', 'ヤマダタロウ', '1980-01-02', 'male', 'householder',
                  '1980-01-02', '2010-04-01', '2010-04-01', '123456789012', ?)
                """, arguments: [Make.residentRecordCode(1)])
            try d.execute(sql: "PRAGMA ignore_check_constraints = OFF")
        }
        #expect(throws: DatabaseError.self) { try Schema.migrator.migrate(bad) }
        #expect(try bad.read { d in try !Schema.migrator.appliedIdentifiers(d).contains("v18-resident-checks") })
    }

    @Test("a packed batch stores texts, dates, blobs, nulls and ids as they are, and leaves its statements reusable")
    func packedBatch() throws {
        let db = try MadoguchiDatabase.inMemory()
        let image: [UInt8] = [0, 1, 2, 255, 0]
        try db.registry.bulkLoad { w in
            var next = try NextRowIds(w)
            var batch = RegistryBatch()
            var household = Household(address: Make.address, formedOn: Make.d("1999-12-31"))
            household.address.building = "窓口ハイツ　１０１"
            batch.append(household)
            let h = next.take(.household)
            batch.append(Household(address: Make.address, formedOn: Make.d("2010-04-01")))
            _ = next.take(.household)
            try batch.append(Make.resident(household: h, n: 1, family: "髙橋", familyKana: "タカハシ"))
            let r = next.take(.resident)
            batch.append(SealRegistration(residentId: r, registrationNumber: "S-1", registeredOn: Make.d("2020-02-29"),
                                          sealImage: image, sealImageType: "image/png"))
            batch.append(SealRegistration(residentId: r, registrationNumber: "S-0", registeredOn: Make.d("2019-01-01"),
                                          sealImage: [7], sealImageType: "image/png", abolishedOn: Make.d("2020-02-28")))
            _ = (next.take(.seal), next.take(.seal))
            #expect(batch.rowCount == 5)
            var expected = try NextRowIds(w)
            try w.write(batch, expected: &expected)
            #expect(expected == next)
            // The same statements, row by row after the batch (its bindings were cleared, not left pointing at it).
            try w.insert(Make.resident(household: h + 1, n: 2, given: "次郎", givenKana: "ジロウ"))
        }
        let rows = try db.writer.read { d in
            try Row.fetchAll(d, sql: "SELECT building, formedOn, typeof(building) AS t FROM household ORDER BY id")
        }
        #expect(rows.map { $0["building"] as String? } == ["窓口ハイツ　１０１", nil])
        #expect(rows.map { $0["formedOn"] as String } == ["1999-12-31", "2010-04-01"])
        let seals = try db.writer.read { d in
            try Row.fetchAll(d, sql: "SELECT sealImage, typeof(sealImage) AS t, registeredOn, abolishedOn FROM sealRegistration ORDER BY id")
        }
        #expect(seals.map { $0["t"] as String } == ["blob", "blob"])
        #expect(seals.map { [UInt8]($0["sealImage"] as Data) } == [image, [7]])
        #expect(seals.map { $0["abolishedOn"] as String? } == [nil, "2020-02-28"])
        let names = try db.writer.read { d in try String.fetchAll(d, sql: "SELECT familyName || givenName || searchName FROM resident ORDER BY id") }
        #expect(names == ["髙橋太郎" + NameFolding.searchKey("髙橋太郎"), "山田次郎" + NameFolding.searchKey("山田次郎")])
    }

    @Test("a batch refuses a resident the domain refuses, and appends nothing of it")
    func batchValidates() throws {
        var batch = RegistryBatch()
        var bad = Make.resident(household: 1, n: 1)
        bad.individualNumber = "123456789012"
        #expect(throws: MadoguchiError.self) { try batch.append(bad) }
        #expect(batch.rowCount == 0)
        try batch.append(Make.resident(household: 1, n: 1))
        #expect(batch.rowCount == 1)
    }

    @Test("one living householder per household; a removed one makes room")
    func oneHouseholder() throws {
        let db = try MadoguchiDatabase.inMemory()
        let (h, first) = try db.registry.write { w -> (Int64, Int64) in
            let h = try w.insert(Household(address: Make.address, formedOn: Make.d("2010-04-01")))
            return (h, try w.insert(Make.resident(household: h, n: 1)))
        }
        do {
            _ = try db.registry.write { w in try w.insert(Make.resident(household: h, n: 2, given: "次郎", givenKana: "ジロウ")) }
            Issue.record("two householders were stored")
        } catch let error as MadoguchiError {
            #expect(error.code == .constraintViolation)
        }
        try db.registry.write { w in
            try w.remove(RemovedRecord(residentId: first, reason: .died, removedOn: Make.d("2025-01-01")))
            try w.insert(Make.resident(household: h, n: 2, given: "次郎", givenKana: "ジロウ"))
        }
        #expect(try db.registry.counts().removed == 1)
        let detail = try #require(try db.registry.detail(id: first, on: Make.d("2026-01-01")))
        #expect(detail.removal?.reason == .died)
    }

    @Test("a failed write leaves nothing behind (the whole transaction rolls back)")
    func atomicWrite() throws {
        let db = try MadoguchiDatabase.inMemory()
        #expect(throws: MadoguchiError.self) {
            try db.registry.write { w in
                let h = try w.insert(Household(address: Make.address, formedOn: Make.d("2010-04-01")))
                try w.insert(Make.resident(household: h, n: 1))
                try w.insert(Make.resident(household: h, n: 1, given: "同番号", givenKana: "ドウバンゴウ", relationship: .child))
            }
        }
        let counts = try db.registry.counts()
        #expect(counts.households == 0)
        #expect(counts.residents == 0)
    }

    @Test("domain validation runs before the database: katakana readings, check digits")
    func validationFirst() throws {
        let db = try MadoguchiDatabase.inMemory()
        var r = Make.resident(household: 1, n: 1)
        r.name.givenKana = "たろう"
        #expect(throws: MadoguchiError.self) {
            try db.registry.write { w in
                let h = try w.insert(Household(address: Make.address, formedOn: Make.d("2010-04-01")))
                r.householdId = h
                try w.insert(r)
            }
        }
    }

    @Test("support measures, seals and tax rows keep their own invariants")
    func otherTables() throws {
        let db = try MadoguchiDatabase.inMemory()
        let id = try db.registry.write { w -> Int64 in
            let h = try w.insert(Household(address: Make.address, formedOn: Make.d("2010-04-01")))
            return try w.insert(Make.resident(household: h, n: 1))
        }
        // Term ending before it starts.
        #expect(throws: MadoguchiError.self) {
            try db.registry.write { w in
                try w.insert(SupportMeasure(subjectId: id, otherPartyName: "甲野　乙郎", otherPartyBirthDate: nil,
                                            otherPartyResidentId: nil, termStart: Make.d("2026-01-01"), termEnd: Make.d("2025-01-01")))
            }
        }
        // The subject cannot be their own other party.
        #expect(throws: MadoguchiError.self) {
            try db.registry.write { w in
                try w.insert(SupportMeasure(subjectId: id, otherPartyName: "甲野　乙郎", otherPartyBirthDate: nil,
                                            otherPartyResidentId: id, termStart: Make.d("2026-01-01"), termEnd: Make.d("2026-12-31")))
            }
        }
        // Two seals in force.
        #expect(throws: MadoguchiError.self) {
            try db.registry.write { w in
                for n in ["1", "2"] {
                    try w.insert(SealRegistration(residentId: id, registrationNumber: n, registeredOn: Make.d("2020-01-01"),
                                                  sealImage: [1], sealImageType: "image/png"))
                }
            }
        }
        // Taxable income above total income; a second row for the same year.
        #expect(throws: MadoguchiError.self) {
            try db.registry.write { w in
                try w.insert(TaxAssessment(residentId: id, fiscalYear: FiscalYear(2025), grossIncome: 100, totalIncome: 50,
                                           taxableIncome: 60, municipalTax: 0, prefecturalTax: 0))
            }
        }
        try db.registry.write { w in
            try w.insert(SupportMeasure(subjectId: id, otherPartyName: "甲野　乙郎", otherPartyBirthDate: Make.d("1975-05-05"),
                                        otherPartyResidentId: nil, termStart: Make.d("2026-01-01"), termEnd: Make.d("2026-12-31")))
            try w.insert(TaxAssessment(residentId: id, fiscalYear: FiscalYear(2025), grossIncome: 5_000_000, totalIncome: 3_560_000,
                                       taxableIncome: 2_500_000, municipalTax: 203_500, prefecturalTax: 51_500))
        }
        #expect(throws: MadoguchiError.self) {
            try db.registry.write { w in
                try w.insert(TaxAssessment(residentId: id, fiscalYear: FiscalYear(2025), grossIncome: 1, totalIncome: 1,
                                           taxableIncome: 0, municipalTax: 0, prefecturalTax: 0))
            }
        }
        let detail = try #require(try db.registry.detail(id: id, on: Make.d("2026-06-01")))
        #expect(detail.protectedBySupportMeasure)
        #expect(detail.taxYears == [FiscalYear(2025)])
        // Outside the term, the protection no longer shows.
        #expect(try db.registry.detail(id: id, on: Make.d("2027-01-01"))?.protectedBySupportMeasure == false)
    }

    @Test("search by kanji (variant-insensitive), kana, hiragana and birth date in 西暦 or 和暦, on both engines",
          arguments: TestEngines.available)
    func search(engine: SQLEngine) throws {
        let store = try TestEngines.fresh(engine)
        let db = try store.database(keys: MasterKey.generate())
        try db.registry.write { w in
            let h = try w.insert(Household(address: Make.address, formedOn: Make.d("2010-04-01")))
            try w.insert(Make.resident(household: h, n: 1, family: "髙橋", given: "一郎", familyKana: "タカハシ", givenKana: "イチロウ"))
            let h2 = try w.insert(Household(address: Make.address, formedOn: Make.d("2010-04-01")))
            try w.insert(Make.resident(household: h2, n: 2, family: "高橋", given: "花子", familyKana: "タカハシ", givenKana: "ハナコ", birth: "1990-05-01"))
            let h3 = try w.insert(Household(address: Make.address, formedOn: Make.d("2010-04-01")))
            try w.insert(Make.resident(household: h3, n: 3, family: "𠮷田", given: "一郎", familyKana: "ヨシダ", givenKana: "イチロウ"))
        }
        func names(_ q: String) throws -> [String] {
            try db.registry.search(ResidentQuery(text: q)).map { $0.name.family + $0.name.given }.sorted()
        }
        #expect(try names("高橋") == ["高橋花子", "髙橋一郎"])
        #expect(try names("髙橋 一郎") == ["髙橋一郎"])
        #expect(try names("髙橋+一郎") == ["髙橋一郎"], "a form's query sends the space as +")
        #expect(try names("たかはし") == ["高橋花子", "髙橋一郎"])
        #expect(try names("タカハシ ハナコ") == ["高橋花子"])
        #expect(try names("イチロウ") == ["髙橋一郎", "𠮷田一郎"])
        #expect(try names("吉田") == ["𠮷田一郎"])
        #expect(try names("1990-05-01") == ["高橋花子"])
        #expect(try names("平成2年5月1日") == ["高橋花子"])
        #expect(try names("たかはし S55.1.2") == ["髙橋一郎"])
        #expect(try names("佐藤").isEmpty)
        #expect(try names("").isEmpty)
    }
}

@Suite("死亡と電子証明書")
struct DeathRevokesCardTests {
    @Test("死亡 (公的個人認証法: 住民票の消除で失効): recording a death revokes every card of the person in the same transaction, reason kept")
    func deathRevokesCards() throws {
        let db = try MadoguchiDatabase.inMemory()
        let (id, other) = try db.registry.write { w -> (Int64, Int64) in
            let h = try w.insert(Household(address: Make.address, formedOn: Make.d("2010-04-01")))
            return (try w.insert(Make.resident(household: h, n: 1)),
                    try w.insert(Make.resident(household: h, n: 2, given: "花子", givenKana: "ハナコ", birth: "1982-03-03", relationship: .wife)))
        }
        let now = Date(timeIntervalSince1970: 1_795_482_000)
        let (card, kept) = try db.writer.write { d in
            (try Cards.issue(d, residentId: id, pin: "1234", now: now, keys: db.keys), try Cards.issue(d, residentId: other, pin: "1234", now: now, keys: db.keys))
        }
        try db.registry.write { w in try w.remove(RemovedRecord(residentId: id, reason: .died, removedOn: Make.d("2026-11-20"))) }
        let revoked = try #require(try db.writer.read { d in try Cards.card(d, serial: card.serial) })
        #expect(revoked.revocationReason == .cessationOfOperation)
        #expect(revoked.revokedAt?.hasPrefix("2026-11-20") == true)
        // The household's other card is untouched; a move away revokes nothing here.
        #expect(try db.writer.read { d in try Cards.card(d, serial: kept.serial) }?.revokedAt == nil)
        try db.registry.write { w in try w.remove(RemovedRecord(residentId: other, reason: .movedOut, removedOn: Make.d("2026-11-21"), destination: "東京都千代田区1-1")) }
        #expect(try db.writer.read { d in try Cards.card(d, serial: kept.serial) }?.revokedAt == nil)
    }
}


@Suite("広域交付の移行（v8）")
struct WideAreaMigrationTests {
    @Test("v8 rebuilds the certificate table: an upgraded file keeps its certificates and references, and its schema is a fresh file's")
    func upgradeKeepsCertificates() throws {
        let dir = Make.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("v7.sqlite").path
        do {
            let old = try DatabaseQueue(path: path)
            try Schema.migrator.migrate(old, upTo: "v7-live-sources")
            try old.write { d in
                try RegistryWriter(d).insert(Household(address: Make.address, formedOn: Make.d("2010-04-01")))
                let id = try RegistryWriter(d).insert(Make.resident(household: 1, n: 1))
                let record = LedgerRecord(action: .issue, at: "2026-11-24T10:00:00.000+09:00", documentId: String(repeating: "a", count: 32),
                                          kind: .residentRecordCopy, subjectId: id, requesterClass: .self, channel: .counter)
                let entry = try Ledger.append(record, in: d)
                try d.execute(sql: """
                    INSERT INTO certificate (id, kind, subjectId, channel, requesterClass, requester, options, content, contentDigest,
                      copies, feeYen, issuedAt, ledgerSequence, token)
                    VALUES (?, 'residentRecordCopy', ?, 'counter', 'self', '{}', '{}', '{}', ?, 1, 300, '2026-11-24', ?, 'x.y.z')
                    """, arguments: [String(repeating: "a", count: 32), id, String(repeating: "0", count: 64), entry.sequence])
                try d.execute(sql: "INSERT INTO holderNotification (residentId, certificateId, requesterClass, createdAt) VALUES (?, ?, 'proxy', 'now')",
                              arguments: [id, String(repeating: "a", count: 32)])
            }
        }
        let upgraded = try MadoguchiDatabase.open(path: path)
        let fresh = try MadoguchiDatabase.inMemory()
        func schema(_ db: MadoguchiDatabase) throws -> [String] {
            try db.writer.read { d in
                try String.fetchAll(d, sql: "SELECT sql FROM sqlite_master WHERE tbl_name IN ('certificate', 'wideAreaRequest') AND sql IS NOT NULL ORDER BY name")
            }
        }
        #expect(try schema(upgraded) == schema(fresh))
        let (kept, violations) = try upgraded.writer.read { d in
            (try Row.fetchOne(d, sql: "SELECT subjectId, keepingCityCode FROM certificate"), try Row.fetchAll(d, sql: "PRAGMA foreign_key_check"))
        }
        #expect(kept?["subjectId"] as Int64? == 1)
        #expect(kept?["keepingCityCode"] as String? == nil)
        #expect(violations.isEmpty)
        // A certificate names a person here or another city's record, never both and never neither.
        #expect(throws: (any Error).self) {
            try upgraded.writer.write { d in
                try d.execute(sql: "UPDATE certificate SET keepingCityCode = '149829', keepingSubject = '149829:5'")
            }
        }
        #expect(throws: (any Error).self) {
            try upgraded.writer.write { d in try d.execute(sql: "UPDATE certificate SET subjectId = NULL") }
        }
        // The record of other cities' queries is append-only.
        try upgraded.writer.write { d in
            try d.execute(sql: """
                INSERT INTO wideAreaRequest (at, fromCity, requestId, kind, requesterClass, outcome, refusals)
                VALUES ('2026-11-24', '149802', 'request-0001', 'residentRecordCopy', 'self', 'refused', 'refusal.subjectNotFound')
                """)
        }
        #expect(throws: (any Error).self) { try upgraded.writer.write { d in try d.execute(sql: "DELETE FROM wideAreaRequest") } }
        #expect(throws: (any Error).self) { try upgraded.writer.write { d in try d.execute(sql: "UPDATE wideAreaRequest SET outcome = 'answered'") } }
    }
}
