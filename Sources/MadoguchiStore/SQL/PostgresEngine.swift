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
    let idle = NIOLockedValueBox<[PooledConnection]>([])
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
        for pooled in idle.withLockedValue({ $0 }) { pooled.connection.closeSoon() }
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

    func connection() throws -> PooledConnection {
        if let open = idle.withLockedValue({ $0.popLast() }), !open.connection.isClosed { return open }
        let id = nextId.withLockedValue { n -> Int in
            n += 1
            return n
        }
        do {
            return PooledConnection(
                try PostgresConnection.connect(on: group.next(), configuration: configuration, id: id, logger: logger).wait())
        } catch {
            throw MadoguchiError(
                .storeUnavailable, ja: "データベースに接続できません（\(configuration.host ?? "")）",
                en: "Cannot reach the database (\(configuration.host ?? ""))")
        }
    }

    /// Back to the pool, unless it broke or ran DDL: a connection that changed the schema is closed with its prepared
    /// statements, whose plans and result columns were made for the schema before.
    func release(_ pooled: PooledConnection, broken: Bool) {
        if broken || pooled.connection.isClosed || pooled.changedSchema {
            pooled.connection.closeSoon()
        } else {
            idle.withLockedValue { $0.append(pooled) }
        }
    }

    /// Closes every idle connection (the engine stays usable: new ones are opened on demand).
    public func closeIdle() {
        for pooled in idle.withLockedValue({ list in defer { list = [] }; return list }) { pooled.connection.closeSoon() }
    }

    // MARK: Transactions

    /// One transaction on the calling thread, which must be free to block (not an event loop, not the cooperative
    /// pool): all of `body` or nothing.
    public func transaction<T>(readOnly: Bool = false, _ body: (any SQLSession) throws -> T) throws -> T {
        let pooled = try connection()
        let session = PostgresSession(pooled: pooled, logger: logger)
        var broken = false
        defer { release(pooled, broken: broken) }
        do {
            // A read is one snapshot (REPEATABLE READ: every statement sees the same data; a read-only transaction there
            // never fails to serialise, and a hot standby runs it too); a write is READ COMMITTED, serialised where it
            // must be by its locks (ADR 0010 §7).
            try session.enqueue(readOnly ? "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY" : "BEGIN", [])
            let result = try body(session)
            try session.execute("COMMIT", [])
            return result
        } catch {
            session.discardPending()
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
        let pooled = try connection()
        var broken = false
        defer { release(pooled, broken: broken) }
        do { try PostgresSession(pooled: pooled, logger: logger).execute(sql, []) } catch {
            broken = true
            throw Self.map(error)
        }
    }

    /// PostgreSQL's errors as the coded store errors SQLite's map to: a constraint (class 23, and the schema's own
    /// triggers, which raise 23000) is `store.constraint`; a serialisation failure or deadlock is `store.busy`.
    /// A prepared statement's error comes in PostgresNIO's older `PostgresError`, mapped the same way.
    static func map(_ error: any Error) -> any Error {
        guard let (state, message) = serverError(error) else { return error }
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

/// A connection of the pool, with the statements it has prepared. Only one transaction uses it at a time (the pool
/// hands it out and takes it back), so its cache needs no lock.
final class PooledConnection: @unchecked Sendable {
    let connection: PostgresConnection
    /// Statement text and parameter types → its server-side prepared statement.
    var prepared: [String: PreparedQuery] = [:]
    /// Whether a statement other than a query, a data change or transaction control ran (DDL): the connection is then
    /// not reused.
    var changedSchema = false
    /// Statements sent by `enqueue` whose answers have not been looked at yet, oldest first.
    var pending: [EventLoopFuture<Void>] = []

    init(_ connection: PostgresConnection) { self.connection = connection }

    /// Distinct statements kept per connection; past it statements are parsed each time, as before.
    static let capacity = 512
}

extension PostgresEngine {
    /// The SQLSTATE and message of a PostgresNIO error, in either of its forms ("" for a lost connection); nil for
    /// any other error.
    static func serverError(_ error: any Error) -> (state: String, message: String)? {
        if let error = error as? PSQLError {
            return (error.serverInfo?[.sqlState] ?? "", error.serverInfo?[.message] ?? "\(error.code)")
        }
        if let error = error as? PostgresError {
            switch error {
            case .server(let info): return (info.fields[.sqlState] ?? "", info.fields[.message] ?? "")
            case .connectionClosed, .protocol: return ("", "\(error)")
            }
        }
        return nil
    }

    static func state(of error: any Error) -> String? { serverError(error)?.state }
}

/// A PostgresNIO connection inside a transaction, waiting on each statement's future.
///
/// Queries run as server-side prepared statements, one per statement text and parameter types, made on a
/// connection's first use of them: PostgreSQL then parses and plans a query once per connection instead of at every
/// call. On this machine kind that made a primary-key read 2.6 times cheaper (pgbench `-M prepared` against
/// `-M extended`). Data changes run through `execute` unprepared, as before, because the prepared form does not
/// report how many rows a statement changed.
struct PostgresSession: SQLSession {
    let pooled: PooledConnection
    let logger: Logger
    var engine: SQLEngine { .postgres }
    var connection: PostgresConnection { pooled.connection }

    @discardableResult
    func execute(_ sql: String, _ arguments: [SQLValue]) throws -> Int {
        switch Self.kind(of: sql) {
        case .query: return try fetch(sql, arguments).count
        case .schema: pooled.changedSchema = true
        case .change, .control: break
        }
        let result = connection.query(Self.query(sql, arguments), logger: logger)
        return try settling { try result.wait().metadata.rows ?? 0 }
    }

    /// Sent now, answered later: PostgresNIO runs a connection's statements in the order they were sent, so the
    /// server goes on to the next one without a round trip through this thread.
    func enqueue(_ sql: String, _ arguments: [SQLValue]) throws {
        let kind = Self.kind(of: sql)
        if kind == .schema { pooled.changedSchema = true }
        pooled.pending.append(try send(sql, arguments, preparing: kind == .query).map { _ in })
    }

    /// Waits for `body`, then for the statements enqueued before it, which the server answered first: an error of
    /// theirs is raised in place of what followed from it (a statement after a failed one only says the transaction
    /// is aborted).
    func settling<T>(_ body: () throws -> T) throws -> T {
        let result = Result { try body() }
        let pending = pooled.pending
        pooled.pending = []
        for future in pending { try future.wait() }
        return try result.get()
    }

    /// Waits for every enqueued statement and forgets their errors (before a rollback).
    func discardPending() {
        let pending = pooled.pending
        pooled.pending = []
        for future in pending { _ = try? future.wait() }
    }

    func rows(_ sql: String, _ arguments: [SQLValue]) throws -> [SQLRow] {
        let rows = try fetch(sql, arguments)
        guard let first = rows.first else { return [] }
        let names = SQLRow.index(first.map(\.columnName))
        return try rows.map { row in SQLRow(names: names, values: try row.map { try Self.value(Self.binary($0)) }) }
    }

    /// A cell as it came: PostgresNIO asks for every result column in binary, but labels the columns of a prepared
    /// statement with the text format its description gave (PostgresNIO 1.33), so the label is set right here.
    static func binary(_ cell: PostgresCell) -> PostgresCell {
        cell.format == .binary
            ? cell
            : PostgresCell(bytes: cell.bytes, dataType: cell.dataType, format: .binary, columnName: cell.columnName, columnIndex: cell.columnIndex)
    }

    func insert(_ sql: String, _ arguments: [SQLValue]) throws -> Int64 {
        guard let id = try rows(sql + " RETURNING id", arguments).first?.first(Int64.self) else {
            throw MadoguchiError(.storeFailure, ja: "追加した行の番号を読めません", en: "The inserted row's id is unreadable")
        }
        return id
    }

    /// The rows of a statement, prepared where it can be.
    ///
    /// When another connection changed a table's columns, PostgreSQL refuses a plan prepared before whose result
    /// columns would change (0A000, "cached plan must not change result type"): that statement fails, and the
    /// connection is dropped with everything it prepared, so the next transaction plans afresh.
    func fetch(_ sql: String, _ arguments: [SQLValue]) throws -> [PostgresRow] {
        do {
            return try settling { try send(sql, arguments, preparing: true).wait() }
        } catch {
            if PostgresEngine.state(of: error) == "0A000" { pooled.changedSchema = true }
            throw error
        }
    }

    /// Sends a statement without waiting for its answer, as its prepared statement when `preparing` and the cache has room.
    func send(_ sql: String, _ arguments: [SQLValue], preparing: Bool) throws -> EventLoopFuture<[PostgresRow]> {
        if preparing, let prepared = try prepared(sql, arguments) {
            return prepared.execute(arguments.map(Self.data))
        }
        return connection.query(Self.query(sql, arguments), logger: logger).map(\.rows)
    }

    /// The connection's prepared statement for `sql` with these arguments' types, prepared now if it has none yet; nil
    /// when the cache is full. Each `?` becomes `$n::type` with the type PostgresNIO would have declared for the
    /// value (a NULL's is left to the server), so the statement means what it meant unprepared.
    func prepared(_ sql: String, _ arguments: [SQLValue]) throws -> PreparedQuery? {
        let types = arguments.map(Self.typeName)
        let key = sql + "\u{0}" + types.joined(separator: ",")
        if let prepared = pooled.prepared[key] { return prepared }
        guard pooled.prepared.count < PooledConnection.capacity else { return nil }
        let text = arguments.isEmpty ? sql : Placeholders.numbered(sql, types: types)
        // Only a first use waits (for the statements enqueued before it, too); a cached statement is sent at once.
        let prepared = try settling { try connection.prepare(query: text).wait() }
        pooled.prepared[key] = prepared
        return prepared
    }

    enum Kind { case query, change, control, schema }

    /// What a statement is, by its first word: a query; a data change; transaction control or a setting; anything
    /// else (DDL, a comment first) may change the schema.
    static func kind(of sql: String) -> Kind {
        let word = sql.utf8.drop { $0 == 32 || $0 == 9 || $0 == 10 || $0 == 13 }.prefix { (65...90).contains($0) || (97...122).contains($0) }
        switch String(decoding: word, as: UTF8.self).lowercased() {
        case "select", "values": return .query
        case "insert", "update", "delete", "with": return .change
        case "begin", "commit", "rollback", "savepoint", "release", "set", "reset", "show", "lock": return .control
        default: return .schema
        }
    }

    /// The type PostgresNIO declares for a bound value, as SQL names it ("" for a NULL, whose type the server infers).
    static func typeName(_ value: SQLValue) -> String {
        switch value {
        case .null: return ""
        case .integer: return "bigint"
        case .real: return "double precision"
        case .text: return "text"
        case .blob: return "bytea"
        }
    }

    /// A value as the prepared statement's binding.
    static func data(_ value: SQLValue) -> PostgresData {
        switch value {
        case .null: return .null
        case .integer(let v): return PostgresData(int64: v)
        case .real(let v): return PostgresData(double: v)
        case .text(let v): return PostgresData(string: v)
        case .blob(let v): return PostgresData(bytes: v)
        }
    }

    static func query(_ sql: String, _ arguments: [SQLValue]) -> PostgresQuery {
        PostgresQuery(unsafeSQL: arguments.isEmpty ? sql : Placeholders.numbered(sql), binds: bindings(arguments))
    }

    static func bindings(_ arguments: [SQLValue]) -> PostgresBindings {
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
        return binds
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
