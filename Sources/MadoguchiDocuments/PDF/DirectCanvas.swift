import CCairo
import CHarfBuzz
import CQREncode
import CRsvg
import Foundation

/// A4 pages written straight to PDF, for certificates and evaluation sheets: text shaped by HarfBuzz (IVS names print
/// as registered), fonts embedded as subsets of just the glyphs used, the 地紋 as two tiling patterns, the QR code as a
/// one-bit image, charts as vectors (`DirectCanvas+Vector.swift`), and the file PDF/A-2b (`Archival`).
///
/// It replaced a cairo + Pango canvas with the same calls, at several times the rate: cairo built every page through
/// its general surface machinery and subset fonts through FreeType; here a page is a few kilobytes of operators, and
/// the fonts are read once per process (BENCHMARKS.md, issue 15).
final class DirectCanvas {
    typealias Font = PDFCanvas.Font
    typealias Align = PDFCanvas.Align

    static let width = PDFCanvas.width
    static let height = PDFCanvas.height

    /// The three fonts, read once per process.
    static let fonts: Result<[Font: FontFile], Error> = Result {
        [.mj: try FontFile(family: Font.mj.rawValue), .mincho: try FontFile(family: Font.mincho.rawValue),
         .gothic: try FontFile(family: Font.gothic.rawValue)]
    }

    /// Fonts to try, in order, for a character the requested font lacks (𠮷 is in IPAmj明朝, not in IPAex明朝).
    static let fallback: [Font: [Font]] = [.mj: [.mincho, .gothic], .mincho: [.mj, .gothic], .gothic: [.mincho, .mj]]

    private let title: String
    private let creator: String
    private let files: [Font: FontFile]
    private var subsets: [Font: FontFile.Subset] = [:]
    private var pages: [ContentStream] = []
    /// The page being drawn (internal for the vector drawing in `DirectCanvas+Vector.swift`)
    var page = ContentStream()
    private var images: [(name: String, dictionary: String, data: [UInt8], mask: [UInt8]?)] = []
    private var usesPatterns = false
    /// Layouts measured and then drawn are shaped once.
    private var layouts: [LayoutKey: Layout] = [:]

    init(title: String, creator: String = "Madoguchi") throws {
        self.title = title
        self.creator = creator
        switch Self.fonts {
        case .success(let files): self.files = files
        case .failure(let error): throw DocumentError.rendering("fonts: \(error)")
        }
        beginPage()
    }

    private func beginPage() {
        page = ContentStream()
        // y grows downwards from the top-left corner, as in the layouts.
        page.numbers(1, 0, 0, -1, 0, Self.height)
        page.op("cm")
    }

    func newPage() {
        pages.append(page)
        beginPage()
    }

    /// Sets the colour for filling and stroking. Opacity is not drawn (nothing on a certificate is translucent), so
    /// there is no `a` parameter to ignore.
    func color(_ r: Double, _ g: Double, _ b: Double) {
        page.numbers(r, g, b)
        page.op("rg")
        page.numbers(r, g, b)
        page.op("RG")
    }

    func rect(_ x: Double, _ y: Double, _ w: Double, _ h: Double, lineWidth: Double = 0.6) {
        page.number(lineWidth)
        page.op("w")
        page.numbers(x, y, w, h)
        page.op("re S")
    }

    func fill(_ x: Double, _ y: Double, _ w: Double, _ h: Double, gray: Double) {
        page.number(gray)
        page.op("g")
        page.numbers(x, y, w, h)
        page.op("re f")
        color(0, 0, 0)
    }

    func line(_ x1: Double, _ y1: Double, _ x2: Double, _ y2: Double, lineWidth: Double = 0.6) {
        page.number(lineWidth)
        page.op("w")
        page.numbers(x1, y1)
        page.op("m")
        page.numbers(x2, y2)
        page.op("l S")
    }

    // MARK: - Text

    /// A run of one font's glyphs on a line.
    struct Run {
        var font: Font
        var glyphs: [UInt16] = []
        /// Extra advance before each glyph, in thousandths of the size (HarfBuzz's advance against the width table)
        var adjustments: [Int] = []
        var width = 0.0
    }

    struct Line {
        var runs: [Run] = []
        var width = 0.0
        /// What the line prints
        var text = ""
    }

    struct Layout {
        var lines: [Line]
        var lineHeight: Double
        var ascent: Double
        var height: Double { Double(lines.count) * lineHeight }
    }

    struct LayoutKey: Hashable {
        var text: String
        var size: Double
        var font: Font
        var width: Double?
    }

    /// One character as shaped: its glyphs in one font, its width in points, and where a line may break.
    private struct Cluster {
        var font: Font
        var glyphs: [(id: UInt32, advance: Int32)]
        var text: Substring
        var width: Double
        var first: Unicode.Scalar
    }

    /// Shapes `text` in `font`, taking each character the font lacks from the fallback fonts.
    private func clusters(_ text: Substring, size: Double, font: Font, tried: Set<Font> = []) -> [Cluster] {
        let file = files[font]!
        let utf8 = Array(text.utf8)  // contiguous for HarfBuzz
        if utf8.isEmpty { return [] }
        let glyphs = utf8.withUnsafeBufferPointer { file.shape($0) }
        let scale = size / Double(file.unitsPerEm)
        // Group glyphs by cluster (byte offsets, increasing left to right).
        var out: [Cluster] = []
        var i = 0
        let starts = glyphs.map { Int($0.cluster) }
        let utf8View = text.utf8
        while i < glyphs.count {
            var j = i
            while j < glyphs.count && glyphs[j].cluster == glyphs[i].cluster { j += 1 }
            let start = starts[i]
            let end = j < glyphs.count ? starts[j] : utf8View.count
            let lower = utf8View.index(utf8View.startIndex, offsetBy: start)
            let upper = utf8View.index(utf8View.startIndex, offsetBy: end)
            let piece = text[lower..<upper]
            let missing = glyphs[i..<j].contains { $0.id == 0 }
            if missing, let next = (Self.fallback[font] ?? []).first(where: { !tried.contains($0) && $0 != font }) {
                out += clusters(piece, size: size, font: next, tried: tried.union([font]))
            } else {
                var width = 0
                let parts = glyphs[i..<j].map { g -> (id: UInt32, advance: Int32) in
                    width += Int(g.advance)
                    return (g.id, g.advance)
                }
                out.append(Cluster(font: font, glyphs: parts, text: piece, width: Double(width) * scale,
                                   first: piece.unicodeScalars.first ?? " "))
            }
            i = j
        }
        return out
    }

    /// Characters a line must not start with, and ones it must not end with (行頭・行末禁則).
    private static let noStart = Set("、。，．,.）)」』】〕〉》・ー：；:;！？!?ぁぃぅぇぉっゃゅょゎァィゥェォッャュョヮヵヶ々〜".unicodeScalars)
    private static let noEnd = Set("（(「『【〔〈《".unicodeScalars)

    private static func isWide(_ s: Unicode.Scalar) -> Bool { s.value >= 0x2E80 }

    /// Lays text out in lines: explicit line breaks, then wrapping at `width` between words or between any two
    /// Japanese characters, with the 禁則 above.
    func layout(_ text: String, size: Double, font: Font, width: Double?) -> Layout {
        let key = LayoutKey(text: text, size: size, font: font, width: width)
        if let known = layouts[key] { return known }
        let file = files[font]!
        let lineHeight = Double(file.ascender - file.descender) / Double(file.unitsPerEm) * size
        let ascent = Double(file.ascender) / Double(file.unitsPerEm) * size
        var lines: [Line] = []
        for paragraph in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let all = clusters(paragraph, size: size, font: font)
            var start = 0
            while true {
                var end = start
                var used = 0.0
                var lastBreak: Int?
                while end < all.count {
                    if end > start && canBreak(all[end - 1], all[end]) { lastBreak = end }
                    if let width, end > start && used + all[end].width > width + 0.01 { break }
                    used += all[end].width
                    end += 1
                }
                if end < all.count {
                    if let lastBreak, lastBreak > start {
                        end = lastBreak
                    } else {
                        // No break the rules allow: break between characters, but not before 。 or ） or after （.
                        while end > start + 1
                            && (Self.noStart.contains(all[end].first) || Self.noEnd.contains(all[end - 1].first)) { end -= 1 }
                    }
                }
                lines.append(line(all[start..<end]))
                start = end
                while start < all.count && all[start].first == " " { start += 1 }
                if start >= all.count { break }
            }
        }
        let result = Layout(lines: lines, lineHeight: lineHeight, ascent: ascent)
        layouts[key] = result
        return result
    }

    private func canBreak(_ before: Cluster, _ after: Cluster) -> Bool {
        if Self.noStart.contains(after.first) || Self.noEnd.contains(before.first) { return false }
        return before.first == " " || Self.isWide(before.first) || Self.isWide(after.first)
    }

    private func line(_ clusters: ArraySlice<Cluster>) -> Line {
        var line = Line()
        var trimmed = clusters
        while let last = trimmed.last, last.first == " " { trimmed.removeLast() }
        for cluster in trimmed {
            let file = files[cluster.font]!
            let subset = subsets[cluster.font] ?? FontFile.Subset(font: file)
            subsets[cluster.font] = subset
            if line.runs.last?.font != cluster.font { line.runs.append(Run(font: cluster.font)) }
            for (k, g) in cluster.glyphs.enumerated() {
                let id = subset.number(Int(g.id), text: k == 0 ? cluster.text : nil)
                line.runs[line.runs.count - 1].glyphs.append(id)
                let extra = Int(g.advance) - file.advance(Int(g.id))
                line.runs[line.runs.count - 1].adjustments.append(extra * 1000 / file.unitsPerEm)
            }
            line.runs[line.runs.count - 1].width += cluster.width
            line.width += cluster.width
            line.text += cluster.text
        }
        return line
    }

    /// Draws text with its top-left at (x, y); returns the height used.
    @discardableResult
    func text(
        _ text: String, x: Double, y: Double, size: Double, font: Font = .mincho, width: Double? = nil,
        align: Align = .left, bold: Bool = false
    ) -> Double {
        let l = layout(text, size: size, font: font, width: width)
        show(l, x: x, y: y, size: size, width: width, align: align, bold: bold)
        return l.height
    }

    /// The height `text` would take.
    func measure(_ text: String, size: Double, font: Font = .mincho, width: Double?) -> Double {
        layout(text, size: size, font: font, width: width).height
    }

    func show(_ l: Layout, x: Double, y: Double, size: Double, width: Double?, align: Align, bold: Bool) {
        page.op("BT")
        if bold {
            // Synthetic bold, as Pango does for a font without a bold face: fill and stroke the outline.
            page.number(size * 0.03)
            page.op("w 2 Tr")
        }
        lines(l, x: x, y: y, size: size, width: width, align: align)
        if bold { page.op("0 Tr") }
        page.op("ET")
    }

    /// The glyphs of a layout, inside a text object.
    private func lines(_ l: Layout, x: Double, y: Double, size: Double, width: Double?, align: Align) {
        for (n, line) in l.lines.enumerated() {
            var pen = x
            if let width {
                switch align {
                case .left: break
                case .center: pen += (width - line.width) / 2
                case .right: pen += width - line.width
                }
            }
            let baseline = y + Double(n) * l.lineHeight + l.ascent
            for run in line.runs {
                page.raw("/F\(Self.resourceIndex(run.font)) ")
                page.number(size)
                page.op("Tf")
                page.numbers(1, 0, 0, -1, pen, baseline)
                page.op("Tm")
                page.bytes.append(UInt8(ascii: "["))
                page.bytes.append(UInt8(ascii: "<"))
                for (i, glyph) in run.glyphs.enumerated() {
                    if i > 0 && run.adjustments[i - 1] != 0 {
                        page.bytes.append(UInt8(ascii: ">"))
                        page.raw(" \(-run.adjustments[i - 1]) ")
                        page.bytes.append(UInt8(ascii: "<"))
                    }
                    page.glyph(glyph)
                }
                page.bytes.append(UInt8(ascii: ">"))
                page.op("] TJ")
                pen += run.width
            }
        }
    }

    private static func resourceIndex(_ font: Font) -> Int {
        switch font {
        case .mj: 1
        case .mincho: 2
        case .gothic: 3
        }
    }

    // MARK: - Images

    /// Draws an SVG (a registered 印影) scaled into a box.
    func svg(_ bytes: [UInt8], x: Double, y: Double, size: Double) throws {
        try svg(bytes, x: x, y: y, width: size, height: size)
    }

    /// Draws an SVG fitted into a box, keeping its aspect ratio: librsvg rasterises it at 600 dpi, and the image
    /// goes in with its transparency as a soft mask, so the 地紋 shows around the ink.
    func svg(_ bytes: [UInt8], x: Double, y: Double, width: Double, height: Double) throws {
        let scale = 600.0 / 72
        let pixelsWide = Int32((width * scale).rounded(.up))
        let pixelsHigh = Int32((height * scale).rounded(.up))
        guard let surface = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, pixelsWide, pixelsHigh) else {
            throw DocumentError.rendering("seal image: no image")
        }
        defer { cairo_surface_destroy(surface) }
        let cr = cairo_create(surface)!
        defer { cairo_destroy(cr) }
        try PDFCanvas.draw(svg: bytes, on: cr, in: RsvgRectangle(x: 0, y: 0, width: Double(pixelsWide), height: Double(pixelsHigh)))
        cairo_surface_flush(surface)
        let stride = Int(cairo_image_surface_get_stride(surface))
        let data = cairo_image_surface_get_data(surface)!
        var rgb = [UInt8]()
        var alpha = [UInt8]()
        rgb.reserveCapacity(Int(pixelsWide * pixelsHigh) * 3)
        alpha.reserveCapacity(Int(pixelsWide * pixelsHigh))
        for row in 0..<Int(pixelsHigh) {
            let line = (data + row * stride).withMemoryRebound(to: UInt32.self, capacity: Int(pixelsWide)) { $0 }
            for column in 0..<Int(pixelsWide) {
                let p = line[column]
                let a = UInt32(p >> 24)
                // cairo's pixels are premultiplied; undo it for the colour channels.
                func channel(_ v: UInt32) -> UInt8 { a == 0 ? 255 : UInt8(min(255, (v * 255 + a / 2) / a)) }
                rgb += [channel(p >> 16 & 0xFF), channel(p >> 8 & 0xFF), channel(p & 0xFF)]
                alpha.append(UInt8(a))
            }
        }
        let name = "Im\(images.count + 1)"
        images.append((name, "/Width \(pixelsWide) /Height \(pixelsHigh) /ColorSpace /DeviceRGB /BitsPerComponent 8", rgb, alpha))
        place(name, x: x, y: y, width: width, height: height)
    }

    private func place(_ image: String, x: Double, y: Double, width: Double, height: Double) {
        page.op("q")
        // An image fills the unit square from its bottom-left corner; the page's y runs downwards.
        page.numbers(width, 0, 0, -height, x, y + height)
        page.op("cm")
        page.raw("/\(image) Do\nQ\n")
    }

    /// A QR code (libqrencode, error correction M) `size` points wide with its quiet zone of four modules, as a
    /// one-bit image drawn without interpolation. At one pixel a module a rasteriser enlarging it makes modules of
    /// two and three pixels side by side at 150 dpi, which zbar misreads (at four, 100 dpi fails; so does a vector
    /// path of the modules). At eight pixels a module, as the cairo page had, a rasteriser shrinks the image and
    /// averages the module edges, and zbar reads it back from 100 to 600 dpi (tested).
    static let qrScale = 8

    func qr(_ text: String, x: Double, y: Double, size: Double) throws {
        guard let code = QRcode_encodeString(text, 0, QR_ECLEVEL_M, QR_MODE_8, 1) else {
            throw DocumentError.rendering("QR code: the text does not fit")
        }
        defer { QRcode_free(code) }
        let width = Int(code.pointee.width)
        let side = (width + 8) * Self.qrScale
        let rowBytes = (side + 7) / 8
        var bits = [UInt8](repeating: 0xFF, count: rowBytes * side)
        bits.withUnsafeMutableBufferPointer { bits in
            for r in 0..<width {
                let top = (r + 4) * Self.qrScale * rowBytes
                for c in 0..<width where code.pointee.data[r * width + c] & 1 == 1 {
                    for column in (c + 4) * Self.qrScale..<(c + 5) * Self.qrScale {
                        bits[top + column / 8] &= ~(0x80 >> UInt8(column % 8))
                    }
                }
                for y in 1..<Self.qrScale {
                    (bits.baseAddress! + top + y * rowBytes).update(from: bits.baseAddress! + top, count: rowBytes)
                }
            }
        }
        let name = "Im\(images.count + 1)"
        images.append((name, "/Width \(side) /Height \(side) /ColorSpace /DeviceGray /BitsPerComponent 1 /Interpolate false",
                       bits, nil))
        place(name, x: x, y: y, width: size, height: size)
    }

    // MARK: - 地紋

    /// The anti-copy background (地紋): equal-tone fields of small and large dots. A copier drops the small dots and
    /// keeps the large ones, so the large-dot words 「複写」 appear on a photocopy. The dots are two tiling patterns;
    /// the words clip the page (text render mode 7) to where the large dots go.
    func copyProtectionBackground() {
        usesPatterns = true
        page.op("q /Pattern cs /P1 scn")
        page.numbers(0, 0, Self.width, Self.height)
        page.op("re f")
        // One text object: its glyphs together are the clip (each text object of its own would narrow it further).
        let words = layout("複写", size: 64, font: .gothic, width: nil)
        page.op("BT 7 Tr")
        for row in 0..<5 {
            for column in 0..<3 {
                lines(words, x: 40 + Double(column) * 190 + Double(row % 2) * 60, y: 60 + Double(row) * 165, size: 64,
                      width: nil, align: .left)
            }
        }
        page.op("ET\n1 g")
        page.numbers(0, 0, Self.width, Self.height)
        page.op("re f\n/Pattern cs /P2 scn")
        page.numbers(0, 0, Self.width, Self.height)
        page.op("re f\nQ")
        color(0, 0, 0)
    }

    /// A tiling pattern of one dot, `spacing` apart, in the 地紋's blue-grey.
    private static func dots(spacing: Double, radius: Double) -> (dictionary: String, content: [UInt8]) {
        var c = ContentStream()
        c.numbers(0.70, 0.78, 0.85)
        c.op("rg")
        c.circle(spacing / 2, spacing / 2, radius)
        c.op("f")
        let s = String(format: "%.2f", spacing)
        return ("/Type /Pattern /PatternType 1 /PaintType 1 /TilingType 1 /BBox [0 0 \(s) \(s)] /XStep \(s) /YStep \(s) /Resources <<>>",
                c.bytes)
    }

    // MARK: - The file

    /// Finishes the document and returns its bytes.
    func finish() throws -> [UInt8] {
        pages.append(page)
        var file = PDFFile()
        let catalog = file.reserve()
        let pageTree = file.reserve()
        let resources = file.reserve()
        let info = file.reserve()
        var fontEntries: [String] = []
        for font in [Font.mj, .mincho, .gothic] {
            guard let subset = subsets[font], !subset.isEmpty else { continue }
            fontEntries.append("/F\(Self.resourceIndex(font)) \(writeFont(subset, into: &file)) 0 R")
        }
        var imageEntries: [String] = []
        for image in images {
            let number = file.reserve()
            var dictionary = "/Type /XObject /Subtype /Image " + image.dictionary
            if let mask = image.mask {
                let maskNumber = file.reserve()
                let size = image.dictionary.components(separatedBy: " /ColorSpace").first ?? ""
                file.stream(maskNumber, dictionary: "/Type /XObject /Subtype /Image \(size) /ColorSpace /DeviceGray /BitsPerComponent 8",
                            data: mask)
                dictionary += " /SMask \(maskNumber) 0 R"
            }
            file.stream(number, dictionary: dictionary, data: image.data)
            imageEntries.append("/\(image.name) \(number) 0 R")
        }
        var patternEntries: [String] = []
        if usesPatterns {
            for (name, spacing, radius) in [("P1", 1.8, 0.32), ("P2", 3.6, 0.64)] {
                let number = file.reserve()
                let pattern = Self.dots(spacing: spacing, radius: radius)
                file.stream(number, dictionary: pattern.dictionary, data: pattern.content, deflate: false)
                patternEntries.append("/\(name) \(number) 0 R")
            }
        }
        var resourceBody = "<</ProcSet [/PDF /Text /ImageB /ImageC]"
        if !fontEntries.isEmpty { resourceBody += " /Font <<\(fontEntries.joined(separator: " "))>>" }
        if !imageEntries.isEmpty { resourceBody += " /XObject <<\(imageEntries.joined(separator: " "))>>" }
        if !patternEntries.isEmpty { resourceBody += " /Pattern <<\(patternEntries.joined(separator: " "))>>" }
        file.object(resources, resourceBody + ">>")
        var kids: [Int] = []
        for content in pages {
            let contents = file.reserve()
            file.stream(contents, data: content.bytes)
            let pageNumber = file.reserve()
            file.object(pageNumber, "<</Type /Page /Parent \(pageTree) 0 R /MediaBox [0 0 \(Self.width) \(Self.height)] "
                + "/Resources \(resources) 0 R /Contents \(contents) 0 R>>")
            kids.append(pageNumber)
        }
        file.object(pageTree, "<</Type /Pages /Count \(kids.count) /Kids [\(kids.map { "\($0) 0 R" }.joined(separator: " "))]>>")
        // PDF/A-2b (ISO 19005-2): the XMP claim, and the sRGB output intent the page's device colours are read in.
        let metadata = file.reserve()
        file.stream(metadata, dictionary: "/Type /Metadata /Subtype /XML", data: Archival.xmp(title: title, creator: creator, producer: Self.producer),
                    deflate: false)
        let profile = file.reserve()
        file.stream(profile, dictionary: "/N 3", deflated: Archival.sRGBProfileDeflated)
        let condition = PDFFile.text(Archival.outputCondition)
        file.object(catalog, "<</Type /Catalog /Pages \(pageTree) 0 R /Metadata \(metadata) 0 R /OutputIntents [<</Type /OutputIntent "
            + "/S /GTS_PDFA1 /OutputConditionIdentifier \(condition) /Info \(condition) /DestOutputProfile \(profile) 0 R>>]>>")
        file.object(info, "<</Title \(PDFFile.text(title)) /Creator \(PDFFile.text(creator)) /Producer \(PDFFile.text(Self.producer))>>")
        return file.finish(root: catalog, info: info, id: Self.identifier(title, pages.count))
    }

    static let producer = "Madoguchi"

    /// The file identifier: derived from the title (the serial number), so one certificate's file is the same each time.
    private static func identifier(_ title: String, _ pages: Int) -> String {
        var a: UInt64 = 0xcbf2_9ce4_8422_2325
        var b: UInt64 = 0x8422_2325_cbf2_9ce4
        for byte in title.utf8 {
            a = (a ^ UInt64(byte)) &* 0x100_0000_01b3
            b = (b &+ UInt64(byte)) &* 0x9E37_79B9_7F4A_7C15
        }
        b ^= UInt64(pages)
        return String(format: "%016llX%016llX", a, b)
    }

    /// A Type 0 font over a CIDFontType2 (TrueType outlines), Identity-H, with widths and a ToUnicode map.
    private func writeFont(_ subset: FontFile.Subset, into file: inout PDFFile) -> Int {
        let font = subset.font
        let type0 = file.reserve()
        let cidFont = file.reserve()
        let descriptor = file.reserve()
        let fontFile = file.reserve()
        let toUnicode = file.reserve()
        let em = Double(font.unitsPerEm)
        func scaled(_ v: Int) -> Int { Int((Double(v) * 1000 / em).rounded()) }
        let name = Self.tag(subset.glyphs) + "+" + font.postScriptName
        let data = subset.deflated()
        file.stream(fontFile, dictionary: "/Length1 \(data.length)", deflated: data.bytes)
        let (x0, y0, x1, y1) = font.bbox
        file.object(descriptor, "<</Type /FontDescriptor /FontName /\(name) /Flags 4 /FontBBox [\(scaled(x0)) \(scaled(y0)) \(scaled(x1)) \(scaled(y1))] "
            + "/ItalicAngle 0 /Ascent \(scaled(font.ascender)) /Descent \(scaled(font.descender)) /CapHeight \(scaled(font.capHeight)) "
            + "/StemV 80 /FontFile2 \(fontFile) 0 R>>")
        let widths = subset.glyphs.map { String(scaled(font.advance($0))) }.joined(separator: " ")
        file.object(cidFont, "<</Type /Font /Subtype /CIDFontType2 /BaseFont /\(name) "
            + "/CIDSystemInfo <</Registry (Adobe) /Ordering (Identity) /Supplement 0>> /FontDescriptor \(descriptor) 0 R "
            + "/DW 1000 /W [0 [\(widths)]] /CIDToGIDMap /Identity>>")
        file.stream(toUnicode, data: Self.toUnicode(subset.texts))
        file.object(type0, "<</Type /Font /Subtype /Type0 /BaseFont /\(name) /Encoding /Identity-H "
            + "/DescendantFonts [\(cidFont) 0 R] /ToUnicode \(toUnicode) 0 R>>")
        return type0
    }

    /// Six capitals naming the subset, from the glyphs it holds.
    private static func tag(_ glyphs: [Int]) -> String {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for g in glyphs { h = (h ^ UInt64(g)) &* 0x100_0000_01b3 }
        var letters = ""
        for _ in 0..<6 {
            letters.append(Character(Unicode.Scalar(UInt8(65 + h % 26))))
            h /= 26
        }
        return letters
    }

    /// The CMap that turns glyph ids back into text (IVS sequences included), so text extraction and search work.
    private static func toUnicode(_ texts: [UInt16: String]) -> [UInt8] {
        let s = """
            /CIDInit /ProcSet findresource begin
            12 dict begin
            begincmap
            /CIDSystemInfo <</Registry (Adobe) /Ordering (UCS) /Supplement 0>> def
            /CMapName /Adobe-Identity-UCS def
            /CMapType 2 def
            1 begincodespacerange
            <0000> <FFFF>
            endcodespacerange

            """
        var out = Array(s.utf8)
        var line = ContentStream()
        let entries = texts.sorted { $0.key < $1.key }
        for start in stride(from: 0, to: entries.count, by: 100) {
            let chunk = entries[start..<min(start + 100, entries.count)]
            out += Array("\(chunk.count) beginbfchar\n".utf8)
            for (glyph, text) in chunk {
                line.bytes.removeAll(keepingCapacity: true)
                line.bytes.append(UInt8(ascii: "<"))
                line.glyph(glyph)
                line.bytes += [UInt8(ascii: ">"), 0x20, UInt8(ascii: "<")]
                for unit in text.utf16 { line.glyph(unit) }
                line.bytes += [UInt8(ascii: ">"), 0x0A]
                out += line.bytes
            }
            out += Array("endbfchar\n".utf8)
        }
        out += Array("endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n".utf8)
        return out
    }
}
