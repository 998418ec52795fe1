import Foundation

/// Signs a PDF by an incremental update (ISO 32000-1 §12.8, PAdES baseline, ETSI EN 319 142-1): the file's bytes
/// stay as they were, and an update appended after them adds the signature dictionary, an invisible signature
/// field on the first page, and new versions of the catalog (its `/AcroForm`) and of that page (its `/Annots`).
/// The signature covers the whole file but the signature's own `/Contents` hole (`/ByteRange`).
///
/// It reads files with a classic cross-reference table and plain (not stream-compressed) catalog and page
/// dictionaries, which both of our writers make; anything else is refused with an error, never half-signed.
public enum PDFSignature {
    public enum Failure: Error, CustomStringConvertible {
        case unreadable(String)
        case signatureTooLarge(Int)

        public var description: String {
            switch self {
            case .unreadable(let what): "the PDF cannot be signed: \(what)"
            case .signatureTooLarge(let n): "the signature (\(n) bytes) does not fit its reserved space"
            }
        }
    }

    /// Room for the CMS signature in `/Contents`, in bytes (written as twice as many hex digits): the signer's
    /// and the authority's certificates, the signature, and later a timestamp token.
    public static let capacity = 12_288

    /// The signed file. `cms` receives the bytes the signature covers and returns a detached CMS SignedData
    /// (`ETSI.CAdES.detached`).
    public static func sign(
        _ pdf: [UInt8], time: Date, reason: String, location: String, name: String,
        cms: ([UInt8]) throws -> [UInt8]
    ) throws -> [UInt8] {
        let file = try ParsedFile(pdf)
        let catalog = try file.dictionary(file.root)
        guard let pages = Int(try match(#"/Pages (\d+) 0 R"#, catalog)) else { throw Failure.unreadable("no page tree") }
        let tree = try file.dictionary(pages)
        guard let firstPage = Int(try match(#"/Kids \[(\d+) 0 R"#, tree)) else { throw Failure.unreadable("no first page") }
        let page = try file.dictionary(firstPage)
        guard !catalog.contains("/AcroForm"), !page.contains("/Annots") else {
            throw Failure.unreadable("it already has a form or annotations (sign each of our files once)")
        }
        let signature = file.size
        let field = file.size + 1

        var out = pdf
        if out.last != 0x0A { out.append(0x0A) }
        var offsets: [Int: Int] = [:]
        func object(_ number: Int, _ body: String) {
            offsets[number] = out.count
            out += Array("\(number) 0 obj\n\(body)\nendobj\n".utf8)
        }
        object(file.root, insert(" /AcroForm <</Fields [\(field) 0 R] /SigFlags 3>>", into: catalog))
        object(firstPage, insert(" /Annots [\(field) 0 R]", into: page))
        object(field, "<</Type /Annot /Subtype /Widget /FT /Sig /T \(PDFFile.text("電子交付署名")) /V \(signature) 0 R "
            + "/P \(firstPage) 0 R /Rect [0 0 0 0] /F 132>>")
        // The byte range is written with room for any file length, then filled in.
        let rangePlaceholder = "[0 0000000000 0000000000 0000000000]"
        offsets[signature] = out.count
        out += Array("\(signature) 0 obj\n<</Type /Sig /Filter /Adobe.PPKLite /SubFilter /ETSI.CAdES.detached /ByteRange ".utf8)
        let rangeAt = out.count
        out += Array(rangePlaceholder.utf8)
        out += Array(" /Contents ".utf8)
        let contentsStart = out.count
        out += [UInt8(ascii: "<")] + [UInt8](repeating: UInt8(ascii: "0"), count: 2 * capacity) + [UInt8(ascii: ">")]
        let contentsEnd = out.count
        out += Array(" /M \(PDFDate.string(time)) /Reason \(PDFFile.text(reason)) /Location \(PDFFile.text(location)) /Name \(PDFFile.text(name))>>\nendobj\n".utf8)

        let xref = out.count
        var table = "xref\n"
        for number in offsets.keys.sorted() {
            let digits = String(offsets[number]!)
            table += "\(number) 1\n" + String(repeating: "0", count: 10 - digits.count) + digits + " 00000 n \n"
        }
        table += "trailer\n<</Size \(field + 1) /Root \(file.root) 0 R\(file.info.map { " /Info \($0) 0 R" } ?? "")"
            + " /Prev \(file.xref)\(file.id.map { " /ID \($0)" } ?? "")>>\nstartxref\n\(xref)\n%%EOF\n"
        out += Array(table.utf8)

        let range = [0, contentsStart, contentsEnd, out.count - contentsEnd]
        let written = "[" + range.map(String.init).joined(separator: " ")
        let padded = written + String(repeating: " ", count: rangePlaceholder.count - 1 - written.count) + "]"
        out.replaceSubrange(rangeAt..<rangeAt + padded.utf8.count, with: Array(padded.utf8))
        let signed = Array(out[0..<contentsStart]) + Array(out[contentsEnd...])
        let der = try cms(signed)
        guard der.count <= capacity else { throw Failure.signatureTooLarge(der.count) }
        let digits: [UInt8] = Array("0123456789ABCDEF".utf8)
        var hex: [UInt8] = []
        hex.reserveCapacity(2 * der.count)
        for b in der { hex += [digits[Int(b >> 4)], digits[Int(b & 0xF)]] }
        out.replaceSubrange(contentsStart + 1..<contentsStart + 1 + hex.count, with: hex)
        return out
    }

    /// A signature found in a file: the bytes its `/ByteRange` covers, its `/Contents` (the CMS, zero padding kept),
    /// and whether it covers the whole file but its own `/Contents` (a later incremental update would not be covered).
    public struct Embedded: Sendable {
        public let covered: [UInt8]
        public let contents: [UInt8]
        public let wholeFile: Bool
    }

    /// Every signature dictionary's byte range and contents, in file order. A byte range that does not bound exactly
    /// one hex string is refused: the bytes left out must be the signature and nothing else.
    public static func embedded(in pdf: [UInt8]) throws -> [Embedded] {
        let marker = Array("/ByteRange".utf8)
        var found: [Embedded] = []
        var at = 0
        while let start = index(of: marker, in: pdf, from: at) {
            at = start + marker.count
            var cursor = at
            while cursor < pdf.count, pdf[cursor] == 0x20 { cursor += 1 }
            guard cursor < pdf.count, pdf[cursor] == UInt8(ascii: "["), let close = pdf[cursor...].firstIndex(of: UInt8(ascii: "]")),
                close - cursor < 80
            else { throw Failure.unreadable("a /ByteRange that is not an array") }
            let numbers = String(decoding: pdf[(cursor + 1)..<close], as: UTF8.self).split(separator: " ").compactMap { Int($0) }
            guard numbers.count == 4 else { throw Failure.unreadable("a /ByteRange of \(numbers.count) numbers") }
            let (a, b, c, d) = (numbers[0], numbers[1], numbers[2], numbers[3])
            // Each bounded by the file first, so that no sum below can overflow.
            guard numbers.allSatisfy({ $0 >= 0 && $0 <= pdf.count }), b > 0, c > a + b + 1, d >= 0, a + b <= pdf.count, c + d <= pdf.count,
                pdf[a + b] == UInt8(ascii: "<"), pdf[c - 1] == UInt8(ascii: ">")
            else { throw Failure.unreadable("a /ByteRange that does not bound the signature's hex string") }
            var contents: [UInt8] = []
            contents.reserveCapacity((c - a - b - 2) / 2)
            var high: UInt8?
            for byte in pdf[(a + b + 1)..<(c - 1)] {
                guard let value = hexValue(byte) else { throw Failure.unreadable("a /Contents that is not hex") }
                if let h = high {
                    contents.append(h << 4 | value)
                    high = nil
                } else {
                    high = value
                }
            }
            found.append(Embedded(
                covered: Array(pdf[a..<(a + b)]) + Array(pdf[c..<(c + d)]), contents: contents, wholeFile: a == 0 && c + d == pdf.count))
        }
        return found
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        default: nil
        }
    }

    private static func index(of needle: [UInt8], in haystack: [UInt8], from: Int) -> Int? {
        guard needle.count <= haystack.count else { return nil }
        var i = from
        while i <= haystack.count - needle.count {
            if haystack[i] == needle[0], Array(haystack[i..<(i + needle.count)]) == needle { return i }
            i += 1
        }
        return nil
    }

    private static func insert(_ entry: String, into dictionary: String) -> String {
        guard let end = dictionary.range(of: ">>", options: .backwards) else { return dictionary }
        return dictionary.replacingCharacters(in: end.lowerBound..<end.lowerBound, with: entry)
    }

    private static func match(_ pattern: String, _ text: String) throws -> String {
        guard let regex = try? NSRegularExpression(pattern: pattern),
              let m = regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)), m.numberOfRanges > 1,
              let range = Range(m.range(at: 1), in: text)
        else { throw Failure.unreadable("no \(pattern)") }
        return String(text[range])
    }

    /// What signing needs of a file: its trailer and where its objects are.
    struct ParsedFile {
        let bytes: [UInt8]
        let xref: Int
        let root: Int
        let info: Int?
        let size: Int
        let id: String?
        var offsets: [Int: Int] = [:]

        init(_ bytes: [UInt8]) throws {
            self.bytes = bytes
            let tail = String(decoding: bytes.suffix(2048), as: UTF8.self)
            guard let start = tail.range(of: "startxref", options: .backwards),
                  let xref = Int(tail[start.upperBound...].split(whereSeparator: \.isWhitespace).first ?? ""),
                  xref < bytes.count
            else { throw Failure.unreadable("no startxref") }
            self.xref = xref
            let section = String(decoding: bytes[xref...].prefix(64 * 1024), as: UTF8.self)
            guard section.hasPrefix("xref"), let trailerAt = section.range(of: "trailer") else {
                throw Failure.unreadable("not a classic cross-reference table")
            }
            let trailer = String(section[trailerAt.upperBound...])
            guard let root = Int(try PDFSignature.match(#"/Root (\d+) 0 R"#, trailer)),
                  let size = Int(try PDFSignature.match(#"/Size (\d+)"#, trailer))
            else { throw Failure.unreadable("no /Root or /Size") }
            self.root = root
            self.size = size
            info = (try? PDFSignature.match(#"/Info (\d+) 0 R"#, trailer)).flatMap { Int($0) }
            id = try? PDFSignature.match(#"/ID\s*(\[[^\]]*\])"#, trailer)
            // Subsections: "first count" then count lines of "offset generation n|f".
            var lines = section[..<trailerAt.lowerBound].split(whereSeparator: \.isNewline).dropFirst().makeIterator()
            while let header = lines.next() {
                let fields = header.split(separator: " ")
                guard fields.count == 2, let first = Int(fields[0]), let count = Int(fields[1]) else {
                    throw Failure.unreadable("a cross-reference subsection")
                }
                for n in 0..<count {
                    guard let entry = lines.next() else { throw Failure.unreadable("a short cross-reference table") }
                    let parts = entry.split(separator: " ")
                    if parts.count >= 3, parts[2].hasPrefix("n"), let offset = Int(parts[0]) { offsets[first + n] = offset }
                }
            }
        }

        /// The text of a plain dictionary object.
        func dictionary(_ number: Int) throws -> String {
            guard let offset = offsets[number], offset < bytes.count else { throw Failure.unreadable("object \(number) not found") }
            let text = String(decoding: bytes[offset...].prefix(8192), as: UTF8.self)
            guard text.hasPrefix("\(number) 0 obj"), let open = text.range(of: "<<"),
                  let end = text.range(of: "endobj")
            else { throw Failure.unreadable("object \(number) is not a plain dictionary") }
            let body = text[open.lowerBound..<end.lowerBound].trimmingCharacters(in: .whitespacesAndNewlines)
            guard body.hasSuffix(">>"), !body.contains("stream") else { throw Failure.unreadable("object \(number) is not a plain dictionary") }
            return body
        }
    }
}

/// A PDF date string (ISO 32000-1 §7.9.4) in Japan's time.
enum PDFDate {
    static func string(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(secondsFromGMT: 9 * 3600)!
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        func two(_ n: Int?) -> String { String(format: "%02d", n ?? 0) }
        return "(D:\(c.year ?? 0)\(two(c.month))\(two(c.day))\(two(c.hour))\(two(c.minute))\(two(c.second))+09'00')"
    }
}
