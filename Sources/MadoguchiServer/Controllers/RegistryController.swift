import Foundation
import Hummingbird
import MadoguchiDomain
import MadoguchiIssuance
import MadoguchiStore

/// Staff API over the registry: search, one resident, facilities. Every search and detail is in the access log.
struct RegistryController<Context: StaffContext> {
    let registry: RegistryRepository
    let clock: MadoguchiClock
    let trail: AuditTrail

    func addRoutes(to group: RouterGroup<Context>) {
        group.get("residents", use: search)
        group.get("residents/:id", use: resident)
        group.get("facilities", use: facilities)
    }

    struct SearchResult: ResponseEncodable {
        let query: String
        let count: Int
        let residents: [ResidentSummary]
    }

    @Sendable func search(_ request: Request, context: Context) async throws -> SearchResult {
        let q = request.uri.queryParameters.get("q") ?? ""
        let query = ResidentQuery(text: q)
        guard !query.isEmpty else {
            throw APIError(
                .badRequest,
                MadoguchiError(
                    .badRequest, ja: "検索語（氏名・カナ・生年月日）を q に指定してください",
                    en: "Give a name, reading or birth date in q"))
        }
        let limit = min(200, max(1, request.uri.queryParameters.get("limit", as: Int.self) ?? 50))
        let rows = try await blocking { try registry.search(query, limit: limit) }
        try await trail.record(request, context, .search, subjects: rows.map(\.id), query: q)
        return SearchResult(query: q, count: rows.count, residents: rows)
    }

    @Sendable func resident(_ request: Request, context: Context) async throws -> ResidentView {
        guard let id = context.parameters.get("id", as: Int64.self) else {
            throw APIError(MadoguchiError(.notFound, ja: "住民が見つかりません", en: "No such resident"))
        }
        let today = clock.today
        guard let detail = try await blocking({ try registry.detail(id: id, on: today) }) else {
            throw APIError(MadoguchiError(.notFound, ja: "住民が見つかりません（ID \(id)）", en: "No resident \(id)"))
        }
        try await trail.record(request, context, .detail, subjects: [id] + detail.householdMembers.map(\.id))
        return ResidentView(detail)
    }

    struct FacilityList: ResponseEncodable {
        let count: Int
        let facilities: [FacilityView]
    }

    @Sendable func facilities(_ request: Request, context: Context) async throws -> FacilityList {
        let today = clock.today
        let list = try await blocking { try registry.facilities() }.map { FacilityView($0, today: today) }
        return FacilityList(count: list.count, facilities: list)
    }
}

/// The JSON of one facility.
struct FacilityView: Codable, Sendable {
    let id: String
    let kind: String
    let kindJa: String
    let name: String
    let ward: String
    let address: String
    let openedOn: CivilDate
    let closedOn: CivilDate?
    let operating: Bool

    init(_ f: Facility, today: CivilDate) {
        id = f.id
        kind = f.kind.rawValue
        kindJa = f.kind.japanese
        name = f.name
        ward = f.ward
        address = f.address.description
        openedOn = f.openedOn
        closedOn = f.closedOn
        operating = f.isOperating(on: today)
    }
}

/// The JSON of one resident for staff. Least data: the 個人番号 and 住民票コード are not sent; they
/// are printed only where a certificate's options ask for them.
struct ResidentView: ResponseEncodable {
    struct Coded: Codable {
        let code: String
        let ja: String
    }
    struct Removal: Codable {
        let reason: Coded
        let removedOn: CivilDate
        let destination: String?
    }
    struct Movement: Codable {
        let kind: Coded
        let occurredOn: CivilDate
        let notifiedOn: CivilDate
        let fromAddress: String?
        let toAddress: String?
    }
    struct Seal: Codable {
        let registrationNumber: String
        let registeredOn: CivilDate
    }
    struct Flags: Codable {
        /// 支援措置対象者: withhold the address from others
        let supportMeasureSubject: Bool
        /// 支援措置の加害者として申出あり: refuse requests for the subject
        let supportMeasureOtherParty: Bool
        /// 本人通知登録あり
        let holderNotification: Bool
    }

    let id: Int64
    let name: PersonName
    let formerFamilyName: String?
    let formerFamilyNameKana: String?
    let birthDate: CivilDate
    let birthDateJapanese: String
    let sex: Coded
    let relationship: Coded
    let permanentDomicile: String?
    let domicileHead: String?
    let becameResidentOn: CivilDate
    let addressSetOn: CivilDate
    let notifiedOn: CivilDate
    let previousAddress: String?
    let householdId: Int64
    let address: String
    let householdMembers: [ResidentSummary]
    let removal: Removal?
    let movements: [Movement]
    let seal: Seal?
    let taxYears: [Int]
    let familyRegisterId: Int64?
    let flags: Flags

    init(_ d: ResidentDetail) {
        let r = d.resident
        id = r.id!
        name = r.name
        formerFamilyName = r.formerFamilyName
        formerFamilyNameKana = r.formerFamilyNameKana
        birthDate = r.birthDate
        birthDateJapanese = (try? JapaneseDate(r.birthDate).description) ?? r.birthDate.description
        sex = Coded(code: r.sex.rawValue, ja: r.sex.japanese)
        relationship = Coded(code: r.relationship.rawValue, ja: r.relationship.japanese)
        permanentDomicile = r.permanentDomicile
        domicileHead = r.domicileHead
        becameResidentOn = r.becameResidentOn
        addressSetOn = r.addressSetOn
        notifiedOn = r.notifiedOn
        previousAddress = r.previousAddress
        householdId = r.householdId
        address = d.household.address.description
        householdMembers = d.householdMembers
        removal = d.removal.map {
            Removal(reason: Coded(code: $0.reason.rawValue, ja: $0.reason.japanese), removedOn: $0.removedOn,
                    destination: $0.destination)
        }
        movements = d.movements.map {
            Movement(kind: Coded(code: $0.kind.rawValue, ja: $0.kind.japanese), occurredOn: $0.occurredOn,
                     notifiedOn: $0.notifiedOn, fromAddress: $0.fromAddress, toAddress: $0.toAddress)
        }
        seal = d.seal.map { Seal(registrationNumber: $0.registrationNumber, registeredOn: $0.registeredOn) }
        taxYears = d.taxYears.map(\.startYear)
        familyRegisterId = d.familyRegisterId
        flags = Flags(
            supportMeasureSubject: d.protectedBySupportMeasure, supportMeasureOtherParty: d.namedAsOtherParty,
            holderNotification: d.holderNotification)
    }
}
