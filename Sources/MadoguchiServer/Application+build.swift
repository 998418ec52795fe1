import Foundation
import Hummingbird
import Logging
import MadoguchiDomain
import MadoguchiIssuance
import MadoguchiStore

/// Builds the HTTP application over an open database.
public func buildApplication(
    configuration: ServerConfiguration, database: MadoguchiDatabase, logger: Logger = Logger(label: "madoguchi")
) throws -> some ApplicationProtocol {
    let router = try buildRouter(configuration: configuration, database: database)
    return Application(
        router: router,
        configuration: ApplicationConfiguration(
            address: .hostname(configuration.host, port: configuration.port), serverName: "Madoguchi"),
        logger: logger)
}

/// The routes: public pages and health, and the staff API behind the bearer token.
public func buildRouter(configuration: ServerConfiguration, database: MadoguchiDatabase) throws
    -> Router<BasicRequestContext>
{
    let registry = database.registry
    let cityName = try registry.meta("city.name") ?? "窓口市"
    let router = Router(context: BasicRequestContext.self)
    router.add(middleware: AccessLogMiddleware())
    router.add(middleware: DomainErrorMiddleware())
    let cityCode = try registry.meta("city.code") ?? ""
    router.get("/api/v1/city") { _, _ -> CityView in CityView(code: cityCode, name: cityName) }
    router.get("/health") { _, _ -> Health in
        let ok = (try? registry.counts()) != nil
        return Health(status: ok ? "ok" : "degraded", database: ok ? "ok" : "unavailable")
    }
    router.get("/openapi.json") { _, _ -> Response in
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(data: OpenAPIDocument.data)))
    }
    PublicPages(registry: registry, clock: configuration.clock, cityName: cityName).addRoutes(to: router)
    let api = router.group("api/v1").add(middleware: StaffTokenMiddleware(token: configuration.staffToken))
    RegistryController(registry: registry, clock: configuration.clock).addRoutes(to: api)
    let issuance = IssuanceService(database: database, clock: configuration.clock)
    CertificatesController(service: issuance).addRoutes(to: api)
    VerifyController(service: issuance, cityName: cityName).addRoutes(to: router)
    PKIController(database: database, clock: configuration.clock).addRoutes(to: router)
    CounterPages(
        registry: registry, service: issuance, clock: configuration.clock, cityName: cityName,
        staffToken: configuration.staffToken
    ).addRoutes(to: router)
    return router
}

/// Which city this server is: the hub routes cards to it by this code.
struct CityView: ResponseEncodable {
    let code: String
    let name: String
}

struct Health: ResponseEncodable {
    let status: String
    let database: String
}
