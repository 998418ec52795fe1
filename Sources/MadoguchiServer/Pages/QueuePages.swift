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

    /// A ticket's pages speak the language asked for (`?lang=ja|en`), else the one the ticket was drawn in.
    static func language(_ request: Request, ticket: QueueService.Status) -> Language {
        Language(request.uri.queryParameters.get("lang").flatMap { ["ja", "en"].contains($0) ? $0 : nil } ?? ticket.language)
    }

    static var style: String { Views.Asset.queue.text }
    static var boardStyle: String { Views.Asset.board.text }
    static var script: String { Views.Asset.queueScript.text }

    // MARK: - The touch page

    @Sendable func touchPage(_ request: Request, context: Context) async throws -> Response {
        let lines = try await queue.lines(of: context.parameters.get("id") ?? "")
        let page = TouchPage(
            lines: lines, language: Language(Self.language(request)), channel: request.uri.queryParameters.get("channel") == "web" ? .web : .entrance)
        return HTML.response(HTML.page(title: page.title, cityName: cityName, body: Views.render(page, .touch), style: Self.style, lang: page.language.code))
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
            let page = TouchPage(lines: lines, language: Language(lang), channel: channel, error: error)
            return HTML.response(
                HTML.page(title: page.title, cityName: cityName, body: Views.render(page, .touch), style: Self.style, lang: lang),
                status: .init(code: ErrorStatus.status(of: error.code.rawValue)))
        }
    }

    // MARK: - The ticket's page

    @Sendable func ticketPage(_ request: Request, context: Context) async throws -> Response {
        let ticket = context.parameters.get("ticket") ?? ""
        let status = try await queue.status(of: ticket)
        let url = "\(secure ? "https" : "http")://\(request.head.authority ?? "localhost")/tickets/\(ticket)"
        let page = TicketPage(status: status, ticket: ticket, url: url, language: Self.language(request, ticket: status))
        var response = HTML.response(HTML.page(
            title: page.title, cityName: cityName, body: Views.render(page, .ticket), style: Self.style, lang: page.language.code,
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
        let first = try await queue.status(of: ticket)  // an unknown ticket is a 404 before the stream starts
        let language = Self.language(request, ticket: first)
        return EventStream.response(version: { try await queue.version(ofTicket: ticket) }) {
            let status = try await queue.status(of: ticket)
            let page = TicketPage(status: status, ticket: ticket, url: nil, language: language)
            return (EventStream.json([
                "html": page.live, "alert": page.alert, "title": page.title, "version": String(status.version),
                "final": status.state.isActive ? "" : "1",
            ]), !status.state.isActive)
        }
    }

    // MARK: - The display board

    @Sendable func boardPage(_ request: Request, context: Context) async throws -> Response {
        let board = BoardPage(try await queue.board(of: context.parameters.get("id") ?? ""))
        var response = HTML.response(HTML.page(
            title: "\(board.facilityName) 呼出案内", cityName: cityName, body: Views.render(board, .board), style: Self.style + Self.boardStyle,
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
            return (EventStream.json(["html": BoardPage(board).live, "version": String(board.version)]), false)
        }
    }

    @Sendable func script(_ request: Request, context: Context) async throws -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "text/javascript; charset=utf-8"
        headers[.cacheControl] = "public, max-age=3600"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: Self.script)))
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
