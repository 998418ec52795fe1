import Foundation
import MadoguchiDocuments
import MadoguchiDomain
import MadoguchiPKI
import MadoguchiStore
import X509

/// A certificate as issued.
public struct IssuedCertificate: Sendable, Hashable {
    public typealias Status = CertificateStatus

    public var id: String
    public var kind: CertificateKind
    public var subjectId: Int64
    public var channel: Channel
    public var facilityId: String?
    public var copies: Int
    public var feeYen: Int
    public var issuedAt: String
    public var status: Status
    public var supersededBy: String?
    public var content: CertificateContent
    public var contentDigest: String
    public var ledgerSequence: Int64
    /// The compact JWS (ES256) printed as the QR code
    public var token: String
    /// 広域交付: the city whose records it was printed from (the subject is `0`, not a person here), and its reference
    public var keepingCity: String? = nil
    public var keepingSubject: String? = nil

    /// The other city's record, when this city printed from it
    var keeping: Keeping? { keepingCity.flatMap { city in keepingSubject.map { Keeping(city: city, subject: $0) } } }
}

extension IssuedCertificate {
    /// As stored (a 広域交付 certificate, which has no subject here, shows `0`).
    init(_ c: StoredCertificate) {
        self.init(
            id: c.id, kind: c.kind, subjectId: c.subjectId ?? 0, channel: c.channel, facilityId: c.facilityId, copies: c.copies,
            feeYen: c.feeYen, issuedAt: c.issuedAt, status: c.status, supersededBy: c.supersededBy, content: c.content,
            contentDigest: c.contentDigest, ledgerSequence: c.ledgerSequence, token: c.token, keepingCity: c.keepingCity,
            keepingSubject: c.keepingSubject)
    }
}

/// 広域交付: the keeping city and its reference for the person, on a certificate printed here.
struct Keeping: Sendable, Hashable {
    var city: String
    var subject: String
}

/// What came of a request.
public enum IssuanceOutcome: Sendable, Hashable {
    case issued(IssuedCertificate, holderNotified: Bool)
    case refused([RefusalReason], ledgerSequence: Int64)
}

/// The issuance use case: request → eligibility → fee → ledger → certificate, all in one transaction,
/// so nothing is issued that the ledger does not record and a failure leaves nothing behind.
public struct IssuanceService: Sendable {
    let database: MadoguchiDatabase
    let clock: MadoguchiClock
    let fees: FeeSchedule
    /// Makes document ids (random by default; fixed in tests that need it)
    let newDocumentId: @Sendable () -> String

    public init(
        database: MadoguchiDatabase, clock: MadoguchiClock = .system, fees: FeeSchedule = .demoCity,
        newDocumentId: @escaping @Sendable () -> String = { UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "") }
    ) {
        self.database = database
        self.clock = clock
        self.fees = fees
        self.newDocumentId = newDocumentId
    }

    public struct Submission: Sendable, Codable, Hashable {
        public var kind: CertificateKind
        public var subjectId: Int64
        public var requester: Requester
        public var channel: Channel
        public var facilityId: String?
        public var options: CertificateOptions
        /// At a store: the medium of the certificate that opened the session (left out of the digest when absent)
        public var medium: CertificateMedium?

        public init(
            kind: CertificateKind, subjectId: Int64, requester: Requester, channel: Channel = .counter,
            facilityId: String? = nil, options: CertificateOptions = CertificateOptions(), medium: CertificateMedium? = nil
        ) {
            self.medium = medium
            self.kind = kind
            self.subjectId = subjectId
            self.requester = requester
            self.channel = channel
            self.facilityId = facilityId
            self.options = options
        }

        /// What identifies a request for idempotency (everything the requester sent; not the time).
        func digest() throws -> String {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            return Ledger.sha256(try encoder.encode(self))
        }
    }

    /// Decides and records a request. With an idempotency key, a retry of the same request returns
    /// the first outcome (the same certificate, or the same refusal) and records nothing new.
    public func issue(_ submission: Submission, idempotencyKey: String? = nil, actor: String? = nil) throws
        -> IssuanceOutcome
    {
        let transaction = try issuing(submission, idempotencyKey: idempotencyKey, actor: actor)
        return try database.transaction(transaction)
    }

    /// The access-log entries for the reads of a certificate, made once the certificate is known (who it shows, its
    /// id): the staff member's issuance of it, and the document when the printable file is handed out with it.
    public typealias Reads = @Sendable (IssuedCertificate) -> [AccessRecord]

    /// The same, suspending (not blocking a thread) while it waits for the database's one writer: for
    /// servers, whose cooperative thread pool has as many threads as cores. `reads`: the access-log entries of the
    /// certificate issued (or returned again for a repeated key), appended in the same transaction, so that no
    /// certificate is issued to staff without its entry, nor an entry written for a certificate that was not.
    public func issue(
        async submission: Submission, idempotencyKey: String? = nil, actor: String? = nil, reads: Reads? = nil
    ) async throws -> IssuanceOutcome {
        try await database.transaction(async: try issuing(submission, idempotencyKey: idempotencyKey, actor: actor, reads: reads))
    }

    /// The issuing transaction: request → eligibility → fee → ledger → certificate (→ its access-log entries).
    func issuing(_ submission: Submission, idempotencyKey: String?, actor: String?, reads: Reads? = nil) throws
        -> @Sendable (any WindowTransaction) throws -> IssuanceOutcome
    {
        let now = clock.now()
        let at = LedgerRecord.timestamp(now)
        let today = JapanTime.date(of: now)
        let requestDigest = try submission.digest()
        let fees = self.fees
        let service = self
        return { tx in
            let outcome = try service.transaction(
                tx, submission, idempotencyKey: idempotencyKey, actor: actor, at: at, today: today,
                requestDigest: requestDigest, fees: fees)
            if let reads, case .issued(let certificate, _) = outcome {
                for record in reads(certificate) { try tx.appendAccess(record, flagProtectedOn: today) }
            }
            return outcome
        }
    }

    func transaction(
        _ tx: any WindowTransaction, _ submission: Submission, idempotencyKey: String?, actor: String?, at: String, today: CivilDate,
        requestDigest: String, fees: FeeSchedule
    ) throws -> IssuanceOutcome {
        if let key = idempotencyKey {
            try Self.checkKey(key)
            if let replay = try Self.replay(tx, key: key, digest: requestDigest) { return replay }
        }
        if let facility = submission.facilityId, try !tx.facilityExists(facility) {
            throw MadoguchiError(.unknownFacility, ja: "窓口が見つかりません: \(facility)", en: "No facility \(facility)")
        }
        let request = CertificateRequest(
            kind: submission.kind, subjectId: submission.subjectId, requester: submission.requester,
            channel: submission.channel, options: submission.options, date: today)
        let facts = try tx.subjectFacts(id: submission.subjectId, on: today, request: request)
        let decision = Eligibility.evaluate(request, facts: facts, fees: fees)
        guard decision.isApproved, let fee = decision.fee,
            let source = try tx.certificateSource(request)
        else {
            let refusals = decision.refusals.isEmpty ? [RefusalReason.subjectNotFound] : decision.refusals
            let entry = try tx.appendLedger(
                LedgerRecord(
                    action: .refuse, at: at, kind: submission.kind, subjectId: submission.subjectId,
                    requesterClass: submission.requester.requesterClass, channel: submission.channel,
                    facilityId: submission.facilityId, copies: submission.options.copies,
                    refusals: refusals.map(\.code), idempotencyKey: idempotencyKey, actor: actor, medium: submission.medium))
            try Self.remember(tx, key: idempotencyKey, digest: requestDigest, sequence: entry.sequence, at: at)
            return .refused(refusals, ledgerSequence: entry.sequence)
        }
        // Read before the ledger's lock: the serialised part holds only the head, the append and the inserts.
        let city = try tx.city()
        let key = try tx.activeSigningKey(at: at)
        let sequence = try tx.nextLedgerSequence()
        let content = CertificateContent.build(
            request, source: source, city: city, serialNumber: Self.serial(sequence, today), basicItemsOnly: decision.basicItemsOnly)
        let certificate = try record(
            tx, content: content, submission: submission, fee: fee.total, at: at, idempotencyKey: idempotencyKey,
            actor: actor, action: .issue, reason: nil, expectedSequence: sequence, signingKey: key)
        try Self.remember(tx, key: idempotencyKey, digest: requestDigest, sequence: sequence, at: at)
        // 本人通知: one notice for each registered person the certificate shows.
        for resident in decision.notifiedResidentIds.sorted() {
            try tx.addHolderNotice(
                residentId: resident, certificateId: certificate.id, requesterClass: submission.requester.requesterClass, at: at)
        }
        return .issued(certificate, holderNotified: decision.holderNotification)
    }

    /// What the rules say about a submission now, without recording anything (the clerk's preview).
    public func preview(_ submission: Submission) throws -> EligibilityDecision {
        let today = clock.today
        return try database.snapshot { tx in
            let request = CertificateRequest(
                kind: submission.kind, subjectId: submission.subjectId, requester: submission.requester,
                channel: submission.channel, options: submission.options, date: today)
            return Eligibility.evaluate(
                request, facts: try tx.subjectFacts(id: submission.subjectId, on: today, request: request), fees: fees)
        }
    }

    /// Withdraws an issued certificate (misprint, wrong person, aborted session). The ledger records why.
    public func void(_ documentId: String, reason: String, actor: String? = nil) throws -> IssuedCertificate {
        try Self.checkReason(reason)
        let at = LedgerRecord.timestamp(clock.now())
        return try database.transaction { tx in try Self.voiding(tx, documentId, reason: reason, at: at, actor: actor) }
    }

    /// Voids inside the caller's transaction: the status and the ledger entry together.
    static func voiding(_ tx: any WindowTransaction, _ documentId: String, reason: String, at: String, actor: String?) throws
        -> IssuedCertificate
    {
        let stored = try Self.stored(tx, id: documentId)
        var certificate = IssuedCertificate(stored)
        guard certificate.status == .issued else { throw Self.notIssued(certificate) }
        try tx.setCertificateStatus(id: documentId, .voided, supersededBy: nil)
        _ = try tx.appendLedger(
            LedgerRecord(
                action: .void, at: at, documentId: documentId, kind: certificate.kind,
                subjectId: certificate.subjectId, requesterClass: stored.requester.requesterClass,
                channel: certificate.channel, facilityId: certificate.facilityId, copies: certificate.copies,
                reason: reason, contentDigest: certificate.contentDigest, actor: actor, keepingCity: certificate.keepingCity,
                keepingSubject: certificate.keepingSubject))
        certificate.status = .voided
        return certificate
    }

    /// Prints an issued certificate's content again under a new document id and serial number (after a
    /// printer fault); the earlier document is superseded. No fee.
    public func reprint(_ documentId: String, reason: String, actor: String? = nil) throws -> IssuedCertificate {
        try Self.checkReason(reason)
        let now = clock.now()
        let at = LedgerRecord.timestamp(now)
        return try database.transaction { tx in
            let stored = try Self.stored(tx, id: documentId)
            let original = IssuedCertificate(stored)
            guard original.status == .issued else { throw Self.notIssued(original) }
            let sequence = try tx.nextLedgerSequence()
            var content = original.content
            content.serialNumber = Self.serial(sequence, JapanTime.date(of: now))
            let submission = Submission(
                kind: stored.kind, subjectId: stored.subjectId ?? 0, requester: stored.requester, channel: stored.channel,
                facilityId: stored.facilityId, options: stored.options)
            let copy = try record(
                tx, content: content, submission: submission, fee: 0, at: at, idempotencyKey: nil, actor: actor,
                action: .reprint, reason: reason, expectedSequence: sequence, keeping: original.keeping)
            try tx.setCertificateStatus(id: documentId, .superseded, supersededBy: copy.id)
            return copy
        }
    }

    public func certificate(_ id: String) throws -> IssuedCertificate? {
        try database.snapshot { tx in try tx.certificate(id: id).map(IssuedCertificate.init) }
    }

    /// The certificate as a PDF, rendered from its stored content (and the registered 印影 for a seal
    /// certificate, checked against the digest in the content). Only an issued certificate prints.
    public func document(_ id: String) throws -> (IssuedCertificate, [UInt8]) {
        try render(try database.snapshot { tx in try Self.printable(tx, id) })
    }

    /// The same, suspending while it waits for a reader (for servers: a blocked cooperative thread can
    /// starve the async reads that would free the reader it waits for).
    public func document(async id: String) async throws -> (IssuedCertificate, [UInt8]) {
        try render(try await database.snapshot(async: { tx in try Self.printable(tx, id) }))
    }

    /// The certificate as a signed PDF for electronic delivery (電子交付): the printed PDF with a PAdES baseline B-T
    /// signature over the whole file (an incremental update), made with the city's document-signing key and timestamped
    /// by the city's timestamp service, both certified by the city's document authority (`/pki/documents.pem`). The
    /// keys are read, never made here: they exist from `prepareSigning()`.
    public func signedDocument(async id: String) async throws -> (IssuedCertificate, [UInt8]) {
        let (found, keyring) = try await database.snapshot(async: { tx in (try Self.printable(tx, id), try tx.documentKeyring()) })
        guard let keyring else {
            throw MadoguchiError(
                .signingNotSetUp, ja: "電子署名の鍵が準備されていません", en: "The document-signing keys are not set up")
        }
        let (certificate, pdf) = try render(found)
        let now = clock.now()
        do {
            let signed = try PDFSignature.sign(
                pdf, time: now, reason: "\(certificate.content.title)の電子交付", location: certificate.content.cityName,
                name: certificate.content.mayor
            ) { covered in
                try keyring.signer.cades(covered) { digest in try keyring.timestamper.token(sha256: digest, at: now) }
            }
            return (certificate, signed)
        } catch let error as PDFSignature.Failure {
            throw MadoguchiError(.renderingFailed, ja: "証明書のPDFに署名できませんでした", en: error.description)
        }
    }

    /// The city's timestamp service (RFC 3161): a TimeStampReq's DER in, a TimeStampResp's DER out, granted or rejected
    /// with its reason (`TimestampAuthority.respond`). The key is read, never made here.
    public func timestamp(async request: [UInt8]) async throws -> [UInt8] {
        guard let keyring = try await database.snapshot(async: { tx in try tx.documentKeyring() }) else {
            throw MadoguchiError(.signingNotSetUp, ja: "タイムスタンプの鍵が準備されていません", en: "The timestamp service's key is not set up")
        }
        return try keyring.timestamper.respond(to: request, at: clock.now())
    }

    /// The document authority's certificate, which signed PDFs chain to (public; nil before setup).
    public func documentAuthority() throws -> Certificate? {
        try database.publicSnapshot { tx in try tx.documentAuthority() }
    }

    /// Every signature in a PDF checked against `authority`: intact, valid, trusted, over the whole file, and its
    /// timestamp. An empty list is an unsigned file; a file whose signature cannot be read throws.
    public static func checkSignatures(_ pdf: [UInt8], authority: Certificate) async throws -> [DocumentSignatureCheck] {
        let embedded: [PDFSignature.Embedded]
        do { embedded = try PDFSignature.embedded(in: pdf) } catch let error as PDFSignature.Failure {
            throw MadoguchiError(.signatureUnreadable, ja: "PDFの電子署名を読めません", en: error.description)
        }
        var checks: [DocumentSignatureCheck] = []
        for signature in embedded {
            var check = await DocumentSignatureChecker.check(content: signature.covered, cms: signature.contents, authority: authority)
            check.coversWholeFile = signature.wholeFile
            if !signature.wholeFile { check.problems.append("bytes were added after the signature (it does not cover the whole file)") }
            checks.append(check)
        }
        return checks
    }

    /// The PDF of a certificate this service has just issued, without reading it back: only a seal certificate
    /// reads its registered 印影.
    public func document(async issued: IssuedCertificate) async throws -> (IssuedCertificate, [UInt8]) {
        guard let registration = issued.content.seal?.registrationNumber else { return try render((issued, nil)) }
        let seal = try await database.snapshot(async: { tx in try tx.seal(registrationNumber: registration) })
        return try render((issued, seal))
    }

    static func printable(_ tx: any WindowTransaction, _ id: String) throws -> (IssuedCertificate, SealRegistration?) {
        let c = IssuedCertificate(try Self.stored(tx, id: id))
        let seal = try c.content.seal.flatMap { try tx.seal(registrationNumber: $0.registrationNumber) }
        return (c, seal)
    }

    func render(_ found: (IssuedCertificate, SealRegistration?)) throws -> (IssuedCertificate, [UInt8]) {
        let (certificate, seal) = found
        guard certificate.status == .issued else {
            throw MadoguchiError(
                .certificateNotPrintable,
                ja: "この証明書は\(certificate.status == .voided ? "無効" : "再印刷により差し替え済み")のため印刷できません",
                en: "This certificate is \(certificate.status.rawValue) and cannot be printed")
        }
        var extras = CertificateRenderer.Extras(qrText: certificate.token)
        if let seal, Ledger.sha256(Data(seal.sealImage)) == certificate.content.seal?.imageDigest {
            extras.sealImage = seal.sealImage
            extras.sealImageType = seal.sealImageType
        }
        do {
            return (certificate, try CertificateRenderer().render(certificate.content, extras: extras))
        } catch let error as DocumentError {
            throw MadoguchiError(.renderingFailed, ja: "証明書のPDFを作成できませんでした", en: error.description)
        }
    }

    /// The published keys (JWKS), creating the first key if none exists yet.
    /// The published keys, read only: the public JWKS and verification never wait on the database's write lock.
    /// `prepareSigning()` at start-up makes sure there is one.
    public func jwks() throws -> JWKSet {
        try database.publicSnapshot { tx in try tx.publishedKeys() }
    }

    /// At start-up: the signing key and the card authority exist, so that the public routes only read.
    public func prepareSigning() throws {
        let now = clock.now()
        try database.transaction { tx in try tx.setUpSigning(now: now) }
    }

    /// The chains' heads now, signed with the active document-signing key: what `/ledger/checkpoint` publishes. Reads
    /// only (the key exists from `prepareSigning()`).
    public func checkpoint() async throws -> PublishedCheckpoint {
        try await database.ledger.checkpoint(at: LedgerRecord.timestamp(clock.now()))
    }

    /// Retires the active signing key and starts a new one; papers signed before still verify.
    public func rotateSigningKey() throws -> String {
        let at = LedgerRecord.timestamp(clock.now())
        return try database.transaction { tx in try tx.rotateSigningKey(at: at) }
    }

    /// Retires the PDF signing and timestamp keys and has the document authority certify new ones (a key suspected
    /// of exposure, or its certificate's end near); PDFs signed before carry their certificate and still verify.
    /// Returns the new signing certificate's serial.
    public func rotateDocumentKeys() throws -> String {
        let now = clock.now()
        return try database.transaction { tx in try tx.rotateDocumentKeys(now: now) }
    }

    /// Online verification: the signature, then the city's records (issued, voided, superseded, and the
    /// digest of what was printed).
    public func verify(_ text: String) throws -> DocumentVerification {
        let keys = try jwks()
        var result = DocumentVerification.offline(text, keys: keys)
        result.checkedOnline = true
        guard result.status == .valid, let claims = result.claims else { return result }
        // Verification is public and may lag the primary (the standby's reads); a certificate the standby does not
        // know yet (issued a moment ago) is looked up on the primary.
        let (city, onStandby) = try database.publicSnapshot { tx in (try tx.city(), try tx.certificate(id: claims.jti).map(IssuedCertificate.init)) }
        let stored = try onStandby ?? (database.hasStandby ? certificate(claims.jti) : nil)
        guard claims.iss == city.code, let stored else {
            return DocumentVerification(
                status: .invalid, ja: "この市が発行した証明書の記録がありません。", en: "No such certificate was issued by this city.",
                claims: claims, kid: result.kid, checkedOnline: true)
        }
        guard stored.contentDigest == claims.digest, stored.token == DocumentVerification.token(from: text) else {
            return DocumentVerification(
                status: .invalid, ja: "記録と内容が一致しません。", en: "The record and the signed content differ.",
                claims: claims, kid: result.kid, checkedOnline: true)
        }
        switch stored.status {
        case .issued:
            return DocumentVerification(
                status: .valid, ja: "\(city.name)が発行した有効な証明書です。氏名・生年月日が紙面と一致することを確認してください。",
                en: "A valid certificate issued by \(city.name). Check that the names and birth dates match the paper.",
                claims: claims, kid: result.kid, checkedOnline: true)
        case .voided:
            return DocumentVerification(
                status: .revoked, ja: "この証明書は市が取り消しました（失効）。", en: "The city has voided this certificate.",
                claims: claims, kid: result.kid, checkedOnline: true)
        case .superseded:
            return DocumentVerification(
                status: .superseded, ja: "この証明書は再発行により差し替えられています。", en: "This certificate was superseded by a reprint.",
                claims: claims, kid: result.kid, checkedOnline: true, supersededBy: stored.supersededBy)
        }
    }

    public func verifyLedger() throws -> LedgerVerification {
        try database.snapshot { tx in try tx.verifyLedger() }
    }

    // MARK: - Inside the transaction

    func record(
        _ tx: any WindowTransaction, content: CertificateContent, submission: Submission, fee: Int, at: String,
        idempotencyKey: String?, actor: String?, action: LedgerRecord.Action, reason: String?, expectedSequence: Int64,
        keeping: Keeping? = nil, signingKey: SigningKey? = nil
    ) throws -> IssuedCertificate {
        let json = try content.canonicalJSON()
        let digest = Ledger.sha256(json)
        let id = newDocumentId()
        let entry = try tx.appendLedger(
            LedgerRecord(
                action: action, at: at, documentId: id, kind: submission.kind, subjectId: submission.subjectId,
                requesterClass: submission.requester.requesterClass, channel: submission.channel,
                facilityId: submission.facilityId, copies: submission.options.copies, feeYen: fee, reason: reason,
                contentDigest: digest, idempotencyKey: idempotencyKey, actor: actor, keepingCity: keeping?.city,
                keepingSubject: keeping?.subject, medium: submission.medium))
        precondition(entry.sequence == expectedSequence, "the serial number must be the ledger sequence")
        let key = try signingKey ?? tx.activeSigningKey(at: at)
        let claims = DocumentClaims(
            jti: id, iss: content.cityCode, iat: Int64(clock.now().timeIntervalSince1970), kind: content.kind.rawValue,
            names: content.persons.map(\.name), births: content.persons.map(\.birthDate.description), digest: digest)
        let token = try CompactJWS.sign(try claims.json(), with: key)
        try tx.insertCertificate(
            StoredCertificate(
                id: id, kind: submission.kind, subjectId: keeping == nil ? submission.subjectId : nil, keepingCity: keeping?.city,
                keepingSubject: keeping?.subject, channel: submission.channel, facilityId: submission.facilityId,
                requester: submission.requester, options: submission.options, content: content, contentDigest: digest,
                copies: submission.options.copies, feeYen: fee, issuedAt: at, ledgerSequence: entry.sequence, token: token),
            contentJSON: json)
        return IssuedCertificate(
            id: id, kind: submission.kind, subjectId: submission.subjectId, channel: submission.channel,
            facilityId: submission.facilityId, copies: submission.options.copies, feeYen: fee, issuedAt: at,
            status: .issued, supersededBy: nil, content: content, contentDigest: digest, ledgerSequence: entry.sequence,
            token: token, keepingCity: keeping?.city, keepingSubject: keeping?.subject)
    }

    /// 第2026-000123号: the fiscal year and the ledger sequence.
    static func serial(_ sequence: Int64, _ date: CivilDate) -> String {
        let n = String(sequence)
        return "第\(FiscalYear(containing: date).startYear)-\(String(repeating: "0", count: max(0, 6 - n.count)))\(n)号"
    }

    static func checkKey(_ key: String) throws {
        guard (8...200).contains(key.utf8.count), key.allSatisfy({ $0.isASCII && !$0.isWhitespace }) else {
            throw MadoguchiError(
                .idempotencyKeyInvalid, ja: "Idempotency-Key は空白を含まない8〜200文字のASCIIで指定してください",
                en: "The Idempotency-Key must be 8 to 200 ASCII characters without spaces")
        }
    }

    static func checkReason(_ reason: String) throws {
        guard !reason.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw MadoguchiError(.reasonMissing, ja: "理由を入力してください", en: "A reason is required")
        }
    }

    static func remember(_ tx: any WindowTransaction, key: String?, digest: String, sequence: Int64, at: String) throws {
        guard let key else { return }
        try tx.rememberIdempotency(key: key, digest: digest, ledgerSequence: sequence, at: at)
    }

    static func replay(_ tx: any WindowTransaction, key: String, digest: String) throws -> IssuanceOutcome? {
        guard let first = try tx.idempotency(key: key) else { return nil }
        guard first.requestDigest == digest else {
            throw MadoguchiError(
                .idempotencyConflict, ja: "この Idempotency-Key は別の内容の請求に使われています",
                en: "This Idempotency-Key was used for a different request")
        }
        let sequence = first.ledgerSequence
        if let id = try tx.certificateId(ledgerSequence: sequence) {
            let certificate = IssuedCertificate(try stored(tx, id: id))
            return .issued(certificate, holderNotified: try tx.hasHolderNotice(certificateId: id))
        }
        guard let record = try tx.ledgerRecord(sequence: sequence) else {
            throw MadoguchiError(
                .storeFailure, ja: "冪等キーの記録に対応する台帳の記録がありません", en: "The idempotency key names no ledger entry")
        }
        return .refused(record.refusals.compactMap { RefusalReason(code: $0) }, ledgerSequence: sequence)
    }

    static func stored(_ tx: any WindowTransaction, id: String) throws -> StoredCertificate {
        guard let stored = try tx.certificate(id: id) else {
            throw MadoguchiError(.notFound, ja: "証明書が見つかりません: \(id)", en: "No certificate \(id)")
        }
        return stored
    }

    static func notIssued(_ c: IssuedCertificate) -> MadoguchiError {
        MadoguchiError(
            .certificateNotIssued, ja: "この証明書は既に\(c.status == .voided ? "無効" : "再印刷済み")です",
            en: "This certificate is already \(c.status.rawValue)")
    }
}

extension MadoguchiError.Code {
    public static let idempotencyConflict = Self("issuance.idempotencyConflict")
    public static let idempotencyKeyInvalid = Self("issuance.idempotencyKeyInvalid")
    public static let unknownFacility = Self("issuance.unknownFacility")
    public static let reasonMissing = Self("issuance.reasonMissing")
    public static let certificateNotIssued = Self("issuance.notIssued")
    public static let certificateNotPrintable = Self("issuance.notPrintable")
    public static let renderingFailed = Self("issuance.renderingFailed")
    public static let signingNotSetUp = Self("issuance.signingNotSetUp")
    public static let signatureUnreadable = Self("verify.signatureUnreadable")
}
