import Crypto
import Foundation
import MadoguchiPKI
import MadoguchiTestSupport
import Testing

@testable import MadoguchiDocuments
@testable import MadoguchiDomain

/// Issue 15, item 3: certificates kept for years as PDF/A-2b (ISO 19005-2 level B). No validator is packaged for Debian
/// or PyPI (veraPDF is Java), so `Tests/Interop/check_pdfa.py` writes the clauses out as checks, read by independent
/// parsers (qpdf through pikepdf, LittleCMS through Pillow, fontTools, an XML parser).
@Suite("長期保存（PDF/A-2b）")
struct ArchivalPDFTests {
    static func check(_ pdf: [UInt8]) throws -> (Int32, String) {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("madoguchi-pdfa-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("file.pdf")
        try Data(pdf).write(to: file)
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Interop/check_pdfa.py").path
        let (out, status) = try Poppler.python(script, [file.path])
        return (status, out)
    }

    static func seal() throws -> [UInt8] {
        var content = Samples.residentRecord(persons: [Samples.ivsPerson])
        content.kind = .sealRegistrationCertificate
        return try CertificateRenderer().render(content, extras: .init(sealImage: Samples.sealSVG, sealImageType: "image/svg+xml", qrText: "token"))
    }

    @Test("certificates are PDF/A-2b: a household's 住民票 with an IVS name, and a seal certificate with its 印影 under a soft mask")
    func certificates() throws {
        let household = try CertificateRenderer().render(Samples.residentRecord(persons: Samples.household + [Samples.ivsPerson]), extras: .init(qrText: "token"))
        for (name, pdf) in [("household", household), ("seal", try Self.seal())] {
            let (status, out) = try Self.check(pdf)
            #expect(status == 0, "\(name): \(out)")
            // Something was checked: the fonts (mincho and gothic at least) glyph by glyph, the QR image, the 印影.
            let counts = Dictionary(uniqueKeysWithValues: (out.split(separator: "\n").first { $0.hasPrefix("checked: ") } ?? "")
                .dropFirst("checked: ".count).split(separator: " ").compactMap { pair -> (String, Int)? in
                    let kv = pair.split(separator: "=")
                    return kv.count == 2 ? (String(kv[0]), Int(kv[1]) ?? 0) : nil
                })
            #expect((counts["fonts"] ?? 0) >= 2 && (counts["widths"] ?? 0) >= 40 && (counts["images"] ?? 0) >= 1, "\(name): \(out)")
            if name == "seal" { #expect((counts["images"] ?? 0) >= 2, "the QR code and the 印影: \(out)") }
        }
    }

    @Test("signed for delivery (PAdES B-T, an incremental update), the file is still PDF/A-2b")
    func signed() throws {
        let now = Date()
        let authority = try DocumentAuthority.create(city: "窓口市", now: now)
        let key = P256.Signing.PrivateKey()
        let signer = DocumentSigner(certificate: try authority.issueSigner(key: key.publicKey, city: "窓口市", now: now), chain: [authority.certificate], key: key)
        let tsaKey = P256.Signing.PrivateKey()
        let tsa = TimestampAuthority(
            certificate: try authority.issueTimestamper(key: tsaKey.publicKey, city: "窓口市", now: now), chain: [authority.certificate], key: tsaKey)
        let signed = try PDFSignature.sign(try Self.seal(), time: now, reason: "印鑑登録証明書の電子交付", location: "窓口市", name: "窓口市長") {
            try signer.cades($0) { try tsa.token(sha256: $0, at: now) }
        }
        let (status, out) = try Self.check(signed)
        #expect(status == 0, "\(out)")
    }

    @Test("the checker is not a formality: without the output intent, with another part claimed, or with an XMP title that differs, it refuses",
          arguments: ["intent", "part", "title"])
    func checkerRefuses(break what: String) throws {
        var pdf = try CertificateRenderer().render(Samples.residentRecord(persons: [Samples.ivsPerson]), extras: .init(qrText: "token"))
        func replace(_ old: String, _ new: String) {
            let (o, n) = (Array(old.utf8), Array(new.utf8))
            precondition(o.count == n.count)
            let at = (0...(pdf.count - o.count)).first { Array(pdf[$0..<$0 + o.count]) == o }!
            pdf.replaceSubrange(at..<at + o.count, with: n)
        }
        let clause: String
        switch what {
        case "intent":
            replace("/OutputIntents", "/OutputIntentZ")
            clause = "6.2.3"
        case "part":
            replace("<pdfaid:part>2<", "<pdfaid:part>3<")
            clause = "6.6.4"
        default:
            // The information dictionary's title no longer the XMP's: one hex digit of its first character changed (same
            // length, so nothing else moves).
            let marker = Array("/Title <FEFF".utf8)
            let at = (0...(pdf.count - marker.count)).first { Array(pdf[$0..<$0 + marker.count]) == marker }! + marker.count + 3
            pdf[at] = pdf[at] == UInt8(ascii: "1") ? UInt8(ascii: "2") : UInt8(ascii: "1")
            clause = "6.6.3"
        }
        let (status, out) = try Self.check(pdf)
        #expect(status == 1 && out.contains(clause), "\(what): \(out)")
    }
}
