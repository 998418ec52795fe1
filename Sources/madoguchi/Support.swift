import ArgumentParser
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import MadoguchiDemo
import MadoguchiDomain

/// The default database file of the embedded demo.
let defaultDatabasePath = "madoguchi-data/madoguchi.sqlite"

/// Prints a domain error the way every command does (Japanese, then English with the code) and exits 1.
func fail(_ error: any Error) -> ExitCode {
    if let e = error as? MadoguchiError {
        FileHandle.standardError.write(Data("エラー: \(e.ja)\nerror: \(e.en) [\(e.code)]\n".utf8))
    } else {
        FileHandle.standardError.write(Data("エラー / error: \(error)\n".utf8))
    }
    return ExitCode(1)
}

/// Runs a command body, turning domain errors into exit status 1 with a clear message.
func reporting<T>(_ body: () throws -> T) throws -> T {
    do { return try body() } catch let e as ExitCode { throw e } catch { throw fail(error) }
}

/// `reporting` for async work.
func reporting<T>(_ body: () async throws -> T) async throws -> T {
    do { return try await body() } catch let e as ExitCode { throw e } catch { throw fail(error) }
}

func printError(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
}

/// A progress bar on a terminal; silent when standard error is not one.
struct ProgressBar {
    let total: Int
    let label: String
    let enabled = isatty(2) == 1
    var lastPercent = -1

    init(total: Int, label: String) {
        self.total = total
        self.label = label
    }

    mutating func update(_ done: Int) {
        guard enabled, total > 0 else { return }
        let percent = min(100, done * 100 / total)
        guard percent != lastPercent else { return }
        lastPercent = percent
        let filled = percent * 30 / 100
        let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: 30 - filled)
        FileHandle.standardError.write(Data("\r\(label) [\(bar)] \(percent)% \(done)/\(total)".utf8))
        if done >= total { FileHandle.standardError.write(Data("\n".utf8)) }
    }
}

/// Start-up phases of a long-running command, one line each on standard output with the seconds since the command
/// began, flushed at once: when a server's output goes to a file (a service manager, a test's log), the file says
/// how far start-up got even if it never finishes.
struct StartupLog {
    let start = ContinuousClock.now

    func phase(_ ja: String, _ en: String) {
        print(String(format: "[%.2f s] ", Seed.seconds(ContinuousClock.now - start)) + "\(ja) / \(en)")
        fflush(nil)
    }
}

/// Peak resident memory of this process (Linux VmHWM), in MiB.
func peakMemoryMiB() -> Double? {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return nil }
    for line in status.split(separator: "\n") where line.hasPrefix("VmHWM:") {
        let kb = line.split(separator: " ").compactMap { Double($0) }.first
        return kb.map { $0 / 1024 }
    }
    return nil
}

/// The city a `seed` or `serve` run is for: the demo 窓口市 unless `--city` and `--city-name` say otherwise.
func cityIdentity(code: String?, name: String?) throws -> DemoCity.Identity {
    switch (code, name) {
    case (nil, nil): return .standard
    case (let code?, let name?) where !name.isEmpty: return DemoCity.Identity(code: try LocalGovernmentCode(code), name: name)
    default:
        throw MadoguchiError(
            .invalidOption, ja: "--city と --city-name は両方指定してください", en: "Give both --city and --city-name")
    }
}

/// The clock of a server or hub: `MADOGUCHI_CLOCK` (an ISO 8601 instant with offset) sets where it starts,
/// and it runs on from there; the system clock otherwise.
///
/// `MADOGUCHI_CLOCK_FILE` names a file holding an ISO 8601 instant instead: the clock reads that instant and
/// stands still until the file changes. It is a test seam, for runs in which one driver steps the clocks of
/// several processes past their deadlines (`madoguchi bench kiosk --stepped-clock`), so that no deadline
/// passes because the machine is slow. It is announced on standard error whenever it is in use.
func environmentClock() throws -> MadoguchiClock {
    if let path = ProcessInfo.processInfo.environment["MADOGUCHI_CLOCK_FILE"], !path.isEmpty {
        let clock = FileClock(path: path)
        guard clock.read() != nil else {
            throw MadoguchiError(
                .invalidDate, ja: "MADOGUCHI_CLOCK_FILE の日時が読めません: \(path)",
                en: "MADOGUCHI_CLOCK_FILE holds no ISO 8601 time: \(path)")
        }
        printError("試験用の時計（\(path)）を使います / test clock read from \(path)")
        return MadoguchiClock { clock.now() }
    }
    guard let text = ProcessInfo.processInfo.environment["MADOGUCHI_CLOCK"], !text.isEmpty else { return .system }
    guard let fixed = MadoguchiClock.parse(text) else {
        throw MadoguchiError(
            .invalidDate, ja: "MADOGUCHI_CLOCK が日時として読めません: \(text)", en: "MADOGUCHI_CLOCK is not an ISO 8601 time: \(text)")
    }
    return .starting(at: fixed.now())
}

/// A clock that stands at the instant written in a file (`2026-11-24T10:00:00+09:00`), re-read on every reading.
/// A file being rewritten, unreadable or empty for a moment, keeps the last instant read.
final class FileClock: @unchecked Sendable {
    let path: String
    private let lock = NSLock()
    private var last: (text: String, date: Date)?

    init(path: String) { self.path = path }

    /// The instant in the file, or nil when it holds none.
    func read() -> Date? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        let text = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        lock.lock()
        defer { lock.unlock() }
        if let last, last.text == text { return last.date }
        guard let date = MadoguchiClock.parse(text)?.now() else { return nil }
        last = (text, date)
        return date
    }

    func now() -> Date {
        if let date = read() { return date }
        lock.lock()
        defer { lock.unlock() }
        return last?.date ?? Date()
    }

    /// Writes an instant for every process reading the file: a new file renamed over the old, so no reader
    /// sees half of it.
    static func write(_ date: Date, to path: String) throws {
        let temporary = path + ".tmp"
        try Data((KioskBench.instant(date) + "\n").utf8).write(to: URL(fileURLWithPath: temporary))
        if rename(temporary, path) != 0 {
            throw MadoguchiError(.invalidOption, ja: "時計ファイルを書けません: \(path)", en: "Cannot write the clock file \(path)")
        }
    }
}

/// A list of certificate kinds given as `a,b,c` (their API names).
func parseKinds(_ text: String) throws -> [CertificateKind] {
    try text.split(separator: ",").map { raw in
        let name = raw.trimmingCharacters(in: .whitespaces)
        guard let kind = CertificateKind(rawValue: name) else {
            throw MadoguchiError(
                .invalidOption, ja: "証明書の種類が不明です: \(name)（\(CertificateKind.allCases.map(\.rawValue).joined(separator: ", "))）",
                en: "Unknown certificate kind \(name); one of \(CertificateKind.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return kind
    }
}

/// The bytes of a file, or of an http(s) URL answering 200; a coded failure (exit 1) otherwise. `what` names it in
/// Japanese for the message.
func fetchFileOrURL(_ source: String, what: String) async throws -> Data {
    if source.hasPrefix("http://") || source.hasPrefix("https://"), let url = URL(string: source) {
        guard let (body, response) = try? await URLSession.shared.data(from: url), (response as? HTTPURLResponse)?.statusCode == 200
        else { throw fail(MadoguchiError(.fileUnreadable, ja: "\(what)を取得できません: \(source)", en: "Cannot fetch \(source)")) }
        return body
    }
    guard let body = FileManager.default.contents(atPath: source) else {
        throw fail(MadoguchiError(.fileUnreadable, ja: "\(what)を読めません: \(source)", en: "Cannot read \(source)"))
    }
    return body
}

/// A bench's report as JSON on standard output (`--json`): pretty, keys sorted, so runs diff cleanly.
func printJSON(_ report: some Encodable) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
    print(String(decoding: try encoder.encode(report), as: UTF8.self))
}
