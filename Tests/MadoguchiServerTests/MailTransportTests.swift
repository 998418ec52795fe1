import Foundation
import MadoguchiTestSupport
import Testing

@testable import MadoguchiDomain
@testable import MadoguchiServer

/// The mail relay, reached through msmtp, as seen from the outbox.
@Suite("メールの送信")
struct MailTransportTests {
    /// Hostile: a relay that takes the connection and never greets. Every alert after it waits in the outbox behind
    /// it (they are sent one after another), so a send must give up, with a coded error the outbox keeps, and not
    /// wait as long as the system would (for ever).
    @Test("a relay that accepts and never answers is given up on at the transport's timeout, with mail.failed")
    func silentRelay() async throws {
        let relay = try SilentListener()
        defer { relay.close() }
        let transport = MailTransport(host: "127.0.0.1", port: relay.port, from: "madoguchi@city.example.jp", timeoutSeconds: 2)
        let began = ContinuousClock.now
        let outcome = Outcome()
        Thread {
            do { try transport.send("Subject: test\r\n\r\nbody\r\n", to: "resident@example.jp") } catch { outcome.set(error) }
            outcome.finish()
        }.start()
        // A send that never ends is ended here, by closing the relay (its queued connection is reset), so that the
        // test fails instead of hanging.
        // 600 s: room for a busy machine; without the timeout msmtp waits for ever.
        while !outcome.finished, ContinuousClock.now - began < .seconds(600) { try await Task.sleep(for: .milliseconds(100)) }
        let gaveUp = outcome.finished
        relay.close()
        while !outcome.finished { try await Task.sleep(for: .milliseconds(100)) }
        #expect(gaveUp, "msmtp was still waiting for the relay after 600 s")
        #expect((outcome.error as? MadoguchiError)?.code == .mailFailed, "\(String(describing: outcome.error))")
    }

    final class Outcome: @unchecked Sendable {
        private let lock = NSLock()
        private var ended = false
        private var thrown: (any Error)?
        func set(_ error: any Error) { lock.withLock { thrown = error } }
        func finish() { lock.withLock { ended = true } }
        var finished: Bool { lock.withLock { ended } }
        var error: (any Error)? { lock.withLock { thrown } }
    }
}
