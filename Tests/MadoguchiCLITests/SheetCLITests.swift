import Foundation
import MadoguchiTestSupport
import Testing

@Suite("madoguchi sheet", .serialized)
struct SheetCLITests {
    static let sheets = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("data/sheets")
    let program = sheets.appendingPathComponent("program-P1-1-3.tsv").path
    let measure = sheets.appendingPathComponent("measure-72302000.txt").path

    @Test("import prints each sheet's code; render gives HTML, PDF and JSON; the JSON imports back as the same sheet")
    func importAndRender() throws {
        let dir = CLI.temporaryDirectory()
        let db = dir.appendingPathComponent("m.sqlite").path
        let imported = try CLI.run(["sheet", "import", program, measure, "--db", db])
        #expect(imported.status == 0, "\(imported.err)")
        #expect(imported.out == "P1-1-3\n72302000\n")

        let json = try CLI.run(["sheet", "render", "72302000", "--db", db, "--format", "json"])
        #expect(json.status == 0)
        #expect(json.out.hasPrefix("{\n  \"format\" : \"madoguchi-sheet/1\""))
        let jsonFile = dir.appendingPathComponent("72302000.json")
        try Data(json.out.utf8).write(to: jsonFile)
        let db2 = dir.appendingPathComponent("m2.sqlite").path
        #expect(try CLI.run(["sheet", "import", jsonFile.path, "--db", db2]).out == "72302000\n")
        #expect(try CLI.run(["sheet", "render", "72302000", "--db", db2, "--format", "json"]).out == json.out)

        let html = try CLI.run(["sheet", "render", "P1-1-3", "--db", db])
        #expect(html.out.hasPrefix("<!DOCTYPE html>") && html.out.contains("【27年度変更】"))

        let pdf = dir.appendingPathComponent("p.pdf")
        #expect(try CLI.run(["sheet", "render", "P1-1-3", "--db", db, "--format", "pdf", "--out", pdf.path]).status == 0)
        #expect(Poppler.compact(try Poppler.text(pdf)).contains("区役所・出張所のあり方とまちづくり推進体制の見直し"))

        let list = try CLI.run(["sheet", "list", "--db", db])
        #expect(list.out.contains("P1-1-3\tdraft\tv1\t区役所・出張所のあり方とまちづくり推進体制の見直し"))
    }

    @Test("a file it cannot read: exit 1, the line named, nothing imported, no crash")
    func refusal() throws {
        let dir = CLI.temporaryDirectory()
        let db = dir.appendingPathComponent("m.sqlite").path
        let broken = dir.appendingPathComponent("broken.tsv")
        let text = try String(contentsOfFile: program, encoding: .utf8).replacingOccurrences(of: "準備\t継続実施", with: "準備\tやる")
        try Data(text.utf8).write(to: broken)
        let r = try CLI.run(["sheet", "import", measure, broken.path, "--db", db])
        #expect(r.status == 1)
        #expect(r.out.isEmpty)
        #expect(r.err.contains("broken.tsv: 25行目を読めません"))
        #expect(r.err.contains("[sheet.unreadable]"))
        #expect(try CLI.run(["sheet", "list", "--db", db]).out.isEmpty)

        let binary = dir.appendingPathComponent("noise.bin")
        try Data([0x00, 0xFF, 0xFE, 0x81, 0x00]).write(to: binary)
        let noise = try CLI.run(["sheet", "import", binary.path, "--db", db])
        #expect(noise.status == 1 && !noise.err.isEmpty)

        let missing = try CLI.run(["sheet", "render", "X-1", "--db", db, "--format", "json"])
        #expect(missing.status == 1 && missing.err.contains("[sheet.notFound]"))
        let format = try CLI.run(["sheet", "render", "X-1", "--db", db, "--format", "docx"])
        #expect(format.status == 1 && format.err.contains("--format"))
    }
}
