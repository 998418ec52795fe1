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

    @Sendable func page(_ request: Request, context: Context) async throws -> Response {
        let id = try residentId(context)
        let today = counter.clock.today
        guard let d = try await blocking({ try counter.registry.detail(id: id, on: today) }) else {
            throw APIError(MadoguchiError(.notFound, ja: "住民が見つかりません", en: "No such resident"))
        }
        let o = try await procedures.overview(residentId: id)
        try await counter.trail.record(request, context, .procedures, subjects: [id] + o.supportMeasures.compactMap(\.measure.otherPartyResidentId))
        let page = CounterProceduresPage(name: d.resident.name.full, id: id, overview: o, here: try await counter.facilityLine(context))
        return counter.page("窓口の手続", Views.render(page, .counterProcedures))
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
