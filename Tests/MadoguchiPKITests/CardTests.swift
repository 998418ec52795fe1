import Crypto
import Foundation
import Testing
import X509
import _CryptoExtras

@testable import MadoguchiPKI

@Suite("カード（ソフトウェア）")
struct SoftwareCardTests {
    static func card() throws -> (SoftwareCard, CardAuthority) {
        let now = Date(timeIntervalSince1970: 1_795_482_000)
        let ca = try CardAuthority.create(organization: "窓口市", now: now)
        let key = try _RSA.Signing.PrivateKey(keySize: .bits2048)
        let certificate = try ca.issueCardCertificate(
            cardKey: key.publicKey, serial: "1234567890123456", notBefore: now, notAfter: now.addingTimeInterval(86_400 * 365))
        return (try SoftwareCard(serial: "1234567890123456", cityCode: "149802", certificate: certificate, key: key, pin: "1234"), ca)
    }

    @Test("the right PIN signs a challenge the certificate's key verifies; the CA signed the certificate")
    func signs() throws {
        var (card, ca) = try Self.card()
        let challenge = Data("kiosk-session-0001".utf8)
        let signature = try card.sign(challenge: challenge, pin: "1234")
        #expect(SoftwareCard.verify(signature: signature, challenge: challenge, certificate: try card.certificate))
        #expect(!SoftwareCard.verify(signature: signature, challenge: Data("another".utf8), certificate: try card.certificate))
        let certificate = try card.certificate
        #expect(certificate.issuer == ca.certificate.subject)
        #expect(certificate.signatureAlgorithm == .sha256WithRSAEncryption)
        #expect(ca.certificate.publicKey.isValidSignature(certificate.signature, for: certificate))
        #expect(!certificate.subject.description.contains("窓口"), "no personal or city data in the card's subject")
    }

    @Test("three wrong PINs lock the card; the right one is then refused; a counter unlocks it")
    func lock() throws {
        var (card, _) = try Self.card()
        let challenge = Data("c".utf8)
        #expect(throws: SoftwareCard.CardError.wrongPIN(triesLeft: 2)) { try card.sign(challenge: challenge, pin: "0000") }
        #expect(throws: SoftwareCard.CardError.wrongPIN(triesLeft: 1)) { try card.sign(challenge: challenge, pin: "1111") }
        #expect(throws: SoftwareCard.CardError.locked) { try card.sign(challenge: challenge, pin: "2222") }
        #expect(throws: SoftwareCard.CardError.locked) { try card.sign(challenge: challenge, pin: "1234") }
        // The lock survives writing the card to its file and reading it back.
        var reloaded = try JSONDecoder().decode(SoftwareCard.self, from: try JSONEncoder().encode(card))
        #expect(reloaded.isLocked)
        reloaded.unlockAtCounter()
        #expect(try !reloaded.sign(challenge: challenge, pin: "1234").isEmpty)
    }

    @Test("a phone's biometrics unlock its own certificate only: never a card's, never one without enrolment, never a locked one")
    func biometricUnlock() throws {
        var (card, _) = try Self.card()
        let challenge = Data("c".utf8)
        // A card has no biometric unlock, whatever its file says.
        card.biometric = true
        #expect(throws: SoftwareCard.CardError.biometricUnavailable) { try card.sign(challenge: challenge, unlock: .biometric(matched: true)) }
        var phone = card
        phone.medium = "smartphone"
        phone.biometric = false
        #expect(throws: SoftwareCard.CardError.biometricUnavailable) { try phone.sign(challenge: challenge, unlock: .biometric(matched: true)) }
        phone.biometric = true
        let signature = try phone.sign(challenge: challenge, unlock: .biometric(matched: true))
        #expect(SoftwareCard.verify(signature: signature, challenge: challenge, certificate: try phone.certificate))
        // A finger or face the phone does not recognise is refused and does not count against the PIN.
        for _ in 0..<5 {
            #expect(throws: SoftwareCard.CardError.biometricMismatch) { try phone.sign(challenge: challenge, unlock: .biometric(matched: false)) }
        }
        #expect(phone.pinFailures == 0)
        // Three wrong PINs lock the phone's certificate to the biometrics too; the enrolment survives the file.
        for _ in 0..<3 { _ = try? phone.sign(challenge: challenge, unlock: .pin("0000")) }
        #expect(throws: SoftwareCard.CardError.locked) { try phone.sign(challenge: challenge, unlock: .biometric(matched: true)) }
        let reloaded = try JSONDecoder().decode(SoftwareCard.self, from: try JSONEncoder().encode(phone))
        #expect(reloaded.biometric && reloaded.medium == "smartphone" && reloaded.isLocked)
    }

    @Test("the count resets only on success")
    func reset() throws {
        var (card, _) = try Self.card()
        let challenge = Data("c".utf8)
        _ = try? card.sign(challenge: challenge, pin: "0000")
        _ = try? card.sign(challenge: challenge, pin: "0000")
        _ = try card.sign(challenge: challenge, pin: "1234")
        #expect(card.pinFailures == 0)
        #expect(throws: SoftwareCard.CardError.malformedPIN) {
            try SoftwareCard(serial: "1", cityCode: "1", certificate: try card.certificate, key: _RSA.Signing.PrivateKey(keySize: .bits2048), pin: "12a4")
        }
    }
}
