import MadoguchiDomain

/// Everything the server reads from its environment, read once at start-up.
public struct ServerConfiguration: Sendable {
    public var host: String
    public var port: Int
    /// The bearer token staff clients present (`MADOGUCHI_STAFF_TOKEN`)
    public var staffToken: String
    public var clock: MadoguchiClock

    public init(host: String = "127.0.0.1", port: Int = 8080, staffToken: String, clock: MadoguchiClock = .system) {
        self.host = host
        self.port = port
        self.staffToken = staffToken
        self.clock = clock
    }

    /// A random token for a demo started without `MADOGUCHI_STAFF_TOKEN`.
    public static func generateToken() -> String {
        var rng = SystemRandomNumberGenerator()
        return (0..<32).map { _ in String(UInt8.random(in: 0...255, using: &rng), radix: 16).leftPadded2 }.joined()
    }
}

extension String {
    var leftPadded2: String { count == 1 ? "0" + self : self }
}
