import CSQLiteTuning
import Foundation
import GRDB
import MadoguchiDomain

/// The one façade over the database: it owns the writer (a WAL `DatabasePool` on a file, or an
/// in-memory queue for tests), runs the migrations, and hands out the repositories.
public final class MadoguchiDatabase: Sendable {
    /// Where the data lives.
    enum Storage: Sendable {
        /// A SQLite file (WAL `DatabasePool`) or an in-memory queue, through GRDB
        case sqlite(any DatabaseWriter)
        /// A PostgreSQL server, through PostgresNIO
        case postgres(PostgresEngine)
    }

    let storage: Storage
    /// A streaming standby of the PostgreSQL primary, for the reads that may lag it by the replication delay (public
    /// verification, the published keys, the registry's search). Nil: every read goes to the primary.
    let standby: PostgresEngine?
    public let path: String?
    /// Seals and opens the private keys kept in the database; the key-encryption key is never in it
    public let keys: any KeyProtector
    /// Folds a SQLite file's log beside its writer (nil in memory and on PostgreSQL).
    let checkpointer: WALCheckpointer?

    init(writer: any DatabaseWriter, path: String?, keys: any KeyProtector, checkpointer: WALCheckpointer? = nil) throws {
        self.storage = .sqlite(writer)
        self.standby = nil
        self.checkpointer = checkpointer
        self.path = path
        self.keys = keys
        try Schema.migrator.migrate(writer)
        _ = try KeySealing.sealPlaintext(writer, keys: keys)
    }

    init(postgres engine: PostgresEngine, keys: any KeyProtector, standby: PostgresEngine? = nil) throws {
        self.storage = .postgres(engine)
        self.standby = standby
        self.path = nil
        self.keys = keys
        self.checkpointer = nil
        try PostgresSchema.migrate(engine)
    }

    /// Opens a PostgreSQL database (`postgres://user@host:port/db`) and brings its schema up to date. `keys`: the
    /// key-encryption key (on a server it comes from the environment or a KMS, never from the database).
    /// `standby`: a streaming standby's URL, which then serves the reads that may lag (`publicRead`). It is not
    /// migrated (a standby replays the primary's schema) and not required to be up: those reads fall back to the primary.
    public static func open(postgres url: String, keys: any KeyProtector, standby: String? = nil) throws -> MadoguchiDatabase {
        try MadoguchiDatabase(postgres: try PostgresEngine(url: url), keys: keys, standby: try standby.map { try PostgresEngine(url: $0) })
    }

    /// Whether `location` names a PostgreSQL database (`postgres://` or `postgresql://`) rather than a SQLite file.
    public static func isServerURL(_ location: String) -> Bool {
        location.hasPrefix("postgres://") || location.hasPrefix("postgresql://")
    }

    /// Opens what `--db` names: a PostgreSQL database by its URL (its key-encryption key from the environment,
    /// `MasterKey.resolve(forServer:)`), or else a SQLite file (`open(path:)`).
    public static func open(
        _ location: String, standby: String? = nil, environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws -> MadoguchiDatabase {
        if isServerURL(location) {
            if let standby, !isServerURL(standby) {
                throw MadoguchiError(.storeBadURL, ja: "スタンバイはPostgreSQLのURLで指定してください", en: "The standby must be a postgres:// URL")
            }
            return try open(postgres: location, keys: try MasterKey.resolve(forServer: environment), standby: standby)
        }
        guard standby == nil else {
            throw MadoguchiError(.storeBadURL, ja: "スタンバイはPostgreSQLで運用するときだけ指定できます", en: "A standby needs a PostgreSQL primary")
        }
        return try open(path: location)
    }

    /// Whether the database holds no city yet (a new file, or a new PostgreSQL database): the demo is made into it.
    public func isEmptyCity() throws -> Bool {
        // Existence only: `serve` asks this at every start, and a count would walk the whole registry.
        try transaction(readOnly: true) { s in
            try s.scalar("SELECT value FROM meta WHERE key = 'city.code'", as: String.self) == nil
                && !s.exists("SELECT 1 FROM resident")
        }
    }

    /// The engine under this database.
    public var engine: SQLEngine {
        switch storage {
        case .sqlite: return .sqlite
        case .postgres: return .postgres
        }
    }

    /// The GRDB connection, for the stores not yet written in the shared SQL: on PostgreSQL they answer with a coded
    /// error rather than a wrong result (ADR 0010 lists them).
    var writer: any DatabaseWriter {
        get throws {
            switch storage {
            case .sqlite(let writer): return writer
            case .postgres:
                throw MadoguchiError(
                    .storeNotOnEngine, ja: "この機能はまだPostgreSQLでは使えません（SQLiteで運用してください）",
                    en: "This feature does not run on PostgreSQL yet")
            }
        }
    }

    /// Whether SQLite's process-wide memory statistics were turned off before its first use (they cost every
    /// allocation inside SQLite a global mutex: a tenth of the seed's writing thread, and contention between the
    /// server's reading threads). Evaluated once, before the first SQLite database of the process is opened; false
    /// when something else had used SQLite first, which changes nothing but the speed.
    static let sqliteTuned: Bool = madoguchi_sqlite_memstatus_off() == SQLITE_OK

    static func configuration(checkpointer: WALCheckpointer? = nil) -> Configuration {
        _ = sqliteTuned
        var config = Configuration()
        config.foreignKeysEnabled = true
        config.busyMode = .timeout(10)
        config.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
            if let checkpointer, !db.configuration.readonly { checkpointer.install(on: db) }
        }
        return config
    }

    /// Opens (creating if needed) a SQLite file in WAL mode and brings its schema up to date. A new file is created
    /// readable and writable by its owner only (SQLite gives its WAL and shared-memory files the same mode), and an
    /// existing one is narrowed to that. `keys`: the key-encryption key, else `MasterKey.resolve(forDatabase:)`.
    public static func open(path: String, keys: (any KeyProtector)? = nil) throws -> MadoguchiDatabase {
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent()
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        if !FileManager.default.fileExists(atPath: path) {
            FileManager.default.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o600])
        } else {
            try? FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: path)
        }
        let protector = try keys ?? MasterKey.resolve(forDatabase: path)
        do {
            let checkpointer = WALCheckpointer(path: path)
            return try MadoguchiDatabase(
                writer: DatabasePool(path: path, configuration: configuration(checkpointer: checkpointer)), path: path, keys: protector,
                checkpointer: checkpointer)
        } catch let error as DatabaseError {
            throw StoreError.map(error)
        }
    }

    /// A private in-memory database, fresh for each test, with a key-encryption key of its own.
    public static func inMemory() throws -> MadoguchiDatabase {
        try MadoguchiDatabase(writer: DatabaseQueue(configuration: configuration()), path: nil, keys: MasterKey.generate())
    }

    /// The migrations applied to this database, in order.
    public func appliedMigrations() throws -> [String] {
        switch storage {
        case .sqlite(let writer): return try writer.read { db in try Schema.migrator.appliedMigrations(db) }
        case .postgres(let engine): return try PostgresSchema.applied(engine)
        }
    }

    public var registry: RegistryRepository { RegistryRepository(database: self) }
}

/// Maps storage failures to domain errors with stable codes.
public enum StoreError {
    public static func map(_ error: any Error) -> any Error {
        guard let error = error as? DatabaseError else { return error }
        switch error.resultCode {
        case .SQLITE_CONSTRAINT:
            return MadoguchiError(
                .constraintViolation,
                ja: "データの整合性に反するため保存できません（\(error.message ?? "制約違反")）",
                en: "Refused by a data constraint (\(error.message ?? "constraint"))")
        case .SQLITE_BUSY, .SQLITE_LOCKED:
            return MadoguchiError(
                .storeBusy, ja: "データベースが使用中です。しばらくしてから再度お試しください",
                en: "The database is busy; try again shortly")
        default:
            // The extended code tells an I/O error's kind (SQLITE_IOERR_SHMMAP, …_FSTAT); SQLite's message may quote
            // SQL and stays out of what a client sees.
            let detail = "\(error.resultCode), extended \(error.extendedResultCode.rawValue)"
            return MadoguchiError(.storeFailure, ja: "データベースの処理に失敗しました（\(detail)）", en: "Database failure (\(detail))")
        }
    }
}

extension MadoguchiError.Code {
    public static let constraintViolation = Self("store.constraint")
    public static let storeBusy = Self("store.busy")
    public static let storeFailure = Self("store.failure")
    public static let storeNotOnEngine = Self("store.notOnEngine")
}

extension MadoguchiDatabase {
    /// Before a bulk load (the seed, an import): the writer keeps up to `cacheMiB` of pages in memory, so that the
    /// random inserts into the registry's indexes (names, kana, birth dates, the unique numbers) hit memory instead of
    /// reading and writing pages through SQLite's default 2 MiB cache. Memory only; durability is unchanged.
    /// Nothing to do on PostgreSQL, whose buffers the server sizes.
    public func prepareForBulkLoad(cacheMiB: Int) throws {
        guard case .sqlite(let writer) = storage, cacheMiB > 0 else { return }
        try writer.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA cache_size = \(-cacheMiB * 1024)") }
    }

    /// Folds the WAL into the main file (after a bulk load), so the file alone holds everything.
    public func checkpoint() throws {
        if case .sqlite(let writer) = storage, let pool = writer as? DatabasePool {
            _ = try pool.writeWithoutTransaction { db in try db.checkpoint(.truncate) }
        }
    }
}
