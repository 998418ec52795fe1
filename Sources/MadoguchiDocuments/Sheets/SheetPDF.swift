import Foundation
import MadoguchiDomain

/// The evaluation sheet as a PDF written straight by the certificates' writer (`DirectCanvas`: fonts embedded as
/// subsets, so pdftotext reads the text back; PDF/A-2b), its charts drawn as vectors from the page's own SVG. A4
/// portrait, tables flowing over pages with their heads repeated.
public enum SheetPDF {
    public static func render(_ sheet: EvaluationSheet, options: SheetHTML.Options = .init()) throws -> [UInt8] {
        let flow = Flow(canvas: try DirectCanvas(title: "\(sheet.code) \(sheet.title)"))
        try SheetPDFLayout(sheet: sheet, options: options, flow: flow).draw()
        return try flow.finish()
    }
}

/// A table cell: text, whether it is a head cell, how many columns it spans.
struct PDFCell {
    var text: String
    var head = false
    var span = 1
    var align: PDFCanvas.Align = .left

    static func h(_ text: String, span: Int = 1) -> PDFCell { PDFCell(text: text, head: true, span: span) }
    static func t(_ text: String, span: Int = 1) -> PDFCell { PDFCell(text: text, span: span) }
    static func n(_ text: String) -> PDFCell { PDFCell(text: text, align: .right) }
    static func c(_ text: String) -> PDFCell { PDFCell(text: text, align: .center) }
}

/// Top-to-bottom drawing with page breaks.
final class Flow {
    let canvas: DirectCanvas
    let left = 36.0, top = 40.0, bottom = PDFCanvas.height - 40
    var width: Double { PDFCanvas.width - 2 * left }
    var y: Double
    var page = 1
    let size = 8.0

    init(canvas: DirectCanvas) {
        self.canvas = canvas
        y = top
    }

    func finish() throws -> [UInt8] {
        footer()
        return try canvas.finish()
    }

    func footer() {
        canvas.text("- \(page) -", x: left, y: PDFCanvas.height - 28, size: 7, width: width, align: .center)
    }

    func newPage() {
        footer()
        canvas.newPage()
        page += 1
        y = top
    }

    func ensure(_ height: Double) {
        if y + height > bottom { newPage() }
    }

    func title(_ text: String) {
        y += canvas.text(text, x: left, y: y, size: 14, font: .gothic, width: width, align: .center, bold: true) + 6
    }

    func heading(_ text: String) {
        ensure(40)
        y += 6
        y += canvas.text(text, x: left, y: y, size: 10, font: .gothic, width: width, bold: true) + 1
        canvas.line(left, y, left + width, y, lineWidth: 1)
        y += 4
    }

    func paragraph(_ text: String, size: Double? = nil) {
        let s = size ?? self.size
        let h = canvas.measure(text, size: s, width: width)
        ensure(h)
        y += canvas.text(text, x: left, y: y, size: s, width: width) + 2
    }

    /// A table with relative column widths; `repeatHead` rows are drawn again at the top of a new page.
    func table(_ rows: [[PDFCell]], widths: [Double], repeatHead: Int = 0) {
        let total = widths.reduce(0, +)
        let columns = widths.map { $0 / total * width }
        let pad = 2.5
        func height(_ row: [PDFCell]) -> Double {
            var col = 0
            var h = 0.0
            for cell in row {
                let w = columns[col..<min(columns.count, col + cell.span)].reduce(0, +)
                h = max(h, canvas.measure(cell.text, size: size, width: w - 2 * pad))
                col += cell.span
            }
            return h + 2 * pad
        }
        func draw(_ row: [PDFCell], _ h: Double) {
            var x = left
            var col = 0
            for cell in row {
                let w = columns[col..<min(columns.count, col + cell.span)].reduce(0, +)
                if cell.head { canvas.fill(x, y, w, h, gray: 0.92) }
                canvas.rect(x, y, w, h, lineWidth: 0.5)
                canvas.text(cell.text, x: x + pad, y: y + pad, size: size, font: cell.head ? .gothic : .mincho, width: w - 2 * pad,
                            align: cell.align)
                x += w
                col += cell.span
            }
            y += h
        }
        for (i, row) in rows.enumerated() {
            let h = height(row)
            if y + h > bottom {
                newPage()
                if i >= repeatHead { for head in rows.prefix(repeatHead) { draw(head, height(head)) } }
            }
            draw(row, h)
        }
        y += 4
    }

    func svg(_ text: String, width w: Double, height h: Double) throws {
        ensure(h)
        try canvas.vector(svg: text, x: left, y: y, width: w, height: h)
        y += h + 4
    }
}

/// What goes on the sheet's pages, in the order of its layout (the same sections as ``SheetHTML``).
struct SheetPDFLayout {
    let sheet: EvaluationSheet
    let options: SheetHTML.Options
    let flow: Flow

    func draw() throws {
        switch sheet.layout {
        case .program:
            flow.title(sheet.layout.japanese)
            var rows = sheet.path.map { [PDFCell.h($0.level == .program ? "プログラム名" : $0.level.japanese), .c($0.number ?? ""), .t($0.title)] }
            rows.append([.h("所管課"), .t(sheet.responsibleDivisions.joined(separator: "、"), span: 2)])
            if !sheet.relatedDivisions.isEmpty { rows.append([.h("関係課"), .t(sheet.relatedDivisions.joined(separator: "、"), span: 2)]) }
            flow.table(rows, widths: [1.2, 0.4, 8])
            if let s = sheet.narrative(.summary) {
                flow.heading("【 実施概要 】")
                s.paragraphs.forEach { flow.paragraph($0) }
            }
            schedule()
            flow.heading("【 成果 】")
            if let effects = sheet.narrative(.effects) { flow.table([[.h("効果"), .t(effects.paragraphs.joined(separator: "\n"))]], widths: [1, 9]) }
            indicatorGrid()
            sheet.indicatorNotes.forEach { flow.paragraph($0.text, size: 7.5) }
            try charts()
            progress()
            try measureSections(indicators: false)
            legend()
        case .measure:
            flow.title(sheet.formTitle ?? sheet.layout.japanese)
            if let y = sheet.evaluationYear { flow.paragraph("評価年度\(y.startYear)年度") }
            flow.heading("<基本情報>")
            func node(_ level: PlanLevel) -> PlanNode? { sheet.path.first { $0.level == level } }
            let m = node(.measure)
            flow.table([
                [.h("施策課題"), .t(m?.code ?? ""), .t(m?.title ?? ""), .h("作成課"), .t(sheet.responsibleDivisions.joined(separator: "、"))],
                [.h("基本政策"), .t(node(.basicPolicy)?.title ?? "", span: 2), .h("政策の基本方向"), .t(node(.policyDirection)?.title ?? "")],
                [.h("基本施策"), .t(node(.basicMeasure)?.title ?? "", span: 4)],
                [.h("関係課"), .t(sheet.relatedDivisions.joined(separator: "、"), span: 2), .h("重点"), .t(sheet.priority ?? "")],
            ], widths: [1.2, 1.1, 3.5, 1.3, 2.6])
            try measureSections(indicators: true)
            schedule()
            progress()
        }
    }

    func schedule() {
        guard !sheet.items.isEmpty, !sheet.scheduleYears.isEmpty else { return }
        flow.heading("【 実施項目 と スケジュール 】")
        let span = sheet.scheduleYears.count
        var rows: [[PDFCell]] = [[.h("実施項目")] + sheet.scheduleYears.map { .h(SheetHTML.yearHead($0, sheet)) }]
        func cells(_ row: ScheduleRow) -> [PDFCell] { row.cells.map { .c($0?.description ?? "") } }
        for item in sheet.items {
            rows.append([.t(item.title)] + cells(item.schedule.original))
            for r in item.schedule.revisions {
                rows.append([.h("【\(r.changedIn.eraYear)年度変更】")] + cells(r.row))
                rows.append([.h("上記変更理由"), .t(r.reason, span: span)])
            }
        }
        flow.table(rows, widths: [3.2] + Array(repeating: 1, count: span), repeatHead: 1)
    }

    func value(_ f: SheetFigure?, _ unit: String?) -> String { SheetFormat.value(f, unit: unit) }

    func status(_ i: Indicator) -> String {
        guard let s = i.status(thresholds: options.thresholds) else { return "-" }
        return "\(s.progress.japanese)\n\(s.achievementPercent)%"
    }

    func liveLine(_ i: Indicator) -> String {
        guard let r = options.live[i.number], let last = r.values.last else { return "" }
        return "\n自動集計: \(last.year.eraShort) \(last.value.text)\(r.source.unit)（\(r.source.japanese)、\(r.asOf)時点）"
    }

    func indicatorGrid() {
        guard !sheet.indicators.isEmpty else { return }
        let (years, baseline, target) = SheetFormat.indicatorColumns(sheet)
        let b = baseline.map { "(\($0.eraShort))" } ?? ""
        let t = target.map { "(\($0.eraShort))" } ?? ""
        var rows: [[PDFCell]] = [[.h("指標"), .h("基準値\(b)")] + years.map { .h($0.eraShort) } + [.h("目標値\(t)"), .h("状況")]]
        for i in sheet.indicators {
            var row: [PDFCell] = [.t(i.marker + i.name + liveLine(i)), .n(value(i.baseline?.figure, i.unit))]
            for y in years {
                let e = i.years.first { $0.year == y }
                var text = value(e?.actual, i.unit)
                if let p = e?.plan { text += "\n計画 \(value(p, i.unit))" }
                row.append(.n(text))
            }
            row += [.n(value(i.target?.figure, i.unit)), .c(status(i))]
            rows.append(row)
        }
        flow.table(rows, widths: [4.5, 1.1] + Array(repeating: 0.9, count: years.count) + [1.1, 1], repeatHead: 1)
    }

    func charts() throws {
        guard options.charts else { return }
        for i in sheet.indicators {
            if let svg = SheetChart.svg(i, live: SheetFormat.liveSeries(options.live[i.number])) {
                flow.paragraph(i.marker + i.name, size: 7.5)
                try flow.svg(svg, width: 336, height: 176)
            }
        }
    }

    func progress() {
        guard sheet.items.contains(where: { !$0.progress.isEmpty }) else { return }
        flow.heading("【 取組内容等 】")
        var rows: [[PDFCell]] = [[.h("実施項目"), .h("年度"), .h("状況"), .h("取組内容等")]]
        for item in sheet.items {
            for (k, entry) in item.progress.enumerated() {
                let status = entry.grade?.description ?? entry.status?.description ?? ""
                rows.append([.t(k == 0 ? item.title : ""), .t("\(entry.year.eraShort) \(entry.kind.japanese)"), .c(status), .t(entry.text)])
            }
        }
        flow.table(rows, widths: [2.2, 1.6, 0.8, 6.4], repeatHead: 1)
    }

    func legend() {
        flow.paragraph("評価区分　" + SheetFormat.legendParts(sheet.gradeScale).joined(separator: "　"), size: 7.5)
    }

    func measureSections(indicators: Bool) throws {
        let planKinds: [NarrativeKind] = [.issues, .overview, .goals]
        if planKinds.contains(where: { sheet.narrative($0) != nil }) {
            let period = SheetFormat.periodPrefix(sheet.period)
            flow.heading("<\(period)施策の概要及び施策の目標>")
            flow.table(planKinds.compactMap { k in sheet.narrative(k).map { [.h($0.heading), .t($0.paragraphs.joined(separator: "\n"))] } },
                       widths: [1.6, 8.4])
        }
        if [.results, .remainingIssues, .evaluationReason].contains(where: { sheet.narrative($0) != nil }) || !sheet.grades.isEmpty {
            flow.heading("<成果の説明>")
            var rows: [[PDFCell]] = [NarrativeKind.results, .remainingIssues].compactMap { k in
                sheet.narrative(k).map { [.h($0.heading), .t($0.paragraphs.joined(separator: "\n"), span: 2)] }
            }
            let grades = sheet.grades.map { "\($0.year.startYear)  \($0.grade)" }.joined(separator: "\n")
            rows.append([.h(NarrativeKind.evaluationReason.japanese), .c(grades),
                         .t(sheet.narrative(.evaluationReason)?.paragraphs.joined(separator: "\n") ?? "")])
            flow.table(rows, widths: [1.6, 1.2, 7.2])
            legend()
        }
        if let d = sheet.narrative(.direction) {
            flow.heading("<今後の取組や方向性及び改善に向けた考え方>")
            flow.table([[.h(d.heading), .t(d.paragraphs.joined(separator: "\n"))]], widths: [2.2, 7.8])
        }
        if indicators && !sheet.indicators.isEmpty {
            flow.heading("<参考指標>")
            for i in sheet.indicators {
                var rows: [[PDFCell]] = [[.h("参考指標名\(i.marker)"), .t(i.name + liveLine(i), span: 4)]]
                if let x = i.explanation { rows.append([.h("指標の説明\(i.marker)"), .t(x, span: 4)]) }
                if let d = i.direction { rows.append([.h("指標の方向性\(i.marker)"), .t(d.japanese, span: 4)]) }
                rows.append([.h("年度"), .h("計画値"), .h("実績値"), .h("単位"), .h("状況")])
                for (k, y) in i.years.enumerated() {
                    let any = y.plan != nil || y.actual != nil
                    rows.append([.c(String(y.year.startYear)), .n(value(y.plan, nil)), .n(value(y.actual, nil)), .c(any ? i.unit ?? "" : ""),
                                 .c(k == 0 ? status(i).replacingOccurrences(of: "\n", with: " ") : "")])
                }
                flow.table(rows, widths: [1.6, 1.2, 1.2, 0.8, 1.6])
            }
            sheet.indicatorNotes.forEach { flow.paragraph($0.text, size: 7.5) }
            try charts()
        }
        if let budget = sheet.budget {
            flow.heading("<事業費>")
            flow.paragraph("(単位:千円)", size: 7.5)
            let count = budget.years.reduce(0) { $0 + $1.amounts.count }
            let rows: [[PDFCell]] = [
                [.h("年度")] + budget.years.map { .h($0.year.gregorianWithEra, span: $0.amounts.count) },
                [.h("")] + budget.years.flatMap { $0.amounts.map { .h($0.kind.japanese) } },
                [.h(budget.label)] + budget.years.flatMap { $0.amounts.map { .n(SheetFormat.amount($0.thousandYen)) } },
            ]
            flow.table(rows, widths: [1.6] + Array(repeating: 1, count: count))
        }
        if sheet.layout == .measure || !sheet.subProjects.isEmpty {
            flow.heading("<配下の事務事業一覧>")
            flow.table([[.h("事務事業名"), .h("\(sheet.period?.name ?? "計画")期間の達成状況")]]
                + sheet.subProjects.map { [.t($0.name), .t($0.achievement ?? "")] }, widths: [6, 4])
        }
        if sheet.layout == .measure || !sheet.glossary.isEmpty {
            flow.heading("<用語説明>")
            if sheet.glossary.isEmpty { flow.paragraph("（なし）") }
            for g in sheet.glossary { flow.paragraph("\(g.term)：\(g.explanation)") }
        }
    }
}
