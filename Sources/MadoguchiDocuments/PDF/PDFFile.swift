import CHarfBuzz
import Foundation

/// The bytes of a PDF file, written object by object: numbered objects, streams (deflated when asked), the
/// cross-reference table and the trailer. It knows PDF's syntax, not what a page shows.
struct PDFFile {
    private(set) var bytes: [UInt8] = []
    /// Byte offset of each object, by number (index 0 is the free head)
    private var offsets: [Int] = [0]

    init() {
        bytes.reserveCapacity(96 * 1024)
        // The binary comment line tells transfer tools the file is not text.
        bytes += Array("%PDF-1.7\n%\u{E2}\u{E3}\u{CF}\u{D3}\n".utf8)
    }

    /// Takes the next object number; the object is written later with `object` or `stream`.
    mutating func reserve() -> Int {
        offsets.append(-1)
        return offsets.count - 1
    }

    mutating func object(_ number: Int, _ body: String) {
        offsets[number] = bytes.count
        bytes += Array("\(number) 0 obj\n\(body)\nendobj\n".utf8)
    }

    /// A stream object; `dictionary` is the inside of its dictionary without `/Length` and `/Filter`.
    mutating func stream(_ number: Int, dictionary: String = "", data: [UInt8], deflate: Bool = true) {
        if deflate {
            stream(number, dictionary: dictionary, deflated: Self.deflate(data))
        } else {
            write(number, dictionary: dictionary, body: data)
        }
    }

    /// Ends the file: the cross-reference table and the trailer naming the catalog and the information dictionary.
    mutating func finish(root: Int, info: Int, id: String) -> [UInt8] {
        let xref = bytes.count
        var table = "xref\n0 \(offsets.count)\n0000000000 65535 f \n"
        for offset in offsets.dropFirst() {
            precondition(offset >= 0, "a reserved PDF object was never written")
            let digits = String(offset)
            table += String(repeating: "0", count: 10 - digits.count) + digits + " 00000 n \n"
        }
        table += "trailer\n<</Size \(offsets.count) /Root \(root) 0 R /Info \(info) 0 R /ID [<\(id)> <\(id)>]>>\nstartxref\n\(xref)\n%%EOF\n"
        bytes += Array(table.utf8)
        return bytes
    }

    /// A stream object whose data is already deflated (a zlib stream).
    mutating func stream(_ number: Int, dictionary: String, deflated body: [UInt8]) {
        write(number, dictionary: dictionary + " /Filter /FlateDecode", body: body)
    }

    private mutating func write(_ number: Int, dictionary: String, body: [UInt8]) {
        offsets[number] = bytes.count
        bytes += Array("\(number) 0 obj\n<<\(dictionary) /Length \(body.count)>>\nstream\n".utf8)
        bytes += body
        bytes += Array("\nendstream\nendobj\n".utf8)
    }

    /// zlib at level 1: a page's streams are small and made once, so speed counts more than the last bytes (the
    /// fonts, most of a file, come from pieces deflated once at level 9; see `ZlibJoin`).
    static func deflate(_ data: [UInt8], level: Int32 = 1) -> [UInt8] {
        var length = compressBound(uLong(data.count))
        var out = [UInt8](repeating: 0, count: Int(length))
        let status = data.withUnsafeBufferPointer { input in
            out.withUnsafeMutableBufferPointer { output in
                compress2(output.baseAddress, &length, input.baseAddress, uLong(input.count), level)
            }
        }
        precondition(status == Z_OK, "zlib refused a buffer it sized itself")
        out.removeSubrange(Int(length)...)
        return out
    }

    /// A PDF text string: UTF-16BE with its byte-order mark, in hex (no escaping to get wrong).
    static func text(_ s: String) -> String {
        var hex = "<FEFF"
        for unit in s.utf16 { hex += hex4(unit) }
        return hex + ">"
    }

    static func hex4(_ v: UInt16) -> String {
        let digits = Array("0123456789ABCDEF")
        return String([digits[Int(v >> 12)], digits[Int(v >> 8 & 0xF)], digits[Int(v >> 4 & 0xF)], digits[Int(v & 0xF)]])
    }
}

/// A content stream being written: operators and numbers appended as bytes (no `String(format:)` per number).
struct ContentStream {
    var bytes: [UInt8] = []

    init() { bytes.reserveCapacity(16 * 1024) }

    mutating func op(_ s: StaticString) {
        s.withUTF8Buffer { bytes += $0 }
        bytes.append(0x0A)
    }

    mutating func raw(_ s: String) { bytes += Array(s.utf8) }

    /// A number with at most three decimals, then a space.
    mutating func number(_ v: Double) {
        var milli = Int((v * 1000).rounded())
        if milli < 0 {
            bytes.append(UInt8(ascii: "-"))
            milli = -milli
        }
        integer(milli / 1000)
        var fraction = milli % 1000
        if fraction != 0 {
            bytes.append(UInt8(ascii: "."))
            var divisor = 100
            while fraction != 0 {
                bytes.append(UInt8(ascii: "0") + UInt8(fraction / divisor))
                fraction %= divisor
                divisor /= 10
            }
        }
        bytes.append(0x20)
    }

    mutating func numbers(_ vs: Double...) { for v in vs { number(v) } }

    /// A circle as four Bézier arcs (the path only).
    mutating func circle(_ cx: Double, _ cy: Double, _ r: Double) {
        let k = 0.5523 * r
        numbers(cx + r, cy)
        op("m")
        numbers(cx + r, cy + k, cx + k, cy + r, cx, cy + r)
        op("c")
        numbers(cx - k, cy + r, cx - r, cy + k, cx - r, cy)
        op("c")
        numbers(cx - r, cy - k, cx - k, cy - r, cx, cy - r)
        op("c")
        numbers(cx + k, cy - r, cx + r, cy - k, cx + r, cy)
        op("c")
    }

    private mutating func integer(_ n: Int) {
        if n >= 10 { integer(n / 10) }
        bytes.append(UInt8(ascii: "0") + UInt8(n % 10))
    }

    /// A glyph id as four hex digits (Identity-H: two bytes a glyph).
    mutating func glyph(_ id: UInt16) {
        let digits: StaticString = "0123456789ABCDEF"
        digits.withUTF8Buffer { d in
            bytes += [d[Int(id >> 12)], d[Int(id >> 8 & 0xF)], d[Int(id >> 4 & 0xF)], d[Int(id & 0xF)]]
        }
    }
}

/// A zlib stream joined from pieces deflated on their own: each piece is raw deflate ended by a full flush, so it
/// starts on a byte and refers to nothing before it, and the pieces' Adler-32 sums combine. A font's glyphs are
/// deflated once per process this way and joined into every document that uses them (as pigz joins its blocks).
struct ZlibJoin {
    private(set) var bytes: [UInt8] = [0x78, 0x01]
    private var adler: uLong = 1

    /// One piece: its deflated bytes, the Adler-32 of what it holds and how long that is.
    struct Piece {
        var deflated: [UInt8]
        var adler: uLong
        var length: Int
    }

    static func piece(_ data: [UInt8], level: Int32, last: Bool = false) -> Piece {
        var stream = z_stream()
        precondition(deflateInit2_(&stream, level, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY, zlibVersion(),
                                   Int32(MemoryLayout<z_stream>.size)) == Z_OK)
        defer { deflateEnd(&stream) }
        var out = [UInt8](repeating: 0, count: Int(deflateBound(&stream, uLong(data.count))) + 16)
        let written = data.withUnsafeBufferPointer { inBuffer in
            out.withUnsafeMutableBufferPointer { outBuffer in
                // zlib only reads its input; its header does not say so.
                stream.next_in = UnsafeMutablePointer(mutating: inBuffer.baseAddress)
                stream.avail_in = uInt(inBuffer.count)
                stream.next_out = outBuffer.baseAddress
                stream.avail_out = uInt(outBuffer.count)
                let status = deflate(&stream, last ? Z_FINISH : Z_FULL_FLUSH)
                precondition(status == (last ? Z_STREAM_END : Z_OK) && stream.avail_in == 0, "zlib refused a buffer it sized itself")
                return outBuffer.count - Int(stream.avail_out)
            }
        }
        out.removeSubrange(written...)
        let sum = data.withUnsafeBufferPointer { adler32(1, $0.baseAddress, uInt($0.count)) }
        return Piece(deflated: out, adler: sum, length: data.count)
    }

    mutating func append(_ piece: Piece) {
        bytes += piece.deflated
        adler = adler32_combine(adler, piece.adler, off_t(piece.length))
    }

    /// Ends the stream with `tail` (the final block) and the Adler-32 of everything.
    mutating func finish(_ tail: [UInt8]) -> [UInt8] {
        append(Self.piece(tail, level: 1, last: true))
        bytes += [UInt8(adler >> 24 & 0xFF), UInt8(adler >> 16 & 0xFF), UInt8(adler >> 8 & 0xFF), UInt8(adler & 0xFF)]
        return bytes
    }

    /// Inflates a zlib stream (for the tests and for reading a file back).
    static func inflate(_ data: [UInt8], expected: Int) -> [UInt8]? {
        var length = uLong(expected)
        var out = [UInt8](repeating: 0, count: max(1, expected))
        let status = data.withUnsafeBufferPointer { input in
            out.withUnsafeMutableBufferPointer { uncompress($0.baseAddress, &length, input.baseAddress, uLong(input.count)) }
        }
        guard status == Z_OK else { return nil }
        out.removeSubrange(Int(length)...)
        return out
    }
}
