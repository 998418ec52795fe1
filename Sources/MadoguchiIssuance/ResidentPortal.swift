import Foundation
import MadoguchiDomain
import MadoguchiPKI
import MadoguchiStore

/// 住民向けアクセス記録: a resident signs in with the card (利用者証明用電子証明書: the card signs a one-time
/// challenge after its PIN, as at a store kiosk) and sees who used their data: every read by staff and every
/// certificate about them, with when, where and why, but not which member of staff (`ResidentAccess` says what is
/// left out and why).
public struct ResidentPortal: Sendable {
    let database: MadoguchiDatabase
    let store: any ResidentSignInStore
    let clock: MadoguchiClock
    let foreignCards: ForeignCards

    /// A challenge is answered within two minutes, once.
    public static let challengeSeconds: TimeInterval = 120
    /// A resident's session lasts fifteen minutes.
    public static let sessionSeconds: TimeInterval = 15 * 60

    /// `relay`: how a card registered here by another city (本籍地利用登録) is checked with that city.
    public init(database: MadoguchiDatabase, clock: MadoguchiClock = .system, relay: (any WideAreaRelay)? = nil) {
        self.database = database
        self.store = database.residentSignIn
        self.clock = clock
        self.foreignCards = ForeignCards(database: database, relay: relay)
    }

    /// A fresh challenge for the card to sign: a `CardChallenge` for this page (purpose `resident`), this city and
    /// this challenge id, so a kiosk's challenge can never be passed off as this page's, nor this one's at a kiosk.
    public func challenge() async throws -> (id: String, challenge: CardChallenge) {
        let id = StaffPasswords.secret(bytes: 18)
        let nonce = CardChallenge.freshNonce()
        let expires = LedgerRecord.timestamp(clock.now().addingTimeInterval(Self.challengeSeconds))
        let stale = LedgerRecord.timestamp(clock.now().addingTimeInterval(-3600))
        try await store.saveChallenge(id: id, nonce: Data(nonce), expiresAt: expires, purgeBefore: stale)
        return (id, CardChallenge(purpose: .resident, cityCode: try await database.city().code, sessionId: id, nonce: Data(nonce)))
    }

    /// Checks the card's answer: the challenge must be this server's, unused and unexpired (it is spent whatever the
    /// outcome), and the certificate this city's (or registered here for its 戸籍), valid and not revoked.
    public func signIn(challengeId: String, certificatePEM: String, signature: Data) async throws -> (secret: String, residentId: Int64) {
        let now = clock.now()
        let at = LedgerRecord.timestamp(now)
        // Spent whatever the outcome: a challenge answers once, and only before it expires.
        let stored = try await store.spendChallenge(id: challengeId, at: at)
        guard let stored, stored.usedAt == nil, stored.expiresAt > at else {
            throw MadoguchiError(
                .residentChallengeInvalid, ja: "確認の有効期限が切れたか、既に使われています。もう一度お試しください",
                en: "The challenge is unknown, expired or already used; start again")
        }
        let challenge = CardChallenge(purpose: .resident, cityCode: try await database.city().code, sessionId: challengeId, nonce: stored.nonce).bytes
        let (serial, residentId) = try await database.cards.authenticate(
            certificatePEM: certificatePEM, challenge: challenge, signature: signature, now: now)
        try await foreignCards.check(serial: serial)
        let secret = StaffPasswords.secret()
        let expires = LedgerRecord.timestamp(now.addingTimeInterval(Self.sessionSeconds))
        try await store.openSession(tokenHash: StaffPasswords.fingerprint(secret), residentId: residentId, cardSerial: serial, at: at, expiresAt: expires)
        return (secret, residentId)
    }

    /// Whose session this is, while it lasts.
    public func resident(session secret: String) async throws -> Int64? {
        let at = LedgerRecord.timestamp(clock.now())
        let hash = StaffPasswords.fingerprint(secret)
        return try await store.resident(tokenHash: hash, at: at)
    }

    public func signOut(_ secret: String) async throws {
        let at = LedgerRecord.timestamp(clock.now())
        let hash = StaffPasswords.fingerprint(secret)
        try await store.endSession(tokenHash: hash, at: at)
    }

    /// What the resident sees, newest first.
    public func lines(residentId: Int64) async throws -> [ResidentAccessLine] {
        let today = clock.today
        return try await store.accessLines(residentId: residentId, on: today)
    }
}

extension MadoguchiError.Code {
    public static let residentChallengeInvalid = Self("resident.challengeInvalid")
}
