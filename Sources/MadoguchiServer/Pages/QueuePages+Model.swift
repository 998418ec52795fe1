import Foundation
import MadoguchiDocuments
import MadoguchiDomain
import MadoguchiIssuance

/// The touch page at a facility's entrance (and on a phone): one button per line, and a form for a visit of several
/// lines or alerts by e-mail.
struct TouchPage {
    struct Line {
        let value: String
        let letter: String
        let name: String
        /// The line's name in the other language, under it
        let other: String
    }

    struct Step {
        let id: String
        let label: String
        let required: Bool
    }

    let language: Language
    let title: String
    let today: String
    let toggle: String
    let error: String?
    let closed: String?
    let noQueue: String
    let action: String
    let channel: String
    let hasLines: Bool
    let lines: [Line]
    let steps: [Step]
    let words: [String: String]

    init(lines: QueueService.Lines, language: Language, channel: TicketChannel, error: MadoguchiError? = nil) {
        let l = language
        self.language = l
        title = l.t("\(lines.facility.name) 番号札の発行", "\(lines.facility.name): take a number")
        today = l.t("本日の受付: ", "Today: ") + (l.en ? lines.hours.spans.map(\.description).joined(separator: ", ") : lines.hours.japanese)
        toggle = "?lang=\(l.other)" + (channel == .web ? "&channel=web" : "")
        self.error = error.map { l.en ? $0.en : $0.ja }
        closed = lines.openNow ? nil : l.t("ただいま受付時間外です。", "Tickets are not issued at this time.")
        noQueue = l.t("この施設には番号札の窓口がありません。", "This facility has no counter queue.")
        action = "/facilities/\(lines.facility.facilityId)/queue"
        self.channel = channel.rawValue
        hasLines = !lines.procedures.isEmpty
        self.lines = lines.procedures.map {
            Line(value: $0.rawValue, letter: String($0.letter), name: l.en ? $0.english : $0.japanese, other: l.en ? $0.japanese : $0.english)
        }
        steps = (1...3).map { i in
            Step(id: "route\(i)", label: l.t("\(i)つ目の手続", "Procedure \(i)") + (i == 1 ? "" : l.t("（任意）", " (optional)")), required: i == 1)
        }
        words = [
            "ask": l.t("ご用件を選んでください", "What have you come for?"),
            "more": l.t("複数の手続がある方・メールでお知らせを受け取る方", "Several procedures, or alerts by e-mail"),
            "email": l.t("お知らせを受け取るメールアドレス（任意・用件の終了時に消去します）", "E-mail for alerts (optional; deleted when your visit ends)"),
            "take": l.t("番号札を発行する", "Take a number"),
        ]
    }
}

/// The ticket's page: the live part (its number, state and place), its QR code to follow it on a phone, and what the
/// holder can do.
struct TicketPage {
    /// The part that changes, sent again by the page's events.
    struct Live {
        let about: String
        let yourNumber: String
        let number: String
        let called: String?
        let near: String?
        let state: String
        let facts: [String]

        init(status s: QueueService.Status, language l: Language) {
            about = "\(s.facilityName) · " + (l.en ? s.procedure.english : s.procedure.japanese)
                + (s.steps > 1 ? l.t("（\(s.steps)件中\(s.step + 1)件目）", " (step \(s.step + 1) of \(s.steps))") : "")
            yourNumber = l.t("あなたの番号", "Your number")
            number = s.number
            let window = s.windowId ?? ""
            called = s.state == .called ? l.t("\(window)番窓口へお越しください。", "Please go to Window \(window) now.") : nil
            near = s.state != .called && s.near ? l.t("まもなく順番です。待合スペースへお戻りください。", "Your turn is near: please come back to the waiting area.") : nil
            state = l.en ? s.state.english : s.state.japanese
            var facts: [String] = []
            if s.state == .waiting {
                facts.append(l.t("あなたの前に\(s.ahead)人・およそ\(s.estimatedWaitMinutes)分", "\(s.ahead) ahead of you, about \(s.estimatedWaitMinutes) minutes"))
            }
            if s.state == .reserved, let slot = s.slot {
                let time = TimeOfDay(minutes: JapanTime.minuteOfDay(of: slot))?.description ?? ""
                facts.append(l.t("\(time)の予約です。来庁されたら入口で受付してください。", "Reserved for \(time). Check in at the entrance when you arrive."))
            }
            if s.state == .serving, let w = s.windowId { facts.append(l.t("\(w)番窓口で受付中", "At Window \(w)")) }
            self.facts = facts
        }
    }

    let language: Language
    let title: String
    /// "called" when called to a window, "near" when few are ahead, else empty
    let alert: String
    let events: String
    let toggle: String
    let live: String
    let active: Bool
    /// The QR code of the page's address (an SVG this program drew), first page only
    let qr: String?
    let canCheckIn: Bool
    let canCancel: Bool
    let base: String
    let words: [String: String]

    /// The page in `language`: the one asked for with `?lang=`, else the one the ticket was drawn in.
    init(status: QueueService.Status, ticket: String, url: String?, language: Language) {
        let l = language
        let s = status
        self.language = l
        alert = Self.alert(s) ?? ""
        title = Self.title(s, l)
        base = "/tickets/\(ticket)"
        // The events carry the page's language only when it is not the ticket's own.
        events = "/tickets/\(ticket)/events" + (l.code == s.language ? "" : "?lang=\(l.code)")
        toggle = "/tickets/\(ticket)?lang=\(l.other)"
        live = Views.render(Live(status: s, language: l), .ticketLive)
        active = s.state.isActive
        qr = s.state.isActive ? url.flatMap { QRSVG.svg($0, label: l.t("このページのアドレス", "This page's address")) } : nil
        canCheckIn = s.state == .reserved
        canCancel = [.waiting, .reserved, .parked].contains(s.state)
        words = [
            "follow": l.t("スマートフォンで確認", "Follow on your phone"),
            "scan": l.t(
                "読み取ると順番の確認とお知らせができます。このページのアドレスは他の人に教えないでください。",
                "Scan to follow your place and be alerted. Keep this page to yourself."),
            "notify": l.t("この端末で通知を受け取る", "Alert me on this device"),
            "checkIn": l.t("到着しました（受付する）", "I have arrived: check in"),
            "cancel": l.t("順番を取り消す", "Give up my place"),
            "reload": l.t("最新の順番はページを再読み込みしてご確認ください。", "Reload the page to see your place."),
        ]
    }

    static func alert(_ s: QueueService.Status) -> String? { s.state == .called ? "called" : s.near ? "near" : nil }

    static func title(_ s: QueueService.Status, _ l: Language) -> String {
        switch alert(s) {
        case "called": l.t("\(s.number)番 \(s.windowId ?? "")番窓口へ", "\(s.number): go to Window \(s.windowId ?? "")")
        case "near": l.t("\(s.number)番 まもなく順番です", "\(s.number): your turn is near")
        default: l.t("番号札 \(s.number)", "Ticket \(s.number)")
        }
    }
}

/// The display board: the numbers called and each line's waiting count, in Japanese and English at once (a board is
/// read by everyone in the room).
struct BoardPage {
    struct Window {
        let id: String
        let number: String
        let called: Bool
        let serving: Bool
    }

    struct Line {
        let letter: String
        let japanese: String
        let english: String
        let waiting: Int
        let minutes: Int
    }

    let facilityName: String
    let events: String
    let calling: [String]
    let noneCalling: Bool
    let windows: [Window]
    let lines: [Line]
    /// The part that changes, sent again by the board's events
    private(set) var live = ""

    init(_ b: QueueService.Board) {
        facilityName = b.facilityName
        events = "/facilities/\(b.facilityId)/board/events"
        calling = Array(b.calling.prefix(6))
        noneCalling = b.calling.isEmpty
        windows = b.windows.map { Window(id: $0.id, number: $0.number ?? "—", called: $0.state == .called, serving: $0.state == .serving) }
        lines = b.lines.map {
            Line(letter: $0.letter, japanese: $0.japanese, english: $0.english, waiting: $0.waiting, minutes: $0.estimatedWaitMinutes)
        }
        live = Views.render(self, .boardLive)
    }

}
