import MadoguchiDomain

/// The copier's touch screen: 行政サービス → 証明書交付 → card → PIN → choose → copies → confirm → pay → print.
/// With a スマホ用電子証明書 the phone is held to the reader instead (no card slot) and unlocked on the phone, by the
/// phone's PIN or its biometrics; the copier's keypad is never used. Japanese first, English on a toggle; every
/// target at least 64 px high.
enum StorePage {
    /// The session states the page compares with, from the one closed set (never spelled again in JavaScript).
    static let states = "{" + KioskSessionState.allCases.map { "\"\($0)\": \"\($0.rawValue)\"" }.joined(separator: ", ") + "}"

    /// The page (`Assets/store.html`, compiled into the binary) with the session states in its script.
    static let html = String(decoding: PackageResources.store_html, as: UTF8.self).replacingOccurrences(of: "__STATES__", with: states)
}
