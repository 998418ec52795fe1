import Foundation

/// Text normalization for what staff and old sheets type: full-width digits and letters
/// (令和６年度, Ｒ６), full-width brackets and spaces.
public enum JapaneseText {
    /// NFKC-normalises (full-width ASCII → ASCII) and trims white space.
    /// Kana and kanji are left as they are; variation selectors are kept.
    public static func normalized(_ text: String) -> String {
        // Fast path: most text (registry names, generated data) needs no change.
        if !needsNormalizing(text) { return text }
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar.value {
            case 0xFF01...0xFF5E:  // full-width ASCII variants
                out.unicodeScalars.append(Unicode.Scalar(scalar.value - 0xFEE0)!)
            case 0x3000:  // ideographic space
                out.append(" ")
            default:
                out.unicodeScalars.append(scalar)
            }
        }
        return out.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    static func needsNormalizing(_ text: String) -> Bool {
        guard let first = text.unicodeScalars.first, let last = text.unicodeScalars.last else { return false }
        if first.properties.isWhitespace || last.properties.isWhitespace { return true }
        for scalar in text.unicodeScalars where (0xFF01...0xFF5E).contains(scalar.value) || scalar.value == 0x3000 {
            return true
        }
        return false
    }
}

extension String {
    /// The text without the spaces and tabs at either end (ASCII and the full-width 　, every Unicode space
    /// separator), as `trimmingCharacters(in: .whitespaces)` gives, without bridging to Foundation: an import trims every
    /// field of millions of rows, and the common field with nothing to trim is returned as it is.
    public var trimmingSpaces: String {
        func isSpace(_ s: Unicode.Scalar) -> Bool { s == " " || s == "\t" || s.properties.generalCategory == .spaceSeparator }
        let scalars = unicodeScalars
        guard let first = scalars.first, let last = scalars.last, isSpace(first) || isSpace(last) else { return self }
        guard let start = scalars.firstIndex(where: { !isSpace($0) }) else { return "" }
        let end = scalars.lastIndex(where: { !isSpace($0) })!
        return String(scalars[start...end])
    }
}
