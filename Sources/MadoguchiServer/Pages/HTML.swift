import Hummingbird
import MadoguchiDocuments

/// Minimal HTML building: every interpolated value goes through ``escape``.
enum HTML {
    static func escape(_ s: String) -> String { HTMLText.escape(s) }

    /// The shared page frame (lang="ja", readable on a phone, no external assets).
    static func page(
        title: String, cityName: String, body: String, style: String = "", wide: Bool = false, lang: String = "ja", script: String? = nil
    ) -> String {
        """
        <!doctype html>
        <html lang="\(lang == "en" ? "en" : "ja")">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>\(escape(title))｜\(escape(cityName))</title>
        \(script.map { "<script src=\"\(escape($0))\" defer></script>" } ?? "")
        <style>
        body{font-family:"IPAexGothic","Hiragino Sans","Noto Sans JP",sans-serif;margin:0;color:#1a1a1a;line-height:1.7}
        header{background:#0b5394;color:#fff;padding:1rem 1.5rem}
        header a{color:#fff;text-decoration:none}
        main{max-width:60rem;margin:0 auto;padding:1rem 1.5rem}
        table{border-collapse:collapse;width:100%}th,td{border:1px solid #ccc;padding:.3rem .5rem;text-align:left}
        th{background:#eef3f8}.closed{color:#595959}nav a{margin-right:1rem}code{overflow-wrap:anywhere}
        .scroll{overflow-x:auto;position:relative}
        \(wide ? "main{max-width:76rem}" : "")
        \(style)
        </style>
        </head>
        <body>
        <header><a href="/"><strong>\(escape(cityName))</strong> \(lang == "en" ? "City services" : "窓口サービス")</a></header>
        <main>
        \(body)
        </main>
        </body>
        </html>
        """
    }

    /// The opening of a box that scrolls sideways on a phone (`.scroll` in the frame's style): a named region, focusable
    /// so that a keyboard can scroll it. Close it with `</div>`.
    static func scroll(_ label: String) -> String {
        "<div class=\"scroll\" role=\"region\" tabindex=\"0\" aria-label=\"\(escape(label))\">"
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
    static func make(id: String, bytes: [UInt8], status: HTTPResponse.Status = .ok, extra: HTTPFields = [:]) -> Response {
        var headers = extra
        headers[.contentType] = "application/pdf"
        headers[.contentDisposition] = "inline; filename=\"\(id).pdf\""
        headers[.cacheControl] = "no-store"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}
