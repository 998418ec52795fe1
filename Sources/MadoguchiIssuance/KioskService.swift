import Foundation
import MadoguchiDomain
import MadoguchiPKI
import MadoguchiStore

/// What a city offers at store kiosks, and how long a session may take.
public struct KioskPolicy: Sendable, Hashable {
    public var hours: StoreHours
    /// The kinds on this city's store menu (a subset of what the rules allow at kiosks)
    public var kinds: [CertificateKind]
    /// From session start to card, and from card to order
    public var sessionSeconds: Double
    /// From the document's delivery to the kiosk's print confirmation; later, the document is voided
    public var printSeconds: Double

    public init(
        hours: StoreHours = StoreHours(),
        kinds: [CertificateKind] = [
            .residentRecordCopy, .residentRecordExtract, .sealRegistrationCertificate, .taxCertificate, .familyRegisterFull,
            .familyRegisterIndividual, .familyRegisterAnnex,
        ],
        sessionSeconds: Double = 180, printSeconds: Double = 60
    ) {
        self.hours = hours
        self.kinds = kinds
        self.sessionSeconds = sessionSeconds
        self.printSeconds = printSeconds
    }
}

/// The store kiosk protocol at the city (コンビニ交付): session → challenge → card → order (fee paid) → document
/// → print confirmation, or abort. Every step names the request id; the card serial and the document are bound
/// to it in one row, so a document can only ever reach the session (and the card) that asked for it. A session
/// that times out or fails to print is aborted and its document voided, in the same transaction.
///
/// Binding (issue 12): the card signs a `CardChallenge` naming this city and the request id, so its signature is
/// good for this session only. The card step answers with a session secret (kept here only as its SHA-256);
/// quote, order, print confirmation and abort after the card need it. Knowing the request id and the card's
/// serial, which the hub and the store see, is not enough to order, receive a document or abort.
public struct KioskService: Sendable {
    public let issuance: IssuanceService
    public let policy: KioskPolicy
    let database: MadoguchiDatabase
    let clock: MadoguchiClock
    let foreignCards: ForeignCards

    /// `relay`: how a card registered here by another city (本籍地利用登録) is checked with that city at the card step.
    public init(issuance: IssuanceService, policy: KioskPolicy = KioskPolicy(), relay: (any WideAreaRelay)? = nil) {
        self.issuance = issuance
        self.policy = policy
        self.database = issuance.database
        self.clock = issuance.clock
        self.foreignCards = ForeignCards(database: issuance.database, relay: relay)
    }

    // MARK: Menu and hours

    public func menu() async throws -> KioskMenu {
        let now = clock.now()
        let today = JapanTime.date(of: now)
        let city = try await database.snapshot(async: { tx in try tx.city() })
        let closure = policy.hours.closure(at: now)
        let items = policy.kinds.compactMap { kind -> KioskMenuItem? in
            guard Eligibility.kindsByChannel[.kiosk]?.contains(kind) == true,
                let rule = issuance.fees.rule(for: kind, at: .kiosk, on: today)
            else { return nil }
            return KioskMenuItem(
                kind: kind, nameJa: kind.japanese, nameEn: kind.english, feeYen: rule.yen, feeLabel: rule.label,
                fiscalYear: kind == .taxCertificate ? Self.taxYear(today).startYear : nil)
        }
        return KioskMenu(
            cityCode: city.code, cityName: city.name, open: closure == nil, closure: closure?.rawValue,
            messageJa: closure?.japanese, messageEn: closure?.english, items: items)
    }

    /// The assessment year a store prints: the current 年度's (assessed in June) from June, the previous before.
    static func taxYear(_ today: CivilDate) -> FiscalYear {
        FiscalYear(today.month >= 6 ? today.year : today.year - 1)
    }

    func checkOpen(_ now: Date) throws {
        if let closure = policy.hours.closure(at: now) {
            throw MadoguchiError(.kioskClosed, ja: closure.japanese, en: closure.english)
        }
    }

    // MARK: The steps

    /// Starts a session for a request id the kiosk made, with a fresh challenge. A retry of the same start
    /// returns the same session; a request id is never reused for anything else.
    public func start(requestId: String, chain: String, store: String) async throws -> KioskSessionView {
        try Self.checkRequestId(requestId)
        guard (1...100).contains(chain.count), (1...100).contains(store.count) else {
            throw MadoguchiError(.badKioskRequest, ja: "店舗の指定が正しくありません", en: "The store chain and store id are required")
        }
        let now = clock.now()
        try checkOpen(now)
        let at = LedgerRecord.timestamp(now)
        let expires = Self.ms(now) + Int64(policy.sessionSeconds * 1000)
        let secret = CardChallenge.freshNonce()
        return try await database.transaction(async: { tx in
            if let existing = try tx.kioskSession(requestId) {
                guard existing.chain == chain, existing.store == store, existing.state == .started else { throw Self.reused(requestId) }
                return try Self.view(tx, existing, withChallenge: true)
            }
            let session = KioskSessionRecord(
                requestId: requestId, chain: chain, store: store, challenge: Data(secret), state: .started, createdAt: at,
                updatedAt: at, expiresAtMs: expires)
            try tx.insertKioskSession(session)
            return try Self.view(tx, session, withChallenge: true)
        })
    }

    /// The card's certificate and its signature over the session's challenge (made on the card after the PIN).
    /// The signed bytes are rebuilt here from this city's code, the request id and the stored nonce, so a
    /// signature made for another session or city does not verify. The answer carries the session secret; a
    /// retry of the same card gets a new one and the old one stops working (only the latest answer was received).
    public func authenticate(requestId: String, certificatePEM: String, signature: Data) async throws -> KioskSessionView {
        let now = clock.now()
        let challenge = try await database.snapshot(async: { tx -> Data in
            let nonce = try Self.open(tx, requestId, now: now).challenge
            return CardChallenge(purpose: .kiosk, cityCode: try tx.city().code, sessionId: requestId, nonce: nonce).bytes
        })
        let (serial, residentId) = try await database.cards.authenticate(
            certificatePEM: certificatePEM, challenge: challenge, signature: signature, now: now)
        try await foreignCards.check(serial: serial)
        let at = LedgerRecord.timestamp(now)
        let expires = Self.ms(now) + Int64(policy.sessionSeconds * 1000)
        let secret = StaffPasswords.secret()
        let secretHash = StaffPasswords.fingerprint(secret)
        return try await database.transaction(async: { tx in
            var session = try Self.open(tx, requestId, now: now)
            let state = session.state
            switch state {
            case .started:
                session.state = try KioskSessionWorkflow.require(from: state, .card)
                session.cardSerial = serial
                session.residentId = residentId
                session.secretHash = secretHash
                session.expiresAtMs = expires
                session.medium = try tx.cardMedium(serial: serial) ?? .card
            case .authenticated where session.cardSerial == serial:
                // A retry of the same card: a new secret replaces the one whose answer was lost.
                session.secretHash = secretHash
            case .authenticated:
                throw Self.cardMismatch()
            default:
                _ = try KioskSessionWorkflow.require(from: state, .card)
            }
            session.updatedAt = at
            guard try tx.updateKioskSession(session, expected: state) else { throw Self.reused(requestId) }
            var view = try Self.view(tx, session)
            view.sessionSecret = secret
            return view
        })
    }

    public typealias Order = KioskOrder

    func submission(_ order: Order, residentId: Int64, today: CivilDate, medium: CertificateMedium? = nil) throws -> IssuanceService.Submission {
        guard policy.kinds.contains(order.kind) else {
            throw RefusalReason.kindNotAtChannel.error
        }
        var options = CertificateOptions(
            scope: order.scope ?? .individual, items: Set(order.items ?? []), copies: order.copies)
        if order.kind == .taxCertificate { options.fiscalYear = FiscalYear(order.fiscalYear ?? Self.taxYear(today).startYear) }
        return IssuanceService.Submission(
            kind: order.kind, subjectId: residentId,
            requester: Requester(.self, residentId: residentId, identityDocuments: [.myNumberCard]),
            channel: .kiosk, options: options, medium: medium)
    }

    /// The fee for a choice, or the refusal, before the resident pays. Records nothing.
    public func quote(requestId: String, cardSerial: String, sessionSecret: String?, order: Order) async throws
        -> (EligibilityDecision, KioskSessionView)
    {
        let now = clock.now()
        let today = JapanTime.date(of: now)
        let service = self
        return try await database.snapshot(async: { tx in
            let session = try Self.open(tx, requestId, now: now)
            try Self.checkSecret(session, sessionSecret)
            let residentId = try Self.checkCard(session, cardSerial, state: .authenticated)
            try Self.checkHonseki(tx, cardSerial, order.kind)
            let submission = try service.submission(order, residentId: residentId, today: today)
            let request = CertificateRequest(
                kind: submission.kind, subjectId: submission.subjectId, requester: submission.requester,
                channel: .kiosk, options: submission.options, date: today)
            let decision = Eligibility.evaluate(
                request, facts: try tx.subjectFacts(id: submission.subjectId, on: today, request: request), fees: service.issuance.fees)
            return (decision, try Self.view(tx, session))
        })
    }

    /// Issues the chosen certificate to the card's holder once the fee is paid: the ledger entry, the
    /// certificate and the session's document binding in one transaction. A retry returns the same
    /// document; a refusal is recorded in the ledger and ends the session.
    public func order(requestId: String, cardSerial: String, sessionSecret: String?, order: Order, paidYen: Int) async throws
        -> KioskOrderOutcome
    {
        let now = clock.now()
        let at = LedgerRecord.timestamp(now)
        let today = JapanTime.date(of: now)
        let printBy = Self.ms(now) + Int64(policy.printSeconds * 1000)
        let service = self
        return try await database.transaction(async: { tx -> KioskOrderOutcome in
            var session = try Self.existing(tx, requestId)
            try Self.checkSecret(session, sessionSecret)
            let state = session.state
            if state == .issued || state == .refused {
                // A retry of the order whose answer was lost: the same outcome, nothing recorded again.
                _ = try Self.checkCard(session, cardSerial, state: state)
                guard session.kind == order.kind, session.copies == order.copies else { throw Self.reused(requestId) }
                return try Self.outcome(tx, session)
            }
            _ = try Self.open(tx, requestId, now: now)
            let residentId = try Self.checkCard(session, cardSerial, state: .authenticated)
            try Self.checkHonseki(tx, cardSerial, order.kind)
            let submission = try service.submission(order, residentId: residentId, today: today, medium: session.medium ?? .card)
            let outcome = try service.issuance.transaction(
                tx, submission, idempotencyKey: "kiosk:\(requestId)", actor: Self.actor(session),
                at: at, today: today, requestDigest: try submission.digest(), fees: service.issuance.fees)
            session.kind = order.kind
            session.copies = order.copies
            session.updatedAt = at
            switch outcome {
            case .issued(let certificate, _):
                guard certificate.feeYen == paidYen else {
                    throw MadoguchiError(
                        .kioskPaymentMismatch, ja: "お支払い額（\(paidYen)円）が手数料（\(certificate.feeYen)円）と一致しません",
                        en: "Paid \(paidYen) yen; the fee is \(certificate.feeYen) yen")
                }
                session.state = try KioskSessionWorkflow.require(from: state, .issue)
                session.feeYen = certificate.feeYen
                session.documentId = certificate.id
                session.expiresAtMs = printBy
            case .refused(let reasons, _):
                session.state = try KioskSessionWorkflow.require(from: state, .refuse)
                session.refusals = reasons.map(\.code).joined(separator: ",")
            }
            guard try tx.updateKioskSession(session, expected: state) else { throw Self.reused(requestId) }
            return try Self.outcome(tx, session)
        })
    }

    /// What an ordered session came to: issued (its document waits for the print), or refused with the reasons.
    static func outcome(_ tx: any WindowTransaction, _ session: KioskSessionRecord) throws -> KioskOrderOutcome {
        let view = try Self.view(tx, session)
        guard view.state == .refused else { return .issued(view) }
        let codes = session.refusals ?? ""
        return .refused(view, codes.split(separator: ",").compactMap { RefusalReason(code: String($0)) })
    }

    /// The document of an issued session as a PDF, only to the session's own card, and only before the
    /// print deadline.
    public func document(requestId: String, cardSerial: String, sessionSecret: String?) async throws -> (IssuedCertificate, [UInt8]) {
        let now = clock.now()
        let documentId = try await database.snapshot(async: { tx -> String in
            let session = try Self.open(tx, requestId, now: now)
            try Self.checkSecret(session, sessionSecret)
            _ = try Self.checkCard(session, cardSerial, state: .issued)
            return try Self.document(of: session)
        })
        return try await issuance.document(async: documentId)
    }

    /// The document has been rendered and is on its way: the print deadline runs from now, not from the
    /// order (under load the rendering queue must not eat the kiosk's printing time).
    public func delivered(requestId: String, documentId: String) async throws {
        let printBy = Self.ms(clock.now()) + Int64(policy.printSeconds * 1000)
        try await database.transaction(async: { tx in
            guard var session = try tx.kioskSession(requestId), session.documentId == documentId, session.state == .issued,
                session.expiresAtMs < printBy
            else { return }
            session.expiresAtMs = printBy
            _ = try tx.updateKioskSession(session, expected: .issued)
        })
    }

    /// The kiosk printed the document: the session completes and counts for settlement. Too late (after the
    /// print deadline) and the document has been, or is now, voided.
    public func printed(requestId: String, cardSerial: String, sessionSecret: String?, documentId: String) async throws
        -> KioskSessionView
    {
        let now = clock.now()
        let at = LedgerRecord.timestamp(now)
        let view = try await database.transaction(async: { tx -> KioskSessionView in
            var session = try Self.existing(tx, requestId)
            try Self.checkSecret(session, sessionSecret)
            let state = session.state
            if state == .completed, session.documentId == documentId, session.cardSerial == cardSerial {
                return try Self.view(tx, session)
            }
            if state == .aborted, session.documentId == documentId {
                return try Self.view(tx, session)
            }
            _ = try Self.checkCard(session, cardSerial, state: .issued)
            guard session.documentId == documentId else { throw Self.cardMismatch() }
            if session.expiresAtMs < Self.ms(now) {
                // Too late: void now, in this transaction, rather than wait for the sweep.
                session = try Self.abort(tx, session, reason: "printTimeout", at: at)
            } else {
                session.state = try KioskSessionWorkflow.require(from: state, .printed)
                session.completedAt = at
                session.updatedAt = at
                guard try tx.updateKioskSession(session, expected: state) else { throw Self.reused(requestId) }
            }
            return try Self.view(tx, session)
        })
        guard view.state == .completed else {
            throw MadoguchiError(
                .kioskSessionExpired, ja: "印刷の確認が期限に間に合わなかったため、証明書は無効になりました",
                en: "The print was not confirmed in time; the certificate is void")
        }
        return view
    }

    /// Aborts a session (timeout, print failure, cancel at the kiosk): its document, if any, is voided with the
    /// reason. Aborting twice is harmless; a completed session cannot be aborted. After the card step only the
    /// holder of the session secret may abort (a stranger knowing the request id cannot void a resident's print).
    public func abort(requestId: String, sessionSecret: String?, reason: String) async throws -> KioskSessionView {
        let now = clock.now()
        let at = LedgerRecord.timestamp(now)
        let reason = String(reason.prefix(200))
        return try await database.transaction(async: { tx in
            let session = try Self.existing(tx, requestId)
            try Self.checkSecret(session, sessionSecret)
            switch session.state {
            case .completed:
                throw MadoguchiError(
                    .kioskAlreadyCompleted, ja: "印刷済みの取引は中止できません。窓口にお申し出ください",
                    en: "A printed transaction cannot be aborted; please see a counter")
            case .aborted, .refused:
                return try Self.view(tx, session)
            case .started, .authenticated, .issued:
                return try Self.view(tx, try Self.abort(tx, session, reason: reason, at: at))
            }
        })
    }

    /// Aborts every session past its deadline (run periodically and at start-up). Returns how many.
    @discardableResult
    public func sweep() async throws -> Int {
        let now = clock.now()
        let at = LedgerRecord.timestamp(now)
        return try await database.transaction(async: { tx in
            let expired = try tx.expiredKioskSessions(beforeMs: Self.ms(now), limit: 1000)
            for session in expired { _ = try Self.abort(tx, session, reason: "timeout", at: at) }
            return expired.count
        })
    }

    /// Aborts in the caller's transaction: the session, and its document voided if one was issued. Returns the session
    /// as it now stands.
    static func abort(_ tx: any WindowTransaction, _ session: KioskSessionRecord, reason: String, at: String) throws
        -> KioskSessionRecord
    {
        let state = session.state
        var aborted = session
        aborted.state = try KioskSessionWorkflow.require(from: state, .abort)
        if state == .issued, let documentId = session.documentId {
            _ = try IssuanceService.voiding(
                tx, documentId, reason: "コンビニ交付中止（\(reason)）request \(session.requestId)", at: at, actor: actor(session))
        }
        aborted.abortReason = reason
        aborted.updatedAt = at
        guard try tx.updateKioskSession(aborted, expected: state) else { throw Self.reused(session.requestId) }
        return aborted
    }

    /// Who acts for the ledger: the store the session came from.
    static func actor(_ session: KioskSessionRecord) -> String { "kiosk:\(session.chain)/\(session.store)" }

    // MARK: Settlement

    /// One line of the monthly settlement: completed sessions by store chain and kind.
    public struct SettlementLine: Sendable, Codable, Hashable {
        public var cityCode: String
        public var chain: String
        public var kind: CertificateKind
        public var sessions: Int
        public var copies: Int
        public var feeYen: Int
        /// `card` or `smartphone`: the certificate the session signed in with
        public var medium: String
    }

    /// This month (JST) on the service's clock, as settlements name it: `2026-11`.
    public var currentMonth: String { String(LedgerRecord.timestamp(clock.now()).prefix(7)) }

    /// The settlement of a month (`2026-11`, JST) from completed sessions.
    public func settlement(month: String) async throws -> [SettlementLine] {
        guard Settlement.isMonth(month) else {
            throw MadoguchiError(.badKioskRequest, ja: "月は YYYY-MM で指定してください: \(month)", en: "The month is YYYY-MM: \(month)")
        }
        return try await database.snapshot(async: { tx in
            let city = try tx.city()
            return try tx.kioskSettlement(from: month, to: month + "~").map { r in
                SettlementLine(
                    cityCode: city.code, chain: r.chain, kind: r.kind, sessions: r.sessions, copies: r.copies, feeYen: r.feeYen,
                    medium: r.medium)
            }
        })
    }

    // MARK: Rows

    static func ms(_ date: Date) -> Int64 { Int64((date.timeIntervalSince1970 * 1000).rounded()) }

    static func existing(_ tx: any WindowTransaction, _ requestId: String) throws -> KioskSessionRecord {
        guard let session = try tx.kioskSession(requestId) else {
            throw MadoguchiError(.notFound, ja: "取引が見つかりません: \(requestId)", en: "No session \(requestId)")
        }
        return session
    }

    /// A session still in progress and inside its deadline.
    static func open(_ tx: any WindowTransaction, _ requestId: String, now: Date) throws -> KioskSessionRecord {
        let session = try existing(tx, requestId)
        let state = session.state
        guard state.isOpen else {
            throw MadoguchiError(
                .kioskSessionEnded, ja: "この取引は終了しています（\(state.japanese)）", en: "This session has ended (\(state.rawValue))")
        }
        guard session.expiresAtMs >= ms(now) else {
            throw MadoguchiError(
                .kioskSessionExpired, ja: "時間切れのため取引を中止しました。はじめからやり直してください",
                en: "The session timed out; please start again")
        }
        return session
    }

    /// The step comes from the holder of the session secret issued at the card step. Before the card there is no
    /// secret (nothing personal is in the session yet); a session with a card and no secret (started before v14)
    /// accepts no further step.
    static func checkSecret(_ session: KioskSessionRecord, _ secret: String?) throws {
        if session.secretHash == nil, session.cardSerial == nil { return }
        guard let stored = session.secretHash, let secret, StaffPasswords.fingerprint(secret) == stored else {
            throw MadoguchiError(
                .kioskNotThisSession, ja: "この取引の端末からの操作ではありません", en: "The session secret of this transaction is required")
        }
    }

    /// The session's card is `serial` and it is at `expected`. Returns the card holder's resident id.
    @discardableResult
    static func checkCard(_ session: KioskSessionRecord, _ serial: String, state expected: KioskSessionState) throws -> Int64 {
        guard session.cardSerial == serial, let residentId = session.residentId else { throw cardMismatch() }
        guard session.state == expected else {
            throw MadoguchiError(
                .kioskOutOfOrder, ja: "取引の手順が正しくありません（\(session.state.japanese)）",
                en: "Out of order: the session is \(session.state.rawValue)")
        }
        return residentId
    }

    /// The document an issued session is bound to (the schema holds one for every issued session).
    static func document(of session: KioskSessionRecord) throws -> String {
        guard let id = session.documentId else {
            throw MadoguchiError(.kioskOutOfOrder, ja: "取引に証明書がありません", en: "The session has no document")
        }
        return id
    }

    /// A card from another city, registered here (本籍地利用登録), prints the 戸籍 only: its holder's other
    /// certificates come from the city where they live.
    static func checkHonseki(_ tx: any WindowTransaction, _ serial: String, _ kind: CertificateKind) throws {
        guard !kind.isFamilyRegister, try tx.isHonsekiCard(serial: serial) else { return }
        throw MadoguchiError(
            .kioskHonsekiFamilyRegisterOnly, ja: "本籍地では戸籍の証明書のみ交付できます。住民票などはお住まいの市区町村を選んでください",
            en: "At the 本籍地 only 戸籍 certificates print; choose the city you live in for the others")
    }

    static func view(_ tx: any WindowTransaction, _ session: KioskSessionRecord, withChallenge: Bool = false) throws -> KioskSessionView {
        let city = try tx.city()
        let aborted = session.state == .aborted
        return KioskSessionView(
            requestId: session.requestId, state: session.state, cityCode: city.code,
            challenge: withChallenge
                ? CardChallenge(purpose: .kiosk, cityCode: city.code, sessionId: session.requestId, nonce: session.challenge).encoded : nil,
            expiresAt: LedgerRecord.timestamp(Date(timeIntervalSince1970: Double(session.expiresAtMs) / 1000)),
            cardSerial: session.cardSerial, kind: session.kind, copies: session.copies, feeYen: session.feeYen,
            documentId: aborted ? nil : session.documentId, voidedDocumentId: aborted ? session.documentId : nil,
            medium: session.medium?.rawValue)
    }

    static func checkRequestId(_ id: String) throws {
        guard (8...100).contains(id.utf8.count), id.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-_.:".contains($0)) })
        else {
            throw MadoguchiError(
                .badKioskRequest, ja: "リクエストIDは8〜100文字の英数字で指定してください", en: "A request id is 8 to 100 letters, digits or -_.:")
        }
    }

    static func reused(_ id: String) -> MadoguchiError {
        MadoguchiError(.kioskRequestReused, ja: "このリクエストIDは別の取引に使われています: \(id)", en: "Request id \(id) belongs to another transaction")
    }

    static func cardMismatch() -> MadoguchiError {
        MadoguchiError(.kioskCardMismatch, ja: "この取引のカードではありません", en: "This is not the card of this session")
    }
}

extension MadoguchiError.Code {
    public static let kioskClosed = Self("kiosk.closed")
    public static let badKioskRequest = Self("kiosk.badRequest")
    public static let kioskRequestReused = Self("kiosk.requestIdReused")
    public static let kioskCardMismatch = Self("kiosk.cardMismatch")
    public static let kioskSessionExpired = Self("kiosk.sessionExpired")
    public static let kioskSessionEnded = Self("kiosk.sessionEnded")
    public static let kioskPaymentMismatch = Self("kiosk.paymentMismatch")
    public static let kioskAlreadyCompleted = Self("kiosk.alreadyCompleted")
    public static let kioskHonsekiFamilyRegisterOnly = Self("kiosk.honsekiFamilyRegisterOnly")
    public static let kioskNotThisSession = Self("kiosk.notThisSession")
    /// The city has no hub keys: its kiosk protocol is off
    public static let kioskNotConfigured = Self("kiosk.notConfigured")
    /// The request is not signed by a hub this city was given
    public static let kioskHubUnauthorized = Self("kiosk.hubUnauthorized")
}
