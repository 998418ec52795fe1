/// The language of a page: its words, and the link to the same page in the other language. Every field is stored, so
/// that a template reads it (`{{language.code}}`, `{{language.otherName}}`, `{{#language.en}}`).
struct Language: Sendable, Equatable {
    let en: Bool
    /// `ja` or `en`
    let code: String
    /// The other language's code
    let other: String
    /// The other language's name, in that language (the toggle's text)
    let otherName: String

    /// English for `en`, else Japanese.
    init(_ code: String?) {
        en = code == "en"
        self.code = en ? "en" : "ja"
        other = en ? "ja" : "en"
        otherName = en ? "日本語" : "English"
    }

    func t(_ ja: String, _ english: String) -> String { en ? english : ja }

    /// The same page and query in the other language: `path?query&lang=other` (any `lang` of the query dropped).
    func toggle(_ path: String, query: String) -> String {
        let kept = Self.withoutLanguage(query)
        return path + "?" + (kept.isEmpty ? "" : kept + "&") + "lang=\(other)"
    }

    /// What kept of the query when it is not about the language: for links that stay in any language (CSV).
    static func withoutLanguage(_ query: String) -> String {
        query.split(separator: "&").filter { !$0.hasPrefix("lang=") }.joined(separator: "&")
    }
}

/// A link on a page.
struct PageLink {
    let href: String
    let text: String
}
