/// Search keys for names: staff type 高橋 and expect to find 髙橋, type やまだ and find ヤマダ.
/// The registry keeps names exactly; only the search key is folded.
public enum NameFolding {
    /// Common 異体字 folded to the form staff type.
    static let variants: [Character: Character] = [
        "髙": "高", "﨑": "崎", "嵜": "崎", "𠮷": "吉", "邊": "辺", "邉": "辺", "濵": "浜", "濱": "浜",
        "齋": "斎", "齊": "斉", "澤": "沢", "櫻": "桜", "廣": "広", "國": "国", "惠": "恵", "眞": "真",
        "德": "徳", "冨": "富", "嶋": "島", "嶌": "島", "峯": "峰", "槇": "槙", "瀨": "瀬", "籠": "篭",
    ]

    /// Variation selectors (U+FE00–FE0F, U+E0100–E01EF) dropped, variants folded, spaces removed.
    public static func searchKey(_ text: String) -> String {
        var out = ""
        for scalar in JapaneseText.normalized(text).unicodeScalars {
            let v = scalar.value
            if (0xFE00...0xFE0F).contains(v) || (0xE0100...0xE01EF).contains(v) || v == 0x20 || v == 0x3000 {
                continue
            }
            out.unicodeScalars.append(scalar)
        }
        return String(out.map { variants[$0] ?? $0 })
    }

    /// Katakana key without spaces.
    public static func kanaKey(_ text: String) -> String {
        Kana.toKatakana(JapaneseText.normalized(text)).filter { $0 != " " && $0 != "　" }
    }

    /// Whether a query token is a reading (hiragana or katakana only).
    public static func isKana(_ text: String) -> Bool {
        let key = kanaKey(text)
        return !key.isEmpty && Kana.isKatakanaReading(key)
    }
}
