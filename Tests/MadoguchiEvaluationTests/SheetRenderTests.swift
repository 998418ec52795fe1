import Foundation
import MadoguchiDocuments
import MadoguchiDomain
import MadoguchiTestSupport
import Testing

#if canImport(FoundationXML)
import FoundationXML
#endif

/// Compares a rendered page with its reviewed snapshot; `MADOGUCHI_UPDATE_SNAPSHOTS=1` rewrites the snapshot
/// (review the diff before committing it).
func assertSnapshot(_ text: String, named name: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
    let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Snapshots/\(name)")
    if ProcessInfo.processInfo.environment["MADOGUCHI_UPDATE_SNAPSHOTS"] == "1" {
        try Data(text.utf8).write(to: url)
        return
    }
    let expected = try String(contentsOf: url, encoding: .utf8)
    if expected != text {
        let a = expected.split(separator: "\n", omittingEmptySubsequences: false)
        let b = text.split(separator: "\n", omittingEmptySubsequences: false)
        let line = zip(a, b).enumerated().first { $0.element.0 != $0.element.1 }?.offset ?? min(a.count, b.count)
        let was = line < a.count ? String(a[line]) : "(end)"
        let now = line < b.count ? String(b[line]) : "(end)"
        Issue.record("\(name) differs at line \(line + 1):\n- \(was)\n+ \(now)", sourceLocation: sourceLocation)
    }
}

@Suite("Rendering: HTML in each seed's layout, SVG charts, PDF read back")
struct SheetRenderTests {
    @Test("HTML snapshots of both seeds", arguments: ["program", "measure"])
    func snapshots(_ which: String) throws {
        let sheet = which == "program" ? try Seeds.program() : try Seeds.measure()
        try assertSnapshot(SheetHTML.document(sheet), named: "\(sheet.code).html")
    }

    @Test("the program layout: schedule with ⇒ and the change rows with reasons, indicators with status, 取組内容等, legend")
    func programHTML() throws {
        let html = SheetHTML.document(try Seeds.program())
        #expect(html.contains("<tr class=\"change\"><th>【27年度変更】</th><td class=\"mark\"></td><td class=\"mark\">検討・決定</td><td class=\"mark\">決定</td><td class=\"mark\">順次実施</td><td class=\"mark continues\">⇒</td></tr>"))
        #expect(html.contains("<tr class=\"reason\"><th>上記変更理由</th><td colspan=\"5\">市民が利用しやすい時間帯の開庁等については"))
        #expect(html.contains("<th>基準値(H24)</th><th>H26</th><th>H27</th><th>H28</th><th>H29</th><th>H30</th><th>目標値(H30)</th><th>状況</th>"))
        #expect(html.contains("status-slightlyBehind"))
        #expect(html.contains(">やや遅れ<br>87.5%<"))
        #expect(html.contains("<span class=\"grade\">C</span>"))
        #expect(html.contains("評価区分　A：予定通り実施した"))
        #expect(html.components(separatedBy: "<svg").count - 1 == 2)  // ①② have numbers, ③ only dashes
    }

    @Test("the measure layout: 基本情報, grades by year, the legend with Ⅰ 無 Ⅱ 有, 参考指標, 事業費 grouped by year")
    func measureHTML() throws {
        let html = SheetHTML.document(try Seeds.measure())
        #expect(html.contains("<th>施策課題</th><td>72302000</td><td>区役所と支所、出張所等の窓口サービス機能再編の取組</td>"))
        #expect(html.contains("&lt;第3期実行計画(2011(H23)〜2013(H25)年度)における施策の概要及び施策の目標&gt;"))
        #expect(html.contains("<tr><th>2011</th><th>2012</th><th>2013</th></tr><tr><td class=\"grade\">AⅠ</td><td class=\"grade\">AⅡ</td><td class=\"grade\">AⅡ</td></tr>"))
        #expect(html.contains("A：施策が順調に推進したもの（新たな課題等 Ⅰ 無 Ⅱ 有）"))
        #expect(html.contains("<th colspan=\"2\">2011(H23)年度</th><th colspan=\"3\">2012(H24)年度</th><th colspan=\"3\">2013(H25)年度</th>"))
        #expect(html.contains("<td class=\"num\">326,331</td><td class=\"num\">218,738</td><td class=\"num\">352,825</td>"))
        #expect(html.contains("<th>2014年度以降の方向性</th>"))
        #expect(!html.contains("<script"))
    }

    @Test("an SVG chart draws plan and actual, baseline and target, and is well-formed XML")
    func chart() throws {
        let indicator = try Seeds.program().indicators[0]
        let svg = try #require(SheetChart.svg(indicator))
        #expect(XMLParser(data: Data(svg.utf8)).parse(), "the SVG is not well-formed XML")
        #expect(svg.components(separatedBy: "<circle class=\"actual\"").count - 1 == 3)
        #expect(svg.contains("class=\"baseline\"") && svg.contains("class=\"target\""))
        #expect(svg.contains("目標値 2018(H30)年度 67%"))
        let measure = try #require(SheetChart.svg(try Seeds.measure().indicators[0]))
        #expect(measure.components(separatedBy: "<circle class=\"plan\"").count - 1 == 3)
        #expect(SheetChart.svg(try Seeds.program().indicators[2]) == nil)
    }

    @Test("the PDF has embedded fonts, is PDF/A-2b, draws its charts as vectors; pdftotext reads every section back",
          arguments: ["program", "measure"])
    func pdf(_ which: String) throws {
        let sheet = which == "program" ? try Seeds.program() : try Seeds.measure()
        let bytes = try SheetPDF.render(sheet)
        let url = try Poppler.write(bytes)
        let text = Poppler.compact(try Poppler.text(url))
        #expect(try Poppler.fonts(url).contains("IPAexMincho"))
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Interop/check_pdfa.py").path
        let (archival, status) = try Poppler.python(script, [url.path])
        #expect(status == 0, "PDF/A-2b: \(archival)")
        // The charts are paths and text, not pictures: no image on any page, and their labels are text.
        #expect(try Poppler.run("pdfimages", ["-list", url.path]).split(separator: "\n").count == 2, "no images, only the list's head")
        var expected: [String]
        if which == "program" {
            expected = ["改革プログラム進行管理票", "【実施項目とスケジュール】", "【27年度変更】", "上記変更理由", "検討・決定", "順次実施",
                        "まちづくり支援機能強化に向けた体制の整備", "①区役所で行っている業務や手続きについて満足している市民の割合", "58.6%", "67%",
                        "やや遅れ", "※③については", "【取組内容等】", "H28取組実績(3月末時点)", "予定通り実施した。", "評価区分",
                        "目標67", "基準43.4", "目標26", "基準18.8"]  // the charts' labels, as text
            expected += sheet.items.flatMap { $0.schedule.revisions.map(\.reason) }
        } else {
            expected = ["施策進行管理・評価票(1)", "評価年度2013年度", "72302000", "市民・こども局区政推進部区調整課", "AⅠ", "AⅡ", "新たな課題等",
                        "2014年度以降の方向性", "大きいほどよい", "326,331", "52,765", "決算見込", "区役所窓口サービス機能の再編", "<用語説明>"]
            expected += sheet.narratives.flatMap(\.paragraphs)
        }
        let missing = expected.filter { !text.contains(Poppler.compact($0)) }
        #expect(missing == [])
    }
}
