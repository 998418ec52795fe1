import ArgumentParser
import Dispatch
import Foundation
import MadoguchiDocuments
import MadoguchiDomain
import MadoguchiPKI

struct Bench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Benchmarks of the hot paths (run a release build).", subcommands: [Render.self, KioskBench.self, SheetBench.self, RegistryBench.self, AuditBench.self, CrashBench.self, FuzzBench.self, APIFuzzBench.self, EngineBench.self, QueueBench.self, ForecastBench.self, WhatIfBench.self, PageBench.self, VerifyBench.self])

    struct Render: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Render 住民票の写し (個人票, QR code, 地紋), each with its own serial, name, address and token; "
                + "print certificates per second, and Typst's rate on the same page in the same run.")

        @Option(help: "Documents to render.") var count: Int = 300
        @Option(help: "Threads rendering at once.") var threads: Int = 1
        @Option(help: "Write one rendering here, to look at.") var out: String?
        @Flag(help: "Leave out the anti-copy background (for a plain-page comparison).") var plain = false
        @Flag(help: "Also compile the same page with Typst (Benchmarks/typst_render.py, the `typst` package from PyPI).")
        var typst = false
        @Option(help: "The Typst side's script.") var typstScript = "Benchmarks/typst_render.py"

        func run() throws {
            let (sample, sampleExtras) = try Self.sample()
            var extras = sampleExtras
            extras.background = !plain
            // Every document differs, as at a counter: nothing a renderer caches by content is reused.
            let documents = try (0..<count + 5).map { try Self.varied(sample, extras: extras, n: $0) }
            let renderer = CertificateRenderer()
            let first = try renderer.render(documents[0].0, extras: documents[0].1)
            if let out { try Data(first).write(to: URL(fileURLWithPath: out)) }
            for d in documents[1..<5] { _ = try renderer.render(d.0, extras: d.1) }  // warm the font caches
            let perThread = max(1, count / threads)
            let bytes = Counter()
            let cpuBefore = Self.cpuSeconds()
            let start = ContinuousClock.now
            DispatchQueue.concurrentPerform(iterations: threads) { t in
                var size = 0
                for i in 0..<perThread {
                    let d = documents[5 + (t * perThread + i) % count]
                    size += (try? renderer.render(d.0, extras: d.1).count) ?? 0
                }
                bytes.add(size)
            }
            let elapsed = ContinuousClock.now - start
            let cpu = Self.cpuSeconds() - cpuBefore
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            let total = perThread * threads
            let rate = Double(total) / seconds
            print(String(format: "madoguchi: rendered %d%@ varied certificates on %d thread(s) in %.2f s: %.1f per second, %d bytes each; %.2f CPU-s, %.1f per CPU-second",
                         total, plain ? " plain" : "", threads, seconds, rate, bytes.value / total, cpu, Double(total) / cpu))
            guard typst else { return }
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = ["python3", typstScript, String(count)] + (plain ? ["--plain"] : [])
            let pipe = Pipe()
            process.standardOutput = pipe
            try process.run()
            let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            print(output, terminator: "")
            guard process.terminationStatus == 0,
                  let typstRate = output.split(separator: " ").firstIndex(of: "per").map({ output.split(separator: " ")[$0 - 1] })
                    .flatMap({ Double($0.trimmingCharacters(in: CharacterSet(charactersIn: ":"))) })
            else { throw ValidationError("the Typst side failed (pip install typst segno)") }
            print(String(format: "per core: madoguchi %.1f / typst %.1f = %.2f×", rate / Double(threads), typstRate, rate / Double(threads) / typstRate))
        }

        /// This process's CPU time, user and system, in seconds.
        static func cpuSeconds() -> Double {
            var usage = rusage()
            getrusage(Int32(RUSAGE_SELF.rawValue), &usage)
            func seconds(_ t: timeval) -> Double { Double(t.tv_sec) + Double(t.tv_usec) / 1e6 }
            return seconds(usage.ru_utime) + seconds(usage.ru_stime)
        }

        /// A thread-safe sum.
        final class Counter: @unchecked Sendable {
            private let lock = NSLock()
            private(set) var value = 0
            func add(_ n: Int) { lock.withLock { value += n } }
        }

        static let families = ["渡邉\u{E0110}", "髙橋", "齋藤", "山﨑", "吉田", "渡辺", "邊見", "濵田"]
        static let givenNames = ["𠮷乃", "一郎", "花子", "太郎", "美咲", "翔太", "陽菜", "蓮"]

        /// The sample with the `n`th serial number, name, address, date of birth and token (the same as the Typst side's).
        static func varied(_ sample: CertificateContent, extras: CertificateRenderer.Extras, n: Int) throws
            -> (CertificateContent, CertificateRenderer.Extras)
        {
            var content = sample
            let name = "\(families[n % families.count])　\(givenNames[(n / families.count) % givenNames.count])"
            content.serialNumber = String(format: "第2026-%06d号", n)
            content.address = "神奈川県窓口市中央区本町一丁目\(n % 30 + 1)番\(n % 9 + 1)号　メゾン本町\(n % 400 + 101)号室"
            content.householder = name
            content.persons[0].name = name
            content.persons[0].domicileHead = name
            content.persons[0].birthDateJapanese = "昭和\(n % 63 + 1)年\(n % 12 + 1)月\(n % 28 + 1)日"
            var extras = extras
            let claims = DocumentClaims(
                jti: String(format: "%032x", n), iss: "149802", iat: 1_795_482_000 + Int64(n), kind: "residentRecordCopy",
                names: [name], births: ["1989-01-07"], digest: String(repeating: "ab", count: 32))
            extras.qrText = try CompactJWS.sign(try claims.json(), with: key)
            return (content, extras)
        }

        static let key = SigningKey.generate()

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
