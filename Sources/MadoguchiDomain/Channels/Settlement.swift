import Foundation
/// The monthly store settlement (コンビニ交付の精算): copies and fees per city, store chain, kind and medium (the card,
/// or a smartphone's certificate), as CSV. Each city computes its own lines from its completed sessions; a hub merges
/// the cities' lines.
public enum Settlement {
    public struct Line: Sendable, Hashable, Codable {
        public var month: String
        public var cityCode: String
        public var chain: String
        public var kind: String
        public var sessions: Int
        public var copies: Int
        public var feeYen: Int
        /// `card` or `smartphone`
        public var medium: String

        public init(
            month: String, cityCode: String, chain: String, kind: String, sessions: Int, copies: Int, feeYen: Int, medium: String = "card"
        ) {
            self.medium = medium
            self.month = month
            self.cityCode = cityCode
            self.chain = chain
            self.kind = kind
            self.sessions = sessions
            self.copies = copies
            self.feeYen = feeYen
        }
    }

    public static let header = "month,cityCode,chain,kind,kindJa,sessions,copies,feeYen,medium"

    /// A settlement month as `YYYY-MM` (JST), e.g. `2026-11`.
    public static func isMonth(_ text: String) -> Bool {
        guard text.count == 7, text.dropFirst(4).first == "-", let y = Int(text.prefix(4)), let m = Int(text.suffix(2)) else {
            return false
        }
        return (2000...2999).contains(y) && (1...12).contains(m)
    }

    /// RFC 4180 CSV with a header line and a total line.
    public static func csv(month: String, _ lines: [Line]) -> String {
        var out = header + "\r\n"
        for l in lines.sorted(by: { ($0.cityCode, $0.chain, $0.kind, $0.medium) < ($1.cityCode, $1.chain, $1.kind, $1.medium) }) {
            let kindJa = CertificateKind(rawValue: l.kind)?.japanese ?? ""
            out += [l.month, l.cityCode, l.chain, l.kind, kindJa, "\(l.sessions)", "\(l.copies)", "\(l.feeYen)", l.medium]
                .map(field).joined(separator: ",") + "\r\n"
        }
        out += [month, "合計", "", "", "", "\(lines.map(\.sessions).reduce(0, +))", "\(lines.map(\.copies).reduce(0, +))",
                "\(lines.map(\.feeYen).reduce(0, +))", ""].map(field).joined(separator: ",") + "\r\n"
        return out
    }

    /// Reads the lines back from a city's CSV (the total line is left out).
    public static func parse(_ text: String) -> [Line] {
        text.split(whereSeparator: \.isNewline).dropFirst().compactMap { raw in
            let f = fields(String(raw))
            // Eight columns: a city from before the medium was settled apart, whose sessions were all cards.
            guard f.count == 8 || f.count == 9, f[1] != "合計", let s = Int(f[5]), let c = Int(f[6]), let y = Int(f[7]) else { return nil }
            return Line(month: f[0], cityCode: f[1], chain: f[2], kind: f[3], sessions: s, copies: c, feeYen: y, medium: f.count == 9 ? f[8] : "card")
        }
    }

    static func field(_ s: String) -> String {
        s.contains(where: { $0 == "," || $0 == "\"" || $0.isNewline }) ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s
    }

    static func fields(_ line: String) -> [String] {
        var out: [String] = []
        var current = ""
        var quoted = false
        var chars = Array(line)[...]
        while let c = chars.popFirst() {
            if quoted {
                if c == "\"" {
                    if chars.first == "\"" { current.append("\""); chars = chars.dropFirst() } else { quoted = false }
                } else { current.append(c) }
            } else if c == "\"" { quoted = true } else if c == "," { out.append(current); current = "" } else { current.append(c) }
        }
        out.append(current)
        return out
    }
}
