import Foundation
import HTTPTypes
import Hummingbird
import MadoguchiDocuments
import MadoguchiDomain
import MadoguchiIssuance

/// The queue's public pages (issue 14, item 4): the touch page at a facility's entrance (and on a phone from its QR
/// code), the ticket's own page with its place and alerts, and the display board. The ticket page and the board are
/// pushed live by server-sent events; their fragments are made by the same views as the first page, so a phone without
/// script still sees a correct page (it reloads itself every 30 seconds instead).
struct QueuePages<Context: RequestContext> {
    let queue: QueueService
    let cityName: String
    let secure: Bool

    func addRoutes(to router: Router<Context>) {
        router.get("/facilities/:id/queue", use: touchPage)
        router.post("/facilities/:id/queue", use: drawFromPage)
        router.get("/facilities/:id/board", use: boardPage)
        router.get("/facilities/:id/board/events", use: boardEvents)
        router.get("/tickets/:ticket", use: ticketPage)
        router.post("/tickets/:ticket/cancel", use: cancelFromPage)
        router.post("/tickets/:ticket/check-in", use: checkInFromPage)
        router.get("/tickets/:ticket/events", use: ticketEvents)
        router.get("/assets/queue.js", use: script)
    }

    static func language(_ request: Request) -> String { request.uri.queryParameters.get("lang") == "en" ? "en" : "ja" }

    // MARK: - The touch page

    @Sendable func touchPage(_ request: Request, context: Context) async throws -> Response {
        let lines = try await queue.lines(of: context.parameters.get("id") ?? "")
        let model = TouchModel(lines: lines, lang: Self.language(request), channel: request.uri.queryParameters.get("channel") == "web" ? .web : .entrance)
        return HTML.response(HTML.page(title: model.title, cityName: cityName, body: QueueViews.touch(model), style: QueueViews.style, lang: model.lang))
    }

    @Sendable func drawFromPage(_ request: Request, context: Context) async throws -> Response {
        let id = context.parameters.get("id") ?? ""
        let form = try await FormData.read(request)
        let lang = form["lang"] == "en" ? "en" : "ja"
        let channel: TicketChannel = form["channel"] == "web" ? .web : .entrance
        let route = form.all("route").filter { !$0.isEmpty }.compactMap(QueueProcedure.init(rawValue:))
        do {
            guard route.count == form.all("route").filter({ !$0.isEmpty }).count else {
                throw MadoguchiError(.queueInvalid, ja: "手続を選んでください", en: "Choose a procedure")
            }
            let (ticket, _) = try await queue.draw(facilityId: id, route: route, channel: channel, language: lang, email: form["email"])
            var headers = HTTPFields()
            headers[.location] = "/tickets/\(ticket.id)"
            return Response(status: .seeOther, headers: headers)
        } catch let error as MadoguchiError {
            let lines = try await queue.lines(of: id)
            let model = TouchModel(lines: lines, lang: lang, channel: channel, error: error)
            return HTML.response(
                HTML.page(title: model.title, cityName: cityName, body: QueueViews.touch(model), style: QueueViews.style, lang: lang),
                status: .init(code: ErrorStatus.status(of: error.code.rawValue)))
        }
    }

    // MARK: - The ticket's page

    @Sendable func ticketPage(_ request: Request, context: Context) async throws -> Response {
        let ticket = context.parameters.get("ticket") ?? ""
        let status = try await queue.status(of: ticket)
        let url = "\(secure ? "https" : "http")://\(request.head.authority ?? "localhost")/tickets/\(ticket)"
        let model = TicketModel(status: status, ticket: ticket, url: url)
        var response = HTML.response(HTML.page(
            title: model.title, cityName: cityName, body: QueueViews.ticket(model), style: QueueViews.style, lang: status.language,
            script: "/assets/queue.js"))
        response.headers[.cacheControl] = "no-store"
        response.headers[HTTPField.Name("Referrer-Policy")!] = "no-referrer"
        return response
    }

    @Sendable func cancelFromPage(_ request: Request, context: Context) async throws -> Response {
        let ticket = context.parameters.get("ticket") ?? ""
        _ = try await queue.cancel(ticketId: ticket)
        return Self.backToTicket(ticket)
    }

    /// A reservation checked in on arrival (on the phone, or at the entrance from its QR code).
    @Sendable func checkInFromPage(_ request: Request, context: Context) async throws -> Response {
        let ticket = context.parameters.get("ticket") ?? ""
        _ = try await queue.checkIn(ticketId: ticket)
        return Self.backToTicket(ticket)
    }

    static func backToTicket(_ ticket: String) -> Response {
        var headers = HTTPFields()
        headers[.location] = "/tickets/\(ticket)"
        return Response(status: .seeOther, headers: headers)
    }

    @Sendable func ticketEvents(_ request: Request, context: Context) async throws -> Response {
        let ticket = context.parameters.get("ticket") ?? ""
        let queue = queue
        _ = try await queue.status(of: ticket)  // an unknown ticket is a 404 before the stream starts
        return EventStream.response(version: { try await queue.version(ofTicket: ticket) }) {
            let status = try await queue.status(of: ticket)
            let model = TicketModel(status: status, ticket: ticket, url: nil)
            return (EventStream.json([
                "html": QueueViews.ticketLive(model), "alert": model.alert ?? "", "title": model.title, "version": String(status.version),
                "final": status.state.isActive ? "" : "1",
            ]), !status.state.isActive)
        }
    }

    // MARK: - The display board

    @Sendable func boardPage(_ request: Request, context: Context) async throws -> Response {
        let board = try await queue.board(of: context.parameters.get("id") ?? "")
        var response = HTML.response(HTML.page(
            title: "\(board.facilityName) 呼出案内", cityName: cityName, body: QueueViews.board(board), style: QueueViews.style + QueueViews.boardStyle,
            wide: true, script: "/assets/queue.js"))
        response.headers[.cacheControl] = "no-store"
        return response
    }

    @Sendable func boardEvents(_ request: Request, context: Context) async throws -> Response {
        let id = context.parameters.get("id") ?? ""
        let queue = queue
        _ = try await queue.board(of: id)
        return EventStream.response(version: { try await queue.version(of: id) }) {
            let board = try await queue.board(of: id)
            return (EventStream.json(["html": QueueViews.boardLive(board), "version": String(board.version)]), false)
        }
    }

    @Sendable func script(_ request: Request, context: Context) async throws -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "text/javascript; charset=utf-8"
        headers[.cacheControl] = "public, max-age=3600"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: QueueViews.script)))
    }
}

/// Server-sent events: the stream sends an event whenever the watched version changes (checked twice a second, so
/// a change on another server shows too), a comment every 15 seconds to keep proxies from closing it, and ends after
/// five minutes (the browser reconnects) or when the last event says it is final.
enum EventStream {
    static func response(
        seconds: Double = 300, version: @escaping @Sendable () async throws -> Int,
        event: @escaping @Sendable () async throws -> (data: String, final: Bool)
    ) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "text/event-stream; charset=utf-8"
        headers[.cacheControl] = "no-store"
        headers[HTTPField.Name("X-Accel-Buffering")!] = "no"
        return Response(status: .ok, headers: headers, body: ResponseBody { writer in
            let end = ContinuousClock.now + .seconds(seconds)
            var last = -1
            var quiet = 0
            try await writer.write(ByteBuffer(string: "retry: 2000\n\n"))
            while ContinuousClock.now < end, !Task.isCancelled {
                let now = try await version()
                if now != last {
                    last = now
                    let (data, final) = try await event()
                    try await writer.write(ByteBuffer(string: "id: \(now)\ndata: \(data)\n\n"))
                    if final { break }
                    quiet = 0
                } else {
                    quiet += 1
                    if quiet % 30 == 0 { try await writer.write(ByteBuffer(string: ": keep-alive\n\n")) }
                }
                try await Task.sleep(for: .milliseconds(500))
            }
            try await writer.finish(nil)
        })
    }

    /// A flat JSON object of strings on one line (an SSE `data:` line cannot hold a line break).
    static func json(_ fields: [String: String]) -> String {
        let data = (try? JSONSerialization.data(withJSONObject: fields, options: [.sortedKeys])) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self)
    }
}

/// The touch page's model.
struct TouchModel {
    var lines: QueueService.Lines
    var lang: String
    var channel: TicketChannel
    var error: MadoguchiError? = nil

    var en: Bool { lang == "en" }
    var title: String { en ? "\(lines.facility.name): take a number" : "\(lines.facility.name) 番号札の発行" }
}

/// The ticket page's model.
struct TicketModel {
    var status: QueueService.Status
    var ticket: String
    /// The page's address, for its QR code (first page only)
    var url: String?

    var en: Bool { status.language == "en" }
    /// "called" when called to a window, "near" when few are ahead
    var alert: String? { status.state == .called ? "called" : status.near ? "near" : nil }
    var title: String {
        switch alert {
        case "called": en ? "\(status.number): go to Window \(status.windowId ?? "")" : "\(status.number)番 \(status.windowId ?? "")番窓口へ"
        case "near": en ? "\(status.number): your turn is near" : "\(status.number)番 まもなく順番です"
        default: en ? "Ticket \(status.number)" : "番号札 \(status.number)"
        }
    }
}

/// The views of the queue's pages: plain functions of their models; every value is escaped.
enum QueueViews {
    static func e(_ s: String) -> String { HTML.escape(s) }

    static let style = """
        .big{font-size:3.5rem;font-weight:700;letter-spacing:.05em;margin:.2rem 0}
        .lines{display:grid;grid-template-columns:repeat(auto-fill,minmax(14rem,1fr));gap:.8rem;margin:1rem 0}
        .lines button{font-size:1.3rem;padding:1.2rem .8rem;border:2px solid #0b5394;border-radius:.6rem;background:#eef3f8;color:#0b2e52;text-align:left}
        .lines button span{display:block;font-size:.95rem;color:#333}
        .alert{border:3px solid #b45309;background:#fff7e6;padding:.8rem 1rem;border-radius:.5rem;font-size:1.2rem;font-weight:700}
        .called{border-color:#b91c1c;background:#fde8e8}
        .error{border:2px solid #b91c1c;background:#fde8e8;padding:.6rem 1rem}
        .facts{font-size:1.2rem}.muted{color:#555}
        label{display:block;margin:.5rem 0 .2rem}select,input{font-size:1.05rem;padding:.3rem}
        button.main{font-size:1.2rem;padding:.6rem 1.4rem;margin-top:.8rem}
        """

    static let boardStyle = """
        .board td,.board th{font-size:1.6rem;padding:.5rem 1rem}.board .num{font-size:2.4rem;font-weight:700}
        .calling{font-size:2rem}.calling strong{display:inline-block;margin-right:1.5rem;color:#b91c1c}
        @media (max-width:600px){.board td,.board th{font-size:1.05rem;padding:.3rem .4rem}.board .num{font-size:1.5rem}.calling{font-size:1.3rem}}
        """

    static func touch(_ m: TouchModel) -> String {
        let en = m.en
        var out = "<h1>\(e(m.title))</h1>"
        out += "<p class=\"muted\">\(e(en ? "Today: " : "本日の受付: "))\(e(en ? m.lines.hours.spans.map(\.description).joined(separator: ", ") : m.lines.hours.japanese))"
        out += " · <a href=\"?lang=\(en ? "ja" : "en")\(m.channel == .web ? "&amp;channel=web" : "")\" lang=\"\(en ? "ja" : "en")\">\(en ? "日本語" : "English")</a></p>"
        if let error = m.error { out += "<p class=\"error\" role=\"alert\">\(e(en ? error.en : error.ja))</p>" }
        if !m.lines.openNow {
            out += "<p class=\"error\" role=\"status\">\(e(en ? "Tickets are not issued at this time." : "ただいま受付時間外です。"))</p>"
        }
        if m.lines.procedures.isEmpty {
            return out + "<p>\(e(en ? "This facility has no counter queue." : "この施設には番号札の窓口がありません。"))</p>"
        }
        let hidden = "<input type=\"hidden\" name=\"lang\" value=\"\(m.lang)\"><input type=\"hidden\" name=\"channel\" value=\"\(m.channel.rawValue)\">"
        out += "<form method=\"post\" action=\"/facilities/\(e(m.lines.facility.facilityId))/queue\">\(hidden)"
        out += "<h2>\(e(en ? "What have you come for?" : "ご用件を選んでください"))</h2><div class=\"lines\">"
        for p in m.lines.procedures {
            out += "<button type=\"submit\" name=\"route\" value=\"\(p.rawValue)\">\(p.letter) \(e(en ? p.english : p.japanese))"
            out += "<span lang=\"\(en ? "ja" : "en")\">\(e(en ? p.japanese : p.english))</span></button>"
        }
        out += "</div></form>"
        // Several windows in one visit, and alerts by e-mail.
        out += "<details><summary>\(e(en ? "Several procedures, or alerts by e-mail" : "複数の手続がある方・メールでお知らせを受け取る方"))</summary>"
        out += "<form method=\"post\" action=\"/facilities/\(e(m.lines.facility.facilityId))/queue\">\(hidden)"
        for i in 1...3 {
            out += "<label for=\"route\(i)\">\(e(en ? "Procedure \(i)" : "\(i)つ目の手続"))\(i == 1 ? "" : e(en ? " (optional)" : "（任意）"))</label>"
            out += "<select id=\"route\(i)\" name=\"route\"\(i == 1 ? " required" : "")><option value=\"\">—</option>"
            for p in m.lines.procedures { out += "<option value=\"\(p.rawValue)\">\(p.letter) \(e(en ? p.english : p.japanese))</option>" }
            out += "</select>"
        }
        out += "<label for=\"email\">\(e(en ? "E-mail for alerts (optional; deleted when your visit ends)" : "お知らせを受け取るメールアドレス（任意・用件の終了時に消去します）"))</label>"
        out += "<input id=\"email\" name=\"email\" type=\"email\" autocomplete=\"email\" inputmode=\"email\">"
        out += "<br><button class=\"main\" type=\"submit\">\(e(en ? "Take a number" : "番号札を発行する"))</button></form></details>"
        return out
    }

    static func ticket(_ m: TicketModel) -> String {
        let en = m.en
        var out = "<div data-events=\"/tickets/\(e(m.ticket))/events\" data-alert=\"\(m.alert ?? "")\" aria-live=\"polite\">"
        out += ticketLive(m) + "</div>"
        if m.status.state.isActive {
            if let url = m.url, let qr = QRSVG.svg(url, label: en ? "This page's address" : "このページのアドレス") {
                out += "<h2>\(e(en ? "Follow on your phone" : "スマートフォンで確認"))</h2><p>\(qr)</p>"
                out += "<p class=\"muted\">\(e(en ? "Scan to follow your place and be alerted. Keep this page to yourself." : "読み取ると順番の確認とお知らせができます。このページのアドレスは他の人に教えないでください。"))</p>"
            }
            out += "<p><button type=\"button\" id=\"notify\">\(e(en ? "Alert me on this device" : "この端末で通知を受け取る"))</button></p>"
            if m.status.state == .reserved {
                out += "<form method=\"post\" action=\"/tickets/\(e(m.ticket))/check-in\"><button class=\"main\" type=\"submit\">\(e(en ? "I have arrived: check in" : "到着しました（受付する）"))</button></form>"
            }
            if [.waiting, .reserved, .parked].contains(m.status.state) {
                out += "<form method=\"post\" action=\"/tickets/\(e(m.ticket))/cancel\"><button type=\"submit\">\(e(en ? "Give up my place" : "順番を取り消す"))</button></form>"
            }
        }
        out += "<noscript><p class=\"muted\">\(e(en ? "Reload the page to see your place." : "最新の順番はページを再読み込みしてご確認ください。"))</p></noscript>"
        return out
    }

    /// The part of the ticket page that changes.
    static func ticketLive(_ m: TicketModel) -> String {
        let s = m.status
        let en = m.en
        var out = "<p class=\"muted\">\(e(s.facilityName)) · \(e(en ? s.procedure.english : s.procedure.japanese))"
        if s.steps > 1 { out += e(en ? " (step \(s.step + 1) of \(s.steps))" : "（\(s.steps)件中\(s.step + 1)件目）") }
        out += "</p><h1><span class=\"muted\">\(e(en ? "Your number" : "あなたの番号"))</span><br><span class=\"big\">\(e(s.number))</span></h1>"
        switch m.alert {
        case "called":
            out += "<p class=\"alert called\" role=\"alert\">\(e(en ? "Please go to Window \(s.windowId ?? "") now." : "\(s.windowId ?? "")番窓口へお越しください。"))</p>"
        case "near":
            out += "<p class=\"alert\" role=\"alert\">\(e(en ? "Your turn is near: please come back to the waiting area." : "まもなく順番です。待合スペースへお戻りください。"))</p>"
        default: break
        }
        out += "<p class=\"facts\"><strong>\(e(en ? s.state.english : s.state.japanese))</strong>"
        if s.state == .waiting {
            out += "<br>" + e(en ? "\(s.ahead) ahead of you, about \(s.estimatedWaitMinutes) minutes" : "あなたの前に\(s.ahead)人・およそ\(s.estimatedWaitMinutes)分")
        }
        if s.state == .reserved, let slot = s.slot {
            let m = JapanTime.minuteOfDay(of: slot)
            let time = TimeOfDay(minutes: m)?.description ?? ""
            out += "<br>" + e(en ? "Reserved for \(time). Check in at the entrance when you arrive." : "\(time)の予約です。来庁されたら入口で受付してください。")
        }
        if s.state == .serving, let w = s.windowId { out += "<br>" + e(en ? "At Window \(w)" : "\(w)番窓口で受付中") }
        return out + "</p>"
    }

    static func board(_ b: QueueService.Board) -> String {
        "<div data-events=\"/facilities/\(e(b.facilityId))/board/events\" aria-live=\"polite\">\(boardLive(b))</div>"
    }

    /// The part of the board that changes: numbers only, in Japanese and English.
    static func boardLive(_ b: QueueService.Board) -> String {
        var out = "<h1>\(e(b.facilityName)) 呼出案内 <span lang=\"en\" class=\"muted\">Now calling</span></h1>"
        out += "<p class=\"calling\">"
        out += b.calling.isEmpty ? "—" : b.calling.prefix(6).map { "<strong>\(e($0))</strong>" }.joined()
        out += "</p><table class=\"board\"><thead><tr><th scope=\"col\">窓口 <span lang=\"en\">Window</span></th>"
        out += "<th scope=\"col\">番号 <span lang=\"en\">Number</span></th></tr></thead><tbody>"
        for w in b.windows {
            let state = w.state == .called ? "お越しください <span lang=\"en\">please come</span>" : w.state == .serving ? "受付中 <span lang=\"en\">serving</span>" : ""
            out += "<tr><th scope=\"row\">\(e(w.id))番 <span lang=\"en\">Window \(e(w.id))</span></th><td><span class=\"num\">\(e(w.number ?? "—"))</span> \(state)</td></tr>"
        }
        out += "</tbody></table><h2>お待ちの人数 <span lang=\"en\">Waiting</span></h2><table class=\"board\"><thead><tr>"
        out += "<th scope=\"col\">手続 <span lang=\"en\">Procedure</span></th><th scope=\"col\">人数 <span lang=\"en\">Waiting</span></th>"
        out += "<th scope=\"col\">待ち時間の目安 <span lang=\"en\">Estimated wait</span></th></tr></thead><tbody>"
        for l in b.lines {
            out += "<tr><th scope=\"row\">\(e(l.letter)) \(e(l.japanese)) <span lang=\"en\">\(e(l.english))</span></th><td>\(l.waiting)人</td>"
            out += "<td>約\(l.estimatedWaitMinutes)分 <span lang=\"en\">about \(l.estimatedWaitMinutes) min</span></td></tr>"
        }
        return out + "</tbody></table>"
    }

    /// The pages' one script: follows the server's events, replaces the live part, and alerts once per alert.
    static let script = """
        (function () {
          "use strict";
          var root = document.querySelector("[data-events]");
          var ask = document.getElementById("notify");
          if (ask && window.Notification) {
            ask.addEventListener("click", function () { Notification.requestPermission(); });
          } else if (ask) {
            ask.hidden = true;
          }
          if (!root) { return; }
          if (!window.EventSource) { setTimeout(function () { location.reload(); }, 30000); return; }
          var last = root.getAttribute("data-alert") || "";
          var source = new EventSource(root.getAttribute("data-events"));
          source.onmessage = function (message) {
            var data = JSON.parse(message.data);
            root.innerHTML = data.html;
            root.setAttribute("data-version", data.version);
            if (data.title) { document.title = data.title; }
            if (data.alert && data.alert !== last) {
              if (navigator.vibrate) { navigator.vibrate([300, 100, 300]); }
              if (window.Notification && Notification.permission === "granted") { new Notification(data.title); }
            }
            if (data.alert !== undefined) { last = data.alert; root.setAttribute("data-alert", last); }
            if (data.final) { source.close(); }
          };
        })();
        """
}
