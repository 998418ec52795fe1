import Foundation
import MadoguchiDomain

/// Trend charts: 計画 vs 実績 per indicator as SVG, with the baseline and target marked.
/// Deterministic (fixed sizes and number formats) so pages can be snapshot-tested.
public enum SheetChart {
    struct Point {
        var x: Int  // fiscal year
        var y: Double
        var label: String
    }

    /// The chart of one indicator, or `nil` when it has no number to draw.
    public static func svg(_ indicator: Indicator, width: Int = 420, height: Int = 220, live: [FiscalYear: SheetNumber] = [:]) -> String? {
        let plan = indicator.years.compactMap { y in y.plan?.number.map { Point(x: y.year.startYear, y: $0.double, label: $0.text) } }
        var actual = indicator.years.compactMap { y in y.actual?.number.map { Point(x: y.year.startYear, y: $0.double, label: $0.text) } }
        for (year, value) in live where !actual.contains(where: { $0.x == year.startYear }) {
            actual.append(Point(x: year.startYear, y: value.double, label: value.text))
        }
        actual.sort { $0.x < $1.x }
        var baseline: Point?
        if let b = indicator.baseline, let y = b.year, let n = b.figure?.number { baseline = Point(x: y.startYear, y: n.double, label: n.text) }
        var target: Point?
        if let t = indicator.target, let y = t.year, let n = t.figure?.number { target = Point(x: y.startYear, y: n.double, label: n.text) }
        let all = plan + actual + [baseline, target].compactMap { $0 }
        guard !all.isEmpty else { return nil }
        let years = Set(indicator.years.map(\.year.startYear) + all.map(\.x))
        let minX = years.min()!, maxX = years.max()!
        let step = niceCeiling(max(all.map(\.y).max()! * 1.1, 0.0001) / 4)
        let ticks = max(1, Int((all.map(\.y).max()! * 1.1 / step).rounded(.up)))
        let maxY = step * Double(ticks)
        let left = 44.0, right = 16.0, top = 28.0, bottom = 36.0
        let plotW = Double(width) - left - right, plotH = Double(height) - top - bottom
        func px(_ x: Int) -> Double { maxX == minX ? left + plotW / 2 : left + plotW * Double(x - minX) / Double(maxX - minX) }
        func py(_ y: Double) -> Double { top + plotH * (1 - (maxY == 0 ? 0 : y / maxY)) }
        func f(_ v: Double) -> String { String(format: "%.1f", v) }
        let unit = HTMLText.escape(indicator.unit ?? "")
        let title = HTMLText.escape("\(indicator.marker)\(indicator.name)")
        var s = """
            <svg xmlns="http://www.w3.org/2000/svg" class="trend" font-family="IPAexGothic, sans-serif" width="\(width)" height="\(height)" viewBox="0 0 \(width) \(height)" role="img" aria-label="\(title)の計画と実績">
            <title>\(title)</title>
            <rect x="\(f(left))" y="\(f(top))" width="\(f(plotW))" height="\(f(plotH))" fill="#fff" stroke="#999" stroke-width="0.5"/>

            """
        for i in 0...ticks {
            let v = step * Double(i)
            let y = py(v)
            s += "<line x1=\"\(f(left))\" y1=\"\(f(y))\" x2=\"\(f(left + plotW))\" y2=\"\(f(y))\" stroke=\"#ddd\" stroke-width=\"0.5\"/>"
            s += "<text x=\"\(f(left - 4))\" y=\"\(f(y + 3))\" font-size=\"9\" text-anchor=\"end\">\(axis(v))\(unit)</text>\n"
        }
        for x in years.sorted() {
            let label = FiscalYear(x).eraShort
            s += "<text x=\"\(f(px(x)))\" y=\"\(f(top + plotH + 14))\" font-size=\"9\" text-anchor=\"middle\">\(label)</text>\n"
        }
        func polyline(_ points: [Point], _ cls: String, _ color: String, dash: Bool) -> String {
            guard !points.isEmpty else { return "" }
            let coordinates = points.map { "\(f(px($0.x))),\(f(py($0.y)))" }.joined(separator: " ")
            var out = points.count > 1
                ? "<polyline class=\"\(cls)\" points=\"\(coordinates)\" fill=\"none\" stroke=\"\(color)\" stroke-width=\"2\"\(dash ? " stroke-dasharray=\"5 3\"" : "")/>\n"
                : ""
            for p in points {
                out += "<circle class=\"\(cls)\" cx=\"\(f(px(p.x)))\" cy=\"\(f(py(p.y)))\" r=\"3\" fill=\"\(color)\"><title>\(FiscalYear(p.x).gregorianWithEra) \(cls == "plan" ? "計画" : "実績") \(p.label)\(unit)</title></circle>"
                out += "<text x=\"\(f(px(p.x)))\" y=\"\(f(py(p.y) - 6))\" font-size=\"9\" text-anchor=\"middle\" fill=\"\(color)\">\(p.label)</text>\n"
            }
            return out
        }
        s += polyline(plan, "plan", "#888", dash: true)
        s += polyline(actual, "actual", "#1a5fb4", dash: false)
        if let b = baseline {
            s += "<rect class=\"baseline\" x=\"\(f(px(b.x) - 3))\" y=\"\(f(py(b.y) - 3))\" width=\"6\" height=\"6\" fill=\"#2a7d2a\"><title>基準値 \(FiscalYear(b.x).gregorianWithEra) \(b.label)\(unit)</title></rect>"
            s += "<text x=\"\(f(px(b.x) + 6))\" y=\"\(f(py(b.y) + 12))\" font-size=\"9\" fill=\"#2a7d2a\">基準 \(b.label)</text>\n"
        }
        if let t = target {
            let (cx, cy) = (px(t.x), py(t.y))
            s += "<path class=\"target\" d=\"M\(f(cx)),\(f(cy - 5)) L\(f(cx + 5)),\(f(cy)) L\(f(cx)),\(f(cy + 5)) L\(f(cx - 5)),\(f(cy)) Z\" fill=\"#c01c28\"><title>目標値 \(FiscalYear(t.x).gregorianWithEra) \(t.label)\(unit)</title></path>"
            s += "<text x=\"\(f(cx - 6))\" y=\"\(f(cy - 8))\" font-size=\"9\" text-anchor=\"end\" fill=\"#c01c28\">目標 \(t.label)</text>\n"
        }
        let ly = Double(height) - 8
        s += """
            <g font-size="9"><line x1="\(f(left))" y1="\(f(ly - 3))" x2="\(f(left + 18))" y2="\(f(ly - 3))" stroke="#888" stroke-width="2" stroke-dasharray="5 3"/><text x="\(f(left + 22))" y="\(f(ly))">計画</text>
            <line x1="\(f(left + 60))" y1="\(f(ly - 3))" x2="\(f(left + 78))" y2="\(f(ly - 3))" stroke="#1a5fb4" stroke-width="2"/><text x="\(f(left + 82))" y="\(f(ly))">実績</text>
            <rect x="\(f(left + 120))" y="\(f(ly - 6))" width="6" height="6" fill="#2a7d2a"/><text x="\(f(left + 130))" y="\(f(ly))">基準値</text>
            <path d="M\(f(left + 183)),\(f(ly - 8)) l5,5 l-5,5 l-5,-5 Z" fill="#c01c28"/><text x="\(f(left + 192))" y="\(f(ly))">目標値</text></g>
            </svg>
            """
        return s
    }

    /// 1, 2, 2.5, 5 × 10^n at or above `v`.
    static func niceCeiling(_ v: Double) -> Double {
        guard v > 0 else { return 1 }
        let magnitude = pow(10, floor(log10(v)))
        for step in [1.0, 2.0, 2.5, 5.0, 10.0] where step * magnitude >= v { return step * magnitude }
        return 10 * magnitude
    }

    static func axis(_ v: Double) -> String {
        v == v.rounded() ? String(Int(v)) : String(format: "%.1f", v)
    }
}
