import Logging
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

extension Periodic {
    /// A sweep every `period`: `sweep` returns how many things it changed; a count above nought is logged as `what`
    /// (its metadata key `count`), a failure as `failed`, and the next sweep comes all the same.
    static func sweep(
        every period: Duration, logger: Logger, what: Logger.Message, count: String, failed: Logger.Message,
        _ sweep: @escaping @Sendable () async throws -> Int
    ) -> Periodic {
        Periodic(period: period) {
            do {
                let n = try await sweep()
                if n > 0 { logger.info(what, metadata: [count: "\(n)"]) }
            } catch {
                logger.error(failed, metadata: ["error": "\(error)"])
            }
        }
    }
}
