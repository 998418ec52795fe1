import Foundation

/// The claims a certificate's QR code carries: enough to identify the document and its holder, and the
/// digest of everything the paper prints. Least data: names and birth dates only.
public struct DocumentClaims: Codable, Sendable, Hashable {
    /// Document id
    public var jti: String
    /// The issuing city's 全国地方公共団体コード
    public var iss: String
    /// Issued at (seconds since 1970)
    public var iat: Int64
    /// Certificate kind (`residentRecordCopy` …)
    public var kind: String
    /// Holder name(s) as printed
    public var names: [String]
    /// Holder birth date(s), `YYYY-MM-DD`
    public var births: [String]
    /// SHA-256 (hex) of the document's canonical content
    public var digest: String

    public init(jti: String, iss: String, iat: Int64, kind: String, names: [String], births: [String], digest: String) {
        self.jti = jti
        self.iss = iss
        self.iat = iat
        self.kind = kind
        self.names = names
        self.births = births
        self.digest = digest
    }

    public func json() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(self)
    }
}
