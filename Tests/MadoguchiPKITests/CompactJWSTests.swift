import Crypto
import Foundation
import Testing

@testable import MadoguchiPKI

@Suite("署名（ES256 compact JWS）")
struct CompactJWSTests {
    static let key = SigningKey.generate()
    static let keys = JWKSet(keys: [key.publicJWK])
    static let claims = DocumentClaims(
        jti: "0123456789abcdef0123456789abcdef", iss: "149802", iat: 1_795_482_000, kind: "residentRecordCopy",
        names: ["渡邉\u{E0110}　𠮷乃"], births: ["1989-01-07"], digest: String(repeating: "ab", count: 32))

    static func token() throws -> String { try CompactJWS.sign(try claims.json(), with: key) }

    @Test("a signed token verifies and returns the exact claims")
    func roundTrip() throws {
        let (kid, payload) = try CompactJWS.verify(try Self.token(), keys: Self.keys)
        #expect(kid == Self.key.kid)
        #expect(try JSONDecoder().decode(DocumentClaims.self, from: payload) == Self.claims)
    }

    static func parts(_ t: String) -> [String] { t.split(separator: ".", omittingEmptySubsequences: false).map(String.init) }

    @Test("a changed claim, signature or header is rejected")
    func tampering() throws {
        let p = Self.parts(try Self.token())
        var forged = Self.claims
        forged.names = ["山田　太郎"]
        let forgedPayload = Base64URL.encode(try forged.json())
        #expect(throws: JWSError.badSignature) { try CompactJWS.verify([p[0], forgedPayload, p[2]].joined(separator: "."), keys: Self.keys) }
        var signature = Array(Base64URL.decode(p[2])!)
        signature[10] ^= 0x01
        #expect(throws: JWSError.badSignature) {
            try CompactJWS.verify([p[0], p[1], Base64URL.encode(signature)].joined(separator: "."), keys: Self.keys)
        }
        let none = Base64URL.encode(Data(#"{"alg":"none","kid":"\#(Self.key.kid)"}"#.utf8))
        #expect(throws: JWSError.unsupportedAlgorithm("none")) { try CompactJWS.verify([none, p[1], ""].joined(separator: "."), keys: Self.keys) }
        let hs = Base64URL.encode(Data(#"{"alg":"HS256","kid":"\#(Self.key.kid)"}"#.utf8))
        #expect(throws: JWSError.unsupportedAlgorithm("HS256")) { try CompactJWS.verify([hs, p[1], p[2]].joined(separator: "."), keys: Self.keys) }
        for bad in ["", "a.b", "a.b.c.d", "!!.@@.##", p[0] + "." + p[1]] {
            #expect(throws: JWSError.self) { try CompactJWS.verify(bad, keys: Self.keys) }
        }
    }

    @Test("another key's signature is refused, by kid and by signature")
    func otherKey() throws {
        let other = SigningKey.generate()
        let token = try CompactJWS.sign(try Self.claims.json(), with: other)
        #expect(throws: JWSError.unknownKey(other.kid)) { try CompactJWS.verify(token, keys: Self.keys) }
        // Same kid, different key: the signature does not hold.
        let impostor = SigningKey(kid: Self.key.kid, privateKey: P256.Signing.PrivateKey())
        #expect(throws: JWSError.badSignature) { try CompactJWS.verify(try CompactJWS.sign(try Self.claims.json(), with: impostor), keys: Self.keys) }
    }

    @Test("JWK: the public key round-trips; the kid is its thumbprint")
    func jwk() throws {
        let jwk = Self.key.publicJWK
        #expect(jwk.publicKey?.rawRepresentation == Self.key.privateKey.publicKey.rawRepresentation)
        #expect(jwk.kid == jwk.thumbprint)
        #expect(jwk.kid.count == 16)
        let decoded = try JSONDecoder().decode(PublicJWK.self, from: try JSONEncoder().encode(jwk))
        #expect(decoded == jwk)
    }

    @Test("the QR text may be the token or a URL carrying it")
    func tokenFromText() {
        #expect(DocumentVerification.token(from: " abc.def.ghi\n") == "abc.def.ghi")
        #expect(DocumentVerification.token(from: "https://city.example/verify#abc.def.ghi") == "abc.def.ghi")
        #expect(DocumentVerification.token(from: "https://city.example/verify?token=abc.def.ghi&x=1") == "abc.def.ghi")
        #expect(DocumentVerification.token(from: "\u{3000}abc.def.ghi\u{3000}\t") == "abc.def.ghi", "ideographic spaces pasted from an IME")
        #expect(DocumentVerification.token(from: "https://city.example/verify?token=abc.def.ghi") == "abc.def.ghi")
        #expect(DocumentVerification.token(from: "") == "")
        #expect(DocumentVerification.token(from: "\u{3000} \n") == "")
        #expect(DocumentVerification.token(from: "token=") == "")
    }

    @Test("base64url: every length round-trips; padding, '+', '/', other characters and an impossible length are refused")
    func base64url() {
        var state: UInt64 = 7
        for length in 0...70 {
            let bytes = (0..<length).map { _ -> UInt8 in
                state = state &* 6_364_136_223_846_793_005 &+ 1
                return UInt8(state >> 56)
            }
            let text = Base64URL.encode(Data(bytes))
            #expect(!text.contains("=") && !text.contains("+") && !text.contains("/"))
            #expect(Base64URL.decode(text) == Data(bytes), "length \(length)")
            // Foundation's decoder, on the padded standard alphabet, agrees.
            var standard = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
            while standard.count % 4 != 0 { standard += "=" }
            #expect(Data(base64Encoded: standard) == Data(bytes))
            // And the encoder writes exactly what Foundation's does, translated and unpadded.
            #expect(text == Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-")
                .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: ""), "length \(length)")
        }
        for bad in ["QQ==", "a+b/", "QUJD\n", "QUJD RA", "QUJDR", "ＱＵＪＤ", "QUJD.", "Q"] {
            #expect(Base64URL.decode(bad) == nil, "\(bad)")
        }
        #expect(Base64URL.decode("") == Data())
    }

    @Test("a token whose header, payload or signature is not base64url, or has too few or many parts, is malformed")
    func malformedParts() throws {
        let p = try Self.token().split(separator: ".").map(String.init)
        for bad in [p[0] + "=." + p[1] + "." + p[2], p[0] + "." + p[1] + "+." + p[2], p[0] + "." + p[1], p.joined(separator: ".") + ".x",
                    "." + p[1] + "." + p[2]] {
            #expect(throws: JWSError.malformed) { try CompactJWS.verify(bad, keys: Self.keys) }
        }
        // An empty payload is base64url; it is the signature that fails.
        #expect(throws: JWSError.badSignature) { try CompactJWS.verify(p[0] + ".." + p[2], keys: Self.keys) }
    }

    @Test("offline verification says valid only for a genuine token")
    func offline() throws {
        #expect(DocumentVerification.offline(try Self.token(), keys: Self.keys).status == .valid)
        #expect(DocumentVerification.offline(try Self.token(), keys: JWKSet(keys: [])).status == .invalid)
        #expect(DocumentVerification.offline("garbage", keys: Self.keys).status == .invalid)
    }
}
