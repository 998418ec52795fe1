import Foundation

/// A number as a sheet writes it, kept exactly: `58.6`, `32.0`, `326331`, `-12`.
///
/// Sheets are compared by eye with the paper they came from, so `32.0%` must not come back as `32%`;
/// the text of the number (without grouping commas) is the value, and ``decimal`` is its arithmetic.
public struct SheetNumber: Hashable, Sendable, Codable, Comparable, CustomStringConvertible {
    /// Canonical text: an optional `-`, digits, an optional `.` and digits. No grouping.
    public let text: String

    /// Reads `58.6`, `９，５００`, `326,331`, `△12` / `▲12` (the minus signs of Japanese budgets), `-0.5`.
    /// Returns `nil` for anything else; a comma must group thousands (`1,2` is not a number).
    public init?(_ written: String) {
        var s = JapaneseText.normalized(written)
        var negative = false
        if let first = s.first, ["-", "−", "△", "▲"].contains(first), s.count > 1 {
            negative = true
            s.removeFirst()
        }
        if s.contains(",") {
            let parts = s.split(separator: ".", omittingEmptySubsequences: false)
            let groups = parts[0].split(separator: ",", omittingEmptySubsequences: false)
            guard parts.count <= 2, groups.count > 1, (1...3).contains(groups[0].count),
                groups.dropFirst().allSatisfy({ $0.count == 3 })
            else { return nil }
            s = s.replacingOccurrences(of: ",", with: "")
        }
        let parts = s.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy { $0.isASCII && $0.isNumber } })
        else { return nil }
        // Leading zeros carry nothing: 007 is 7, but 0.5 keeps its 0.
        var whole = String(parts[0].drop { $0 == "0" })
        if whole.isEmpty { whole = "0" }
        var canonical = whole
        if parts.count == 2 { canonical += "." + parts[1] }
        if negative && canonical.contains(where: { $0 != "0" && $0 != "." }) { canonical = "-" + canonical }
        // No sheet holds a figure of more than 30 digits; beyond that Decimal would not hold it either.
        guard canonical.count <= 32, Decimal(string: canonical, locale: Locale(identifier: "en_US_POSIX")) != nil else { return nil }
        text = canonical
    }

    public init(_ value: Int) { text = String(value) }

    public var decimal: Decimal { Decimal(string: text, locale: Locale(identifier: "en_US_POSIX"))! }
    public var double: Double { Double(text)! }
    /// The digits after the point as written (`32.0` has 1).
    public var scale: Int { text.split(separator: ".").count == 2 ? text.split(separator: ".")[1].count : 0 }
    /// An integer value, when the number has no fraction.
    public var integer: Int? { scale == 0 ? Int(text) : nil }

    /// `326,331` for tables that group thousands.
    public var grouped: String {
        var sign = ""
        var body = Substring(text)
        if body.first == "-" {
            sign = "-"
            body = body.dropFirst()
        }
        let parts = body.split(separator: ".", omittingEmptySubsequences: false)
        var digits = Array(parts[0])
        var out: [Character] = []
        while digits.count > 3 {
            out = [","] + digits.suffix(3) + out
            digits.removeLast(3)
        }
        out = digits + out
        return sign + String(out) + (parts.count == 2 ? "." + parts[1] : "")
    }

    public var description: String { text }

    public static func < (lhs: SheetNumber, rhs: SheetNumber) -> Bool { lhs.decimal < rhs.decimal }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let written = try container.decode(String.self)
        guard let n = SheetNumber(written), n.text == written else {
            throw DecodingError.dataCorruptedError(
                in: container, debugDescription: "Not a canonical number: \(written)")
        }
        self = n
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(text)
    }
}

/// One cell of an indicator or budget table: a number, or `-` (not applicable, not measured).
/// A blank cell is `nil` where the cell is optional: "not yet" is not "not applicable".
public enum SheetFigure: Hashable, Sendable, Codable, CustomStringConvertible {
    case number(SheetNumber)
    /// `-`, `－`, `―`: the sheet says there is no figure for this cell.
    case notApplicable

    public var number: SheetNumber? {
        if case .number(let n) = self { return n }
        return nil
    }

    /// As amount tables print it: `326,331`, or `-`.
    public var grouped: String { number?.grouped ?? description }

    public var description: String {
        switch self {
        case .number(let n): n.text
        case .notApplicable: "-"
        }
    }

    static let dashes: Set<String> = ["-", "－", "―", "—", "ー", "‐", "–"]

    /// Reads a number or a dash; `nil` for anything else.
    public init?(_ written: String) {
        let s = JapaneseText.normalized(written)
        if SheetFigure.dashes.contains(s) {
            self = .notApplicable
        } else if let n = SheetNumber(s) {
            self = .number(n)
        } else {
            return nil
        }
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let written = try container.decode(String.self)
        if written == "-" {
            self = .notApplicable
        } else if let n = SheetNumber(written), n.text == written {
            self = .number(n)
        } else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "Not a figure: \(written)")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
