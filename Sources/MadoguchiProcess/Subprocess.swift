import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A child process started with nothing of this process's but what it is given, and waited for with `waitpid`: a
/// test's checker or daemon, a bench's city or hub.
///
/// Foundation's `Process` is not used for this. It learns that a child ended when a socket the child holds reaches its
/// end, so any other process that holds a copy of that socket keeps the child "running"; and it closes the test
/// process's descriptors in the child only up to the highest one open when it looked, so a pipe another test opens a
/// moment later is inherited. With many suites starting processes side by side, a server started by one test kept
/// another test's pipe open, and that test read and waited for as long as the server lived (a CI run went silent
/// and was cut off after 5,400 s, 2026-12-05). Here every descriptor this type opens is close-on-exec, the child
/// closes everything above standard error before it runs, and the end of the child is its `waitpid`, on a thread of
/// its own.
public final class Spawned: @unchecked Sendable {
    public enum Output: Sendable {
        /// Discarded.
        case null
        /// Into a pipe that `drain` reads.
        case pipe
        /// Appended to this file, made if missing.
        case file(String)
        /// Standard error only: where standard output goes.
        case output
    }

    public let pid: pid_t
    public let arguments: [String]
    private let ended = DispatchSemaphore(value: 0)
    private let lock = NSLock()
    private var exitStatus: Int32?
    private var signalled = false
    private var drains: [Drain] = []

    /// Starts `executable` with `arguments`; `environment` is laid over this process's own. `ownGroup`: the child leads
    /// a process group of its own (a test's, so that its whole family can be found and stopped); without it, it stays
    /// in this process's group, so that a Ctrl-C at the terminal reaches it too (a bench's cities and hubs).
    public init(
        _ executable: String, _ arguments: [String], environment: [String: String] = [:], output: Output = .null, error: Output = .null,
        ownGroup: Bool = true
    ) throws {
        self.arguments = arguments
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        posix_spawnattr_setpgroup(&attributes, 0)
        posix_spawnattr_setflags(&attributes, Int16(ownGroup ? POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK : POSIX_SPAWN_SETSIGMASK))

        var parentEnds: [Int32] = []  // closed in this process once the child has its copies
        var readEnds: [Int32?] = [nil, nil]
        defer { for fd in parentEnds { close(fd) } }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        for (target, choice) in [(Int32(1), output), (Int32(2), error)] {
            switch choice {
            case .null:
                posix_spawn_file_actions_addopen(&actions, target, "/dev/null", O_WRONLY, 0)
            case .pipe:
                var ends: [Int32] = [0, 0]
                guard Self.closeOnExecPipe(&ends) == 0 else { throw Self.failure("pipe2", errno) }
                readEnds[Int(target) - 1] = ends[0]
                parentEnds.append(ends[1])
                posix_spawn_file_actions_adddup2(&actions, ends[1], target)
            case .file(let path):
                let fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
                guard fd >= 0 else { throw Self.failure("open \(path)", errno) }
                parentEnds.append(fd)
                posix_spawn_file_actions_adddup2(&actions, fd, target)
            case .output:
                posix_spawn_file_actions_adddup2(&actions, 1, 2)
            }
        }
        Self.closeTheRest(&actions)

        let environmentLines = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }.map { "\($0.key)=\($0.value)" }
        var child: pid_t = 0
        let spawned = Self.withCStrings([executable] + arguments) { argv in
            Self.withCStrings(environmentLines) { envp in posix_spawn(&child, executable, &actions, &attributes, argv, envp) }
        }
        guard spawned == 0 else {
            for fd in readEnds.compactMap({ $0 }) { close(fd) }
            throw Self.failure("posix_spawn \(executable)", spawned)
        }
        pid = child
        drains = readEnds.map { fd in fd.map(Drain.init) ?? Drain.empty() }
        Thread { [self, child] in
            var status: Int32 = 0
            while waitpid(child, &status, 0) == -1 && errno == EINTR {}
            // An exit's code, or the signal that ended it (as Foundation's `terminationStatus` gives it).
            let code = status & 0x7f == 0 ? (status >> 8) & 0xff : status & 0x7f
            lock.withLock {
                exitStatus = code
                signalled = status & 0x7f != 0
            }
            ended.signal()
        }.start()
    }

    /// The exit code (or the signal that ended it); nil while it runs.
    public var status: Int32? { lock.withLock { exitStatus } }
    public var isRunning: Bool { status == nil }
    /// It ended by a signal (`status` is then the signal's number), not by exiting.
    public var endedBySignal: Bool { lock.withLock { signalled } }

    /// Waits for the end; nil when `limit` passed first.
    @discardableResult
    public func wait(limit: Duration? = nil) -> Int32? {
        guard let limit else {
            ended.wait()
            ended.signal()
            return status
        }
        guard ended.wait(timeout: .now() + limit.seconds) == .success else { return nil }
        ended.signal()
        return status
    }

    /// SIGTERM, the daemons' orderly stop.
    public func terminate() { if isRunning { kill(pid, SIGTERM) } }

    /// SIGTERM, then SIGKILL to it and all it started if it has not ended within `grace`; waits for the end.
    public func stop(grace: Duration = .seconds(60)) {
        terminate()
        if wait(limit: grace) == nil {
            Subprocess.killTree(pid)
            wait()
        }
    }

    /// Standard output (0) or error (1) as read to its end, or what had come when `limit` passed.
    public func drained(_ stream: Int, limit: Duration = .seconds(30)) -> Data { drains[stream].wait(limit: limit).data }

    /// The same, and whether it was read to its end.
    public func drain(_ stream: Int, limit: Duration) -> (data: Data, complete: Bool) { drains[stream].wait(limit: limit) }

    public static func failure(_ what: String, _ code: Int32) -> NSError {
        NSError(domain: NSPOSIXErrorDomain, code: Int(code), userInfo: [NSLocalizedDescriptionKey: "\(what): \(String(cString: strerror(code)))"])
    }

    /// Every descriptor above standard error closed in the child: glibc's `closefrom` action where there is one
    /// (2.34 on), the ones open now otherwise.
    static func closeTheRest(_ actions: inout posix_spawn_file_actions_t) {
        typealias CloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>?, Int32) -> Int32
        if let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "posix_spawn_file_actions_addclosefrom_np") {
            if unsafeBitCast(symbol, to: CloseFrom.self)(&actions, 3) == 0 { return }
        }
        for entry in (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? [] {
            if let fd = Int32(entry), fd > 2 { posix_spawn_file_actions_addclose(&actions, fd) }
        }
    }

    /// `pipe2(O_CLOEXEC)`, which Swift's Glibc module does not declare: both ends are closed in any program another
    /// thread starts at the same moment.
    static func closeOnExecPipe(_ ends: inout [Int32]) -> Int32 {
        typealias Pipe2 = @convention(c) (UnsafeMutablePointer<Int32>?, Int32) -> Int32
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "pipe2") else {
            guard pipe(&ends) == 0 else { return -1 }
            for fd in ends { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
            return 0
        }
        return unsafeBitCast(symbol, to: Pipe2.self)(&ends, O_CLOEXEC)
    }

    static func withCStrings<R>(_ strings: [String], _ body: ([UnsafeMutablePointer<CChar>?]) -> R) -> R {
        var pointers = strings.map { strdup($0) }
        defer { for p in pointers { free(p) } }
        pointers.append(nil)
        return body(pointers)
    }

    /// Reads a pipe to its end on a thread of its own, so that a child that fills one pipe never blocks on it while
    /// the other is read.
    final class Drain: @unchecked Sendable {
        private let done = DispatchSemaphore(value: 0)
        private let lock = NSLock()
        private var data = Data()

        init(_ fd: Int32) {
            Thread { [self] in
                var buffer = [UInt8](repeating: 0, count: 65_536)
                while true {
                    let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
                    if n > 0 {
                        lock.withLock { data.append(contentsOf: buffer[0..<n]) }
                    } else if n == 0 || errno != EINTR {
                        break
                    }
                }
                close(fd)
                done.signal()
            }.start()
        }

        private init() { done.signal() }
        static func empty() -> Drain { Drain() }

        func wait(limit: Duration) -> (data: Data, complete: Bool) {
            let complete = done.wait(timeout: .now() + limit.seconds) == .success
            if complete { done.signal() }
            return (lock.withLock { data }, complete)
        }
    }
}

/// A command run to its end, or stopped at a time limit: in a test, one hang then fails its test with what the
/// command had printed, instead of holding the whole suite until CI's time runs out.
public enum Subprocess {
    public struct Outcome: Sendable {
        public var status: Int32
        public var out: Data
        public var err: Data
        /// The command was killed at its time limit; `status` is then the signal's.
        public var timedOut: Bool
        /// Both outputs were read to their end (false: a descendant still held a pipe when reading gave up, and `out`
        /// and `err` are what had come by then).
        public var complete: Bool

        public var outText: String { String(decoding: out, as: UTF8.self) }
        public var errText: String { String(decoding: err, as: UTF8.self) }
    }

    /// Runs `executable` with `arguments` (and `environment` over this process's own), standard input empty.
    /// `mergeErrors` sends the error output into `out`, in the order it was written.
    public static func run(
        _ executable: String, _ arguments: [String], environment: [String: String] = [:], mergeErrors: Bool = false,
        limit: Duration = .seconds(900)
    ) throws -> Outcome {
        let child = try Spawned(executable, arguments, environment: environment, output: .pipe, error: mergeErrors ? .output : .pipe)
        var timedOut = false
        if child.wait(limit: limit) == nil {
            timedOut = true
            killTree(child.pid)
            child.wait()
        }
        // A grandchild left running may still hold a pipe: what had come by then is the output. The wait is long: the
        // pipe's end comes as soon as its reading thread runs, which a loaded two-core machine may delay for many
        // seconds (a QR read back from zbar came back empty under CI's load with a 30-s wait, 2026-12-05).
        let out = child.drain(0, limit: .seconds(300))
        let err = child.drain(1, limit: .seconds(300))
        return Outcome(status: child.status ?? -1, out: out.data, err: err.data, timedOut: timedOut, complete: out.complete && err.complete)
    }

    /// A tool found on the PATH, as `run` runs a path.
    public static func tool(_ name: String, _ arguments: [String], environment: [String: String] = [:], mergeErrors: Bool = false,
                            limit: Duration = .seconds(900)) throws -> Outcome {
        try run("/usr/bin/env", [name] + arguments, environment: environment, mergeErrors: mergeErrors, limit: limit)
    }

    /// SIGKILL to `pid` and to every process below it, so that none is left holding a port or a pipe.
    public static func killTree(_ pid: Int32) {
        var family = [pid]
        var frontier = [pid]
        while let parent = frontier.popLast() {
            let children = descendants(of: parent)
            family += children
            frontier += children
        }
        for member in family { kill(member, SIGKILL) }
    }

    /// The processes whose parent is `pid` (from /proc).
    static func descendants(of pid: Int32) -> [Int32] {
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc") else { return [] }
        return entries.compactMap { entry -> Int32? in
            guard let child = Int32(entry),
                let stat = try? String(contentsOfFile: "/proc/\(entry)/stat", encoding: .utf8),
                let close = stat.lastIndex(of: ")")
            else { return nil }
            // After the command name in parentheses: state, then the parent's pid.
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            return fields.count > 1 && Int32(fields[1]) == pid ? child : nil
        }
    }
}

extension Duration {
    /// In seconds, with the fraction.
    public var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
