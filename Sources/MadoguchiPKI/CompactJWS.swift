import Crypto
import Foundation

/// Base64url without padding (RFC 7515 §2).
public enum Base64URL {
    /// Unpadded base64url (RFC 4648 §5), three bytes to four characters through a table: every issuance signs a
    /// token, and Foundation's base64 with three `replacingOccurrences` passes over it took 4 % of an issuance.
    public static func encode(_ data: some DataProtocol) -> String {
        let bytes = Array(data)
        var out = [UInt8]()
        out.reserveCapacity((bytes.count * 4 + 2) / 3)
        var i = 0
        while i + 3 <= bytes.count {
            let n = UInt32(bytes[i]) << 16 | UInt32(bytes[i + 1]) << 8 | UInt32(bytes[i + 2])
            out.append(alphabet[Int(n >> 18 & 63)])
            out.append(alphabet[Int(n >> 12 & 63)])
            out.append(alphabet[Int(n >> 6 & 63)])
            out.append(alphabet[Int(n & 63)])
            i += 3
        }
        let rest = bytes.count - i
        if rest > 0 {
            let n = UInt32(bytes[i]) << 16 | (rest == 2 ? UInt32(bytes[i + 1]) << 8 : 0)
            out.append(alphabet[Int(n >> 18 & 63)])
            out.append(alphabet[Int(n >> 12 & 63)])
            if rest == 2 { out.append(alphabet[Int(n >> 6 & 63)]) }
        }
        return String(decoding: out, as: UTF8.self)
    }

    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)

    /// Decodes unpadded base64url (RFC 4648 §5), as JWS writes it; any other character, padding included, is refused.
    /// Byte by byte through a table: verifying a QR code decodes three of these, and going through `Character`s and
    /// Foundation's base64 took a third of a verification.
    public static func decode(_ text: some StringProtocol) -> Data? {
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count * 3 / 4)
        var buffer: UInt32 = 0
        var bits = 0
        for byte in text.utf8 {
            let value = values[Int(byte)]
            guard value != 0xFF else { return nil }
            buffer = buffer << 6 | UInt32(value)
            bits += 6
            if bits >= 8 {
                bits -= 8
                out.append(UInt8(truncatingIfNeeded: buffer >> UInt32(bits)))
            }
        }
        // A final group of one character cannot hold a byte.
        guard text.utf8.count % 4 != 1 else { return nil }
        return Data(out)
    }

    /// Each byte's six-bit value, or 0xFF for a byte that is not base64url.
    private static let values: [UInt8] = {
        var table = [UInt8](repeating: 0xFF, count: 256)
        for (i, c) in alphabet.enumerated() { table[Int(c)] = UInt8(i) }
        return table
    }()
}

/// A document-signing key: ES256 (ECDSA P-256 with SHA-256), named by its `kid`.
public struct SigningKey: Sendable {
    public let kid: String
    public let privateKey: P256.Signing.PrivateKey

    public init(kid: String, privateKey: P256.Signing.PrivateKey) {
        self.kid = kid
        self.privateKey = privateKey
    }

    /// A new key; its `kid` is the RFC 7638 thumbprint of its public JWK (first 16 characters).
    public static func generate() -> SigningKey {
        let key = P256.Signing.PrivateKey()
        return SigningKey(kid: PublicJWK(key.publicKey, kid: "").thumbprint, privateKey: key)
    }

    public var publicJWK: PublicJWK { PublicJWK(privateKey.publicKey, kid: kid) }
}

/// A public key as a JSON Web Key (RFC 7517/7518).
public struct PublicJWK: Codable, Sendable, Hashable {
    public var kty = "EC"
    public var crv = "P-256"
    public var x: String
    public var y: String
    public var kid: String
    public var use = "sig"
    public var alg = "ES256"

    public init(_ key: P256.Signing.PublicKey, kid: String) {
        let raw = key.rawRepresentation  // x || y, 32 bytes each
        x = Base64URL.encode(raw.prefix(32))
        y = Base64URL.encode(raw.suffix(32))
        self.kid = kid
    }

    public var publicKey: P256.Signing.PublicKey? {
        guard kty == "EC", crv == "P-256", let x = Base64URL.decode(x), let y = Base64URL.decode(y), x.count == 32, y.count == 32
        else { return nil }
        return try? P256.Signing.PublicKey(rawRepresentation: x + y)
    }

    /// RFC 7638 thumbprint (base64url SHA-256 of the required members in order), shortened for a `kid`.
    public var thumbprint: String {
        let canonical = #"{"crv":"\#(crv)","kty":"\#(kty)","x":"\#(x)","y":"\#(y)"}"#
        return String(Base64URL.encode(Data(SHA256.hash(data: Data(canonical.utf8)))).prefix(16))
    }
}

/// A JWK Set as served at `/.well-known/jwks.json`.
public struct JWKSet: Codable, Sendable, Hashable {
    public var keys: [PublicJWK]

    public init(keys: [PublicJWK]) { self.keys = keys }

    public func key(kid: String) -> PublicJWK? { keys.first { $0.kid == kid } }
}

/// What can be wrong with a token.
public enum JWSError: Error, Sendable, Hashable, CustomStringConvertible {
    case malformed
    case unsupportedAlgorithm(String)
    case unknownKey(String)
    case badSignature

    public var description: String {
        switch self {
        case .malformed: "not a compact JWS"
        case .unsupportedAlgorithm(let a): "algorithm \(a) is not accepted (ES256 only)"
        case .unknownKey(let k): "no published key with kid \(k)"
        case .badSignature: "the signature does not match"
        }
    }
}

/// Compact JWS (RFC 7515) with ES256 only: `base64url(header).base64url(payload).base64url(r || s)`.
public enum CompactJWS {
    struct Header: Codable {
        var alg: String
        var kid: String?
        var typ: String?
    }

    public static func sign(_ payload: Data, with key: SigningKey, type: String = "JWT") throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let header = try encoder.encode(Header(alg: "ES256", kid: key.kid, typ: type))
        let input = Base64URL.encode(header) + "." + Base64URL.encode(payload)
        let signature = try key.privateKey.signature(for: Data(input.utf8))
        return input + "." + Base64URL.encode(signature.rawRepresentation)
    }

    /// Every token of one key has the same header, and the city has a few keys: headers and public keys are decoded
    /// once and kept (a few dozen at most; past that, decoded each time), which halves a verification's cost.
    private static let cacheLock = NSLock()
    nonisolated(unsafe) private static var headers: [String: Header] = [:]
    nonisolated(unsafe) private static var publicKeys: [String: P256.Signing.PublicKey] = [:]
    private static let cacheLimit = 64

    private static func header(_ encoded: Substring) -> Header? {
        if let known = cacheLock.withLock({ headers[String(encoded)] }) { return known }
        guard let data = Base64URL.decode(encoded), let header = try? JSONDecoder().decode(Header.self, from: data) else { return nil }
        cacheLock.withLock { if headers.count < cacheLimit { headers[String(encoded)] = header } }
        return header
    }

    private static func publicKey(_ jwk: PublicJWK) -> P256.Signing.PublicKey? {
        let name = "\(jwk.kid) \(jwk.x) \(jwk.y)"
        if let known = cacheLock.withLock({ publicKeys[name] }) { return known }
        guard let key = jwk.publicKey else { return nil }
        cacheLock.withLock { if publicKeys.count < cacheLimit { publicKeys[name] = key } }
        return key
    }

    /// Verifies the signature against a key set and returns the kid and the payload bytes.
    public static func verify(_ token: String, keys: JWKSet) throws -> (kid: String, payload: Data) {
        let utf8 = token.utf8
        let parts = utf8.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        guard parts.count == 3, let header = Self.header(Substring(parts[0])), let payload = Base64URL.decode(Substring(parts[1])),
            let signatureData = Base64URL.decode(Substring(parts[2]))
        else { throw JWSError.malformed }
        guard header.alg == "ES256" else { throw JWSError.unsupportedAlgorithm(header.alg) }
        guard let kid = header.kid, let jwk = keys.key(kid: kid), let publicKey = Self.publicKey(jwk) else {
            throw JWSError.unknownKey(header.kid ?? "(none)")
        }
        guard let signature = try? P256.Signing.ECDSASignature(rawRepresentation: signatureData),
            publicKey.isValidSignature(signature, for: Array(utf8[..<parts[2].startIndex].dropLast()))
        else { throw JWSError.badSignature }
        return (kid, payload)
    }
}
