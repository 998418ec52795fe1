import Hummingbird
import MadoguchiDomain
import MadoguchiStore

/// The public pages: home and closure calendar (the facilities are `FacilityPages`).
struct PublicPages<Context: RequestContext> {
    let registry: RegistryRepository
    let clock: MadoguchiClock
    let cityName: String

    func addRoutes(to router: Router<Context>) {
        router.get("/", use: home)
        router.get("/calendar", use: calendar)
    }

    @Sendable func home(_ request: Request, context: Context) async throws -> Response {
        let today = clock.today
        let wareki = (try? JapaneseDate(today).description) ?? today.description
        let status = OfficeCalendar.closure(on: today).map { "本日（\(wareki)）は閉庁日（\($0.japanese)）です。" }
            ?? "本日（\(wareki)）は開庁日です。"
        let body = """
            <h1>\(HTML.escape(cityName))の窓口サービス</h1>
            <p>\(HTML.escape(status))</p>
            <p>\(HTML.escape(cityName))では、住民票の写し・印鑑登録証明書・所得・課税証明書・戸籍の証明書などを、
            区役所・支所・出張所の窓口、駅前の行政サービスコーナーで発行しています。
            マイナンバーカードをお持ちの方は、全国のコンビニエンスストアでも取得できます（6時30分から23時まで、12月29日から1月3日を除く）。</p>
            <h2>取得できる証明書</h2>
            <ul>
            <li>住民票の写し（世帯全員・一部）、住民票記載事項証明書、除票の写し</li>
            <li>印鑑登録証明書</li>
            <li>所得・課税証明書</li>
            <li>戸籍全部事項証明書・個人事項証明書、戸籍の附票の写し</li>
            </ul>
            <p>代理人が請求するときは委任状が必要です。DV等の支援措置を受けている方の証明書は、ご本人以外には発行しません。</p>
            <h2>ページ</h2>
            <nav>
            <a href="/facilities">窓口の一覧</a>
            <a href="/finder">証明書を取れる場所を探す</a>
            <a href="/calendar">閉庁日カレンダー</a>
            <a href="/verify">証明書の確認</a>
            <a href="/my">わたしの情報の利用記録（マイナンバーカードでログイン）</a>
            <a href="/sheets">施策の進行管理・評価（公表）</a>
            <a href="/health">稼働状況</a>
            </nav>
            <h2>職員の方へ</h2>
            <p><a href="/counter">窓口業務（証明書の交付）</a>　<a href="/planning">施策進行管理（企画担当）</a></p>
            <p>職員用API（<code>/api/v1/residents?q=</code>、<code>/api/v1/residents/{id}</code>、<code>/api/v1/facilities</code>）は
            職員用トークン（<code>Authorization: Bearer …</code>）が必要です。</p>
            """
        return HTML.response(HTML.page(title: "窓口サービス", cityName: cityName, body: body))
    }

    @Sendable func calendar(_ request: Request, context: Context) async throws -> Response {
        let year = request.uri.queryParameters.get("year", as: Int.self) ?? clock.today.year
        guard NationalHolidays.supportedYears.contains(year) else {
            let body = "<h1>閉庁日カレンダー</h1><p>\(NationalHolidays.supportedYears.lowerBound)年から\(NationalHolidays.supportedYears.upperBound)年までを表示できます。</p>"
            return HTML.response(HTML.page(title: "閉庁日カレンダー", cityName: cityName, body: body), status: .notFound)
        }
        var rows = ""
        for h in NationalHolidays.holidays(in: year) {
            let w = (try? JapaneseDate(h.date).description) ?? ""
            rows += "<tr><td>\(h.date)</td><td>\(HTML.escape(w))（\(h.date.weekday.japanese)）</td><td>\(HTML.escape(h.formalName))</td></tr>\n"
        }
        let body = """
            <h1>\(year)年の閉庁日</h1>
            <p>土曜日・日曜日、国民の祝日・休日、年末年始（12月29日から1月3日）は閉庁します。</p>
            <p><a href="/calendar?year=\(year - 1)">← \(year - 1)年</a>　<a href="/calendar?year=\(year + 1)">\(year + 1)年 →</a></p>
            <table><thead><tr><th>日付</th><th>和暦</th><th>祝日・休日</th></tr></thead><tbody>
            \(rows)</tbody></table>
            """
        return HTML.response(HTML.page(title: "閉庁日カレンダー", cityName: cityName, body: body))
    }
}
