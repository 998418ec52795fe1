import Foundation
import Mustache

/// An option of a select (or a choice of a list): its value, its text, and whether it is the one chosen. Pages list many
/// (the finder's 町丁目, the editor's selects), so it answers a template by name rather than by reflection.
struct PageOption: MustacheParent {
    let value: String
    let text: String
    var selected = false

    func child(named name: String) -> Any? {
        switch name {
        case "value": value
        case "text": text
        case "selected": selected
        default: nil
        }
    }
}

/// A table of figures (`table.mustache`): a caption, the column heads, and rows headed by a label.
struct FigureTable {
    struct Cell {
        let text: String
        /// A class for the cell (e.g. `gain`), or nil
        let className: String?

        init(_ text: String, className: String? = nil) {
            self.text = text
            self.className = className
        }
    }

    struct Row {
        let label: String
        let cells: [Cell]

        init(_ label: String, _ cells: [String]) {
            self.label = label
            self.cells = cells.map { Cell($0) }
        }

        init(_ label: String, cells: [Cell]) {
            self.label = label
            self.cells = cells
        }
    }

    /// The table's class in the page's style sheet
    let tableClass: String
    let caption: String
    let head: [String]
    let rows: [Row]
    /// The box that lets it scroll sideways on a phone (markup of the frame's `scroll` view)
    let box: String

    init(_ tableClass: String, caption: String, head: [String], rows: [Row]) {
        self.tableClass = tableClass
        self.caption = caption
        self.head = head
        self.rows = rows
        box = HTML.scroll(caption)
    }
}

/// A bar chart of values by label (`chart.mustache`): SVG with each bar's figure in its title, labelled for screen
/// readers, in a figure with its caption.
struct BarChart {
    struct Bar {
        let x: String
        let y: String
        let width: String
        let height: String
        let labelX: String
        let title: String
        let label: String
    }

    let title: String
    let caption: String
    let width: Int
    let height: Int
    let left: String
    let right: String
    let axisY: String
    let tickX: String
    let maxY: String
    let maxText: String
    let labelY: String
    let bars: [Bar]

    init(title: String, caption: String, labels: [String], values: [Double], unit: String, width: Int = 640, height: Int = 220) {
        func q(_ v: Double) -> String { String(format: "%.1f", v) }
        let left = 48.0, bottom = 28.0, top = 12.0
        let plotW = Double(width) - left - 8, plotH = Double(height) - top - bottom
        let maxValue = max(values.max() ?? 0, 1)
        let slot = plotW / Double(max(values.count, 1))
        self.title = title
        self.caption = caption
        self.width = width
        self.height = height
        self.left = q(left)
        right = q(Double(width) - 8)
        axisY = q(top + plotH)
        tickX = q(left - 6)
        maxY = q(top + 8)
        maxText = Self.figure(maxValue)
        labelY = q(Double(height) - 10)
        bars = zip(labels, values).enumerated().map { i, bar in
            let (label, value) = bar
            let h = plotH * value / maxValue, x = left + Double(i) * slot
            return Bar(
                x: q(x + slot * 0.15), y: q(top + plotH - h), width: q(slot * 0.7), height: q(h), labelX: q(x + slot / 2),
                title: "\(label): \(Self.figure(value))\(unit)", label: label)
        }
    }

    /// A figure with one decimal, or a dash for none.
    static func figure(_ x: Double?) -> String { x.map { String(format: "%.1f", $0) } ?? "—" }
}
