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
        let model = WindowFloor(windows: windows, tickets: tickets, lines: lines, chosen: chosen ?? windows.first?.window.id, message: message)
        return counter.page("窓口の呼出", try await counter.facilityLine(context) + WindowFloorView.html(model), status: status)
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

/// The window page's model: the facility's windows, the tickets in play, its lines, the window being worked.
struct WindowFloor {
    var windows: [QueueService.WindowState]
    var tickets: [QueueTicket]
    var lines: QueueService.Lines
    var chosen: String?
    var message: MadoguchiError?
}

enum WindowFloorView {
    static func e(_ s: String) -> String { HTML.escape(s) }

    static func html(_ m: WindowFloor) -> String {
        var out = "<h1>窓口の呼出</h1>"
        if let message = m.message { out += "<p class=\"error\" role=\"alert\" style=\"color:#b91c1c\">\(e(message.ja))</p>" }
        out += "<nav aria-label=\"窓口\">" + m.windows.map { w in
            let current = w.window.id == m.chosen
            return "<a href=\"/counter/queue?window=\(e(w.window.id))\"\(current ? " aria-current=\"page\"" : "")>\(e(w.window.japanese))\(w.window.isOpen ? "" : "（閉）")</a>"
        }.joined() + "</nav>"
        if let w = m.windows.first(where: { $0.window.id == m.chosen }) { out += window(w, m) }
        let waiting = m.lines.procedures.map { p -> String in
            let n = m.tickets.filter { $0.state == .waiting && $0.procedure == p }.count
            return "<tr><th scope=\"row\">\(p.letter) \(e(p.japanese))</th><td data-line=\"\(p.rawValue)\">\(n)人</td></tr>"
        }.joined()
        out += "<h2>お待ちの人数</h2><table><tbody>\(waiting)</tbody></table>"
        let parked = m.tickets.filter { $0.state == .parked }
        if !parked.isEmpty {
            out += "<h2>保留中の番号</h2><ul>" + parked.map { t in
                "<li>\(e(t.number))（\(e(t.procedure.japanese))） <form method=\"post\" action=\"/counter/queue/tickets/\(e(t.number))/resume\" style=\"display:inline\"><input type=\"hidden\" name=\"window\" value=\"\(e(m.chosen ?? ""))\"><button type=\"submit\">列に戻す</button></form></li>"
            }.joined() + "</ul>"
        }
        return out
    }

    static func window(_ w: QueueService.WindowState, _ m: WindowFloor) -> String {
        let base = "/counter/queue/windows/\(e(w.window.id))"
        func button(_ action: String, _ label: String) -> String {
            "<form method=\"post\" action=\"\(base)/\(action)\" style=\"display:inline\"><button type=\"submit\" data-action=\"\(action)\">\(label)</button></form> "
        }
        var out = "<h2>\(e(w.window.japanese))（\(e(w.window.skills.map(\.japanese).joined(separator: "・"))))</h2>"
        guard w.window.isOpen else { return out + "<p>閉じています。</p>" + button("open", "窓口を開く") }
        out += "<p>担当: \(e(w.window.openedBy ?? ""))</p>"
        if let t = w.ticket {
            out += "<p style=\"font-size:2rem\" data-ticket=\"\(e(t.number))\"><strong>\(e(t.number))</strong> \(e(t.state.japanese))・\(e(t.procedure.japanese))"
            if t.route.count > 1 { out += "（\(t.route.count)件中\(t.step + 1)件目）" }
            out += "</p>"
            if t.state == .called { out += button("start", "受付開始") + button("recall", "再呼出") + button("no-show", "不在") }
            if t.state == .serving { out += button("complete", "終了") }
            out += button("park", "保留")
            let others = m.lines.procedures.filter { $0 != t.procedure }
            out += "<form method=\"post\" action=\"\(base)/transfer\" style=\"display:inline\"><label>回付先 <select name=\"procedure\">"
            out += others.map { "<option value=\"\($0.rawValue)\">\($0.letter) \(e($0.japanese))</option>" }.joined()
            out += "</select></label> <button type=\"submit\" data-action=\"transfer\">回付</button></form>"
        } else {
            out += button("next", "次の方を呼ぶ") + button("close", "窓口を閉じる")
        }
        return out
    }
}
