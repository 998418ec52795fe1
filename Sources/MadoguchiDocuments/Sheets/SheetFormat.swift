import MadoguchiDomain

/// The wording and table shape both renderings of a sheet share (HTML escapes it, the PDF draws it).
enum SheetFormat {
    /// A figure as printed: `58.6%`, `-`, or blank.
    static func value(_ figure: SheetFigure?, unit: String?) -> String {
        switch figure {
        case nil: ""
        case .notApplicable?: "-"
        case .number(let n)?: n.text + (unit ?? "")
        }
    }

    /// An amount in 千円 with thousands grouped: `326,331`.
    static func amount(_ figure: SheetFigure?) -> String {
        figure?.grouped ?? ""
    }

    /// `A：施策が順調に推進したもの（新たな課題等 Ⅰ 無 Ⅱ 有）`, one a grade.
    static func legendParts(_ scale: GradeScale) -> [String] {
        scale.grades.map { grade in
            var text = "\(grade.symbol)：\(grade.meaning)"
            if let q = scale.qualifier, q.grades.contains(grade.symbol) {
                text += "（\(q.name) " + q.options.map { "\($0.symbol) \($0.meaning)" }.joined(separator: " ") + "）"
            }
            return text
        }
    }

    /// `第3期実行計画(2011(H23)〜2013(H25)年度)における`, or nothing without a period.
    static func periodPrefix(_ period: PlanPeriod?) -> String {
        period.map { "\($0.name)(\($0.from.gregorianWithEra.dropLast(2))〜\($0.to.gregorianWithEra))における" } ?? ""
    }

    /// The columns of the program sheet's 指標の推移: every year any indicator has, and the baseline and target years.
    static func indicatorColumns(_ sheet: EvaluationSheet) -> (years: [FiscalYear], baseline: FiscalYear?, target: FiscalYear?) {
        (Array(Set(sheet.indicators.flatMap { $0.years.map(\.year) })).sorted(),
         sheet.indicators.compactMap { $0.baseline?.year }.first, sheet.indicators.compactMap { $0.target?.year }.first)
    }

    /// A live reading as a chart series.
    static func liveSeries(_ reading: LiveIndicatorReading?) -> [FiscalYear: SheetNumber] {
        Dictionary((reading?.values ?? []).map { ($0.year, $0.value) }, uniquingKeysWith: { a, _ in a })
    }
}
