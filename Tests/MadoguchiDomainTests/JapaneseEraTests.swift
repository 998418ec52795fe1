import Testing

@testable import MadoguchiDomain

@Suite("和暦")
struct JapaneseEraTests {
    @Test("era boundaries", arguments: [
        ("1873-01-01", "明治6年1月1日"), ("1912-07-29", "明治45年7月29日"), ("1912-07-30", "大正元年7月30日"),
        ("1926-12-24", "大正15年12月24日"), ("1926-12-25", "昭和元年12月25日"), ("1989-01-07", "昭和64年1月7日"),
        ("1989-01-08", "平成元年1月8日"), ("2019-04-30", "平成31年4月30日"), ("2019-05-01", "令和元年5月1日"),
        ("2020-01-01", "令和2年1月1日"), ("2026-11-21", "令和8年11月21日"),
    ])
    func boundaries(gregorian: String, wareki: String) throws {
        let date = CivilDate.parseGregorian(gregorian)!
        #expect(try JapaneseDate(date).description == wareki)
        #expect(try JapaneseDate.parse(wareki).gregorian == date)
    }

    @Test("every day from 1873-01-01 to 2100-12-31 converts both ways")
    func everyDay() throws {
        let start = CivilDate(year: 1873, month: 1, day: 1)!.dayNumber
        let end = CivilDate(year: 2100, month: 12, day: 31)!.dayNumber
        var previous: JapaneseDate?
        for n in start...end {
            let date = CivilDate(dayNumber: n)
            let wareki = try JapaneseDate(date)
            #expect(wareki.gregorian == date)
            if let previous, previous.era != wareki.era {
                // A new era starts in its 元年.
                #expect(wareki.year == 1)
                #expect(wareki.gregorian == wareki.era.firstDay)
            }
            previous = wareki
        }
    }

    @Test("dates outside their era are refused", arguments: [
        "平成31年5月1日", "昭和64年1月8日", "令和元年4月30日", "大正元年7月29日", "明治45年7月30日", "明治5年12月31日",
    ])
    func outsideEra(text: String) {
        #expect(throws: MadoguchiError.self) { try JapaneseDate.parse(text) }
    }

    @Test("before 1873 is refused with its own code")
    func beforeGregorian() {
        do {
            _ = try JapaneseDate(CivilDate(year: 1872, month: 12, day: 31)!)
            Issue.record("expected an error")
        } catch let error as MadoguchiError {
            #expect(error.code == .dateBeforeSupportedRange)
        } catch { Issue.record("unexpected \(error)") }
    }

    @Test("notations staff type", arguments: [
        ("令和元年5月1日", "2019-05-01"), ("令和1年5月1日", "2019-05-01"), ("R1.5.1", "2019-05-01"),
        ("H31/4/30", "2019-04-30"), ("平成３１年４月３０日", "2019-04-30"), ("Ｓ６４．１．７", "1989-01-07"),
        ("s64-01-07", "1989-01-07"),
    ])
    func notations(text: String, expected: String) throws {
        #expect(try JapaneseDate.parse(text).gregorian.description == expected)
    }

    @Test("nonsense is refused, not guessed", arguments: ["令和", "X1.1.1", "令和元年13月1日", "平成0年1月1日", "令和1年2月30日", ""])
    func nonsense(text: String) {
        #expect(throws: MadoguchiError.self) { try JapaneseDate.parse(text) }
    }

    @Test("civil dates: weekday, day numbers, leap years")
    func civilDate() {
        #expect(CivilDate(year: 2019, month: 5, day: 1)!.weekday == .wednesday)
        #expect(CivilDate(year: 1970, month: 1, day: 1)!.dayNumber == 0)
        #expect(CivilDate(year: 1873, month: 1, day: 1)!.weekday == .wednesday)
        #expect(CivilDate(year: 2024, month: 2, day: 29) != nil)
        #expect(CivilDate(year: 2023, month: 2, day: 29) == nil)
        #expect(CivilDate(year: 1900, month: 2, day: 29) == nil)
        #expect(CivilDate(year: 2000, month: 2, day: 29) != nil)
        #expect(CivilDate.parseGregorian("2024年2月29日") == CivilDate(year: 2024, month: 2, day: 29))
        #expect(CivilDate.parseGregorian("２０２４/２/２９") == CivilDate(year: 2024, month: 2, day: 29))
        #expect(CivilDate.parseGregorian("24-2-29") == nil)
        #expect(CivilDate.parseGregorian("2024-2/29") == nil)
        // The stored form takes a shorter path; it must agree with the general one, impossible dates included.
        #expect(CivilDate.parseGregorian("2024-02-29") == CivilDate(year: 2024, month: 2, day: 29))
        #expect(CivilDate.parseGregorian("1989-01-07") == CivilDate(year: 1989, month: 1, day: 7))
        for impossible in ["2023-02-29", "2024-13-01", "2024-00-10", "2024-04-31", "0999-01-01", "2024-02-3x", "2024+02-29"] {
            #expect(CivilDate.parseGregorian(impossible) == nil, "\(impossible)")
        }
        #expect(CivilDate.parseGregorian("2024/02/29") == CivilDate(year: 2024, month: 2, day: 29))
    }
}

@Suite("年度")
struct FiscalYearTests {
    @Test("every notation of the seeds and real sheets", arguments: [
        ("令和６年度", 2024), ("令和6年度", 2024), ("令和元年度", 2019), ("Ｒ６", 2024), ("R6", 2024), ("r6年度", 2024),
        ("R06", 2024), ("H25", 2013), ("Ｈ２５", 2013), ("平成25年度", 2013), ("平成31年度", 2019), ("平成32年度", 2020),
        ("2011(H23)年度", 2011), ("2011（Ｈ２３）年度", 2011), ("2024年度", 2024), ("2024", 2024), ("FY2024", 2024),
        ("昭和63年度", 1988), ("S63", 1988), ("H26年度", 2014), ("２０１３年度", 2013),
    ])
    func notations(text: String, year: Int) throws {
        #expect(try FiscalYear.parse(text).startYear == year)
    }

    @Test("26年度 needs the sheet's era")
    func contextEra() throws {
        #expect(try FiscalYear.parse("26年度", era: .heisei).startYear == 2014)
        #expect(try FiscalYear.parse("６年度", era: .reiwa).startYear == 2024)
        do {
            _ = try FiscalYear.parse("26年度")
            Issue.record("expected an error")
        } catch let error as MadoguchiError {
            #expect(error.code == .fiscalYearNeedsEra)
        }
    }

    @Test("a Gregorian year and an era year that disagree are refused")
    func inconsistent() {
        do {
            _ = try FiscalYear.parse("2012(H23)年度")
            Issue.record("expected an error")
        } catch let error as MadoguchiError {
            #expect(error.code == .fiscalYearInconsistent)
        } catch { Issue.record("unexpected \(error)") }
    }

    @Test("unreadable text is refused", arguments: [
        "", "年度", "令和", "Q6", "12345年度", "H0", "abc", "2011(H23", "R999999999999999999", "99999999999999999999年度",
    ])
    func unreadable(text: String) {
        #expect(throws: MadoguchiError.self) { try FiscalYear.parse(text) }
    }

    @Test("April starts the fiscal year; names follow the government's")
    func boundaries() {
        #expect(FiscalYear(containing: CivilDate(year: 2025, month: 3, day: 31)!).startYear == 2024)
        #expect(FiscalYear(containing: CivilDate(year: 2025, month: 4, day: 1)!).startYear == 2025)
        #expect(FiscalYear(2019).japaneseDescription == "令和元年度")
        #expect(FiscalYear(2018).japaneseDescription == "平成30年度")
        #expect(FiscalYear(1988).japaneseDescription == "昭和63年度")
        #expect(FiscalYear(1989).japaneseDescription == "平成元年度")
        #expect(FiscalYear(2024).description == "2024年度")
        #expect(FiscalYear(2024).lastDay == CivilDate(year: 2025, month: 3, day: 31)!)
    }
}

@Suite("日付の読み取り")
struct DateReadingTests {
    @Test("absurd input is refused, never a crash", arguments: [
        "99999999999999999999-01-01", "2024-01-99999999999999999999", "R99999999999999999999.1.1", "令和", "--",
        "2024--01", "年月日", "２０２４／１／１／１",
    ])
    func absurd(text: String) {
        #expect(CivilDate.parseGregorian(text) == nil)
        #expect(throws: MadoguchiError.self) { try JapaneseDate.parse(text) }
    }
}
