import Crypto
import Foundation

/// Signed requests from a hub to a city (ADR 0009 §3). The hub signs every kiosk request with its Ed25519 key, over:
///
///     madoguchi-hub-request/1
///     METHOD
///     /path?query
///     city code the request is for
///     unix seconds
///     nonce (base64url, 16 bytes)
///     SHA-256 of the body (base64url)
///     key id
///
/// A city verifies with the hubs' public keys it was given, on its own clock (±5 minutes), and keeps each nonce it
/// has seen for as long as a signature stays fresh. So a signed request cannot be changed, sent to another city,
/// or sent twice, and the city knows which hub sent it. The signature survives a TLS-terminating proxy in front of
/// the city, which a client certificate would not.
public enum HubSignature {
    public static let version = "madoguchi-hub-request/1"
    public static let hubHeader = "X-Madoguchi-Hub"
    public static let dateHeader = "X-Madoguchi-Date"
    public static let nonceHeader = "X-Madoguchi-Nonce"
    public static let digestHeader = "X-Madoguchi-Content-SHA256"
    public static let signatureHeader = "X-Madoguchi-Signature"
    /// How far a request's date may be from the city's clock, either way
    public static let windowSeconds: Int64 = 300

    /// The bytes signed.
    public static func canonical(
        method: String, target: String, city: String, date: Int64, nonce: String, digest: String, keyId: String
    ) -> Data {
        Data([version, method.uppercased(), target, city, String(date), nonce, digest, keyId].joined(separator: "\n").utf8)
    }

    public static func digest(_ body: Data) -> String { Base64URL.encode(Data(SHA256.hash(data: body))) }

    /// A hub's signing key and its id, as the cities know it.
    public struct SigningKey: Sendable {
        public let id: String
        let key: Curve25519.Signing.PrivateKey

        public init(id: String, key: Curve25519.Signing.PrivateKey) {
            self.id = id
            self.key = key
        }

        /// A new key.
        public static func generate(id: String) -> SigningKey { SigningKey(id: id, key: Curve25519.Signing.PrivateKey()) }

        /// The public key, base64url: what a city puts in its hub-keys file next to the id.
        public var publicKey: String { Base64URL.encode(key.publicKey.rawRepresentation) }

        /// The key file: one line, `ID PRIVATE-KEY` (base64url of the 32-byte seed).
        public var fileText: String { "\(id) \(Base64URL.encode(key.rawRepresentation))\n" }

        /// Reads a key file; nil when it is not one.
        public init?(fileText: String) {
            let parts = fileText.split(whereSeparator: \.isWhitespace).map(String.init)
            guard parts.count == 2, HubKeys.isKeyId(parts[0]), let raw = Base64URL.decode(parts[1]),
                let key = try? Curve25519.Signing.PrivateKey(rawRepresentation: raw)
            else { return nil }
            self.init(id: parts[0], key: key)
        }

        /// The headers that sign one request.
        public func headers(method: String, target: String, city: String, body: Data, now: Date) throws -> [(String, String)] {
            let date = Int64(now.timeIntervalSince1970.rounded(.down))
            var rng = SystemRandomNumberGenerator()
            let nonce = Base64URL.encode(Data((0..<16).map { _ in UInt8.random(in: 0...255, using: &rng) }))
            let digest = HubSignature.digest(body)
            let signed = HubSignature.canonical(
                method: method, target: target, city: city, date: date, nonce: nonce, digest: digest, keyId: id)
            let signature = try key.signature(for: signed)
            return [
                (hubHeader, id), (dateHeader, String(date)), (nonceHeader, nonce), (digestHeader, digest),
                (signatureHeader, Base64URL.encode(signature)),
            ]
        }
    }

    /// Why a signed request was refused.
    public enum Refusal: String, Sendable, Error {
        /// Headers missing or malformed
        case unsigned
        /// The key id is not one this city was given
        case unknownHub
        /// The date is more than the window away from the city's clock
        case stale
        /// The body does not match its digest
        case digestMismatch
        /// The signature does not verify (changed, or meant for another city or path)
        case badSignature
        /// This nonce was seen already
        case replayed
    }
}

/// The hubs a city accepts: key id → Ed25519 public key. Read from a file of `ID PUBLIC-KEY` lines (`#` comments).
public struct HubKeys: Sendable {
    let keys: [String: Curve25519.Signing.PublicKey]

    public var ids: [String] { keys.keys.sorted() }

    public init(_ keys: [String: Curve25519.Signing.PublicKey]) { self.keys = keys }

    static func isKeyId(_ id: String) -> Bool {
        (1...64).contains(id.utf8.count) && id.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "-_.".contains($0)) }
    }

    /// Parses the file; throws the number of the first bad line (1-based).
    public static func parse(_ text: String) throws -> HubKeys {
        var keys: [String: Curve25519.Signing.PublicKey] = [:]
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first?
                .trimmingCharacters(in: .whitespaces) ?? ""
            if line.isEmpty { continue }
            let parts = line.split(whereSeparator: \.isWhitespace).map(String.init)
            guard parts.count == 2, isKeyId(parts[0]), keys[parts[0]] == nil, let raw = Base64URL.decode(parts[1]),
                let key = try? Curve25519.Signing.PublicKey(rawRepresentation: raw)
            else { throw HubKeysError(line: index + 1) }
            keys[parts[0]] = key
        }
        return HubKeys(keys)
    }

    /// Checks a request's signature headers (`header` reads one by name) and returns the hub's key id.
    public func verify(
        method: String, target: String, city: String, body: Data, now: Date, header: (String) -> String?
    ) -> Result<(keyId: String, nonce: String, date: Int64), HubSignature.Refusal> {
        guard let id = header(HubSignature.hubHeader), let dateText = header(HubSignature.dateHeader),
            let date = Int64(dateText), let nonce = header(HubSignature.nonceHeader), (16...64).contains(nonce.count),
            let digest = header(HubSignature.digestHeader), let signatureText = header(HubSignature.signatureHeader),
            let signature = Base64URL.decode(signatureText)
        else { return .failure(.unsigned) }
        guard let key = keys[id] else { return .failure(.unknownHub) }
        let clock = Int64(now.timeIntervalSince1970.rounded(.down))
        guard abs(clock - date) <= HubSignature.windowSeconds else { return .failure(.stale) }
        guard HubSignature.digest(body) == digest else { return .failure(.digestMismatch) }
        let signed = HubSignature.canonical(method: method, target: target, city: city, date: date, nonce: nonce, digest: digest, keyId: id)
        guard key.isValidSignature(signature, for: signed) else { return .failure(.badSignature) }
        return .success((id, nonce, date))
    }
}

public struct HubKeysError: Error, Sendable {
    /// The first bad line (1-based); 0 when the file holds no key at all
    public let line: Int
    public init(line: Int) { self.line = line }
}
