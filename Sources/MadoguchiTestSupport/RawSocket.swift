import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A plain TCP connection to 127.0.0.1, for tests that must send bytes exactly as written: a path no URL type
/// would keep (`/card/..`, `%63ard`), or half a request.
public final class RawSocket {
    public let fd: Int32

    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    /// Connects, with `patience` seconds for every read.
    public init(port: Int, patience: Int = 30) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Failure(description: "socket: errno \(errno)") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else {
            close(fd)
            throw Failure(description: "connect to port \(port): errno \(errno)")
        }
        var timeout = timeval(tv_sec: patience, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    deinit { close(fd) }

    /// Sends every byte.
    public func send(_ data: Data) throws {
        let bytes = [UInt8](data)
        var sent = 0
        while sent < bytes.count {
            let n = bytes[sent...].withUnsafeBufferPointer { sendBytes(fd, $0.baseAddress, $0.count) }
            guard n > 0 else { throw Failure(description: "send: errno \(errno)") }
            sent += n
        }
    }

    /// One read: the bytes that came, empty when the peer closed, nil on a timeout or error.
    public func receive(upTo count: Int = 65536) -> Data? {
        var buffer = [UInt8](repeating: 0, count: count)
        let n = recv(fd, &buffer, count, 0)
        return n < 0 ? nil : Data(buffer[0..<n])
    }

    /// Reads until the peer closes the connection (a request sent with `Connection: close`).
    public func receiveAll() throws -> Data {
        var all = Data()
        while true {
            guard let chunk = receive() else { throw Failure(description: "recv: errno \(errno)") }
            if chunk.isEmpty { return all }
            all += chunk
        }
    }

    /// Sends a whole request and returns the whole answer.
    public static func exchange(port: Int, _ request: Data) throws -> Data {
        let socket = try RawSocket(port: port)
        try socket.send(request)
        return try socket.receiveAll()
    }
}

private func sendBytes(_ fd: Int32, _ pointer: UnsafePointer<UInt8>?, _ count: Int) -> Int {
    send(fd, pointer, count, 0)
}

/// Ports for daemons a test starts: `count` in a row, each free when asked, below the kernel's ephemeral range
/// (32768 and up on Linux), where outgoing connections would otherwise take them.
public enum FreePorts {
    public static func base(_ count: Int) -> Int {
        for _ in 0..<200 {
            let base = Int.random(in: 20_000...(32_000 - count))
            if (base..<(base + count)).allSatisfy(isFree) { return base }
        }
        return Int.random(in: 20_000...(32_000 - count))
    }

    static func isFree(_ port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        } == 0
    }
}

/// A loopback port that takes connections (the kernel completes them into the listening queue) and never says a
/// word: a peer that hangs. Closing it resets whatever is still waiting in its queue.
public final class SilentListener: @unchecked Sendable {
    public let port: Int
    private let fd: Int32
    private let lock = NSLock()
    private var closed = false

    public init() throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw RawSocket.Failure(description: "socket: errno \(errno)") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && listen(fd, 16) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        guard bound else {
            Glibc.close(fd)
            throw RawSocket.Failure(description: "listen: errno \(errno)")
        }
        self.fd = fd
        port = Int(UInt16(bigEndian: address.sin_port))
    }

    public func close() {
        lock.withLock {
            if !closed { Glibc.close(fd) }
            closed = true
        }
    }

    deinit { close() }
}
