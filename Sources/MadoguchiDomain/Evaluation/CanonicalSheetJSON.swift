import Foundation

/// The canonical JSON form of a sheet: sorted keys, two-space indentation, numbers as exact strings,
/// blank cells omitted. Exporting an imported canonical file gives back the same bytes.
public enum CanonicalSheetJSON {
    /// The format tag every canonical file starts with.
    public static let format = "madoguchi-sheet/1"

    struct Envelope: Codable {
        var format: String
        var sheet: EvaluationSheet
    }

    public static func encode(_ sheet: EvaluationSheet) -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        var data = try! encoder.encode(Envelope(format: format, sheet: sheet))
        data.append(0x0A)
        return data
    }

    public static func decode(_ data: Data) throws -> EvaluationSheet {
        let envelope: Envelope
        do {
            envelope = try JSONDecoder().decode(Envelope.self, from: data)
        } catch let error as DecodingError {
            let (path, reason) = describe(error)
            let line = syntaxLine(data) ?? JSONLines.line(of: codingPath(error), in: data) ?? 1
            throw MadoguchiError(
                .sheetJSONInvalid, ja: "\(line)行目を読めません: 評価票のJSONの\(path)が正しくありません（\(reason)）",
                en: "Cannot read line \(line): the sheet JSON at \(path): \(reason)")
        }
        guard envelope.format == format else {
            throw MadoguchiError(
                .sheetJSONInvalid, ja: "評価票のJSONの形式が違います: \(envelope.format)（\(format) が必要です）",
                en: "Unknown sheet format \(envelope.format); expected \(format)")
        }
        try envelope.sheet.validate()
        return envelope.sheet
    }

    static func codingPath(_ error: DecodingError) -> [any CodingKey] {
        switch error {
        case .typeMismatch(_, let c), .valueNotFound(_, let c), .dataCorrupted(let c), .keyNotFound(_, let c): c.codingPath
        @unknown default: []
        }
    }

    /// The line of a syntax error: JSONSerialization names its byte offset ("around character 38").
    static func syntaxLine(_ data: Data) -> Int? {
        do {
            _ = try JSONSerialization.jsonObject(with: data)
            return nil
        } catch {
            let text = "\(error)"
            guard let r = text.range(of: "character ") else { return 1 }
            guard let offset = Int(text[r.upperBound...].prefix { $0.isNumber }) else { return 1 }
            return data.prefix(offset).reduce(1) { $1 == 0x0A ? $0 + 1 : $0 }
        }
    }

    static func describe(_ error: DecodingError) -> (String, String) {
        func path(_ keys: [any CodingKey]) -> String {
            keys.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined().trimmingCharacters(in: ["."])
        }
        switch error {
        case .typeMismatch(_, let c), .valueNotFound(_, let c), .dataCorrupted(let c):
            return (path(c.codingPath).isEmpty ? "(top)" : path(c.codingPath), c.debugDescription)
        case .keyNotFound(let key, let c):
            return (path(c.codingPath + [key]), "missing")
        @unknown default:
            return ("(top)", "\(error)")
        }
    }
}

/// Finds the line a JSON value starts on from its coding path, so that an error in a hand-edited file
/// names its line as the other importers do.
enum JSONLines {
    private enum Frame {
        case object(key: String?, expectingKey: Bool)
        case array(index: Int)
    }

    static func line(of path: [any CodingKey], in data: Data) -> Int? {
        let target: [String] = path.map { $0.intValue.map { "[\($0)]" } ?? $0.stringValue }
        let bytes = [UInt8](data)
        var frames: [Frame] = []
        var line = 1
        var i = 0
        func current() -> [String] {
            frames.compactMap {
                switch $0 {
                case .object(let key, _): key
                case .array(let index): "[\(index)]"
                }
            }
        }
        func valueStarts() -> Bool {
            if case .object(_, true)? = frames.last { return false }
            return current() == target
        }
        while i < bytes.count {
            let b = bytes[i]
            switch b {
            case 0x0A: line += 1
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                if valueStarts() { return line }
                frames.append(b == UInt8(ascii: "{") ? .object(key: nil, expectingKey: true) : .array(index: 0))
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                _ = frames.popLast()
            case UInt8(ascii: ":"):
                if case .object(let key, _)? = frames.last { frames[frames.count - 1] = .object(key: key, expectingKey: false) }
            case UInt8(ascii: ","):
                switch frames.last {
                case .object(_, _)?: frames[frames.count - 1] = .object(key: nil, expectingKey: true)
                case .array(let index)?: frames[frames.count - 1] = .array(index: index + 1)
                case nil: break
                }
            case UInt8(ascii: "\""):
                let start = i + 1
                var j = start
                while j < bytes.count && bytes[j] != UInt8(ascii: "\"") {
                    if bytes[j] == UInt8(ascii: "\\") { j += 1 }
                    j += 1
                }
                if case .object(_, true)? = frames.last {
                    let key = String(decoding: bytes[start..<min(j, bytes.count)], as: UTF8.self)
                    frames[frames.count - 1] = .object(key: key, expectingKey: true)
                } else if valueStarts() {
                    return line
                }
                i = j
            case 0x20, 0x09, 0x0D: break
            default:
                if valueStarts() { return line }
                while i + 1 < bytes.count && !",}]\n".utf8.contains(bytes[i + 1]) { i += 1 }
            }
            i += 1
        }
        return target.isEmpty ? 1 : nil
    }
}
