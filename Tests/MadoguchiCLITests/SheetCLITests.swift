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

    @Test("open data: every indicator value per fiscal year, CSV in UTF-8 and CP932 and JSON; only published sheets unless --drafts")
    func openData() throws {
        let dir = CLI.temporaryDirectory()
        let db = dir.appendingPathComponent("m.sqlite").path
        #expect(try CLI.run(["sheet", "import", program, measure, "--db", db]).status == 0)
        #expect(try CLI.run(["sheet", "opendata", "--db", db]).out == "施策コード,施策名,指標番号,指標名,単位,指標の方向性,年度,和暦年度,区分,値,出典\r\n")

        let csv = try CLI.run(["sheet", "opendata", "--db", db, "--drafts"]).out
        let lines = csv.components(separatedBy: "\r\n").filter { !$0.isEmpty }
        // 72302000: 3 years × plan and actual; P1-1-3: ① and ② baseline + 3 actuals + target, ③ baseline + 3 dashes + target.
        #expect(lines.count == 1 + 6 + 5 + 5 + 5)
        #expect(lines.contains("72302000,区役所と支所、出張所等の窓口サービス機能再編の取組,1,全証明書発行件数に占める行政サービスコーナー(市内6カ所)での証明書発行件数の割合,%,大きいほどよい,2013,平成25年度,実績値,20,"))
        #expect(lines.contains("P1-1-3,区役所・出張所のあり方とまちづくり推進体制の見直し,2,区役所のまちづくり活動を身近に感じる市民の割合,%,,2016,平成28年度,実績値,32.0,"))
        #expect(lines.contains("P1-1-3,区役所・出張所のあり方とまちづくり推進体制の見直し,3,まちづくりセンター地域担当職員の地域での活動件数,,,2014,平成26年度,実績値,-,"))

        let sjis = dir.appendingPathComponent("od.csv")
        #expect(try CLI.run(["sheet", "opendata", "--db", db, "--drafts", "--encoding", "cp932", "--out", sjis.path]).status == 0)
        let bytes = try Data(contentsOf: sjis)
        #expect(String(data: bytes, encoding: .utf8) == nil)
        #expect(String(data: bytes, encoding: .shiftJIS) == csv)

        // Fed live from the ledger: the live value appears with its source.
        #expect(try CLI.run(["sheet", "live", "72302000", "--indicator", "1", "--source", "service-corner-share", "--db", db]).status == 0)
        let json = try CLI.run(["sheet", "opendata", "--db", db, "--drafts", "--format", "json"])
        let document = try JSONSerialization.jsonObject(with: Data(json.out.utf8)) as! [String: Any]
        let values = document["values"] as! [[String: Any]]
        #expect(values.count == 21)
        #expect(values.contains { $0["sheetCode"] as? String == "P1-1-3" && $0["value"] as? Double == 58.6 && $0["fiscalYear"] as? Int == 2016 })
        #expect(values.contains { $0["notApplicable"] as? Bool == true })
        #expect(try CLI.run(["sheet", "list", "--db", db]).out.contains("72302000\tdraft\tv2"))
        let bad = try CLI.run(["sheet", "live", "72302000", "--indicator", "4", "--source", "service-corner-share", "--db", db])
        #expect(bad.status == 1 && bad.err.contains("[sheet.notFound]"))
        let noQuestion = try CLI.run(["sheet", "live", "72302000", "--indicator", "1", "--source", "survey-satisfaction", "--db", db])
        #expect(noQuestion.status == 1 && noQuestion.err.contains("[sheet.invalid]"))
    }
}

@Suite("施策進行管理の画面（ヘッドレスChromium）", .serialized)
struct PlannerBrowserTests {
    @Test("a planner edits, is told what is wrong, fixes it, takes the sheet through review; the public page shows it")
    func planner() async throws {
        let dir = CLI.temporaryDirectory()
        let db = dir.appendingPathComponent("p.sqlite").path
        // A city without the demo's sheets: this planner imports the measure sheet itself.
        #expect(try CLI.run(["seed", "--db", db, "--residents", "300", "--sheets", dir.appendingPathComponent("none").path]).status == 0)
        let measure = SheetCLITests.sheets.appendingPathComponent("measure-72302000.txt").path
        #expect(try CLI.run(["sheet", "import", measure, "--db", db]).out == "72302000\n")
        // Four people for the four steps of review: the same person may not take two.
        for (login, role) in [("planner", "planner"), ("chief", "sectionChief"), ("director", "director"), ("reviewer", "externalReviewer")] {
            #expect(try CLI.run(["staff", "add", login, "--name", "試験 \(login)", "--roles", role, "--db", db],
                                environment: ["MADOGUCHI_STAFF_PASSWORD": "planner-password"]).status == 0)
        }
        let port = FreePorts.base(1)
        let server = try Daemon(["serve", "--db", db], port: port, environment: ["MADOGUCHI_CLOCK": "2026-11-24T10:00:00+09:00"])
        defer { server.stop() }
        try await server.waitUntilHealthy()
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Interop/planner.py").path
        let (out, status) = try await Poppler.pythonOffThePool(script, [server.url, "planner-password", "72302000"])
        #expect(status == 0, "\(out)")
        let report = try #require(try JSONSerialization.jsonObject(with: Data((out.split(separator: "\n").last ?? "").utf8)) as? [String: Any])
        #expect((report["alert"] as? String)?.contains("保存できませんでした") == true)
        #expect((report["version"] as? String)?.contains("第2版") == true, "\(report)")
        #expect(report["stage"] as? String == "公表")
        #expect((report["public"] as? String)?.contains("公表版（第2版") == true)
        #expect(report["hasActual"] as? Bool == true)
        #expect((report["svgCircles"] as? Int ?? 0) >= 4)
        #expect((report["liveNote"] as? String)?.contains("自動集計") == true)
        #expect(report["editLinks"] as? Int == 0)
        // The review is on record with each stage's author.
        let reviews = try CLI.run(["sheet", "list", "--db", db]).out
        #expect(reviews.contains("72302000\tpublished\tv2"))
    }
}
