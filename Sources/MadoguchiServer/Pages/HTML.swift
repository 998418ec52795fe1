import HTTPTypes
import Hummingbird
import MadoguchiDocuments
import MadoguchiDomain
import MadoguchiIssuance

/// Minimal HTML building: every interpolated value goes through ``escape``.
enum HTML {
    static func escape(_ s: String) -> String { HTMLText.escape(s) }

    /// The shared page frame (lang="ja", readable on a phone, no external assets): `frame.mustache` around a body.
    static func page(
        title: String, cityName: String, body: String, style: String = "", wide: Bool = false, lang: String = "ja", script: String? = nil
    ) -> String {
        Views.render(
            Frame(
                lang: lang == "en" ? "en" : "ja", title: title, cityName: cityName, services: lang == "en" ? "City services" : "窓口サービス",
                script: script, siteStyle: Frame.siteStyle, wide: wide, style: style, body: body),
            .frame)
    }

    /// The frame's model.
    struct Frame {
        static let siteStyle = Views.Asset.site.text
        let lang: String
        let title: String
        let cityName: String
        let services: String
        let script: String?
        let siteStyle: String
        let wide: Bool
        /// The page's own style sheet (markup of this program, not escaped)
        let style: String
        /// The page's body (markup made by its view)
        let body: String
    }

    /// The opening of a box that scrolls sideways on a phone (`.scroll` in the frame's style): a named region, focusable
    /// so that a keyboard can scroll it. Close it with `</div>`.
    static func scroll(_ label: String) -> String {
        Views.render(["scrollLabel": label], .scroll)
    }

    static func response(_ html: String, status: HTTPResponse.Status = .ok) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "text/html; charset=utf-8"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: withCSRF(html))))
    }

    /// The signed-in session's CSRF token while a page is made (set by `AccessPolicyMiddleware`).
    @TaskLocal static var csrfToken: String?

    /// Every form that posts (`<form … method="post" …>`) gets the session's CSRF token as its first field.
    static func withCSRF(_ html: String) -> String {
        guard let token = csrfToken, html.contains("<form") else { return html }
        var out = ""
        var rest = Substring(html)
        while let start = rest.range(of: "<form"), let end = rest[start.lowerBound...].firstIndex(of: ">") {
            let tag = rest[start.lowerBound...end]
            out += rest[..<start.lowerBound]
            out += tag
            if tag.lowercased().contains("method=\"post\"") {
                out += "<input type=\"hidden\" name=\"csrf\" value=\"\(escape(token))\">"
            }
            rest = rest[rest.index(after: end)...]
        }
        return out + rest
    }
}

/// A certificate's PDF as an HTTP answer: inline, named by its id, never cached.
enum PDFResponse {
    /// `GET …/certificates/{id}/document.pdf`, for the API and the counter alike: the printable PDF, or with `?signed=1`
    /// the one for electronic delivery, signed (PAdES B-T) by the city. Any other `signed` value is refused (400), never
    /// read as either.
    static func document(_ request: Request, id: String, service: IssuanceService) async throws -> (IssuedCertificate, Response) {
        let signed: Bool
        switch request.uri.queryParameters.get("signed") {
        case nil, "0": signed = false
        case "1": signed = true
        default:
            throw APIError(.badRequest, MadoguchiError(
                .badRequest, ja: "signed には 1（署名付き）または 0 を指定してください", en: "signed is 1 (signed PDF) or 0"))
        }
        let (certificate, pdf) = signed ? try await service.signedDocument(async: id) : try await service.document(async: id)
        var headers = HTTPFields()
        if signed { headers[HTTPField.Name("X-Document-Signature")!] = "PAdES-B-T" }
        return (certificate, make(id: certificate.id, bytes: pdf, extra: headers))
    }

    static func make(id: String, bytes: [UInt8], status: HTTPResponse.Status = .ok, extra: HTTPFields = [:]) -> Response {
        var headers = extra
        headers[.contentType] = "application/pdf"
        headers[.contentDisposition] = "inline; filename=\"\(id).pdf\""
        headers[.cacheControl] = "no-store"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}
