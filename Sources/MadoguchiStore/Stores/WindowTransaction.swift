import Foundation
import MadoguchiDomain
import MadoguchiPKI
import X509

/// A certificate as stored: what was printed (its content, digest and signed token), for whom, by which request, and
/// where it stands now.
public struct StoredCertificate: Sendable, Hashable {
    public var id: String
    public var kind: CertificateKind
    /// The person here; nil for a 広域交付 certificate printed from another city's record
    public var subjectId: Int64?
    public var keepingCity: String?
    public var keepingSubject: String?
    public var channel: Channel
    public var facilityId: String?
    public var requester: Requester
    public var options: CertificateOptions
    public var content: CertificateContent
    public var contentDigest: String
    public var copies: Int
    public var feeYen: Int
    public var issuedAt: String
    public var status: CertificateStatus
    public var supersededBy: String?
    public var ledgerSequence: Int64
    public var token: String

    public init(
        id: String, kind: CertificateKind, subjectId: Int64?, keepingCity: String?, keepingSubject: String?, channel: Channel,
        facilityId: String?, requester: Requester, options: CertificateOptions, content: CertificateContent, contentDigest: String,
        copies: Int, feeYen: Int, issuedAt: String, status: CertificateStatus = .issued, supersededBy: String? = nil,
        ledgerSequence: Int64, token: String
    ) {
        self.id = id
        self.kind = kind
        self.subjectId = subjectId
        self.keepingCity = keepingCity
        self.keepingSubject = keepingSubject
        self.channel = channel
        self.facilityId = facilityId
        self.requester = requester
        self.options = options
        self.content = content
        self.contentDigest = contentDigest
        self.copies = copies
        self.feeYen = feeYen
        self.issuedAt = issuedAt
        self.status = status
        self.supersededBy = supersededBy
        self.ledgerSequence = ledgerSequence
        self.token = token
    }
}

/// Where an issued certificate stands: printed and valid, withdrawn, or replaced by a reprint.
public enum CertificateStatus: String, Sendable, Codable, CaseIterable {
    case issued, voided, superseded
}

/// The first outcome of a request sent with an idempotency key: the digest of what was asked and its ledger entry.
public struct IdempotencyRecord: Sendable, Hashable {
    public var requestDigest: String
    public var ledgerSequence: Int64
}

/// A store kiosk session (コンビニ交付) as stored: one per request id, binding the card, the order and the document
/// from the challenge to the print confirmation.
public struct KioskSessionRecord: Sendable, Hashable {
    public var requestId: String
    public var chain: String
    public var store: String
    public var challenge: Data
    public var state: KioskSessionState
    public var createdAt: String
    public var updatedAt: String
    public var expiresAtMs: Int64
    public var cardSerial: String?
    public var residentId: Int64?
    public var kind: CertificateKind?
    public var copies: Int?
    public var feeYen: Int?
    public var documentId: String?
    /// Refusal codes, comma-separated, of a refused order
    public var refusals: String?
    public var abortReason: String?
    public var completedAt: String?
    /// SHA-256 of the session secret given at the card step (the secret itself is never stored)
    public var secretHash: String?
    /// The certificate the session signed in with (card or smartphone)
    public var medium: CertificateMedium?

    public init(
        requestId: String, chain: String, store: String, challenge: Data, state: KioskSessionState, createdAt: String,
        updatedAt: String, expiresAtMs: Int64
    ) {
        self.requestId = requestId
        self.chain = chain
        self.store = store
        self.challenge = challenge
        self.state = state
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.expiresAtMs = expiresAtMs
    }
}

/// Completed kiosk sessions of a period, by chain, kind and medium: a line of the monthly settlement.
public struct KioskSettlementRow: Sendable, Hashable {
    public var chain: String
    public var kind: CertificateKind
    public var medium: String
    public var sessions: Int
    public var copies: Int
    public var feeYen: Int
}

/// 広域交付 at the keeping city: one query another city sent, and what it was told.
public struct WideAreaQueryLog: Sendable, Hashable {
    public var at: String
    public var fromCity: String
    public var requestId: String
    public var facilityId: String?
    public var actor: String?
    public var kind: CertificateKind
    /// The person found here, if any
    public var subjectId: Int64?
    public var requesterClass: RequesterClass
    public var requesterName: String?
    /// `answered` or `refused`
    public var outcome: String
    public var refusals: [String]
    /// SHA-256 of the content sent, when it was answered
    public var contentDigest: String?

    public init(
        at: String, fromCity: String, requestId: String, facilityId: String?, actor: String?, kind: CertificateKind, subjectId: Int64?,
        requesterClass: RequesterClass, requesterName: String?, outcome: String, refusals: [String], contentDigest: String?
    ) {
        self.at = at
        self.fromCity = fromCity
        self.requestId = requestId
        self.facilityId = facilityId
        self.actor = actor
        self.kind = kind
        self.subjectId = subjectId
        self.requesterClass = requesterClass
        self.requesterName = requesterName
        self.outcome = outcome
        self.refusals = refusals
        self.contentDigest = contentDigest
    }
}

/// The registry's facts a rule needs, read inside the use case's transaction.
public protocol RegistryFacts {
    func city() throws -> CityInfo
    func facilityExists(_ id: String) throws -> Bool
    /// What eligibility needs about a person on a date (住基法 §12, §12の2, §12の3 and 戸籍法 §10 decide on these); nil
    /// when there is no such person.
    func subjectFacts(id: Int64, on date: CivilDate, request: CertificateRequest) throws -> SubjectFacts?
    /// What a certificate prints for an approved request; nil when the records lack it.
    func certificateSource(_ request: CertificateRequest) throws -> CertificateSource?
    func seal(registrationNumber: String) throws -> SealRegistration?
    /// The ids of people of this search key (variants folded) and birth date, at most `limit`: current residents, or
    /// (`current == false`) anyone recorded in a 戸籍 kept here.
    func people(searchKey: String, born: CivilDate, current: Bool, limit: Int) throws -> [Int64]
    /// The names (family, given) of everyone of this birth date recorded (除籍 included) in the 戸籍 of `residentId`.
    func registerMembers(born: CivilDate, inRegisterOf residentId: Int64) throws -> [(familyName: String, givenName: String)]
    /// A card of another city registered here (本籍地利用登録), still in force.
    func isHonsekiCard(serial: String) throws -> Bool
    /// The medium of one of this city's certificates (card or smartphone); nil for another city's card.
    func cardMedium(serial: String) throws -> CertificateMedium?
}

/// Certificates, the hash-chained ledger that records them, the document-signing keys and idempotency keys.
public protocol CertificateBook {
    /// Appends to the ledger in this transaction: the entry commits with what it records, or neither does.
    func appendLedger(_ record: LedgerRecord) throws -> LedgerEntry
    /// The sequence the next appended entry gets (the serial number a certificate prints).
    func nextLedgerSequence() throws -> Int64
    func ledgerRecord(sequence: Int64) throws -> LedgerRecord?
    func verifyLedger() throws -> LedgerVerification
    /// The active document-signing key, opened.
    func activeSigningKey(at: String) throws -> SigningKey
    func publishedKeys() throws -> JWKSet
    func setUpSigning(now: Date) throws
    func rotateSigningKey(at: String) throws -> String
    /// The PDF signing keys (電子交付), opened; nil before setup.
    func documentKeyring() throws -> DocumentKeyring?
    /// The document authority's certificate (public; no key is opened).
    func documentAuthority() throws -> Certificate?
    /// Retires the current signing and timestamping keys and makes new ones; the new signer's serial.
    func rotateDocumentKeys(now: Date) throws -> String
    /// Records a certificate; `contentJSON`, when given, is its content's canonical JSON already made for the digest
    /// (made again from the content otherwise).
    /// Appends a read to the access log inside this transaction, flagged when it shows anyone under 支援措置 on `day`.
    func appendAccess(_ record: AccessRecord, flagProtectedOn day: CivilDate) throws
    func insertCertificate(_ certificate: StoredCertificate, contentJSON: Data?) throws
    func certificate(id: String) throws -> StoredCertificate?
    func certificateId(ledgerSequence: Int64) throws -> String?
    func setCertificateStatus(id: String, _ status: CertificateStatus, supersededBy: String?) throws
    /// 本人通知: a notice to a registered person that a certificate showing them was issued.
    func addHolderNotice(residentId: Int64, certificateId: String, requesterClass: RequesterClass, at: String) throws
    func hasHolderNotice(certificateId: String) throws -> Bool
    func idempotency(key: String) throws -> IdempotencyRecord?
    func rememberIdempotency(key: String, digest: String, ledgerSequence: Int64, at: String) throws
}

/// Store kiosk sessions. Every change names the state it read: it applies only if the row is still in that state.
public protocol KioskSessionBook {
    func kioskSession(_ requestId: String) throws -> KioskSessionRecord?
    func insertKioskSession(_ session: KioskSessionRecord) throws
    /// Writes `session` over its row if the row is still in `expected`; false (nothing written) if it moved on.
    func updateKioskSession(_ session: KioskSessionRecord, expected: KioskSessionState) throws -> Bool
    /// Open sessions (started, authenticated, issued) whose deadline passed before `ms`, oldest first.
    func expiredKioskSessions(beforeMs ms: Int64, limit: Int) throws -> [KioskSessionRecord]
    /// Completed sessions with `completedAt` in [from, to).
    func kioskSettlement(from: String, to: String) throws -> [KioskSettlementRow]
}

/// What the counter keeps itself (支援措置, seals, 本人通知 registrations) and its append-only record of procedures.
public protocol CounterRecordBook {
    func resident(id: Int64) throws -> (birthDate: CivilDate, removed: Bool)?
    func supportMeasure(id: Int64) throws -> SupportMeasureRecord?
    func supportMeasures(subjectId: Int64) throws -> [SupportMeasureRecord]
    func insertSupportMeasure(_ measure: SupportMeasure, state: SupportMeasureState) throws -> Int64
    func updateSupportMeasure(id: Int64, state: SupportMeasureState, term: ClosedRange<CivilDate>, endedOn: CivilDate?) throws
    func setForwarding(supportMeasure id: Int64, honsekiCity: String?, pending: Bool) throws
    func pendingForwards() throws -> [SupportMeasureRecord]
    func registerIdentity(residentId: Int64) throws -> (domicile: String, head: String, name: String, birth: CivilDate)?
    func registerMember(domicile: String, head: String, name: String, birth: CivilDate) throws -> Int64?
    func keepForwarded(_ measure: ForwardedSupportMeasure, from city: String, memberId: Int64, at: String) throws
    func logForwarded(_ measure: ForwardedSupportMeasure, from city: String, memberId: Int64?, outcome: String, at: String) throws
    func logProcedure(
        _ procedure: RegistryProcedureKind, residentId: Int64, actor: String, facilityId: String?, at: String, detail: [String: String]
    ) throws
    func procedureHistory(residentId: Int64) throws -> [ProcedureRecord]
    func activeSeal(residentId: Int64) throws -> SealRegistration?
    func nextSealNumber(year: Int) throws -> String
    func insertSeal(_ seal: SealRegistration) throws
    func abolishSeal(number: String, on date: CivilDate) throws
    func activeHolderNotification(residentId: Int64) throws -> HolderNotificationRegistration?
    func insertHolderNotification(_ registration: HolderNotificationRegistration) throws
    func endHolderNotification(id: Int64, on date: CivilDate) throws
    /// 広域交付: the keeping city's record of a query it answered or refused (who asked, from where, what was sent).
    func logWideAreaQuery(_ log: WideAreaQueryLog) throws
}

/// One transaction over the window's records, for a use case that reads facts, applies its rules and writes, all or
/// nothing (issuance: the ledger entry, the certificate and the idempotency key commit together). The methods are
/// synchronous so that a use case keeps its shape on either engine; an engine runs the body where blocking is
/// harmless (GRDB's writer queue; for a network engine, a thread of its own, never the cooperative pool).
public typealias WindowTransaction = RegistryFacts & CertificateBook & KioskSessionBook & CounterRecordBook
