import Foundation

/// The answer a verifier gives about a certificate's QR code.
public struct DocumentVerification: Codable, Sendable, Hashable {
    public enum Status: String, Codable, Sendable, CaseIterable {
        /// Signed by the city, and (online) issued and in force
        case valid
        /// Not a genuine token, or the paper does not match it
        case invalid
        /// Voided by the city after issue
        case revoked
        /// Replaced by a reprint; the newer document is the one in force
        case superseded

        public var japanese: String {
            switch self {
            case .valid: "有効"
            case .invalid: "無効（偽造・改ざんの疑い）"
            case .revoked: "失効（市が取り消しました）"
            case .superseded: "差し替え済み（再発行されています）"
            }
        }
    }

    public var status: Status
    public var message: [String: String]
    public var claims: DocumentClaims?
    public var kid: String?
    /// Whether the city's records were consulted (online) or only the signature (offline)
    public var checkedOnline: Bool
    public var supersededBy: String?

    public init(
        status: Status, ja: String, en: String, claims: DocumentClaims? = nil, kid: String? = nil, checkedOnline: Bool,
        supersededBy: String? = nil
    ) {
        self.status = status
        self.message = ["ja": ja, "en": en]
        self.claims = claims
        self.kid = kid
        self.checkedOnline = checkedOnline
        self.supersededBy = supersededBy
    }

    /// Pulls the token out of what a reader scanned or pasted: the JWS itself, or a URL carrying it
    /// (`…/verify#<jws>` or `…/verify?token=<jws>`).
    public static func token(from text: String) -> String {
        // Trimmed by scalars at the two ends only (an ideographic space pasted from a Japanese IME counts), and
        // searched by bytes: Foundation's trimming and searching were a fifth of a verification.
        let scalars = text.unicodeScalars
        var start = scalars.startIndex
        var end = scalars.endIndex
        while start < end, scalars[start].properties.isWhitespace { start = scalars.index(after: start) }
        while end > start, scalars[scalars.index(before: end)].properties.isWhitespace { end = scalars.index(before: end) }
        var s = Substring(text.unicodeScalars[start..<end])
        if let hash = s.utf8.firstIndex(of: UInt8(ascii: "#")) { s = s[s.utf8.index(after: hash)...] }
        let marker = Array("token=".utf8)
        let bytes = Array(s.utf8)
        if bytes.count >= marker.count, let at = (0...(bytes.count - marker.count)).first(where: { bytes[$0..<$0 + marker.count].elementsEqual(marker) }) {
            let value = bytes[(at + marker.count)...].prefix { $0 != UInt8(ascii: "&") }
            return String(decoding: value, as: UTF8.self)
        }
        return String(s)
    }

    /// Checks the signature against a key set only (offline: no revocation check).
    public static func offline(_ text: String, keys: JWKSet) -> DocumentVerification {
        let token = token(from: text)
        do {
            let (kid, payload) = try CompactJWS.verify(token, keys: keys)
            guard let claims = try? JSONDecoder().decode(DocumentClaims.self, from: payload) else {
                return DocumentVerification(
                    status: .invalid, ja: "署名は正しいものの、証明書の情報として読めません。", en: "Signed, but not certificate claims.",
                    kid: kid, checkedOnline: false)
            }
            return DocumentVerification(
                status: .valid, ja: "市の署名を確認しました（取消の有無はオンラインで確認してください）。",
                en: "The city's signature holds (check online for revocation).", claims: claims, kid: kid, checkedOnline: false)
        } catch let error as JWSError {
            return DocumentVerification(
                status: .invalid, ja: "署名を確認できません（\(error.japanese)）。", en: "Signature check failed: \(error).",
                checkedOnline: false)
        } catch {
            return DocumentVerification(status: .invalid, ja: "確認できません。", en: "\(error)", checkedOnline: false)
        }
    }
}

extension JWSError {
    public var japanese: String {
        switch self {
        case .malformed: "二次元コードの形式が正しくありません"
        case .unsupportedAlgorithm: "受け付けない署名方式です"
        case .unknownKey: "市の公開鍵に該当する鍵がありません"
        case .badSignature: "署名が一致しません"
        }
    }
}
