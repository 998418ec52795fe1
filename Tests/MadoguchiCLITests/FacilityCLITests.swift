import Foundation
import MadoguchiDomain
import MadoguchiStore
import Testing

/// Issue 14, item 1: `madoguchi facility history|at DATE` on the demo city.
@Suite("窓口の配置と経緯（コマンド）", .serialized)
struct FacilityCLITests {
    @Test("`facility at` answers across the reorganisation days (和暦 too); `facility history` lists each change with its decision")
    func historyAndAt() throws {
        let dir = CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let db = dir.appendingPathComponent("f.sqlite").path
        #expect(try CLI.run(["seed", "--db", db, "--residents", "40", "--no-cases"]).status == 0)
        func at(_ date: String) throws -> [String: [String]] {
            let result = try CLI.run(["facility", "at", date, "--db", db])
            #expect(result.status == 0, "\(result.err)")
            let lines = result.out.split(separator: "\n").map { $0.split(separator: "\t", omittingEmptySubsequences: false).map(String.init) }
            #expect(lines.first == ["facility", "kind", "name", "ward", "address", "manned", "menu", "since"])
            return Dictionary(uniqueKeysWithValues: lines.dropFirst().map { ($0[0], $0) })
        }
        let fy2011 = try at("2012-03-31"), fy2012 = try at("平成24年4月1日")
        #expect(fy2011["miyano-liaison-office"] != nil && fy2012["miyano-liaison-office"] == nil)
        let window = try at("2015-03-31")["kakinoki-liaison-office"], none = try at("H27.4.1")["kakinoki-liaison-office"]
        #expect(window?[5] == "manned" && window?[6].contains("certificate:residentRecordCopy") == true)
        #expect(none?[5] == "unmanned" && none?[6] == "-" && none?[7] == "2015-04-01")
        #expect(try at("2017-03-31")["nishi-sub-branch-office"]?[1] == "subBranchOffice")
        #expect(try at("2017-04-01")["nishi-sub-branch-office"]?[1] == "communityCenter")

        let history = try CLI.run(["facility", "history", "chuo-station-service-corner", "--db", db])
        #expect(history.status == 0)
        let rows = history.out.split(separator: "\n").dropFirst().map { $0.split(separator: "\t", omittingEmptySubsequences: false).map(String.init) }
        #expect(rows.map { $0[2] } == ["opened", "relocated"])
        #expect(rows[1][1] == "2016-02-22" && rows[1][7] == "行政サービスコーナーの適地移転について（中央駅）" && rows[1][8] == "2014-03-25")
        #expect(try CLI.run(["facility", "history", "--db", db]).out.split(separator: "\n").count > 30)

        let unknown = try CLI.run(["facility", "history", "atlantis", "--db", db])
        #expect(unknown.status == 1 && unknown.err.contains("facility.unknown"))
        let badDate = try CLI.run(["facility", "at", "2015-13-40", "--db", db])
        #expect(badDate.status == 1 && badDate.err.contains("calendar.date.invalid"))
    }
}

extension FacilityCLITests {
    @Test("`facility hours` lists the days with why they close; `--ics` writes a calendar; a bad count is a coded error")
    func hours() throws {
        let dir = CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let db = dir.appendingPathComponent("h.sqlite").path
        #expect(try CLI.run(["seed", "--db", db, "--residents", "40", "--no-cases"]).status == 0)
        let week = try CLI.run(["facility", "hours", "chuo-ward-office", "--from", "2026-12-28", "--days", "8", "--db", db])
        #expect(week.status == 0, "\(week.err)")
        let lines = week.out.split(separator: "\n").map { $0.split(separator: "\t", omittingEmptySubsequences: false).map(String.init) }
        #expect(lines.map { $0[0] } == ["2026-12-28", "2026-12-29", "2026-12-30", "2026-12-31", "2027-01-01", "2027-01-02", "2027-01-03", "2027-01-04"])
        #expect(lines[0][2] == "08:30-17:00" && lines[1][3] == "休業（年末年始）" && lines[7][2] == "08:30-17:00")
        let ics = try CLI.run(["facility", "hours", "kita-station-service-corner", "--from", "2026-11-23", "--days", "2", "--ics", "--db", db],
                              environment: ["MADOGUCHI_CLOCK": "2026-11-24T10:00:00+09:00"])
        #expect(ics.status == 0 && ics.out.hasPrefix("BEGIN:VCALENDAR\r\n") && ics.out.contains("DTSTAMP:20261124T01"))  // the clock runs on from 10:00 JST
        #expect(ics.out.contains("DTSTART;TZID=Asia/Tokyo:20261123T090000") && ics.out.contains("UID:kita-station-service-corner-20261124-0730@149802.madoguchi"))
        let bad = try CLI.run(["facility", "hours", "chuo-ward-office", "--days", "0", "--db", db])
        #expect(bad.status == 1 && bad.err.contains("facility.hoursInvalid"))
    }

    @Test("`import arrivals` records the previous system's hourly counts all or nothing; the forecast's history reads them")
    func importArrivals() async throws {
        let dir = CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let db = dir.appendingPathComponent("a.sqlite").path
        #expect(try CLI.run(["seed", "--db", db, "--residents", "40", "--no-cases"]).status == 0)
        let good = dir.appendingPathComponent("good.csv")
        try "施設ID,日付,時,発券数\r\nchuo-ward-office,2026-10-05,9,12\r\nchuo-ward-office,2026-10-05,10,\"1,024\"\r\nkita-ward-office,2026/10/06,16,3\r\n"
            .write(to: good, atomically: true, encoding: .utf8)
        let imported = try CLI.run(["import", "arrivals", good.path, "--source", "旧発券システム", "--db", db])
        #expect(imported.status == 0, "\(imported.err)")
        #expect(imported.out.contains("3 rows (utf-8): 2 facilities, 2 days imported"), "\(imported.out)")
        let store = try MadoguchiDatabase.open(path: db).queues
        let day = CivilDate(year: 2026, month: 10, day: 5)!
        #expect(try await store.arrivals(facilityId: "chuo-ward-office", from: day, through: day)
                == [ArrivalCount(day: day, hour: 9, tickets: 12), ArrivalCount(day: day, hour: 10, tickets: 1024)])

        // Bad rows (an hour of 24, an hour given twice, a count below zero, no date) import nothing, and say where.
        let bad = dir.appendingPathComponent("bad.csv")
        try "施設ID,日付,時,発券数\nchuo-ward-office,2026-10-07,24,1\nchuo-ward-office,2026-10-07,9,1\nchuo-ward-office,2026-10-07,9,2\nchuo-ward-office,2026-10-07,11,-3\nchuo-ward-office,,11,3\n"
            .write(to: bad, atomically: true, encoding: .utf8)
        let refused = try CLI.run(["import", "arrivals", bad.path, "--source", "x", "--db", db])
        #expect(refused.status == 1)
        for line in ["2行目", "4行目", "5行目", "6行目"] { #expect(refused.err.contains(line), "\(line): \(refused.err)") }
        #expect(!refused.err.contains("3行目"))
        let october7 = CivilDate(year: 2026, month: 10, day: 7)!
        #expect(try await store.arrivals(facilityId: "chuo-ward-office", from: october7, through: october7).isEmpty)
        // An unknown facility refuses the whole file, the known one's day included.
        let unknown = dir.appendingPathComponent("unknown.csv")
        try "facilityId,day,hour,tickets\nchuo-ward-office,2026-10-08,9,5\natlantis,2026-10-08,9,5\n".write(to: unknown, atomically: true, encoding: .utf8)
        let refusedAll = try CLI.run(["import", "arrivals", unknown.path, "--source", "x", "--db", db])
        #expect(refusedAll.status == 1 && refusedAll.err.contains("facility.unknown"), "\(refusedAll.err)")
        let october8 = CivilDate(year: 2026, month: 10, day: 8)!
        #expect(try await store.arrivals(facilityId: "chuo-ward-office", from: october8, through: october8).isEmpty)
        let header = dir.appendingPathComponent("header.csv")
        try "施設,日付,時,発券数\n".write(to: header, atomically: true, encoding: .utf8)
        #expect(try CLI.run(["import", "arrivals", header.path, "--source", "x", "--db", db]).err.contains("import.csv.header"))
    }
}

extension FacilityCLITests {
    @Test("`facility whatif --replay 2015-04-01` weighs 柿の木's decision; `--change` weighs any; a bad change is a coded error")
    func whatIf() throws {
        let dir = CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let db = dir.appendingPathComponent("w.sqlite").path
        #expect(try CLI.run(["seed", "--db", db, "--residents", "200", "--no-cases"]).status == 0)
        let clock = ["MADOGUCHI_CLOCK": "2026-11-24T10:00:00+09:00"]
        let replay = try CLI.run(["facility", "whatif", "--replay", "2015-04-01", "--db", db], environment: clock)
        #expect(replay.status == 0, "\(replay.err)")
        let lines = replay.out.split(separator: "\n").map { $0.split(separator: "\t", omittingEmptySubsequences: false).map(String.init) }
        #expect(lines[0] == ["base 2015-03-31, figures 2014年度, decay 1.0/km"])
        let liaison = try #require(lines.first { $0[0] == "kakinoki-liaison-office" })
        #expect(liaison[2] == "0" && liaison[6] == "4077" || liaison[6] == "4078" || liaison[6] == "4076", "\(liaison)")
        let ward = try #require(lines.first { $0[0] == "yamate-ward-office" })
        #expect(ward[3].hasPrefix("+") && Int(ward[3].dropFirst())! > 100, "\(ward)")
        let total = try #require(lines.first { $0[0] == "total" })
        #expect(Int(total[1]) == Int(total[2]) && Int(total[4])! < Int(total[3])!, "\(total)")

        let json = try CLI.run(
            ["facility", "whatif", "--on", "2026-11-24", "--change", "close:yamate-sub-branch-office", "--decay", "1.5", "--json", "--db", db],
            environment: clock)
        #expect(json.status == 0, "\(json.err)")
        let report = try JSONSerialization.jsonObject(with: Data(json.out.utf8)) as! [String: Any]
        let outcome = report["outcome"] as! [String: Any]
        #expect(outcome["decayPerKm"] as? Double == 1.5 && (outcome["rows"] as! [Any]).count > 20)

        for (args, code) in [
            (["--change", "close:atlantis"], "reorganisation.invalid"), (["--change", "raze:chuo-ward-office"], "reorganisation.invalid"),
            (["--on", "2010-04-01", "--change", "close:chuo-ward-office"], "reorganisation.noFigures"), ([], "reorganisation.invalid"),
            (["--replay", "2015-04-01", "--change", "close:chuo-ward-office"], "reorganisation.invalid"),
        ] {
            let bad = try CLI.run(["facility", "whatif"] + args + ["--db", db], environment: clock)
            #expect(bad.status == 1 && bad.err.contains(code), "\(args): \(bad.err)")
        }

        // A year's figures from the city's accounts: bad rows import nothing; good ones make the year the what-if weighs.
        let bad = dir.appendingPathComponent("bad-figures.csv")
        try "年度,施設ID,証明書件数,人件費,施設費,1件あたり手数料\n令和8年度,chuo-ward-office,-1,0,0,0\n2026,chuo-ward-office,10,0,0,0\n2026,chuo-ward-office,11,0,0,0\n昭和元年度,kita-ward-office,1,1,1,1\n"
            .write(to: bad, atomically: true, encoding: .utf8)
        let refused = try CLI.run(["import", "service-figures", bad.path, "--source", "決算", "--db", db], environment: clock)
        #expect(refused.status == 1 && refused.err.contains("2行目") && refused.err.contains("4行目") && refused.err.contains("5行目") && !refused.err.contains("3行目"), "\(refused.err)")
        let good = dir.appendingPathComponent("figures.csv")
        try "年度,施設ID,証明書件数,人件費,施設費,1件あたり手数料\r\n令和8年度,yamate-ward-office,\"21,000\",\"40,000,000円\",9000000,0\r\n2026,yamate-sub-branch-office,6000,12000000,3000000,0\r\n2026,,150000,0,24000000,117\r\n"
            .write(to: good, atomically: true, encoding: .utf8)
        let imported = try CLI.run(["import", "service-figures", good.path, "--source", "令和8年度決算（見込み）", "--db", db], environment: clock)
        #expect(imported.status == 0 && imported.out.contains("3 rows (utf-8): 3 places' years over 1 fiscal years imported"), "\(imported.err)")
        let fy2026 = try CLI.run(
            ["facility", "whatif", "--change", "close:yamate-sub-branch-office", "--json", "--db", db], environment: clock)
        #expect(fy2026.status == 0, "\(fy2026.err)")
        let o = (try JSONSerialization.jsonObject(with: Data(fy2026.out.utf8)) as! [String: Any])["outcome"] as! [String: Any]
        #expect(o["fiscalYear"] as? Int == 2026, "the figures of the base day's own year, now that it has some")
        #expect((o["rows"] as! [Any]).count == 3 && (o["withoutFigures"] as! [String]).contains("chuo-ward-office"))
    }
}
