import Foundation

/// Text normalization for what staff and old sheets type: full-width digits and letters
/// (令和６年度, Ｒ６), full-width brackets and spaces.
public enum JapaneseText {
    /// NFKC-normalises (full-width ASCII → ASCII) and trims white space.
    /// Kana and kanji are left as they are; variation selectors are kept.
    public static func normalized(_ text: String) -> String {
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
}
