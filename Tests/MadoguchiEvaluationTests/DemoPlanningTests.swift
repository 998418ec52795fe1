import Foundation
import MadoguchiDemo
import MadoguchiDomain
@testable import MadoguchiStore
import Testing

@Suite("The demo's planning data")
struct DemoPlanningTests {
    @Test("the demo feeds ①②③ and the 行政サービスコーナー share live, reproducing the sheets' own figures")
    func reproduces() throws {
        let database = try MadoguchiDatabase.inMemory()
        let now = Date(timeIntervalSince1970: 1_795_000_000)  // 2026-11-18
        let report = try DemoPlanning.seed(into: database, sheetFiles: [Seeds.programURL, Seeds.measureURL], now: now)
        #expect(report.sheets == ["P1-1-3", "72302000"])
        let (program, measure, published) = try database.writer.read { db in
            (try Sheets.require(GRDBSession(db: db), code: "P1-1-3"), try Sheets.require(GRDBSession(db: db), code: "72302000"), try Sheets.published(GRDBSession(db: db), code: "72302000"))
        }
        #expect(program.stage == .draft && measure.stage == .published && published?.version == 2)
        let (p, m) = try database.writer.read { db in
            (try LiveIndicators.readings(GRDBSession(db: db), sheet: program.sheet, now: now), try LiveIndicators.readings(GRDBSession(db: db), sheet: measure.sheet, now: now))
        }
        func value(_ r: LiveIndicatorReading?, _ year: Int) -> String? { r?.values.first { $0.year == FiscalYear(year) }?.value.text }
        // The sheets' actuals, recomputed from the synthetic operations.
        for (i, year) in [(0, 2014), (0, 2015), (0, 2016), (1, 2014), (1, 2015), (1, 2016)] {
            let actual = program.sheet.indicators[i].years.first { $0.year == FiscalYear(year) }?.actual?.number
            #expect(value(p[i + 1], year).flatMap { SheetNumber($0) }?.decimal == actual?.decimal, "indicator \(i + 1) \(year)")
        }
        for year in [2011, 2012, 2013] {
            let actual = measure.sheet.indicators[0].years.first { $0.year == FiscalYear(year) }?.actual?.number
            #expect(value(m[1], year).flatMap { SheetNumber($0) }?.decimal == actual?.decimal)
        }
        // ③: H31 (FY2019) beat the 9,500 the note set.
        #expect(Int(value(p[3], 2019) ?? "0")! >= 9_500)
        #expect(report.activities > 80_000 && report.surveys == 12)
    }
}
