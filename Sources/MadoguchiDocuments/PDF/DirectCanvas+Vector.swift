import Foundation

/// Charts drawn as vectors: the SVG `SheetChart` writes for the web page, read element by element and drawn with PDF
/// path and text operators, so the PDF shows the page's chart exactly, its labels are text (found by search and read
/// by a screen reader), and nothing is rasterised. It reads the subset of SVG our charts use (rect, line, polyline,
/// circle, path with M/L/l/Z, text; fill, stroke, stroke-width, stroke-dasharray, font-size, text-anchor) and refuses
/// anything else, rather than leave part of a chart out.
extension DirectCanvas {
    struct VectorError: Error, CustomStringConvertible {
        let description: String
    }

    /// Draws `svg` fitted into the box (its aspect ratio kept) with its top-left at (x, y).
    func vector(svg: String, x: Double, y: Double, width: Double, height: Double) throws {
        guard let root = svg.range(of: "<svg"), let rootEnd = svg[root.upperBound...].firstIndex(of: ">") else {
            throw DocumentError.rendering("not an SVG")
        }
        let rootAttributes = Self.attributes(svg[root.upperBound..<rootEnd])
        guard let w = rootAttributes["width"].flatMap(Double.init), let h = rootAttributes["height"].flatMap(Double.init), w > 0, h > 0 else {
            throw DocumentError.rendering("an SVG without a width and height")
        }
        let scale = min(width / w, height / h)
        page.op("q")
        page.numbers(scale, 0, 0, scale, x, y)
        page.op("cm")
        defer {
            page.op("Q")
            color(0, 0, 0)
        }
        var groupFontSize = 16.0
        var cursor = svg.index(after: rootEnd)
        while let open = svg[cursor...].firstIndex(of: "<") {
            guard let close = svg[open...].firstIndex(of: ">") else { throw DocumentError.rendering("an unclosed SVG tag") }
            let tag = svg[svg.index(after: open)..<close]
            cursor = svg.index(after: close)
            let name = String(tag.prefix { $0.isLetter })
            let attributes = Self.attributes(tag.dropFirst(name.count))
            switch name {
            case "", "title", "desc":
                if name == "title" || name == "desc", let end = svg[cursor...].range(of: "</\(name)>") { cursor = end.upperBound }
            case "g":
                if let size = attributes["font-size"].flatMap(Double.init) { groupFontSize = size }
            case "rect":
                let (rx, ry, rw, rh) = (try Self.number(attributes, "x"), try Self.number(attributes, "y"), try Self.number(attributes, "width"),
                                        try Self.number(attributes, "height"))
                try paint(attributes) { self.page.numbers(rx, ry, rw, rh); self.page.op("re") }
            case "line":
                let points = [(try Self.number(attributes, "x1"), try Self.number(attributes, "y1")), (try Self.number(attributes, "x2"), try Self.number(attributes, "y2"))]
                try paint(attributes) { self.polyline(points) }
            case "polyline":
                let numbers = (attributes["points"] ?? "").split(whereSeparator: { $0 == " " || $0 == "," }).compactMap { Double($0) }
                guard numbers.count >= 4, numbers.count % 2 == 0 else { throw DocumentError.rendering("a polyline of \(numbers.count) numbers") }
                let points = stride(from: 0, to: numbers.count, by: 2).map { (numbers[$0], numbers[$0 + 1]) }
                try paint(attributes) { self.polyline(points) }
            case "circle":
                let (cx, cy, r) = (try Self.number(attributes, "cx"), try Self.number(attributes, "cy"), try Self.number(attributes, "r"))
                try paint(attributes) { self.circle(cx, cy, r) }
            case "path":
                let commands = try Self.path(attributes["d"] ?? "")
                try paint(attributes) {
                    for command in commands {
                        switch command {
                        case .move(let px, let py): self.page.numbers(px, py); self.page.op("m")
                        case .line(let px, let py): self.page.numbers(px, py); self.page.op("l")
                        case .close: self.page.op("h")
                        }
                    }
                }
            case "text":
                guard let end = svg[cursor...].range(of: "</text>") else { throw DocumentError.rendering("an unclosed text") }
                let content = HTMLText.unescape(String(svg[cursor..<end.lowerBound]))
                cursor = end.upperBound
                let size = attributes["font-size"].flatMap(Double.init) ?? groupFontSize
                let l = layout(content, size: size, font: .gothic, width: nil)
                let lineWidth = l.lines.first?.width ?? 0
                var left = try Self.number(attributes, "x")
                switch attributes["text-anchor"] {
                case "middle": left -= lineWidth / 2
                case "end": left -= lineWidth
                default: break
                }
                let (r, g, b) = try Self.rgb(attributes["fill"] ?? "#000")
                page.numbers(r, g, b)
                page.op("rg")
                show(l, x: left, y: try Self.number(attributes, "y") - l.ascent, size: size, width: nil, align: .left, bold: false)
            case "svg":
                break
            default:
                throw DocumentError.rendering("an SVG element this chart drawing does not read: <\(name)>")
            }
        }
    }

    /// Builds a shape with `shape`, then fills and strokes it as its attributes say (SVG's default fill is black).
    private func paint(_ attributes: [String: String], shape: () -> Void) throws {
        let fill = attributes["fill"] ?? "#000"
        let stroke = attributes["stroke"] ?? "none"
        if fill != "none" {
            let (r, g, b) = try Self.rgb(fill)
            page.numbers(r, g, b)
            page.op("rg")
        }
        if stroke != "none" {
            let (r, g, b) = try Self.rgb(stroke)
            page.numbers(r, g, b)
            page.op("RG")
            page.number(attributes["stroke-width"].flatMap(Double.init) ?? 1)
            page.op("w")
            if let dash = attributes["stroke-dasharray"] {
                page.raw("[" + dash.split(whereSeparator: { $0 == " " || $0 == "," }).joined(separator: " ") + "] 0 d\n")
            }
        }
        shape()
        switch (fill != "none", stroke != "none") {
        case (true, true): page.op("B")
        case (true, false): page.op("f")
        case (false, true): page.op("S")
        case (false, false): page.op("n")
        }
        if attributes["stroke-dasharray"] != nil { page.op("[] 0 d") }
    }

    private func polyline(_ points: [(Double, Double)]) {
        for (i, p) in points.enumerated() {
            page.numbers(p.0, p.1)
            if i == 0 { page.op("m") } else { page.op("l") }
        }
    }

    private func circle(_ cx: Double, _ cy: Double, _ r: Double) {
        page.circle(cx, cy, r)
        page.op("h")
    }

    enum PathCommand: Equatable {
        case move(Double, Double), line(Double, Double), close
    }

    /// `M x,y L x,y l dx,dy … Z`: the path commands our charts write (absolute and relative moves and lines).
    static func path(_ d: String) throws -> [PathCommand] {
        var commands: [PathCommand] = []
        var numbers: [Double] = []
        var command: Character?
        var pen = (0.0, 0.0)
        func flush() throws {
            guard let c = command else { return }
            if c == "Z" || c == "z" {
                commands.append(.close)
            } else {
                guard !numbers.isEmpty, numbers.count % 2 == 0 else { throw DocumentError.rendering("a path command \(c) with \(numbers.count) numbers") }
                for i in stride(from: 0, to: numbers.count, by: 2) {
                    let relative = c.isLowercase
                    pen = relative ? (pen.0 + numbers[i], pen.1 + numbers[i + 1]) : (numbers[i], numbers[i + 1])
                    let first = i == 0 && (c == "M" || c == "m")
                    commands.append(first ? .move(pen.0, pen.1) : .line(pen.0, pen.1))
                }
            }
            numbers = []
        }
        var token = ""
        for ch in d + " " {
            if "MmLlZz".contains(ch) {
                if let n = Double(token) { numbers.append(n) }
                token = ""
                try flush()
                command = ch
            } else if ch == "," || ch == " " || (ch == "-" && !token.isEmpty) {
                if let n = Double(token) { numbers.append(n) }
                token = ch == "-" ? "-" : ""
            } else if ch.isNumber || ch == "." || ch == "-" {
                token.append(ch)
            } else {
                throw DocumentError.rendering("a path command this chart drawing does not read: \(ch)")
            }
        }
        if let n = Double(token) { numbers.append(n) }
        try flush()
        return commands
    }

    static func attributes(_ text: Substring) -> [String: String] {
        var found: [String: String] = [:]
        var rest = text[...]
        while let eq = rest.firstIndex(of: "=") {
            let name = rest[..<eq].trimmingCharacters(in: .whitespacesAndNewlines)
            let afterEq = rest.index(after: eq)
            guard afterEq < rest.endIndex, rest[afterEq] == "\"", let end = rest[rest.index(after: afterEq)...].firstIndex(of: "\"") else { break }
            found[name] = String(rest[rest.index(after: afterEq)..<end])
            rest = rest[rest.index(after: end)...]
        }
        return found
    }

    static func number(_ attributes: [String: String], _ name: String) throws -> Double {
        guard let value = attributes[name].flatMap(Double.init) else { throw DocumentError.rendering("an SVG element without its \(name)") }
        return value
    }

    /// `#rrggbb` or `#rgb` as PDF's 0…1 components.
    static func rgb(_ text: String) throws -> (Double, Double, Double) {
        var hex = Array(text.dropFirst())
        if hex.count == 3 { hex = hex.flatMap { [$0, $0] } }
        guard text.first == "#", hex.count == 6, let v = Int(String(hex), radix: 16) else {
            throw DocumentError.rendering("a colour this chart drawing does not read: \(text)")
        }
        return (Double(v >> 16) / 255, Double(v >> 8 & 0xFF) / 255, Double(v & 0xFF) / 255)
    }
}
