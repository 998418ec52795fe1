import Crypto
import Foundation
import GRDB
import MadoguchiDomain
import MadoguchiPKI

/// The seam where an HSM or a KMS fits: it seals the private keys the database keeps (document signing, the card
/// authority) and opens them for use. The database file alone therefore holds no usable private key.
///
/// `label` names the key's place (`signingKey:<kid>`, `cardAuthority`) and is authenticated with it, so a sealed key
/// cannot be moved to another place. A KMS implementation wraps and unwraps with the KMS's key (envelope
/// encryption); an HSM that never releases keys would sit one level up, as the signer itself (ADR 0009 §5).
public protocol KeyProtector: Sendable {
    func seal(_ plaintext: Data, label: String) throws -> Data
    func open(_ sealed: Data, label: String) throws -> Data
}

/// A key-encryption key of 256 bits kept outside the database: AES-256-GCM. A sealed key is `MK1`, the first 8 bytes
/// of SHA-256 of the key-encryption key (which key sealed it), then nonce, ciphertext and tag.
public struct MasterKey: KeyProtector {
    static let magic = Data("MK1".utf8)
    let key: SymmetricKey
    /// Which key this is, without revealing it
    public let fingerprint: Data

    public init(rawKey: Data) throws {
        guard rawKey.count == 32 else {
            throw MadoguchiError(.masterKeyInvalid, ja: "鍵暗号化鍵は32バイトです", en: "A master key is 32 bytes")
        }
        key = SymmetricKey(data: rawKey)
        fingerprint = Data(SHA256.hash(data: rawKey).prefix(8))
    }

    /// A new random key (an in-memory database's, or a new file's).
    public static func generate() -> MasterKey {
        try! MasterKey(rawKey: SymmetricKey(size: .bits256).withUnsafeBytes { Data($0) })
    }

    /// The key file's text: base64url of the 32 bytes, one line.
    public var fileText: String { key.withUnsafeBytes { Base64URL.encode(Data($0)) } + "\n" }

    public static func isSealed(_ data: Data) -> Bool { data.starts(with: magic) }

    public func seal(_ plaintext: Data, label: String) throws -> Data {
        let box = try AES.GCM.seal(plaintext, using: key, authenticating: Data(label.utf8))
        guard let combined = box.combined else { throw Self.unreadable(label) }
        return Self.magic + fingerprint + combined
    }

    public func open(_ sealed: Data, label: String) throws -> Data {
        guard Self.isSealed(sealed), sealed.count > 3 + 8 + 12 + 16 else { throw Self.unreadable(label) }
        let sealer = sealed.dropFirst(3).prefix(8)
        guard Data(sealer) == fingerprint else {
            throw MadoguchiError(
                .masterKeyMismatch, ja: "このデータベースの鍵は別の鍵暗号化鍵で保護されています（MADOGUCHI_MASTER_KEY_FILE を確認してください）",
                en: "This database's keys are sealed under another master key (check MADOGUCHI_MASTER_KEY_FILE)")
        }
        do {
            return try AES.GCM.open(try AES.GCM.SealedBox(combined: sealed.dropFirst(11)), using: key, authenticating: Data(label.utf8))
        } catch {
            throw Self.unreadable(label)
        }
    }

    static func unreadable(_ label: String) -> MadoguchiError {
        MadoguchiError(.masterKeyUnreadable, ja: "保護された鍵を開けません（\(label)）", en: "The sealed key \(label) cannot be opened")
    }

    /// The master key for a database on a server: `MADOGUCHI_MASTER_KEY` (base64url) or the file
    /// `MADOGUCHI_MASTER_KEY_FILE`, and nothing else. No key is made up beside a server's database: a second city server
    /// with a key of its own would seal keys the first cannot open, so the operator names the key for every process.
    public static func resolve(forServer environment: [String: String] = ProcessInfo.processInfo.environment) throws -> MasterKey {
        let given = environment["MADOGUCHI_MASTER_KEY"].flatMap { $0.isEmpty ? nil : $0 } != nil
            || environment["MADOGUCHI_MASTER_KEY_FILE"].flatMap { $0.isEmpty ? nil : $0 } != nil
        guard given else {
            throw MadoguchiError(
                .masterKeyInvalid,
                ja: "PostgreSQLで運用するときは MADOGUCHI_MASTER_KEY または MADOGUCHI_MASTER_KEY_FILE で鍵暗号化鍵を指定してください",
                en: "With PostgreSQL, name the master key with MADOGUCHI_MASTER_KEY or MADOGUCHI_MASTER_KEY_FILE")
        }
        return try resolve(forDatabase: "", environment: environment)
    }

    /// The master key for a database file: `MADOGUCHI_MASTER_KEY` (base64url), else the file `MADOGUCHI_MASTER_KEY_FILE`,
    /// else `<database>.key` beside it, made (readable by its owner only) when there is none yet. Production keeps the
    /// file on another volume or replaces this with a KMS.
    public static func resolve(forDatabase path: String, environment: [String: String] = ProcessInfo.processInfo.environment) throws
        -> MasterKey
    {
        if let text = environment["MADOGUCHI_MASTER_KEY"], !text.isEmpty {
            guard let raw = Base64URL.decode(text.trimmingCharacters(in: .whitespacesAndNewlines)) else {
                throw MadoguchiError(.masterKeyInvalid, ja: "MADOGUCHI_MASTER_KEY が読めません", en: "MADOGUCHI_MASTER_KEY is not base64url")
            }
            return try MasterKey(rawKey: raw)
        }
        let file = environment["MADOGUCHI_MASTER_KEY_FILE"].flatMap { $0.isEmpty ? nil : $0 } ?? path + ".key"
        if FileManager.default.fileExists(atPath: file) {
            guard let text = try? String(contentsOfFile: file, encoding: .utf8),
                let raw = Base64URL.decode(text.trimmingCharacters(in: .whitespacesAndNewlines))
            else {
                throw MadoguchiError(.masterKeyInvalid, ja: "鍵暗号化鍵のファイルを読めません: \(file)", en: "Unreadable master key file \(file)")
            }
            return try MasterKey(rawKey: raw)
        }
        let made = generate()
        guard FileManager.default.createFile(atPath: file, contents: Data(made.fileText.utf8), attributes: [.posixPermissions: 0o600])
        else {
            throw MadoguchiError(.masterKeyInvalid, ja: "鍵暗号化鍵のファイルを作れません: \(file)", en: "Cannot create the master key file \(file)")
        }
        return made
    }
}

extension MadoguchiError.Code {
    public static let masterKeyInvalid = Self("keys.masterKeyInvalid")
    public static let masterKeyMismatch = Self("keys.masterKeyMismatch")
    public static let masterKeyUnreadable = Self("keys.unreadable")
}

/// Sealing the keys a database from before v15 kept in the clear.
enum KeySealing {
    /// Seals every private key still in the clear, with SQLite's secure delete on so the old bytes are overwritten,
    /// then folds the WAL into the file. Returns how many were sealed.
    static func sealPlaintext(_ writer: any DatabaseWriter, keys: any KeyProtector) throws -> Int {
        // Every open comes here: a read finds whether anything is in the clear, so that a database already sealed
        // (all of them after their first open) takes no write lock and rewrites nothing.
        let clear = try writer.read { db in
            try Bool.fetchOne(db, sql: """
                SELECT EXISTS (SELECT 1 FROM signingKey WHERE substr(privateKey, 1, 3) <> CAST('MK1' AS BLOB))
                  OR EXISTS (SELECT 1 FROM cardAuthority WHERE substr(privateKey, 1, 3) <> CAST('MK1' AS BLOB))
                """) ?? false
        }
        guard clear else { return 0 }
        let sealed = try writer.writeWithoutTransaction { db -> Int in
            try db.execute(sql: "PRAGMA secure_delete = ON")
            defer { try? db.execute(sql: "PRAGMA secure_delete = OFF") }
            var count = 0
            try db.inTransaction {
                for row in try Row.fetchAll(db, sql: "SELECT kid, privateKey FROM signingKey") {
                    let key: Data = row["privateKey"]
                    guard !MasterKey.isSealed(key) else { continue }
                    let kid: String = row["kid"]
                    try db.execute(
                        sql: "UPDATE signingKey SET privateKey = ? WHERE kid = ?",
                        arguments: [try keys.seal(key, label: "signingKey:\(kid)"), kid])
                    count += 1
                }
                if let key = try Data.fetchOne(db, sql: "SELECT privateKey FROM cardAuthority WHERE id = 1"), !MasterKey.isSealed(key) {
                    try db.execute(sql: "UPDATE cardAuthority SET privateKey = ? WHERE id = 1", arguments: [try keys.seal(key, label: "cardAuthority")])
                    count += 1
                }
                return .commit
            }
            return count
        }
        if sealed > 0, writer is DatabasePool {
            try writer.writeWithoutTransaction { db in _ = try db.checkpoint(.truncate) }
        }
        return sealed
    }
}
