import Foundation
import MadoguchiDomain
import MadoguchiImport
import Testing

@Suite("Canonical JSON")
struct CanonicalJSONTests {
    @Test("both seeds round-trip exactly: model → JSON → model, and JSON → model → the same bytes", arguments: ["program", "measure"])
    func roundTrip(_ which: String) throws {
        let sheet = which == "program" ? try Seeds.program() : try Seeds.measure()
        let json = CanonicalSheetJSON.encode(sheet)
        let back = try CanonicalSheetJSON.decode(json)
        #expect(back == sheet)
        #expect(CanonicalSheetJSON.encode(back) == json)
        let (imported, format) = try SheetImporter().read([UInt8](json))
        #expect(format == .canonicalJSON)
        #expect(imported == sheet)
    }

    @Test("numbers keep how they were written: 32.0 stays 32.0, 9,500 is 9500")
    func exactNumbers() throws {
        let json = String(decoding: CanonicalSheetJSON.encode(try Seeds.program()), as: UTF8.self)
        #expect(json.contains("\"32.0\""))
        #expect(json.contains("\"9500\""))
        #expect(json.hasPrefix("{\n  \"format\" : \"madoguchi-sheet/1\""))
    }

    @Test("a broken canonical file is refused with the path of what is wrong")
    func refused() throws {
        let json = String(decoding: CanonicalSheetJSON.encode(try Seeds.measure()), as: UTF8.self)
        let badNumber = json.replacingOccurrences(of: "\"326331\"", with: "\"32x6331\"")
        let e1 = #expect(throws: MadoguchiError.self) { try CanonicalSheetJSON.decode(Data(badNumber.utf8)) }
        #expect(e1?.code == .sheetJSONInvalid)
        #expect(e1?.en.contains("budget.years[0].amounts[0].thousandYen") == true)
        let line = badNumber.split(separator: "\n", omittingEmptySubsequences: false).firstIndex { $0.contains("32x6331") }! + 1
        #expect(e1?.ja.hasPrefix("\(line)行目を読めません") == true, "\(e1?.ja ?? "")")
        let broken = json.replacingOccurrences(of: "\"label\" : \"事業費合計\"", with: "\"label\" : 事業費合計\"")
        let brokenLine = broken.split(separator: "\n", omittingEmptySubsequences: false).firstIndex { $0.contains("事業費合計") }! + 1
        let e3 = #expect(throws: MadoguchiError.self) { try CanonicalSheetJSON.decode(Data(broken.utf8)) }
        #expect(e3?.ja.hasPrefix("\(brokenLine)行目を読めません") == true, "\(e3?.ja ?? "")")
        let badFormat = json.replacingOccurrences(of: "madoguchi-sheet/1", with: "madoguchi-sheet/9")
        #expect(throws: MadoguchiError.self) { try CanonicalSheetJSON.decode(Data(badFormat.utf8)) }
        // Valid JSON that breaks a rule of the model: a grade not on the scale.
        let badGrade = json.replacingOccurrences(of: "\"qualifier\" : \"Ⅱ\"", with: "\"qualifier\" : \"Ⅸ\"")
        let e2 = #expect(throws: MadoguchiError.self) { try CanonicalSheetJSON.decode(Data(badGrade.utf8)) }
        #expect(e2?.code == .sheetInvalid)
    }
}

@Suite("Schedule changes")
struct ScheduleHistoryTests {
    @Test("each change lays its filled cells over the version before; the original plan stays as it was")
    func effective() throws {
        let sheet = try Seeds.program()
        let item = sheet.items[1].schedule
        func text(_ row: ScheduleRow) -> [String?] { row.cells.map { $0?.description } }
        #expect(text(item.effective(asOf: fy(2013))) == ["検討・決定", "継続実施", "⇒", "⇒", "⇒"])
        #expect(text(item.effective(asOf: fy(2014))) == ["検討", "検討・決定", "継続実施", "⇒", "⇒"])
        #expect(text(item.effective()) == ["検討", "⇒", "決定", "順次実施", "⇒"])
        #expect(text(item.original) == ["検討・決定", "継続実施", "⇒", "⇒", "⇒"])
        // A blank in a change keeps the year as it was: the third item's 27年度 stays 準備.
        #expect(text(sheet.items[2].schedule.effective()) == ["検討", "準備", "検討", "⇒", "⇒"])
        #expect(Schedule.resolved(item.effective()) == [[.study], [.study], [.decision], [.phasedImplementation], [.phasedImplementation]])
    }
}

@Suite("Derived indicator status")
struct IndicatorStatusTests {
    @Test("a year with a plan is compared with it; without one, with the target")
    func seeds() throws {
        let program = try Seeds.program()
        let s1 = try #require(program.indicators[0].status())
        #expect(s1.year == fy(2016))
        #expect(s1.comparedWithTarget)
        #expect(s1.achievementPercent == Decimal(string: "87.5"))
        #expect(s1.progress == .slightlyBehind)
        let s2 = try #require(program.indicators[1].status())
        #expect(s2.achievementPercent == Decimal(string: "123.1"))
        #expect(s2.progress == .onTrack)
        #expect(program.indicators[2].status() == nil)  // only dashes

        let measure = try Seeds.measure()
        let s = try #require(measure.indicators[0].status())
        #expect(s.year == fy(2013) && !s.comparedWithTarget && s.achievementPercent == 100 && s.progress == .onTrack)
    }

    @Test("smaller is better inverts the ratio; thresholds are the city's")
    func lowerIsBetter() throws {
        let waits = Indicator(
            number: 1, name: "繁忙期の最長待ち時間", unit: "分", direction: .lowerIsBetter,
            years: [IndicatorYear(year: fy(2025), plan: num("120"), actual: num("150"))])
        let s = try #require(waits.status())
        #expect(s.achievementPercent == 80)
        #expect(s.progress == .slightlyBehind)
        #expect(waits.status(thresholds: ProgressThresholds(onTrack: 100, slightlyBehind: 90))?.progress == .behind)
    }
}

@Suite("Grade scales")
struct GradeScaleTests {
    @Test("A–E, 1–5 and Ⅰ–Ⅴ read as one five-level scale; ○/● and □/■ as done / not done")
    func tolerant() throws {
        for written in ["C", "Ｃ", "3", "Ⅲ", "III"] {
            #expect(try GradeScale.fiveLevel.read(written) == GradeMark(grade: "C"), "\(written)")
        }
        #expect(try GradeScale.fiveLevel.read("Ⅳ") == GradeMark(grade: "D"))
        #expect(try GradeScale.doneNotDone.read("■") == GradeMark(grade: "●"))
        #expect(try GradeScale.doneNotDone.read("□") == GradeMark(grade: "○"))
        #expect(try GradeScale.kawasakiMeasure.read("AⅡ") == GradeMark(grade: "A", qualifier: "Ⅱ"))
        #expect(try GradeScale.kawasakiMeasure.read("A-II") == GradeMark(grade: "A", qualifier: "Ⅱ"))
        #expect(try GradeScale.kawasakiMeasure.read("B") == GradeMark(grade: "B"))
    }

    @Test("strict where the meaning is not clear", arguments: ["A", "BⅡ", "D", "AⅢ", "", "良"])
    func strict(_ written: String) {
        let e = #expect(throws: MadoguchiError.self) { try GradeScale.kawasakiMeasure.read(written) }
        #expect(e?.code == .gradeUnknown)
    }
}

@Suite("Numbers and amounts as sheets write them")
struct SheetNumberTests {
    @Test("commas group thousands only; full-width digits; △ is minus")
    func numbers() {
        #expect(SheetNumber("９，５００")?.text == "9500")
        #expect(SheetNumber("326,331")?.grouped == "326,331")
        #expect(SheetNumber("△12")?.text == "-12")
        #expect(SheetNumber("32.0")?.text == "32.0")
        #expect(SheetNumber("1,2") == nil)
        #expect(SheetNumber("12,34,567") == nil)
        #expect(SheetNumber("12a") == nil)
        #expect(SheetFigure("－") == .notApplicable)
    }

    @Test("amounts in 千円, 円 and 億・万 come to 千円; a yen amount that is not whole thousands is refused")
    func amounts() throws {
        #expect(try BudgetUnits.thousandYen("326,331千円") == num("326331"))
        #expect(try BudgetUnits.thousandYen("326,331,000円") == num("326331"))
        #expect(try BudgetUnits.thousandYen("3億2,633万1千円") == num("326331"))
        #expect(try BudgetUnits.thousandYen("") == nil)
        #expect(try BudgetUnits.thousandYen("-") == .notApplicable)
        #expect(throws: MadoguchiError.self) { try BudgetUnits.thousandYen("1,500円") }
        #expect(throws: MadoguchiError.self) { try BudgetUnits.thousandYen("約300") }
    }
}
