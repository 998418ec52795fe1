import ArgumentParser
import Dispatch
import Foundation
import MadoguchiDocuments
import MadoguchiDomain
import MadoguchiPKI

struct Bench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Benchmarks of the hot paths (run a release build).", subcommands: [Render.self, KioskBench.self, SheetBench.self, RegistryBench.self, AuditBench.self, CrashBench.self, FuzzBench.self, APIFuzzBench.self, EngineBench.self, QueueBench.self, ForecastBench.self, WhatIfBench.self, PageBench.self])

    struct Render: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Render the same 住民票の写し (個人票, QR code, 地紋) repeatedly; print certificates per second.")

        @Option(help: "Documents to render.") var count: Int = 300
        @Option(help: "Threads rendering at once.") var threads: Int = 1
        @Option(help: "Write one rendering here, to look at.") var out: String?
        @Flag(help: "Leave out the anti-copy background (for a plain-page comparison).") var plain = false

        func run() throws {
            let (content, sampleExtras) = try Self.sample()
            var extras = sampleExtras
            extras.background = !plain
            let pageExtras = extras
            let renderer = CertificateRenderer()
            let first = try renderer.render(content, extras: extras)
            if let out { try Data(first).write(to: URL(fileURLWithPath: out)) }
            for _ in 0..<5 { _ = try renderer.render(content, extras: extras) }  // warm the font caches
            let perThread = max(1, count / threads)
            let start = ContinuousClock.now
            DispatchQueue.concurrentPerform(iterations: threads) { _ in
                for _ in 0..<perThread { _ = try? renderer.render(content, extras: pageExtras) }
            }
            let elapsed = ContinuousClock.now - start
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            let total = perThread * threads
            print(String(format: "rendered %d%@ certificates on %d thread(s) in %.2f s: %.1f per second, %d bytes each",
                         total, plain ? " plain" : "", threads, seconds, Double(total) / seconds, first.count))
        }

        /// A realistic page: an IVS name, every row of a 個人票, and a signed token for the QR code.
        static func sample() throws -> (CertificateContent, CertificateRenderer.Extras) {
            let birth = CivilDate(year: 1989, month: 1, day: 7)!
            let person = PrintedPerson(
                residentId: 1, name: "渡邉\u{E0110}　𠮷乃", kana: "ワタナベ　ヨシノ", birthDate: birth, birthDateJapanese: "昭和64年1月7日",
                sex: "女", relationship: "世帯主", formerFamilyName: nil, becameResidentOn: "平成22年4月1日",
                addressSetOn: "平成22年4月1日", notifiedOn: "平成22年4月5日", previousAddress: "東京都大田区田園調布一丁目1番1号",
                permanentDomicile: "神奈川県窓口市中央区本町一丁目1番地", domicileHead: "渡邉\u{E0110}　𠮷乃", individualNumber: nil,
                residentRecordCode: nil, events: nil)
            let content = CertificateContent(
                kind: .residentRecordCopy, title: "住民票の写し", cityCode: "149802", cityName: "窓口市", mayor: "窓口市長　窓口　一郎",
                issuedOn: CivilDate(year: 2026, month: 11, day: 24)!, issuedOnJapanese: "令和8年11月24日",
                serialNumber: "第2026-000123号", certification: CertificateContent.certification(.residentRecordCopy, scope: .individual),
                scope: .individual, layout: .individualSheet, items: [.permanentDomicile, .relationship],
                address: "神奈川県窓口市中央区本町一丁目1番1号　メゾン本町101号室", householder: person.name, persons: [person])
            let claims = DocumentClaims(
                jti: "0123456789abcdef0123456789abcdef", iss: "149802", iat: 1_795_482_000, kind: "residentRecordCopy",
                names: [person.name], births: [birth.description], digest: String(repeating: "ab", count: 32))
            let token = try CompactJWS.sign(try claims.json(), with: SigningKey.generate())
            return (content, CertificateRenderer.Extras(qrText: token))
        }
    }
}
