import Foundation
import HTTPTypes
import Hummingbird

#if canImport(Glibc)
import Glibc
#endif

/// An IPv4 or IPv6 address, or a block of them in CIDR notation (`10.0.0.0/8`, `fd00::/8`, `127.0.0.1`).
public struct AddressRange: Sendable, Hashable, CustomStringConvertible {
    /// The network's bytes: 4 for IPv4, 16 for IPv6.
    let network: [UInt8]
    /// How many leading bits an address must share with `network`.
    let prefix: Int

    /// Nil when `text` is not an address or block (a prefix longer than the address, a host name, anything else).
    public init?(_ text: String) {
        let parts = text.trimmingCharacters(in: .whitespaces).split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        guard let bytes = Self.bytes(of: String(parts[0])) else { return nil }
        let prefix = parts.count == 2 ? Int(parts[1]) : bytes.count * 8
        guard let prefix, prefix >= 0, prefix <= bytes.count * 8 else { return nil }
        self.network = bytes
        self.prefix = prefix
    }

    public var description: String { "\(Self.text(network) ?? "?")/\(prefix)" }

    /// Whether `address` (its bytes, as `bytes(of:)` gives them) is in this block.
    func contains(_ address: [UInt8]) -> Bool {
        guard address.count == network.count else { return false }
        var bits = prefix
        for (a, n) in zip(address, network) where bits > 0 {
            let mask: UInt8 = bits >= 8 ? 0xFF : ~(0xFF >> UInt8(bits))
            if a & mask != n & mask { return false }
            bits -= 8
        }
        return true
    }

    /// An address's bytes: 4 for IPv4 and for IPv6's IPv4-mapped form (`::ffff:192.0.2.1` is `192.0.2.1`), 16 for
    /// IPv6. Nil for anything else, a zone (`%eth0`) included.
    static func bytes(of text: String) -> [UInt8]? {
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 { return withUnsafeBytes(of: &v4) { Array($0) } }
        var v6 = in6_addr()
        guard inet_pton(AF_INET6, text, &v6) == 1 else { return nil }
        let bytes = withUnsafeBytes(of: &v6) { Array($0) }
        if bytes[0..<10].allSatisfy({ $0 == 0 }) && bytes[10] == 0xFF && bytes[11] == 0xFF { return Array(bytes[12...]) }
        return bytes
    }

    /// The canonical text of an address's bytes (`inet_ntop`): one client, one spelling.
    static func text(_ bytes: [UInt8]) -> String? {
        var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        let family = bytes.count == 4 ? AF_INET : AF_INET6
        let ok = bytes.withUnsafeBytes { raw in inet_ntop(family, raw.baseAddress, &buffer, socklen_t(buffer.count)) != nil }
        return ok ? String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self) : nil
    }
}

/// Who a request comes from when the server stands behind reverse proxies it trusts (`MADOGUCHI_TRUSTED_PROXIES`).
///
/// Each proxy appends the address it was called from to `X-Forwarded-For`; whatever stands left of that was written by
/// the caller and proves nothing. So the client is the last address that is not one of the trusted proxies, read from
/// the right. The header counts only when the connection itself comes from a trusted proxy: anyone else can write it,
/// and a client that varied it would escape the rate limits. A hop that is not an address (a misconfigured proxy)
/// stops the reading, and the client is then the proxy itself: its limits then count everyone behind it together,
/// which is stricter, never looser.
public struct TrustedProxies: Sendable {
    public let ranges: [AddressRange]

    public init(_ ranges: [AddressRange]) { self.ranges = ranges }

    func trusts(_ bytes: [UInt8]) -> Bool { ranges.contains { $0.contains(bytes) } }

    /// The client's address for a connection from `peer` whose request carried these `X-Forwarded-For` values (each
    /// a comma-separated list; several header lines read as one list, in order).
    func client(peer: String?, forwardedFor values: [String]) -> String? {
        guard let peer, let peerBytes = AddressRange.bytes(of: peer) else { return peer }
        let peerText = AddressRange.text(peerBytes) ?? peer
        guard trusts(peerBytes) else { return peerText }
        let hops = values.flatMap { $0.split(separator: ",") }.map { $0.trimmingCharacters(in: .whitespaces) }
        var client = peerText
        for hop in hops.reversed() {
            guard let bytes = AddressRange.bytes(of: Self.withoutPort(hop)), let text = AddressRange.text(bytes) else { return peerText }
            client = text
            if !trusts(bytes) { return client }
        }
        return client
    }

    /// `192.0.2.1:4711` and `[2001:db8::1]:443` as some proxies write them, without the port.
    static func withoutPort(_ hop: String) -> String {
        if hop.hasPrefix("["), let end = hop.firstIndex(of: "]") { return String(hop[hop.index(after: hop.startIndex)..<end]) }
        let colons = hop.filter { $0 == ":" }.count
        if colons == 1, let colon = hop.firstIndex(of: ":") { return String(hop[..<colon]) }
        return hop
    }
}

/// Sets the request's client address from `X-Forwarded-For` when the connection comes from a trusted proxy, before
/// the rate limits count it.
struct ForwardedForMiddleware<Context: StaffContext>: RouterMiddleware {
    static var header: HTTPField.Name { HTTPField.Name("X-Forwarded-For")! }
    let proxies: TrustedProxies

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        context.clientAddress = proxies.client(peer: context.clientAddress, forwardedFor: request.headers[values: Self.header])
        return try await next(request, context)
    }
}
