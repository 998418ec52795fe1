import Crypto
import Foundation
import Testing

@testable import MadoguchiPKI

@Suite("職員の資格情報（トークンの指紋）")
struct StaffPasswordsTests {
    @Test("a token's fingerprint is its SHA-256 in lowercase hex (FIPS 180-2's vector, and any text)")
    func fingerprint() {
        #expect(StaffPasswords.fingerprint("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(StaffPasswords.fingerprint("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        for secret in ["窓口-端末-01", "\u{0}\u{FF}", String(repeating: "x", count: 1000)] {
            let expected = SHA256.hash(data: Data(secret.utf8)).map { String(format: "%02x", $0) }.joined()
            #expect(StaffPasswords.fingerprint(secret) == expected)
        }
    }
}
