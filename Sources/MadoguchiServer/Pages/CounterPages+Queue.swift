import Foundation
import Hummingbird
import MadoguchiDomain
import MadoguchiIssuance

/// The windows of the clerk's own facility (issue 14, item 4): open one, call the next number, recall, start, park
/// (保留), transfer, complete or mark not present, and put parked tickets back in line. Numbers and lines only: the
/// queue knows no one's name.
struct QueueWindowPages<Context: StaffContext> {
    let counter: CounterPages<Context>
    let queue: QueueService

    func addRoutes(to group: RouterGroup<Context>) {
        group.get("queue", use: page)
        group.post("queue/windows/:window/:action", use: act)
        group.post("queue/tickets/:number/resume", use: resume)
    }

    func facility(_ context: Context) throws -> String {
        guard let own = try context.actingFacility(requested: nil) else {
            throw APIError(.forbidden, MadoguchiError(.staffWrongFacility, ja: "窓口に所属していないため操作できません", en: "Your account works at no facility"))
        }
        return own
    }

    @Sendable func page(_ request: Request, context: Context) async throws -> Response {
        try await render(context, chosen: request.uri.queryParameters.get("window"), message: nil)
    }

    func render(_ context: Context, chosen: String?, message: MadoguchiError?, status: HTTPResponse.Status = .ok) async throws -> Response {
        let facility = try facility(context)
        let windows = try await queue.windows(of: facility)
        let tickets = try await queue.activeTickets(of: facility)
        let lines = try await queue.lines(of: facility)
        let page = WindowFloorPage(windows: windows, tickets: tickets, lines: lines, chosen: chosen ?? windows.first?.window.id, message: message)
        return counter.page("窓口の呼出", try await counter.facilityLine(context) + Views.render(page, .windowFloor), status: status, style: Views.Asset.counter.text)
    }

    @Sendable func act(_ request: Request, context: Context) async throws -> Response {
        let facility = try facility(context)
        let window = context.parameters.get("window") ?? ""
        let by = try context.actingStaff().login
        let form = try await FormData.read(request)
        do {
            switch context.parameters.get("action") ?? "" {
            case "open", "close": try await queue.setOpen(context.parameters.get("action") == "open", facilityId: facility, windowId: window, by: by)
            case "next": _ = try await queue.callNext(facilityId: facility, windowId: window, by: by)
            case "recall": _ = try await queue.act(.recall, facilityId: facility, windowId: window, by: by)
            case "start": _ = try await queue.act(.start, facilityId: facility, windowId: window, by: by)
            case "park": _ = try await queue.act(.park, facilityId: facility, windowId: window, by: by)
            case "complete": _ = try await queue.act(.complete, facilityId: facility, windowId: window, by: by)
            case "no-show": _ = try await queue.act(.noShow, facilityId: facility, windowId: window, by: by)
            case "transfer":
                guard let to = form["procedure"].flatMap(QueueProcedure.init(rawValue:)) else {
                    throw MadoguchiError(.queueInvalid, ja: "回付先の手続を選んでください", en: "Choose where to transfer")
                }
                _ = try await queue.act(.transfer(to: to), facilityId: facility, windowId: window, by: by)
            default: throw APIError(MadoguchiError(.notFound, ja: "見つかりません", en: "Not found"))
            }
        } catch let error as MadoguchiError {
            return try await render(context, chosen: window, message: error, status: .init(code: ErrorStatus.status(of: error.code.rawValue)))
        }
        return CounterPages<Context>.redirect("/counter/queue?window=\(window.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")")
    }

    @Sendable func resume(_ request: Request, context: Context) async throws -> Response {
        let facility = try facility(context)
        let form = try await FormData.read(request)
        do {
            _ = try await queue.resume(facilityId: facility, number: context.parameters.get("number") ?? "", by: try context.actingStaff().login)
        } catch let error as MadoguchiError {
            return try await render(context, chosen: form["window"], message: error, status: .init(code: ErrorStatus.status(of: error.code.rawValue)))
        }
        return CounterPages<Context>.redirect("/counter/queue?window=\(form["window"]?.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")")
    }
}

/// The window page: the facility's windows, the one being worked with what its clerk can do now, the lines' waiting
/// counts, and the parked numbers.
struct WindowFloorPage {
    struct Tab {
        let href: String
        let name: String
        let current: Bool
        let closed: Bool
    }

    struct Action {
        let action: String
        let label: String
    }

    /// The window being worked.
    struct Window {
        let base: String
        let title: String
        let open: Bool
        let openedBy: String
        /// The ticket at the window, if any: its number and what it is
        let number: String?
        let about: String
        let actions: [Action]
        let transferTo: [PageOption]
        let canTransfer: Bool
    }

    struct Line {
        let procedure: String
        let name: String
        let waiting: Int
    }

    struct Parked {
        let number: String
        let procedure: String
        let action: String
    }

    let message: String?
    let tabs: [Tab]
    let window: Window?
    let lines: [Line]
    let parked: [Parked]
    let hasParked: Bool
    let chosen: String

    init(windows: [QueueService.WindowState], tickets: [QueueTicket], lines: QueueService.Lines, chosen: String?, message: MadoguchiError?) {
        self.message = message?.ja
        self.chosen = chosen ?? ""
        tabs = windows.map { w in
            Tab(href: "/counter/queue?window=\(w.window.id)", name: w.window.japanese, current: w.window.id == chosen, closed: !w.window.isOpen)
        }
        window = windows.first { $0.window.id == chosen }.map { Self.window($0, lines) }
        self.lines = lines.procedures.map { p in
            Line(procedure: p.rawValue, name: "\(p.letter) \(p.japanese)", waiting: tickets.filter { $0.state == .waiting && $0.procedure == p }.count)
        }
        parked = tickets.filter { $0.state == .parked }.map {
            Parked(number: $0.number, procedure: $0.procedure.japanese, action: "/counter/queue/tickets/\($0.number)/resume")
        }
        hasParked = !parked.isEmpty
    }

    static func window(_ w: QueueService.WindowState, _ lines: QueueService.Lines) -> Window {
        let base = "/counter/queue/windows/\(w.window.id)"
        let title = "\(w.window.japanese)（\(w.window.skills.map(\.japanese).joined(separator: "・"))）"
        guard w.window.isOpen else {
            return Window(
                base: base, title: title, open: false, openedBy: "", number: nil, about: "", actions: [Action(action: "open", label: "窓口を開く")],
                transferTo: [], canTransfer: false)
        }
        guard let t = w.ticket else {
            return Window(
                base: base, title: title, open: true, openedBy: w.window.openedBy ?? "", number: nil, about: "",
                actions: [Action(action: "next", label: "次の方を呼ぶ"), Action(action: "close", label: "窓口を閉じる")], transferTo: [], canTransfer: false)
        }
        var actions: [Action] = []
        if t.state == .called {
            actions += [Action(action: "start", label: "受付開始"), Action(action: "recall", label: "再呼出"), Action(action: "no-show", label: "不在")]
        }
        if t.state == .serving { actions.append(Action(action: "complete", label: "終了")) }
        actions.append(Action(action: "park", label: "保留"))
        let others = lines.procedures.filter { $0 != t.procedure }.map { PageOption(value: $0.rawValue, text: "\($0.letter) \($0.japanese)") }
        return Window(
            base: base, title: title, open: true, openedBy: w.window.openedBy ?? "", number: t.number,
            about: "\(t.state.japanese)・\(t.procedure.japanese)" + (t.route.count > 1 ? "（\(t.route.count)件中\(t.step + 1)件目）" : ""),
            actions: actions, transferTo: others, canTransfer: true)
    }
}
