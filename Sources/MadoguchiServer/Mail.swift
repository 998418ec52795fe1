import Foundation
import Logging
import MadoguchiDomain
import MadoguchiIssuance
import MadoguchiStore
import ServiceLifecycle

/// The city's mail transport: its SMTP relay, reached through msmtp (`MADOGUCHI_SMTP=host:port`,
/// `MADOGUCHI_MAIL_FROM`, `MADOGUCHI_SMTP_TLS=1` for STARTTLS). Nothing else of the mail system lives here.
public struct MailTransport: Sendable, Hashable {
    public var host: String
    public var port: Int
    public var from: String
    public var startTLS: Bool
    public var msmtp: String
    /// How long msmtp waits for the relay at any step before it gives up. Without it msmtp waits as long as the
    /// system does, for ever on a relay that accepts the connection and then says nothing, and the outbox, sent one
    /// message after another, stops behind that one.
    public var timeoutSeconds: Int

    public init(host: String, port: Int, from: String, startTLS: Bool = false, msmtp: String = "/usr/bin/msmtp", timeoutSeconds: Int = 30) {
        self.host = host
        self.port = port
        self.from = from
        self.startTLS = startTLS
        self.msmtp = msmtp
        self.timeoutSeconds = timeoutSeconds
    }

    /// `host:port` as the environment gives it.
    public init?(address: String, from: String, startTLS: Bool = false) {
        guard let colon = address.lastIndex(of: ":"), let port = Int(address[address.index(after: colon)...]), (1...65535).contains(port),
            colon > address.startIndex
        else { return nil }
        self.init(host: String(address[..<colon]), port: port, from: from, startTLS: startTLS)
    }

    /// Hands one message to the relay; throws with msmtp's own words when it is refused.
    func send(_ message: String, to recipient: String) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: msmtp)
        process.arguments = [
            "--host=\(host)", "--port=\(port)", "--from=\(from)", "--auth=off", "--tls=\(startTLS ? "on" : "off")",
            "--tls-starttls=\(startTLS ? "on" : "off")", "--timeout=\(max(1, timeoutSeconds))", "--", recipient,
        ]
        let input = Pipe()
        let errors = Pipe()
        process.standardInput = input
        process.standardOutput = FileHandle.nullDevice
        process.standardError = errors
        try process.run()
        input.fileHandleForWriting.write(Data(message.utf8))
        try input.fileHandleForWriting.close()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            let said = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            throw MadoguchiError(.mailFailed, ja: "メールを送れませんでした: \(said)", en: "The mail relay refused: \(said)")
        }
    }
}

/// An alert as an Internet message (RFC 5322 with MIME): UTF-8 subject in RFC 2047 words, body in base64.
enum MailMessage {
    static func text(_ mail: OutboundMail, from: String, cityName: String, messageId: String) -> String {
        var lines = [
            "From: " + encodedWord(cityName) + " <\(from)>",
            "To: <\(mail.recipient)>",
            "Subject: " + encodedWord(mail.subject),
            "Date: " + rfc5322Date(mail.createdAt),
            "Message-ID: <\(messageId)>",
            "MIME-Version: 1.0",
            "Content-Type: text/plain; charset=UTF-8",
            "Content-Transfer-Encoding: base64",
            "Auto-Submitted: auto-generated",
            "",
        ]
        let body = Data(mail.body.replacingOccurrences(of: "\n", with: "\r\n").utf8).base64EncodedString()
        var i = body.startIndex
        while i < body.endIndex {
            let end = body.index(i, offsetBy: 76, limitedBy: body.endIndex) ?? body.endIndex
            lines.append(String(body[i..<end]))
            i = end
        }
        return lines.joined(separator: "\r\n") + "\r\n"
    }

    /// `=?UTF-8?B?…?=` words of at most 45 bytes of text each (so a header line stays under 78 characters), split on
    /// character boundaries.
    static func encodedWord(_ text: String) -> String {
        guard !text.allSatisfy({ $0.isASCII && $0 != "=" && $0 != "?" }) else { return text }
        var words: [String] = []
        var chunk = ""
        for c in text {
            if chunk.utf8.count + String(c).utf8.count > 45 {
                words.append(chunk)
                chunk = ""
            }
            chunk.append(c)
        }
        if !chunk.isEmpty { words.append(chunk) }
        return words.map { "=?UTF-8?B?" + Data($0.utf8).base64EncodedString() + "?=" }.joined(separator: "\r\n ")
    }

    static func rfc5322Date(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(secondsFromGMT: JapanTime.offsetSeconds)
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss Z"
        return formatter.string(from: date)
    }
}

/// Sends the outbox: every two seconds, the mail written by the queue's changes, oldest first. A refused message is
/// tried again (five times at most) and its error kept; an address never reaches the log.
public struct MailSender: Service {
    let store: any QueueStore
    let transport: MailTransport
    let cityName: String
    let clock: MadoguchiClock
    let logger: Logger

    public init(store: any QueueStore, transport: MailTransport, cityName: String, clock: MadoguchiClock, logger: Logger) {
        self.store = store
        self.transport = transport
        self.cityName = cityName
        self.clock = clock
        self.logger = logger
    }

    /// Sends what is waiting; answers how many went.
    public func sendPending() async throws -> Int {
        var sent = 0
        for mail in try await store.pendingMail(limit: 50) where mail.attempts < 5 {
            guard let id = mail.id else { continue }
            let host = transport.from.split(separator: "@").last.map(String.init) ?? "localhost"
            let message = MailMessage.text(mail, from: transport.from, cityName: cityName, messageId: "queue.\(id)@\(host)")
            let transport = transport
            let recipient = mail.recipient
            do {
                try await blocking { try transport.send(message, to: recipient) }
                try await store.markMail(id: id, sentAt: clock.now(), error: nil)
                sent += 1
            } catch {
                try await store.markMail(id: id, sentAt: nil, error: String(describing: error).prefix(500).description)
                logger.warning("mail not sent", metadata: ["outbox": "\(id)", "attempt": "\(mail.attempts + 1)"])
            }
        }
        return sent
    }

    public func run() async throws {
        try await Periodic(period: .seconds(2)) {
            do { _ = try await sendPending() } catch { logger.error("mail outbox unreadable", metadata: ["error": "\(error)"]) }
        }.run()
    }
}

/// Marks the queue's lapsed tickets (called and not come, reservations not checked in) every 15 seconds.
func queueSweeper(queue: QueueService, logger: Logger) -> Periodic {
    .sweep(every: .seconds(15), logger: logger, what: "queue tickets lapsed", count: "tickets", failed: "queue sweep failed") {
        try await queue.sweep()
    }
}

extension MadoguchiError.Code {
    static let mailFailed = Self("mail.failed")
}
