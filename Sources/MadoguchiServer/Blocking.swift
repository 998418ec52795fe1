import Dispatch

/// Runs synchronous database work (GRDB's blocking API) on a Dispatch thread, not on the cooperative pool.
///
/// The cooperative pool has one thread per core. A handler blocked there, waiting for a database reader,
/// can starve the async reads that would free that reader: a first release run of the store fault test
/// stalled a city this way. Handlers call the repositories' synchronous methods through this.
func blocking<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        DispatchQueue.global().async { continuation.resume(with: Result { try body() }) }
    }
}
