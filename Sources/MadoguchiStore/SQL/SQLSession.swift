import Foundation
import GRDB
import GRDBSQLite
import MadoguchiDomain

/// A value bound to a statement or read from a row, the same on both engines. Booleans are integers (0 or 1) and
/// times and dates are ISO 8601 text on both, so one SQL text serves SQLite and PostgreSQL.
public enum SQLValue: Sendable, Hashable {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)
    case blob(Data)
}

/// What can be bound to a statement.
public protocol SQLBindable {
    var sqlValue: SQLValue { get }
}

extension Int64: SQLBindable { public var sqlValue: SQLValue { .integer(self) } }
extension Int: SQLBindable { public var sqlValue: SQLValue { .integer(Int64(self)) } }
extension Double: SQLBindable { public var sqlValue: SQLValue { .real(self) } }
extension String: SQLBindable { public var sqlValue: SQLValue { .text(self) } }
extension Data: SQLBindable { public var sqlValue: SQLValue { .blob(self) } }
extension Bool: SQLBindable { public var sqlValue: SQLValue { .integer(self ? 1 : 0) } }
extension Optional: SQLBindable where Wrapped: SQLBindable {
    public var sqlValue: SQLValue { self?.sqlValue ?? .null }
}

/// One row of a result, read by column name. A missing column or a value of another type is a coded error, never a
/// crash.
public struct SQLRow: Sendable {
    let names: [String: Int]
    let values: [SQLValue]

    init(names: [String: Int], values: [SQLValue]) {
        self.names = names
        self.values = values
    }

    /// A GRDB row, read the same way.
    init(_ row: Row) {
        self.init(names: Self.index(row.columnNames), values: row.databaseValues.map(GRDBSession.value))
    }

    /// Column name → position, the first of a name winning, under the name as given and in lower case (PostgreSQL
    /// returns folded names; the shared SQL asks by the schema's camel case): most lookups hit without folding.
    static func index(_ columns: some Sequence<String>) -> [String: Int] {
        var names: [String: Int] = [:]
        for (i, name) in columns.enumerated() {
            if names[name] == nil { names[name] = i }
            let folded = name.lowercased()
            if names[folded] == nil { names[folded] = i }
        }
        return names
    }

    /// Column names are matched without regard to case: PostgreSQL folds unquoted identifiers to lower case.
    public func value(_ column: String) -> SQLValue {
        (names[column] ?? names[column.lowercased()]).map { values[$0] } ?? .null
    }

    /// A column as a Swift value, as GRDB's `Row` reads one: `row["name"] as String?`. A NULL or a value of another
    /// type where a value is required is a programming error (the schema's NOT NULL and CHECKs rule it out) and stops,
    /// as GRDB does; reads of data that may hold anything use `int`, `text` and `blob`, which throw.
    public subscript<T: SQLColumnDecodable>(_ column: String) -> T {
        guard let decoded = T.decode(value(column)) else {
            preconditionFailure("column \(column) holds \(value(column)), not \(T.self)")
        }
        return decoded
    }

    /// The first column (for `SELECT count(*)` and the like).
    public func first<T: SQLColumnDecodable>(_ type: T.Type = T.self) -> T? {
        values.first.flatMap { T.decode($0) }
    }

    public func int(_ column: String) throws -> Int64 {
        guard let value = try optionalInt(column) else { throw Self.unreadable(column) }
        return value
    }

    public func optionalInt(_ column: String) throws -> Int64? {
        switch value(column) {
        case .null: return nil
        case .integer(let v): return v
        case .real(let v) where v == v.rounded(): return Int64(v)
        case .text(let t): if let v = Int64(t) { return v } else { throw Self.unreadable(column) }
        default: throw Self.unreadable(column)
        }
    }

    public func text(_ column: String) throws -> String {
        guard let value = try optionalText(column) else { throw Self.unreadable(column) }
        return value
    }

    public func optionalText(_ column: String) throws -> String? {
        switch value(column) {
        case .null: return nil
        case .text(let t): return t
        case .integer(let v): return String(v)
        default: throw Self.unreadable(column)
        }
    }

    public func blob(_ column: String) throws -> Data {
        switch value(column) {
        case .blob(let d): return d
        default: throw Self.unreadable(column)
        }
    }

    static func unreadable(_ column: String) -> MadoguchiError { Unreadable.error(column) }

    /// A vocabulary column as its enum: a value the enum does not know is a coded error, never a crash.
    public func code<E: RawRepresentable>(_ column: String, as type: E.Type = E.self) throws -> E where E.RawValue == String {
        guard let value = E(rawValue: try text(column)) else { throw Self.unreadable(column) }
        return value
    }

    public func optionalCode<E: RawRepresentable>(_ column: String, as type: E.Type = E.self) throws -> E? where E.RawValue == String {
        guard let raw = try optionalText(column) else { return nil }
        guard let value = E(rawValue: raw) else { throw Self.unreadable(column) }
        return value
    }

    public func optionalInt(_ column: String, as type: Int.Type) throws -> Int? { try optionalInt(column).map(Int.init) }

}

/// What a column can be read as.
public protocol SQLColumnDecodable {
    static func decode(_ value: SQLValue) -> Self?
}

extension Int64: SQLColumnDecodable {
    public static func decode(_ value: SQLValue) -> Int64? {
        switch value {
        case .integer(let v): return v
        case .real(let v) where v == v.rounded(): return Int64(v)
        default: return nil
        }
    }
}

extension Int: SQLColumnDecodable {
    public static func decode(_ value: SQLValue) -> Int? { Int64.decode(value).map(Int.init) }
}

extension Bool: SQLColumnDecodable {
    public static func decode(_ value: SQLValue) -> Bool? { Int64.decode(value).map { $0 != 0 } }
}

extension Double: SQLColumnDecodable {
    public static func decode(_ value: SQLValue) -> Double? {
        switch value {
        case .real(let v): return v
        case .integer(let v): return Double(v)
        default: return nil
        }
    }
}

extension String: SQLColumnDecodable {
    public static func decode(_ value: SQLValue) -> String? {
        if case .text(let v) = value { return v }
        return nil
    }
}

extension Data: SQLColumnDecodable {
    public static func decode(_ value: SQLValue) -> Data? {
        if case .blob(let v) = value { return v }
        return nil
    }
}

extension Optional: SQLColumnDecodable where Wrapped: SQLColumnDecodable {
    public static func decode(_ value: SQLValue) -> Wrapped?? {
        if case .null = value { return .some(nil) }
        return Wrapped.decode(value).map { .some($0) }
    }
}

/// The engine a session talks to, for the few places where the SQL differs (locking, schema introspection).
public enum SQLEngine: String, Sendable, CaseIterable {
    case sqlite, postgres
}

/// One connection inside one transaction. Statements use `?` placeholders; the PostgreSQL session numbers them.
/// Synchronous on purpose: a use case runs its whole transaction where blocking is harmless (GRDB's writer queue, or
/// a thread of the PostgreSQL engine's own pool), never on the cooperative pool.
public protocol SQLSession {
    var engine: SQLEngine { get }
    /// Runs a statement; returns the number of rows it changed.
    @discardableResult
    func execute(_ sql: String, _ arguments: [SQLValue]) throws -> Int
    func rows(_ sql: String, _ arguments: [SQLValue]) throws -> [SQLRow]
    /// Runs an INSERT into a table whose key is `id` and returns the new row's id.
    func insert(_ sql: String, _ arguments: [SQLValue]) throws -> Int64
    /// Runs a statement whose answer the caller does not need (a lock, an insert): PostgreSQL's session sends it and
    /// goes on without waiting for the server, and its error, if any, is raised by the next statement that waits or by
    /// the commit. The transaction is all or nothing either way. SQLite runs it at once.
    func enqueue(_ sql: String, _ arguments: [SQLValue]) throws
}

extension SQLSession {
    public func enqueue(_ sql: String, _ arguments: [SQLValue]) throws { try execute(sql, arguments) }

    public func enqueue(_ sql: String, _ arguments: any SQLBindable...) throws { try enqueue(sql, arguments.map { $0.sqlValue }) }

    public func enqueue(_ sql: String, arguments: [any SQLBindable]) throws { try enqueue(sql, arguments.map { $0.sqlValue }) }
}

extension SQLSession {
    @discardableResult
    public func execute(_ sql: String, _ arguments: any SQLBindable...) throws -> Int {
        try execute(sql, arguments.map { $0.sqlValue })
    }

    public func rows(_ sql: String, _ arguments: any SQLBindable...) throws -> [SQLRow] {
        try rows(sql, arguments.map { $0.sqlValue })
    }

    public func row(_ sql: String, _ arguments: any SQLBindable...) throws -> SQLRow? {
        try rows(sql, arguments.map { $0.sqlValue }).first
    }

    @discardableResult
    public func execute(_ sql: String, arguments: [any SQLBindable]) throws -> Int {
        try execute(sql, arguments.map { $0.sqlValue })
    }

    public func rows(_ sql: String, arguments: [any SQLBindable]) throws -> [SQLRow] {
        try rows(sql, arguments.map { $0.sqlValue })
    }

    public func row(_ sql: String, arguments: [any SQLBindable]) throws -> SQLRow? {
        try rows(sql, arguments.map { $0.sqlValue }).first
    }

    public func insert(_ sql: String, arguments: [any SQLBindable]) throws -> Int64 {
        try insert(sql, arguments.map { $0.sqlValue })
    }

    /// The first column of the first row, if any (NULL reads as nil).
    public func scalar<T: SQLColumnDecodable>(_ sql: String, arguments: [any SQLBindable] = [], as type: T.Type = T.self) throws -> T? {
        try rows(sql, arguments.map { $0.sqlValue }).first?.first(T?.self) ?? nil
    }

    /// The first column of every row.
    public func column<T: SQLColumnDecodable>(_ sql: String, arguments: [any SQLBindable] = [], as type: T.Type = T.self) throws -> [T] {
        try rows(sql, arguments.map { $0.sqlValue }).compactMap { $0.first(T.self) }
    }

    /// Many rows into one table, `chunk` to a statement (`prefix (?, …), (?, …) …`): one SQL text on both engines, and a
    /// round trip per chunk instead of per row on PostgreSQL.
    public func insertRows(_ prefix: String, columns: Int, _ rows: [[any SQLBindable]], chunk: Int = 250) throws {
        let one = "(" + Array(repeating: "?", count: columns).joined(separator: ", ") + ")"
        for start in stride(from: 0, to: rows.count, by: chunk) {
            let part = rows[start..<min(start + chunk, rows.count)]
            let sql = prefix + " " + Array(repeating: one, count: part.count).joined(separator: ", ")
            try execute(sql, part.flatMap { $0.map(\.sqlValue) })
        }
    }

    /// Whether the query returns a row.
    public func exists(_ sql: String, arguments: [any SQLBindable] = []) throws -> Bool {
        try !rows("SELECT 1 AS found WHERE EXISTS (\(sql))", arguments.map { $0.sqlValue }).isEmpty
    }
}

/// The SQLite session: a GRDB connection inside its transaction.
struct GRDBSession: SQLSession {
    let db: Database
    var engine: SQLEngine { .sqlite }

    @discardableResult
    func execute(_ sql: String, _ arguments: [SQLValue]) throws -> Int {
        try db.cachedStatement(sql: sql).execute(arguments: Self.statementArguments(arguments))
        return db.changesCount
    }

    /// Rows stepped straight out of SQLite's prepared statement, bound as `insert` binds: GRDB's `Row`s and argument
    /// boxes, made and dropped for each of the dozen queries an issuance's rules run, were a tenth of its CPU time.
    func rows(_ sql: String, _ arguments: [SQLValue]) throws -> [SQLRow] {
        let statement = try db.cachedStatement(sql: sql)
        let handle = statement.sqliteStatement
        try bind(handle, arguments, sql: sql)
        defer { sqlite3_reset(handle) }
        let names = ColumnIndexes.shared.index(sql, columns: statement.columnNames)
        let count = sqlite3_column_count(handle)
        var rows: [SQLRow] = []
        while true {
            let code = sqlite3_step(handle)
            if code == SQLITE_DONE { return rows }
            guard code == SQLITE_ROW else { throw error(code, sql: sql) }
            var values: [SQLValue] = []
            values.reserveCapacity(Int(count))
            for i in 0..<count { values.append(Self.column(handle, i)) }
            rows.append(SQLRow(names: names, values: values))
        }
    }

    /// A column of the current row as SQLite stores it (text as its UTF-8 bytes, NULs and all).
    static func column(_ handle: OpaquePointer?, _ i: CInt) -> SQLValue {
        switch sqlite3_column_type(handle, i) {
        case SQLITE_INTEGER: return .integer(sqlite3_column_int64(handle, i))
        case SQLITE_FLOAT: return .real(sqlite3_column_double(handle, i))
        case SQLITE_TEXT:
            guard let text = sqlite3_column_text(handle, i) else { return .text("") }
            let length = Int(sqlite3_column_bytes(handle, i))
            return .text(String(decoding: UnsafeBufferPointer(start: text, count: length), as: UTF8.self))
        case SQLITE_BLOB:
            guard let blob = sqlite3_column_blob(handle, i) else { return .blob(Data()) }
            return .blob(Data(bytes: blob, count: Int(sqlite3_column_bytes(handle, i))))
        default: return .null
        }
    }

    /// Inserts bind straight into SQLite's prepared statement: the seed and the imports insert millions of rows here,
    /// and GRDB's argument boxing cost a quarter of the seed's CPU time. A wrong count of arguments, or any error, is
    /// a `DatabaseError` as GRDB would raise it.
    func insert(_ sql: String, _ arguments: [SQLValue]) throws -> Int64 {
        let handle = try db.cachedStatement(sql: sql).sqliteStatement
        try bind(handle, arguments, sql: sql)
        let code = sqlite3_step(handle)
        guard code == SQLITE_DONE else {
            let error = error(code, sql: sql)
            sqlite3_reset(handle)
            throw error
        }
        sqlite3_reset(handle)
        return db.lastInsertedRowID
    }

    /// Resets a prepared statement and binds its arguments; a wrong count, or any error, is a `DatabaseError` as GRDB
    /// would raise it.
    func bind(_ handle: OpaquePointer?, _ arguments: [SQLValue], sql: String) throws {
        sqlite3_reset(handle)
        sqlite3_clear_bindings(handle)
        guard Int(sqlite3_bind_parameter_count(handle)) == arguments.count else {
            throw error(SQLITE_MISUSE, sql: sql, message: "wrong number of statement arguments: \(arguments.count)")
        }
        let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
        for (i, argument) in arguments.enumerated() {
            let index = CInt(i + 1)
            let code: CInt
            switch argument {
            case .null: code = sqlite3_bind_null(handle, index)
            case .integer(let v): code = sqlite3_bind_int64(handle, index, v)
            case .real(let v): code = sqlite3_bind_double(handle, index, v)
            case .text(let v): code = v.withCString { sqlite3_bind_text(handle, index, $0, -1, transient) }
            case .blob(let v): code = v.withUnsafeBytes { sqlite3_bind_blob(handle, index, $0.baseAddress, CInt($0.count), transient) }
            }
            guard code == SQLITE_OK else { throw error(code, sql: sql) }
        }
    }

    /// SQLite's error for `code` (its extended code and message), as GRDB would raise it.
    func error(_ code: CInt, sql: String, message: String? = nil) -> DatabaseError {
        let text = message ?? db.sqliteConnection.map { String(cString: sqlite3_errmsg($0)) }
        let extended = db.sqliteConnection.map { sqlite3_extended_errcode($0) } ?? code
        return DatabaseError(resultCode: ResultCode(rawValue: extended), message: text, sql: sql)
    }

    /// GRDB's arguments, built without key paths (the bulk loads bind millions of values through here).
    static func statementArguments(_ arguments: [SQLValue]) -> StatementArguments {
        var values: [(any DatabaseValueConvertible)?] = []
        values.reserveCapacity(arguments.count)
        for argument in arguments {
            switch argument {
            case .null: values.append(nil)
            case .integer(let v): values.append(v)
            case .real(let v): values.append(v)
            case .text(let v): values.append(v)
            case .blob(let v): values.append(v)
            }
        }
        return StatementArguments(values)
    }

    static func value(_ value: DatabaseValue) -> SQLValue {
        switch value.storage {
        case .null: return .null
        case .int64(let v): return .integer(v)
        case .double(let v): return .real(v)
        case .string(let v): return .text(v)
        case .blob(let v): return .blob(v)
        }
    }
}

/// Each query's column name → position map, made once per SQL text rather than per query (folding every name to lower
/// case, each time, was 2.5 % of an issuance). Kept with the columns it was made from and used only while they are the
/// same (a `SELECT *` has other columns after a migration). Bounded: texts made on the fly past the limit are indexed
/// each time.
final class ColumnIndexes: @unchecked Sendable {
    static let shared = ColumnIndexes()
    private let lock = NSLock()
    private var indexes: [String: (columns: [String], index: [String: Int])] = [:]
    private let limit = 2048

    func index(_ sql: String, columns: [String]) -> [String: Int] {
        if let known = lock.withLock({ indexes[sql] }), known.columns == columns { return known.index }
        let index = SQLRow.index(columns)
        lock.withLock { if indexes.count < limit || indexes[sql] != nil { indexes[sql] = (columns, index) } }
        return index
    }
}

/// `?` placeholders numbered for PostgreSQL (`$1`, `$2` …), leaving quoted text and identifiers alone.
enum Placeholders {
    /// With `types`, the n-th placeholder becomes `$n::type` (left bare where its type is "").
    static func numbered(_ sql: String, types: [String] = []) -> String {
        var out = ""
        out.reserveCapacity(sql.utf8.count + 16)
        var n = 0
        var quote: Character?
        for c in sql {
            if let q = quote {
                if c == q { quote = nil }
                out.append(c)
            } else if c == "'" || c == "\"" {
                quote = c
                out.append(c)
            } else if c == "?" {
                n += 1
                out += "$\(n)"
                if n <= types.count, !types[n - 1].isEmpty { out += "::" + types[n - 1] }
            } else {
                out.append(c)
            }
        }
        return out
    }
}

/// Where transactions over shared SQL run: the SQLite database (GRDB) or a PostgreSQL engine. Code written against
/// `SQLSession` runs unchanged on either; the contract suite holds both to the same behaviour.
public protocol SQLTransactor: Sendable {
    var engine: SQLEngine { get }
    /// All of `body` or nothing, waiting on the calling thread.
    func transaction<T>(readOnly: Bool, _ body: (any SQLSession) throws -> T) throws -> T
    /// The same from async code, never blocking the cooperative pool.
    func transaction<T: Sendable>(readOnly: Bool, async body: @escaping @Sendable (any SQLSession) throws -> T) async throws -> T
}

extension PostgresEngine: SQLTransactor {
    public var engine: SQLEngine { .postgres }
}

extension MadoguchiDatabase: SQLTransactor {
    public func transaction<T>(readOnly: Bool, _ body: (any SQLSession) throws -> T) throws -> T {
        switch storage {
        case .sqlite(let writer):
            return try Self.coded {
                readOnly
                    ? try writer.read { db in try body(GRDBSession(db: db)) }
                    : try writer.write { db in try body(GRDBSession(db: db)) }
            }
        case .postgres(let engine):
            return try engine.transaction(readOnly: readOnly, body)
        }
    }

    public func transaction<T: Sendable>(readOnly: Bool, async body: @escaping @Sendable (any SQLSession) throws -> T) async throws
        -> T
    {
        switch storage {
        case .sqlite:
            return readOnly
                ? try await reading { db in try body(GRDBSession(db: db)) }
                : try await writing { db in try body(GRDBSession(db: db)) }
        case .postgres(let engine):
            return try await engine.transaction(readOnly: readOnly, async: body)
        }
    }
}

extension MadoguchiDatabase {
    /// A read that may lag the primary by the replication delay, on the standby when the city has one: public
    /// verification, the published keys, the registry's search. When the standby cannot be reached (or there is none)
    /// it runs on the primary; when the primary is down the standby still answers these reads.
    public func publicRead<T>(_ body: (any SQLSession) throws -> T) throws -> T {
        if let standby {
            do { return try standby.transaction(readOnly: true, body) } catch let e as MadoguchiError where e.code == .storeUnavailable {}
        }
        return try transaction(readOnly: true, body)
    }

    /// `publicRead` over the window's records.
    public func publicSnapshot<T>(_ body: (any WindowTransaction) throws -> T) throws -> T {
        let keys = self.keys
        return try publicRead { s in try body(SQLWindowTransaction(db: s, keys: keys)) }
    }

    /// Whether reads that may lag go to a standby.
    public var hasStandby: Bool { standby != nil }
}

extension MadoguchiDatabase {
    /// A read-only transaction in the shared SQL, from async code, on either engine.
    func sqlRead<T: Sendable>(_ body: @escaping @Sendable (any SQLSession) throws -> T) async throws -> T {
        try await transaction(readOnly: true, async: body)
    }

    /// A write transaction in the shared SQL, from async code, on either engine: all of `body` or nothing.
    func sqlWrite<T: Sendable>(_ body: @escaping @Sendable (any SQLSession) throws -> T) async throws -> T {
        try await transaction(readOnly: false, async: body)
    }
}

extension PostgresEngine {
    /// Connects to a PostgreSQL database and brings its schema up to date.
    public static func open(url: String) throws -> PostgresEngine {
        let engine = try PostgresEngine(url: url)
        try PostgresSchema.migrate(engine)
        return engine
    }

    /// The migrations applied to this database, in order.
    public func appliedMigrations() throws -> [String] { try PostgresSchema.applied(self) }
}
