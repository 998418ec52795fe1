import Foundation
import Hummingbird
import MadoguchiDomain
import MadoguchiIssuance
import MadoguchiStore

/// The counter's queues over the API (issue 14, item 4). Residents draw and follow tickets by the ticket's secret
/// (public); staff run the windows of their own facility only (the account's facility, never one a request names).
struct QueueController<Context: StaffContext> {
    let queue: QueueService

    func addPublicRoutes(to group: RouterGroup<Context>) {
        group.post("facilities/:id/tickets", use: draw)
        group.post("facilities/:id/reservations", use: reserve)
        group.get("facilities/:id/board", use: board)
        group.get("tickets/:ticket", use: status)
        group.post("tickets/:ticket/:action", use: residentAction)
    }

    func addStaffRoutes(to group: RouterGroup<Context>) {
        group.get("queue/windows", use: windows)
        group.put("queue/windows/:window", use: configure)
        group.post("queue/windows/:window/:action", use: windowAction)
        group.post("queue/tickets/:number/resume", use: resume)
    }

    // MARK: - Residents

    struct DrawBody: Decodable {
        var route: [QueueProcedure]
        var language: String?
        var email: String?
        /// A reservation's slot (`2026-11-24T10:30:00+09:00`)
        var slot: String?
    }

    /// A ticket as its holder sees it.
    struct StatusView: Codable, ResponseEncodable {
        var number: String
        var facilityId: String
        var facilityName: String
        var state: TicketState
        var stateJapanese: String
        var stateEnglish: String
        var procedure: QueueProcedure
        var procedureJapanese: String
        var procedureEnglish: String
        var step: Int
        var steps: Int
        var ahead: Int
        var estimatedWaitMinutes: Int
        /// The posted rule of thumb (10 minutes for every 5 waiting), beside the estimate
        var ruleOfThumbMinutes: Int
        var window: String?
        var near: Bool
        var slot: String?
        var alertsByMail: Bool
        var version: Int

        init(_ s: QueueService.Status) {
            number = s.number
            facilityId = s.facilityId
            facilityName = s.facilityName
            state = s.state
            stateJapanese = s.state.japanese
            stateEnglish = s.state.english
            procedure = s.procedure
            procedureJapanese = s.procedure.japanese
            procedureEnglish = s.procedure.english
            step = s.step + 1
            steps = s.steps
            ahead = s.ahead
            estimatedWaitMinutes = s.estimatedWaitMinutes
            ruleOfThumbMinutes = s.state == .waiting ? WaitEstimate.publicRule(ahead: s.ahead) : 0
            window = s.windowId
            near = s.near
            slot = s.slot.map(LedgerRecord.timestamp)
            alertsByMail = s.alertsByMail
            version = s.version
        }
    }

    struct DrawnView: Codable, ResponseEncodable {
        /// The ticket's secret: the key of its page and of this API (keep it; it is shown once)
        var ticket: String
        var page: String
        var status: StatusView
    }

    @Sendable func draw(_ request: Request, context: Context) async throws -> EditedResponse<DrawnView> {
        let body = try await JSONBody.decode(DrawBody.self, from: request)
        let (ticket, status) = try await queue.draw(
            facilityId: try facility(context), route: body.route, channel: .web, language: body.language ?? "ja", email: body.email)
        return EditedResponse(status: .created, response: DrawnView(ticket: ticket.id, page: "/tickets/\(ticket.id)", status: StatusView(status)))
    }

    @Sendable func reserve(_ request: Request, context: Context) async throws -> EditedResponse<DrawnView> {
        let body = try await JSONBody.decode(DrawBody.self, from: request)
        guard let text = body.slot, let slot = MadoguchiClock.parse(text)?.now() else {
            throw APIError(.badRequest, MadoguchiError(
                .badRequest, ja: "予約の枠（slot: 2026-11-24T10:30:00+09:00）が必要です", en: "A slot is required (e.g. 2026-11-24T10:30:00+09:00)"))
        }
        let ticket = try await queue.reserve(
            facilityId: try facility(context), route: body.route, slot: slot, language: body.language ?? "ja", email: body.email)
        return EditedResponse(
            status: .created,
            response: DrawnView(ticket: ticket.id, page: "/tickets/\(ticket.id)", status: StatusView(try await queue.status(of: ticket.id))))
    }

    @Sendable func status(_ request: Request, context: Context) async throws -> StatusView {
        StatusView(try await queue.status(of: context.parameters.get("ticket") ?? ""))
    }

    @Sendable func residentAction(_ request: Request, context: Context) async throws -> StatusView {
        let ticket = context.parameters.get("ticket") ?? ""
        switch context.parameters.get("action") {
        case "cancel": return StatusView(try await queue.cancel(ticketId: ticket))
        case "check-in": return StatusView(try await queue.checkIn(ticketId: ticket))
        default: throw APIError(MadoguchiError(.notFound, ja: "見つかりません", en: "Not found"))
        }
    }

    @Sendable func board(_ request: Request, context: Context) async throws -> BoardView {
        BoardView(board: try await queue.board(of: try facility(context)))
    }

    struct BoardView: Codable, ResponseEncodable {
        var board: QueueService.Board
    }

    func facility(_ context: Context) throws -> String {
        guard let id = context.parameters.get("id"), !id.isEmpty else {
            throw APIError(MadoguchiError(.facilityUnknown, ja: "施設が見つかりません", en: "No facility"))
        }
        return id
    }

    // MARK: - Windows

    struct WindowsView: Codable, ResponseEncodable {
        struct Window: Codable {
            var id: String
            var skills: [QueueProcedure]
            var open: Bool
            var openedBy: String?
            var ticket: String?
            var ticketState: TicketState?
        }

        var facilityId: String
        var windows: [Window]
        /// The lines' waiting counts and estimates, as the display board shows them
        var lines: [QueueService.Board.Line]
    }

    /// The acting member of staff's facility: a clerk or supervisor works at one.
    func ownFacility(_ context: Context) throws -> String {
        guard let own = try context.actingFacility(requested: nil) else {
            throw APIError(.forbidden, MadoguchiError(
                .staffWrongFacility, ja: "窓口に所属していないため操作できません", en: "Your account works at no facility"))
        }
        return own
    }

    @Sendable func windows(_ request: Request, context: Context) async throws -> WindowsView {
        let facility = try ownFacility(context)
        let states = try await queue.windows(of: facility)
        let board = try await queue.board(of: facility)
        return WindowsView(
            facilityId: facility,
            windows: states.map {
                .init(id: $0.window.id, skills: $0.window.skills, open: $0.window.isOpen, openedBy: $0.window.openedBy,
                      ticket: $0.ticket?.number, ticketState: $0.ticket?.state)
            },
            lines: board.lines)
    }

    struct SkillsBody: Decodable {
        var skills: [QueueProcedure]
    }

    @Sendable func configure(_ request: Request, context: Context) async throws -> WindowsView {
        let body = try await JSONBody.decode(SkillsBody.self, from: request)
        try await queue.configure(
            facilityId: try ownFacility(context), windowId: context.parameters.get("window") ?? "", skills: body.skills,
            by: try context.actingStaff().login)
        return try await windows(request, context: context)
    }

    struct TransferBody: Decodable {
        var procedure: QueueProcedure?
    }

    /// A window's ticket after an action (none after opening or closing).
    struct WindowTicketView: Codable, ResponseEncodable {
        var window: String
        var number: String?
        var state: TicketState?
        var procedure: QueueProcedure?
        var step: Int?
        var steps: Int?
    }

    @Sendable func windowAction(_ request: Request, context: Context) async throws -> WindowTicketView {
        let facility = try ownFacility(context)
        let window = context.parameters.get("window") ?? ""
        let by = try context.actingStaff().login
        func view(_ t: QueueTicket?) -> WindowTicketView {
            WindowTicketView(window: window, number: t?.number, state: t?.state, procedure: t?.procedure, step: t.map { $0.step + 1 }, steps: t?.route.count)
        }
        let action: QueueAction
        switch context.parameters.get("action") ?? "" {
        case "open", "close":
            try await queue.setOpen(context.parameters.get("action") == "open", facilityId: facility, windowId: window, by: by)
            return view(nil)
        case "next": return view(try await queue.callNext(facilityId: facility, windowId: window, by: by))
        case "recall": action = .recall
        case "start": action = .start
        case "park": action = .park
        case "complete": action = .complete
        case "no-show": action = .noShow
        case "transfer":
            guard let to = try await JSONBody.decode(TransferBody.self, from: request).procedure else {
                throw APIError(.badRequest, MadoguchiError(.badRequest, ja: "回付先の手続（procedure）が必要です", en: "Give the procedure to transfer to"))
            }
            action = .transfer(to: to)
        default: throw APIError(MadoguchiError(.notFound, ja: "見つかりません", en: "Not found"))
        }
        return view(try await queue.act(action, facilityId: facility, windowId: window, by: by))
    }

    @Sendable func resume(_ request: Request, context: Context) async throws -> WindowTicketView {
        let t = try await queue.resume(
            facilityId: try ownFacility(context), number: context.parameters.get("number") ?? "", by: try context.actingStaff().login)
        return WindowTicketView(window: "", number: t.number, state: t.state, procedure: t.procedure, step: t.step + 1, steps: t.route.count)
    }
}
