import Crypto
import Foundation
import SwiftASN1
@_spi(FixedExpiryValidationTime) import X509
import _CryptoExtras

/// The card authority (JPKI model): an RSA-2048 CA that issues 利用者証明用電子証明書 — RSA-2048,
/// SHA256withRSA, no personal data (the subject is the card serial), valid to the holder's fifth
/// birthday after issue.
public struct CardAuthority: Sendable {
    public let certificate: Certificate
    let key: _RSA.Signing.PrivateKey

    public static let caName = "Madoguchi Card Authority (demo)"

    /// A new self-signed CA, valid 20 years.
    public static func create(organization: String, now: Date) throws -> CardAuthority {
        let key = try _RSA.Signing.PrivateKey(keySize: .bits2048)
        let certificate = try Certificate.selfSignedAuthority(
            organization: organization, commonName: caName, key: Certificate.PrivateKey(key), algorithm: .sha256WithRSAEncryption, now: now)
        return CardAuthority(certificate: certificate, key: key)
    }

    /// Loads a CA kept as DER (certificate) and PKCS#1 DER (key).
    public init(certificateDER: [UInt8], privateKeyDER: [UInt8]) throws {
        certificate = try Certificate(derEncoded: certificateDER)
        key = try _RSA.Signing.PrivateKey(derRepresentation: privateKeyDER)
    }

    init(certificate: Certificate, key: _RSA.Signing.PrivateKey) {
        self.certificate = certificate
        self.key = key
    }

    public var certificateDER: [UInt8] { (try? certificate.derBytes()) ?? [] }

    public var privateKeyDER: [UInt8] { Array(key.derRepresentation) }

    public var certificatePEM: String { (try? certificate.serializeAsPEM().pemString) ?? "" }

    /// A card certificate for a card key, named only by the card's serial.
    public func issueCardCertificate(cardKey: _RSA.Signing.PublicKey, serial: String, notBefore: Date, notAfter: Date) throws
        -> Certificate
    {
        let subject = try DistinguishedName {
            CountryName("JP")
            OrganizationName("JPKI (demo)")
            CommonName(serial)
        }
        return try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(bytes: Array(serial.utf8.suffix(20))),
            publicKey: Certificate.PublicKey(cardKey), notValidBefore: notBefore, notValidAfter: notAfter,
            issuer: certificate.subject, subject: subject, signatureAlgorithm: .sha256WithRSAEncryption,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.notCertificateAuthority)
                Critical(KeyUsage(digitalSignature: true))
                try ExtendedKeyUsage([.clientAuth])
                AuthorityKeyIdentifier(keyIdentifier: try certificate.extensions.subjectKeyIdentifier?.keyIdentifier)
                SubjectKeyIdentifier(hash: Certificate.PublicKey(cardKey))
            },
            issuerPrivateKey: Certificate.PrivateKey(key))
    }
}

/// A My Number card in software, for the simulator and tests: its key and certificate, and the PIN that
/// guards them. It signs a challenge only after the right PIN; three wrong tries lock it (the count lives
/// in the card, as on the chip).
public struct SoftwareCard: Codable, Sendable {
    public var serial: String
    /// The city whose card this is (全国地方公共団体コード), for the hub's routing
    public var cityCode: String
    public var certificatePEM: String
    var privateKeyPEM: String
    var pinSalt: String
    var pinHash: String
    public var pinFailures: Int
    /// `card` (the My Number card) or `smartphone` (スマホ用電子証明書); files from before issue 12 are cards
    public var medium: String
    /// A smartphone's certificate may also be unlocked by the phone's own biometrics (指紋・顔認証), enrolled on the
    /// phone; a card has no such unlock.
    public var biometric: Bool

    enum CodingKeys: String, CodingKey {
        case serial, cityCode, certificatePEM, privateKeyPEM, pinSalt, pinHash, pinFailures, medium, biometric
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        serial = try c.decode(String.self, forKey: .serial)
        cityCode = try c.decode(String.self, forKey: .cityCode)
        certificatePEM = try c.decode(String.self, forKey: .certificatePEM)
        privateKeyPEM = try c.decode(String.self, forKey: .privateKeyPEM)
        pinSalt = try c.decode(String.self, forKey: .pinSalt)
        pinHash = try c.decode(String.self, forKey: .pinHash)
        pinFailures = try c.decode(Int.self, forKey: .pinFailures)
        medium = try c.decodeIfPresent(String.self, forKey: .medium) ?? "card"
        biometric = try c.decodeIfPresent(Bool.self, forKey: .biometric) ?? false
    }

    public enum CardError: Error, Sendable, Hashable, CustomStringConvertible {
        case wrongPIN(triesLeft: Int)
        case locked
        case malformedPIN
        /// The phone did not recognise the finger or face; the PIN is still there
        case biometricMismatch
        /// Biometric unlock on a card, or on a phone where none is enrolled
        case biometricUnavailable

        public var description: String {
            switch self {
            case .wrongPIN(let left): "wrong PIN (\(left) tries left)"
            case .locked: "the card is locked: a counter must unlock it"
            case .malformedPIN: "a PIN is four digits"
            case .biometricMismatch: "the phone did not recognise the holder"
            case .biometricUnavailable: "no biometric unlock for this certificate"
            }
        }
    }

    /// How the holder unlocks the private key: the PIN (card or phone), or the phone's biometrics.
    public enum Unlock: Sendable, Hashable {
        case pin(String)
        /// The phone's own check of a finger or face; `matched` is what the phone's sensor decided
        case biometric(matched: Bool)
    }

    public static let maximumTries = 3

    public init(
        serial: String, cityCode: String, certificate: Certificate, key: _RSA.Signing.PrivateKey, pin: String, medium: String = "card"
    ) throws {
        guard pin.count == 4, pin.allSatisfy({ $0.isASCII && $0.isNumber }) else { throw CardError.malformedPIN }
        self.serial = serial
        self.cityCode = cityCode
        self.medium = medium
        self.biometric = false
        certificatePEM = try certificate.serializeAsPEM().pemString
        privateKeyPEM = key.pemRepresentation
        pinSalt = Base64URL.encode(Data((0..<16).map { _ in UInt8.random(in: 0...255) }))
        pinHash = Self.hash(pin, salt: pinSalt)
        pinFailures = 0
    }

    static func hash(_ pin: String, salt: String) -> String {
        Base64URL.encode(Data(SHA256.hash(data: Data((salt + ":" + pin).utf8))))
    }

    public var isLocked: Bool { pinFailures >= Self.maximumTries }

    public var certificate: Certificate { get throws { try Certificate(pemEncoded: certificatePEM) } }

    /// Signs a challenge (SHA256withRSA) after checking the PIN. A wrong PIN counts; the right one resets
    /// the count; a locked card refuses without comparing.
    public mutating func sign(challenge: Data, pin: String) throws -> Data {
        try sign(challenge: challenge, unlock: .pin(pin))
    }

    /// Signs a challenge after the holder unlocks the key. A phone's biometrics unlock its certificate as the PIN
    /// does; a mismatch does not count against the PIN (the phone's OS limits its own retries), and a locked
    /// certificate stays locked to both.
    public mutating func sign(challenge: Data, unlock: Unlock) throws -> Data {
        guard !isLocked else { throw CardError.locked }
        switch unlock {
        case .pin(let pin):
            guard Self.hash(pin, salt: pinSalt) == pinHash else {
                pinFailures += 1
                if isLocked { throw CardError.locked }
                throw CardError.wrongPIN(triesLeft: Self.maximumTries - pinFailures)
            }
            pinFailures = 0
        case .biometric(let matched):
            guard medium == "smartphone", biometric else { throw CardError.biometricUnavailable }
            guard matched else { throw CardError.biometricMismatch }
        }
        let key = try _RSA.Signing.PrivateKey(pemRepresentation: privateKeyPEM)
        return try key.signature(for: challenge, padding: .insecurePKCS1v1_5).rawRepresentation
    }

    /// 窓口での初期化: a clerk, after checking the holder, clears the lock.
    public mutating func unlockAtCounter() { pinFailures = 0 }

    /// Checks a card's signature over a challenge with the public key in its certificate.
    public static func verify(signature: Data, challenge: Data, certificate: Certificate) -> Bool {
        guard let key = _RSA.Signing.PublicKey(certificate.publicKey) else { return false }
        return key.isValidSignature(_RSA.Signing.RSASignature(rawRepresentation: signature), for: challenge,
                                    padding: .insecurePKCS1v1_5)
    }
}

extension Certificate {
    /// DER encoding.
    public func derBytes() throws -> [UInt8] {
        var serializer = DER.Serializer()
        try serializer.serialize(self)
        return serializer.serializedBytes
    }
}

extension CardAuthority {
    /// RFC 5280 path validation of a card certificate against this authority at an instant.
    public static func validates(card: Certificate, root: Certificate, at instant: Date) async -> Bool {
        var verifier = Verifier(rootCertificates: CertificateStore([root])) {
            RFC5280Policy(fixedExpiryValidationTime: instant)
        }
        if case .validCertificate = await verifier.validate(leaf: card, intermediates: CertificateStore()) { return true }
        return false
    }
}

/// What a card gives a resident's page after its PIN (利用者証明: the certificate and its signature over the
/// server's challenge), carried as one line a resident can paste: base64url of its JSON.
public struct CardAnswer: Codable, Sendable, Hashable {
    public var certificate: String
    public var signature: String

    public init(certificate: String, signature: Data) {
        self.certificate = certificate
        self.signature = Base64URL.encode(signature)
    }

    public var token: String { Base64URL.encode((try? JSONEncoder().encode(self)) ?? Data()) }

    /// The answer in a pasted line, or nil when it is not one.
    public static func read(_ token: String) -> (certificatePEM: String, signature: Data)? {
        guard let json = Base64URL.decode(token.trimmingCharacters(in: .whitespacesAndNewlines)),
            let answer = try? JSONDecoder().decode(Self.self, from: json), let signature = Base64URL.decode(answer.signature)
        else { return nil }
        return (answer.certificate, signature)
    }
}
