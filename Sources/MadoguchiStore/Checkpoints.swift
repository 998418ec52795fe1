import Foundation
import MadoguchiDomain
import MadoguchiPKI

/// A signed statement of where the city's two hash chains stood: the ledger of issuances and the access log of
/// reads. The chains show an edit to one entry, but whoever can write the file can rewrite every entry after it and
/// recompute every hash, and the chains alone would still check. A checkpoint kept outside (by the auditor, the
/// prefecture, anyone who fetched `/ledger/checkpoint`) fixes a head in time: a ledger rewritten after it no longer
/// has that hash at that sequence (ADR 0009 §6).
public struct ChainCheckpoint: Codable, Sendable, Hashable {
    public struct Head: Codable, Sendable, Hashable {
        /// The last entry's sequence; 0 for an empty chain
        public var sequence: Int64
        /// Its hash; the genesis value for an empty chain
        public var hash: String
    }

    public static let type = "madoguchi-checkpoint/1"
    public var type: String
    /// The city's 全国地方公共団体コード
    public var city: String
    public var at: String
    public var ledger: Head
    public var access: Head
}

/// A checkpoint as published: the compact JWS (signed with the city's document-signing key, so the city's JWKS checks
/// it) and, for reading, what it says.
public struct PublishedCheckpoint: Codable, Sendable, Hashable {
    public var token: String
    public var checkpoint: ChainCheckpoint
}

public enum Checkpoints {
    /// Where the chains stand now (reads only the two heads).
    public static func current(_ db: any SQLSession, at: String) throws -> ChainCheckpoint {
        func head(_ table: String) throws -> ChainCheckpoint.Head {
            guard let row = try db.row("SELECT sequence, hash FROM \(table) ORDER BY sequence DESC LIMIT 1") else {
                return .init(sequence: 0, hash: Ledger.genesis)
            }
            return .init(sequence: try row.int("sequence"), hash: try row.text("hash"))
        }
        let city = try db.scalar("SELECT value FROM meta WHERE key = 'city.code'", as: String.self) ?? ""
        return ChainCheckpoint(type: ChainCheckpoint.type, city: city, at: at, ledger: try head("ledgerEntry"), access: try head("accessEntry"))
    }

    /// The current checkpoint, signed with the active document-signing key (which exists once the server has started).
    public static func publish(_ db: any SQLSession, at: String, keys: any KeyProtector) throws -> PublishedCheckpoint {
        let checkpoint = try current(db, at: at)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let token = try CompactJWS.sign(try encoder.encode(checkpoint), with: try SigningKeys.active(db, at: at, keys: keys), type: "checkpoint+jwt")
        return PublishedCheckpoint(token: token, checkpoint: checkpoint)
    }

    /// What a kept checkpoint says, once its signature checks against `jwks`; the token is what counts, not the
    /// readable copy beside it.
    public static func read(_ published: PublishedCheckpoint, jwks: JWKSet) throws -> ChainCheckpoint {
        let payload: Data
        do { payload = try CompactJWS.verify(published.token, keys: jwks).payload } catch {
            throw MadoguchiError(
                .checkpointInvalid, ja: "チェックポイントの署名を確認できません（この市の鍵ではない、または改変）",
                en: "The checkpoint's signature does not verify against the city's keys (not this city's, or altered)")
        }
        guard let checkpoint = try? JSONDecoder().decode(ChainCheckpoint.self, from: payload), checkpoint.type == ChainCheckpoint.type else {
            throw MadoguchiError(.checkpointInvalid, ja: "チェックポイントを読めません", en: "Not a Madoguchi checkpoint")
        }
        return checkpoint
    }

    /// Whether the database still holds what a checkpoint saw: each chain has the checkpoint's hash at the
    /// checkpoint's sequence. Returns the problems, none when it holds. Run it with the chains' own verification,
    /// which checks every link after that sequence.
    public static func problems(_ db: any SQLSession, against checkpoint: ChainCheckpoint) throws -> [String] {
        var problems: [String] = []
        let city = try db.scalar("SELECT value FROM meta WHERE key = 'city.code'", as: String.self) ?? ""
        if checkpoint.city != city { problems.append("the checkpoint is city \(checkpoint.city)'s, this database is \(city)'s") }
        for (name, table, head) in [("ledger", "ledgerEntry", checkpoint.ledger), ("access log", "accessEntry", checkpoint.access)] {
            guard head.sequence > 0 else { continue }
            guard let hash = try db.scalar("SELECT hash FROM \(table) WHERE sequence = ?", arguments: [head.sequence], as: String.self) else {
                problems.append("\(name): entry #\(head.sequence) of the checkpoint (\(checkpoint.at)) is gone")
                continue
            }
            if hash != head.hash {
                problems.append("\(name): entry #\(head.sequence) no longer has the hash of the checkpoint (\(checkpoint.at)): rewritten since")
            }
        }
        return problems
    }
}

extension MadoguchiError.Code {
    public static let checkpointInvalid = Self("ledger.checkpointInvalid")
}
