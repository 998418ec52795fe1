#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import MadoguchiDomain

/// The encodings a core 住民記録 system exports in.
public enum TextEncoding: String, Sendable, CaseIterable {
    case utf8 = "utf-8"
    /// Windows-31J: Shift_JIS with the NEC and IBM extensions (①, ㈱, 髙 …)
    case cp932

    /// Decodes bytes; `nil` chooses UTF-8 when the bytes are valid UTF-8, CP932 otherwise.
    public static func decode(_ bytes: [UInt8], as encoding: TextEncoding? = nil) throws -> (String, TextEncoding) {
        var bytes = bytes
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
        switch encoding {
        case .utf8:
            guard let s = String(validating: bytes, as: UTF8.self) else {
                throw MadoguchiError(
                    .encodingInvalid, ja: "UTF-8として読めないバイトがあります（\(lineOfInvalidUTF8(bytes))行目）",
                    en: "Invalid UTF-8 at line \(lineOfInvalidUTF8(bytes))")
            }
            return (s, .utf8)
        case .cp932:
            return (try decodeCP932(bytes), .cp932)
        case nil:
            if let s = String(validating: bytes, as: UTF8.self) { return (s, .utf8) }
            return (try decodeCP932(bytes), .cp932)
        }
    }

    static func lineOfInvalidUTF8(_ bytes: [UInt8]) -> Int {
        var line = 1
        var start = 0
        for (i, b) in bytes.enumerated() where b == 0x0A {
            if String(validating: bytes[start...i], as: UTF8.self) == nil { return line }
            line += 1
            start = i + 1
        }
        return line
    }

    /// Encodes text for a consumer that wants CP932 (spreadsheets on older Windows, core systems).
    /// Characters CP932 cannot hold (𠮷, IVS sequences) are refused, never silently replaced.
    public static func encode(_ text: String, as encoding: TextEncoding) throws -> [UInt8] {
        switch encoding {
        case .utf8: return Array(text.utf8)
        case .cp932:
            return try convert(Array(text.utf8), from: "UTF-8", to: "CP932") { line in
                MadoguchiError(
                    .encodingInvalid, ja: "CP932で表せない文字があります（\(line)行目）",
                    en: "A character at line \(line) has no CP932 form")
            }
        }
    }

    /// CP932 → String through the C library's iconv.
    static func decodeCP932(_ input: [UInt8]) throws -> String {
        let bytes = try convert(input, from: "CP932", to: "UTF-8") { line in
            MadoguchiError(
                .encodingInvalid, ja: "CP932（Shift_JIS）として読めないバイトがあります（\(line)行目）",
                en: "Bytes that are not CP932 (Shift_JIS) at line \(line)")
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    static func convert(
        _ input: [UInt8], from: String, to: String, error: (Int) -> MadoguchiError
    ) throws -> [UInt8] {
        if input.isEmpty { return [] }
        let cd = try converter(from: from, to: to)
        defer { iconv_close(cd) }
        return try convert(input, with: cd, error: error)
    }

    /// An iconv converter, or a coded error when the C library has none for the pair.
    static func converter(from: String, to: String) throws -> iconv_t {
        let cd = iconv_open(to, from)
        guard cd != iconv_t(bitPattern: -1) else {
            throw MadoguchiError(
                .encodingInvalid, ja: "この環境では\(from)から\(to)へ変換できません",
                en: "\(from) to \(to) conversion is not available here")
        }
        return cd!
    }

    /// Converts all of `input` with an open converter (reset first); `error` is given the line of a byte it cannot.
    static func convert(_ input: [UInt8], with cd: iconv_t, error: (Int) -> MadoguchiError) throws -> [UInt8] {
        if input.isEmpty { return [] }
        iconv(cd, nil, nil, nil, nil)
        var source = input
        var output = [UInt8](repeating: 0, count: input.count * 3 + 4)
        var failedAt: Int?
        let written: Int = source.withUnsafeMutableBytes { inRaw in
            output.withUnsafeMutableBytes { outRaw in
                var inPointer: UnsafeMutablePointer<CChar>? = inRaw.baseAddress!.assumingMemoryBound(to: CChar.self)
                var inLeft = inRaw.count
                var outPointer: UnsafeMutablePointer<CChar>? = outRaw.baseAddress!.assumingMemoryBound(to: CChar.self)
                var outLeft = outRaw.count
                if iconv(cd, &inPointer, &inLeft, &outPointer, &outLeft) == Int(bitPattern: UInt(bitPattern: -1)) {
                    failedAt = inRaw.count - inLeft
                }
                return outRaw.count - outLeft
            }
        }
        if let failedAt {
            throw error(input[..<failedAt].reduce(1) { $0 + ($1 == 0x0A ? 1 : 0) })
        }
        output.removeSubrange(written...)
        return output
    }
}

extension MadoguchiError.Code {
    public static let encodingInvalid = Self("import.encoding")
    public static let csvMalformed = Self("import.csv.malformed")
    public static let csvHeader = Self("import.csv.header")
    public static let csvRow = Self("import.csv.row")
    public static let importUnreadable = Self("import.unreadable")
}
