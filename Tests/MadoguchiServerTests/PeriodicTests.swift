import Logging
import MadoguchiTestSupport
import ServiceLifecycle
import Testing

@testable import MadoguchiServer

/// The server's periodic services (the kiosk sweep every second, the mail outbox every 2 s, the queue sweep every 15 s)
/// stop as soon as the server is asked to (SIGTERM is a graceful shutdown), not after their wait.
@Suite struct PeriodicTests {
    /// A service with an hour between runs, shut down in its first wait, ends. The test allows ten minutes: a loaded
    /// machine has ample room, and a service that waited out its period could not pass.
    @Test func shutdownEndsTheWait() async throws {
        let (runs, counted) = AsyncStream.makeStream(of: Void.self)
        let service = Periodic(period: .seconds(3600)) { counted.yield() }
        let group = ServiceGroup(configuration: .init(services: [service], logger: Logger(label: "periodic-test")))
        let running = Task { try await group.run() }
        var iterator = runs.makeAsyncIterator()
        _ = await iterator.next()  // the first run is done; the service now waits for its next
        await group.triggerGracefulShutdown()
        let ended = await result(of: running, within: .seconds(600))
        #expect(ended != nil, "the service was still waiting out its hour after ten minutes")
        if case .failure(let error) = ended { Issue.record("the group failed: \(error)") }
        counted.finish()
        var more = 0
        while await iterator.next() != nil { more += 1 }
        #expect(more == 0, "the service ran again after the shutdown")
    }

    /// Until the shutdown, the work runs again after each period.
    @Test func runsAgainAfterItsPeriod() async throws {
        let (runs, counted) = AsyncStream.makeStream(of: Void.self)
        let service = Periodic(period: .milliseconds(10)) { counted.yield() }
        let group = ServiceGroup(configuration: .init(services: [service], logger: Logger(label: "periodic-test")))
        let running = Task { try await group.run() }
        var iterator = runs.makeAsyncIterator()
        for _ in 0..<3 { _ = await iterator.next() }
        await group.triggerGracefulShutdown()
        let ended = await result(of: running, within: .seconds(600))
        #expect(ended != nil)
    }
}
