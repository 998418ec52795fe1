#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import MadoguchiDomain

/// Where an import's bytes come from: bytes already in memory (an upload, a test), or a file read a piece at a time
/// so that a whole city's export (1.5 million rows, about 400 MB) is never held at once.
public enum CSVSource: Sendable {
    case bytes([UInt8])
    case file(String)

    /// Reads the source from its start, handing `body` pieces of at most `chunk` bytes.
    func forEachChunk(chunk: Int = 1 << 20, _ body: (UnsafeBufferPointer<UInt8>) throws -> Void) throws {
        switch self {
        case .bytes(let bytes):
            try bytes.withUnsafeBufferPointer { all in
                var start = 0
                while start < all.count {
                    let end = min(start + chunk, all.count)
                    try body(UnsafeBufferPointer(rebasing: all[start..<end]))
                    start = end
                }
            }
        case .file(let path):
            guard let handle = fopen(path, "rb") else {
                throw MadoguchiError(.importUnreadable, ja: "ファイルを読めません: \(path)", en: "Cannot read \(path)")
            }
            defer { fclose(handle) }
            var buffer = [UInt8](repeating: 0, count: chunk)
            while true {
                let n = buffer.withUnsafeMutableBytes { fread($0.baseAddress, 1, chunk, handle) }
                if n > 0 { try buffer.withUnsafeBufferPointer { try body(UnsafeBufferPointer(rebasing: $0[0..<n])) } }
                if n < chunk {
                    if ferror(handle) != 0 {
                        throw MadoguchiError(.importUnreadable, ja: "ファイルの読み込みに失敗しました: \(path)", en: "Reading \(path) failed")
                    }
                    return
                }
            }
        }
    }

    /// The encoding of the whole source: `requested` when given, else UTF-8 when every byte is valid UTF-8 and CP932
    /// otherwise (the rule `TextEncoding.decode` applies to bytes in memory), found by one pass over the bytes.
    func encoding(_ requested: TextEncoding?, chunk: Int = 1 << 20) throws -> TextEncoding {
        if let requested { return requested }
        var carry: [UInt8] = []
        var valid = true
        try forEachChunk(chunk: chunk) { piece in
            guard valid else { return }
            // A line feed never falls inside a UTF-8 sequence: check up to the last one, carry the rest.
            guard let last = piece.lastIndex(of: 0x0A) else {
                carry.append(contentsOf: piece)
                return
            }
            carry.append(contentsOf: piece[...last])
            valid = String(validating: carry, as: UTF8.self) != nil
            carry = Array(piece[(last + 1)...])
        }
        return valid && String(validating: carry, as: UTF8.self) != nil ? .utf8 : .cp932
    }

    /// Each CSV record of the source in order, decoded, with the line it starts on (the header is line 1). A record is
    /// cut at a line feed outside quotes: in UTF-8 and in CP932 neither `"` nor a line feed is ever part of a
    /// multi-byte character, so the bytes can be cut before they are decoded.
    func forEachRecord(encoding: TextEncoding, chunk: Int = 1 << 20, _ body: (CSVRecord) throws -> Void) throws {
        let decoder = try RecordDecoder(encoding)
        var pending: [UInt8] = []
        var inQuotes = false
        var line = 1
        var first = true
        func emit() throws {
            defer {
                line += pending.reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) }
                pending.removeAll(keepingCapacity: true)
            }
            var bytes = pending[...]
            if first {
                first = false
                if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes = bytes.dropFirst(3) }
            }
            let text = try decoder.decode(bytes, line: line)
            for record in try CSVReader.records(text, firstLine: line) { try body(record) }
        }
        try forEachChunk(chunk: chunk) { piece in
            var start = 0
            for i in 0..<piece.count {
                let b = piece[i]
                if b == 0x22 {
                    inQuotes.toggle()
                } else if b == 0x0A && !inQuotes {
                    pending.append(contentsOf: piece[start...i])
                    start = i + 1
                    try emit()
                }
            }
            pending.append(contentsOf: piece[start...])
        }
        if !pending.isEmpty { try emit() }
    }
}

/// Decodes one record's bytes, keeping one converter for the whole file.
final class RecordDecoder {
    let encoding: TextEncoding
    private let converter: iconv_t?

    init(_ encoding: TextEncoding) throws {
        self.encoding = encoding
        converter = encoding == .cp932 ? try TextEncoding.converter(from: "CP932", to: "UTF-8") : nil
    }

    deinit { if let converter { iconv_close(converter) } }

    /// The text of a record that starts on `line`; a byte that is not of the encoding names its own line.
    func decode(_ bytes: ArraySlice<UInt8>, line: Int) throws -> String {
        guard let converter else {
            guard let text = String(validating: bytes, as: UTF8.self) else {
                let at = line - 1 + TextEncoding.lineOfInvalidUTF8(Array(bytes))
                throw MadoguchiError(.encodingInvalid, ja: "UTF-8として読めないバイトがあります（\(at)行目）", en: "Invalid UTF-8 at line \(at)")
            }
            return text
        }
        let utf8 = try TextEncoding.convert(Array(bytes), with: converter) { at in
            MadoguchiError(
                .encodingInvalid, ja: "CP932（Shift_JIS）として読めないバイトがあります（\(line - 1 + at)行目）",
                en: "Bytes that are not CP932 (Shift_JIS) at line \(line - 1 + at)")
        }
        return String(decoding: utf8, as: UTF8.self)
    }
}
