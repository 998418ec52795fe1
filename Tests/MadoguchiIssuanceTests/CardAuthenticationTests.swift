import Foundation
import GRDB
import Testing
import X509
import _CryptoExtras

@testable import MadoguchiDomain
@testable import MadoguchiPKI
@testable import MadoguchiStore

@Suite("カードによる本人確認")
struct CardAuthenticationTests {
    static let now = Date(timeIntervalSince1970: 1_795_482_000)  // 2026-11-24 10:00 JST

    static func issued(_ city: City) throws -> (SoftwareCard, Int64) {
        let resident = try city.fullSubject()
        let card = try city.db.writer.write { db in try Cards.issue(db, residentId: resident, pin: "1234", now: Self.now, keys: city.db.keys) }
        return (card, resident)
    }

    static func errorCode(_ body: () async throws -> Void) async -> String? {
        do {
            try await body()
            return nil
        } catch let error as MadoguchiError {
            return error.code.rawValue
        } catch {
            return "\(error)"
        }
    }

    @Test("the card's signature over a fresh challenge identifies the resident")
    func authenticates() async throws {
        let city = try City()
        var (card, resident) = try Self.issued(city)
        let challenge = Data((0..<32).map { _ in UInt8.random(in: 0...255) })
        let signature = try card.sign(challenge: challenge, pin: "1234")
        let who = try await Cards.authenticate(city.db, certificatePEM: card.certificatePEM, challenge: challenge,
                                               signature: signature, now: Self.now)
        #expect(who.residentId == resident)
        #expect(who.serial == card.serial)
    }

    @Test("a signature over another challenge, a revoked card, an expired one, a stranger's CA and garbage are each refused")
    func refusals() async throws {
        let city = try City()
        var (signer, _) = try Self.issued(city)
        let challenge = Data("challenge-1".utf8)
        let signature = try signer.sign(challenge: challenge, pin: "1234")
        let card = signer
        #expect(await Self.errorCode {
            _ = try await Cards.authenticate(city.db, certificatePEM: card.certificatePEM, challenge: Data("challenge-2".utf8),
                                             signature: signature, now: Self.now)
        } == "card.badSignature")
        // Past the fifth birthday.
        #expect(await Self.errorCode {
            _ = try await Cards.authenticate(city.db, certificatePEM: card.certificatePEM, challenge: challenge,
                                             signature: signature, now: Self.now.addingTimeInterval(6 * 366 * 86_400))
        } == "card.expired")
        // A certificate from another authority, with a valid signature of its own.
        let strangerCA = try CardAuthority.create(organization: "偽市", now: Self.now)
        let key = try _RSA.Signing.PrivateKey(keySize: .bits2048)
        let forged = try strangerCA.issueCardCertificate(cardKey: key.publicKey, serial: card.serial, notBefore: Self.now,
                                                         notAfter: Self.now.addingTimeInterval(86_400))
        var fakeSigner = try SoftwareCard(serial: card.serial, cityCode: "149802", certificate: forged, key: key, pin: "0000")
        let fakeSignature = try fakeSigner.sign(challenge: challenge, pin: "0000")
        let fake = fakeSigner
        #expect(await Self.errorCode {
            _ = try await Cards.authenticate(city.db, certificatePEM: fake.certificatePEM, challenge: challenge,
                                             signature: fakeSignature, now: Self.now)
        } == "card.untrusted")
        #expect(await Self.errorCode {
            _ = try await Cards.authenticate(city.db, certificatePEM: "not a certificate", challenge: challenge,
                                             signature: signature, now: Self.now)
        } == "card.malformed")
        // Revoked at the counter.
        let serial = card.serial
        try await city.db.writer.write { db in try Cards.revoke(GRDBSession(db: db), serial: serial, reason: .keyCompromise, at: "2026-11-24T11:00:00.000+09:00") }
        #expect(await Self.errorCode {
            _ = try await Cards.authenticate(city.db, certificatePEM: card.certificatePEM, challenge: challenge,
                                             signature: signature, now: Self.now)
        } == "card.revoked")
        let status = try await city.db.writer.read { db in try Cards.status(GRDBSession(db: db), serial: serial, on: CivilDate(year: 2026, month: 11, day: 24)!) }
        #expect(status.status == "revoked")
        #expect(status.reason == "keyCompromise")
    }

    @Test("a card cannot be issued for a 除票 or with a malformed PIN")
    func issueRefusals() throws {
        let city = try City()
        let removed = try city.id("SELECT id FROM resident WHERE removedOn IS NOT NULL LIMIT 1")
        #expect(throws: MadoguchiError.self) { try city.db.writer.write { db in try Cards.issue(db, residentId: removed, pin: "1234", now: Self.now, keys: city.db.keys) } }
        let current = try city.fullSubject()
        #expect(throws: MadoguchiError.self) { try city.db.writer.write { db in try Cards.issue(db, residentId: current, pin: "12345", now: Self.now, keys: city.db.keys) } }
    }
}
