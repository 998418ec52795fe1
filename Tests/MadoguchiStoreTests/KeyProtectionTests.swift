import Foundation
import GRDB
import Testing

@testable import MadoguchiDomain
@testable import MadoguchiStore

/// Issue 12, item 5 (ADR 0009 §5): the private keys of document signing and of the card authority are sealed with a
/// key that is not in the database, and the database file is its owner's alone.
@Suite("鍵の保護（データベースの外の鍵で封印）")
struct KeyProtectionTests {
    static let now = Date(timeIntervalSince1970: 1_795_482_000)
    static let at = "2026-11-24T10:00:00.000+09:00"

    static func mode(_ path: String) throws -> Int {
        try #require(try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int)
    }

    /// Every byte SQLite keeps for a database: the file and its WAL.
    static func bytes(_ path: String) throws -> Data {
        var all = try Data(contentsOf: URL(fileURLWithPath: path))
        if let wal = try? Data(contentsOf: URL(fileURLWithPath: path + "-wal")) { all += wal }
        return all
    }

    static func city(_ path: String, keys: (any KeyProtector)? = nil) throws -> MadoguchiDatabase {
        let db = try MadoguchiDatabase.open(path: path, keys: keys)
        if try db.registry.meta("city.code") == nil {
            try db.registry.write { w in
                try w.setMeta("city.code", "149802")
                try w.setMeta("city.name", "窓口市")
                _ = try w.insert(Make.resident(household: try w.insert(Household(address: Make.address, formedOn: Make.d("2010-04-01"))), n: 1))
            }
        }
        return db
    }

    @Test("hostile: the file alone holds no usable private key; it and its key file are the owner's only; another master key opens nothing")
    func sealedAtRest() throws {
        let dir = Make.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("city.sqlite").path
        var plaintexts: [Data] = []
        do {
            let db = try Self.city(path)
            let (signing, authority) = try db.writer.write { d in
                (try SigningKeys.active(d, at: Self.at, keys: db.keys), try Cards.authority(d, at: Self.at, now: Self.now, keys: db.keys))
            }
            _ = try db.writer.write { d in try Cards.issue(d, residentId: 1, pin: "1234", now: Self.now, keys: db.keys) }
            plaintexts = [signing.privateKey.rawRepresentation, Data(authority.privateKeyDER)]
            let stored = try db.writer.read { d in
                [try Data.fetchOne(d, sql: "SELECT privateKey FROM signingKey")!, try Data.fetchOne(d, sql: "SELECT privateKey FROM cardAuthority")!]
            }
            #expect(stored.allSatisfy(MasterKey.isSealed))
            #expect(stored[0] != plaintexts[0] && stored[1] != plaintexts[1])
            try db.checkpoint()
        }
        // Neither key's bytes appear anywhere in the file or its WAL.
        let file = try Self.bytes(path)
        for key in plaintexts { #expect(file.range(of: key) == nil, "a private key lies in the database file") }
        // The file and the key file beside it are readable by their owner only.
        #expect(try Self.mode(path) == 0o600)
        #expect(try Self.mode(path + ".key") == 0o600)
        let keyText = try String(contentsOfFile: path + ".key", encoding: .utf8)
        #expect(!file.isEmpty && keyText.count > 40)

        // Opened with another master key (the file copied without its key), nothing can be signed or issued.
        let stranger = try MadoguchiDatabase.open(path: path, keys: MasterKey.generate())
        #expect(throws: MadoguchiError.self) { _ = try stranger.writer.write { d in try SigningKeys.active(d, at: Self.at, keys: stranger.keys) } }
        do { _ = try stranger.writer.write { d in try SigningKeys.active(d, at: Self.at, keys: stranger.keys) } } catch let e as MadoguchiError {
            #expect(e.code == .masterKeyMismatch)
        }
        #expect(throws: MadoguchiError.self) {
            _ = try stranger.writer.write { d in try Cards.issue(d, residentId: 1, pin: "1234", now: Self.now, keys: stranger.keys) }
        }
        // A sealed key moved to another place does not open there: the place is authenticated with it.
        let rightful = try MadoguchiDatabase.open(path: path)
        try rightful.writer.write { d in
            let sealed = try Data.fetchOne(d, sql: "SELECT privateKey FROM signingKey")!
            try d.execute(sql: "UPDATE cardAuthority SET privateKey = ?", arguments: [sealed])
        }
        do { _ = try rightful.writer.read { d in try Cards.storedAuthority(d, keys: rightful.keys) } } catch let e as MadoguchiError {
            #expect(e.code == .masterKeyUnreadable)
        }
        // With its own key the database still signs.
        #expect(try rightful.writer.write { d in try SigningKeys.active(d, at: Self.at, keys: rightful.keys) }.privateKey.rawRepresentation == plaintexts[0])
    }

    @Test("a database from before v15, its keys in the clear, has them sealed when opened, and the clear bytes are gone from the file")
    func sealsOldKeys() throws {
        let dir = Make.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("old.sqlite").path
        let master = MasterKey.generate()
        var clear = Data()
        do {
            let db = try Self.city(path, keys: master)
            let key = try db.writer.write { d in try SigningKeys.active(d, at: Self.at, keys: db.keys) }
            clear = key.privateKey.rawRepresentation
            // As an old version kept it.
            try db.writer.write { d in try d.execute(sql: "UPDATE signingKey SET privateKey = ?", arguments: [clear]) }
            try db.checkpoint()
            #expect(try Self.bytes(path).range(of: clear) != nil)
        }
        let reopened = try MadoguchiDatabase.open(path: path, keys: master)
        let stored = try reopened.writer.read { d in try Data.fetchOne(d, sql: "SELECT privateKey FROM signingKey")! }
        #expect(MasterKey.isSealed(stored))
        #expect(try reopened.writer.write { d in try SigningKeys.active(d, at: Self.at, keys: reopened.keys) }.privateKey.rawRepresentation == clear)
        #expect(try Self.bytes(path).range(of: clear) == nil, "secure delete and a checkpoint leave no clear copy")
    }

    @Test("the master key from the environment or a file elsewhere; a malformed one is a coded error")
    func masterKeySources() throws {
        let dir = Make.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let key = MasterKey.generate()
        let file = dir.appendingPathComponent("elsewhere.key").path
        try key.fileText.write(toFile: file, atomically: true, encoding: .utf8)
        let db = dir.appendingPathComponent("x.sqlite").path
        #expect(try MasterKey.resolve(forDatabase: db, environment: ["MADOGUCHI_MASTER_KEY_FILE": file]).fingerprint == key.fingerprint)
        #expect(!FileManager.default.fileExists(atPath: db + ".key"), "no key file is made beside the database when one is named")
        let inline = key.fileText.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(try MasterKey.resolve(forDatabase: db, environment: ["MADOGUCHI_MASTER_KEY": inline]).fingerprint == key.fingerprint)
        for bad in ["short", "!!!"] {
            #expect(throws: MadoguchiError.self) { _ = try MasterKey.resolve(forDatabase: db, environment: ["MADOGUCHI_MASTER_KEY": bad]) }
        }
        let made = try MasterKey.resolve(forDatabase: db, environment: [:])
        #expect(try Self.mode(db + ".key") == 0o600)
        #expect(try MasterKey.resolve(forDatabase: db, environment: [:]).fingerprint == made.fingerprint, "the file beside it is read back")
    }
}
