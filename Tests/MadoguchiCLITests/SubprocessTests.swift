import Foundation
import MadoguchiTestSupport
import Testing

/// The tests' own way of running programs: what every CLI, daemon and checker test stands on.
@Suite("テスト用の子プロセス")
struct SubprocessTests {
    @Test("both outputs far past a pipe's 64 KiB are read whole, in any order the child writes them")
    func largeOutputs() throws {
        // 1 MiB to standard error first, then 1 MiB to standard output: reading one to its end before the other
        // would leave the child blocked on a full pipe for ever.
        let outcome = try Subprocess.run(
            "/bin/sh", ["-c", "head -c 1048576 /dev/zero | tr '\\0' e >&2; head -c 1048576 /dev/zero | tr '\\0' o"], limit: .seconds(120))
        #expect(!outcome.timedOut)
        #expect(outcome.status == 0)
        #expect(outcome.err.count == 1 << 20 && outcome.err.allSatisfy { $0 == UInt8(ascii: "e") })
        #expect(outcome.out.count == 1 << 20 && outcome.out.allSatisfy { $0 == UInt8(ascii: "o") })
    }

    @Test("an exit code and a signal come back as Foundation gave them; a missing program is an error")
    func statuses() throws {
        #expect(try Subprocess.run("/bin/sh", ["-c", "exit 3"]).status == 3)
        let killed = try Spawned("/bin/sh", ["-c", "kill -9 $$"])
        #expect(killed.wait(limit: .seconds(60)) == 9)
        #expect(killed.endedBySignal)
        #expect(throws: (any Error).self) { try Spawned("/nonexistent/madoguchi-tool", []) }
    }

    @Test("past its limit a command and what it started are killed, and what it printed is kept")
    func limit() throws {
        let began = ContinuousClock.now
        // The shell starts a grandchild that would sleep for an hour, holding the pipe.
        let outcome = try Subprocess.run("/bin/sh", ["-c", "echo started; sleep 3600 & wait"], limit: .seconds(2))
        #expect(outcome.timedOut)
        #expect(outcome.outText == "started\n")
        // Far below the grandchild's hour, far above any machine's delay.
        #expect(ContinuousClock.now - began < .seconds(600), "the grandchild did not hold the run open")
    }

    @Test("a child holds nothing of this process's but its three standard streams, even a pipe opened just before")
    func nothingInherited() throws {
        // A pipe of this process's, open while the child starts (as another test's would be).
        let other = Pipe()
        defer { try? other.fileHandleForWriting.close() }
        let child = try Spawned("/bin/sleep", ["30"])
        defer { kill(child.pid, SIGKILL) }
        // The dynamic loader opens and closes files of its own as the program starts: an inherited descriptor is
        // one that stays.
        let folder = "/proc/\(child.pid)/fd"
        var descriptors: [Int32] = []
        for _ in 0..<100 {
            descriptors = try FileManager.default.contentsOfDirectory(atPath: folder).compactMap { Int32($0) }.sorted()
            if descriptors == [0, 1, 2] { break }
            Thread.sleep(forTimeInterval: 0.1)
        }
        let targets = descriptors.map { (try? FileManager.default.destinationOfSymbolicLink(atPath: "\(folder)/\($0)")) ?? "?" }
        #expect(descriptors == [0, 1, 2], "\(targets)")
        kill(child.pid, SIGKILL)
        #expect(child.wait(limit: .seconds(60)) == SIGKILL)
    }
}
