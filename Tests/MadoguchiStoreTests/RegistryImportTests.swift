import Foundation
import GRDB
import Testing

@testable import MadoguchiDomain
@testable import MadoguchiImport
@testable import MadoguchiStore

/// A city of three residents (住民票コード of 1, 2, 3) to import the core systems' other records into.
enum ImportCity {
    static func make() throws -> MadoguchiDatabase {
        let db = try MadoguchiDatabase.inMemory()
        try db.registry.write { w in
            let h = try w.insert(Household(address: Make.address, formedOn: Make.d("2010-04-01")))
            try w.insert(Make.resident(household: h, n: 1, family: "窓口", given: "太郎", familyKana: "マドグチ", givenKana: "タロウ"))
            try w.insert(Make.resident(household: h, n: 2, family: "窓口", given: "花子", familyKana: "マドグチ", givenKana: "ハナコ",
                                       birth: "1982-03-03", relationship: .wife))
            let h2 = try w.insert(Household(address: Address(prefecture: "神奈川県", municipality: "窓口市", ward: "北区", town: "桜町一丁目",
                                                             block: "2番3号"), formedOn: Make.d("2015-04-01")))
            try w.insert(Make.resident(household: h2, n: 3, family: "髙橋", given: "一郎", familyKana: "タカハシ", givenKana: "イチロウ",
                                       birth: "1950-06-06"))
        }
        return db
    }

    static func code(_ n: Int) -> String { Make.residentRecordCode(n) }

    static func csv(_ lines: [String]) -> [UInt8] { Array((lines.joined(separator: "\r\n") + "\r\n").utf8) }

    static func count(_ db: MadoguchiDatabase, _ table: String) throws -> Int {
        try db.writer.read { d in try Int.fetchOne(d, sql: "SELECT count(*) FROM \(table)")! }
    }
}

@Suite("基幹系からの取込（印鑑・課税・戸籍・附票・支援措置・本人通知）")
struct RegistryImportTests {
    typealias City = ImportCity
    static let svg = Array("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"60\" height=\"60\"><circle cx=\"30\" cy=\"30\" r=\"27\"/></svg>".utf8)

    @Test("印鑑登録: seals with their images, in CP932 too; a bad row names its line and nothing is imported; --skip-bad imports the rest")
    func seals() throws {
        let db = try City.make()
        let lines = [
            "住民票コード,登録番号,登録日,印影ファイル,廃止日",
            "\(City.code(1)),S-0001,令和2年4月1日,taro.svg,",
            "\(City.code(2)),S-0002,2021-05-06,hanako.svg,2024-01-31",
            "\(City.code(9)),S-0003,2021-05-06,nobody.svg,",
            "\(City.code(3)),S-0004,2021-05-06,missing.svg,",
            "\(City.code(3)),S-0005,来週,taro.svg,",
        ]
        let files: (String) -> [UInt8]? = { ["taro.svg": Self.svg, "hanako.svg": Self.svg][$0] }
        let bytes = try TextEncoding.encode(String(decoding: City.csv(lines), as: UTF8.self), as: .cp932)
        let refused = try RegistryImport.seals.run(bytes, into: db.registry, file: files)
        #expect(refused.encoding == .cp932)
        #expect(refused.imported == 0)
        #expect(refused.errors.map(\.line) == [4, 5, 6])
        #expect(refused.errors[0].error.ja.contains("住民票コード"))
        #expect(refused.errors[1].error.ja.contains("印影ファイル"))
        #expect(refused.errors[2].error.ja.contains("日付"))
        #expect(try City.count(db, "sealRegistration") == 0)
        let partial = try RegistryImport.seals.run(bytes, into: db.registry, skipBad: true, file: files)
        #expect(partial.imported == 2)
        let abolished = try db.writer.read { d in try String.fetchOne(d, sql: "SELECT abolishedOn FROM sealRegistration WHERE registrationNumber = 'S-0002'") }
        #expect(abolished == "2024-01-31")
        #expect(try db.writer.read { d in try String.fetchOne(d, sql: "SELECT registeredOn FROM sealRegistration WHERE registrationNumber = 'S-0001'") } == "2020-04-01")
    }

    @Test("所得・課税: amounts with commas, years in any notation; a year already held is replaced (更正); impossible amounts refused")
    func tax() throws {
        let db = try City.make()
        let header = "住民票コード,年度,収入金額,合計所得金額,課税標準額,市民税額,県民税額"
        let first = try RegistryImport.tax.run(City.csv([
            header, "\(City.code(1)),令和8年度,\"4,000,000\",2800000,1900000,155500,39500", "\(City.code(1)),2025,3900000,2700000,1800000,147500,37500",
        ]), into: db.registry)
        #expect(first.imported == 2)
        let corrected = try RegistryImport.tax.run(City.csv([header, "\(City.code(1)),R8,4100000,2900000,2000000,163500,41500"]), into: db.registry)
        #expect(corrected.imported == 1)
        let rows = try db.writer.read { d in try Row.fetchAll(d, sql: "SELECT fiscalYear, grossIncome FROM taxAssessment ORDER BY fiscalYear") }
        #expect(rows.map { $0["fiscalYear"] as Int } == [2025, 2026])
        #expect(rows.last?["grossIncome"] as Int? == 4_100_000)
        let bad = try RegistryImport.tax.run(City.csv([header, "\(City.code(2)),2026,100,200,0,0,0", "\(City.code(2)),2026,-5,0,0,0,0"]),
                                             into: db.registry)
        #expect(bad.errors.map(\.line) == [2, 3])
    }

    @Test("戸籍, 身分事項 and 附票: a register from its rows, linked to residents by 住民票コード, its events and addresses; what they print")
    func familyRegisters() throws {
        let db = try City.make()
        let registers = try RegistryImport.familyRegisters.run(City.csv([
            "本籍,筆頭者,編製日,続柄,氏,名,氏カナ,名カナ,生年月日,性別,父,母,除籍日,住民票コード",
            "窓口市中央区本町一丁目1番地,窓口　太郎,2008-10-10,筆頭者,窓口,太郎,マドグチ,タロウ,1980-01-02,男,,,,\(City.code(1))",
            "窓口市中央区本町一丁目1番地,窓口　太郎,2008-10-10,妻,窓口,花子,マドグチ,ハナコ,1982-03-03,女,,,,\(City.code(2))",
            "窓口市中央区本町一丁目1番地,窓口　太郎,2008-10-10,長女,窓口,美和,マドグチ,ミワ,2009-07-07,女,窓口　太郎,花子,2033-01-01,",
        ]), into: db.registry)
        #expect(registers.imported == 3, "\(registers.errors)")
        #expect(try City.count(db, "familyRegister") == 1)
        let events = try RegistryImport.familyRegisterEvents.run(City.csv([
            "本籍,筆頭者,氏名,生年月日,事項,年月日,内容",
            "窓口市中央区本町一丁目1番地,窓口　太郎,,,婚姻,2008-10-10,婚姻の届出により編製",
            "窓口市中央区本町一丁目1番地,窓口　太郎,窓口　美和,,出生,2009-07-07,出生",
            "窓口市中央区本町一丁目1番地,窓口　太郎,窓口　誰か,,出生,2009-07-07,出生",
            "窓口市南区松原一丁目1番地,他人　某,,,婚姻,2008-10-10,",
        ]), into: db.registry)
        #expect(events.errors.map(\.line) == [4, 5])
        #expect(events.imported == 0)
        let annex = try RegistryImport.annex.run(City.csv([
            "本籍,筆頭者,氏名,生年月日,住所,住所を定めた年月日",
            "窓口市中央区本町一丁目1番地,窓口　太郎,窓口　太郎,1980-01-02,神奈川県窓口市中央区本町一丁目1番1号,2010-04-01",
            "窓口市中央区本町一丁目1番地,窓口　太郎,窓口　花子,,神奈川県窓口市中央区本町一丁目1番1号,2010-04-01",
        ]), into: db.registry)
        #expect(annex.imported == 2)
        // Imported again: the register is already here.
        let again = try RegistryImport.familyRegisters.run(City.csv([
            "本籍,筆頭者,編製日,続柄,氏,名,氏カナ,名カナ,生年月日,性別",
            "窓口市中央区本町一丁目1番地,窓口　太郎,2008-10-10,筆頭者,窓口,太郎,マドグチ,タロウ,1980-01-02,男",
        ]), into: db.registry)
        #expect(again.errors.first?.error.ja.contains("既に登録") == true)
        // The subject's facts now see the 戸籍 and its members.
        let facts = try #require(try db.writer.read { d in try RegistryRepository.subjectFacts(d, id: 1, on: Make.d("2026-11-24")) })
        #expect(facts.familyRegisterHere)
        #expect(facts.familyRegisterMemberIds == [1, 2])
    }

    @Test("支援措置 and 本人通知: imported measures protect at once; one registration in force per person")
    func measuresAndNotifications() throws {
        let db = try City.make()
        let measures = try RegistryImport.supportMeasures.run(City.csv([
            "住民票コード,相手方氏名,相手方生年月日,相手方住民票コード,支援開始日,支援終了日",
            "\(City.code(2)),窓口　太郎,1980-01-02,\(City.code(1)),2026-06-01,2027-05-31",
            "\(City.code(3)),髙橋　一郎,,\(City.code(3)),2026-06-01,2027-05-31",
            "\(City.code(3)),誰か,,,2027-06-01,2026-05-31",
        ]), into: db.registry)
        #expect(measures.errors.map(\.line) == [3, 4])
        let kept = try RegistryImport.supportMeasures.run(City.csv([
            "住民票コード,相手方氏名,相手方生年月日,相手方住民票コード,支援開始日,支援終了日",
            "\(City.code(2)),窓口　太郎,1980-01-02,\(City.code(1)),2026-06-01,2027-05-31",
        ]), into: db.registry)
        #expect(kept.imported == 1)
        let facts = try #require(try db.writer.read { d in try RegistryRepository.subjectFacts(d, id: 2, on: Make.d("2026-11-24")) })
        #expect(facts.supportMeasureActive)
        #expect(facts.protections.first?.otherPartyId == 1)
        let notifications = try RegistryImport.holderNotifications.run(City.csv([
            "住民票コード,登録日,終了日", "\(City.code(1)),2025-04-01,", "\(City.code(1)),2025-05-01,", "\(City.code(2)),2020-04-01,2023-03-31",
        ]), into: db.registry)
        #expect(notifications.errors.map(\.line) == [3])
    }

    @Test("a header that is not the layout's is refused before any row is read")
    func header() throws {
        let db = try City.make()
        #expect(throws: MadoguchiError.self) { try RegistryImport.tax.run(City.csv(["住民票コード,年度,謎の列"]), into: db.registry) }
        #expect(throws: MadoguchiError.self) { try RegistryImport.tax.run(City.csv(["住民票コード,年度"]), into: db.registry) }
        #expect(throws: MadoguchiError.self) { try RegistryImport.tax.run([], into: db.registry) }
    }
}

@Suite("住民異動の差分取込")
struct ChangeFeedTests {
    typealias City = ImportCity
    static let header = CSVTable.japaneseHeader(ChangeFeed.columns)

    /// One feed row, by column key.
    static func row(_ values: [String: String]) -> String {
        ChangeFeed.columns.map { values[$0.key] ?? "" }.joined(separator: ",")
    }

    @Test("a day's feed: a move-in with a new household, a birth into it, a move, a 転出届, a move-out, a death (its card revoked) and a rename, in one transaction")
    func wholeDay() throws {
        let db = try City.make()
        let card = try db.writer.write { d in try Cards.issue(d, residentId: 3, pin: "1234", now: Date(timeIntervalSince1970: 1_795_482_000), keys: db.keys) }
        let feed = [
            Self.header,
            Self.row(["change": "転入", "occurredOn": "2026-11-20", "notifiedOn": "2026-11-21", "residentRecordCode": City.code(4),
                      "familyName": "新井", "givenName": "一", "familyNameKana": "アライ", "givenNameKana": "ハジメ", "birthDate": "1990-02-02",
                      "sex": "男", "relationship": "世帯主", "individualNumber": Make.individualNumber(4), "prefecture": "神奈川県",
                      "municipality": "窓口市", "ward": "東区", "town": "港町一丁目", "block": "1番1号", "previousAddress": "東京都千代田区1-1"]),
            Self.row(["change": "出生", "occurredOn": "2026-11-21", "notifiedOn": "2026-11-22", "residentRecordCode": City.code(5),
                      "familyName": "新井", "givenName": "ひな", "familyNameKana": "アライ", "givenNameKana": "ヒナ", "sex": "女", "relationship": "子",
                      "individualNumber": Make.individualNumber(5), "householderCode": City.code(4)]),
            Self.row(["change": "転居", "occurredOn": "2026-11-22", "notifiedOn": "2026-11-22", "residentRecordCode": City.code(2),
                      "relationship": "世帯主", "prefecture": "神奈川県", "municipality": "窓口市", "ward": "西区", "town": "緑町一丁目", "block": "3番3号"]),
            Self.row(["change": "転出届", "occurredOn": "2026-12-10", "notifiedOn": "2026-11-23", "residentRecordCode": City.code(1),
                      "destination": "大阪府大阪市北区梅田一丁目1番1号"]),
            Self.row(["change": "死亡", "occurredOn": "2026-11-23", "notifiedOn": "2026-11-24", "residentRecordCode": City.code(3)]),
            Self.row(["change": "氏名変更", "occurredOn": "2026-11-24", "notifiedOn": "2026-11-24", "residentRecordCode": City.code(2),
                      "familyName": "旧姓", "givenName": "花子", "familyNameKana": "キュウセイ", "givenNameKana": "ハナコ"]),
        ]
        let report = try ChangeFeed.run(City.csv(feed), into: db.registry)
        #expect(report.imported == 6, "\(report.errors)")
        let (newHousehold, baby, moved, movements, dead, renamed) = try db.writer.read { d in
            (try Int64.fetchOne(d, sql: "SELECT householdId FROM resident WHERE residentRecordCode = ?", arguments: [City.code(4)]),
             try Row.fetchOne(d, sql: "SELECT householdId, birthDate FROM resident WHERE residentRecordCode = ?", arguments: [City.code(5)]),
             try Row.fetchOne(d, sql: "SELECT r.previousAddress, h.town FROM resident r JOIN household h ON h.id = r.householdId WHERE r.id = 2"),
             try String.fetchAll(d, sql: "SELECT kind FROM residentMovement ORDER BY id"),
             try Row.fetchOne(d, sql: "SELECT removalReason, removedOn FROM resident WHERE id = 3"),
             try String.fetchOne(d, sql: "SELECT familyName || givenName FROM resident WHERE id = 2"))
        }
        #expect(baby?["householdId"] == newHousehold)
        #expect(baby?["birthDate"] as String? == "2026-11-21")
        #expect(moved?["town"] as String? == "緑町一丁目")
        #expect(moved?["previousAddress"] as String? == "神奈川県窓口市中央区本町一丁目1番1号")
        #expect(movements == ["moveIn", "birth", "moveWithin", "moveOutNotified", "death"])
        #expect(dead?["removalReason"] as String? == "died")
        #expect(renamed == "旧姓花子")
        #expect(try db.writer.read { d in try Cards.card(d, serial: card.serial) }?.revocationReason == .cessationOfOperation)
        // The renamed person is found by the new name.
        #expect(try db.registry.search(ResidentQuery(text: "きゅうせい")).map(\.id) == [2])
    }

    @Test("one bad row, or a change that does not fit the registry when applied, and nothing of the day is applied")
    func allOrNothing() throws {
        let db = try City.make()
        let before = try City.count(db, "residentMovement")
        let unreadable = try ChangeFeed.run(City.csv([
            Self.header,
            Self.row(["change": "死亡", "occurredOn": "2026-11-23", "notifiedOn": "2026-11-24", "residentRecordCode": City.code(3)]),
            Self.row(["change": "引越し", "occurredOn": "2026-11-23", "notifiedOn": "2026-11-24", "residentRecordCode": City.code(1)]),
        ]), into: db.registry)
        #expect(unreadable.errors.map(\.line) == [3])
        let unfitting = try ChangeFeed.run(City.csv([
            Self.header,
            Self.row(["change": "死亡", "occurredOn": "2026-11-23", "notifiedOn": "2026-11-24", "residentRecordCode": City.code(3)]),
            Self.row(["change": "転出", "occurredOn": "2026-11-24", "notifiedOn": "2026-11-24", "residentRecordCode": City.code(3),
                      "destination": "東京都"]),
        ]), into: db.registry)
        #expect(unfitting.imported == 0)
        #expect(unfitting.errors.map(\.line) == [3])
        #expect(unfitting.errors.first?.error.ja.contains("現在の住民票がありません") == true)
        #expect(try City.count(db, "residentMovement") == before)
        #expect(try db.writer.read { d in try String.fetchOne(d, sql: "SELECT removalReason FROM resident WHERE id = 3") } == nil)
    }
}
