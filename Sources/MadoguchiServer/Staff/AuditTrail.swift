import HTTPTypes
import Hummingbird
import MadoguchiDomain
import MadoguchiIssuance
import MadoguchiStore

/// The purpose of an API request's reads: `X-Madoguchi-Purpose: certificate` (one of `AccessPurpose`).
let purposeHeader = HTTPField.Name("X-Madoguchi-Purpose")!

/// A page that reads people's data before a purpose was chosen goes back to the counter page, which asks for one.
struct PurposeNeeded: HTTPResponseError {
    var status: HTTPResponse.Status { .seeOther }
    func response(from request: Request, context: some RequestContext) throws -> Response {
        StaffSignIn.redirect("/counter?purpose=required")
    }
}

extension StaffContext {
    /// Why this request reads people's data: the API request names it in `X-Madoguchi-Purpose`; a page's session
    /// carries the purpose chosen on the counter page. Without one nothing is read (400 on the API; the pages ask).
    func accessPurpose(_ request: Request) throws -> AccessPurpose {
        let header = request.headers[purposeHeader]
        if header == nil, sessionSecret != nil {
            guard let purpose = staff?.purpose else { throw PurposeNeeded() }
            return purpose
        }
        do { return try AccessPurpose.named(header, in: purposeHeader.rawName) } catch let e as MadoguchiError {
            throw APIError(.badRequest, e)
        }
    }
}

/// Records a read in the access log before the handler shows anything (`AccessAudit`).
struct AuditTrail: Sendable {
    let audit: AccessAudit

    func record(
        _ request: Request, _ context: some StaffContext, _ action: AccessRecord.Action, subjects: [Int64], query: String? = nil,
        documentId: String? = nil
    ) async throws {
        let staff = try context.actingStaff()
        let purpose = try context.accessPurpose(request)
        let route = "\(request.method.rawValue) \(context.endpointPath ?? request.uri.path)"
        try await audit.record(
            .init(action, subjects: subjects, route: route, query: query, documentId: documentId), by: staff, purpose: purpose)
    }

    /// The entries `actions` make for a certificate being issued, for the issuing transaction to append with it: the
    /// same staff member, purpose and route as `record` would write, the people the certificate shows and its id.
    func reads(_ request: Request, _ context: some StaffContext, _ actions: [AccessRecord.Action]) throws -> IssuanceService.Reads {
        let staff = try context.actingStaff()
        let purpose = try context.accessPurpose(request)
        let route = "\(request.method.rawValue) \(context.endpointPath ?? request.uri.path)"
        let audit = self.audit
        return { certificate in
            actions.map { action in
                audit.entry(.init(action, subjects: certificate.peopleShown, route: route, documentId: certificate.id), by: staff, purpose: purpose)
            }
        }
    }
}

extension IssuedCertificate {
    /// Everyone a certificate shows: its subject and each person printed on it (a household's 住民票).
    var peopleShown: [Int64] { [subjectId] + content.persons.compactMap(\.residentId) }
}
