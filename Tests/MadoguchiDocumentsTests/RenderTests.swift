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

    @Test("a bad seal image is an error, not a crash")
    func badSeal() throws {
        var content = Samples.residentRecord(persons: [Samples.ivsPerson])
        content.kind = .sealRegistrationCertificate
        #expect(throws: DocumentError.self) {
            try CertificateRenderer().render(content, extras: .init(sealImage: Array("<svg".utf8), sealImageType: "image/svg+xml"))
        }
        #expect(try CertificateRenderer().render(content, extras: .init(sealImage: Samples.sealSVG, sealImageType: "image/svg+xml")).count > 1000)
    }
}
