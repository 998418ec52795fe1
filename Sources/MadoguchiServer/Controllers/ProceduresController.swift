import Foundation
import Hummingbird
import MadoguchiDomain
import MadoguchiIssuance
import MadoguchiStore

/// The counter's own registry procedures over the staff API: 支援措置, 印鑑登録, 本人通知, and the record of them.
struct ProceduresController<Context: StaffContext> {
    let procedures: RegistryProcedures
    let trail: AuditTrail

    func addRoutes(to group: RouterGroup<Context>) {
        group.get("residents/:id/procedures", use: overview)
        group.post("residents/:id/support-measures", use: applyMeasure)
        group.post("support-measures/:id/:action", use: changeMeasure)
        group.post("residents/:id/seal", use: registerSeal)
        group.post("seals/:number/abolish", use: abolishSeal)
        group.post("residents/:id/holder-notification", use: registerNotification)
        group.post("residents/:id/holder-notification/end", use: endNotification)
    }

    /// `POST /relay/v1/support-measures`: a 支援措置 forwarded by the city where the person lives, behind the relay's
    /// secret; the sending city is the one the relay names.
    func addRelayRoutes(to group: RouterGroup<Context>) {
        group.post("support-measures", use: receiveForwarded)
    }

    struct Kept: ResponseEncodable {
        let kept: Bool
    }

    @Sendable func receiveForwarded(_ request: Request, context: Context) async throws -> Kept {
        guard let from = request.headers[WideAreaController<Context>.fromCity] else {
            throw APIError(.badRequest, MadoguchiError(
                .wideAreaBadRequest, ja: "依頼元の市区町村がありません", en: "The X-Madoguchi-From-City header is required"))
        }
        try await procedures.receiveForwarded(try await JSONBody.decode(ForwardedSupportMeasure.self, from: request), from: from)
        return Kept(kept: true)
    }

    func id(_ context: Context) throws -> Int64 {
        guard let id = context.parameters.get("id", as: Int64.self) else {
            throw APIError(MadoguchiError(.notFound, ja: "見つかりません", en: "Not found"))
        }
        return id
    }

    /// The acting member of staff, at their own facility.
    func by(_ context: Context, _ facility: String?) throws -> RegistryProcedures.Actor {
        .init(try context.actingStaff().login, facilityId: try context.actingFacility(requested: facility))
    }

    struct SealView: Codable, ResponseEncodable {
        let registrationNumber: String
        let registeredOn: CivilDate
        let abolishedOn: CivilDate?
        let imageType: String

        init(_ s: SealRegistration) {
            registrationNumber = s.registrationNumber
            registeredOn = s.registeredOn
            abolishedOn = s.abolishedOn
            imageType = s.sealImageType
        }
    }

    struct MeasureView: Codable, ResponseEncodable {
        let id: Int64
        let subjectId: Int64
        let state: SupportMeasureState
        let otherPartyName: String
        let otherPartyResidentId: Int64?
        let termStart: CivilDate
        let termEnd: CivilDate
        let endedOn: CivilDate?
        let honsekiCity: String?
        let forwardPending: Bool

        init(_ r: SupportMeasureRecord) {
            honsekiCity = r.honsekiCity
            forwardPending = r.forwardPending
            id = r.measure.id ?? 0
            subjectId = r.measure.subjectId
            state = r.state
            otherPartyName = r.measure.otherPartyName
            otherPartyResidentId = r.measure.otherPartyResidentId
            termStart = r.measure.termStart
            termEnd = r.measure.termEnd
            endedOn = r.endedOn
        }
    }

    struct OverviewView: ResponseEncodable {
        let supportMeasures: [MeasureView]
        let seal: SealView?
        let holderNotificationSince: CivilDate?
        let history: [ProcedureRecord]
    }

    @Sendable func overview(_ request: Request, context: Context) async throws -> OverviewView {
        let subject = try id(context)
        let o = try await procedures.overview(residentId: subject)
        try await trail.record(request, context, .procedures, subjects: [subject] + o.supportMeasures.compactMap(\.measure.otherPartyResidentId))
        return OverviewView(
            supportMeasures: o.supportMeasures.map(MeasureView.init), seal: o.seal.map(SealView.init),
            holderNotificationSince: o.holderNotification?.registeredOn, history: o.history)
    }

    struct MeasureBody: Decodable {
        var otherPartyName: String
        var otherPartyBirthDate: CivilDate?
        var otherPartyResidentId: Int64?
        /// The city keeping the person's 戸籍, when it is another: the measure is forwarded there
        var honsekiCity: String?
        var facilityId: String?
    }

    @Sendable func applyMeasure(_ request: Request, context: Context) async throws -> EditedResponse<MeasureView> {
        let body = try await JSONBody.decode(MeasureBody.self, from: request)
        let record = try await procedures.applySupportMeasure(
            subjectId: try id(context), otherPartyName: body.otherPartyName, otherPartyBirthDate: body.otherPartyBirthDate,
            otherPartyResidentId: body.otherPartyResidentId, honsekiCity: body.honsekiCity, by: try by(context, body.facilityId))
        return EditedResponse(status: .created, response: MeasureView(record))
    }

    struct ActionBody: Decodable {
        var reason: String?
        var facilityId: String?
    }

    @Sendable func changeMeasure(_ request: Request, context: Context) async throws -> MeasureView {
        guard let action = SupportMeasureAction(rawValue: try context.parameters.require("action")) else {
            throw APIError(MadoguchiError(.notFound, ja: "手続が見つかりません", en: "No such action: decide, extend or end"))
        }
        let body = try await JSONBody.decode(ActionBody.self, from: request)
        return MeasureView(try await procedures.supportMeasure(try id(context), action, reason: body.reason, by: try by(context, body.facilityId)))
    }

    struct SealBody: Decodable {
        /// The 印影, base64
        var image: String
        var imageType: String
        var facilityId: String?
    }

    @Sendable func registerSeal(_ request: Request, context: Context) async throws -> EditedResponse<SealView> {
        let body = try await JSONBody.decode(SealBody.self, from: request)
        guard let image = Data(base64Encoded: body.image) else {
            throw APIError(.badRequest, MadoguchiError(.procedureInvalid, ja: "印影を base64 で送ってください", en: "Send the seal image as base64"))
        }
        let seal = try await procedures.registerSeal(residentId: try id(context), image: [UInt8](image), imageType: body.imageType,
                                                     by: try by(context, body.facilityId))
        return EditedResponse(status: .created, response: SealView(seal))
    }

    @Sendable func abolishSeal(_ request: Request, context: Context) async throws -> SealView {
        let body = try await JSONBody.decode(ActionBody.self, from: request)
        return SealView(try await procedures.abolishSeal(
            number: try context.parameters.require("number"), reason: body.reason ?? "", by: try by(context, body.facilityId)))
    }

    struct Done: ResponseEncodable {
        let residentId: Int64
        let holderNotification: Bool
    }

    @Sendable func registerNotification(_ request: Request, context: Context) async throws -> EditedResponse<Done> {
        let body = try await JSONBody.decode(ActionBody.self, from: request)
        let id = try id(context)
        _ = try await procedures.registerHolderNotification(residentId: id, by: try by(context, body.facilityId))
        return EditedResponse(status: .created, response: Done(residentId: id, holderNotification: true))
    }

    @Sendable func endNotification(_ request: Request, context: Context) async throws -> Done {
        let body = try await JSONBody.decode(ActionBody.self, from: request)
        let id = try id(context)
        try await procedures.endHolderNotification(residentId: id, by: try by(context, body.facilityId))
        return Done(residentId: id, holderNotification: false)
    }
}

extension ProcedureRecord: ResponseEncodable {}
