import Foundation
import MadoguchiDomain

/// Helpers shared by the sheet readers: cells, blank cells, and errors that name the line.
enum SheetText {
    /// A cell's text as written, trimmed; a cell of only spaces or NBSP is blank ("").
    /// Text keeps its full-width characters; numbers, years and labels are normalised where they are read.
    static func cell(_ raw: Substring) -> String { cell(String(raw)) }

    static func cell(_ raw: String) -> String {
        let trimmed = raw.trimmingCharacters(in: CharacterSet.whitespacesAndNewlines.union(["\u{00A0}"]))
        return trimmed
    }

    /// A heading with its decorative spaces taken out: `【 実施項目 と スケジュール 】` → `【実施項目とスケジュール】`.
    static func compact(_ s: String) -> String {
        JapaneseText.normalized(s).filter { !$0.isWhitespace && $0 != "\u{00A0}" }
    }

    static func lineError(_ line: Int, _ ja: String, _ en: String) -> MadoguchiError {
        MadoguchiError(.sheetUnreadable, ja: "\(line)行目を読めません: \(ja)", en: "Cannot read line \(line): \(en)")
    }

    /// Runs `body`, turning a domain error it throws into one that names the line.
    static func at<T>(_ line: Int, _ body: () throws -> T) throws -> T {
        do { return try body() } catch let e as MadoguchiError where !e.ja.contains("行目を読めません") {
            throw MadoguchiError(
                .sheetUnreadable, ja: "\(line)行目を読めません: \(e.ja)", en: "Cannot read line \(line): \(e.en)")
        }
    }

    /// The era a sheet's bare years (`26年度`) are in: the first explicit era year it writes (H24, 平成26年度, 令和６年度).
    static func contextEra(_ text: String) -> JapaneseEra? {
        let s = JapaneseText.normalized(text)
        let chars = Array(s)
        for (i, c) in chars.enumerated() {
            var symbol: String?
            if "HRS".contains(c), i + 1 < chars.count, chars[i + 1].isASCII, chars[i + 1].isNumber,
                i == 0 || !(chars[i - 1].isASCII && chars[i - 1].isLetter)
            {
                symbol = String(c)
            } else if i + 2 < chars.count, ["平成", "令和", "昭和"].contains(String(chars[i...i + 1])),
                chars[i + 2].isNumber || chars[i + 2] == "元"
            {
                symbol = String(chars[i...i + 1])
            }
            if let symbol, let era = JapaneseEra(symbol: symbol) { return era }
        }
        return nil
    }

    /// Text with its HTML paragraph and line-break tags taken out (the TSV export keeps some).
    static func strippingTags(_ s: String) -> String {
        var out = s
        for tag in ["<p>", "</p>", "<P>", "</P>", "<br>", "<br/>", "<br />", "<BR>"] {
            out = out.replacingOccurrences(of: tag, with: tag.lowercased().hasPrefix("<br") ? "\n" : " ")
        }
        return out
    }

    /// Splits running text into its bullets (○ or ●), each kept with its bullet.
    static func bullets(_ s: String) -> [String] {
        var out: [String] = []
        var current = ""
        for c in s {
            if (c == "○" || c == "●") && !current.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
                out.append(current.trimmingCharacters(in: .whitespacesAndNewlines))
                current = ""
            }
            current.append(c)
        }
        let last = current.trimmingCharacters(in: .whitespacesAndNewlines)
        if !last.isEmpty { out.append(last) }
        return out
    }

    /// Splits `43.4%` into its number and unit; `-` is not applicable; blank is `nil`.
    static func figureWithUnit(_ s: String) -> (SheetFigure, String?)? {
        let t = cell(s)
        if let f = SheetFigure(t) { return (f, nil) }
        var numberEnd = t.startIndex
        for i in t.indices {
            let c = t[i]
            if c.isNumber || c == "." || c == "," || (i == t.startIndex && "-△▲".contains(c)) {
                numberEnd = t.index(after: i)
            } else {
                break
            }
        }
        guard numberEnd > t.startIndex, let n = SheetNumber(String(t[..<numberEnd])) else { return nil }
        let unit = String(t[numberEnd...]).trimmingCharacters(in: .whitespaces)
        guard !unit.isEmpty, unit.count <= 4, !unit.contains(where: { $0.isNumber }) else { return nil }
        return (.number(n), unit)
    }
}
