import Foundation
import MadoguchiDomain
import MadoguchiImport
import Testing

/// Seed 000, the program sheet's TSV export: every value, year, grade and reason is in the model.
@Suite("Import: the program sheet (seed 000)")
struct ProgramSeedTests {
    @Test("the plan path, divisions and summary")
    func header() throws {
        let sheet = try Seeds.program()
        #expect(sheet.layout == .program)
        #expect(sheet.code == "P1-1-3")
        #expect(sheet.path.map(\.level) == [.policy, .field, .program])
        #expect(sheet.path.map(\.code) == ["P1", "P1-1", "P1-1-3"])
        #expect(sheet.path.map(\.number) == ["1", "1", "3"])
        #expect(sheet.path[0].title == "市民のニーズに対応した質の高いサービスの提供")
        #expect(sheet.path[1].title == "質の高い区政サービスの提供")
        #expect(sheet.path[2].title == "区役所・出張所のあり方とまちづくり推進体制の見直し")
        #expect(sheet.responsibleDivisions == [
            "地域政策課", "生涯学習課", "教育政策課", "子ども支援課", "各区役所総務企画課", "まちづくり推進課", "総合出張所", "出張所",
        ])
        #expect(sheet.narrative(.summary)?.paragraphs == [
            "○区役所、出張所等のあり方及び機能再編について検討を行い、実施方針を策定する。",
            "○まちづくり支援業務・公民館業務・児童館業務を一体的に担っているまちづくり交流室についても再整理し、まちづくり支援機能強化に向け体制を整備する。",
            "○社会保障・税番号制度導入にあわせ、コンビニエンスストア等での証明書発行や区役所の市民が利用しやすい時間帯の開庁等の窓口利便性の向上を検討する。",
        ])
        #expect(sheet.narrative(.effects)?.paragraphs == [
            "○時間外勤務が多い職場やまちづくり部門への職員の再配置が可能となる。",
            "○まちづくり推進体制の強化による、まちづくりビジョンに基づくまちづくり事業の推進が図られる。",
            "○コンビニエンスストアでの証明書発行、市民が利用しやすい時間帯の開庁等による市民の利便性、満足度の向上が図られる。",
        ])
    }

    @Test("the schedule grid, its changes by year and their reasons; the original plan is kept")
    func schedule() throws {
        let sheet = try Seeds.program()
        #expect(sheet.scheduleYears == [fy(2014), fy(2015), fy(2016), fy(2017), fy(2018)])
        #expect(sheet.items.map(\.title) == [
            "実施方針の策定", "まちづくり支援機能強化に向けた体制の整備", "コンビニエンスストア等での証明書発行・区役所の市民が利用しやすい時間帯の開庁等",
        ])
        let reasonTime = "まちづくり支援機能強化と出張所等再編の基本的な考え方の説明(地域説明会、住民説明会等)に時間をかけたため。"
        let s0 = sheet.items[0].schedule
        #expect(s0.original.cells.map { $0?.description } == ["検討・決定", "継続実施", "⇒", "⇒", "⇒"])
        #expect(s0.original.cells[0] == .phases([.study, .decision]))
        #expect(s0.revisions.count == 1)
        #expect(s0.revisions[0].changedIn == fy(2015))
        #expect(s0.revisions[0].row.cells.map { $0?.description } == [nil, "検討・決定", "決定", "順次実施", "⇒"])
        #expect(s0.revisions[0].reason == reasonTime)

        let s1 = sheet.items[1].schedule
        #expect(s1.original.cells.map { $0?.description } == ["検討・決定", "継続実施", "⇒", "⇒", "⇒"])
        #expect(s1.revisions.map(\.changedIn) == [fy(2014), fy(2015)])
        #expect(s1.revisions[0].row.cells.map { $0?.description } == ["検討", "検討・決定", "継続実施", "⇒", "⇒"])
        #expect(s1.revisions[0].reason
            == "H26年度に策定した「区役所等の在り方に関する基本方針」に基づき、H27年度に策定する「区役所見直し実施プログラム」において具体的な内容を検討し、実施することとしたため。")
        #expect(s1.revisions[1].row.cells.map { $0?.description } == [nil, "⇒", "決定", "順次実施", "⇒"])
        #expect(s1.revisions[1].reason == reasonTime)

        let s2 = sheet.items[2].schedule
        #expect(s2.original.cells.map { $0?.description } == ["検討", "準備", "継続実施", "⇒", "⇒"])
        #expect(s2.revisions.count == 1)
        #expect(s2.revisions[0].changedIn == fy(2015))
        #expect(s2.revisions[0].row.cells.map { $0?.description } == [nil, nil, "検討", "⇒", "⇒"])
        #expect(s2.revisions[0].reason == "市民が利用しやすい時間帯の開庁等については、マイナンバーの普及状況等を踏まえ、引き続き検討を行うため。")
    }

    @Test("the indicators: baseline year, yearly values with their unit, blanks and dashes, target, the note's later target")
    func indicators() throws {
        let sheet = try Seeds.program()
        #expect(sheet.indicators.map(\.number) == [1, 2, 3])
        let (i1, i2, i3) = (sheet.indicators[0], sheet.indicators[1], sheet.indicators[2])
        #expect(i1.name == "区役所で行っている業務や手続きについて満足している市民の割合")
        #expect(i2.name == "区役所のまちづくり活動を身近に感じる市民の割合")
        #expect(i3.name == "まちづくりセンター地域担当職員の地域での活動件数")
        #expect(i1.unit == "%" && i2.unit == "%" && i3.unit == nil)
        #expect(i1.baseline == YearFigure(year: fy(2012), figure: num("43.4")))
        #expect(i2.baseline == YearFigure(year: fy(2012), figure: num("18.8")))
        #expect(i3.baseline == YearFigure(year: fy(2012), figure: .notApplicable))
        #expect(i1.years.map(\.year) == [fy(2014), fy(2015), fy(2016), fy(2017), fy(2018)])
        #expect(i1.years.map { $0.actual?.description } == ["62.6", "53.8", "58.6", nil, nil])
        #expect(i2.years.map { $0.actual?.description } == ["36.2", "26.8", "32.0", nil, nil])
        #expect(i3.years.map { $0.actual?.description } == ["-", "-", "-", nil, nil])
        #expect(i1.years.allSatisfy { $0.plan == nil })
        #expect(i1.target == YearFigure(year: fy(2018), figure: num("67")))
        #expect(i2.target == YearFigure(year: fy(2018), figure: num("26")))
        #expect(i3.target == YearFigure(year: fy(2018), figure: .notApplicable))
        #expect(sheet.indicatorNotes.count == 1)
        let note = sheet.indicatorNotes[0]
        #expect(note.text == "※③については、第7次総合計画の実施計画にて、H31の目標値を9,500件と設定。")
        #expect(note.indicators == [3])
        #expect(note.target == YearFigure(year: fy(2019), figure: num("9500")))
        #expect(note.targetUnit == "件")
    }

    @Test("取組内容等: each item's results, plans, March-end results and graded evaluations")
    func progress() throws {
        let sheet = try Seeds.program()
        let kinds: [ProgressEntryKind] = [.result, .result, .plan, .resultAtMarchEnd, .evaluation]
        for item in sheet.items {
            #expect(item.progress.map(\.kind) == kinds)
            #expect(item.progress.map(\.year) == [fy(2014), fy(2015), fy(2016), fy(2016), fy(2016)])
        }
        #expect(sheet.items[0].progress.map { $0.status?.description } == ["検討", "検討", "決定", "決定", nil])
        #expect(sheet.items[1].progress.map { $0.status?.description } == ["検討", "検討", "決定", "決定", nil])
        #expect(sheet.items[2].progress.map { $0.status?.description } == ["検討", "検討", "検討", "検討", nil])
        #expect(sheet.items.map { $0.progress[4].grade } == [GradeMark(grade: "A"), GradeMark(grade: "A"), GradeMark(grade: "C")])
        #expect(sheet.items[0].progress[4].text == "予定通り実施した。")
        #expect(sheet.items[1].progress[4].text == "予定通り実施した。")
        #expect(sheet.items[2].progress[4].text
            == "コンビニエンスストアでの証明書発行の促進に努めたところであるが、市民が利用しやすい時間帯の開庁等について、検討まで至らなかった。")
        #expect(sheet.items[0].progress[0].text.hasPrefix("区役所がまちづくりの拠点として機能していくように"))
        #expect(sheet.items[0].progress[3].text.hasSuffix("「まちづくり支援機能強化と出張所等再編方針」を策定した。"))
        #expect(sheet.items[1].progress[2].text
            == "「まちづくり支援機能強化と出張所等再編方針」に基づき、H29年度からの(仮称)まちづくりセンターの設置や地域担当職員の配置に向けた準備を行う。")
        // Full-width brackets in text are kept as written.
        #expect(sheet.items[2].progress[2].text.contains("（サービスコーナー化）"))
        #expect(sheet.items[2].progress[1].text == "H28年3月からコンビニエンスストアでの証明書発行を開始した。また、郵便局での証明書発行や区役所の市民が利用しやすい時間帯の開庁等について検討を行った。")
    }

    @Test("every text cell of the file appears somewhere in the model")
    func nothingLost() throws {
        let sheet = try Seeds.program()
        let json = String(decoding: CanonicalSheetJSON.encode(sheet), as: UTF8.self)
        let structural: Set<String> = [
            "方針", "分野", "プログラム名", "所管課", "実施項目", "上記変更理由", "効果", "(指標の推移)", "指標", "年度", "状況", "取組内容等",
        ]
        for line in Seeds.text(Seeds.programURL).split(separator: "\n") {
            for cell in line.split(separator: "\t") {
                let c = cell.trimmingCharacters(in: .whitespaces)
                if c.isEmpty || structural.contains(c) || c.hasPrefix("【") || c.hasPrefix("<p>") { continue }
                if c.hasSuffix("年度") || c.hasPrefix("H2") || c.hasPrefix("H3") || c.hasPrefix("基準値") || c.hasPrefix("目標値") { continue }
                if c.hasSuffix("%") || c == "-" || c == "⇒" || ScheduleMark(c) != nil || ["A", "C"].contains(c) { continue }
                let text = c.first.flatMap(Indicator.number(fromMarker:)) != nil ? String(c.dropFirst()) : c
                let pieces = text.contains("、") && line.hasPrefix("所管課") ? text.split(separator: "、").map(String.init) : [text]
                for piece in pieces {
                    #expect(json.contains(piece), "missing: \(piece)")
                }
            }
        }
    }
}
