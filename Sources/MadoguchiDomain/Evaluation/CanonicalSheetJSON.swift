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
            throw MadoguchiError(
                .sheetJSONInvalid, ja: "評価票のJSONを読めません（\(path)）: \(reason)",
                en: "Cannot read the sheet JSON at \(path): \(reason)")
        }
        guard envelope.format == format else {
            throw MadoguchiError(
                .sheetJSONInvalid, ja: "評価票のJSONの形式が違います: \(envelope.format)（\(format) が必要です）",
                en: "Unknown sheet format \(envelope.format); expected \(format)")
        }
        try envelope.sheet.validate()
        return envelope.sheet
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
