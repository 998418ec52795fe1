import Foundation
import Hummingbird
import MadoguchiDomain
import MadoguchiIssuance
import MadoguchiPKI
import MadoguchiStore

/// `/my`: 住民向けアクセス記録. The resident signs in with the card (the page shows a one-time challenge; the card
/// reader on their device signs it after the PIN and gives an answer to paste back), then sees every read of their
/// data by staff and every certificate about them: when, where, what, why, and who asked for a certificate
/// (本人・代理人・第三者…), never the member of staff. The session is the resident's own: no route takes a person's id.
struct ResidentPages<Context: StaffContext>: Sendable {
    let portal: ResidentPortal
    let cityName: String
    var secureCookie = false

    static var cookieName: String { "madoguchi_resident" }

    func addRoutes(to router: Router<Context>) {
        router.get("/my", use: page)
        router.post("/my/login", use: login)
        router.post("/my/logout", use: logout)
        router.get("/my/access.json", use: json)
    }

    func cookie(_ value: String, maxAge: Int) -> String {
        "\(Self.cookieName)=\(value); Path=/my; HttpOnly; SameSite=Strict; Max-Age=\(maxAge)\(secureCookie ? "; Secure" : "")"
    }

    func resident(_ request: Request) async throws -> Int64? {
        guard let secret = StaffAuthenticationMiddleware<Context>.cookie(request, Self.cookieName) else { return nil }
        return try await portal.resident(session: secret)
    }

    static func when(_ at: String) -> String {
        // 2026-11-24T10:00:00.000+09:00 → 2026年11月24日 10:00
        let c = Array(at)
        guard c.count >= 16 else { return at }
        return "\(String(c[0..<4]))年\(Int(String(c[5..<7])) ?? 0)月\(Int(String(c[8..<10])) ?? 0)日 \(String(c[11..<16]))"
    }

    func signInPage(error: String? = nil, status: HTTPResponse.Status = .ok) async throws -> Response {
        let (id, challenge) = try await portal.challenge()
        let code = challenge.encoded
        let body = """
            <h1>わたしの情報の利用記録</h1>
            <p>市の職員があなたの住民記録を見たとき、あなたの証明書が交付されたときの記録を、マイナンバーカードでログインして確認できます。</p>
            \(error.map { "<p role=\"alert\" style=\"color:#b00020\">\(HTML.escape($0))</p>" } ?? "")
            <ol>
            <li>カード読み取りアプリで、次の確認コードにマイナンバーカードで署名してください（利用者証明用電子証明書の暗証番号・数字4桁）。<br>
            <code id="challenge">\(code)</code><br><small>デモでは: <code>madoguchi card answer --card カードファイル --pin 暗証番号 --challenge \(code)</code></small></li>
            <li>アプリが示す応答を貼り付けて、ログインしてください（確認コードの有効期限は2分です）。</li>
            </ol>
            <form method="post" action="/my/login">
            <input type="hidden" name="challengeId" value="\(HTML.escape(id))">
            <p><label>カードの応答 <textarea name="answer" rows="4" cols="60" required></textarea></label></p>
            <p><button type="submit">ログイン</button></p>
            </form>
            """
        var response = HTML.response(HTML.page(title: "わたしの情報の利用記録", cityName: cityName, body: body), status: status)
        response.headers[.cacheControl] = "no-store"
        return response
    }

    @Sendable func page(_ request: Request, context: Context) async throws -> Response {
        guard let residentId = try await resident(request) else { return try await signInPage() }
        let lines = try await portal.lines(residentId: residentId)
        let rows = lines.map { l in
            "<tr data-source=\"\(l.source.rawValue)\"><td>\(HTML.escape(Self.when(l.at)))</td><td>\(HTML.escape(l.place))</td><td>\(HTML.escape(l.what))</td>"
                + "<td>\(HTML.escape(l.purpose ?? "—"))</td><td>\(HTML.escape(l.requester ?? "—"))</td></tr>"
        }.joined(separator: "\n")
        let body = """
            <form method="post" action="/my/logout" style="float:right"><button type="submit">ログアウト</button></form>
            <h1>わたしの情報の利用記録</h1>
            <p>市の職員があなたの情報を見た記録と、あなたの証明書の交付の記録です（新しい順）。見た職員の名前は表示しませんが、
            すべて記録され、監査されています。心当たりのない記録があれば、市民課にお問い合わせください。</p>
            <p id="count" data-count="\(lines.count)">\(lines.count)件</p>
            <table><thead><tr><th>日時</th><th>窓口</th><th>内容</th><th>用件</th><th>請求者</th></tr></thead>
            <tbody>\(rows)</tbody></table>
            <p><small>法令や市の定めにより、捜査機関などからの照会への回答、国・地方公共団体の公用請求、紛争処理手続のための職務上請求、
            監査のための閲覧は表示しません。</small></p>
            """
        var response = HTML.response(HTML.page(title: "わたしの情報の利用記録", cityName: cityName, body: body, wide: true))
        response.headers[.cacheControl] = "no-store"
        return response
    }

    @Sendable func login(_ request: Request, context: Context) async throws -> Response {
        let form = try await FormData.read(request)
        guard let answer = CardAnswer.read(form["answer"] ?? ""), let challengeId = form["challengeId"] else {
            return try await signInPage(error: "カードの応答を読めません。もう一度お試しください。", status: .unauthorized)
        }
        do {
            let (secret, _) = try await portal.signIn(challengeId: challengeId, certificatePEM: answer.certificatePEM, signature: answer.signature)
            return StaffSignIn.redirect("/my", cookie: cookie(secret, maxAge: Int(ResidentPortal.sessionSeconds)))
        } catch let error as MadoguchiError {
            return try await signInPage(error: "\(error.ja)（\(error.code.rawValue)）", status: .unauthorized)
        }
    }

    @Sendable func logout(_ request: Request, context: Context) async throws -> Response {
        if let secret = StaffAuthenticationMiddleware<Context>.cookie(request, Self.cookieName) { try await portal.signOut(secret) }
        return StaffSignIn.redirect("/my", cookie: cookie("", maxAge: 0))
    }

    struct Lines: ResponseEncodable {
        let count: Int
        let lines: [ResidentAccessLine]
    }

    @Sendable func json(_ request: Request, context: Context) async throws -> Lines {
        guard let residentId = try await resident(request) else {
            throw APIError(.unauthorized, MadoguchiError(.unauthorized, ja: "カードでログインしてください", en: "Sign in with the card first"))
        }
        let lines = try await portal.lines(residentId: residentId)
        return Lines(count: lines.count, lines: lines)
    }
}

extension ResidentAccessLine: ResponseEncodable {}
