import Foundation
import Logging
import MadoguchiDomain
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import PostgresNIO

/// The PostgreSQL engine: a small pool of PostgresNIO connections, and transactions that run a synchronous body on a
/// thread of the engine's own pool (a `NIOThreadPool`), which waits on PostgresNIO's futures. Neither the cooperative
/// pool nor an event loop ever blocks. Every transaction is `READ COMMITTED`; what must be serial (the ledger's
/// append) takes a transaction-level advisory lock, so that it is serial across every process on the database, not
/// within one.
public final class PostgresEngine: Sendable {
    public let url: String
    let configuration: PostgresConnection.Configuration
    let group: any EventLoopGroup
    let threads: NIOThreadPool
    let idle = NIOLockedValueBox<[PostgresConnection]>([])
    let nextId = NIOLockedValueBox<Int>(0)
    let logger = Logger(label: "madoguchi.postgres")

    /// `postgres://user[:password]@host[:port]/database`, on loopback or a private network (no TLS).
    public init(url: String, threads: Int = 16) throws {
        self.url = url
        self.configuration = try Self.configuration(url)
        self.group = MultiThreadedEventLoopGroup.singleton
        self.threads = NIOThreadPool(numberOfThreads: threads)
        self.threads.start()
    }

    deinit {
        for connection in idle.withLockedValue({ $0 }) { connection.closeSoon() }
        threads.shutdownGracefully { _ in }
    }

    static func configuration(_ url: String) throws -> PostgresConnection.Configuration {
        guard let parts = URLComponents(string: url), parts.scheme == "postgres" || parts.scheme == "postgresql",
            let host = parts.host, !host.isEmpty, let user = parts.user, !user.isEmpty
        else {
            throw MadoguchiError(
                .storeBadURL, ja: "データベースのURLが正しくありません（postgres://ユーザー@ホスト:ポート/データベース）",
                en: "The database URL must be postgres://user@host:port/database")
        }
        let database = parts.path.hasPrefix("/") ? String(parts.path.dropFirst()) : parts.path
        return PostgresConnection.Configuration(
            host: host, port: parts.port ?? 5432, username: user, password: parts.password,
            database: database.isEmpty ? user : database, tls: .disable)
    }

    // MARK: Connections

    func connection() throws -> PostgresConnection {
        if let open = idle.withLockedValue({ $0.popLast() }), !open.isClosed { return open }
        let id = nextId.withLockedValue { n -> Int in
            n += 1
            return n
        }
        do {
            return try PostgresConnection.connect(on: group.next(), configuration: configuration, id: id, logger: logger).wait()
        } catch {
            throw MadoguchiError(
                .storeUnavailable, ja: "データベースに接続できません（\(configuration.host ?? "")）",
                en: "Cannot reach the database (\(configuration.host ?? ""))")
        }
    }

    func release(_ connection: PostgresConnection, broken: Bool) {
        if broken || connection.isClosed {
            connection.closeSoon()
        } else {
            idle.withLockedValue { $0.append(connection) }
        }
    }

    /// Closes every idle connection (the engine stays usable: new ones are opened on demand).
    public func closeIdle() {
        for connection in idle.withLockedValue({ list in defer { list = [] }; return list }) { connection.closeSoon() }
    }

    // MARK: Transactions

    /// One transaction on the calling thread, which must be free to block (not an event loop, not the cooperative
    /// pool): all of `body` or nothing.
    public func transaction<T>(readOnly: Bool = false, _ body: (any SQLSession) throws -> T) throws -> T {
        let connection = try connection()
        let session = PostgresSession(connection: connection, logger: logger)
        var broken = false
        defer { release(connection, broken: broken) }
        do {
            // A read is one snapshot (REPEATABLE READ: every statement sees the same data; a read-only transaction there
            // never fails to serialise, and a hot standby runs it too); a write is READ COMMITTED, serialised where it
            // must be by its locks (ADR 0010 §7).
            try session.execute(readOnly ? "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY" : "BEGIN", [])
            let result = try body(session)
            try session.execute("COMMIT", [])
            return result
        } catch {
            do { try session.execute("ROLLBACK", []) } catch { broken = true }
            throw Self.map(error)
        }
    }

    /// The same, from async code: the body runs on the engine's own threads.
    public func transaction<T: Sendable>(readOnly: Bool = false, async body: @escaping @Sendable (any SQLSession) throws -> T)
        async throws -> T
    {
        try await threads.runIfActive { try self.transaction(readOnly: readOnly, body) }
    }

    /// Statements outside a transaction (CREATE DATABASE cannot run in one).
    public func autocommit(_ sql: String) throws {
        let connection = try connection()
        var broken = false
        defer { release(connection, broken: broken) }
        do { try PostgresSession(connection: connection, logger: logger).execute(sql, []) } catch {
            broken = true
            throw Self.map(error)
        }
    }

    /// PostgreSQL's errors as the coded store errors SQLite's map to: a constraint (class 23, and the schema's own
    /// triggers, which raise 23000) is `store.constraint`; a serialisation failure or deadlock is `store.busy`.
    static func map(_ error: any Error) -> any Error {
        guard let error = error as? PSQLError else { return error }
        let state = error.serverInfo?[.sqlState] ?? ""
        let message = error.serverInfo?[.message] ?? "\(error.code)"
        if state.hasPrefix("23") {
            return MadoguchiError(
                .constraintViolation, ja: "データの整合性に反するため保存できません（\(message)）", en: "Refused by a data constraint (\(message))")
        }
        if state == "40001" || state == "40P01" || state == "55P03" {
            return MadoguchiError(
                .storeBusy, ja: "データベースが使用中です。しばらくしてから再度お試しください", en: "The database is busy; try again shortly")
        }
        if state == "25006" {
            return MadoguchiError(.storeFailure, ja: "読み取り専用の処理で書き込もうとしました", en: "A read-only transaction tried to write")
        }
        if state.isEmpty {
            return MadoguchiError(.storeUnavailable, ja: "データベースとの接続が切れました", en: "The connection to the database was lost")
        }
        return MadoguchiError(.storeFailure, ja: "データベースの処理に失敗しました（\(state)）", en: "Database failure (\(state): \(message))")
    }
}

/// A PostgresNIO connection inside a transaction, waiting on each statement's future.
struct PostgresSession: SQLSession {
    let connection: PostgresConnection
    let logger: Logger
    var engine: SQLEngine { .postgres }

    @discardableResult
    func execute(_ sql: String, _ arguments: [SQLValue]) throws -> Int {
        let result = try connection.query(Self.query(sql, arguments), logger: logger).wait()
        return result.metadata.rows ?? 0
    }

    func rows(_ sql: String, _ arguments: [SQLValue]) throws -> [SQLRow] {
        let result = try connection.query(Self.query(sql, arguments), logger: logger).wait()
        guard let first = result.rows.first else { return [] }
        let names = SQLRow.index(first.map(\.columnName))
        return try result.rows.map { row in SQLRow(names: names, values: try row.map(Self.value)) }
    }

    func insert(_ sql: String, _ arguments: [SQLValue]) throws -> Int64 {
        guard let id = try rows(sql + " RETURNING id", arguments).first?.first(Int64.self) else {
            throw MadoguchiError(.storeFailure, ja: "追加した行の番号を読めません", en: "The inserted row's id is unreadable")
        }
        return id
    }

    static func query(_ sql: String, _ arguments: [SQLValue]) -> PostgresQuery {
        var binds = PostgresBindings(capacity: arguments.count)
        for argument in arguments {
            switch argument {
            case .null: binds.appendNull()
            case .integer(let v): binds.append(v)
            case .real(let v): binds.append(v)
            case .text(let v): binds.append(v)
            case .blob(let v): binds.append(ByteBuffer(bytes: v))
            }
        }
        return PostgresQuery(unsafeSQL: arguments.isEmpty ? sql : Placeholders.numbered(sql), binds: binds)
    }

    static func value(_ cell: PostgresCell) throws -> SQLValue {
        guard cell.bytes != nil else { return .null }
        switch cell.dataType {
        case .int2, .int4, .int8, .oid: return .integer(try cell.decode(Int64.self))
        case .bool: return .integer(try cell.decode(Bool.self) ? 1 : 0)
        case .float4, .float8: return .real(try cell.decode(Double.self))
        case .numeric:
            // sum() of BIGINT is NUMERIC: a whole number reads as an integer, as SQLite's sum() gives one.
            let decimal = try cell.decode(Decimal.self)
            var rounded = Decimal()
            var copy = decimal
            NSDecimalRound(&rounded, &copy, 0, .plain)
            if rounded == decimal, let whole = Int64(exactly: NSDecimalNumber(decimal: decimal).int64Value),
                Decimal(whole) == decimal
            {
                return .integer(whole)
            }
            return .real(NSDecimalNumber(decimal: decimal).doubleValue)
        case .bytea: return .blob(Data(buffer: try cell.decode(ByteBuffer.self)))
        default: return .text(try cell.decode(String.self))
        }
    }
}

extension PostgresConnection {
    /// Closes without waiting (the future form of `close()`); the connection is kept alive until it has closed.
    func closeSoon() {
        let future: EventLoopFuture<Void> = close()
        future.whenComplete { _ in withExtendedLifetime(self) {} }
    }
}

extension MadoguchiError.Code {
    public static let storeBadURL = Self("store.badURL")
    public static let storeUnavailable = Self("store.unavailable")
}
