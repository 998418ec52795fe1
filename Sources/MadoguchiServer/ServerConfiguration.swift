import MadoguchiDomain
import MadoguchiIssuance
import MadoguchiPKI

/// Everything the server reads from its environment, read once at start-up.
public struct ServerConfiguration: Sendable {
    public var host: String
    public var port: Int
    /// Session cookies carry `Secure`: the server is reached over TLS (`MADOGUCHI_SECURE_COOKIES=1`)
    public var secureCookies: Bool
    public var clock: MadoguchiClock
    /// The hubs whose signed requests the kiosk protocol answers (`--hub-keys`, `MADOGUCHI_HUB_KEYS`); none: the
    /// protocol is off
    public var hubKeys: HubKeys?
    /// This city's store menu, hours and deadlines
    public var kiosk: KioskPolicy
    /// This city's fees (手数料条例)
    public var fees: FeeSchedule
    /// 広域交付: the secret this city shares with the relay (`MADOGUCHI_RELAY_TOKEN`), which the relay presents when
    /// another city asks; none: this city answers no other city
    public var relayToken: String?
    /// 広域交付: the way to other cities' records (a client of the relay); none: this counter prints its own only
    public var wideAreaRelay: (any WideAreaRelay)?
    /// The HTTP edge: how long a request may take to arrive, how long a connection may sit idle, and the rate limits
    public var edge = EdgeLimits()
    /// The city's mail relay for the queue's alerts (`MADOGUCHI_SMTP`); none: alerts wait in the outbox
    public var mail: MailTransport?

    public init(
        host: String = "127.0.0.1", port: Int = 8080, secureCookies: Bool = false, clock: MadoguchiClock = .system,
        hubKeys: HubKeys? = nil, kiosk: KioskPolicy = KioskPolicy(), fees: FeeSchedule = .demoCity, relayToken: String? = nil,
        wideAreaRelay: (any WideAreaRelay)? = nil
    ) {
        self.relayToken = relayToken
        self.wideAreaRelay = wideAreaRelay
        self.host = host
        self.port = port
        self.secureCookies = secureCookies
        self.clock = clock
        self.hubKeys = hubKeys
        self.kiosk = kiosk
        self.fees = fees
    }

    /// The limits at the HTTP edge.
    public struct EdgeLimits: Sendable {
        /// Seconds a request's head and body have to arrive, from the connection's start or the last answer
        public var requestSeconds: Double = 30
        /// Seconds a connection may sit idle before it is closed
        public var idleSeconds: Double = 75
        /// Sign-in attempts (staff pages and residents' card) a client address may make in a minute
        public var signInsPerMinute = 20
        /// Public verifications a client address may ask for in a minute
        public var verificationsPerMinute = 120
        /// Tickets and reservations a client address may draw in a minute (the entrance's touch page is one address)
        public var ticketsPerMinute = 30
        /// Reverse proxies whose `X-Forwarded-For` names the client (`MADOGUCHI_TRUSTED_PROXIES`); none: the header
        /// is ignored and each connection's peer is the client
        public var trustedProxies: [AddressRange] = []

        public init() {}
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
