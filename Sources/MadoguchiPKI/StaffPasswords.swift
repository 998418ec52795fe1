import Crypto
import Foundation
import _CryptoExtras

/// Staff passwords, kept only as a memory-hard hash (scrypt, from swift-crypto), each with its own random salt. The
/// stored form names its parameters, so stronger ones can come later without breaking older hashes:
/// `scrypt$N$r$p$salt$hash` (salt and hash in base64url).
public enum StaffPasswords {
    /// N = 2^15, r = 8, p = 1: 32 MiB and some tens of milliseconds a hash on this machine kind.
    public static let rounds = 1 << 15
    public static let blockSize = 8
    public static let parallelism = 1

    public static func hash(_ password: String) throws -> String {
        var salt = [UInt8](repeating: 0, count: 16)
        var rng = SystemRandomNumberGenerator()
        for i in salt.indices { salt[i] = UInt8.random(in: 0...255, using: &rng) }
        let key = try derive(password, salt: salt, rounds: rounds, blockSize: blockSize, parallelism: parallelism)
        return ["scrypt", String(rounds), String(blockSize), String(parallelism), Base64URL.encode(Data(salt)), Base64URL.encode(key)]
            .joined(separator: "$")
    }

    /// Whether `password` matches a stored hash (compared in constant time). A malformed hash matches nothing.
    public static func verify(_ password: String, against stored: String) -> Bool {
        let parts = stored.split(separator: "$").map(String.init)
        guard parts.count == 6, parts[0] == "scrypt", let n = Int(parts[1]), let r = Int(parts[2]), let p = Int(parts[3]),
            n >= 1 << 10, n <= 1 << 20, r >= 1, r <= 32, p >= 1, p <= 4,
            let salt = Base64URL.decode(parts[4]), let expected = Base64URL.decode(parts[5]), expected.count == 32,
            let key = try? derive(password, salt: [UInt8](salt), rounds: n, blockSize: r, parallelism: p)
        else { return false }
        var difference: UInt8 = 0
        for (a, b) in zip(key, expected) { difference |= a ^ b }
        return difference == 0
    }

    static func derive(_ password: String, salt: [UInt8], rounds: Int, blockSize: Int, parallelism: Int) throws -> Data {
        let key = try KDF.Scrypt.deriveKey(
            from: Array(password.utf8), salt: salt, outputByteCount: 32, rounds: rounds, blockSize: blockSize, parallelism: parallelism)
        return key.withUnsafeBytes { Data($0) }
    }

    /// A random secret for a session, an API credential or a first password: 32 bytes, base64url.
    public static func secret(bytes: Int = 32) -> String {
        var rng = SystemRandomNumberGenerator()
        return Base64URL.encode(Data((0..<bytes).map { _ in UInt8.random(in: 0...255, using: &rng) }))
    }

    /// What is stored of a session or API secret: its SHA-256 (hex). The secret itself is never stored.
    private static let hexDigits = Array("0123456789abcdef".utf8)

    public static func fingerprint(_ secret: String) -> String {
        // Hex through a table: every staff request looks its token up by this, and `String(format:)` a byte took 3 %
        // of an issuance.
        var out = [UInt8]()
        out.reserveCapacity(64)
        for b in SHA256.hash(data: Data(secret.utf8)) {
            out.append(hexDigits[Int(b >> 4)])
            out.append(hexDigits[Int(b & 15)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
