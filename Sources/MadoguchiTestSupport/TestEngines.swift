import Foundation
import MadoguchiStore

/// Both storage engines for the contract suite: a fresh SQLite file, or a fresh database on the PostgreSQL server the
/// test script started (`MADOGUCHI_TEST_POSTGRES`). Each test gets its own, removed afterwards.
///
/// Without a server the PostgreSQL half is skipped, unless `MADOGUCHI_REQUIRE_POSTGRES=1` (the test script sets it, so
/// CI cannot pass with the half left out): then a missing server fails the test.
public enum TestEngines {
    /// The engines to run a contract test on: SQLite always, PostgreSQL when a server is given or required.
    public static var available: [SQLEngine] {
        serverURL != nil || required ? [.sqlite, .postgres] : [.sqlite]
    }

    public static var serverURL: String? { ProcessInfo.processInfo.environment["MADOGUCHI_TEST_POSTGRES"].flatMap { $0.isEmpty ? nil : $0 } }
    public static var required: Bool { ProcessInfo.processInfo.environment["MADOGUCHI_REQUIRE_POSTGRES"] == "1" }

    public struct Missing: Error, CustomStringConvertible {
        public var description: String { "MADOGUCHI_REQUIRE_POSTGRES=1 but MADOGUCHI_TEST_POSTGRES names no server" }
    }

    /// A fresh store on `engine`, and how to remove it.
    public final class Fresh: Sendable {
        public let engine: SQLEngine
        /// The SQLite file, or the PostgreSQL URL of the test's own database
        public let location: String
        let drop: @Sendable () -> Void

        init(engine: SQLEngine, location: String, drop: @escaping @Sendable () -> Void) {
            self.engine = engine
            self.location = location
            self.drop = drop
        }

        /// Another handle on the same store, as a second server process would have.
        public func open() throws -> any SQLTransactor {
            switch engine {
            case .sqlite: return try MadoguchiDatabase.open(path: location)
            case .postgres: return try PostgresEngine.open(url: location)
            }
        }

        /// The city's database on this store, as the server opens it (`keys`: the key-encryption key, one per store).
        public func database(keys: MasterKey) throws -> MadoguchiDatabase {
            switch engine {
            case .sqlite: return try MadoguchiDatabase.open(path: location, keys: keys)
            case .postgres: return try MadoguchiDatabase.open(postgres: location, keys: keys)
            }
        }

        deinit { drop() }
    }

    public static func fresh(_ engine: SQLEngine) throws -> Fresh {
        switch engine {
        case .sqlite:
            let dir = FileManager.default.temporaryDirectory.appendingPathComponent("madoguchi-contract-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            return Fresh(engine: .sqlite, location: dir.appendingPathComponent("city.sqlite").path) {
                try? FileManager.default.removeItem(at: dir)
            }
        case .postgres:
            guard let server = serverURL else { throw Missing() }
            let name = "madoguchi_t_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(16)
            let admin = try PostgresEngine(url: server, threads: 1)
            try admin.autocommit("CREATE DATABASE \(name)")
            var url = URLComponents(string: server)!
            url.path = "/" + name
            return Fresh(engine: .postgres, location: url.string!) {
                try? admin.autocommit("DROP DATABASE IF EXISTS \(name) WITH (FORCE)")
                admin.closeIdle()
            }
        }
    }
}
