import Foundation
import GRDB
import MadoguchiDomain
import MadoguchiPKI
import X509

/// A row of `certificate` as stored (JSON columns as text, vocabularies as their names), the same on both engines.
struct CertificateRow {
    var id: String
    var kind: String
    var subjectId: Int64?
    var keepingCityCode: String?
    var keepingSubject: String?
    var channel: String
    var facilityId: String?
    var requesterClass: String
    var requester: String
    var options: String
    var content: String
    var contentDigest: String
    var copies: Int
    var feeYen: Int
    var issuedAt: String
    var status: String
    var supersededBy: String?
    var ledgerSequence: Int64
    var token: String

    init(_ r: SQLRow) throws {
        id = try r.text("id")
        kind = try r.text("kind")
        subjectId = try r.optionalInt("subjectId")
        keepingCityCode = try r.optionalText("keepingCityCode")
        keepingSubject = try r.optionalText("keepingSubject")
        channel = try r.text("channel")
        facilityId = try r.optionalText("facilityId")
        requesterClass = try r.text("requesterClass")
        requester = try r.text("requester")
        options = try r.text("options")
        content = try r.text("content")
        contentDigest = try r.text("contentDigest")
        copies = Int(try r.int("copies"))
        feeYen = Int(try r.int("feeYen"))
        issuedAt = try r.text("issuedAt")
        status = try r.text("status")
        supersededBy = try r.optionalText("supersededBy")
        ledgerSequence = try r.int("ledgerSequence")
        token = try r.text("token")
    }

    init(_ c: StoredCertificate, contentJSON: Data? = nil) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        id = c.id
        kind = c.kind.rawValue
        subjectId = c.subjectId
        keepingCityCode = c.keepingCity
        keepingSubject = c.keepingSubject
        channel = c.channel.rawValue
        facilityId = c.facilityId
        requesterClass = c.requester.requesterClass.rawValue
        requester = String(decoding: try encoder.encode(c.requester), as: UTF8.self)
        options = String(decoding: try encoder.encode(c.options), as: UTF8.self)
        content = String(decoding: try contentJSON ?? c.content.canonicalJSON(), as: UTF8.self)
        contentDigest = c.contentDigest
        copies = c.copies
        feeYen = c.feeYen
        issuedAt = c.issuedAt
        status = c.status.rawValue
        supersededBy = c.supersededBy
        ledgerSequence = c.ledgerSequence
        token = c.token
    }

    func stored() throws -> StoredCertificate {
        let decoder = JSONDecoder()
        return StoredCertificate(
            id: id, kind: try Unreadable.value(CertificateKind(rawValue: kind), "certificate.kind"), subjectId: subjectId,
            keepingCity: keepingCityCode, keepingSubject: keepingSubject,
            channel: try Unreadable.value(Channel(rawValue: channel), "certificate.channel"), facilityId: facilityId,
            requester: try decoder.decode(Requester.self, from: Data(requester.utf8)),
            options: try decoder.decode(CertificateOptions.self, from: Data(options.utf8)),
            content: try decoder.decode(CertificateContent.self, from: Data(content.utf8)), contentDigest: contentDigest,
            copies: copies, feeYen: feeYen, issuedAt: issuedAt,
            status: try Unreadable.value(CertificateStatus(rawValue: status), "certificate.status"), supersededBy: supersededBy,
            ledgerSequence: ledgerSequence, token: token)
    }
}

/// A row of `kioskSession` as stored, the same on both engines.
struct KioskSessionRow {
    var requestId: String
    var chain: String
    var store: String
    var challenge: Data
    var state: String
    var createdAt: String
    var updatedAt: String
    var expiresAtMs: Int64
    var cardSerial: String?
    var residentId: Int64?
    var kind: String?
    var copies: Int?
    var feeYen: Int?
    var documentId: String?
    var refusals: String?
    var abortReason: String?
    var completedAt: String?
    var secretHash: String?
    var medium: String?

    init(_ r: SQLRow) throws {
        requestId = try r.text("requestId")
        chain = try r.text("chain")
        store = try r.text("store")
        challenge = try r.blob("challenge")
        state = try r.text("state")
        createdAt = try r.text("createdAt")
        updatedAt = try r.text("updatedAt")
        expiresAtMs = try r.int("expiresAtMs")
        cardSerial = try r.optionalText("cardSerial")
        residentId = try r.optionalInt("residentId")
        kind = try r.optionalText("kind")
        copies = try r.optionalInt("copies").map(Int.init)
        feeYen = try r.optionalInt("feeYen").map(Int.init)
        documentId = try r.optionalText("documentId")
        refusals = try r.optionalText("refusals")
        abortReason = try r.optionalText("abortReason")
        completedAt = try r.optionalText("completedAt")
        secretHash = try r.optionalText("secretHash")
        medium = try r.optionalText("medium")
    }

    init(_ s: KioskSessionRecord) {
        requestId = s.requestId
        chain = s.chain
        store = s.store
        challenge = s.challenge
        state = s.state.rawValue
        createdAt = s.createdAt
        updatedAt = s.updatedAt
        expiresAtMs = s.expiresAtMs
        cardSerial = s.cardSerial
        residentId = s.residentId
        kind = s.kind?.rawValue
        copies = s.copies
        feeYen = s.feeYen
        documentId = s.documentId
        refusals = s.refusals
        abortReason = s.abortReason
        completedAt = s.completedAt
        secretHash = s.secretHash
        medium = s.medium?.rawValue
    }

    func record() throws -> KioskSessionRecord {
        var s = KioskSessionRecord(
            requestId: requestId, chain: chain, store: store, challenge: challenge,
            state: try Unreadable.value(KioskSessionState(rawValue: state), "kioskSession.state"), createdAt: createdAt,
            updatedAt: updatedAt, expiresAtMs: expiresAtMs)
        s.cardSerial = cardSerial
        s.residentId = residentId
        s.kind = try kind.map { try Unreadable.value(CertificateKind(rawValue: $0), "kioskSession.kind") }
        s.copies = copies
        s.feeYen = feeYen
        s.documentId = documentId
        s.refusals = refusals
        s.abortReason = abortReason
        s.completedAt = completedAt
        s.secretHash = secretHash
        s.medium = try medium.map { try Unreadable.value(CertificateMedium(rawValue: $0), "kioskSession.medium") }
        return s
    }
}

/// A stored value outside its vocabulary (only a database changed behind the schema's back holds one): a coded error,
/// never a crash.
enum Unreadable {
    static func value<T>(_ value: T?, _ column: String) throws -> T {
        guard let value else { throw error(column) }
        return value
    }

    static func error(_ column: String) -> MadoguchiError {
        MadoguchiError(.storeFailure, ja: "保存されたデータを読み取れません（\(column)）", en: "A stored value is unreadable (\(column))")
    }
    /// A stored JSON value decoded, or the column's coded error.
    static func decoding<T>(_ column: String, _ body: () throws -> T) throws -> T {
        do { return try body() } catch { throw Self.error(column) }
    }
}

/// The window's transaction on either engine: each method is a statement or two of the shared SQL on the session the
/// transaction holds.
struct SQLWindowTransaction: WindowTransaction {
    let db: any SQLSession
    let keys: any KeyProtector
    /// The ledger's head once this transaction holds the ledger's lock: the sequence a certificate prints and the
    /// append after it read it once, inside the serialised part.
    let head = HeadBox()

    final class HeadBox {
        var value: Ledger.Head?
    }

    init(db: any SQLSession, keys: any KeyProtector) {
        self.db = db
        self.keys = keys
    }

    // MARK: RegistryFacts

    func city() throws -> CityInfo { try CityMeta.city(db) }

    func facilityExists(_ id: String) throws -> Bool { try CounterRecords.facilityExists(db, id) }

    func subjectFacts(id: Int64, on date: CivilDate, request: CertificateRequest) throws -> SubjectFacts? {
        try RegistryRepository.subjectFacts(db, id: id, on: date, request: request)
    }

    func certificateSource(_ request: CertificateRequest) throws -> CertificateSource? {
        try RegistryRepository.certificateSource(db, request)
    }

    func seal(registrationNumber: String) throws -> SealRegistration? {
        try RegistryRepository.seal(db, registrationNumber: registrationNumber)
    }

    func people(searchKey: String, born: CivilDate, current: Bool, limit: Int) throws -> [Int64] {
        try db.column(
            current
                ? "SELECT id FROM resident WHERE searchName = ? AND birthDate = ? AND removedOn IS NULL LIMIT ?"
                : """
                SELECT r.id FROM resident r WHERE r.searchName = ? AND r.birthDate = ?
                  AND EXISTS (SELECT 1 FROM familyRegisterMember m WHERE m.residentId = r.id) LIMIT ?
                """,
            arguments: [searchKey, born.description, limit], as: Int64.self)
    }

    func registerMembers(born: CivilDate, inRegisterOf residentId: Int64) throws -> [(familyName: String, givenName: String)] {
        try db.rows(
            """
            SELECT familyName, givenName FROM familyRegisterMember WHERE birthDate = ? AND familyRegisterId =
              (SELECT familyRegisterId FROM familyRegisterMember WHERE residentId = ? ORDER BY leftOn IS NOT NULL, id LIMIT 1)
            """, born.description, residentId
        ).map { ($0["familyName"], $0["givenName"]) }
    }

    func isHonsekiCard(serial: String) throws -> Bool { try Honseki.isRegisteredCard(db, serial: serial) }

    func cardMedium(serial: String) throws -> CertificateMedium? {
        try db.scalar("SELECT medium FROM card WHERE serial = ?", arguments: [serial], as: String.self).map {
            try Unreadable.value(CertificateMedium(rawValue: $0), "card.medium")
        }
    }

    // MARK: CertificateBook

    func appendLedger(_ record: LedgerRecord) throws -> LedgerEntry {
        let entry = try Ledger.append(record, in: db, after: head.value)
        head.value = Ledger.Head(sequence: entry.sequence, hash: entry.hash)
        return entry
    }

    func nextLedgerSequence() throws -> Int64 {
        if head.value == nil { head.value = try Ledger.lockedHead(db) }
        return head.value!.sequence + 1
    }

    func ledgerRecord(sequence: Int64) throws -> LedgerRecord? {
        try db.scalar("SELECT payload FROM ledgerEntry WHERE sequence = ?", arguments: [sequence], as: String.self).map {
            try JSONDecoder().decode(LedgerRecord.self, from: Data($0.utf8))
        }
    }

    func verifyLedger() throws -> LedgerVerification { try Ledger.verify(db) }

    func activeSigningKey(at: String) throws -> SigningKey { try SigningKeys.active(db, at: at, keys: keys) }

    func publishedKeys() throws -> JWKSet { try SigningKeys.jwks(db) }

    func setUpSigning(now: Date) throws { try SigningKeys.setUp(db, now: now, keys: keys) }

    func rotateSigningKey(at: String) throws -> String { try SigningKeys.rotate(db, at: at, keys: keys).kid }

    func documentKeyring() throws -> DocumentKeyring? { try DocumentKeys.keyring(db, keys: keys) }

    func documentAuthority() throws -> Certificate? { try DocumentKeys.authorityCertificate(db) }

    func rotateDocumentKeys(now: Date) throws -> String { try DocumentKeys.rotate(db, now: now, keys: keys) }

    func appendAccess(_ record: AccessRecord, flagProtectedOn day: CivilDate) throws {
        try AccessLog.append(record, flagProtectedOn: day, in: db)
    }

    func insertCertificate(_ certificate: StoredCertificate, contentJSON: Data?) throws {
        let r = try CertificateRow(certificate, contentJSON: contentJSON)
        try db.enqueue(
            """
            INSERT INTO certificate (id, kind, subjectId, keepingCityCode, keepingSubject, channel, facilityId, requesterClass,
              requester, options, content, contentDigest, copies, feeYen, issuedAt, status, supersededBy, ledgerSequence, token)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """,
            arguments: [
                r.id, r.kind, r.subjectId, r.keepingCityCode, r.keepingSubject, r.channel, r.facilityId, r.requesterClass, r.requester,
                r.options, r.content, r.contentDigest, r.copies, r.feeYen, r.issuedAt, r.status, r.supersededBy, r.ledgerSequence,
                r.token,
            ])
    }

    func certificate(id: String) throws -> StoredCertificate? {
        try db.row("SELECT * FROM certificate WHERE id = ?", id).map { try CertificateRow($0).stored() }
    }

    func certificateId(ledgerSequence: Int64) throws -> String? {
        try db.scalar("SELECT id FROM certificate WHERE ledgerSequence = ?", arguments: [ledgerSequence], as: String.self)
    }

    func setCertificateStatus(id: String, _ status: CertificateStatus, supersededBy: String?) throws {
        try db.execute("UPDATE certificate SET status = ?, supersededBy = ? WHERE id = ?", status.rawValue, supersededBy, id)
    }

    func addHolderNotice(residentId: Int64, certificateId: String, requesterClass: RequesterClass, at: String) throws {
        try db.enqueue(
            "INSERT INTO holderNotification (residentId, certificateId, requesterClass, createdAt) VALUES (?, ?, ?, ?)",
            residentId, certificateId, requesterClass.rawValue, at)
    }

    func hasHolderNotice(certificateId: String) throws -> Bool {
        try db.exists("SELECT 1 FROM holderNotification WHERE certificateId = ?", arguments: [certificateId])
    }

    /// Takes the key's lock first on PostgreSQL: a retry racing its original waits for it and then replays it, as on
    /// SQLite, instead of failing on the key's uniqueness.
    func idempotency(key: String) throws -> IdempotencyRecord? {
        try Ledger.serialise(db, idempotencyKey: key)
        return try db.row("SELECT requestDigest, ledgerSequence FROM idempotencyKey WHERE key = ?", key).map {
            IdempotencyRecord(requestDigest: try $0.text("requestDigest"), ledgerSequence: try $0.int("ledgerSequence"))
        }
    }

    func rememberIdempotency(key: String, digest: String, ledgerSequence: Int64, at: String) throws {
        try db.enqueue(
            "INSERT INTO idempotencyKey (key, requestDigest, ledgerSequence, createdAt) VALUES (?, ?, ?, ?)", key, digest,
            ledgerSequence, at)
    }

    // MARK: KioskSessionBook

    func kioskSession(_ requestId: String) throws -> KioskSessionRecord? {
        try db.row("SELECT * FROM kioskSession WHERE requestId = ?", requestId).map { try KioskSessionRow($0).record() }
    }

    func insertKioskSession(_ session: KioskSessionRecord) throws {
        let r = KioskSessionRow(session)
        try db.execute(
            """
            INSERT INTO kioskSession (requestId, chain, store, challenge, state, createdAt, updatedAt, expiresAtMs, cardSerial,
              residentId, kind, copies, feeYen, documentId, refusals, abortReason, completedAt, secretHash, medium)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """,
            arguments: [
                r.requestId, r.chain, r.store, r.challenge, r.state, r.createdAt, r.updatedAt, r.expiresAtMs, r.cardSerial, r.residentId,
                r.kind, r.copies, r.feeYen, r.documentId, r.refusals, r.abortReason, r.completedAt, r.secretHash, r.medium,
            ])
    }

    func updateKioskSession(_ session: KioskSessionRecord, expected: KioskSessionState) throws -> Bool {
        let r = KioskSessionRow(session)
        return try db.execute(
            """
            UPDATE kioskSession SET state = ?, updatedAt = ?, expiresAtMs = ?, cardSerial = ?, residentId = ?, kind = ?,
              copies = ?, feeYen = ?, documentId = ?, refusals = ?, abortReason = ?, completedAt = ?, secretHash = ?, medium = ?
            WHERE requestId = ? AND state = ?
            """,
            arguments: [
                r.state, r.updatedAt, r.expiresAtMs, r.cardSerial, r.residentId, r.kind, r.copies, r.feeYen, r.documentId, r.refusals,
                r.abortReason, r.completedAt, r.secretHash, r.medium, r.requestId, expected.rawValue,
            ]) == 1
    }

    /// On PostgreSQL the sessions are locked for the rest of the transaction, and any a step is changing right now are
    /// left for the next sweep (`SKIP LOCKED`): without the lock, a step committing between this read and the sweep's
    /// update made the update find the session moved on, and the whole sweep (every other session's abort and void)
    /// rolled back, to fail the same way a second later while the stores were busy. SQLite has one writer: nothing
    /// changes between the two.
    func expiredKioskSessions(beforeMs ms: Int64, limit: Int) throws -> [KioskSessionRecord] {
        try db.rows(
            """
            SELECT * FROM kioskSession WHERE state IN (\(KioskSessionState.openSQLList)) AND expiresAtMs < ?
            ORDER BY expiresAtMs LIMIT ?\(db.engine == .postgres ? " FOR UPDATE SKIP LOCKED" : "")
            """, ms, limit
        ).map { try KioskSessionRow($0).record() }
    }

    func kioskSettlement(from: String, to: String) throws -> [KioskSettlementRow] {
        try db.rows(
            """
            SELECT chain, kind, coalesce(medium, 'card') AS medium, count(*) AS sessions, sum(copies) AS copies,
              sum(feeYen) AS fee FROM kioskSession
            WHERE completedAt >= ? AND completedAt < ? GROUP BY chain, kind, 3 ORDER BY chain, kind, 3
            """, from, to
        ).map { r in
            KioskSettlementRow(
                chain: try r.text("chain"), kind: try Unreadable.value(CertificateKind(rawValue: try r.text("kind")), "kioskSession.kind"),
                medium: try r.text("medium"), sessions: Int(try r.int("sessions")), copies: Int(try r.int("copies")),
                feeYen: Int(try r.int("fee")))
        }
    }

    // MARK: CounterRecordBook

    func resident(id: Int64) throws -> (birthDate: CivilDate, removed: Bool)? { try CounterRecords.resident(db, id: id) }
    func supportMeasure(id: Int64) throws -> SupportMeasureRecord? { try CounterRecords.supportMeasure(db, id: id) }
    func supportMeasures(subjectId: Int64) throws -> [SupportMeasureRecord] { try CounterRecords.supportMeasures(db, subjectId: subjectId) }

    func insertSupportMeasure(_ measure: SupportMeasure, state: SupportMeasureState) throws -> Int64 {
        try CounterRecords.insert(db, measure, state: state)
    }

    func updateSupportMeasure(id: Int64, state: SupportMeasureState, term: ClosedRange<CivilDate>, endedOn: CivilDate?) throws {
        try CounterRecords.update(db, id: id, state: state, term: term, endedOn: endedOn)
    }

    func setForwarding(supportMeasure id: Int64, honsekiCity: String?, pending: Bool) throws {
        try CounterRecords.setForwarding(db, id: id, honsekiCity: honsekiCity, pending: pending)
    }

    func pendingForwards() throws -> [SupportMeasureRecord] { try CounterRecords.pendingForwards(db) }

    func registerIdentity(residentId: Int64) throws -> (domicile: String, head: String, name: String, birth: CivilDate)? {
        try CounterRecords.registerIdentity(db, residentId: residentId)
    }

    func registerMember(domicile: String, head: String, name: String, birth: CivilDate) throws -> Int64? {
        try CounterRecords.registerMember(db, domicile: domicile, head: head, name: name, birth: birth)
    }

    func keepForwarded(_ measure: ForwardedSupportMeasure, from city: String, memberId: Int64, at: String) throws {
        try CounterRecords.keepForwarded(db, measure, from: city, memberId: memberId, at: at)
    }

    func logForwarded(_ measure: ForwardedSupportMeasure, from city: String, memberId: Int64?, outcome: String, at: String) throws {
        try CounterRecords.logForwarded(db, measure, from: city, memberId: memberId, outcome: outcome, at: at)
    }

    func logProcedure(
        _ procedure: RegistryProcedureKind, residentId: Int64, actor: String, facilityId: String?, at: String, detail: [String: String]
    ) throws {
        try CounterRecords.log(db, procedure, residentId: residentId, actor: actor, facilityId: facilityId, at: at, detail: detail)
    }

    func procedureHistory(residentId: Int64) throws -> [ProcedureRecord] { try CounterRecords.history(db, residentId: residentId) }
    func activeSeal(residentId: Int64) throws -> SealRegistration? { try CounterRecords.activeSeal(db, residentId: residentId) }
    func nextSealNumber(year: Int) throws -> String { try CounterRecords.nextSealNumber(db, year: year) }
    func insertSeal(_ seal: SealRegistration) throws { try CounterRecords.insert(db, seal) }
    func abolishSeal(number: String, on date: CivilDate) throws { try CounterRecords.abolishSeal(db, number: number, on: date) }

    func activeHolderNotification(residentId: Int64) throws -> HolderNotificationRegistration? {
        try CounterRecords.activeHolderNotification(db, residentId: residentId)
    }

    func insertHolderNotification(_ registration: HolderNotificationRegistration) throws { try CounterRecords.insert(db, registration) }

    func endHolderNotification(id: Int64, on date: CivilDate) throws { try CounterRecords.endHolderNotification(db, id: id, on: date) }

    func logWideAreaQuery(_ log: WideAreaQueryLog) throws {
        try db.execute(
            """
            INSERT INTO wideAreaRequest (at, fromCity, requestId, facilityId, actor, kind, subjectId, requesterClass,
              requesterName, outcome, refusals, contentDigest)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """,
            arguments: [
                log.at, log.fromCity, log.requestId, log.facilityId, log.actor, log.kind.rawValue, log.subjectId,
                log.requesterClass.rawValue, log.requesterName, log.outcome, log.refusals.joined(separator: ","), log.contentDigest,
            ])
    }
}

extension MadoguchiDatabase {
    /// One write transaction over the window's records, waiting on the calling thread (the CLI, tests): all of `body`
    /// or nothing. Storage failures come out as coded errors.
    public func transaction<T>(_ body: (any WindowTransaction) throws -> T) throws -> T {
        let keys = self.keys
        return try transaction(readOnly: false) { s in try body(SQLWindowTransaction(db: s, keys: keys)) }
    }

    /// The same for servers: it suspends while it waits for the database's writer (or, on PostgreSQL, runs on the
    /// engine's own threads), never blocking a thread of the cooperative pool.
    public func transaction<T: Sendable>(async body: @escaping @Sendable (any WindowTransaction) throws -> T) async throws -> T {
        let keys = self.keys
        return try await transaction(readOnly: false, async: { s in try body(SQLWindowTransaction(db: s, keys: keys)) })
    }

    /// A consistent read of the window's records (writing in it fails), on the calling thread.
    public func snapshot<T>(_ body: (any WindowTransaction) throws -> T) throws -> T {
        let keys = self.keys
        return try transaction(readOnly: true) { s in try body(SQLWindowTransaction(db: s, keys: keys)) }
    }

    /// A consistent read for servers, suspending while it waits for a reader.
    public func snapshot<T: Sendable>(async body: @escaping @Sendable (any WindowTransaction) throws -> T) async throws -> T {
        let keys = self.keys
        return try await transaction(readOnly: true, async: { s in try body(SQLWindowTransaction(db: s, keys: keys)) })
    }

    /// Runs a storage operation with its failures mapped to coded errors (coded ones pass through).
    static func coded<T>(_ operation: () throws -> T) throws -> T {
        do { return try operation() } catch let e as MadoguchiError { throw e } catch { throw StoreError.map(error) }
    }
}
