import Foundation
import MadoguchiTestSupport
import Testing

@testable import MadoguchiDocuments
@testable import MadoguchiDomain

@Suite("証明書のPDF")
struct RenderTests {
    @Test("a 個人票 prints the IVS name exactly, the certification sentence and every font embedded")
    func individualSheet() throws {
        let content = Samples.residentRecord(persons: [Samples.ivsPerson])
        let pdf = try Poppler.write(try CertificateRenderer().render(content))
        defer { try? FileManager.default.removeItem(at: pdf) }
        let text = Poppler.compact(try Poppler.text(pdf))
        #expect(text.contains(Samples.ivsFamily), "IVS sequence kept")
        #expect(text.contains("𠮷乃"))
        #expect(text.contains("この写しは、住民票の原本と相違ないことを証明する。"))
        #expect(text.contains("令和8年11月24日"))
        #expect(text.contains("窓口市長窓口一郎"))
        #expect(text.contains("第2026-000123号"))
        #expect(text.contains("昭和64年1月7日生"))
        let fonts = try Poppler.fonts(pdf).split(separator: "\n").dropFirst(2)
        #expect(!fonts.isEmpty)
        for line in fonts {
            let columns = line.split(separator: " ", omittingEmptySubsequences: true)
            // name type encoding emb sub uni object ID
            #expect(columns.count >= 7, "\(line)")
            #expect(columns[columns.count - 5] == "yes", "not embedded: \(line)")
        }
        #expect(fonts.contains { $0.contains("IPAmjMincho") })
        #expect(try Poppler.pages(pdf) == 1)
    }

    @Test("世帯連記式: four persons a sheet, the fifth on a second sheet with page numbers")
    func householdSheets() throws {
        let content = Samples.residentRecord(persons: Samples.household, layout: .householdSheet)
        let pdf = try Poppler.write(try CertificateRenderer().render(content))
        defer { try? FileManager.default.removeItem(at: pdf) }
        #expect(try Poppler.pages(pdf) == 2)
        let pages = try Poppler.text(pdf).split(separator: "\u{0C}").map { Poppler.compact(String($0)) }
        #expect(pages[0].contains("髙橋陽菜"))
        #expect(!pages[0].contains("山﨑"))
        #expect(pages[1].contains("山﨑"))
        #expect(pages[0].contains("1/2"))
        #expect(pages[1].contains("2/2"))
        #expect(pages[1].contains("世帯全員の住民票の原本と相違ないことを証明する。"))
        #expect(!pages[0].contains("相違ないことを証明する"), "the certification goes on the last sheet")
    }

    /// A token the size of a real one (an ES256 compact JWS of a certificate's claims, about 480 characters).
    /// Its body and signature are base64url characters from a fixed pseudo-random sequence, as varied as a real one.
    static let token: String = {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func characters(_ n: Int) -> String {
            String((0..<n).map { _ in
                state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                return alphabet[Int(state >> 58)]
            })
        }
        return "eyJhbGciOiJFUzI1NiIsImtpZCI6InRlc3QiLCJ0eXAiOiJKV1QifQ." + characters(330) + "." + characters(86)
    }()

    @Test("the QR code reads back with zbar from 100 to 600 dpi")
    func qrResolutions() async throws {
        let content = Samples.residentRecord(persons: [Samples.ivsPerson])
        let pdf = try Poppler.write(try CertificateRenderer().render(content, extras: .init(qrText: Self.token)))
        defer { try? FileManager.default.removeItem(at: pdf) }
        // Off the cooperative pool: four rasterisations up to 600 dpi take minutes on a loaded machine, and held one of
        // its two threads that long (CI's log showed the other tests stalled behind them).
        let reads = try await offThePool { try [100, 150, 300, 600].map { dpi in (dpi, try Poppler.qr(pdf, page: 1, dpi: dpi)) } }
        for (dpi, read) in reads {
            #expect(read == Self.token, "\(dpi) dpi")
        }
    }

    @Test("the fonts are subsets: each holds the glyphs the page uses, not the font's 12,000 to 60,000")
    func fontSubsets() throws {
        let content = Samples.residentRecord(persons: [Samples.ivsPerson])
        let bytes = try CertificateRenderer().render(content, extras: .init(qrText: Self.token))
        let pdf = try Poppler.write(bytes)
        defer { try? FileManager.default.removeItem(at: pdf) }
        let fonts = try Poppler.fonts(pdf).split(separator: "\n").dropFirst(2)
        #expect(fonts.count == 3)
        for line in fonts {
            let columns = line.split(separator: " ", omittingEmptySubsequences: true)
            #expect(columns[columns.count - 5] == "yes" && columns[columns.count - 4] == "yes" && columns[columns.count - 3] == "yes",
                    "embedded, subset, with a Unicode map: \(line)")
            #expect(columns[0].count > 7 && columns[0].dropFirst(6).first == "+", "subset tag: \(line)")
        }
        // IPAmj明朝 alone is 46 MB; the whole page with three fonts stays small.
        #expect(bytes.count < 120_000, "\(bytes.count) bytes")
        // The glyphs are drawn, not only extractable: the title's strokes are black.
        let title = try Poppler.raster(pdf, dpi: 100).box(x: 230, y: 64, width: 136, height: 24, dpi: 100)
        #expect(title.filter { $0 < 80 }.count > title.count / 20, "the title is printed")
    }

    @Test("a subset read by an independent parser (fontTools): checksums, every outline, the widths; deflated pieces join to the same file")
    func subsetFile() throws {
        let font = try FontFile(family: "IPAexGothic")
        let subset = FontFile.Subset(font: font)
        let text = "複写住民票の写し ABC"
        var glyphs: [FontFile.Glyph] = []
        var utf8 = Array(text.utf8)
        utf8.withUnsafeMutableBufferPointer { glyphs = font.shape(UnsafeBufferPointer($0)) }
        for g in glyphs { _ = subset.number(Int(g.id)) }
        let plain = subset.file()
        let (deflated, length) = subset.deflated()
        #expect(length == plain.count)
        #expect(ZlibJoin.inflate(deflated, expected: length) == plain, "the joined zlib stream inflates to the plain file")
        // A second document reuses the pieces: the same bytes again.
        #expect(subset.deflated().bytes == deflated)
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("madoguchi-subset-\(UUID().uuidString).ttf")
        try Data(plain).write(to: url)
        defer { try? FileManager.default.removeItem(at: url) }
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Interop/read_font.py").path
        let (out, status) = try Poppler.python(script, [url.path])
        #expect(status == 0, "\(out)")
        let lines = out.split(separator: "\n")
        #expect(Int(lines.first ?? "") == subset.glyphs.count)
        #expect(subset.glyphs.count == Set(glyphs.map(\.id)).count + 1, "the glyphs used and .notdef")
        // Every glyph but the space has an outline, and each keeps the font's own advance.
        for (n, line) in lines.dropFirst().enumerated() {
            let fields = line.split(separator: " ").compactMap { Int($0) }
            #expect(fields.count == 2)
            #expect(fields.last == font.advance(subset.glyphs[n]))
        }
        #expect(lines.dropFirst().filter { $0.hasPrefix("0 ") }.count <= 1, "only the space has no points")
    }

    @Test("the 地紋: the words 複写 in large dots among small ones; no dots when left out")
    func copyProtection() throws {
        let content = Samples.residentRecord(persons: [Samples.ivsPerson])
        func raster(_ background: Bool) throws -> Poppler.Raster {
            let pdf = try Poppler.write(try CertificateRenderer().render(content, extras: .init(background: background)))
            defer { try? FileManager.default.removeItem(at: pdf) }
            return try Poppler.raster(pdf, dpi: 150)
        }
        let page = try raster(true)
        // At 150 dpi a large dot (1.28 pt across) has a pixel of full ink; a small one (0.64 pt) never does.
        func cores(_ pixels: [UInt8]) -> Int { pixels.filter { $0 < 206 }.count }
        func inked(_ pixels: [UInt8]) -> Int { pixels.filter { $0 < 250 }.count }
        let word = page.box(x: 44, y: 68, width: 120, height: 52, dpi: 150)  // the first 複写, top left
        let between = page.box(x: 172, y: 90, width: 54, height: 34, dpi: 150)  // between it and the next
        #expect(cores(word) > word.count / 200, "large dots in the words: \(cores(word)) of \(word.count)")
        #expect(cores(between) == 0, "no large dot between the words")
        #expect(inked(between) > between.count / 10, "small dots between the words: \(inked(between)) of \(between.count)")
        let plain = try raster(false)
        #expect(inked(plain.box(x: 172, y: 90, width: 54, height: 34, dpi: 150)) == 0)
        #expect(cores(plain.box(x: 44, y: 68, width: 120, height: 52, dpi: 150)) == 0)
    }

    @Test("documents rendered on several threads at once each print their own name")
    func concurrent() throws {
        let names = ["髙橋　一郎", "山﨑　和子", "\(Samples.ivsFamily)　𠮷乃", "齋藤　花子"]
        final class Results: @unchecked Sendable {
            let lock = NSLock()
            var pdfs: [Int: [UInt8]] = [:]
        }
        let results = Results()
        DispatchQueue.concurrentPerform(iterations: 8) { i in
            let content = Samples.residentRecord(persons: [Samples.person(names[i % 4], "タカハシ　イチロウ", "1970-05-05")])
            let bytes = (try? CertificateRenderer().render(content, extras: .init(qrText: Self.token))) ?? []
            results.lock.withLock { results.pdfs[i] = bytes }
        }
        for (i, bytes) in results.pdfs {
            let pdf = try Poppler.write(bytes)
            defer { try? FileManager.default.removeItem(at: pdf) }
            let text = Poppler.compact(try Poppler.text(pdf))
            #expect(text.contains(Poppler.compact(names[i % 4])), "document \(i)")
            for other in names where other != names[i % 4] { #expect(!text.contains(Poppler.compact(other)), "document \(i)") }
        }
        #expect(results.pdfs.count == 8)
    }

    @Test("text no font has prints as an empty box, not a crash; the rest of the row stays readable")
    func missingGlyphs() throws {
        var person = Samples.ivsPerson
        person.previousAddress = "東京都\u{10FFFD}大田区😀田園調布\u{0301}一丁目"  // 布́ is one Character
        let content = Samples.residentRecord(persons: [person])
        let pdf = try Poppler.write(try CertificateRenderer().render(content))
        defer { try? FileManager.default.removeItem(at: pdf) }
        let text = Poppler.compact(try Poppler.text(pdf))
        #expect(text.contains("東京都"))
        #expect(text.contains("大田区"))
        #expect(text.contains("一丁目"))
        #expect(try Poppler.pages(pdf) == 1)
    }

    @Test("long text wraps inside its width, between words or Japanese characters, and no line starts with 。 or ）")
    func wrapping() throws {
        let canvas = try DirectCanvas(title: "test")
        let text = "東京都大田区田園調布一丁目1番1号（メゾン田園調布）。" + String(repeating: "あいうえお、かきくけこ。", count: 8)
            + " The QR code verifies this certificate at /verify, " + String(repeating: "x", count: 120)
        let layout = canvas.layout(text, size: 10.5, font: .mincho, width: 200)
        #expect(layout.lines.count > 5)
        for line in layout.lines {
            #expect(line.width <= 200.01, "line of \(line.width) pt")
            #expect(!["。", "、", "）"].contains(line.text.first.map(String.init) ?? ""), "\(line.text)")
            #expect(!line.text.hasSuffix("（"), "\(line.text)")
        }
        #expect(layout.lines.map(\.text).joined().filter { $0 != " " } == text.filter { $0 != " " },
                "nothing lost but the spaces where lines broke")
        // Three characters a line: 「（あ）」 would leave 「。」 to start a line, so the break moves back.
        let wrapped = canvas.layout("（あ）。いう", size: 10.5, font: .mincho, width: 31.5)
        #expect(wrapped.lines.count >= 2)
        for line in wrapped.lines { #expect(!["。", "）"].contains(line.text.first.map(String.init) ?? ""), "\(line.text)") }
        #expect(canvas.measure("一行目\n二行目\n三行目", size: 10, font: .gothic, width: nil) == 3 * canvas.measure("一行目", size: 10, font: .gothic, width: nil))
    }

    @Test("a bad seal image is an error, not a crash")
    func badSeal() throws {
        var content = Samples.residentRecord(persons: [Samples.ivsPerson])
        content.kind = .sealRegistrationCertificate
        #expect(throws: DocumentError.self) {
            try CertificateRenderer().render(content, extras: .init(sealImage: Array("<svg".utf8), sealImageType: "image/svg+xml"))
        }
        #expect(try CertificateRenderer().render(content, extras: .init(sealImage: Samples.sealSVG, sealImageType: "image/svg+xml")).count > 1000)
    }

    @Test("hostile: the chart drawing reads our SVG subset and refuses anything else with an error, never drawing half a chart")
    func vectorRefuses() throws {
        let canvas = try DirectCanvas(title: "chart")
        func draw(_ body: String) throws {
            try canvas.vector(svg: "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"100\" height=\"50\">\(body)</svg>", x: 0, y: 0, width: 100, height: 50)
        }
        try draw(##"<rect x="1" y="2" width="3" height="4" fill="#fff" stroke="#999" stroke-width="0.5"/><path d="M10,20 L15,20 l-5,5 Z" fill="#c01c28"/>"##)
        #expect(try DirectCanvas.path("M10,20 L15,20 l-5,5 Z") == [.move(10, 20), .line(15, 20), .line(10, 25), .close])
        for bad in [
            ##"<image href="x.png" x="0" y="0" width="1" height="1"/>"##, ##"<rect x="1" y="2" width="3"/>"##,
            ##"<path d="M10,20 C1,2,3,4,5,6" fill="#000"/>"##, ##"<polyline points="1,2,3" stroke="#000"/>"##,
            ##"<line x1="0" y1="0" x2="1" y2="1" stroke="red"/>"##, ##"<text x="1" y="2">unclosed"##,
        ] {
            #expect(throws: DocumentError.self, "\(bad)") { try draw(bad) }
        }
        #expect(throws: DocumentError.self) { try canvas.vector(svg: "<svg>", x: 0, y: 0, width: 1, height: 1) }
    }
}
