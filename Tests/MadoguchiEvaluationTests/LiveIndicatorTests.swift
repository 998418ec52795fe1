import Foundation
import GRDB
import MadoguchiDemo
import MadoguchiDocuments
import MadoguchiDomain
import MadoguchiImport
import Testing

@testable import MadoguchiStore

/// Indicators ①, ③ and the 行政サービスコーナー share fed from seeded operations.
@Suite("Live indicators from operations")
struct LiveIndicatorTests {
    let now = Date(timeIntervalSince1970: 1_795_000_000)  // 2026-11-18

    func database() throws -> MadoguchiDatabase {
        let database = try MadoguchiDatabase.inMemory()
        let address = Address(prefecture: "神奈川県", municipality: "窓口市", ward: "中央区", town: "本町", block: "1-1")
        try database.registry.write { w in
            try w.upsert(Facility(id: "chuo-ward-office", kind: .wardOffice, name: "中央区役所", ward: "中央区", address: address,
                                  openedOn: CivilDate(year: 2000, month: 4, day: 1)!))
            try w.upsert(Facility(id: "station-service-corner", kind: .serviceCorner, name: "駅前行政サービスコーナー", ward: "中央区",
                                  address: address, openedOn: CivilDate(year: 2000, month: 4, day: 1)!))
        }
        return database
    }

    func issue(_ db: Database, _ n: Int, at: String, facility: String?, channel: Channel = .counter, copies: Int = 1, void: Bool = false) throws {
        for i in 0..<n {
            let id = "doc-\(at)-\(facility ?? "store")-\(i)-\(UUID().uuidString)"
            try Ledger.append(
                LedgerRecord(action: .issue, at: at, documentId: id, kind: .residentRecordCopy, subjectId: 1, requesterClass: .self,
                             channel: channel, facilityId: facility, copies: copies, feeYen: 300 * copies), in: db)
            if void {
                try Ledger.append(
                    LedgerRecord(action: .void, at: at, documentId: id, kind: .residentRecordCopy, subjectId: 1, requesterClass: .self,
                                 channel: channel, facilityId: facility, reason: "誤交付"), in: db)
            }
        }
    }

    @Test("the 行政サービスコーナー share per fiscal year from the ledger: copies, voids left out, March in the year before")
    func serviceCornerShare() throws {
        let database = try database()
        try database.writer.write { db in
            // FY2025 (April 2025 – March 2026): 19 of 100 copies at the corner; a voided corner copy does not count.
            try issue(db, 60, at: "2025-06-01T10:00:00.000+09:00", facility: "chuo-ward-office")
            try issue(db, 19, at: "2026-03-31T16:00:00.000+09:00", facility: "station-service-corner")
            try issue(db, 21, at: "2025-12-01T10:00:00.000+09:00", facility: nil, channel: .kiosk)
            try issue(db, 1, at: "2025-12-02T10:00:00.000+09:00", facility: "station-service-corner", void: true)
            // FY2026: 2 copies at once at the corner out of 10.
            try issue(db, 1, at: "2026-04-01T09:00:00.000+09:00", facility: "station-service-corner", copies: 2)
            try issue(db, 8, at: "2026-05-01T09:00:00.000+09:00", facility: "chuo-ward-office")
            // FY2013, before the ledger: the counts the old system kept.
            try LiveIndicators.setIssuanceCount(GRDBSession(db: db), year: FiscalYear(2013), place: "serviceCorner", copies: 200, source: "旧システム")
            try LiveIndicators.setIssuanceCount(GRDBSession(db: db), year: FiscalYear(2013), place: "wardOffice", copies: 800, source: "旧システム")
        }
        let reading = try database.writer.read { db in
            try LiveIndicators.reading(GRDBSession(db: db), LiveIndicatorDefinition(source: .serviceCornerShare), now: now)
        }
        #expect(reading.values.map(\.year) == [FiscalYear(2013), FiscalYear(2025), FiscalYear(2026)])
        #expect(reading.values.map(\.value.text) == ["20.0", "19.0", "20.0"])
        #expect(reading.values.map(\.numerator) == [200, 19, 2])
        #expect(reading.values.map(\.denominator) == [1000, 100, 10])
        #expect(reading.asOf.hasPrefix("2026-11-18T"))
        #expect(reading.source == .serviceCornerShare)
    }

    @Test("③ the count of regional-staff activities per fiscal year, optionally by kind")
    func activities() throws {
        let database = try database()
        try database.writer.write { db in
            func log(_ date: String, _ kind: String) throws {
                try LiveIndicators.record(
                    GRDBSession(db: db), RegionalActivity(staff: "地域 太郎", center: "中央まちづくりセンター", date: CivilDate.parseGregorian(date)!,
                                         kind: kind, participants: 12), by: "test", now: now)
            }
            try log("2026-03-31", "地域の会議への出席")
            try log("2026-04-01", "地域の会議への出席")
            try log("2026-04-02", "相談対応")
            try log("2026-10-10", "地域行事の支援")
            let bad = #expect(throws: MadoguchiError.self) {
                try LiveIndicators.record(
                    GRDBSession(db: db), RegionalActivity(staff: " ", center: "中央", date: CivilDate(year: 2026, month: 4, day: 1)!, kind: "相談対応",
                                         participants: -1), by: "test", now: now)
            }
            #expect(bad?.code == .activityInvalid)
        }
        let (all, meetings) = try database.writer.read { db in
            (try LiveIndicators.reading(GRDBSession(db: db), LiveIndicatorDefinition(source: .regionalStaffActivities), now: now),
             try LiveIndicators.reading(GRDBSession(db: db), LiveIndicatorDefinition(source: .regionalStaffActivities, activityKinds: ["地域の会議への出席"]), now: now))
        }
        #expect(all.values.map(\.year) == [FiscalYear(2025), FiscalYear(2026)])
        #expect(all.values.map(\.value.text) == ["1", "3"])
        #expect(meetings.values.map(\.value.text) == ["1", "1"])
    }

    @Test("① the satisfied share from a survey: the options that count, 無回答 left out, answers by number or text, CSV import")
    func survey() async throws {
        let database = try database()
        let options = ["満足", "やや満足", "どちらともいえない", "やや不満", "不満"]
        let survey = Survey(
            id: "2016-citizen", title: "平成28年度 区民アンケート", fiscalYear: FiscalYear(2016),
            questions: [SurveyQuestion(code: "ward-satisfaction", text: "区役所で行っている業務や手続きに満足していますか", options: options,
                                       satisfied: ["満足", "やや満足"])])
        let csv = """
            回答者ID,ward-satisfaction
            r1,満足
            r2,2
            r3,やや不満
            r4,
            r5,5
            """
        try await database.indicators.saveSurvey(survey)
        #expect(try await SurveyCSVImporter().run(Array(csv.utf8), surveyId: "2016-citizen", into: database.indicators) == 5)
        let reading = try await database.indicators.reading(LiveIndicatorDefinition(source: .surveySatisfaction, question: "ward-satisfaction"), now: now)
        #expect(reading.values.count == 1)
        #expect(reading.values[0].year == FiscalYear(2016))
        #expect(reading.values[0].value.text == "50.0")  // 2 satisfied of 4 who answered
        #expect(reading.values[0].numerator == 2 && reading.values[0].denominator == 4)
        #expect(reading.detail.contains("区役所で行っている業務や手続きに満足していますか"))

        // A bad row: its line is named and nothing of the file is recorded.
        let bad = "回答者ID,ward-satisfaction\nr6,満足\nr7,とても満足\n"
        var e: MadoguchiError?
        do { _ = try await SurveyCSVImporter().run(Array(bad.utf8), surveyId: "2016-citizen", into: database.indicators) } catch let error as MadoguchiError {
            e = error
        }
        #expect(e?.code == .surveyAnswerUnknown)
        #expect(e?.ja.hasPrefix("3行目") == true)
        let respondents = try await database.indicators.surveys().first?.responses
        #expect(respondents == 5)
    }

    @Test("a sheet's live indicators are read together; the HTML shows the live value with its source and as-of time")
    func sheetReadings() throws {
        let database = try database()
        var sheet = try Seeds.measure()
        sheet.indicators[0].live = LiveIndicatorDefinition(source: .serviceCornerShare)
        try database.writer.write { db in
            try issue(db, 3, at: "2026-06-01T10:00:00.000+09:00", facility: "chuo-ward-office")
            try issue(db, 1, at: "2026-06-01T11:00:00.000+09:00", facility: "station-service-corner")
            try Sheets.save(GRDBSession(db: db), sheet, source: "import", author: "test", now: now)
        }
        let live = try database.writer.read { db in try LiveIndicators.readings(GRDBSession(db: db), sheet: try Sheets.require(GRDBSession(db: db), code: "72302000").sheet, now: now) }
        #expect(live[1]?.values.map(\.value.text) == ["25.0"])
        let html = MadoguchiDocuments.SheetHTML.body(sheet, options: .init(live: live))
        #expect(html.contains("自動集計: R8 25.0%"))
        #expect(html.contains("2026-11-18T"))
    }

    @Test("the counts the ledger keeps always equal a recount of the ledger; a database from before is counted on upgrade")
    func countsKeptByTheLedger() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("madoguchi-counts-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("old.sqlite").path
        func recount(_ db: Database) throws -> [String] {
            try String.fetchAll(db, sql: """
                SELECT fy || ' ' || place || ' ' || sum(copies) FROM (
                  SELECT \(Schema.fiscalYearSQL("e.at")) AS fy, \(Schema.placeSQL("e.payload")) AS place, json_extract(e.payload, '$.copies') AS copies
                  FROM ledgerEntry e
                  WHERE e.action = 'issue' AND NOT EXISTS (SELECT 1 FROM ledgerEntry v WHERE v.action = 'void' AND v.documentId = e.documentId))
                GROUP BY fy, place ORDER BY 1
                """)
        }
        func kept(_ db: Database) throws -> [String] {
            try String.fetchAll(db, sql: "SELECT fiscalYear || ' ' || place || ' ' || copies FROM issuanceCount WHERE source = 'ledger' AND copies > 0 ORDER BY 1")
        }
        do {
            // A database as the previous release left it: a ledger, no counts.
            let old = try DatabaseQueue(path: path)
            try Schema.migrator.migrate(old, upTo: "v6-sheets")
            try old.write { db in
                let address = Address(prefecture: "神奈川県", municipality: "窓口市", ward: "中央区", town: "本町", block: "1-1")
                try RegistryWriter(db).upsert(Facility(id: "station-service-corner", kind: .serviceCorner, name: "駅前", ward: "中央区",
                                                       address: address, openedOn: CivilDate(year: 2000, month: 4, day: 1)!))
                try issue(db, 3, at: "2025-05-01T10:00:00.000+09:00", facility: "station-service-corner")
                try issue(db, 2, at: "2025-05-01T10:00:00.000+09:00", facility: nil, channel: .kiosk, void: true)
            }
        }
        let database = try MadoguchiDatabase.open(path: path)
        let (upgraded, recounted) = try database.writer.read { db in (try kept(db), try recount(db)) }
        #expect(upgraded == ["2025 serviceCorner 3"])
        #expect(upgraded == recounted)
        var random = DemoRandom(seed: 11)
        try database.writer.write { db in
            for i in 0..<300 {
                let month = random.int(1...12)
                try issue(db, 1, at: "202\(random.int(4...6))-\(month < 10 ? "0" : "")\(month)-15T10:00:00.000+09:00",
                          facility: random.chance(0.5) ? "station-service-corner" : nil, channel: random.chance(0.5) ? .kiosk : .counter,
                          copies: random.int(1...3), void: i % 7 == 0)
            }
        }
        let (after, again) = try database.writer.read { db in (try kept(db), try recount(db)) }
        #expect(after == again)
        #expect(after.count > 4)
    }
}
