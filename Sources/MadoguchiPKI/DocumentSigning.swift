import Crypto
import Foundation
import SwiftASN1
import X509

/// The city's document authority: an ECDSA P-256 CA, separate from the card authority, that certifies the key the
/// city signs its PDF certificates with (電子交付). Anyone checks a signed PDF against this authority's certificate,
/// which the city publishes.
public struct DocumentAuthority: Sendable {
    public let certificate: Certificate
    let key: P256.Signing.PrivateKey

    /// A new self-signed authority, valid 20 years.
    public static func create(city: String, now: Date) throws -> DocumentAuthority {
        let key = P256.Signing.PrivateKey()
        let certificate = try Certificate.selfSignedAuthority(
            organization: city, commonName: "\(city) 文書認証局 (Madoguchi)", key: Certificate.PrivateKey(key), algorithm: .ecdsaWithSHA256,
            now: now)
        return DocumentAuthority(certificate: certificate, key: key)
    }

    /// Loads an authority kept as DER (certificate) and its key's raw representation.
    public init(certificateDER: [UInt8], privateKeyRaw: [UInt8]) throws {
        certificate = try Certificate(derEncoded: certificateDER)
        key = try P256.Signing.PrivateKey(rawRepresentation: privateKeyRaw)
    }

    init(certificate: Certificate, key: P256.Signing.PrivateKey) {
        self.certificate = certificate
        self.key = key
    }

    public var privateKeyRaw: [UInt8] { Array(key.rawRepresentation) }


    /// The city's document-signing certificate for `key`: digital signature and non-repudiation, five years.
    public func issueSigner(key signerKey: P256.Signing.PublicKey, city: String, now: Date) throws -> Certificate {
        try issue(subjectKey: signerKey, commonName: "\(city) 証明書電子交付 (Madoguchi)", organization: city, timestamping: false, now: now)
    }

    /// The certificate of the city's timestamp service (RFC 3161 §2.3): its one extended key usage is time stamping,
    /// marked critical, so the key signs timestamps and nothing else.
    public func issueTimestamper(key tsaKey: P256.Signing.PublicKey, city: String, now: Date) throws -> Certificate {
        try issue(subjectKey: tsaKey, commonName: "\(city) タイムスタンプ局 (Madoguchi)", organization: city, timestamping: true, now: now)
    }

    /// An end-entity certificate from this authority, five years from a minute ago.
    func issue(subjectKey: P256.Signing.PublicKey, commonName: String, organization: String, timestamping: Bool, now: Date) throws
        -> Certificate
    {
        let subject = try DistinguishedName {
            CountryName("JP")
            OrganizationName(organization)
            CommonName(commonName)
        }
        return try Certificate(
            version: .v3, serialNumber: .random20(), publicKey: Certificate.PublicKey(subjectKey),
            notValidBefore: now.addingTimeInterval(-60), notValidAfter: now.addingTimeInterval(5 * 365.25 * 86_400),
            issuer: certificate.subject, subject: subject, signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.notCertificateAuthority)
                Critical(KeyUsage(digitalSignature: true, nonRepudiation: true))
                if timestamping {
                    Critical(try ExtendedKeyUsage([.timeStamping]))
                }
                AuthorityKeyIdentifier(keyIdentifier: try certificate.extensions.subjectKeyIdentifier?.keyIdentifier)
                SubjectKeyIdentifier(hash: Certificate.PublicKey(subjectKey))
            },
            issuerPrivateKey: Certificate.PrivateKey(key))
    }
}

/// Signs bytes as CAdES (a detached CMS SignedData, RFC 5652, with the ESS signing-certificate-v2 attribute of
/// RFC 5035), which is what a PAdES baseline signature (ETSI EN 319 142-1) puts in a PDF's `/Contents`: B-B alone,
/// B-T with a signature timestamp from the city's timestamp service.
public struct DocumentSigner: Sendable {
    public let certificate: Certificate
    /// The certificates from the signer's issuer up to the authority
    public let chain: [Certificate]
    let key: P256.Signing.PrivateKey

    public init(certificate: Certificate, chain: [Certificate], key: P256.Signing.PrivateKey) {
        self.certificate = certificate
        self.chain = chain
        self.key = key
    }

    /// The DER of a detached SignedData over `content`: the signed attributes are the content type, the message
    /// digest and the signing certificate's hash (no signing-time attribute: PAdES takes the time from the
    /// signature dictionary's `/M`). With `timestamp`, which gets the SHA-256 of the signature value and returns an
    /// RFC 3161 TimeStampToken, the token is the unsigned signature-time-stamp attribute (RFC 5126 §6.1.1): PAdES B-T.
    public func cades(_ content: some DataProtocol, timestamp: (([UInt8]) throws -> [UInt8])? = nil) throws -> [UInt8] {
        let signerInfo = try CMSSigner(certificate: certificate, key: key).signerInfo(
            contentType: DERBytes.oid(OIDs.data), digest: Array(SHA256.hash(data: content))
        ) { signature in
            guard let timestamp else { return nil }
            let token = try timestamp(Array(SHA256.hash(data: signature)))
            return DERBytes.sequence(DERBytes.oid(OIDs.signatureTimeStampToken), DERBytes.setOf([token]))
        }
        return try CMSSigner.signedData(version: 1, contentType: OIDs.data, content: nil, certificates: [certificate] + chain, signerInfo: signerInfo)
    }

    enum OIDs {
        static let data = "1.2.840.113549.1.7.1"
        static let signedData = "1.2.840.113549.1.7.2"
        static let contentType = "1.2.840.113549.1.9.3"
        static let messageDigest = "1.2.840.113549.1.9.4"
        static let signingCertificateV2 = "1.2.840.113549.1.9.16.2.47"
        static let signatureTimeStampToken = "1.2.840.113549.1.9.16.2.14"
        static let tstInfo = "1.2.840.113549.1.9.16.1.4"
        static let sha256 = "2.16.840.1.101.3.4.2.1"
        static let ecdsaWithSHA256 = "1.2.840.10045.4.3.2"
    }
}

/// The city's timestamp service (RFC 3161): it signs, with a key whose certificate allows nothing else, that a
/// digest existed at a time. A PAdES B-T signature carries one of its tokens over the signature value, so the time of
/// signing rests on the city's service and not on the signer's clock.
public struct TimestampAuthority: Sendable {
    public let certificate: Certificate
    /// The certificates from the service's issuer up to the authority
    public let chain: [Certificate]
    let key: P256.Signing.PrivateKey

    /// The policy the tokens are issued under (TSAPolicyId): an OID from the UUID arc (ITU-T X.667), the city's
    /// own, fixed.
    public static let policy = "2.25.335113197925467569846907360850398664859"

    public init(certificate: Certificate, chain: [Certificate], key: P256.Signing.PrivateKey) {
        self.certificate = certificate
        self.chain = chain
        self.key = key
    }

    /// A TimeStampToken (a ContentInfo holding SignedData over a TSTInfo) for a SHA-256 `digest` at `time`, to the
    /// second (accuracy one second), with a random 127-bit serial and the request's nonce (its INTEGER's content
    /// octets, echoed as they came) when it had one; the service's certificates when `certificates` (RFC 3161 §2.4.1:
    /// only when the request asked for them).
    public func token(sha256 digest: [UInt8], at time: Date, nonce: [UInt8]? = nil, certificates: Bool = true) throws -> [UInt8] {
        var serial = (0..<16).map { _ in UInt8.random(in: 0...255) }
        serial[0] = serial[0] & 0x7F | 0x01
        var info = DERBytes.integer(1) + DERBytes.oid(Self.policy)
            + DERBytes.sequence(DERBytes.sequence(DERBytes.oid(DocumentSigner.OIDs.sha256)), DERBytes.octets(digest))
            + DERBytes.integer(bytes: serial) + DERBytes.generalizedTime(time)
            + DERBytes.sequence(DERBytes.integer(1))  // accuracy: seconds 1
        if let nonce { info += DERBytes.tlv(0x02, nonce) }
        let tstInfo = DERBytes.tlv(0x30, info)
        let signerInfo = try CMSSigner(certificate: certificate, key: key).signerInfo(
            contentType: DERBytes.oid(DocumentSigner.OIDs.tstInfo), digest: Array(SHA256.hash(data: tstInfo)), unsigned: { _ in nil })
        // RFC 5652 §5.1: version 3 when the content is not id-data.
        return try CMSSigner.signedData(
            version: 3, contentType: DocumentSigner.OIDs.tstInfo, content: tstInfo, certificates: certificates ? [certificate] + chain : [],
            signerInfo: signerInfo)
    }

    /// Answers an RFC 3161 TimeStampReq (DER) with a TimeStampResp (DER): granted with a token, or rejected with the
    /// reason (§2.4.2): a request that is not DER or not version 1 (badDataFormat, badRequest), a hash other than
    /// SHA-256 or of the wrong length (badAlg), another policy (unacceptedPolicy), any extension (unacceptedExtension).
    /// Never throws for what the request says: every request gets an answer.
    public func respond(to request: [UInt8], at time: Date) throws -> [UInt8] {
        enum Failure: Int { case badAlg = 0, badRequest = 2, badDataFormat = 5, unacceptedPolicy = 15, unacceptedExtension = 16 }
        func rejection(_ failure: Failure, _ text: String) -> [UInt8] {
            // PKIFailureInfo is a BIT STRING with the one bit set: DER drops trailing zero bits.
            let bit = failure.rawValue
            var bytes = [UInt8](repeating: 0, count: bit / 8 + 1)
            bytes[bit / 8] = 0x80 >> UInt8(bit % 8)
            let unused = UInt8(7 - bit % 8)
            let status = DERBytes.sequence(
                DERBytes.integer(2),  // rejection
                DERBytes.sequence(DERBytes.tlv(0x0C, Array(text.utf8))),
                DERBytes.tlv(0x03, [unused] + bytes))
            return DERBytes.sequence(status)
        }
        guard let root = try? DER.parse(request), case .constructed(let fieldNodes) = root.content,
            root.encodedBytes.count == request.count
        else { return rejection(.badDataFormat, "not a DER TimeStampReq") }
        let fields = Array(fieldNodes)
        guard fields.count >= 2, let version = try? Int(derEncoded: fields[0]), version == 1 else {
            return rejection(.badRequest, "not a version 1 request")
        }
        guard case .constructed(let imprintNodes) = fields[1].content, let imprint = Optional(Array(imprintNodes)), imprint.count == 2,
            case .constructed(let algorithmNodes) = imprint[0].content, let algorithm = Array(algorithmNodes).first,
            let oid = try? ASN1ObjectIdentifier(derEncoded: algorithm), case .primitive(let hashed) = imprint[1].content
        else { return rejection(.badDataFormat, "no message imprint") }
        guard oid.description == DocumentSigner.OIDs.sha256, hashed.count == 32 else {
            return rejection(.badAlg, "only SHA-256 imprints are stamped")
        }
        var nonce: [UInt8]?
        var certificates = false
        for field in fields.dropFirst(2) {
            switch field.identifier {
            case .objectIdentifier:
                guard (try? ASN1ObjectIdentifier(derEncoded: field))?.description == Self.policy else {
                    return rejection(.unacceptedPolicy, "this service stamps under \(Self.policy) only")
                }
            case .integer:
                guard case .primitive(let value) = field.content, !value.isEmpty, value.count <= 64 else {
                    return rejection(.badDataFormat, "an unreadable nonce")
                }
                nonce = Array(value)
            case .boolean:
                certificates = (try? Bool(derEncoded: field)) ?? false
            default:
                return rejection(.unacceptedExtension, "no extension is supported")
            }
        }
        let token = try token(sha256: Array(hashed), at: time, nonce: nonce, certificates: certificates)
        return DERBytes.sequence(DERBytes.sequence(DERBytes.integer(0)), token)  // granted
    }
}

/// One signer's part of a CMS SignedData (RFC 5652), as both the document signature and the timestamp token need it.
struct CMSSigner {
    let certificate: Certificate
    let key: P256.Signing.PrivateKey

    /// A SignerInfo identified by issuer and serial, with the content type, message digest and ESS
    /// signing-certificate-v2 as signed attributes; `unsigned` gets the signature value and may return one
    /// unsigned attribute.
    func signerInfo(contentType: [UInt8], digest: [UInt8], unsigned: ([UInt8]) throws -> [UInt8]?) throws -> [UInt8] {
        typealias O = DocumentSigner.OIDs
        let certificateDER = try certificate.derBytes()
        let signedAttributes = DERBytes.setOf([
            DERBytes.sequence(DERBytes.oid(O.contentType), DERBytes.setOf([contentType])),
            DERBytes.sequence(DERBytes.oid(O.messageDigest), DERBytes.setOf([DERBytes.octets(digest)])),
            // SigningCertificateV2 ::= SEQUENCE { certs SEQUENCE OF ESSCertIDv2 }; ESSCertIDv2 with SHA-256 (the default,
            // so no algorithm) and the certificate's hash.
            DERBytes.sequence(DERBytes.oid(O.signingCertificateV2), DERBytes.setOf([
                DERBytes.sequence(DERBytes.sequence(DERBytes.sequence(DERBytes.octets(Array(SHA256.hash(data: certificateDER)))))),
            ])),
        ])
        let signature = Array(try key.signature(for: SHA256.hash(data: signedAttributes)).derRepresentation)
        var issuer = DER.Serializer()
        try issuer.serialize(certificate.issuer)
        var parts = DERBytes.integer(1)
            + DERBytes.sequence(issuer.serializedBytes, DERBytes.integer(bytes: Array(certificate.serialNumber.bytes)))
            + DERBytes.sequence(DERBytes.oid(O.sha256))
            // [0] IMPLICIT SET OF Attribute: the same bytes with the context tag instead of SET's.
            + [0xA0] + Array(signedAttributes.dropFirst())
            + DERBytes.sequence(DERBytes.oid(O.ecdsaWithSHA256))
            + DERBytes.octets(signature)
        if let attribute = try unsigned(signature) {
            parts += DERBytes.tlv(0xA1, attribute)  // [1] IMPLICIT SET OF Attribute, one attribute
        }
        return DERBytes.tlv(0x30, parts)
    }

    /// A ContentInfo of SignedData with one SHA-256 signer: detached when `content` is nil.
    static func signedData(version: Int, contentType: String, content: [UInt8]?, certificates: [Certificate], signerInfo: [UInt8]) throws
        -> [UInt8]
    {
        typealias O = DocumentSigner.OIDs
        let encapsulated = DERBytes.oid(contentType) + (content.map { DERBytes.tlv(0xA0, DERBytes.octets($0)) } ?? [])
        let signedData = DERBytes.sequence(
            DERBytes.integer(version),
            DERBytes.setOf([DERBytes.sequence(DERBytes.oid(O.sha256))]),
            DERBytes.tlv(0x30, encapsulated),
            certificates.isEmpty ? [] : DERBytes.tlv(0xA0, try certificates.flatMap { try $0.derBytes() }),
            DERBytes.setOf([signerInfo]))
        return DERBytes.sequence(DERBytes.oid(O.signedData), DERBytes.tlv(0xA0, signedData))
    }
}

/// Just enough DER to write a CMS structure: tag, length, content.
enum DERBytes {
    static func tlv(_ tag: UInt8, _ content: [UInt8]) -> [UInt8] {
        var out = [tag]
        if content.count < 0x80 {
            out.append(UInt8(content.count))
        } else {
            var length = content.count
            var digits: [UInt8] = []
            while length > 0 {
                digits.insert(UInt8(length & 0xFF), at: 0)
                length >>= 8
            }
            out.append(0x80 | UInt8(digits.count))
            out += digits
        }
        return out + content
    }

    static func sequence(_ parts: [UInt8]...) -> [UInt8] { tlv(0x30, parts.flatMap { $0 }) }

    /// A SET OF, its elements in the order DER requires (by their encodings).
    static func setOf(_ elements: [[UInt8]]) -> [UInt8] {
        tlv(0x31, elements.sorted { $0.lexicographicallyPrecedes($1) }.flatMap { $0 })
    }

    static func octets(_ bytes: [UInt8]) -> [UInt8] { tlv(0x04, bytes) }

    static func integer(_ n: Int) -> [UInt8] { integer(bytes: [UInt8(n)]) }

    /// A non-negative INTEGER from big-endian bytes (a leading zero added when the top bit is set).
    static func integer(bytes: [UInt8]) -> [UInt8] {
        var b = Array(bytes.drop { $0 == 0 })
        if b.isEmpty { b = [0] }
        if b[0] & 0x80 != 0 { b.insert(0, at: 0) }
        return tlv(0x02, b)
    }

    /// An OBJECT IDENTIFIER; an arc may be any size (the UUID arc 2.25 has 128-bit ones).
    static func oid(_ dotted: String) -> [UInt8] {
        let arcs = dotted.split(separator: ".").map(String.init)
        // The first two arcs share one number, 40 × first + second (2.25 → 105).
        var out = base128(String(Int(arcs[0])! * 40 + Int(arcs[1])!))
        for arc in arcs.dropFirst(2) { out += base128(arc) }
        return tlv(0x06, out)
    }

    /// A non-negative decimal number's base-128 digits, high first, continuation bits set on all but the last.
    static func base128(_ decimal: String) -> [UInt8] {
        var digits = decimal.utf8.map { Int($0) - 48 }
        var groups: [UInt8] = []
        repeat {
            // Divide the decimal digits by 128, keeping the remainder.
            var remainder = 0
            var quotient: [Int] = []
            for d in digits {
                let value = remainder * 10 + d
                quotient.append(value / 128)
                remainder = value % 128
            }
            groups.insert(UInt8(remainder) | (groups.isEmpty ? 0 : 0x80), at: 0)
            digits = Array(quotient.drop { $0 == 0 })
        } while !digits.isEmpty
        return groups
    }

    /// A GeneralizedTime in UTC to the second, `YYYYMMDDHHMMSSZ` (RFC 5280 §4.1.2.5.2; RFC 3161's genTime).
    static func generalizedTime(_ date: Date) -> [UInt8] {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        func two(_ n: Int?) -> String { n! < 10 ? "0\(n!)" : "\(n!)" }
        return tlv(0x18, Array("\(c.year!)\(two(c.month))\(two(c.day))\(two(c.hour))\(two(c.minute))\(two(c.second))Z".utf8))
    }
}

extension Certificate {
    /// A self-signed authority's certificate (JP, the organisation, a common name): it signs certificates and
    /// revocation lists only, issues no intermediate (path length 0), valid 20 years from a minute ago. The card
    /// authority and the document authority are both made this way.
    static func selfSignedAuthority(
        organization: String, commonName: String, key: Certificate.PrivateKey, algorithm: Certificate.SignatureAlgorithm, now: Date
    ) throws -> Certificate {
        let name = try DistinguishedName {
            CountryName("JP")
            OrganizationName(organization)
            CommonName(commonName)
        }
        return try Certificate(
            version: .v3, serialNumber: .random20(), publicKey: key.publicKey,
            notValidBefore: now.addingTimeInterval(-60), notValidAfter: now.addingTimeInterval(20 * 365.25 * 86_400),
            issuer: name, subject: name, signatureAlgorithm: algorithm,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.isCertificateAuthority(maxPathLength: 0))
                Critical(KeyUsage(keyCertSign: true, cRLSign: true))
                SubjectKeyIdentifier(hash: key.publicKey)
            },
            issuerPrivateKey: key)
    }
}

extension Certificate.SerialNumber {
    /// Twenty random bytes with the top bit clear: a positive INTEGER of at most 20 octets, as RFC 5280 §4.1.2.2
    /// bounds it. (`SerialNumber()` sets the top bit half the time, which makes 21 octets in DER, and NSS, which
    /// pdfsig checks with, then cannot read the certificate.)
    static func random20() -> Certificate.SerialNumber {
        var bytes = (0..<20).map { _ in UInt8.random(in: 0...255) }
        bytes[0] = bytes[0] & 0x7F | 0x01
        return Certificate.SerialNumber(bytes: bytes)
    }
}
