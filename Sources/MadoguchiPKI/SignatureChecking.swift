import Crypto
import Foundation
import SwiftASN1
import X509

/// What a check of a CAdES signature (a PDF's `/Contents`, PAdES) found, against one trusted authority. Each verdict is
/// separate, as pdfsig and pyHanko report them: a signature can be intact and valid and yet not trusted here.
public struct DocumentSignatureCheck: Sendable, Hashable {
    /// The signed message digest is the digest of the bytes covered
    public var intact = false
    /// The signature over the signed attributes verifies with the signer's certificate
    public var valid = false
    /// The signer's certificate chains to the trusted authority and was valid when it signed
    public var trusted = false
    /// The signer's common name
    public var signer: String?
    /// The time the city's timestamp service vouches for (PAdES B-T), when the signature has a timestamp
    public var timestamp: Date?
    /// The timestamp's token is over this signature, verifies, and comes from a time-stamping certificate under the
    /// authority
    public var timestampValid = false
    /// The signature covers the whole file but its own value (no bytes appended after it unsigned)
    public var coversWholeFile = true
    /// Why a verdict is false, in English, for the report
    public var problems: [String] = []

    public var isGood: Bool { intact && valid && trusted && coversWholeFile && (timestamp == nil || timestampValid) }
}

/// Checks the signatures the city makes: CMS SignedData with one ECDSA P-256 / SHA-256 signer and signed attributes
/// (RFC 5652 §5.4), the signer's chain to the city's document authority (RFC 5280), and the RFC 3161 timestamp token in
/// its signature-time-stamp attribute. Another algorithm is reported as not valid, not guessed at.
public enum DocumentSignatureChecker {
    public static func check(content: some DataProtocol, cms: [UInt8], authority: Certificate) async -> DocumentSignatureCheck {
        var report = DocumentSignatureCheck()
        do {
            let signed = try SignedDataReader(cms)
            guard signed.eContent == nil, signed.contentType == DocumentSigner.OIDs.data else {
                report.problems.append("not a detached signature over data")
                return report
            }
            let signerCertificate = try signed.signerCertificate()
            report.signer = signerCertificate.subject.commonName
            report.intact = signed.signer.messageDigest == Array(SHA256.hash(data: content))
            if !report.intact { report.problems.append("the covered bytes' digest is not the signed digest (changed after signing)") }
            report.valid = signed.signer.verifies(with: signerCertificate)
            if !report.valid { report.problems.append("the signature does not verify with the signer's certificate") }
            var at = Date()
            if let token = signed.signer.timestampToken {
                let stamp = await timestamp(token, over: signed.signer.signature, authority: authority)
                report.timestamp = stamp.time
                report.timestampValid = stamp.valid
                report.problems += stamp.problems
                if let time = stamp.time, stamp.valid { at = time }
            }
            report.trusted = await chains(signerCertificate, intermediates: signed.certificates, to: authority, at: at, usage: nil)
            if !report.trusted { report.problems.append("the signer's certificate does not chain to the document authority") }
        } catch {
            report.problems.append("unreadable signature: \(error)")
        }
        return report
    }

    /// An RFC 3161 token over `signature` (SHA-256 of its value), its time, and whether it holds.
    static func timestamp(_ token: [UInt8], over signature: [UInt8], authority: Certificate) async -> (time: Date?, valid: Bool, problems: [String]) {
        do {
            let signed = try SignedDataReader(token)
            guard signed.contentType == DocumentSigner.OIDs.tstInfo, let info = signed.eContent else {
                return (nil, false, ["the timestamp is not a TSTInfo"])
            }
            // TSTInfo ::= SEQUENCE { version, policy, messageImprint, serialNumber, genTime, … }
            guard case .constructed(let fields) = try DER.parse(info).content else { return (nil, false, ["unreadable TSTInfo"]) }
            let parts = Array(fields)
            guard parts.count >= 5, case .constructed(let imprint) = parts[2].content, let hashed = Array(imprint).last,
                case .primitive(let digest) = hashed.content
            else { return (nil, false, ["unreadable TSTInfo"]) }
            let time = try GeneralizedTime(derEncoded: parts[4])
            var components = DateComponents()
            (components.year, components.month, components.day) = (time.year, time.month, time.day)
            (components.hour, components.minute, components.second) = (time.hours, time.minutes, time.seconds)
            components.timeZone = TimeZone(identifier: "UTC")
            let date = Calendar(identifier: .gregorian).date(from: components)
            var problems: [String] = []
            if Array(digest) != Array(SHA256.hash(data: signature)) { problems.append("the timestamp is over another signature") }
            let tsa = try signed.signerCertificate()
            if signed.signer.messageDigest != Array(SHA256.hash(data: info)) { problems.append("the timestamp's content was changed") }
            if !signed.signer.verifies(with: tsa) { problems.append("the timestamp's signature does not verify") }
            if !(await chains(tsa, intermediates: signed.certificates, to: authority, at: date ?? Date(), usage: .timeStamping)) {
                problems.append("the timestamp is not from a time-stamping certificate under the document authority")
            }
            return (date, problems.isEmpty, problems)
        } catch {
            return (nil, false, ["unreadable timestamp: \(error)"])
        }
    }

    /// Whether `leaf` chains to `authority` at `time` (RFC 5280), and when `usage` is given, its extended key usage has it.
    static func chains(
        _ leaf: Certificate, intermediates: [Certificate], to authority: Certificate, at time: Date, usage: ExtendedKeyUsage.Usage?
    ) async -> Bool {
        var verifier = Verifier(rootCertificates: CertificateStore([authority])) {
            RFC5280Policy(validationTime: time)
            LeafUsagePolicy(usage: usage)
        }
        let result = await verifier.validate(leaf: leaf, intermediates: CertificateStore(intermediates.filter { $0 != leaf && $0 != authority }))
        if case .validCertificate = result { return true }
        return false
    }
}

/// The leaf's extended key usage (RFC 5280 §4.2.1.12), which the city marks critical on its timestamp service: with
/// `usage`, the leaf must list it (a timestamp from any other key is refused); without, a leaf that restricts its key
/// to some purposes is refused (the document signer has no such restriction).
struct LeafUsagePolicy: VerifierPolicy {
    let usage: ExtendedKeyUsage.Usage?

    var verifyingCriticalExtensions: [ASN1ObjectIdentifier] { [.X509ExtensionID.extendedKeyUsage] }

    func chainMeetsPolicyRequirements(chain: UnverifiedCertificateChain) async -> PolicyEvaluationResult {
        guard let listed = try? chain.leaf.extensions.extendedKeyUsage else {
            return usage == nil ? .meetsPolicy : .failsToMeetPolicy(reason: "the leaf has no extended key usage")
        }
        if let usage, listed.contains(usage) { return .meetsPolicy }
        return .failsToMeetPolicy(reason: "the leaf's extended key usage does not allow this use")
    }
}

extension DistinguishedName {
    var commonName: String? {
        for rdn in self { for attribute in rdn where attribute.type == .RDNAttributeType.commonName { return attribute.value.description } }
        return nil
    }
}

/// Just enough of a CMS SignedData to check one signer: read with SwiftASN1, nothing trusted until checked.
struct SignedDataReader {
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    struct Signer {
        var issuer: ArraySlice<UInt8> = []
        var serial: ArraySlice<UInt8> = []
        /// The signed attributes as signed: their DER with the SET OF tag
        var signedAttributes: [UInt8] = []
        var messageDigest: [UInt8]?
        var signatureAlgorithm = ""
        var signature: [UInt8] = []
        var timestampToken: [UInt8]?

        /// ECDSA P-256 with SHA-256 over the signed attributes, by `certificate`'s key.
        func verifies(with certificate: Certificate) -> Bool {
            guard signatureAlgorithm == DocumentSigner.OIDs.ecdsaWithSHA256, let key = P256.Signing.PublicKey(certificate.publicKey),
                let ecdsa = try? P256.Signing.ECDSASignature(derRepresentation: signature)
            else { return false }
            return key.isValidSignature(ecdsa, for: SHA256.hash(data: signedAttributes))
        }
    }

    var contentType = ""
    var eContent: [UInt8]?
    var certificates: [Certificate] = []
    var signer = Signer()

    init(_ bytes: [UInt8]) throws {
        let root = try DER.parse(Self.firstElement(bytes))
        let info = try Self.children(root)
        guard info.count == 2, try Self.oid(info[0]) == DocumentSigner.OIDs.signedData else { throw Failure(description: "not SignedData") }
        let signedData = try Self.children(try Self.children(info[1]).first ?? info[1])
        guard signedData.count >= 4 else { throw Failure(description: "short SignedData") }
        let encapsulated = try Self.children(signedData[2])
        contentType = try Self.oid(encapsulated[0])
        if encapsulated.count > 1, let octets = try Self.children(encapsulated[1]).first, case .primitive(let content) = octets.content {
            eContent = Array(content)
        }
        for node in signedData.dropFirst(3).dropLast() where node.identifier == ASN1Identifier(tagWithNumber: 0, tagClass: .contextSpecific) {
            certificates = try Self.children(node).map { try Certificate(derEncoded: Array($0.encodedBytes)) }
        }
        guard let infos = signedData.last, let first = try Self.children(infos).first, try Self.children(infos).count == 1 else {
            throw Failure(description: "not one signer")
        }
        let fields = try Self.children(first)
        guard fields.count >= 6 else { throw Failure(description: "short SignerInfo") }
        let sid = try Self.children(fields[1])
        guard sid.count == 2, case .primitive(let serial) = sid[1].content else { throw Failure(description: "signer not by issuer and serial") }
        signer.issuer = sid[0].encodedBytes
        signer.serial = serial
        var index = 3
        if fields[index].identifier == ASN1Identifier(tagWithNumber: 0, tagClass: .contextSpecific) {
            signer.signedAttributes = [0x31] + Array(fields[index].encodedBytes.dropFirst())
            for attribute in try Self.children(fields[index]) {
                let parts = try Self.children(attribute)
                if try Self.oid(parts[0]) == DocumentSigner.OIDs.messageDigest, let value = try Self.children(parts[1]).first,
                    case .primitive(let digest) = value.content
                {
                    signer.messageDigest = Array(digest)
                }
            }
            index += 1
        } else {
            throw Failure(description: "no signed attributes")
        }
        signer.signatureAlgorithm = try Self.oid(try Self.children(fields[index])[0])
        guard case .primitive(let signature) = fields[index + 1].content else { throw Failure(description: "no signature") }
        signer.signature = Array(signature)
        if fields.count > index + 2, fields[index + 2].identifier == ASN1Identifier(tagWithNumber: 1, tagClass: .contextSpecific) {
            for attribute in try Self.children(fields[index + 2]) {
                let parts = try Self.children(attribute)
                if try Self.oid(parts[0]) == DocumentSigner.OIDs.signatureTimeStampToken, let token = try Self.children(parts[1]).first {
                    signer.timestampToken = Array(token.encodedBytes)
                }
            }
        }
    }

    /// The certificate the signer names by issuer and serial, from the SignedData's own.
    func signerCertificate() throws -> Certificate {
        for certificate in certificates where Array(certificate.serialNumber.bytes) == Array(signer.serial.drop { $0 == 0 }) || Array(certificate.serialNumber.bytes) == Array(signer.serial) {
            var issuer = DER.Serializer()
            try issuer.serialize(certificate.issuer)
            if issuer.serializedBytes == Array(signer.issuer) { return certificate }
        }
        throw Failure(description: "the signer's certificate is not in the signature")
    }

    /// The first DER element of `bytes` (a PDF's `/Contents` is padded with zeros after it).
    static func firstElement(_ bytes: [UInt8]) throws -> ArraySlice<UInt8> {
        guard bytes.count >= 2 else { throw Failure(description: "empty") }
        var length = Int(bytes[1])
        var header = 2
        if length & 0x80 != 0 {
            let count = length & 0x7F
            guard count <= 4, bytes.count >= 2 + count else { throw Failure(description: "bad length") }
            length = bytes[2..<2 + count].reduce(0) { $0 << 8 | Int($1) }
            header += count
        }
        guard header + length <= bytes.count else { throw Failure(description: "truncated") }
        return bytes[0..<header + length]
    }

    static func children(_ node: ASN1Node) throws -> [ASN1Node] {
        guard case .constructed(let nodes) = node.content else { throw Failure(description: "expected a constructed element") }
        return Array(nodes)
    }

    static func oid(_ node: ASN1Node) throws -> String {
        try ASN1ObjectIdentifier(derEncoded: node).description
    }
}
