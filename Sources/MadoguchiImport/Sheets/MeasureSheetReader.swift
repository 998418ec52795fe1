import Foundation
import MadoguchiDomain

/// Reads 施策進行管理・評価票 as a text copy of the published page (seed 002): `<見出し>` sections, labels
/// at line starts, table cells separated by one space with a no-break space (U+00A0) for an empty cell.
///
/// The 事業費 kinds are grouped into years by the sheet's grammar: a year is [計画事業費] 予算 決算|決算見込,
/// so `予算 決算 計画事業費 予算 決算 計画事業費 予算 決算見込` over three years is 2 + 3 + 3 columns.
struct MeasureSheetReader {
    private typealias Line = (number: Int, text: String)

    func read(_ text: String) throws -> EvaluationSheet {
        let lines: [Line] = text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated().map {
            ($0.offset + 1, String($0.element.hasSuffix("\r") ? $0.element.dropLast() : $0.element))
        }
        var formTitle: String?
        var evaluationYear: FiscalYear?
        var sections: [(heading: Line, lines: [Line])] = []
        for line in lines {
            let t = SheetText.cell(line.text)
            if t.isEmpty || t.hasPrefix(">>") { continue }  // blank, or the page's navigation link
            if t.hasPrefix("<"), t.hasSuffix(">") {
                sections.append(((line.number, String(JapaneseText.normalized(t).dropFirst().dropLast())), []))
            } else if sections.isEmpty {
                let s = SheetText.compact(t)
                if s.hasPrefix("評価年度") {
                    evaluationYear = try SheetText.at(line.number) { try FiscalYear.parse(String(s.dropFirst(4))) }
                } else if s.contains("評価票") && formTitle == nil {
                    formTitle = t
                } else {
                    throw SheetText.lineError(line.number, "見出しの前の行として読めません: \(t)", "unexpected text before the first section: \(t)")
                }
            } else {
                sections[sections.count - 1].lines.append(line)
            }
        }
        var builder = Builder()
        for section in sections {
            let h = section.heading.text
            switch h {
            case "基本情報": try builder.basic(section.lines)
            case let s where s.hasSuffix("における施策の概要及び施策の目標"): try builder.plan(section.heading, section.lines)
            case "成果の説明": try builder.results(section.lines)
            case "今後の取組や方向性及び改善に向けた考え方": try builder.direction(section.lines)
            case "参考指標": try builder.indicators(section.lines)
            case "事業費": try builder.budget(section.lines)
            case "配下の事務事業一覧": try builder.subProjects(section.lines)
            case "用語説明": try builder.glossary(section.lines)
            default:
                throw SheetText.lineError(section.heading.number, "知らない見出しです: <\(h)>", "unknown section <\(h)>")
            }
        }
        return try builder.sheet(formTitle: formTitle, evaluationYear: evaluationYear)
    }

    /// Cells of a table line: split at single spaces; a no-break space is an empty cell.
    private static func cells(_ text: String) -> [String] {
        text.split(separator: " ", omittingEmptySubsequences: true).map(SheetText.cell)
    }

    private struct Builder {
        var fields: [String: String] = [:]
        /// The line each basic label stands on, for refusals of its value
        var fieldLines: [String: Int] = [:]
        var period: PlanPeriod?
        var narratives: [Narrative] = []
        var scale: GradeScale?
        var grades: [YearGrade] = []
        var indicators: [Indicator] = []
        var budget: BudgetTable?
        var subProjects: [SubProject] = []
        var glossary: [GlossaryEntry] = []

        static let basicLabels = ["施策課題", "作成課", "基本政策", "政策の基本方向", "基本施策", "関係課", "重点"]

        mutating func basic(_ lines: [Line]) throws {
            var tokens: [(Int, String)] = []
            for line in lines {
                for t in line.text.split(separator: " ", omittingEmptySubsequences: true) {
                    tokens.append((line.number, SheetText.cell(t)))
                }
            }
            var current: String?
            var i = 0
            while i < tokens.count {
                let n = tokens[i].0
                var t = tokens[i].1
                // 政策の / 基本方向: a label broken over two lines.
                if t == "政策の", i + 1 < tokens.count, tokens[i + 1].1 == "基本方向" {
                    t = "政策の基本方向"
                    i += 1
                }
                if Builder.basicLabels.contains(t) {
                    guard fields[t] == nil else { throw SheetText.lineError(n, "「\(t)」が2度あります", "\(t) appears twice") }
                    fields[t] = ""
                    fieldLines[t] = n
                    current = t
                } else if !t.isEmpty {
                    guard let label = current else {
                        throw SheetText.lineError(n, "基本情報の項目名がありません: \(t)", "a value with no label: \(t)")
                    }
                    fields[label] = fields[label]!.isEmpty ? t : fields[label]! + " " + t
                }
                i += 1
            }
        }

        mutating func plan(_ heading: Line, _ lines: [Line]) throws {
            // 第3期実行計画(2011(H23)〜2013(H25)年度)における施策の概要及び施策の目標
            let h = heading.text
            guard let open = h.firstIndex(of: "("), let close = h.range(of: ")における", options: .backwards) else {
                throw SheetText.lineError(heading.number, "計画期間を読めません", "cannot read the plan period")
            }
            let name = String(h[..<open])
            let span = String(h[h.index(after: open)..<close.lowerBound])
            let ends = span.split(whereSeparator: { "〜～~".contains($0) }).map(String.init)
            guard ends.count == 2 else {
                throw SheetText.lineError(heading.number, "計画期間は「〜」で区切った2つの年度です", "the period is two years joined by 〜")
            }
            let from = try SheetText.at(heading.number) { try FiscalYear.parse(ends[0]) }
            let to = try SheetText.at(heading.number) { try FiscalYear.parse(ends[1]) }
            period = PlanPeriod(name: name, from: from, to: to)
            var pendingLabel: Int?
            try labelled(lines, labels: [("施策の概要", .overview), ("施策の目標", .goals)]) { line in
                let t = SheetText.cell(line.text)
                if t == "当該施策によって" {
                    pendingLabel = line.number
                    return (nil, true)
                }
                if t == "解決すべき課題" && pendingLabel != nil {
                    pendingLabel = nil
                    return (Narrative(kind: .issues, paragraphs: []), true)
                }
                return (nil, false)
            }
        }

        /// Lines under labels at their starts; a line with no label continues the one before.
        /// `special` may claim a line (returning a new narrative to start, or none to skip it).
        private mutating func labelled(
            _ lines: [Line], labels: [(String, NarrativeKind)], special: (Line) throws -> (Narrative?, Bool)
        ) throws {
            for line in lines {
                let t = SheetText.cell(line.text)
                if t.isEmpty { continue }
                let (started, claimed) = try special(line)
                if let started { narratives.append(started) }
                if claimed { continue }
                if let (label, kind) = labels.first(where: { t == $0.0 || t.hasPrefix($0.0 + " ") }) {
                    let rest = SheetText.cell(String(t.dropFirst(label.count)))
                    narratives.append(Narrative(kind: kind, paragraphs: rest.isEmpty ? [] : [rest]))
                } else {
                    guard !narratives.isEmpty else {
                        throw SheetText.lineError(line.number, "項目名のない文です: \(t)", "text with no label: \(t)")
                    }
                    narratives[narratives.count - 1].paragraphs.append(t)
                }
            }
        }

        mutating func results(_ lines: [Line]) throws {
            let labels: [(String, NarrativeKind)] = [
                ("解決すべき課題に対する当該年度の成果", .results), ("残された課題,新たな課題,社会環境の変化等", .remainingIssues),
            ]
            var legend: Line?
            var grades: Line?
            var years: (Int, [FiscalYear])?
            try labelled(lines, labels: labels) { line in
                let t = SheetText.cell(line.text)
                let label = "評価結果及びその評価区分とした理由"
                if t.hasPrefix(label) {
                    var tokens = t.dropFirst(label.count).split(separator: " ").map(String.init)
                    var found: [FiscalYear] = []
                    while let first = tokens.first, first.count == 4, first.allSatisfy(\.isNumber) {
                        found.append(try SheetText.at(line.number) { try FiscalYear.parse(first) })
                        tokens.removeFirst()
                    }
                    years = (line.number, found)
                    let rest = tokens.joined(separator: " ")
                    return (Narrative(kind: .evaluationReason, paragraphs: rest.isEmpty ? [] : [rest]), true)
                }
                if let (_, ys) = years, grades == nil, !ys.isEmpty {
                    let cells = MeasureSheetReader.cells(t)
                    if cells.count == ys.count, cells.allSatisfy({ $0.count <= 3 && $0.first.map { "ABCDE".contains($0) } == true }) {
                        grades = line
                        return (nil, true)
                    }
                }
                let s = JapaneseText.normalized(t)
                if s.hasPrefix("A "), s.contains(" B "), s.contains(" C ") {
                    legend = line
                    return (nil, true)
                }
                return (nil, false)
            }
            if let legend { scale = try readLegend(legend) }
            if let (n, ys) = years, !ys.isEmpty {
                guard let grades else {
                    throw SheetText.lineError(n, "評価年度（\(ys.count)年分）の評価区分の行がありません", "the grades for the \(ys.count) years are missing")
                }
                guard let scale else {
                    throw SheetText.lineError(grades.number, "評価区分の凡例がありません", "the sheet has no grade legend")
                }
                let marks = try MeasureSheetReader.cells(grades.text).map { cell in
                    try SheetText.at(grades.number) { try scale.read(cell) }
                }
                self.grades = zip(ys, marks).map { YearGrade(year: $0, grade: $1) }
            }
        }

        /// A 施策が順調に推進したもの(新たな課題等 Ⅰ 無 Ⅱ 有) B 施策が一定程度推進したもの C 施策が推進していないもの
        private func readLegend(_ line: Line) throws -> GradeScale {
            let s = JapaneseText.normalized(line.text)
            let regex = try! NSRegularExpression(pattern: "(?:^| )([A-E]) (.+?)(?= [A-E] |$)")
            let ns = s as NSString
            var grades: [GradeScale.Grade] = []
            var qualifier: GradeScale.Qualifier?
            for m in regex.matches(in: s, range: NSRange(location: 0, length: ns.length)) {
                let symbol = ns.substring(with: m.range(at: 1))
                var meaning = ns.substring(with: m.range(at: 2))
                if let open = meaning.firstIndex(of: "("), meaning.hasSuffix(")") {
                    let inner = meaning[meaning.index(after: open)..<meaning.index(before: meaning.endIndex)]
                    let parts = inner.split(separator: " ").map(String.init)
                    guard parts.count >= 3, parts.count % 2 == 1 else {
                        throw SheetText.lineError(line.number, "評価区分の補足を読めません: \(inner)", "cannot read the qualifier \(inner)")
                    }
                    let options = stride(from: 1, to: parts.count, by: 2).map {
                        GradeScale.Qualifier.Option(symbol: parts[$0], meaning: parts[$0 + 1])
                    }
                    qualifier = GradeScale.Qualifier(name: parts[0], options: options, grades: [symbol])
                    meaning = String(meaning[..<open])
                }
                grades.append(GradeScale.Grade(symbol: symbol, meaning: meaning))
            }
            guard grades.count >= 2 else {
                throw SheetText.lineError(line.number, "評価区分の凡例を読めません", "cannot read the grade legend")
            }
            let read = GradeScale(id: "sheet", grades: grades, qualifier: qualifier)
            return GradeScale.builtIn.first { $0.grades == read.grades && $0.qualifier == read.qualifier } ?? read
        }

        mutating func direction(_ lines: [Line]) throws {
            try labelled(lines, labels: []) { line in
                let t = SheetText.cell(line.text)
                guard let r = t.range(of: "以降の方向性") else { return (nil, false) }
                let head = t[..<r.lowerBound]
                guard !head.contains(" ") else { return (nil, false) }
                let year = try SheetText.at(line.number) { try FiscalYear.parse(String(head)) }
                let rest = SheetText.cell(String(t[r.upperBound...]))
                return (Narrative(kind: .direction, fromYear: year, paragraphs: rest.isEmpty ? [] : [rest]), true)
            }
        }

        mutating func indicators(_ lines: [Line]) throws {
            var slots = 0
            var names: [String] = []
            var explanations: [String] = []
            var directions: [String] = []
            var rows: [[IndicatorYear]] = []
            var units: [String?] = []
            var expecting: String?
            var inTable = false
            // Where the names, the directions and the table stand, for refusals found once every row is read
            var headerLines: [String: Int] = [:]
            var tableLine = lines.first?.number ?? 1
            for line in lines {
                let cells = MeasureSheetReader.cells(line.text)
                if cells.allSatisfy(\.isEmpty) && !inTable { continue }
                let first = cells.first ?? ""
                if let header = ["参考指標名", "指標の説明", "指標の方向性"].first(where: { first.hasPrefix($0) }) {
                    guard cells.allSatisfy({ $0.hasPrefix(header) }) else {
                        throw SheetText.lineError(line.number, "見出し行として読めません", "not a header row")
                    }
                    if slots == 0 { slots = cells.count } else if cells.count != slots {
                        throw SheetText.lineError(line.number, "指標の列の数（\(cells.count)）が\(slots)と違います", "\(cells.count) columns, expected \(slots)")
                    }
                    expecting = header
                    continue
                }
                if first == "年度" {
                    guard slots > 0, cells.count == slots * 4 else {
                        throw SheetText.lineError(line.number, "年度・計画値・実績値・単位の見出しが指標の数と合いません", "the table header does not match the indicators")
                    }
                    rows = Array(repeating: [], count: slots)
                    units = Array(repeating: nil, count: slots)
                    inTable = true
                    tableLine = line.number
                    continue
                }
                if let header = expecting {
                    guard cells.count <= slots else {
                        throw SheetText.lineError(line.number, "\(header)の欄が\(slots)より多くあります（欄の中に空白がありますか）", "more than \(slots) cells")
                    }
                    let padded = cells + Array(repeating: "", count: slots - cells.count)
                    headerLines[header] = line.number
                    switch header {
                    case "参考指標名": names = padded
                    case "指標の説明": explanations = padded
                    default: directions = padded
                    }
                    expecting = nil
                    continue
                }
                guard inTable else {
                    throw SheetText.lineError(line.number, "参考指標の行として読めません", "not a row of the indicators")
                }
                guard cells.count == slots * 4 else {
                    throw SheetText.lineError(line.number, "欄の数（\(cells.count)）が\(slots * 4)ではありません", "\(cells.count) cells, expected \(slots * 4)")
                }
                for slot in 0..<slots {
                    let c = Array(cells[(slot * 4)..<(slot * 4 + 4)])
                    if c.allSatisfy(\.isEmpty) { continue }
                    let year = try SheetText.at(line.number) { try FiscalYear.parse(c[0]) }
                    func figure(_ s: String) throws -> SheetFigure? {
                        if s.isEmpty { return nil }
                        guard let f = SheetFigure(s) else {
                            throw SheetText.lineError(line.number, "「\(s)」は数値として読めません", "\(s) is not a number")
                        }
                        return f
                    }
                    rows[slot].append(IndicatorYear(year: year, plan: try figure(c[1]), actual: try figure(c[2])))
                    if !c[3].isEmpty {
                        if let u = units[slot], u != c[3] {
                            throw SheetText.lineError(line.number, "単位がそろっていません（\(u)と\(c[3])）", "mixed units \(u) and \(c[3])")
                        }
                        units[slot] = c[3]
                    }
                }
            }
            for slot in 0..<slots {
                let name = slot < names.count ? names[slot] : ""
                let values = slot < rows.count ? rows[slot] : []
                let hasValues = values.contains { $0.plan != nil || $0.actual != nil }
                if name.isEmpty {
                    guard !hasValues else {
                        throw SheetText.lineError(
                            headerLines["参考指標名"] ?? tableLine, "参考指標\(Indicator.marker(slot + 1))に名前がありません", "indicator \(slot + 1) has values but no name")
                    }
                    continue
                }
                var direction: IndicatorDirection?
                if slot < directions.count, !directions[slot].isEmpty {
                    guard let d = IndicatorDirection(japanese: directions[slot]) else {
                        throw SheetText.lineError(
                            headerLines["指標の方向性"] ?? tableLine, "指標の方向性を読めません: \(directions[slot])", "cannot read the direction \(directions[slot])")
                    }
                    direction = d
                }
                let explanation = slot < explanations.count && !explanations[slot].isEmpty ? explanations[slot] : nil
                indicators.append(
                    Indicator(number: slot + 1, name: name, explanation: explanation, unit: slot < units.count ? units[slot] : nil, direction: direction, years: values))
            }
        }

        mutating func budget(_ lines: [Line]) throws {
            var factor: (multiply: Int, divide: Int) = (1, 1)
            var years: [FiscalYear] = []
            var kinds: [BudgetAmountKind] = []
            var rowsRead: [BudgetYear] = []
            var label: String?
            for line in lines {
                let cells = MeasureSheetReader.cells(line.text)
                if cells.allSatisfy(\.isEmpty) { continue }
                let s = SheetText.compact(line.text)
                if s.hasPrefix("(単位:") {
                    switch s {
                    case "(単位:千円)": factor = (1, 1)
                    case "(単位:百万円)": factor = (1000, 1)
                    case "(単位:円)": factor = (1, 1000)
                    default: throw SheetText.lineError(line.number, "金額の単位は千円・百万円・円です: \(s)", "the unit must be 千円, 百万円 or 円")
                    }
                } else if cells.first == "年度" {
                    years = try cells.dropFirst().map { y in try SheetText.at(line.number) { try FiscalYear.parse(y) } }
                } else if let k = BudgetAmountKind(japanese: cells[0]) {
                    kinds = [k]
                    for c in cells.dropFirst() {
                        guard let k = BudgetAmountKind(japanese: c) else {
                            throw SheetText.lineError(line.number, "「\(c)」は予算・決算・決算見込・計画事業費のどれでもありません", "\(c) is not a budget column")
                        }
                        kinds.append(k)
                    }
                } else {
                    guard !years.isEmpty, !kinds.isEmpty else {
                        throw SheetText.lineError(line.number, "事業費の見出し（年度・予算・決算）がありません", "the budget table has no header")
                    }
                    guard cells.count == kinds.count + 1 else {
                        throw SheetText.lineError(line.number, "金額の数（\(cells.count - 1)）が見出し（\(kinds.count)）と違います", "\(cells.count - 1) amounts for \(kinds.count) columns")
                    }
                    guard label == nil else {
                        throw SheetText.lineError(line.number, "事業費の行は1行です", "the budget has one row")
                    }
                    label = cells[0]
                    // [計画事業費] 予算 決算|決算見込 per year.
                    var groups: [[(BudgetAmountKind, String)]] = []
                    for (kind, value) in zip(kinds, cells.dropFirst()) {
                        let current = groups.last ?? []
                        if current.isEmpty || kind == .planned || current.contains(where: { $0.0 == kind || $0.0 == .settled || $0.0 == .settledEstimate }) {
                            groups.append([(kind, value)])
                        } else {
                            groups[groups.count - 1].append((kind, value))
                        }
                    }
                    guard groups.count == years.count else {
                        throw SheetText.lineError(line.number, "見出しの予算・決算が\(groups.count)年分で、年度は\(years.count)年です", "the columns make \(groups.count) years, the header has \(years.count)")
                    }
                    rowsRead = try zip(years, groups).map { year, group in
                        BudgetYear(year: year, amounts: try group.map { kind, value in
                            BudgetAmount(kind: kind, thousandYen: try convert(value, factor, line.number))
                        })
                    }
                }
            }
            if let label { budget = BudgetTable(label: label, years: rowsRead) }
        }

        private func convert(_ value: String, _ factor: (multiply: Int, divide: Int), _ line: Int) throws -> SheetFigure? {
            if value.isEmpty { return nil }
            guard let f = try SheetText.at(line, { try BudgetUnits.thousandYen(value) }) else { return nil }
            guard case .number(let n) = f, factor != (1, 1) else { return f }
            let v = n.decimal * Decimal(factor.multiply) / Decimal(factor.divide)
            guard let out = SheetNumber("\(v)"), out.decimal * Decimal(factor.divide) == n.decimal * Decimal(factor.multiply) else {
                throw SheetText.lineError(line, "千円単位にできない金額です: \(value)", "\(value) is not a whole number of thousand yen")
            }
            return .number(out)
        }

        mutating func subProjects(_ lines: [Line]) throws {
            for line in lines {
                let s = SheetText.compact(line.text)
                if s.hasPrefix("事務事業名") || s == "期間の達成状況" { continue }
                let cells = MeasureSheetReader.cells(line.text)
                if cells.allSatisfy(\.isEmpty) { continue }
                guard cells.count <= 4 else {
                    throw SheetText.lineError(line.number, "事務事業の行は「事務事業名・達成状況」が2組までです", "at most two name/status pairs a row")
                }
                for pair in stride(from: 0, to: cells.count, by: 2) {
                    let name = cells[pair]
                    let achievement = pair + 1 < cells.count ? cells[pair + 1] : ""
                    if name.isEmpty {
                        guard achievement.isEmpty else {
                            throw SheetText.lineError(line.number, "事務事業名のない達成状況です", "a status with no project name")
                        }
                        continue
                    }
                    subProjects.append(SubProject(name: name, achievement: achievement.isEmpty ? nil : achievement))
                }
            }
        }

        mutating func glossary(_ lines: [Line]) throws {
            for line in lines {
                let cells = MeasureSheetReader.cells(line.text)
                guard let term = cells.first, !term.isEmpty else {
                    if cells.allSatisfy(\.isEmpty) { continue }
                    throw SheetText.lineError(line.number, "用語がありません", "an explanation with no term")
                }
                let explanation = cells.dropFirst().filter { !$0.isEmpty }.joined(separator: " ")
                guard !explanation.isEmpty else {
                    throw SheetText.lineError(line.number, "用語「\(term)」の説明がありません", "the term \(term) has no explanation")
                }
                glossary.append(GlossaryEntry(term: term, explanation: explanation))
            }
        }

        func sheet(formTitle: String?, evaluationYear: FiscalYear?) throws -> EvaluationSheet {
            guard let measure = fields["施策課題"], !measure.isEmpty else {
                throw MadoguchiError(.sheetUnreadable, ja: "施策課題（コードと名称）がありません", en: "The sheet has no 施策課題 code and title")
            }
            let parts = measure.split(separator: " ", maxSplits: 1).map(String.init)
            let code = JapaneseText.normalized(parts[0])
            guard parts.count == 2, code.allSatisfy({ $0.isASCII && $0.isNumber }) else {
                throw SheetText.lineError(fieldLines["施策課題"] ?? 1, "施策課題はコードと名称です: \(measure)", "施策課題 is a code and a title: \(measure)")
            }
            // Kawasaki's codes nest: 基本政策 7, 政策の基本方向 72, 基本施策 723, 施策課題 72302000.
            let nested = code.count == 8
            func ancestor(_ length: Int, _ tag: String) -> String { nested ? String(code.prefix(length)) : "\(code)-\(tag)" }
            var path: [PlanNode] = []
            for (label, level, length, tag) in [
                ("基本政策", PlanLevel.basicPolicy, 1, "bp"), ("政策の基本方向", .policyDirection, 2, "pd"), ("基本施策", .basicMeasure, 3, "bm"),
            ] {
                guard let title = fields[label], !title.isEmpty else {
                    throw MadoguchiError(.sheetUnreadable, ja: "\(label)がありません", en: "The sheet has no \(label)")
                }
                path.append(PlanNode(code: ancestor(length, tag), level: level, title: title, parentCode: path.last?.code))
            }
            path.append(PlanNode(code: code, level: .measure, number: code, title: parts[1], parentCode: path.last?.code))
            func list(_ label: String) -> [String] {
                (fields[label] ?? "").split(whereSeparator: { "、, ".contains($0) }).map(String.init)
            }
            let priority = fields["重点"].flatMap { $0.isEmpty ? nil : $0 }
            let sheet = EvaluationSheet(
                layout: .measure, formTitle: formTitle, evaluationYear: evaluationYear, path: path,
                responsibleDivisions: list("作成課"), relatedDivisions: list("関係課"), priority: priority, period: period,
                narratives: narratives, indicators: indicators, gradeScale: scale ?? .kawasakiMeasure, grades: grades,
                budget: budget, subProjects: subProjects, glossary: glossary)
            try sheet.validate()
            return sheet
        }
    }
}
