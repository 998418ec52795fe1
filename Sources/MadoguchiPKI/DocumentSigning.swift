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
        let subject = try DistinguishedName {
            CountryName("JP")
            OrganizationName(city)
            CommonName("\(city) 証明書電子交付 (Madoguchi)")
        }
        return try Certificate(
            version: .v3, serialNumber: .random20(), publicKey: Certificate.PublicKey(signerKey),
            notValidBefore: now.addingTimeInterval(-60), notValidAfter: now.addingTimeInterval(5 * 365.25 * 86_400),
            issuer: certificate.subject, subject: subject, signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.notCertificateAuthority)
                Critical(KeyUsage(digitalSignature: true, nonRepudiation: true))
                AuthorityKeyIdentifier(keyIdentifier: try certificate.extensions.subjectKeyIdentifier?.keyIdentifier)
                SubjectKeyIdentifier(hash: Certificate.PublicKey(signerKey))
            },
            issuerPrivateKey: Certificate.PrivateKey(key))
    }
}

/// Signs bytes as CAdES (a detached CMS SignedData, RFC 5652, with the ESS signing-certificate-v2 attribute of
/// RFC 5035), which is what a PAdES baseline B-B signature (ETSI EN 319 142-1) puts in a PDF's `/Contents`.
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
    /// signature dictionary's `/M`).
    public func cades(_ content: some DataProtocol) throws -> [UInt8] {
        let certificateDER = try certificate.derBytes()
        let signedAttributes = DERBytes.setOf([
            DERBytes.sequence(DERBytes.oid(OIDs.contentType), DERBytes.setOf([DERBytes.oid(OIDs.data)])),
            DERBytes.sequence(DERBytes.oid(OIDs.messageDigest), DERBytes.setOf([DERBytes.octets(Array(SHA256.hash(data: content)))])),
            // SigningCertificateV2 ::= SEQUENCE { certs SEQUENCE OF ESSCertIDv2 }; ESSCertIDv2 with SHA-256 (the default,
            // so no algorithm) and the certificate's hash.
            DERBytes.sequence(DERBytes.oid(OIDs.signingCertificateV2), DERBytes.setOf([
                DERBytes.sequence(DERBytes.sequence(DERBytes.sequence(DERBytes.octets(Array(SHA256.hash(data: certificateDER)))))),
            ])),
        ])
        let signature = try key.signature(for: SHA256.hash(data: signedAttributes)).derRepresentation
        var issuer = DER.Serializer()
        try issuer.serialize(certificate.issuer)
        let sha256 = DERBytes.sequence(DERBytes.oid(OIDs.sha256))
        let signerInfo = DERBytes.sequence(
            DERBytes.integer(1),
            DERBytes.sequence(issuer.serializedBytes, DERBytes.integer(bytes: Array(certificate.serialNumber.bytes))),
            sha256,
            // [0] IMPLICIT SET OF Attribute: the same bytes with the context tag instead of SET's.
            [0xA0] + Array(signedAttributes.dropFirst()),
            DERBytes.sequence(DERBytes.oid(OIDs.ecdsaWithSHA256)),
            DERBytes.octets(Array(signature)))
        let certificates = try [certificateDER] + chain.map { try $0.derBytes() }
        let signedData = DERBytes.sequence(
            DERBytes.integer(1),
            DERBytes.setOf([sha256]),
            DERBytes.sequence(DERBytes.oid(OIDs.data)),
            DERBytes.tlv(0xA0, certificates.flatMap { $0 }),
            DERBytes.setOf([signerInfo]))
        return DERBytes.sequence(DERBytes.oid(OIDs.signedData), DERBytes.tlv(0xA0, signedData))
    }

    enum OIDs {
        static let data = "1.2.840.113549.1.7.1"
        static let signedData = "1.2.840.113549.1.7.2"
        static let contentType = "1.2.840.113549.1.9.3"
        static let messageDigest = "1.2.840.113549.1.9.4"
        static let signingCertificateV2 = "1.2.840.113549.1.9.16.2.47"
        static let sha256 = "2.16.840.1.101.3.4.2.1"
        static let ecdsaWithSHA256 = "1.2.840.10045.4.3.2"
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

    static func oid(_ dotted: String) -> [UInt8] {
        let arcs = dotted.split(separator: ".").map { UInt64($0)! }
        var out: [UInt8] = [UInt8(arcs[0] * 40 + arcs[1])]
        for arc in arcs.dropFirst(2) {
            var groups: [UInt8] = [UInt8(arc & 0x7F)]
            var rest = arc >> 7
            while rest > 0 {
                groups.insert(UInt8(rest & 0x7F) | 0x80, at: 0)
                rest >>= 7
            }
            out += groups
        }
        return tlv(0x06, out)
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
