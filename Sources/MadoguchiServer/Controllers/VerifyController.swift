import Foundation
import Hummingbird
import MadoguchiDomain
import MadoguchiIssuance
import MadoguchiPKI

/// Public verification: anyone holding a certificate (a bank, a landlord, a 司法書士) checks it here.
struct VerifyController<Context: RequestContext> {
    let service: IssuanceService
    let cityName: String

    func addRoutes(to router: Router<Context>) {
        router.get("/.well-known/jwks.json", use: jwks)
        router.get("/ledger/checkpoint", use: checkpoint)
        router.post("/api/v1/verify", use: verifyAPI)
        router.get("/verify", use: page)
        router.post("/verify", use: pageForm)
        router.get("/assets/verify.js", use: script)
    }

    struct KeySet: ResponseEncodable {
        let keys: [PublicJWK]
    }

    /// `GET /ledger/checkpoint`: the heads of the ledger and the access log, signed now; anyone may keep it and later
    /// check the city's ledger against it (`madoguchi ledger verify --checkpoint`).
    @Sendable func checkpoint(_ request: Request, context: Context) async throws -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        let data = try encoder.encode(try await service.checkpoint())
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        headers[.cacheControl] = "no-store"
        headers[.accessControlAllowOrigin] = "*"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(data: data)))
    }

    @Sendable func jwks(_ request: Request, context: Context) async throws -> Response {
        let keys = try await blocking { try service.jwks().keys }
        let data = try JSONEncoder().encode(KeySet(keys: keys))
        var headers = HTTPFields()
        headers[.contentType] = "application/jwk-set+json"
        headers[.cacheControl] = "public, max-age=300"
        headers[.accessControlAllowOrigin] = "*"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(data: data)))
    }

    struct VerifyBody: Decodable {
        var token: String
    }

    struct VerifyResult: ResponseEncodable {
        let status: String
        let statusJa: String
        let message: [String: String]
        let claims: DocumentClaims?
        let kid: String?
        let checkedOnline: Bool
        let supersededBy: String?

        init(_ v: DocumentVerification) {
            status = v.status.rawValue
            statusJa = v.status.japanese
            message = v.message
            claims = v.claims
            kid = v.kid
            checkedOnline = v.checkedOnline
            supersededBy = v.supersededBy
        }
    }

    @Sendable func verifyAPI(_ request: Request, context: Context) async throws -> VerifyResult {
        let body = try await JSONBody.decode(VerifyBody.self, from: request)
        return VerifyResult(try await blocking { try service.verify(body.token) })
    }

    @Sendable func page(_ request: Request, context: Context) async throws -> Response {
        response(VerifyPage(token: "", verification: nil))
    }

    @Sendable func pageForm(_ request: Request, context: Context) async throws -> Response {
        let buffer = try await request.body.collect(upTo: 64 * 1024)
        let form = String(buffer: buffer)
        let token = form.split(separator: "&").compactMap { pair -> String? in
            let parts = pair.split(separator: "=", maxSplits: 1)
            guard parts.count == 2, parts[0] == "token" else { return nil }
            return String(parts[1]).replacingOccurrences(of: "+", with: " ").removingPercentEncoding
        }.first ?? ""
        let result = try await blocking { try service.verify(token) }
        return response(VerifyPage(token: token, verification: result))
    }

    func response(_ page: VerifyPage) -> Response {
        HTML.response(HTML.page(
            title: "証明書の確認", cityName: cityName, body: Views.render(page, .verify), style: Views.Asset.verify.text, script: "/assets/verify.js"))
    }

    /// Camera scanning where the browser has BarcodeDetector; pasting works everywhere. A file of its own: the pages'
    /// policy runs no inline script.
    @Sendable func script(_ request: Request, context: Context) async throws -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "text/javascript; charset=utf-8"
        headers[.cacheControl] = "public, max-age=3600"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: Views.Asset.verifyScript.text)))
    }
}
