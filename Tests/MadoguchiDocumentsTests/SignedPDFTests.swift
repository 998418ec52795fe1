import Crypto
import Foundation
import MadoguchiPKI
import MadoguchiTestSupport
import Testing
import X509

@testable import MadoguchiDocuments
@testable import MadoguchiDomain

/// 電子交付: a certificate delivered online as a PDF any reader checks (PAdES baseline B-B, ETSI EN 319 142-1), signed
/// with the city's document-signing key under the city's document authority, separate from the card authority.
@Suite("署名付きPDF（PAdES）")
struct SignedPDFTests {
    /// An authority, the city's signer under it, and the authority's certificate as a PEM file for the checkers.
    struct Keys {
        let authority: DocumentAuthority
        let signer: DocumentSigner
        let signerKey: P256.Signing.PrivateKey
        let timestamper: TimestampAuthority
        let checkers: PDFSignatureCheckers
        var folder: URL { checkers.folder }
        var authorityPEM: URL { checkers.authorityPEM }

        init(city: String = "窓口市") throws {
            let now = Date()
            authority = try DocumentAuthority.create(city: city, now: now)
            signerKey = P256.Signing.PrivateKey()
            let certificate = try authority.issueSigner(key: signerKey.publicKey, city: city, now: now)
            signer = DocumentSigner(certificate: certificate, chain: [authority.certificate], key: signerKey)
            let tsaKey = P256.Signing.PrivateKey()
            timestamper = TimestampAuthority(
                certificate: try authority.issueTimestamper(key: tsaKey.publicKey, city: city, now: now), chain: [authority.certificate],
                key: tsaKey)
            checkers = try PDFSignatureCheckers(authorityPEM: try authority.certificate.serializeAsPEM().pemString)
        }

        func pdfsig(_ pdf: URL, trusting keys: Keys? = nil) throws -> String { try checkers.pdfsig(pdf, trusting: keys?.checkers) }

        /// B-B, or B-T with a token from `stamp` (the city's timestamp service unless another is given).
        func sign(_ pdf: [UInt8], stamp: TimestampAuthority? = nil, stamped: Bool = false) throws -> [UInt8] {
            let tsa = stamp ?? (stamped ? timestamper : nil)
            return try PDFSignature.sign(pdf, time: Date(), reason: "住民票の写しの電子交付", location: "窓口市", name: "窓口市長") { covered in
                try signer.cades(covered, timestamp: tsa.map { tsa in { digest in try tsa.token(sha256: digest, at: Date()) } })
            }
        }

        func write(_ bytes: [UInt8], _ name: String) throws -> URL { try checkers.write(bytes, name) }

        func pyHanko(_ pdf: URL, authority: URL? = nil) throws -> (Int32, String) { try checkers.pyHanko(pdf, authority: authority) }

        func remove() { checkers.remove() }
    }

    static func certificate() throws -> [UInt8] {
        try CertificateRenderer().render(Samples.residentRecord(persons: [Samples.ivsPerson]), extras: .init(qrText: "token"))
    }

    @Test("a signed certificate: pdfsig and pyHanko find it intact, valid, by the city's authority, over the whole file")
    func verifies() throws {
        let keys = try Keys()
        defer { keys.remove() }
        let original = try Self.certificate()
        let signed = try keys.sign(original)
        #expect(Array(signed.prefix(original.count)) == original, "an incremental update: the original bytes stay as they were")
        let pdf = try keys.write(signed, "signed.pdf")
        let pdfsig = try keys.pdfsig(pdf)
        #expect(pdfsig.contains("Signature Validation: Signature is Valid."), "\(pdfsig)")
        #expect(pdfsig.contains("Certificate Validation: Certificate is Trusted."), "\(pdfsig)")
        #expect(pdfsig.contains("Total document signed"), "\(pdfsig)")
        #expect(pdfsig.contains("ETSI.CAdES.detached"), "\(pdfsig)")
        #expect(pdfsig.contains("窓口市 証明書電子交付"), "\(pdfsig)")
        let (status, out) = try keys.pyHanko(pdf)
        #expect(status == 0, "\(out)")
        #expect(out.contains("intact=True valid=True trusted=True coverage=ENTIRE_FILE subfilter=/ETSI.CAdES.detached"), "\(out)")
        #expect(out.contains("signing_certificate_v2"), "PAdES B-B names the signer's certificate in a signed attribute: \(out)")
        #expect(!out.contains("signing_time"), "PAdES takes the time from /M, not a signing-time attribute: \(out)")
        // Still the same certificate to a reader.
        #expect(Poppler.compact(try Poppler.text(pdf)).contains(Samples.ivsFamily))
        #expect(try Poppler.pages(pdf) == 1)
    }

    @Test("B-T: the signature carries the city's timestamp over its value; pyHanko finds it intact, valid and trusted, with its time")
    func timestamped() throws {
        let keys = try Keys()
        defer { keys.remove() }
        let before = Date().addingTimeInterval(-1)
        let pdf = try keys.write(try keys.sign(try Self.certificate(), stamped: true), "stamped.pdf")
        let (status, out) = try keys.pyHanko(pdf)
        #expect(status == 0, "\(out)")
        #expect(out.contains("intact=True valid=True trusted=True coverage=ENTIRE_FILE"), "\(out)")
        #expect(out.contains("timestamp=intact:True,valid:True,trusted:True,at:"), "\(out)")
        // The token's time is now, to the second.
        let at = out.components(separatedBy: ",at:").last?.prefix(19)
        let stampedAt = at.flatMap { try? Date.ISO8601FormatStyle(timeZone: TimeZone(identifier: "UTC")!).parse(String($0) + "Z") }
        #expect(stampedAt.map { $0 >= before.addingTimeInterval(-1) && $0 <= Date() } == true, "\(out)")
        let pdfsig = try keys.pdfsig(pdf)
        #expect(pdfsig.contains("Signature is Valid.") && pdfsig.contains("Certificate is Trusted."), "\(pdfsig)")
    }

    @Test("the timestamp token as RFC 3161 defines it: openssl ts checks its digest, its chain to the authority and its policy")
    func opensslTimestamp() throws {
        let keys = try Keys()
        defer { keys.remove() }
        let digest = Array(SHA256.hash(data: Data("電子交付".utf8)))
        let hex = digest.map { String(format: "%02x", $0) }.joined()
        let token = try keys.write(try keys.timestamper.token(sha256: digest, at: Date()), "token.der")
        let tsa = keys.folder.appendingPathComponent("tsa.pem")
        try keys.timestamper.certificate.serializeAsPEM().pemString.write(to: tsa, atomically: true, encoding: .utf8)
        func verify(_ digest: String) throws -> (String, Int32) {
            try Poppler.runStatus("openssl", [
                "ts", "-verify", "-digest", digest, "-token_in", "-in", token.path, "-CAfile", keys.authorityPEM.path, "-untrusted", tsa.path,
            ])
        }
        let (good, status) = try verify(hex)
        #expect(status == 0 && good.contains("Verification: OK"), "\(good)")
        let text = try Poppler.run("openssl", ["ts", "-reply", "-token_in", "-in", token.path, "-token_out", "-text"])
        #expect(text.contains("Policy OID: \(TimestampAuthority.policy)"), "\(text)")
        #expect(text.contains("Hash Algorithm: sha256"), "\(text)")
        // Another digest: the same token does not vouch for it.
        let other = String(hex.reversed())
        let (bad, refused) = try verify(other)
        #expect(refused != 0 && !bad.contains("Verification: OK"), "\(bad)")
    }

    @Test("a timestamp by a key not certified for time stamping (the signer's own) is not trusted by pyHanko")
    func timestampByWrongKey() throws {
        let keys = try Keys()
        defer { keys.remove() }
        // The document-signing key posing as the timestamp service: its certificate has no timeStamping usage.
        let impostor = TimestampAuthority(certificate: keys.signer.certificate, chain: [keys.authority.certificate], key: keys.signerKey)
        let pdf = try keys.write(try keys.sign(try Self.certificate(), stamp: impostor), "impostor.pdf")
        let (status, out) = try keys.pyHanko(pdf)
        #expect(status == 1, "\(out)")
        #expect(!out.contains("timestamp=intact:True,valid:True,trusted:True"), "\(out)")
    }

    @Test("our own checker (madoguchi verify's) agrees with pyHanko: good, impostor timestamp, other authority, changed byte")
    func ownChecker() async throws {
        let ours = try Keys()
        let theirs = try Keys(city: "他市")
        defer { ours.remove(); theirs.remove() }
        func check(_ pdf: [UInt8], _ keys: Keys = ours) async throws -> DocumentSignatureCheck {
            let embedded = try PDFSignature.embedded(in: pdf)
            try #require(embedded.count == 1)
            var check = await DocumentSignatureChecker.check(content: embedded[0].covered, cms: embedded[0].contents, authority: keys.authority.certificate)
            check.coversWholeFile = embedded[0].wholeFile
            return check
        }
        let signed = try ours.sign(try Self.certificate(), stamped: true)
        let good = try await check(signed)
        #expect(good.isGood && good.timestamp != nil && good.signer == "窓口市 証明書電子交付 (Madoguchi)", "\(good)")
        let impostor = TimestampAuthority(certificate: ours.signer.certificate, chain: [ours.authority.certificate], key: ours.signerKey)
        let byImpostor = try await check(try ours.sign(try Self.certificate(), stamp: impostor))
        #expect(byImpostor.intact && byImpostor.valid && !byImpostor.timestampValid && !byImpostor.isGood, "\(byImpostor)")
        let foreign = try await check(try theirs.sign(try Self.certificate(), stamped: true))
        #expect(foreign.intact && foreign.valid && !foreign.trusted && !foreign.timestampValid, "\(foreign)")
        var changed = signed
        changed[changed.count / 3] ^= 0x01
        let tampered = try await check(changed)
        #expect(!tampered.intact && !tampered.isGood, "\(tampered)")
        #expect(try PDFSignature.embedded(in: try Self.certificate()).isEmpty, "an unsigned file has none")
        // Byte ranges that lie: past the end, overflowing, not around the hex string, not numbers. Errors, not crashes.
        for range in ["[0 9223372036854775000 9223372036854775000 10]", "[0 10 20 999999999]", "[0 10 20 30]", "[a b c d]", "[0 1 2]"] {
            let forged = Array("%PDF-1.7\n1 0 obj\n<</Type /Sig /ByteRange \(range) /Contents <00>>>\nendobj\n".utf8)
            #expect(throws: PDFSignature.Failure.self, "\(range)") { try PDFSignature.embedded(in: forged) }
        }
    }

    @Test("one byte changed anywhere the signature covers: both checkers refuse the file", arguments: ["title", "content", "update"])
    func tampered(place: String) throws {
        let keys = try Keys()
        defer { keys.remove() }
        var signed = try keys.sign(try Self.certificate())
        /// Where `marker` ends in the file's bytes (binary streams make a decoded string's offsets useless).
        func after(_ marker: String) -> Int {
            let needle = Array(marker.utf8)
            let start = (0...(signed.count - needle.count)).first { Array(signed[$0..<$0 + needle.count]) == needle }!
            return start + needle.count
        }
        let at: Int
        switch place {
        case "title": at = after("/Title <FEFF") + 2  // a hex digit of the title in the information dictionary
        case "content": at = signed.count / 3  // a byte inside the first page's deflated content
        default: at = after("/Reason <FEFF") + 1  // the signing reason, inside the update itself
        }
        signed[at] = signed[at] == UInt8(ascii: "A") ? UInt8(ascii: "B") : UInt8(ascii: "A")
        let pdf = try keys.write(signed, "tampered.pdf")
        let pdfsig = try keys.pdfsig(pdf)
        #expect(pdfsig.contains("Signature Validation:") && !pdfsig.contains("Signature is Valid."), "\(place): \(pdfsig)")
        let (status, out) = try keys.pyHanko(pdf)
        #expect(status == 1, "\(place): \(out)")
        #expect(!out.contains("intact=True valid=True"), "\(place): \(out)")
    }

    @Test("signed by a key another city's authority certified: pyHanko and pdfsig find it valid but not trusted by ours")
    func otherAuthority() throws {
        let ours = try Keys()
        let theirs = try Keys(city: "他市")
        defer { ours.remove(); theirs.remove() }
        let pdf = try ours.write(try theirs.sign(try Self.certificate()), "foreign.pdf")
        let (status, out) = try ours.pyHanko(pdf)
        #expect(status == 1, "\(out)")
        #expect(out.contains("intact=True valid=True trusted=False"), "\(out)")
        let pdfsig = try ours.pdfsig(pdf)
        #expect(pdfsig.contains("Signature is Valid.") && !pdfsig.contains("Certificate is Trusted."), "\(pdfsig)")
    }

    @Test("a file that is not a PDF we made, or is already signed, is refused with an error, not half-signed")
    func refused() throws {
        let keys = try Keys()
        defer { keys.remove() }
        #expect(throws: PDFSignature.Failure.self) { try keys.sign(Array("not a pdf".utf8)) }
        #expect(throws: PDFSignature.Failure.self) { try keys.sign(Array(try Self.certificate().dropLast(200))) }
        let signed = try keys.sign(try Self.certificate())
        #expect(throws: PDFSignature.Failure.self) { try keys.sign(signed) }
        // A signer that answers with more than the reserved space.
        #expect(throws: PDFSignature.Failure.self) {
            try PDFSignature.sign(try Self.certificate(), time: Date(), reason: "r", location: "l", name: "n") { _ in
                [UInt8](repeating: 0x30, count: PDFSignature.capacity + 1)
            }
        }
    }
}
