import Foundation
import GRDB
import MadoguchiDomain
import MadoguchiIssuance
@testable import MadoguchiStore
import MadoguchiTestSupport
import Testing
import X509

/// Issue 15, item 2: `madoguchi verify` reports a signed PDF's signature (電子交付, PAdES B-T) beside its QR code, and
/// fails when the signature does not hold: a changed byte, bytes appended after it, or a trust root that is not the
/// city's document authority.
@Suite("電子交付の検証コマンド", .serialized)
struct VerifySignedCLITests {
    @Test("hostile: verify checks a signed PDF's signature and timestamp with the QR; a changed or extended file, or the wrong authority, fails")
    func signedPDF() async throws {
        let dir = CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        func path(_ name: String) -> String { dir.appendingPathComponent(name).path }
        #expect(try CLI.run(["seed", "--db", path("city.sqlite"), "--residents", "200"]).status == 0)
        let db = try MadoguchiDatabase.open(path: path("city.sqlite"))
        let service = IssuanceService(database: db, clock: MadoguchiClock.parse("2026-11-24T10:00:00+09:00")!)
        try service.prepareSigning()
        let subject = try #require(try await db.writer.read { d in
            try Int64.fetchOne(d, sql: "SELECT id FROM resident WHERE removedOn IS NULL AND relationship = 'householder' LIMIT 1")
        })
        guard case .issued(let certificate, _) = try service.issue(.init(
            kind: .residentRecordCopy, subjectId: subject, requester: Requester(.self, residentId: subject, identityDocuments: [.myNumberCard])))
        else { Issue.record("not issued"); return }
        let (_, signed) = try await service.signedDocument(async: certificate.id)
        let (_, plain) = try await service.document(async: certificate.id)
        try Data(signed).write(to: URL(fileURLWithPath: path("signed.pdf")))
        try Data(plain).write(to: URL(fileURLWithPath: path("plain.pdf")))
        let authority = try #require(try service.documentAuthority())
        try authority.serializeAsPEM().pemString.write(toFile: path("documents.pem"), atomically: true, encoding: .utf8)
        let card = try #require(try await db.writer.read { d in try Data.fetchOne(d, sql: "SELECT certificate FROM cardAuthority") })
        try Certificate(derEncoded: [UInt8](card)).serializeAsPEM().pemString.write(toFile: path("card.pem"), atomically: true, encoding: .utf8)

        let good = try CLI.run(["verify", path("signed.pdf"), "--db", path("city.sqlite")])
        #expect(good.status == 0, "\(good.out)\(good.err)")
        #expect(good.out.contains("pdf-signature: valid") && good.out.contains("証明書電子交付"), "\(good.out)")
        #expect(good.out.contains("timestamp 2026-11-24T10:00:00+09:00"), "\(good.out)")
        #expect(good.out.contains("\nvalid:") || good.out.hasPrefix("valid:"), "the QR code too: \(good.out)")
        // The signature alone, offline, with the authority the city publishes.
        let offline = try CLI.run(["verify", path("signed.pdf"), "--document-authority", path("documents.pem")])
        #expect(offline.status == 0 && offline.out.contains("pdf-signature: valid") && offline.out.contains("qr: not checked"), "\(offline.out)")
        // The printed PDF has no signature; its QR code still verifies.
        let unsigned = try CLI.run(["verify", path("plain.pdf"), "--db", path("city.sqlite")])
        #expect(unsigned.status == 0 && unsigned.out.contains("pdf-signature: none"), "\(unsigned.out)")

        // The card authority is not the document authority.
        let wrongRoot = try CLI.run(["verify", path("signed.pdf"), "--document-authority", path("card.pem")])
        #expect(wrongRoot.status == 1 && wrongRoot.out.contains("does not chain to the document authority"), "\(wrongRoot.out)")
        // One byte of the printed page changed (inside the first page's content, which the QR check does not read).
        var changed = signed
        changed[plain.count / 3] ^= 0x01
        try Data(changed).write(to: URL(fileURLWithPath: path("changed.pdf")))
        let tampered = try CLI.run(["verify", path("changed.pdf"), "--document-authority", path("documents.pem")])
        #expect(tampered.status == 1 && tampered.out.contains("changed after signing"), "\(tampered.out)")
        // An update appended after the signature: the signature no longer covers the whole file.
        try Data(signed + Array("\n1 0 obj\n<</Type /Catalog>>\nendobj\n".utf8)).write(to: URL(fileURLWithPath: path("appended.pdf")))
        let appended = try CLI.run(["verify", path("appended.pdf"), "--document-authority", path("documents.pem")])
        #expect(appended.status == 1 && appended.out.contains("does not cover the whole file"), "\(appended.out)")
        // A byte range that does not bound the signature is a coded error, not a crash.
        var badRange = signed
        let marker = Array("/ByteRange [0 ".utf8)
        let at = try #require((0...(badRange.count - marker.count)).first { Array(badRange[$0..<$0 + marker.count]) == marker })
        badRange[at + marker.count] = UInt8(ascii: "1")
        try Data(badRange).write(to: URL(fileURLWithPath: path("range.pdf")))
        let range = try CLI.run(["verify", path("range.pdf"), "--document-authority", path("documents.pem")])
        #expect(range.status == 1 && (range.err.contains("verify.signatureUnreadable") || range.out.contains("pdf-signature: invalid")), "\(range.out)\(range.err)")
        // The signing and timestamp keys rotated (a key suspected of exposure): the new PDF is signed by another
        // certificate of the same authority, and the PDF signed before still verifies.
        let before = try #require(try await db.writer.read { d in
            try String.fetchOne(d, sql: "SELECT serial FROM documentKey WHERE purpose = 'signing' AND retiredAt IS NULL")
        })
        let rotated = try CLI.run(["keys", "rotate", "--documents", "--db", path("city.sqlite")],
                                  environment: ["MADOGUCHI_CLOCK": "2026-11-24T10:00:00+09:00"])
        #expect(rotated.status == 0 && !rotated.out.contains(before) && rotated.out.contains("document-signing certificate: "), "\(rotated.out)\(rotated.err)")
        let (_, resigned) = try await service.signedDocument(async: certificate.id)
        try Data(resigned).write(to: URL(fileURLWithPath: path("resigned.pdf")))
        for file in ["signed.pdf", "resigned.pdf"] {
            let again = try CLI.run(["verify", path(file), "--db", path("city.sqlite")])
            #expect(again.status == 0 && again.out.contains("pdf-signature: valid"), "\(file): \(again.out)")
        }
        let current = try await db.writer.read { d in
            try Int.fetchOne(d, sql: "SELECT count(*) FROM documentKey WHERE retiredAt IS NULL")
        }
        #expect(current == 3, "one authority, one signer, one timestamp service current")
        #expect(try Poppler.run("pdfsig", [path("resigned.pdf")]) != (try Poppler.run("pdfsig", [path("signed.pdf")])))
        // Nothing to check against: a clear error in both languages.
        let nothing = try CLI.run(["verify", path("signed.pdf")])
        #expect(nothing.status != 0 && nothing.err.contains("--document-authority"), "\(nothing.err)")
    }
}
