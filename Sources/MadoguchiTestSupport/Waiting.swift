import Foundation

/// Awaits `task` for at most `limit` and returns its result, or `nil` when the limit passed first; the task is then
/// cancelled (and must end on cancellation). The wait holds no thread of the cooperative pool, so a test that uses it
/// cannot starve the async work it waits for, and a long limit costs nothing when the task ends early.
public func result<T: Sendable, F: Error>(of task: Task<T, F>, within limit: Duration) async -> Result<T, F>? {
    let first = FirstOf<Result<T, F>?>()
    return await withCheckedContinuation { continuation in
        first.set(continuation)
        let timer = Task {
            try? await Task.sleep(for: limit)
            if first.resume(with: nil) { task.cancel() }
        }
        Task {
            let result = await task.result
            if first.resume(with: result) { timer.cancel() }
        }
    }
}

/// Resumes a continuation once, with whichever value comes first.
private final class FirstOf<T: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var continuation: CheckedContinuation<T, Never>?

    func set(_ continuation: CheckedContinuation<T, Never>) { lock.withLock { self.continuation = continuation } }

    /// Whether this value was the first.
    func resume(with value: T) -> Bool {
        guard let continuation = lock.withLock({ () -> CheckedContinuation<T, Never>? in
            defer { self.continuation = nil }
            return self.continuation
        }) else { return false }
        continuation.resume(returning: value)
        return true
    }
}
