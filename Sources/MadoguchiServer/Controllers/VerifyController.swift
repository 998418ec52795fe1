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
        HTML.response(HTML.page(title: "証明書の確認", cityName: cityName, body: Self.form(token: "") + Self.script))
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
        return HTML.response(HTML.page(title: "証明書の確認", cityName: cityName, body: Self.result(result) + Self.form(token: token) + Self.script))
    }

    static func form(token: String) -> String {
        """
        <h1>証明書の確認 <small>Verify a certificate</small></h1>
        <p>証明書の右下（または左下）の二次元コードを読み取るか、その内容を貼り付けてください。
        市の電子署名と、発行・取消の記録を確認します。</p>
        <form method="post" action="/verify">
        <p><label for="token">二次元コードの内容 / QR text</label><br>
        <textarea id="token" name="token" rows="5" style="width:100%">\(HTML.escape(token))</textarea></p>
        <p><button type="submit">確認する / Verify</button>
        <button type="button" id="scan" hidden>カメラで読み取る / Scan</button></p>
        <video id="camera" hidden playsinline style="max-width:100%"></video>
        </form>
        """
    }

    static func result(_ v: DocumentVerification) -> String {
        let color = v.status == .valid ? "#0a7d32" : "#b00020"
        var rows = ""
        if let c = v.claims {
            rows = """
                <table>
                <tr><th>氏名 / Names</th><td>\(c.names.map(HTML.escape).joined(separator: "<br>"))</td></tr>
                <tr><th>生年月日 / Birth dates</th><td>\(c.births.map { b in
                    CivilDate.parseGregorian(b).flatMap { try? JapaneseDate($0).description }.map { "\($0)（\(b)）" } ?? b
                }.joined(separator: "<br>"))</td></tr>
                <tr><th>証明書 / Kind</th><td>\(HTML.escape(CertificateKind(rawValue: c.kind)?.japanese ?? c.kind))</td></tr>
                <tr><th>文書番号 / Document</th><td><code>\(HTML.escape(c.jti))</code></td></tr>
                <tr><th>発行 / Issued</th><td>\(HTML.escape(Self.issued(c.iat)))</td></tr>
                </table>
                """
        }
        return """
            <section id="result" data-status="\(v.status.rawValue)" style="border:3px solid \(color);padding:1rem;margin:1rem 0">
            <h2 style="color:\(color)">\(HTML.escape(v.status.japanese))（\(v.status.rawValue)）</h2>
            <p>\(HTML.escape(v.message["ja"] ?? ""))<br><small>\(HTML.escape(v.message["en"] ?? ""))</small></p>
            \(rows)
            </section>
            """
    }

    static func issued(_ iat: Int64) -> String {
        let date = Date(timeIntervalSince1970: TimeInterval(iat))
        let day = JapanTime.date(of: date)
        return (try? JapaneseDate(day).description) ?? day.description
    }

    /// Camera scanning where the browser has BarcodeDetector; pasting works everywhere.
    static var script: String { verifyPageScript }
}

/// Camera scanning for the /verify page.
let verifyPageScript = """
        <script>
        (function () {
          if (!('BarcodeDetector' in window) || !navigator.mediaDevices) return;
          var button = document.getElementById('scan');
          button.hidden = false;
          button.addEventListener('click', async function () {
            var video = document.getElementById('camera');
            var stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment' } });
            video.srcObject = stream; video.hidden = false; await video.play();
            var detector = new BarcodeDetector({ formats: ['qr_code'] });
            var timer = setInterval(async function () {
              var codes = await detector.detect(video);
              if (codes.length) {
                clearInterval(timer); stream.getTracks().forEach(function (t) { t.stop(); });
                document.getElementById('token').value = codes[0].rawValue;
                document.querySelector('form').submit();
              }
            }, 300);
          });
        })();
        </script>
        """

