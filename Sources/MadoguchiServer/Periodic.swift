import ServiceLifecycle

/// A service that does its work now and then once every `period`, until the service group shuts down.
///
/// The wait between two runs ends at once on graceful shutdown (SIGTERM): a plain `Task.sleep` there would hold the
/// server's stop back by up to a whole period (the queue sweep's is 15 s). `work` handles its own errors; one failed
/// run never stops the next.
struct Periodic: Service {
    let period: Duration
    let work: @Sendable () async -> Void

    func run() async throws {
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            await work()
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: period) }
        }
    }
}
