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
        let page = HomePage(cityName: cityName, today: clock.today, language: Language(request.uri.queryParameters.get("lang")))
        return HTML.response(HTML.page(
            title: page.language.t("窓口サービス", "City services"), cityName: cityName, body: Views.render(page, .home), lang: page.language.code))
    }

    @Sendable func calendar(_ request: Request, context: Context) async throws -> Response {
        let year = request.uri.queryParameters.get("year", as: Int.self) ?? clock.today.year
        let language = Language(request.uri.queryParameters.get("lang"))
        guard NationalHolidays.supportedYears.contains(year) else {
            let (first, last) = (NationalHolidays.supportedYears.lowerBound, NationalHolidays.supportedYears.upperBound)
            let problem = NetworkPage.Problem(
                title: language.t("閉庁日カレンダー", "Days the offices are closed"),
                message: language.t("\(first)年から\(last)年までを表示できます。", "The calendar covers \(first) to \(last)."))
            return HTML.response(
                HTML.page(title: problem.title, cityName: cityName, body: Views.render(problem, .problem), lang: language.code), status: .notFound)
        }
        let page = CalendarPage(year: year, language: language)
        return HTML.response(HTML.page(title: page.title, cityName: cityName, body: Views.render(page, .calendar), lang: language.code))
    }
}
