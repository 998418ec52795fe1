import Foundation
import MadoguchiDomain
import MadoguchiImport
import Testing

/// Real sheets come in many shapes: the importer reads what only looks different and refuses, naming
/// the line, what it would have to guess.
@Suite("Import: tolerant where the meaning is clear, strict where it is not")
struct ImportToleranceTests {
    let program = Seeds.text(Seeds.programURL)
    let measure = Seeds.text(Seeds.measureURL)

    func read(_ text: String) throws -> EvaluationSheet { try SheetImporter().read([UInt8](text.utf8)).0 }

    func refusal(_ text: String) -> MadoguchiError? {
        #expect(throws: MadoguchiError.self) { try read(text) }
    }

    @Test("CRLF line ends, full-width digits, 令和-style headers and a full-width grade read the same")
    func tolerant() throws {
        let original = try read(program)
        var variant = program.replacingOccurrences(of: "\n", with: "\r\n")
        variant = variant.replacingOccurrences(of: "実施項目\t26年度\t27年度", with: "実施項目\t２６年度\t平成27年度")
        variant = variant.replacingOccurrences(of: "H28 評価\tC", with: "H28 評価\tＣ")
        #expect(try read(variant) == original)
    }

    @Test("a CP932 file reads as its UTF-8 original")
    func cp932() throws {
        let encoded = try TextEncoding.encode(program, as: .cp932)
        #expect(String(validating: encoded, as: UTF8.self) == nil)
        let (sheet, _) = try SheetImporter().read(encoded)
        #expect(sheet == (try read(program)))
    }

    @Test("a schedule cell that is not a step is refused with its line")
    func badScheduleCell() {
        let e = refusal(program.replacingOccurrences(of: "実施方針の策定\t検討・決定\t継続実施", with: "実施方針の策定\t検討・決定\tたぶん"))
        #expect(e?.code == .sheetUnreadable)
        #expect(e?.ja.hasPrefix("17行目") == true)
        #expect(e?.en.contains("line 17") == true)
    }

    @Test("a change without its reason is refused at the change's line")
    func changeWithoutReason() {
        let lines = program.split(separator: "\n", omittingEmptySubsequences: false)
        let withoutReason = lines.enumerated().filter { $0.offset != 26 }.map(\.element).joined(separator: "\n")  // line 27
        let e = refusal(withoutReason)
        #expect(e?.ja.hasPrefix("26行目") == true)
    }

    @Test("a grade that is not on the scale, mixed units, and an entry for an unknown item are refused")
    func strict() {
        #expect(refusal(program.replacingOccurrences(of: "H28 評価\tC", with: "H28 評価\tD"))?.ja.hasPrefix("58行目") == true)
        #expect(refusal(program.replacingOccurrences(of: "53.8%", with: "53.8件"))?.ja.hasPrefix("33行目") == true)
        #expect(refusal(program.replacingOccurrences(of: "まちづくり支援機能強化に向けた体制の整備\tH26", with: "体制整備\tH26"))?.ja.hasPrefix("47行目") == true)
        #expect(refusal(measure.replacingOccurrences(of: "AⅠ AⅡ AⅡ", with: "AⅠ AⅡ"))?.code == .sheetUnreadable)
        #expect(refusal(measure.replacingOccurrences(of: "2011 18 18 %", with: "2011 18 18 件"))?.ja.hasPrefix("62行目") == true)
        #expect(refusal(measure.replacingOccurrences(of: "326,331 218,738", with: "326,331 218.7.38"))?.ja.hasPrefix("70行目") == true)
    }

    @Test("bare years with no era anywhere in the file are refused, not guessed")
    func noEra() {
        let eraless = program.replacingOccurrences(of: "H", with: "").replacingOccurrences(of: "3月末", with: "3月末")
        let e = refusal(eraless)
        #expect(e?.ja.contains("元号") == true)
    }

    @Test("text that is no sheet is refused at line 1; an unknown section names its line")
    func notASheet() {
        #expect(refusal("氏名,住所\n山田,川崎\n")?.ja.hasPrefix("1行目") == true)
        #expect(refusal(measure.replacingOccurrences(of: "<事業費>", with: "<予算の内訳>"))?.ja.hasPrefix("65行目") == true)
        #expect(refusal(program.replacingOccurrences(of: "【 成果 】", with: "【 その他 】"))?.ja.hasPrefix("29行目") == true)
    }

    @Test("fiscal years in every notation the seeds use", arguments: [
        ("26年度", 2014), ("２６年度", 2014), ("H24", 2012), ("Ｈ２４", 2012), ("2011(H23)年度", 2011), ("2013年度", 2013),
        ("令和６年度", 2024), ("Ｒ６", 2024), ("令和元年度", 2019), ("H31", 2019), ("平成32年度", 2020),
    ])
    func notations(_ written: String, _ year: Int) throws {
        #expect(try FiscalYear.parse(written, era: .heisei) == FiscalYear(year))
    }

    @Test("blank is not 0: a 0 stays a value, a blank stays empty; 千円 with commas reads as the same amount")
    func blankAndZero() throws {
        let zero = try read(program.replacingOccurrences(of: "43.4%\t62.6%", with: "0%\t62.6%"))
        #expect(zero.indicators[0].baseline?.figure == .number(SheetNumber("0")!))
        #expect(zero.indicators[0].years[3].actual == nil)
        let thousands = try read(measure.replacingOccurrences(of: "事業費合計 326,331", with: "事業費合計 326,331千円"))
        #expect(thousands.budget == (try read(measure)).budget)
    }

    @Test("a program sheet read on another city's five-level scale: 1–5 and Ⅰ–Ⅴ grades")
    func otherScale() throws {
        let text = program.replacingOccurrences(of: "H28 評価\tC", with: "H28 評価\t3").replacingOccurrences(of: "H28 評価\tA", with: "H28 評価\tⅠ")
        let sheet = try SheetImporter(programScale: .fiveLevel).read([UInt8](text.utf8)).0
        #expect(sheet.items.map { $0.progress[4].grade?.grade } == ["A", "A", "C"])
        #expect(sheet.gradeScale.id == "five-level")
    }

    /// Found by `madoguchi bench fuzz` (issue 12, item 7): each crashed the importer before; each is now a refusal that
    /// names its line.
    @Test("fuzz findings: indicator names without their table, a 30-digit-plus figure, a bad direction, a bad 施策課題")
    func fuzzFindings() throws {
        let lines = measure.components(separatedBy: "\n")
        let withoutTable = lines.filter { !$0.hasPrefix("年度 計画値") }.joined(separator: "\n")
        #expect(refusal(withoutTable)?.ja.contains("行目") == true)
        #expect(SheetNumber(String(repeating: "9", count: 4096)) == nil)
        #expect(SheetNumber(String(repeating: "9", count: 30)) != nil)
        let huge = program.replacingOccurrences(of: "43.4%\t62.6%", with: "\(String(repeating: "9", count: 200))%\t62.6%")
        #expect(throws: MadoguchiError.self) { try read(huge) }
        let badDirection = refusal(measure.replacingOccurrences(of: "大きいほどよい", with: "どちらでもない"))
        #expect(badDirection?.ja.contains("行目") == true, "\(String(describing: badDirection))")
        #expect(refusal(measure.replacingOccurrences(of: "72302000 区役所と支所", with: "72302000区役所と支所"))?.ja.hasPrefix("8行目") == true)
    }
}
