import Foundation
import MadoguchiDomain
import MadoguchiImport
import Testing

/// Seed 002, 施策進行管理・評価票 as a text copy: every value, year, grade and reason is in the model.
@Suite("Import: the 施策進行管理・評価票 (seed 002)")
struct MeasureSeedTests {
    @Test("基本情報: the plan path from 基本政策 to 施策課題 72302000, divisions, evaluation year")
    func basic() throws {
        let sheet = try Seeds.measure()
        #expect(sheet.layout == .measure)
        #expect(sheet.formTitle == "施策進行管理・評価票(1)")
        #expect(sheet.evaluationYear == fy(2013))
        #expect(sheet.code == "72302000")
        #expect(sheet.path.map(\.level) == [.basicPolicy, .policyDirection, .basicMeasure, .measure])
        #expect(sheet.path.map(\.code) == ["7", "72", "723", "72302000"])
        #expect(sheet.path.map(\.title) == [
            "参加と協働による市民自治のまちづくり", "市民と協働して地域課題を解決する", "便利で快適な区役所サービスの効率的・効果的・総合的な提供",
            "区役所と支所、出張所等の窓口サービス機能再編の取組",
        ])
        #expect(sheet.responsibleDivisions == ["市民・こども局区政推進部区調整課"])
        #expect(sheet.relatedDivisions.isEmpty)
        #expect(sheet.priority == nil)
        #expect(sheet.period == PlanPeriod(name: "第3期実行計画", from: fy(2011), to: fy(2013)))
    }

    @Test("the issues, overview and goals, paragraph by paragraph")
    func plan() throws {
        let sheet = try Seeds.measure()
        let issues = try #require(sheet.narrative(.issues)).paragraphs
        #expect(issues.count == 5)
        #expect(issues[0] == "2009年3月に「区役所と支所・出張所等の窓口サービス機能再編実施方針」をとりまとめ、次の課題を整理しました。")
        #expect(issues[4] == "●行政サービスコーナーや連絡所のあり方について、今後の方向性を踏まえながら、総合的な見直しを進める必要があります。")
        let overview = try #require(sheet.narrative(.overview)).paragraphs
        #expect(overview.count == 5)
        #expect(overview[0] == "●「区役所と支所・出張所等の窓口サービス機能再編実施方針」に基づき、窓口業務の分かりにくさを解消します。")
        #expect(overview[4].hasPrefix("●宮前連絡所については、証明書発行件数が減少していることから、2011年度末をもって廃止し"))
        let goals = try #require(sheet.narrative(.goals)).paragraphs
        #expect(goals.count == 3)
        #expect(goals[0] == "●コンビニ交付については、「自動交付機による証明書交付実施方針」に基づいた取組を進めます。")
        #expect(goals[2].hasSuffix("また、柿生連絡所については機能再編に向けた検討を進めます。"))
    }

    @Test("成果の説明: results, remaining issues, the grades AⅠ AⅡ AⅡ for 2011–2013 with their reason, the legend")
    func results() throws {
        let sheet = try Seeds.measure()
        let results = try #require(sheet.narrative(.results)).paragraphs
        #expect(results.count == 4)
        #expect(results[1] == "●行政サービスコーナーの利便性向上のために広報等による周知を行い、全体の証明書発行件数のうち行政サービスコーナーにおける証明書発行件数が19%から20%へと前年に比べ1%程度伸びました。")
        #expect(results[3].hasSuffix("「柿生連絡所機能再編計画」を3月に策定しました。"))
        #expect(sheet.narrative(.remainingIssues)?.paragraphs == [
            "●コンビニ交付の導入、コンビニ交付開始に伴う証明書発行体制のあり方については、個人番号カードの普及促進策などマイナンバー制度に関する国からの情報が現時点で不十分なため、引続き国の動向などを注視しながら取組を進めていく必要があります。",
        ])
        #expect(sheet.narrative(.evaluationReason)?.paragraphs == [
            "●コンビニ交付の導入、コンビニ交付開始に伴う証明書発行体制のあり方については、現時点での情報などを基に検討を進めていますが、今後、さらに取組を具体化するためには、国などから新たな情報が必要となるため。",
        ])
        #expect(sheet.grades == [
            YearGrade(year: fy(2011), grade: GradeMark(grade: "A", qualifier: "Ⅰ")),
            YearGrade(year: fy(2012), grade: GradeMark(grade: "A", qualifier: "Ⅱ")),
            YearGrade(year: fy(2013), grade: GradeMark(grade: "A", qualifier: "Ⅱ")),
        ])
        #expect(sheet.gradeScale == .kawasakiMeasure)
        #expect(sheet.gradeScale.grades.map(\.meaning) == ["施策が順調に推進したもの", "施策が一定程度推進したもの", "施策が推進していないもの"])
        #expect(sheet.gradeScale.qualifier?.name == "新たな課題等")
        #expect(sheet.gradeScale.meaning(of: sheet.grades[1].grade) == "施策が順調に推進したもの（新たな課題等 有）")
    }

    @Test("今後の方向性 from 2014年度")
    func direction() throws {
        let sheet = try Seeds.measure()
        let direction = try #require(sheet.narrative(.direction))
        #expect(direction.fromYear == fy(2014))
        #expect(direction.heading == "2014年度以降の方向性")
        #expect(direction.paragraphs.count == 3)
        #expect(direction.paragraphs[1] == "●コンビニ交付開始に伴う証明書発行体制のあり方については、関係局区と連携しながら検討します。")
    }

    @Test("参考指標: the 行政サービスコーナー share, 18/19/20 % planned and achieved, larger is better")
    func indicator() throws {
        let sheet = try Seeds.measure()
        #expect(sheet.indicators.count == 1)
        let i = sheet.indicators[0]
        #expect(i.number == 1)
        #expect(i.name == "全証明書発行件数に占める行政サービスコーナー(市内6カ所)での証明書発行件数の割合")
        #expect(i.explanation == "区役所窓口の混雑緩和を図るため、市内全域を対象とした証明書発行サービスの地域における拠点である行政サービスコーナーの利用拡大をめざします。")
        #expect(i.direction == .higherIsBetter)
        #expect(i.unit == "%")
        #expect(i.years == [
            IndicatorYear(year: fy(2010)),
            IndicatorYear(year: fy(2011), plan: num("18"), actual: num("18")),
            IndicatorYear(year: fy(2012), plan: num("19"), actual: num("19")),
            IndicatorYear(year: fy(2013), plan: num("20"), actual: num("20")),
        ])
    }

    @Test("事業費: 2011 予算・決算, 2012 and 2013 with 計画事業費, 2013 決算見込, in 千円")
    func budget() throws {
        let sheet = try Seeds.measure()
        let budget = try #require(sheet.budget)
        #expect(budget.label == "事業費合計")
        #expect(budget.years.map(\.year) == [fy(2011), fy(2012), fy(2013)])
        #expect(budget.years[0].amounts == [
            BudgetAmount(kind: .budget, thousandYen: num("326331")), BudgetAmount(kind: .settled, thousandYen: num("218738")),
        ])
        #expect(budget.years[1].amounts == [
            BudgetAmount(kind: .planned, thousandYen: num("352825")), BudgetAmount(kind: .budget, thousandYen: num("326993")),
            BudgetAmount(kind: .settled, thousandYen: num("363215")),
        ])
        #expect(budget.years[2].amounts == [
            BudgetAmount(kind: .planned, thousandYen: num("68888")), BudgetAmount(kind: .budget, thousandYen: num("53140")),
            BudgetAmount(kind: .settledEstimate, thousandYen: num("52765")),
        ])
    }

    @Test("配下の事務事業 and an empty 用語説明")
    func projects() throws {
        let sheet = try Seeds.measure()
        #expect(sheet.subProjects == [SubProject(name: "区役所窓口サービス機能の再編")])
        #expect(sheet.glossary.isEmpty)
    }

    @Test("every word of the file appears somewhere in the model")
    func nothingLost() throws {
        let sheet = try Seeds.measure()
        let json = String(decoding: CanonicalSheetJSON.encode(sheet), as: UTF8.self)
        // The layout's own words: labels, headings, table heads; the rest must be in the model.
        let layout = [
            "施策進行管理・評価票(1)", "評価年度2013年度", "<基本情報>", "施策課題", "72302000", "作成課", "基本政策", "政策の", "基本方向", "基本施策",
            "関係課", "重点", "当該施策によって", "解決すべき課題", "施策の概要", "施策の目標", "<成果の説明>", "解決すべき課題に対する当該年度の成果",
            "残された課題,新たな課題,社会環境の変化等", "評価結果及びその評価区分とした理由", "2014年度以降の方向性", "参考指標名①", "参考指標名②",
            "参考指標名③", "指標の説明①", "指標の説明②", "指標の説明③", "指標の方向性①", "指標の方向性②", "指標の方向性③", "大きいほどよい",
            "年度", "計画値", "実績値", "単位", "(単位:千円)", "予算", "決算", "計画事業費", "決算見込", "事業費合計", "事務事業名", "第3期実行計画",
            "期間の達成状況", ">>前のページへ戻る", "%",
        ]
        for line in Seeds.text(Seeds.measureURL).split(separator: "\n") {
            if line.hasPrefix("<") || line.hasPrefix("A 施策") { continue }
            for word in line.split(whereSeparator: { $0 == " " || $0 == "\u{00A0}" }) {
                let w = String(word)
                if layout.contains(w) || w.allSatisfy(\.isNumber) || w.contains("(H2") || ["AⅠ", "AⅡ"].contains(w) { continue }
                if let n = SheetNumber(w), json.contains("\"\(n.text)\"") { continue }
                #expect(json.contains(w), "missing: \(w)")
            }
        }
    }
}
