import Foundation

/// Runs blocking work (minutes of synchronous database calls) on a thread of its own and awaits it, so that it does not
/// hold one of the cooperative pool's threads, which on a two-core machine are two: two long synchronous tests side by
/// side once starved every async test of the process for five minutes. The body must not record test issues (it runs
/// outside the test's task); return what it found and check it in the test.
public func offThePool<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        Thread { continuation.resume(with: Result { try body() }) }.start()
    }
}
