import Foundation
import Hummingbird
import MadoguchiDomain
import MadoguchiStore
import MadoguchiPKI
import X509

/// Public PKI endpoints: the card authority's certificate, its CRL, and an OCSP-style status; the document authority's
/// certificate.
struct PKIController<Context: RequestContext> {
    let database: MadoguchiDatabase
    let clock: MadoguchiClock

    func addRoutes(to router: Router<Context>) {
        router.get("/pki/ca.pem", use: ca)
        router.get("/pki/documents.pem", use: documents)
        router.get("/pki/crl.der", use: crl)
        router.get("/pki/status/:serial", use: status)
    }

    static var notSetUp: APIError { APIError(
        .serviceUnavailable, MadoguchiError(.storeBusy, ja: "認証局の準備ができていません", en: "The card authority is not set up")) }

    /// The authority's certificate only: no private key is opened to serve it. The authority is made at start-up
    /// (`IssuanceService.prepareSigning`), so these public routes never take the database's write lock.
    func authority() async throws -> String {
        guard let certificate = try await database.cards.authorityCertificate() else { throw Self.notSetUp }
        return try certificate.serializeAsPEM().pemString
    }

    @Sendable func ca(_ request: Request, context: Context) async throws -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "application/x-pem-file"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: try await authority())))
    }

    /// The document authority's certificate, which the city's signed PDFs (電子交付) chain to: a reader adds it as a
    /// trusted root, or `madoguchi verify --document-authority` takes it. No private key is opened.
    @Sendable func documents(_ request: Request, context: Context) async throws -> Response {
        guard let certificate = try await database.snapshot(async: { tx in try tx.documentAuthority() }) else { throw Self.notSetUp }
        var headers = HTTPFields()
        headers[.contentType] = "application/x-pem-file"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: try certificate.serializeAsPEM().pemString)))
    }

    @Sendable func crl(_ request: Request, context: Context) async throws -> Response {
        let now = clock.now()
        guard let der = try await database.cards.revocationList(now: now) else { throw Self.notSetUp }
        var headers = HTTPFields()
        headers[.contentType] = "application/pkix-crl"
        headers[.cacheControl] = "max-age=300"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: der)))
    }

    struct StatusView: ResponseEncodable {
        let serial: String
        let status: String
        let reason: String?
        let revokedAt: String?
        let notAfter: String?
    }

    @Sendable func status(_ request: Request, context: Context) async throws -> StatusView {
        let serial = try context.parameters.require("serial")
        let today = clock.today
        let s = try await database.cards.status(serial: serial, on: today)
        return StatusView(serial: s.serial, status: s.status, reason: s.reason, revokedAt: s.revokedAt, notAfter: s.notAfter)
    }
}
