import Foundation
import Hummingbird
import MadoguchiDomain
import MadoguchiIssuance
import MadoguchiStore

/// The counter's own procedures on a person's record: 支援措置 (申出, 決定, 延長, 終了), 印鑑登録 and 廃止, 本人通知, with
/// the record of every one done.
struct ProcedurePages<Context: StaffContext> {
    let counter: CounterPages<Context>
    let procedures: RegistryProcedures

    func addRoutes(to group: RouterGroup<Context>) {
        group.get("residents/:id/procedures", use: page)
        group.post("residents/:id/procedures/support-measure", use: applyMeasure)
        group.post("residents/:id/procedures/support-measure/:measure/:action", use: changeMeasure)
        group.post("residents/:id/procedures/seal", use: registerSeal)
        group.post("residents/:id/procedures/seal/abolish", use: abolishSeal)
        group.post("residents/:id/procedures/notification", use: registerNotification)
        group.post("residents/:id/procedures/notification/end", use: endNotification)
    }

    func residentId(_ context: Context) throws -> Int64 { try counter.residentId(context) }

    /// The signed-in member of staff, at their own facility.
    func by(_ context: Context, _ form: FormData) throws -> RegistryProcedures.Actor {
        .init(try context.actingStaff().login, facilityId: try context.actingFacility(requested: form["facilityId"]))
    }

    func back(_ id: Int64) -> Response { CounterPages<Context>.redirect("/counter/residents/\(id)/procedures") }

    static func wareki(_ d: CivilDate) -> String { HTML.escape((try? JapaneseDate(d).description) ?? d.description) }

    @Sendable func page(_ request: Request, context: Context) async throws -> Response {
        let id = try residentId(context)
        let today = counter.clock.today
        guard let d = try await blocking({ try counter.registry.detail(id: id, on: today) }) else {
            throw APIError(MadoguchiError(.notFound, ja: "住民が見つかりません", en: "No such resident"))
        }
        let o = try await procedures.overview(residentId: id)
        try await counter.trail.record(request, context, .procedures, subjects: [id] + o.supportMeasures.compactMap(\.measure.otherPartyResidentId))
        let here = try await counter.facilityLine(context)
        let base = "/counter/residents/\(id)/procedures"
        let measures = o.supportMeasures.map { r -> String in
            let actions = [SupportMeasureAction.decide, .extend, .end].filter { (try? SupportMeasureWorkflow.next(from: r.state, action: $0)) != nil }
                .map { action -> String in
                    """
                    <form method="post" action="\(base)/support-measure/\(r.measure.id!)/\(action.rawValue)" style="display:inline">
                    \(action == .end ? " <input name=\"reason\" placeholder=\"終了の理由\" required>" : "")
                    <button type="submit">\(action.japanese)</button></form>
                    """
                }.joined(separator: " ")
            return """
                <tr data-state="\(r.state.rawValue)"><td>\(HTML.escape(r.measure.otherPartyName))</td><td>\(r.state.japanese)</td>
                <td>\(Self.wareki(r.measure.termStart))〜\(Self.wareki(r.measure.termEnd))\(r.honsekiCity.map { "<br>本籍地 \(HTML.escape($0)) へ\(r.forwardPending ? "<strong>未転送</strong>" : "転送済み")" } ?? "")</td><td>\(actions)</td></tr>
                """
        }.joined()
        let seal = o.seal.map { s -> String in
            """
            <p>登録番号 \(HTML.escape(s.registrationNumber))（\(Self.wareki(s.registeredOn))登録）</p>
            <form method="post" action="\(base)/seal/abolish"><input type="hidden" name="number" value="\(HTML.escape(s.registrationNumber))">
            <input name="reason" placeholder="廃止の理由" required> <button type="submit">廃止する</button></form>
            """
        } ?? """
            <form method="post" action="\(base)/seal"><p><label>印影（SVG） <textarea name="svg" rows="3" cols="60" required></textarea></label></p>
            <p><button type="submit">印鑑登録する</button></p></form>
            """
        let notification = o.holderNotification.map { n -> String in
            "<p>登録中（\(Self.wareki(n.registeredOn))から）</p><form method=\"post\" action=\"\(base)/notification/end\"><button type=\"submit\">登録を廃止する</button></form>"
        } ?? "<form method=\"post\" action=\"\(base)/notification\"><button type=\"submit\">本人通知に登録する</button></form>"
        let history = o.history.map { h -> String in
            "<tr><td>\(HTML.escape(h.at))</td><td data-procedure=\"\(h.procedure.rawValue)\">\(h.procedure.japanese)</td><td>\(HTML.escape(h.actor))</td><td>\(HTML.escape(h.facilityId ?? ""))</td><td>\(HTML.escape(h.detail.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")))</td></tr>"
        }.joined()
        return counter.page("窓口の手続", """
            <h1>窓口の手続　<span style="font-family:'IPAmjMincho',serif">\(HTML.escape(d.resident.name.full))</span></h1>
            \(here)
            <h2>支援措置（住民基本台帳事務処理要領）</h2>
            <table><thead><tr><th>相手方</th><th>状態</th><th>支援期間</th><th>手続</th></tr></thead><tbody>\(measures)</tbody></table>
            <form method="post" action="\(base)/support-measure"><p>申出: <label>相手方の氏名 <input name="otherPartyName" required></label>
            <label>相手方の生年月日 <input name="otherPartyBirthDate" placeholder="1980-01-02"></label>
            <label>相手方の住民ID <input name="otherPartyResidentId" inputmode="numeric"></label>
            <label>本籍地の団体コード（他市に本籍がある方: 附票の支援のため転送） <input name="honsekiCity" inputmode="numeric" pattern="[0-9]{6}"></label>
            <button type="submit">申出を受け付ける</button></p></form>
            <h2>印鑑登録</h2>\(seal)
            <h2>本人通知</h2>\(notification)
            <h2>手続の記録</h2>
            <table><thead><tr><th>日時</th><th>手続</th><th>職員</th><th>窓口</th><th>内容</th></tr></thead><tbody>\(history)</tbody></table>
            """)
    }

    @Sendable func applyMeasure(_ request: Request, context: Context) async throws -> Response {
        let id = try residentId(context)
        let form = try await FormData.read(request)
        _ = try await procedures.applySupportMeasure(
            subjectId: id, otherPartyName: form["otherPartyName"] ?? "",
            otherPartyBirthDate: WideAreaPages<Context>.date(form["otherPartyBirthDate"]),
            otherPartyResidentId: (form["otherPartyResidentId"] ?? "").isEmpty ? nil : Int64(form["otherPartyResidentId"]!),
            honsekiCity: (form["honsekiCity"] ?? "").isEmpty ? nil : form["honsekiCity"], by: try by(context, form))
        return back(id)
    }

    @Sendable func changeMeasure(_ request: Request, context: Context) async throws -> Response {
        let id = try residentId(context)
        let form = try await FormData.read(request)
        guard let measure = context.parameters.get("measure", as: Int64.self),
            let action = SupportMeasureAction(rawValue: try context.parameters.require("action"))
        else { throw APIError(MadoguchiError(.notFound, ja: "手続が見つかりません", en: "No such procedure")) }
        let record = try await procedures.overview(residentId: id).supportMeasures.first { $0.measure.id == measure }
        guard record != nil else { throw APIError(MadoguchiError(.notFound, ja: "この方の支援措置ではありません", en: "Not this person's measure")) }
        _ = try await procedures.supportMeasure(measure, action, reason: form["reason"], by: try by(context, form))
        return back(id)
    }

    @Sendable func registerSeal(_ request: Request, context: Context) async throws -> Response {
        let id = try residentId(context)
        let form = try await FormData.read(request)
        _ = try await procedures.registerSeal(residentId: id, image: Array((form["svg"] ?? "").utf8), imageType: "image/svg+xml", by: try by(context, form))
        return back(id)
    }

    @Sendable func abolishSeal(_ request: Request, context: Context) async throws -> Response {
        let id = try residentId(context)
        let form = try await FormData.read(request)
        let o = try await procedures.overview(residentId: id)
        guard let seal = o.seal, seal.registrationNumber == form["number"] else {
            throw APIError(MadoguchiError(.notFound, ja: "この方の印鑑登録ではありません", en: "Not this person's seal"))
        }
        _ = try await procedures.abolishSeal(number: seal.registrationNumber, reason: form["reason"] ?? "", by: try by(context, form))
        return back(id)
    }

    @Sendable func registerNotification(_ request: Request, context: Context) async throws -> Response {
        let id = try residentId(context)
        _ = try await procedures.registerHolderNotification(residentId: id, by: try by(context, try await FormData.read(request)))
        return back(id)
    }

    @Sendable func endNotification(_ request: Request, context: Context) async throws -> Response {
        let id = try residentId(context)
        try await procedures.endHolderNotification(residentId: id, by: try by(context, try await FormData.read(request)))
        return back(id)
    }
}
