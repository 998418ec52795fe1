import MadoguchiDomain
import MadoguchiIssuance

/// Everything the server reads from its environment, read once at start-up.
public struct ServerConfiguration: Sendable {
    public var host: String
    public var port: Int
    /// Session cookies carry `Secure`: the server is reached over TLS (`MADOGUCHI_SECURE_COOKIES=1`)
    public var secureCookies: Bool
    public var clock: MadoguchiClock
    /// The token hubs present on the kiosk protocol (`MADOGUCHI_HUB_TOKEN`); none: open (a demo on loopback)
    public var hubToken: String?
    /// This city's store menu, hours and deadlines
    public var kiosk: KioskPolicy
    /// This city's fees (手数料条例)
    public var fees: FeeSchedule
    /// 広域交付: the secret this city shares with the relay (`MADOGUCHI_RELAY_TOKEN`), which the relay presents when
    /// another city asks; none: this city answers no other city
    public var relayToken: String?
    /// 広域交付: the way to other cities' records (a client of the relay); none: this counter prints its own only
    public var wideAreaRelay: (any WideAreaRelay)?

    public init(
        host: String = "127.0.0.1", port: Int = 8080, secureCookies: Bool = false, clock: MadoguchiClock = .system,
        hubToken: String? = nil, kiosk: KioskPolicy = KioskPolicy(), fees: FeeSchedule = .demoCity, relayToken: String? = nil,
        wideAreaRelay: (any WideAreaRelay)? = nil
    ) {
        self.relayToken = relayToken
        self.wideAreaRelay = wideAreaRelay
        self.host = host
        self.port = port
        self.secureCookies = secureCookies
        self.clock = clock
        self.hubToken = hubToken
        self.kiosk = kiosk
        self.fees = fees
    }

    /// A random token (a benchmark's hub token).
    public static func generateToken() -> String {
        var rng = SystemRandomNumberGenerator()
        return (0..<32).map { _ in String(UInt8.random(in: 0...255, using: &rng), radix: 16).leftPadded2 }.joined()
    }
}

extension String {
    var leftPadded2: String { count == 1 ? "0" + self : self }
}
