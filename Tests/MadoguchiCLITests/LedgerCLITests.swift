import Foundation
import GRDB
import MadoguchiDocuments
import MadoguchiDomain
import MadoguchiIssuance
import MadoguchiStore
import Testing

@Suite("台帳コマンド", .serialized)
struct LedgerCLITests {
    @Test("ledger verify passes an intact chain and names the first entry of a tampered one")
    func verify() throws {
        let dir = CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("ledger.sqlite").path
        #expect(try CLI.run(["seed", "--db", path, "--residents", "400"]).status == 0)
        let empty = try CLI.run(["ledger", "verify", "--db", path])
        #expect(empty.status == 0)
        #expect(empty.out.contains("0 entries"))

        let db = try MadoguchiDatabase.open(path: path)
        let service = IssuanceService(database: db, clock: MadoguchiClock.parse("2026-11-24T10:00:00+09:00")!)
        let subject = try #require(try db.writer.read { d in
            try Int64.fetchOne(d, sql: "SELECT id FROM resident WHERE removedOn IS NULL AND relationship = 'householder' LIMIT 1")
        })
        for copies in 1...3 {
            _ = try service.issue(.init(
                kind: .residentRecordCopy, subjectId: subject,
                requester: Requester(.self, residentId: subject, identityDocuments: [.myNumberCard]),
                options: .init(copies: copies)))
        }
        let intact = try CLI.run(["ledger", "verify", "--db", path])
        #expect(intact.status == 0)
        #expect(intact.out.contains("3 entries"))

        try db.writer.writeWithoutTransaction { d in
            try d.execute(sql: "DROP TRIGGER ledgerEntry_no_update")
            try d.execute(sql: "UPDATE ledgerEntry SET payload = replace(payload, '\"copies\":2', '\"copies\":9') WHERE sequence = 2")
        }
        let broken = try CLI.run(["ledger", "verify", "--db", path])
        #expect(broken.status == 1)
        #expect(broken.err.contains("#2"))
        #expect(broken.err.contains("第2項"))
    }
}

@Suite("確認コマンド", .serialized)
struct VerifyCLITests {
    @Test("madoguchi verify: a genuine PDF or scan exits 0 offline; a doctored paper, a forged token or a voided one exits 1")
    func verify() throws {
        let dir = CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("city.sqlite").path
        #expect(try CLI.run(["seed", "--db", path, "--residents", "400"]).status == 0)
        let db = try MadoguchiDatabase.open(path: path)
        let service = IssuanceService(database: db, clock: MadoguchiClock.parse("2026-11-24T10:00:00+09:00")!)
        let subject = try #require(try db.writer.read { d in
            try Int64.fetchOne(d, sql: "SELECT id FROM resident WHERE removedOn IS NULL AND relationship = 'householder' LIMIT 1")
        })
        guard case .issued(let c, _) = try service.issue(.init(
            kind: .residentRecordCopy, subjectId: subject, requester: Requester(.self, residentId: subject, identityDocuments: [.myNumberCard])))
        else { Issue.record("refused"); return }
        let pdf = dir.appendingPathComponent("certificate.pdf")
        try Data(try service.document(c.id).1).write(to: pdf)
        let jwks = dir.appendingPathComponent("jwks.json")
        try JSONEncoder().encode(try service.jwks()).write(to: jwks)

        let offline = try CLI.run(["verify", pdf.path, "--jwks", jwks.path])
        #expect(offline.status == 0, "\(offline.out) \(offline.err)")
        #expect(offline.out.hasPrefix("valid"))
        let online = try CLI.run(["verify", pdf.path, "--db", path])
        #expect(online.status == 0)

        // A scan: the page as an image.
        let scanPrefix = dir.appendingPathComponent("scan").path
        let render = Process()
        render.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        render.arguments = ["pdftoppm", "-r", "200", "-png", "-singlefile", pdf.path, scanPrefix]
        try render.run()
        render.waitUntilExit()
        let scan = try CLI.run(["verify", scanPrefix + ".png", "--jwks", jwks.path])
        #expect(scan.status == 0, "\(scan.out) \(scan.err)")

        // A doctored paper: the genuine QR code, another name printed.
        var doctored = c.content
        doctored.persons[0].name = "山田　花子"
        let fake = dir.appendingPathComponent("doctored.pdf")
        try Data(try CertificateRenderer().render(doctored, extras: .init(qrText: c.token))).write(to: fake)
        let caught = try CLI.run(["verify", fake.path, "--jwks", jwks.path])
        #expect(caught.status == 1)
        #expect(caught.out.hasPrefix("invalid"))
        #expect(caught.out.contains("改ざん"))

        let forged = dir.appendingPathComponent("forged.txt")
        try Data((c.token.dropLast(3) + "AAA").utf8).write(to: forged)
        let refused = try CLI.run(["verify", forged.path, "--jwks", jwks.path])
        #expect(refused.status == 1)
        #expect(refused.out.hasPrefix("invalid"))

        _ = try service.void(c.id, reason: "誤交付")
        let revoked = try CLI.run(["verify", pdf.path, "--db", path])
        #expect(revoked.status == 1)
        #expect(revoked.out.hasPrefix("revoked"))
        #expect(try CLI.run(["verify", pdf.path]).status == 1, "keys are required")
    }

    @Test("audit verify passes an intact access log and names the first entry of a tampered one; audit export writes its CSV")
    func audit() throws {
        let dir = CLI.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("audit.sqlite").path
        #expect(try CLI.run(["seed", "--db", path, "--residents", "100", "--no-cases"]).status == 0)
        let db = try MadoguchiDatabase.open(path: path)
        try db.writer.write { d in
            for (n, ids) in [[Int64(1), 2], [3]].enumerated() {
                try AccessLog.append(AccessRecord(
                    at: "2026-11-24T10:00:0\(n).000+09:00", actor: "clerk", facilityId: "chuo-ward-office", action: .search, purpose: .certificate,
                    subjects: ids, route: "GET /api/v1/residents", query: "やまだ"), in: d)
            }
        }
        let ok = try CLI.run(["audit", "verify", "--db", path])
        #expect(ok.status == 0)
        #expect(ok.out.contains("access log ok: 2 entries"))
        let csv = try CLI.run(["audit", "export", "--db", path]).out.split(separator: "\n")
        #expect(csv.count == 3)
        #expect(csv[1].hasPrefix("1,2026-11-24T10:00:00.000+09:00,clerk,chuo-ward-office,検索,証明書の交付,1 2,"))
        try db.writer.write { d in
            try d.execute(sql: "DROP TRIGGER accessEntry_no_update")
            try d.execute(sql: "UPDATE accessEntry SET payload = replace(payload, '\"clerk\"', '\"other\"') WHERE sequence = 2")
        }
        let broken = try CLI.run(["audit", "verify", "--db", path])
        #expect(broken.status == 1)
        #expect(broken.err.contains("access log broken at entry #2"))
    }
}
