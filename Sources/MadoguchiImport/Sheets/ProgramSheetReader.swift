import Foundation
import MadoguchiDomain

/// Reads the 行財政改革 program sheet as its system exports it: tab-separated, one row a line (seed 000).
///
/// Strict where the meaning would be a guess (an unknown row, a schedule cell that is not a step, a
/// change without its reason, an entry for an item the schedule does not have); tolerant of what only
/// looks different (spaces in headings, full-width digits, `3月末 時点`, `<p>` tags, trailing tabs).
struct ProgramSheetReader {
    let scale: GradeScale

    private enum Section { case header, summary, schedule, results, progress }

    func read(_ text: String) throws -> EvaluationSheet {
        let lines = text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).map {
            $0.hasSuffix("\r") ? $0.dropLast() : $0
        }
        let era = SheetText.contextEra(text)
        var section = Section.header
        var policy: (String, String)?
        var field: (String, String)?
        var program: (String, String)?
        var responsible: [String] = []
        var related: [String] = []
        var summary: [String] = []
        var effects: [String] = []
        var years: [FiscalYear] = []
        var items: [ActionItem] = []
        var pendingRevision: (line: Int, changedIn: FiscalYear, row: ScheduleRow)?
        var indicatorColumns: (baselineYear: FiscalYear?, years: [FiscalYear], targetYear: FiscalYear?)?
        var indicators: [Indicator] = []
        var notes: [IndicatorNote] = []
        var currentItem: Int?

        func cells(_ line: Substring) -> [String] { line.split(separator: "\t", omittingEmptySubsequences: false).map(SheetText.cell) }
        func year(_ s: String, _ n: Int) throws -> FiscalYear { try SheetText.at(n) { try FiscalYear.parse(s, era: era) } }

        for (index, raw) in lines.enumerated() {
            let n = index + 1
            let c = cells(raw)
            let nonEmpty = c.filter { !$0.isEmpty }
            if nonEmpty.isEmpty {
                continue
            }
            let first = c[0]
            let heading = SheetText.compact(first)
            if nonEmpty.count == 1, heading.hasPrefix("【"), heading.hasSuffix("】"), !heading.hasSuffix("変更】") {
                if let p = pendingRevision {
                    throw SheetText.lineError(p.line, "変更の行に上記変更理由が続いていません", "a schedule change has no 上記変更理由 row")
                }
                switch heading {
                case "【実施概要】": section = .summary
                case "【実施項目とスケジュール】": section = .schedule
                case "【成果】": section = .results
                case "【取組内容等】": section = .progress
                default:
                    throw SheetText.lineError(n, "知らない見出しです: \(first)", "unknown heading \(first)")
                }
                continue
            }
            switch section {
            case .header:
                let label = SheetText.compact(first)
                let value = c.dropFirst().filter { !$0.isEmpty }
                switch label {
                case "方針", "分野", "プログラム名", "プログラム":
                    guard value.count == 2, let number = Int(JapaneseText.normalized(value[value.startIndex])) else {
                        throw SheetText.lineError(n, "\(label)は番号と名称の2欄です", "\(label) takes a number and a title")
                    }
                    let pair = (String(number), value[value.startIndex + 1])
                    if label == "方針" { policy = pair } else if label == "分野" { field = pair } else { program = pair }
                case "所管課", "関係課":
                    let divisions = value.flatMap { $0.split(whereSeparator: { "、,，".contains($0) }) }.map(SheetText.cell)
                        .filter { !$0.isEmpty }
                    if label == "所管課" { responsible = divisions } else { related = divisions }
                default:
                    throw SheetText.lineError(n, "基本情報の行として読めません: \(first)", "not a header row: \(first)")
                }
            case .summary:
                guard nonEmpty.count == 1 else {
                    throw SheetText.lineError(n, "実施概要は1欄の文章です", "the summary is one cell of text")
                }
                summary.append(contentsOf: SheetText.bullets(nonEmpty[0]))
            case .schedule:
                if heading == "実施項目" {
                    years = try c.dropFirst().filter { !$0.isEmpty }.map { try year($0, n) }
                    guard !years.isEmpty else {
                        throw SheetText.lineError(n, "スケジュールの年度がありません", "the schedule has no years")
                    }
                    continue
                }
                guard !years.isEmpty else {
                    throw SheetText.lineError(n, "スケジュールの見出し行（実施項目・年度）がありません", "the schedule has no header row")
                }
                if heading == "上記変更理由" {
                    guard let p = pendingRevision, let i = items.indices.last else {
                        throw SheetText.lineError(n, "上記変更理由の前に変更の行がありません", "a reason with no change before it")
                    }
                    let reason = c.dropFirst().filter { !$0.isEmpty }
                    guard reason.count == 1 else {
                        throw SheetText.lineError(n, "上記変更理由は1欄の文章です", "the reason is one cell of text")
                    }
                    items[i].schedule.revisions.append(ScheduleRevision(changedIn: p.changedIn, row: p.row, reason: reason[0]))
                    pendingRevision = nil
                    continue
                }
                if let p = pendingRevision {
                    throw SheetText.lineError(p.line, "変更の行に上記変更理由が続いていません", "a schedule change has no 上記変更理由 row")
                }
                let row = try scheduleRow(c, years: years.count, line: n)
                if heading.hasPrefix("【"), heading.hasSuffix("変更】") {
                    guard !items.isEmpty else {
                        throw SheetText.lineError(n, "変更の前に実施項目がありません", "a change with no action item before it")
                    }
                    let changedIn = try year(String(heading.dropFirst().dropLast(3)), n)
                    pendingRevision = (n, changedIn, row)
                } else {
                    items.append(ActionItem(title: first, schedule: Schedule(original: row)))
                }
            case .results:
                if heading == "効果" {
                    let text = c.dropFirst().filter { !$0.isEmpty }.joined(separator: " ")
                    effects.append(contentsOf: SheetText.bullets(SheetText.strippingTags(text)))
                } else if heading == "(指標の推移)" || (first.isEmpty && c.count > 1 && SheetText.compact(c[1]) == "指標") {
                    indicatorColumns = try indicatorHeader(c, line: n, year: year)
                } else if first.isEmpty, c.count > 1, let marker = c[1].first, let number = Indicator.number(fromMarker: marker) {
                    guard let columns = indicatorColumns else {
                        throw SheetText.lineError(n, "指標の見出し行がありません", "an indicator before the indicator header")
                    }
                    indicators.append(try indicatorRow(c, number: number, columns: columns, line: n))
                } else if first.hasPrefix("※") {
                    notes.append(try note(first, line: n, era: era))
                } else {
                    throw SheetText.lineError(n, "成果の行として読めません: \(nonEmpty[0])", "not a row of 成果: \(nonEmpty[0])")
                }
            case .progress:
                if heading == "実施項目" { continue }
                if !first.isEmpty {
                    guard let i = items.firstIndex(where: { $0.title == first }) else {
                        throw SheetText.lineError(n, "実施項目「\(first)」がスケジュールにありません", "the action item \(first) is not in the schedule")
                    }
                    currentItem = i
                }
                guard let i = currentItem else {
                    throw SheetText.lineError(n, "実施項目の名前がありません", "a row with no action item")
                }
                items[i].progress.append(try progressEntry(c, line: n, year: year))
            }
        }
        if let p = pendingRevision {
            throw SheetText.lineError(p.line, "変更の行に上記変更理由が続いていません", "a schedule change has no 上記変更理由 row")
        }
        guard let policy, let field, let program else {
            throw MadoguchiError(
                .sheetUnreadable, ja: "方針・分野・プログラム名の行がそろっていません",
                en: "The sheet needs its 方針, 分野 and プログラム名 rows")
        }
        let policyCode = "P\(policy.0)"
        let fieldCode = "\(policyCode)-\(field.0)"
        let programCode = "\(fieldCode)-\(program.0)"
        var narratives: [Narrative] = []
        if !summary.isEmpty { narratives.append(Narrative(kind: .summary, paragraphs: summary)) }
        if !effects.isEmpty { narratives.append(Narrative(kind: .effects, paragraphs: effects)) }
        let sheet = EvaluationSheet(
            layout: .program,
            path: [
                PlanNode(code: policyCode, level: .policy, number: policy.0, title: policy.1),
                PlanNode(code: fieldCode, level: .field, number: field.0, title: field.1, parentCode: policyCode),
                PlanNode(code: programCode, level: .program, number: program.0, title: program.1, parentCode: fieldCode),
            ],
            responsibleDivisions: responsible, relatedDivisions: related, narratives: narratives,
            scheduleYears: years, items: items, indicators: indicators, indicatorNotes: notes, gradeScale: scale)
        try sheet.validate()
        return sheet
    }

    private func scheduleRow(_ c: [String], years: Int, line: Int) throws -> ScheduleRow {
        let values = Array(c.dropFirst())
        if values.count > years, values[years...].contains(where: { !$0.isEmpty }) {
            throw SheetText.lineError(line, "年度の欄より多くの値があります", "more cells than schedule years")
        }
        return ScheduleRow(
            cells: try (0..<years).map { i in
                let v = i < values.count ? values[i] : ""
                if v.isEmpty { return nil }
                guard let mark = ScheduleMark(v) else {
                    throw SheetText.lineError(
                        line, "\(i + 2)列目「\(v)」はスケジュールの区分（検討・準備・決定・実施・順次実施・継続実施・⇒）ではありません",
                        "cell \(i + 2) (\(v)) is not a schedule step")
                }
                return mark
            })
    }

    private func indicatorHeader(
        _ c: [String], line: Int, year: (String, Int) throws -> FiscalYear
    ) throws -> (baselineYear: FiscalYear?, years: [FiscalYear], targetYear: FiscalYear?) {
        var baselineYear: FiscalYear?
        var targetYear: FiscalYear?
        var years: [FiscalYear] = []
        for cell in c.dropFirst(2) where !cell.isEmpty {
            let s = SheetText.compact(cell)
            if s.hasPrefix("基準値") || s.hasPrefix("目標値") {
                let inner = s.dropFirst(3).trimmingCharacters(in: ["(", ")"])
                let y = inner.isEmpty ? nil : try year(inner, line)
                if s.hasPrefix("基準値") { baselineYear = y } else { targetYear = y }
            } else {
                guard !c.dropFirst(2).prefix(while: { $0 != cell }).contains(where: { SheetText.compact($0).hasPrefix("目標値") }) else {
                    throw SheetText.lineError(line, "目標値の後に年度の欄があります", "a year after the target column")
                }
                years.append(try year(s, line))
            }
        }
        guard !years.isEmpty else { throw SheetText.lineError(line, "指標の年度がありません", "the indicator table has no years") }
        return (baselineYear, years, targetYear)
    }

    private func indicatorRow(
        _ c: [String], number: Int, columns: (baselineYear: FiscalYear?, years: [FiscalYear], targetYear: FiscalYear?), line: Int
    ) throws -> Indicator {
        var name = c[1]
        name.removeFirst()
        let values = Array(c.dropFirst(2))
        let expected = columns.years.count + 2
        if values.count > expected, values[expected...].contains(where: { !$0.isEmpty }) {
            throw SheetText.lineError(line, "指標の欄が見出しより多くあります", "more indicator cells than the header has")
        }
        var unit: String?
        func figure(_ i: Int) throws -> SheetFigure? {
            let v = i < values.count ? values[i] : ""
            if v.isEmpty { return nil }
            guard let (f, u) = SheetText.figureWithUnit(v) else {
                throw SheetText.lineError(line, "\(i + 3)列目「\(v)」は数値として読めません", "cell \(i + 3) (\(v)) is not a number")
            }
            if let u {
                if let unit, unit != u {
                    throw SheetText.lineError(line, "単位がそろっていません（\(unit)と\(u)）", "mixed units \(unit) and \(u)")
                }
                unit = u
            }
            return f
        }
        let baseline = try figure(0)
        var years: [IndicatorYear] = []
        for (i, y) in columns.years.enumerated() {
            years.append(IndicatorYear(year: y, actual: try figure(i + 1)))
        }
        let target = try figure(columns.years.count + 1)
        return Indicator(
            number: number, name: name, unit: unit,
            baseline: columns.baselineYear == nil && baseline == nil ? nil : YearFigure(year: columns.baselineYear, figure: baseline),
            years: years,
            target: columns.targetYear == nil && target == nil ? nil : YearFigure(year: columns.targetYear, figure: target))
    }

    /// ※③については、第7次総合計画の実施計画にて、H31の目標値を9,500件と設定。
    private func note(_ text: String, line: Int, era: JapaneseEra?) throws -> IndicatorNote {
        let numbers = text.compactMap(Indicator.number(fromMarker:))
        var note = IndicatorNote(text: text, indicators: numbers)
        let s = JapaneseText.normalized(text)
        if let r = s.range(of: "の目標値を") {
            let before = s[..<r.lowerBound]
            let yearText = String(before.reversed().prefix { !"、,。 ".contains($0) }.reversed())
            let after = s[r.upperBound...]
            let valueEnd = after.range(of: "と設定") ?? after.range(of: "とする")
            if let valueEnd, let y = try? FiscalYear.parse(yearText, era: era),
                let (figure, unit) = SheetText.figureWithUnit(String(after[..<valueEnd.lowerBound]))
            {
                note.target = YearFigure(year: y, figure: figure)
                note.targetUnit = unit
            } else {
                throw SheetText.lineError(line, "注記の目標値を読めません", "cannot read the target the note sets")
            }
        }
        return note
    }

    private func progressEntry(_ c: [String], line: Int, year: (String, Int) throws -> FiscalYear) throws -> ProgressEntry {
        guard c.count >= 4, c.count == 4 || c[4...].allSatisfy(\.isEmpty) else {
            throw SheetText.lineError(line, "取組内容は「実施項目・年度・状況・取組内容等」の4欄です", "a progress row has four cells")
        }
        let label = SheetText.compact(c[1])
        let yearPart = String(label.prefix { $0.isLetter && $0.isASCII || $0.isNumber || "元年度平成令和".contains($0) })
        let rest = String(label.dropFirst(yearPart.count))
        let y = try year(yearPart, line)
        let kind: ProgressEntryKind
        switch rest {
        case "取組実績", "実績": kind = .result
        case "取組予定", "予定": kind = .plan
        case "取組実績(3月末時点)", "実績(3月末時点)": kind = .resultAtMarchEnd
        case "評価": kind = .evaluation
        default:
            throw SheetText.lineError(line, "「\(c[1])」は取組実績・取組予定・評価のどれでもありません", "\(c[1]) is not a result, plan or evaluation")
        }
        var entry = ProgressEntry(year: y, kind: kind, text: c[3])
        if kind == .evaluation {
            entry.grade = try SheetText.at(line) { try scale.read(c[2]) }
        } else if !c[2].isEmpty {
            guard let mark = ScheduleMark(c[2]) else {
                throw SheetText.lineError(line, "状況「\(c[2])」はスケジュールの区分ではありません", "the status \(c[2]) is not a schedule step")
            }
            entry.status = mark
        }
        return entry
    }
}
