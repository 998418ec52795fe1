import Foundation
import GRDB
@testable import MadoguchiStore
import Testing

@Suite("基幹系の取込と窓口の手続（コマンド）", .serialized)
struct RegistryCLITests {
    @Test("a city's records load from CSV files (a bad one exits 1 naming its line), the day's 異動 applies, and counter procedures are recorded")
    func loadAndMaintain() throws {
        let dir = CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        func path(_ name: String) -> String { dir.appendingPathComponent(name).path }
        func write(_ name: String, _ lines: [String]) throws {
            try (lines.joined(separator: "\r\n") + "\r\n").write(toFile: path(name), atomically: true, encoding: .utf8)
        }
        let clock = ["MADOGUCHI_CLOCK": "2026-11-24T10:00:00+09:00"]
        #expect(try CLI.run(["seed", "--db", path("c.sqlite"), "--residents", "60", "--no-cases"]).status == 0)
        let (code, other, id) = try MadoguchiDatabase.open(path: path("c.sqlite")).writer.read { d in
            let rows = try Row.fetchAll(d, sql: """
                SELECT id, residentRecordCode FROM resident WHERE removedOn IS NULL AND birthDate < '2000-01-01'
                  AND NOT EXISTS (SELECT 1 FROM sealRegistration s WHERE s.residentId = resident.id) ORDER BY id LIMIT 2
                """)
            return (rows[0]["residentRecordCode"] as String, rows[1]["residentRecordCode"] as String, rows[0]["id"] as Int64)
        }
        try write("tax.csv", ["住民票コード,年度,収入金額,合計所得金額,課税標準額,市民税額,県民税額", "\(code),令和7年度,\"3,000,000\",2000000,1200000,99500,25500"])
        #expect(try CLI.run(["import", "tax", path("tax.csv"), "--db", path("c.sqlite")]).status == 0)
        try write("bad-tax.csv", ["住民票コード,年度,収入金額,合計所得金額,課税標準額,市民税額,県民税額", "\(code),2025,1,2,3,4,5"])
        let bad = try CLI.run(["import", "tax", path("bad-tax.csv"), "--db", path("c.sqlite")])
        #expect(bad.status == 1)
        #expect(bad.err.contains("2行目"))
        try write("registers.csv", [
            "本籍,筆頭者,編製日,続柄,氏,名,氏カナ,名カナ,生年月日,性別,父,母,除籍日,住民票コード",
            "窓口市北区北町一丁目1番地,北町　一,2000-01-01,筆頭者,北町,一,キタマチ,ハジメ,1970-01-01,男,,,,\(code)",
        ])
        #expect(try CLI.run(["import", "family-registers", path("registers.csv"), "--db", path("c.sqlite")]).status == 0)
        try write("seal.svg", ["<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"60\" height=\"60\"><circle cx=\"30\" cy=\"30\" r=\"27\"/></svg>"])
        try write("seals.csv", ["住民票コード,登録番号,登録日,印影ファイル", "\(other),X-1,2024-04-01,seal.svg", "\(other),X-2,2024-04-01,../etc/passwd"])
        let seals = try CLI.run(["import", "seals", path("seals.csv"), "--db", path("c.sqlite"), "--skip-bad"])
        #expect(seals.status == 0)
        #expect(seals.err.contains("3行目"), "a file outside the CSV's folder is not read")
        try write("changes.csv", [
            "異動事由,異動日,届出日,住民票コード,転出先",
            "転出届,2026-12-15,2026-11-24,\(other),東京都千代田区1-1",
        ])
        #expect(try CLI.run(["import", "changes", path("changes.csv"), "--db", path("c.sqlite")]).status == 0)

        // Counter procedures, each recorded with who and where.
        func registry(_ arguments: [String]) throws -> CLI.Result {
            try CLI.run(["registry"] + arguments + ["--db", path("c.sqlite"), "--actor", "clerk-9", "--facility", "chuo-ward-office"],
                        environment: clock)
        }
        let applied = try registry(["support-measure", "apply", "--resident", String(id), "--other-party", "加害 者"])
        #expect(applied.status == 0, "\(applied.err)")
        let measure = try #require(
            applied.out.split(separator: " ").dropFirst().first.flatMap { Int($0.dropLast()) }, "out: \(applied.out) err: \(applied.err)")
        #expect(try registry(["support-measure", "decide", "--id", String(measure)]).status == 0)
        // 個人情報保護法 §61: the console names why it reads, or reads nothing; and the read is in the access log, flagged
        // while the person is under 支援措置 (住基法 §12), as a read on the server would be.
        for refused in [[], ["--purpose", "curiosity"]] {
            let read = try registry(["history", "--resident", String(id)] + refused)
            #expect(read.status == 1)
            #expect(read.err.contains("audit.purposeRequired") && read.err.contains("--purpose"), "\(read.err)")
            #expect(read.out.isEmpty, "nothing about the person is printed: \(read.out)")
        }
        let protected = try registry(["history", "--resident", String(id), "--purpose", "supportMeasure"])
        #expect(protected.status == 0, "\(protected.err)")
        #expect(protected.out.contains("supportMeasureDecided"))
        let noReason = try registry(["support-measure", "end", "--id", String(measure)])
        #expect(noReason.status == 1)
        #expect(noReason.err.contains("procedure.invalid"))
        #expect(try registry(["support-measure", "end", "--id", String(measure), "--reason", "本人の申出"]).status == 0)
        #expect(try registry(["seal", "register", "--resident", String(id), "--image", path("seal.svg")]).status == 0)
        #expect(try registry(["notification", "register", "--resident", String(id)]).status == 0)
        let history = try registry(["history", "--resident", String(id), "--purpose", "consultation"])
        #expect(history.out.split(separator: "\n").map { String($0.split(separator: "\t")[1]) }
            == ["supportMeasureApplied", "supportMeasureDecided", "supportMeasureEnded", "sealRegistered", "holderNotificationRegistered"])
        #expect(history.out.contains("clerk-9\tchuo-ward-office"))
        let reads = try CLI.run(["audit", "export", "--db", path("c.sqlite"), "--resident", String(id)])
        let lines = reads.out.split(separator: "\n").dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        // 番号,日時,職員,窓口,操作,用件,住民ID,経路,検索語,証明書,要確認: the two reads, the refused ones not at all.
        #expect(lines.map { Array($0[2...]) } == [
            ["clerk-9", "chuo-ward-office", "手続の記録の表示", "支援措置の事務", String(id), "madoguchi registry history", "", "", "要確認"],
            ["clerk-9", "chuo-ward-office", "手続の記録の表示", "相談", String(id), "madoguchi registry history", "", "", ""],
        ], "\(reads.out)")
    }
}
