import CHarfBuzz
import Foundation

/// A TrueType font read once per process: HarfBuzz shapes text with it (its `cmap` format 14 maps an IVS to the
/// registered glyph, so 渡邉󠄐 prints as registered), and its `glyf` outlines are copied into each document as a subset.
///
/// Only what a PDF's `FontFile2` needs is kept of the file: `head`, `hhea`, `maxp`, `hmtx`, `loca` and `glyf`
/// (a viewer maps character codes to glyphs through `CIDToGIDMap`, and text back to Unicode through `ToUnicode`).
final class FontFile: @unchecked Sendable {
    /// The PostScript name, as the PDF's `BaseFont` gives it after the subset tag
    let postScriptName: String
    let unitsPerEm: Int
    let ascender: Int
    let descender: Int
    let lineGap: Int
    let bbox: (Int, Int, Int, Int)
    let capHeight: Int
    let numGlyphs: Int

    /// The file, read once into memory this font owns; HarfBuzz reads the same memory (a 46 MB font is not held twice)
    private let bytes: UnsafeBufferPointer<UInt8>
    private let tables: [String: Range<Int>]
    private let longLoca: Bool
    private let numberOfHMetrics: Int
    private let hmtxStart: Int
    private let locaStart: Int
    private let glyfStart: Int
    /// Immutable after `init`, so threads shape with it at once
    let hbFont: OpaquePointer

    enum Failure: Error { case missing(String), malformed(String) }

    /// The file fontconfig matches for `family` (the IPA fonts are Debian packages).
    static func locate(family: String) throws -> String {
        guard let pattern = FcNameParse(family) else { throw Failure.missing(family) }
        defer { FcPatternDestroy(pattern) }
        FcConfigSubstitute(nil, pattern, FcMatchPattern)
        FcDefaultSubstitute(pattern)
        var result = FcResultNoMatch
        guard let match = FcFontMatch(nil, pattern, &result) else { throw Failure.missing(family) }
        defer { FcPatternDestroy(match) }
        var file: UnsafeMutablePointer<FcChar8>?
        var found: UnsafeMutablePointer<FcChar8>?
        guard FcPatternGetString(match, FC_FILE, 0, &file) == FcResultMatch, let file,
              FcPatternGetString(match, FC_FAMILY, 0, &found) == FcResultMatch, let found
        else { throw Failure.missing(family) }
        // fontconfig falls back to another family rather than failing; a certificate must not print in a stand-in.
        var families: [String] = []
        var index: Int32 = 0
        var name: UnsafeMutablePointer<FcChar8>?
        while FcPatternGetString(match, FC_FAMILY, index, &name) == FcResultMatch, let name {
            families.append(String(cString: name))
            index += 1
        }
        guard families.contains(family) || String(cString: found) == family else { throw Failure.missing(family) }
        return String(cString: file)
    }

    convenience init(family: String) throws {
        try self.init(path: try Self.locate(family: family))
    }

    init(path: String) throws {
        guard let data = FileManager.default.contents(atPath: path) else { throw Failure.missing(path) }
        let storage = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: data.count)
        _ = storage.initialize(from: data)
        let bytes = UnsafeBufferPointer(storage)
        self.bytes = bytes
        func u16(_ o: Int) -> Int { Int(bytes[o]) << 8 | Int(bytes[o + 1]) }
        func i16(_ o: Int) -> Int { Int(Int16(bitPattern: UInt16(u16(o)))) }
        func u32(_ o: Int) -> Int { u16(o) << 16 | u16(o + 2) }
        // Where each table is; a file that is not a TrueType outline font frees the memory and is refused.
        let tables: [String: Range<Int>]
        do {
            guard bytes.count > 12 else { throw Failure.malformed(path) }
            var found: [String: Range<Int>] = [:]
            for i in 0..<u16(4) {
                let record = 12 + 16 * i
                guard record + 16 <= bytes.count else { throw Failure.malformed(path) }
                let tag = String(decoding: bytes[record..<record + 4], as: UTF8.self)
                let offset = u32(record + 8)
                let length = u32(record + 12)
                guard offset + length <= bytes.count else { throw Failure.malformed(path) }
                found[tag] = offset..<offset + length
            }
            for tag in ["head", "hhea", "maxp", "hmtx", "loca", "glyf"] where found[tag] == nil {
                throw Failure.malformed("\(path): no \(tag) table (not a TrueType outline font)")
            }
            tables = found
        } catch {
            storage.deallocate()
            throw error
        }
        self.tables = tables
        let head = tables["head"]!.lowerBound
        unitsPerEm = u16(head + 18)
        bbox = (i16(head + 36), i16(head + 38), i16(head + 40), i16(head + 42))
        longLoca = u16(head + 50) == 1
        let hhea = tables["hhea"]!.lowerBound
        ascender = i16(hhea + 4)
        descender = i16(hhea + 6)
        lineGap = i16(hhea + 8)
        numberOfHMetrics = u16(hhea + 34)
        numGlyphs = u16(tables["maxp"]!.lowerBound + 4)
        hmtxStart = tables["hmtx"]!.lowerBound
        locaStart = tables["loca"]!.lowerBound
        glyfStart = tables["glyf"]!.lowerBound
        if let os2 = tables["OS/2"], os2.count >= 90, u16(os2.lowerBound) >= 2 {
            capHeight = i16(os2.lowerBound + 88)
        } else {
            capHeight = ascender
        }
        postScriptName = Self.name(bytes, tables["name"], id: 6) ?? URL(fileURLWithPath: path).deletingPathExtension().lastPathComponent

        // Read-only over our memory, which lives as long as this font (freed in deinit, after HarfBuzz's font).
        let blob = hb_blob_create(UnsafeRawPointer(bytes.baseAddress!).assumingMemoryBound(to: CChar.self), UInt32(bytes.count),
                                  HB_MEMORY_MODE_READONLY, nil, nil)
        let face = hb_face_create(blob, 0)
        hb_blob_destroy(blob)
        let font = hb_font_create(face)!
        hb_face_destroy(face)
        hb_font_set_scale(font, Int32(unitsPerEm), Int32(unitsPerEm))
        hb_ot_font_set_funcs(font)
        hb_font_make_immutable(font)
        hbFont = font
    }

    deinit {
        hb_font_destroy(hbFont)
        UnsafeMutableBufferPointer(mutating: bytes).deallocate()
    }

    /// Each glyph's outline deflated on its own, once per process; a composite's (renumbered per document) is not kept.
    private let pieceLock = NSLock()
    private var pieces: [Int: (piece: ZlibJoin.Piece, checksum: UInt32)] = [:]

    fileprivate func piece(_ glyph: Int, outline: () -> (bytes: [UInt8], renumbered: Bool)) -> (ZlibJoin.Piece, UInt32) {
        if let known = pieceLock.withLock({ pieces[glyph] }) { return known }
        let (bytes, renumbered) = outline()
        let made = (ZlibJoin.piece(bytes, level: 9), Subset.checksum(bytes))
        if !renumbered { pieceLock.withLock { pieces[glyph] = made } }
        return made
    }

    /// A name record (platform 3, Windows Unicode) or, failing that, a Macintosh Roman one.
    private static func name(_ bytes: UnsafeBufferPointer<UInt8>, _ table: Range<Int>?, id: Int) -> String? {
        guard let table else { return nil }
        func u16(_ o: Int) -> Int { Int(bytes[o]) << 8 | Int(bytes[o + 1]) }
        let count = u16(table.lowerBound + 2)
        let strings = table.lowerBound + u16(table.lowerBound + 4)
        for i in 0..<count {
            let r = table.lowerBound + 6 + 12 * i
            guard u16(r + 6) == id else { continue }
            let start = strings + u16(r + 10)
            let end = start + u16(r + 8)
            guard end <= table.upperBound else { continue }
            if u16(r) == 3 {
                var units: [UInt16] = []
                for o in stride(from: start, to: end - 1, by: 2) { units.append(UInt16(u16(o))) }
                return String(decoding: units, as: UTF16.self)
            }
            if u16(r) == 1 { return String(decoding: bytes[start..<end], as: UTF8.self) }
        }
        return nil
    }

    // MARK: - Metrics and shaping

    /// A glyph's advance in font units.
    func advance(_ glyph: Int) -> Int {
        let index = min(glyph, numberOfHMetrics - 1)
        return Int(bytes[hmtxStart + 4 * index]) << 8 | Int(bytes[hmtxStart + 4 * index + 1])
    }

    /// One shaped glyph: its id in this font, its advance in font units, and the UTF-8 offset of the character
    /// (cluster) it prints.
    struct Glyph {
        var id: UInt32
        var advance: Int32
        var cluster: UInt32
    }

    /// Shapes UTF-8 text left to right, as Japanese.
    func shape(_ utf8: UnsafeBufferPointer<UInt8>) -> [Glyph] {
        let buffer = hb_buffer_create()!
        defer { hb_buffer_destroy(buffer) }
        utf8.withMemoryRebound(to: CChar.self) { hb_buffer_add_utf8(buffer, $0.baseAddress, Int32($0.count), 0, Int32($0.count)) }
        hb_buffer_set_direction(buffer, HB_DIRECTION_LTR)
        hb_buffer_set_script(buffer, HB_SCRIPT_HAN)
        hb_buffer_set_language(buffer, Self.japanese)
        hb_shape(hbFont, buffer, nil, 0)
        var count: UInt32 = 0
        let infos = hb_buffer_get_glyph_infos(buffer, &count)!
        let positions = hb_buffer_get_glyph_positions(buffer, &count)!
        var glyphs: [Glyph] = []
        glyphs.reserveCapacity(Int(count))
        for i in 0..<Int(count) {
            glyphs.append(Glyph(id: infos[i].codepoint, advance: positions[i].x_advance, cluster: infos[i].cluster))
        }
        return glyphs
    }

    nonisolated(unsafe) private static let japanese = hb_language_from_string("ja", -1)

    // MARK: - Subsets

    /// The glyph's outline bytes.
    private func glyphRange(_ glyph: Int) -> Range<Int> {
        let loca = locaStart
        let glyf = glyfStart
        func u16(_ o: Int) -> Int { Int(bytes[o]) << 8 | Int(bytes[o + 1]) }
        let start: Int
        let end: Int
        if longLoca {
            start = u16(loca + 4 * glyph) << 16 | u16(loca + 4 * glyph + 2)
            end = u16(loca + 4 * glyph + 4) << 16 | u16(loca + 4 * glyph + 6)
        } else {
            start = 2 * u16(loca + 2 * glyph)
            end = 2 * u16(loca + 2 * glyph + 2)
        }
        return glyf + start..<glyf + max(start, end)
    }

    /// The glyphs a composite glyph is built from (their ids in this font), with where each id is written.
    private func components(_ glyph: Range<Int>) -> [(offset: Int, glyph: Int)] {
        guard glyph.count >= 10 else { return [] }
        func u16(_ o: Int) -> Int { Int(bytes[o]) << 8 | Int(bytes[o + 1]) }
        guard Int16(bitPattern: UInt16(u16(glyph.lowerBound))) < 0 else { return [] }
        var found: [(Int, Int)] = []
        var o = glyph.lowerBound + 10
        while o + 4 <= glyph.upperBound {
            let flags = u16(o)
            found.append((o + 2 - glyph.lowerBound, u16(o + 2)))
            o += 4 + (flags & 0x0001 != 0 ? 4 : 2)
            if flags & 0x0008 != 0 { o += 2 } else if flags & 0x0040 != 0 { o += 4 } else if flags & 0x0080 != 0 { o += 8 }
            if flags & 0x0020 == 0 { break }
        }
        return found
    }

    /// The glyphs a document uses, numbered in the order it first uses them (0 stays .notdef).
    final class Subset {
        let font: FontFile
        /// New id → this font's id
        private(set) var glyphs: [Int] = [0]
        /// This font's id → new id
        private var numbers: [Int: UInt16] = [0: 0]
        /// New id → the text it prints (for ToUnicode)
        private(set) var texts: [UInt16: String] = [:]

        init(font: FontFile) { self.font = font }

        /// The id `glyph` has in the subset, adding it (and, for a composite, what it is built from).
        func number(_ glyph: Int, text: Substring? = nil) -> UInt16 {
            let n: UInt16
            if let known = numbers[glyph] {
                n = known
            } else {
                n = UInt16(glyphs.count)
                numbers[glyph] = n
                glyphs.append(glyph)
                for component in font.components(font.glyphRange(glyph)) { _ = number(component.glyph) }
            }
            if let text, texts[n] == nil { texts[n] = String(text) }
            return n
        }

        var isEmpty: Bool { glyphs.count == 1 }

        /// A glyph's outline as the subset keeps it: padded to four bytes, a composite's parts renumbered.
        private func outline(_ old: Int) -> (bytes: [UInt8], renumbered: Bool) {
            let range = font.glyphRange(old)
            var out = [UInt8](font.bytes[range])
            let parts = font.components(range)
            for component in parts {
                let n = numbers[component.glyph]!
                out[component.offset] = UInt8(n >> 8)
                out[component.offset + 1] = UInt8(n & 0xFF)
            }
            while out.count % 4 != 0 { out.append(0) }
            return (out, !parts.isEmpty)
        }

        /// `head`, `hhea`, `hmtx`, `loca` and `maxp` for these glyphs, given each outline's padded length.
        private func tables(lengths: [Int]) -> [(String, [UInt8])] {
            let bytes = font.bytes
            var head = [UInt8](bytes[font.tables["head"]!])
            head[8..<12] = [0, 0, 0, 0]  // checksum adjustment, not checked by PDF readers
            head[50] = 0
            head[51] = 1  // long loca
            var hhea = [UInt8](bytes[font.tables["hhea"]!])
            hhea[34] = UInt8(glyphs.count >> 8)
            hhea[35] = UInt8(glyphs.count & 0xFF)
            var maxp = [UInt8](bytes[font.tables["maxp"]!])
            maxp[4] = UInt8(glyphs.count >> 8)
            maxp[5] = UInt8(glyphs.count & 0xFF)
            var hmtx: [UInt8] = []
            hmtx.reserveCapacity(4 * glyphs.count)
            for old in glyphs {
                let advance = font.advance(old)
                let lsbOffset = old < font.numberOfHMetrics
                    ? font.hmtxStart + 4 * old + 2 : font.hmtxStart + 4 * font.numberOfHMetrics + 2 * (old - font.numberOfHMetrics)
                hmtx += [UInt8(advance >> 8), UInt8(advance & 0xFF), bytes[lsbOffset], bytes[lsbOffset + 1]]
            }
            var loca: [UInt8] = [0, 0, 0, 0]
            loca.reserveCapacity(4 * lengths.count + 4)
            var offset = 0
            for length in lengths {
                offset += length
                loca += [UInt8(offset >> 24), UInt8(offset >> 16 & 0xFF), UInt8(offset >> 8 & 0xFF), UInt8(offset & 0xFF)]
            }
            return [("head", head), ("hhea", hhea), ("hmtx", hmtx), ("loca", loca), ("maxp", maxp)]
        }

        /// A table's bytes as laid out in the file: padded to four bytes.
        private static func padded(_ table: [UInt8]) -> [UInt8] {
            table + [UInt8](repeating: 0, count: (4 - table.count % 4) % 4)
        }

        /// A TrueType file of just these glyphs, renumbered.
        func file() -> [UInt8] {
            let outlines = glyphs.map { outline($0).bytes }
            let all = [("glyf", outlines.flatMap { $0 })] + tables(lengths: outlines.map(\.count))
            return Self.directory(all.map { ($0.0, $0.1.count, Self.checksum($0.1)) }) + all.flatMap { Self.padded($0.1) }
        }

        /// The same file as a zlib stream, and its length before deflating: the outlines come from pieces the
        /// font deflated once (at level 9), so a document deflates only its few small tables.
        func deflated() -> (bytes: [UInt8], length: Int) {
            var pieces: [ZlibJoin.Piece] = []
            var lengths: [Int] = []
            var glyfSum: UInt32 = 0
            for old in glyphs {
                let (piece, sum) = font.piece(old) { outline(old) }
                pieces.append(piece)
                lengths.append(piece.length)
                glyfSum &+= sum
            }
            let rest = tables(lengths: lengths)
            let glyfLength = lengths.reduce(0, +)
            let directory = Self.directory([("glyf", glyfLength, glyfSum)] + rest.map { ($0.0, $0.1.count, Self.checksum($0.1)) })
            var join = ZlibJoin()
            join.append(ZlibJoin.piece(directory, level: 1))
            for piece in pieces { join.append(piece) }
            let tail = rest.flatMap { Self.padded($0.1) }
            return (join.finish(tail), directory.count + glyfLength + tail.count)
        }

        /// The sum of a table's big-endian 32-bit words, zero-padded.
        static func checksum(_ data: [UInt8]) -> UInt32 {
            var sum: UInt32 = 0
            var i = 0
            while i < data.count {
                var word: UInt32 = 0
                for k in 0..<4 { word = word << 8 | UInt32(i + k < data.count ? data[i + k] : 0) }
                sum &+= word
                i += 4
            }
            return sum
        }

        /// An sfnt header and table directory for tables (tags in ascending order) laid out after it in that order,
        /// each 4-byte aligned.
        static func directory(_ tables: [(tag: String, length: Int, checksum: UInt32)]) -> [UInt8] {
            var out: [UInt8] = []
            func u16(_ v: Int) { out += [UInt8(v >> 8 & 0xFF), UInt8(v & 0xFF)] }
            func u32(_ v: UInt32) { out += [UInt8(v >> 24), UInt8(v >> 16 & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v & 0xFF)] }
            let count = tables.count
            var power = 1
            var log = 0
            while power * 2 <= count { power *= 2; log += 1 }
            u32(0x0001_0000)
            u16(count)
            u16(power * 16)
            u16(log)
            u16(count * 16 - power * 16)
            var offset = 12 + 16 * count
            for table in tables {
                out += Array(table.tag.utf8)
                u32(table.checksum)
                u32(UInt32(offset))
                u32(UInt32(table.length))
                offset += (table.length + 3) / 4 * 4
            }
            return out
        }
    }
}
