import Foundation
import Testing

@testable import MadoguchiDomain

/// Issue 13, item 6: one error envelope and one status map for every server (city, hub, copier). A code defined
/// anywhere in the sources without a status of its own fails here, so none falls into a default.
@Suite("エラーの形と状態コード")
struct ErrorStatusTests {
    /// Every error code the sources define: `static let x = Self("code")` on `MadoguchiError.Code`, and the codes the hub
    /// and the store copier answer with as literals (`KioskFailure(code: "…")`, `refuse("…")`, `.init("…")`).
    static func definedCodes() throws -> Set<String> {
        let sources = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Sources")
        let patterns = [#"static let \w+ = Self\("([^"\\]+)"\)"#, #"KioskFailure\(code: "([^"\\]+)""#, #"refuse\("([^"\\]+)""#, #"\.init\("([a-z]+\.[^"\\]+)"\)"#]
            .map { try! NSRegularExpression(pattern: $0) }
        var codes: Set<String> = []
        let files = FileManager.default.enumerator(at: sources, includingPropertiesForKeys: nil)!
        for case let file as URL in files where file.pathExtension == "swift" {
            let text = try String(contentsOf: file, encoding: .utf8)
            let ns = text as NSString
            for pattern in patterns {
                for m in pattern.matches(in: text, range: NSRange(location: 0, length: ns.length)) { codes.insert(ns.substring(with: m.range(at: 1))) }
            }
        }
        return codes
    }

    @Test("every code the sources define has its own status in the one table")
    func everyCodeHasAStatus() throws {
        let codes = try Self.definedCodes()
        #expect(codes.count > 100, "the scan finds the codes (\(codes.count))")
        for code in codes.sorted() {
            #expect(ErrorStatus.isKnown(code), "\(code) has no status in ErrorStatus.table: it would answer 500")
        }
        for reason in RefusalReason.allCases { #expect(ErrorStatus.status(of: reason.code) == 422) }
    }

    @Test("an unknown code is a 500, never a guess; a passed-on status is kept")
    func unknownAndPassedOn() {
        #expect(ErrorStatus.status(of: "no.such.code") == 500)
        #expect(!ErrorStatus.isKnown("no.such.code"))
        #expect(ErrorStatus.status(of: "refusal.noSuchReason") == 500)
        #expect(ErrorStatus.status(of: "kiosk.http503") == 503)
        #expect(ErrorStatus.status(of: "kiosk.http999") == 500)
        #expect(ErrorStatus.status(of: "kiosk.sessionExpired") == 410)
        #expect(ErrorStatus.status(of: "store.unlockOnPhone") == 409)
    }

    @Test("the envelope: code, message in Japanese and English, refusals only when there are some; it reads back")
    func envelope() throws {
        let plain = ErrorEnvelope(MadoguchiError(.notFound, ja: "ありません", en: "Not found"))
        let json = String(decoding: plain.encoded(), as: UTF8.self)
        #expect(json == #"{"error":{"code":"registry.notFound","message":{"en":"Not found","ja":"ありません"}}}"#)
        let refused = ErrorEnvelope(
            MadoguchiError(.init("refusal.selfNotSubject"), ja: "本人ではありません", en: "Not the subject"),
            refusals: [MadoguchiError(.init("refusal.selfNotSubject"), ja: "本人ではありません", en: "Not the subject")])
        let back = try JSONDecoder().decode(ErrorEnvelope.self, from: refused.encoded())
        #expect(back == refused && back.error.refusals?.first?.code == "refusal.selfNotSubject")
    }
}
