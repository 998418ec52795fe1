import Foundation
import GRDB
import MadoguchiPKI
import MadoguchiTestSupport
import Testing

@testable import MadoguchiDemo
@testable import MadoguchiDomain
@testable import MadoguchiIssuance
@testable import MadoguchiStore

/// A demo city of 3,000 persons, the clock fixed on a weekday, and subjects picked by SQL.
struct City {
    let db: MadoguchiDatabase
    let service: IssuanceService
    static let clock = MadoguchiClock.parse("2026-11-24T10:00:00+09:00")!

    init(ids: (@Sendable () -> String)? = nil) throws {
        db = try MadoguchiDatabase.inMemory()
        _ = try DemoCityGenerator.generate(into: db, options: .init(residents: 3_000, seed: 11))
        if let ids {
            service = IssuanceService(database: db, clock: Self.clock, newDocumentId: ids)
        } else {
            service = IssuanceService(database: db, clock: Self.clock)
        }
    }

    func id(_ sql: String) throws -> Int64 {
        try #require(try db.writer.read { d in try Int64.fetchOne(d, sql: sql) }, "no subject for: \(sql)")
    }

    /// A current householder with a seal, this year's tax record and a 戸籍 here, no 支援措置.
    func fullSubject() throws -> Int64 {
        try id("""
            SELECT r.id FROM resident r
            WHERE r.removedOn IS NULL AND r.relationship = 'householder'
              AND EXISTS (SELECT 1 FROM sealRegistration s WHERE s.residentId = r.id)
              AND EXISTS (SELECT 1 FROM taxAssessment t WHERE t.residentId = r.id AND t.fiscalYear = 2026)
              AND EXISTS (SELECT 1 FROM familyRegisterMember m WHERE m.residentId = r.id)
              AND NOT EXISTS (SELECT 1 FROM supportMeasure m WHERE m.subjectId = r.id)
              AND NOT EXISTS (SELECT 1 FROM residentMovement v WHERE v.residentId = r.id AND v.kind = 'moveOutNotified')
            ORDER BY r.id LIMIT 1
            """)
    }

    /// Issues `kind` for a subject who has the records it needs (a moved-away person for a 除票).
    func issueEvery(_ kind: CertificateKind) throws -> (IssuedCertificate, Int64) {
        var subject = try fullSubject()
        if kind == .removedRecord {
            subject = try id("SELECT id FROM resident WHERE removalReason = 'movedOut' LIMIT 1")
        }
        var options = CertificateOptions()
        if kind == .taxCertificate { options.fiscalYear = FiscalYear(2026) }
        let outcome = try service.issue(.init(kind: kind, subjectId: subject, requester: me(subject), options: options))
        guard case .issued(let certificate, _) = outcome else {
            throw MadoguchiError(.notFound, ja: "不交付", en: "\(kind) refused: \(outcome)")
        }
        return (certificate, subject)
    }

    func ledgerCount() throws -> Int {
        try db.writer.read { d in try Int.fetchOne(d, sql: "SELECT count(*) FROM ledgerEntry")! }
    }
}

func me(_ id: Int64) -> Requester {
    Requester(.self, residentId: id, identityDocuments: [.myNumberCard], sealCardPresented: true)
}

@Suite("証明書の交付")
struct IssuanceTests {
    @Test("every kind is issued for a subject who has the records, each in the ledger with its content digest",
          arguments: CertificateKind.allCases)
    func everyKind(kind: CertificateKind) throws {
        let city = try City()
        let (certificate, _) = try city.issueEvery(kind)
        #expect(certificate.content.kind == kind)
        #expect(certificate.content.cityName == "窓口市")
        #expect(certificate.content.issuedOnJapanese == "令和8年11月24日")
        #expect(certificate.content.serialNumber == "第2026-000001号")
        #expect(!certificate.content.persons.isEmpty)
        #expect(certificate.contentDigest == Ledger.sha256(try certificate.content.canonicalJSON()))
        #expect(certificate.feeYen == ([.familyRegisterFull, .familyRegisterIndividual].contains(kind) ? 450 : 300))
        let entries = try city.db.writer.read { d in try Ledger.entries(d, documentId: certificate.id) }
        #expect(entries.map(\.record.action) == [.issue])
        #expect(entries.first?.record.contentDigest == certificate.contentDigest)
        #expect(try city.service.verifyLedger().isIntact)
        switch kind {
        case .sealRegistrationCertificate: #expect(certificate.content.seal?.imageDigest.count == 64)
        case .taxCertificate: #expect(certificate.content.tax?.fiscalYear == "令和8年度")
        case .familyRegisterFull, .familyRegisterIndividual: #expect(certificate.content.register != nil)
        case .familyRegisterAnnex: #expect(certificate.content.annex?.isEmpty == false)
        case .removedRecord: #expect(certificate.content.removal?.reason == "転出")
        default: #expect(certificate.content.address?.hasPrefix("神奈川県窓口市") == true)
        }
    }

    @Test("世帯全員 prints the whole household with its certification sentence; 一部 prints the subject")
    func scope() throws {
        let city = try City()
        let subject = try city.id("""
            SELECT householdId FROM resident WHERE removedOn IS NULL GROUP BY householdId HAVING count(*) >= 3 LIMIT 1
            """)
        let head = try city.id("SELECT id FROM resident WHERE householdId = \(subject) AND relationship = 'householder'")
        let size = try city.id("SELECT count(*) FROM resident WHERE householdId = \(subject) AND removedOn IS NULL")
        let all = try city.service.issue(.init(kind: .residentRecordCopy, subjectId: head, requester: me(head),
                                                options: .init(scope: .household, items: [.relationship])))
        guard case .issued(let c, _) = all else { Issue.record("\(all)"); return }
        #expect(c.content.persons.count == Int(size))
        #expect(c.content.certification == "この写しは、世帯全員の住民票の原本と相違ないことを証明する。")
        #expect(c.content.persons.first?.relationship == "世帯主")
        #expect(c.content.persons.allSatisfy { $0.individualNumber == nil })
        let one = try city.service.issue(.init(kind: .residentRecordCopy, subjectId: head, requester: me(head),
                                                options: .init(items: [.individualNumber])))
        guard case .issued(let d, _) = one else { Issue.record("\(one)"); return }
        #expect(d.content.persons.count == 1)
        #expect(d.content.certification == "この写しは、住民票の原本と相違ないことを証明する。")
        #expect(d.content.persons[0].individualNumber?.count == 12)
        #expect(d.content.persons[0].relationship == nil)
    }

    @Test("names with MJ characters and IVS are printed exactly as registered")
    func variantNames() throws {
        let city = try City()
        let head = try city.fullSubject()
        let household = try city.id("SELECT householdId FROM resident WHERE id = \(head)")
        let ivs = "渡邉\u{E0110}"
        let child = try city.db.registry.write { w in
            try w.insert(Resident(
                householdId: household, name: PersonName(family: ivs, given: "𠮷乃", familyKana: "ワタナベ", givenKana: "ヨシノ"),
                birthDate: CivilDate(year: 2001, month: 2, day: 3)!, sex: .female, relationship: .child, permanentDomicile: nil,
                domicileHead: nil, becameResidentOn: CivilDate(year: 2001, month: 2, day: 3)!,
                addressSetOn: CivilDate(year: 2001, month: 2, day: 3)!, notifiedOn: CivilDate(year: 2001, month: 2, day: 5)!,
                previousAddress: nil, individualNumber: "123456789018", residentRecordCode: "12345678903"))
        }
        guard case .issued(let c, _) = try city.service.issue(.init(kind: .residentRecordCopy, subjectId: child, requester: me(child))) else {
            Issue.record("refused"); return
        }
        #expect(c.content.persons[0].name == "\(ivs)　𠮷乃")
        #expect(Array(c.content.persons[0].name.unicodeScalars.map(\.value).prefix(3)) == [0x6E21, 0x9089, 0xE0110])
        let stored = try JSONDecoder().decode(CertificateContent.self, from: try c.content.canonicalJSON())
        #expect(stored.persons[0].name == c.content.persons[0].name)
    }

    @Test("a refusal is recorded in the ledger with its codes, and nothing is issued")
    func refusal() throws {
        let city = try City()
        let subject = try city.fullSubject()
        let outcome = try city.service.issue(.init(kind: .residentRecordCopy, subjectId: subject,
                                                   requester: Requester(.proxy, name: "代理　人", identityDocuments: [.passport])))
        #expect(outcome == .refused([.powerOfAttorneyRequired], ledgerSequence: 1))
        let entries = try city.db.writer.read { d in try Row.fetchAll(d, sql: "SELECT action, payload FROM ledgerEntry") }
        #expect(entries.count == 1)
        #expect(entries[0]["action"] == "refuse")
        #expect((entries[0]["payload"] as String).contains("refusal.powerOfAttorneyRequired"))
        #expect(try city.db.writer.read { d in try Int.fetchOne(d, sql: "SELECT count(*) FROM certificate")! } == 0)
        let unknown = try city.service.issue(.init(kind: .residentRecordCopy, subjectId: 99_999_999, requester: me(99_999_999)))
        #expect(unknown == .refused([.subjectNotFound], ledgerSequence: 2))
    }

    @Test("a retry with the same Idempotency-Key returns the same certificate and writes nothing new")
    func idempotent() throws {
        let city = try City()
        let subject = try city.fullSubject()
        let submission = IssuanceService.Submission(kind: .residentRecordCopy, subjectId: subject, requester: me(subject))
        let first = try city.service.issue(submission, idempotencyKey: "counter-7-0001")
        let again = try city.service.issue(submission, idempotencyKey: "counter-7-0001")
        #expect(first == again)
        #expect(try city.ledgerCount() == 1)
        // A refusal replays too.
        let bad = IssuanceService.Submission(kind: .removedRecord, subjectId: subject, requester: me(subject))
        let r1 = try city.service.issue(bad, idempotencyKey: "counter-7-0002")
        #expect(try city.service.issue(bad, idempotencyKey: "counter-7-0002") == r1)
        #expect(try city.ledgerCount() == 2)
        // The same key for another request is an error, not a silent second issuance.
        var other = submission
        other.options.copies = 2
        #expect(throws: MadoguchiError.self) { try city.service.issue(other, idempotencyKey: "counter-7-0001") }
        #expect(throws: MadoguchiError.self) { try city.service.issue(submission, idempotencyKey: "short") }
        #expect(try city.ledgerCount() == 2)
    }

    @Test("void and reprint are ledger entries; a voided certificate cannot be voided or reprinted again")
    func voidAndReprint() throws {
        let city = try City()
        let subject = try city.fullSubject()
        guard case .issued(let c, _) = try city.service.issue(.init(kind: .sealRegistrationCertificate, subjectId: subject, requester: me(subject))) else {
            Issue.record("refused"); return
        }
        let copy = try city.service.reprint(c.id, reason: "プリンタの紙詰まり")
        #expect(copy.id != c.id)
        #expect(copy.feeYen == 0)
        #expect(copy.content.serialNumber == "第2026-000002号")
        #expect(copy.content.persons == c.content.persons)
        #expect(try city.service.certificate(c.id)?.status == .superseded)
        #expect(try city.service.certificate(c.id)?.supersededBy == copy.id)
        let voided = try city.service.void(copy.id, reason: "別人に交付しかけたため回収")
        #expect(voided.status == .voided)
        #expect(throws: MadoguchiError.self) { try city.service.void(copy.id, reason: "二重") }
        #expect(throws: MadoguchiError.self) { try city.service.reprint(c.id, reason: "再") }
        #expect(throws: MadoguchiError.self) { try city.service.void(c.id, reason: " ") }
        let actions = try city.db.writer.read { d in try String.fetchAll(d, sql: "SELECT action FROM ledgerEntry ORDER BY sequence") }
        #expect(actions == ["issue", "reprint", "void"])
        #expect(try city.service.verifyLedger() == LedgerVerification(entries: 3, head: try city.db.writer.read { d in
            try String.fetchOne(d, sql: "SELECT hash FROM ledgerEntry WHERE sequence = 3") }, firstBad: nil, problem: nil))
    }

    @Test("a failure after the ledger append rolls everything back: nothing is recorded that was not issued")
    func atomic() throws {
        let city = try City(ids: { "same-document-id-0001" })
        let subject = try city.fullSubject()
        _ = try city.service.issue(.init(kind: .residentRecordCopy, subjectId: subject, requester: me(subject)))
        #expect(throws: MadoguchiError.self) {
            try city.service.issue(.init(kind: .residentRecordCopy, subjectId: subject, requester: me(subject)))
        }
        #expect(try city.ledgerCount() == 1)
        #expect(try city.service.verifyLedger().isIntact)
    }

    @Test("本人通知 is queued when a proxy obtains a registered resident's certificate")
    func holderNotification() throws {
        let city = try City()
        let subject = try city.id("""
            SELECT r.id FROM resident r JOIN holderNotificationRegistration h ON h.residentId = r.id
            WHERE r.removedOn IS NULL AND NOT EXISTS (SELECT 1 FROM supportMeasure m WHERE m.subjectId = r.id) LIMIT 1
            """)
        let proxy = Requester(.proxy, name: "代理　花子", identityDocuments: [.driversLicense], powerOfAttorney: true)
        guard case .issued(let c, let notified) = try city.service.issue(.init(kind: .residentRecordCopy, subjectId: subject, requester: proxy)) else {
            Issue.record("refused"); return
        }
        #expect(notified)
        let queued = try city.db.writer.read { d in
            try Row.fetchOne(d, sql: "SELECT residentId, requesterClass FROM holderNotification WHERE certificateId = ?", arguments: [c.id])
        }
        #expect(queued?["residentId"] == subject)
        #expect(queued?["requesterClass"] == "proxy")
    }

    @Test("the 支援措置 other party is refused through the whole use case")
    func supportMeasure() throws {
        let city = try City()
        let row = try #require(try city.db.writer.read { d in
            try Row.fetchOne(d, sql: "SELECT subjectId, otherPartyResidentId FROM supportMeasure WHERE otherPartyResidentId IS NOT NULL AND termEnd >= '2026-11-24' AND termStart <= '2026-11-24' LIMIT 1")
        }, "the demo city has a matched other party")
        let abuser: Int64 = row["otherPartyResidentId"]
        let subject: Int64 = row["subjectId"]
        let request = Requester(.thirdParty, residentId: abuser, name: "相手方", identityDocuments: [.driversLicense],
                                reason: "貸金返還請求", supportingDocuments: true)
        let outcome = try city.service.issue(.init(kind: .residentRecordCopy, subjectId: subject, requester: request))
        guard case .refused(let reasons, _) = outcome else { Issue.record("issued to the other party!"); return }
        #expect(reasons.first == .supportMeasureOtherParty)
    }
}

@Suite("台帳の検証")
struct LedgerTests {
    static func cityWithEntries(_ n: Int) throws -> City {
        let city = try City()
        let subject = try city.fullSubject()
        for i in 0..<n {
            _ = try city.service.issue(.init(kind: .residentRecordCopy, subjectId: subject, requester: me(subject),
                                             options: .init(copies: 1 + i % 3)))
        }
        return city
    }

    @Test("the schema refuses updates, deletions and inserts that do not extend the chain")
    func appendOnly() throws {
        let city = try Self.cityWithEntries(3)
        for sql in [
            "UPDATE ledgerEntry SET payload = '{}' WHERE sequence = 2",
            "DELETE FROM ledgerEntry WHERE sequence = 3",
            "INSERT INTO ledgerEntry (sequence, previousHash, hash, payload, action, subjectId, at) VALUES (4, '\(String(repeating: "a", count: 64))', '\(String(repeating: "b", count: 64))', '{}', 'issue', 1, 'x')",
            "INSERT INTO ledgerEntry (sequence, previousHash, hash, payload, action, subjectId, at) VALUES (9, (SELECT hash FROM ledgerEntry WHERE sequence = 3), '\(String(repeating: "b", count: 64))', '{}', 'issue', 1, 'x')",
        ] {
            #expect(throws: DatabaseError.self, "\(sql)") { try city.db.writer.write { d in try d.execute(sql: sql) } }
        }
        #expect(try city.service.verifyLedger().entries == 3)
    }

    /// Someone with the file bypasses the triggers; verification still finds the first bad entry.
    func tamper(_ city: City, _ sql: String) throws {
        try city.db.writer.writeWithoutTransaction { d in
            try d.execute(sql: "PRAGMA foreign_keys = OFF")
            try d.execute(sql: "DROP TRIGGER ledgerEntry_no_update; DROP TRIGGER ledgerEntry_no_delete")
            try d.execute(sql: sql)
            try d.execute(sql: "PRAGMA foreign_keys = ON")
        }
    }

    @Test("a changed payload breaks the chain at that entry")
    func changedPayload() throws {
        let city = try Self.cityWithEntries(5)
        try tamper(city, "UPDATE ledgerEntry SET payload = replace(payload, '\"feeYen\":600', '\"feeYen\":0') WHERE sequence = 2")
        let result = try city.service.verifyLedger()
        #expect(result.firstBad == 2)
        #expect(result.problem?.contains("hash") == true)
    }

    @Test("a recomputed hash still breaks the next entry's link")
    func rehashed() throws {
        let city = try Self.cityWithEntries(5)
        let row = try city.db.writer.read { d in try Row.fetchOne(d, sql: "SELECT previousHash, payload FROM ledgerEntry WHERE sequence = 3")! }
        let forged = (row["payload"] as String).replacingOccurrences(of: "\"copies\":3", with: "\"copies\":1")
        let hash = Ledger.hash(previous: row["previousHash"], payload: Data(forged.utf8))
        try tamper(city, "UPDATE ledgerEntry SET payload = '\(forged)', hash = '\(hash)' WHERE sequence = 3")
        #expect(try city.service.verifyLedger().firstBad == 4)
    }

    @Test("a removed entry and a changed indexed column are found")
    func removedAndColumns() throws {
        let city = try Self.cityWithEntries(4)
        try tamper(city, "DELETE FROM ledgerEntry WHERE sequence = 2")
        #expect(try city.service.verifyLedger().firstBad == 3)
        let other = try Self.cityWithEntries(4)
        try tamper(other, "UPDATE ledgerEntry SET subjectId = subjectId + 1 WHERE sequence = 4")
        let result = try other.service.verifyLedger()
        #expect(result.firstBad == 4)
        #expect(result.problem?.contains("columns") == true)
    }

    @Test("ledger timestamps are JST with milliseconds")
    func timestamps() {
        #expect(LedgerRecord.timestamp(Date(timeIntervalSince1970: 1_795_482_000.5)) == "2026-11-24T10:00:00.500+09:00")
        #expect(LedgerRecord.timestamp(Date(timeIntervalSince1970: 0)) == "1970-01-01T09:00:00.000+09:00")
        #expect(LedgerRecord.timestamp(Date(timeIntervalSince1970: -0.001)) == "1970-01-01T08:59:59.999+09:00")
    }
}

@Suite("証明書のPDF（全種類）")
struct DocumentTests {
    @Test("every kind prints as a real PDF: title, certification sentence, the subject's name, fonts embedded",
          arguments: CertificateKind.allCases)
    func everyKind(kind: CertificateKind) throws {
        let city = try City()
        let (c, subject) = try city.issueEvery(kind)
        let (_, bytes) = try city.service.document(c.id)
        #expect(bytes.starts(with: Array("%PDF-".utf8)))
        let pdf = try Poppler.write(bytes)
        defer { try? FileManager.default.removeItem(at: pdf) }
        let text = Poppler.compact(try Poppler.text(pdf))
        #expect(text.contains(Poppler.compact(kind.japanese)))
        #expect(text.contains(Poppler.compact(c.content.certification)))
        #expect(text.contains("令和8年11月24日"))
        #expect(text.contains(c.content.serialNumber))
        let family = try city.db.writer.read { d in try String.fetchOne(d, sql: "SELECT familyName FROM resident WHERE id = ?", arguments: [subject])! }
        #expect(text.contains(family))
        for line in try Poppler.fonts(pdf).split(separator: "\n").dropFirst(2) {
            let columns = line.split(separator: " ")
            #expect(columns[columns.count - 5] == "yes", "not embedded: \(line)")
        }
        if kind == .taxCertificate {
            let tax = try city.db.writer.read { d in try Int.fetchOne(d, sql: "SELECT municipalTax FROM taxAssessment WHERE residentId = ? AND fiscalYear = 2026", arguments: [subject])! }
            let formatted = tax.formatted(.number.grouping(.automatic).locale(Locale(identifier: "en_US")))
            #expect(text.contains("\(formatted)円"))
        }
    }

    @Test("a voided certificate no longer prints")
    func voidedDoesNotPrint() throws {
        let city = try City()
        let subject = try city.fullSubject()
        guard case .issued(let c, _) = try city.service.issue(.init(kind: .residentRecordCopy, subjectId: subject, requester: me(subject))) else {
            Issue.record("refused"); return
        }
        _ = try city.service.void(c.id, reason: "誤交付")
        do {
            _ = try city.service.document(c.id)
            Issue.record("a voided certificate printed")
        } catch let error as MadoguchiError {
            #expect(error.code == .certificateNotPrintable)
        }
    }
}

@Suite("二次元コードの検証")
struct VerificationTests {
    static func issued(_ city: City, kind: CertificateKind = .residentRecordCopy) throws -> IssuedCertificate {
        let subject = try city.fullSubject()
        var options = CertificateOptions()
        if kind == .taxCertificate { options.fiscalYear = FiscalYear(2026) }
        guard case .issued(let c, _) = try city.service.issue(.init(kind: kind, subjectId: subject, requester: me(subject), options: options)) else {
            throw MadoguchiError(.notFound, ja: "refused", en: "refused")
        }
        return c
    }

    @Test("the QR read back from the printed page (pdftoppm + zbarimg) is the signed token, and it verifies",
          arguments: [CertificateKind.residentRecordCopy, .sealRegistrationCertificate, .familyRegisterFull, .taxCertificate])
    func qrReadBack(kind: CertificateKind) async throws {
        let city = try City()
        let c = try Self.issued(city, kind: kind)
        let (_, bytes) = try city.service.document(c.id)
        let pdf = try Poppler.write(bytes)
        defer { try? FileManager.default.removeItem(at: pdf) }
        // Off the cooperative pool, as rasterising and scanning can take long on a loaded machine.
        let scanned = try await offThePool { try Poppler.qr(pdf, page: try Poppler.pages(pdf)) }
        #expect(scanned == c.token)
        let result = try city.service.verify(scanned)
        #expect(result.status == .valid)
        #expect(result.claims?.jti == c.id)
        #expect(result.claims?.digest == c.contentDigest)
        #expect(result.claims?.names == c.content.persons.map(\.name))
        #expect(result.claims?.iss == "149802")
    }

    @Test("an independent JOSE library (Python joserfc) verifies the token against the served JWKS")
    func joserfc() throws {
        let city = try City()
        let c = try Self.issued(city)
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("madoguchi-jose-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try JSONEncoder().encode(try city.service.jwks()).write(to: dir.appendingPathComponent("jwks.json"))
        try Data(c.token.utf8).write(to: dir.appendingPathComponent("token"))
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Interop/verify_jws.py").path
        let (out, status) = try Poppler.python(script, [dir.appendingPathComponent("jwks.json").path, dir.appendingPathComponent("token").path])
        #expect(status == 0, "\(out)")
        let lines = out.split(separator: "\n").map(String.init)
        let claims = try JSONDecoder().decode(DocumentClaims.self, from: Data(lines[0].utf8))
        #expect(claims.jti == c.id)
        #expect(claims.digest == c.contentDigest)
        #expect(claims.names == c.content.persons.map(\.name))
        #expect(lines.last == "thumbprint-kid")
        // A token with a forged claim is refused by joserfc too.
        let parts = c.token.split(separator: ".").map(String.init)
        var forged = claims
        forged.names = ["山田　太郎"]
        try Data([parts[0], Base64URL.encode(try forged.json()), parts[2]].joined(separator: ".").utf8).write(to: dir.appendingPathComponent("token"))
        let (_, refused) = try Poppler.python(script, [dir.appendingPathComponent("jwks.json").path, dir.appendingPathComponent("token").path])
        #expect(refused == 1)
    }

    @Test("online: valid, then superseded by a reprint, revoked when voided; forged or foreign tokens invalid")
    func statuses() throws {
        let city = try City()
        let c = try Self.issued(city)
        #expect(try city.service.verify(c.token).status == .valid)
        let copy = try city.service.reprint(c.id, reason: "紙詰まり")
        let old = try city.service.verify(c.token)
        #expect(old.status == .superseded)
        #expect(old.supersededBy == copy.id)
        #expect(try city.service.verify(copy.token).status == .valid)
        _ = try city.service.void(copy.id, reason: "誤交付")
        #expect(try city.service.verify(copy.token).status == .revoked)
        // Another city's key (not in this JWKS).
        let foreign = try CompactJWS.sign(try DocumentClaims(jti: c.id, iss: "149802", iat: 0, kind: "residentRecordCopy",
                                                             names: [], births: [], digest: c.contentDigest).json(), with: SigningKey.generate())
        #expect(try city.service.verify(foreign).status == .invalid)
        #expect(try city.service.verify("not a token").status == .invalid)
        // The record altered behind the signature.
        let d = try Self.issued(city)
        try city.db.writer.write { db in
            try db.execute(sql: "UPDATE certificate SET contentDigest = ? WHERE id = ?", arguments: [String(repeating: "0", count: 64), d.id])
        }
        #expect(try city.service.verify(d.token).status == .invalid)
    }

    @Test("after a key rotation, old papers still verify and new ones use the new key")
    func rotation() throws {
        let city = try City()
        let before = try Self.issued(city)
        let newKid = try city.service.rotateSigningKey()
        let after = try Self.issued(city)
        #expect(try city.service.jwks().keys.count == 2)
        #expect(try city.service.jwks().keys.first?.kid == newKid)
        #expect(try city.service.verify(before.token).status == .valid)
        let result = try city.service.verify(after.token)
        #expect(result.status == .valid)
        #expect(result.kid == newKid)
    }
}
