import Foundation
import Hummingbird
import ServiceLifecycle
import Logging
import MadoguchiDomain
import MadoguchiIssuance
import MadoguchiStore

/// Builds the HTTP application over an open database.
public func buildApplication(
    configuration: ServerConfiguration, database: MadoguchiDatabase, logger: Logger = Logger(label: "madoguchi")
) throws -> some ApplicationProtocol {
    let router = try buildRouter(configuration: configuration, database: database)
    let kiosk = KioskService(
        issuance: IssuanceService(database: database, clock: configuration.clock, fees: configuration.fees),
        policy: configuration.kiosk)
    let edge = configuration.edge
    let cityName = try database.registry.meta("city.name") ?? "窓口市"
    var services: [any Service] = [
        kioskSweeper(service: kiosk, logger: logger),
        queueSweeper(queue: QueueService(database: database, clock: configuration.clock, cityName: cityName), logger: logger),
    ]
    if let mail = configuration.mail {
        services.append(MailSender(store: database.queues, transport: mail, cityName: cityName, clock: configuration.clock, logger: logger))
    }
    return Application(
        router: router,
        server: .http1(configuration: .init(
            additionalChannelHandlers: [RequestDeadlineHandler(deadline: .milliseconds(Int64(edge.requestSeconds * 1000)))],
            idleTimeout: .milliseconds(Int64(edge.idleSeconds * 1000)))),
        configuration: ApplicationConfiguration(
            address: .hostname(configuration.host, port: configuration.port), serverName: "Madoguchi"),
        services: services,
        logger: logger)
}

/// The routes: public pages and health, the staff API and pages behind staff accounts, the kiosk protocol behind the
/// hub's token, the relay's routes behind the city's relay secret. `AccessPolicy` says which roles reach which route.
public func buildRouter(configuration: ServerConfiguration, database: MadoguchiDatabase) throws
    -> Router<AppRequestContext>
{
    typealias Context = AppRequestContext
    let registry = database.registry
    let cityName = try registry.meta("city.name") ?? "窓口市"
    let staff = StaffService(database: database, clock: configuration.clock)
    let router = Router(context: Context.self)
    router.add(middleware: SecurityHeadersMiddleware())
    router.add(middleware: AccessLogMiddleware())
    router.add(middleware: DomainErrorMiddleware(cityName: cityName))
    if !configuration.edge.trustedProxies.isEmpty {
        router.add(middleware: ForwardedForMiddleware(proxies: TrustedProxies(configuration.edge.trustedProxies)))
    }
    router.add(middleware: RateLimitMiddleware(
        signIn: RateLimiter(perMinute: configuration.edge.signInsPerMinute, clock: configuration.clock),
        verify: RateLimiter(perMinute: configuration.edge.verificationsPerMinute, clock: configuration.clock),
        tickets: RateLimiter(perMinute: configuration.edge.ticketsPerMinute, clock: configuration.clock)))
    router.add(middleware: StaffAuthenticationMiddleware(staff: staff))
    router.add(middleware: AccessPolicyMiddleware())
    let cityCode = try registry.meta("city.code") ?? ""
    let trail = AuditTrail(audit: AccessAudit(database: database, clock: configuration.clock))
    router.get("/api/v1/city") { _, _ -> CityView in CityView(code: cityCode, name: cityName) }
    router.get("/health") { _, _ -> Health in
        // One row of `meta` by its key: a probe every few seconds must not scan the registry (it counted eight tables,
        // a full scan of 1.5 million residents each time).
        let ok = (try? await blocking { try registry.meta("city.code") }) != nil
        return Health(status: ok ? "ok" : "degraded", database: ok ? "ok" : "unavailable")
    }
    router.get("/openapi.json") { _, _ -> Response in
        var headers = HTTPFields()
        headers[.contentType] = "application/json"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(data: OpenAPIDocument.data)))
    }
    router.post("/logout", use: StaffSignIn.logout(staff, secure: configuration.secureCookies) as @Sendable (Request, Context) async throws -> Response)
    PublicPages(registry: registry, clock: configuration.clock, cityName: cityName).addRoutes(to: router)
    FacilityPages<Context>(
        network: FacilityNetworkService(store: database.facilityNetwork), clock: configuration.clock, cityName: cityName,
        cityCode: cityCode, stores: configuration.kiosk
    ).addRoutes(to: router)
    let api = router.group("api/v1")
    // Queues at the counter: the entrance, the ticket's page, the display board, and the windows' API.
    let queue = QueueService(database: database, clock: configuration.clock, cityName: cityName)
    QueuePages<Context>(queue: queue, cityName: cityName, secure: configuration.secureCookies).addRoutes(to: router)
    let queueController = QueueController<Context>(queue: queue)
    CongestionPages<Context>(
        congestion: CongestionService(
            queue: queue, store: database.queues, network: FacilityNetworkService(store: database.facilityNetwork), clock: configuration.clock),
        cityName: cityName
    ).addRoutes(to: router, api: api)
    queueController.addPublicRoutes(to: api)
    queueController.addStaffRoutes(to: api)
    RegistryController<Context>(registry: registry, clock: configuration.clock, trail: trail).addRoutes(to: api)
    let issuance = IssuanceService(database: database, clock: configuration.clock, fees: configuration.fees)
    try issuance.prepareSigning()
    CertificatesController<Context>(service: issuance, trail: trail).addRoutes(to: api)
    KioskController(service: KioskService(issuance: issuance, policy: configuration.kiosk, relay: configuration.wideAreaRelay))
        .addRoutes(to: router.group("kiosk/v1").add(middleware: HubSignatureMiddleware(
            keys: configuration.hubKeys, cityCode: cityCode, clock: configuration.clock, nonces: NonceCache(clock: configuration.clock))))
    VerifyController(service: issuance, cityName: cityName).addRoutes(to: router)
    PKIController(database: database, clock: configuration.clock).addRoutes(to: router)
    let counter = CounterPages<Context>(
        registry: registry, service: issuance, clock: configuration.clock, cityName: cityName, staff: staff,
        trail: trail, secureCookie: configuration.secureCookies)
    counter.addRoutes(to: router)
    // 広域交付: answering other cities through the relay, and asking them from this counter.
    let wideArea = WideAreaService(issuance: issuance)
    let wideAreaController = WideAreaController<Context>(service: wideArea, relay: configuration.wideAreaRelay)
    let relayGroup = router.group("relay/v1").add(middleware: RelayTokenMiddleware<Context>(token: configuration.relayToken))
    wideAreaController.addRelayRoutes(to: relayGroup)
    wideAreaController.addRoutes(to: api)
    let counterGroup = router.group("counter")
    WideAreaPages(counter: counter, service: wideArea, relay: configuration.wideAreaRelay).addRoutes(to: counterGroup)
    QueueWindowPages(counter: counter, queue: queue).addRoutes(to: counterGroup)
    // The registry the counter keeps itself: 支援措置, 印鑑登録, 本人通知.
    let procedures = RegistryProcedures(database: database, clock: configuration.clock, relay: configuration.wideAreaRelay)
    let proceduresController = ProceduresController<Context>(procedures: procedures, trail: trail)
    proceduresController.addRoutes(to: api)
    proceduresController.addRelayRoutes(to: relayGroup)
    ProcedurePages(counter: counter, procedures: procedures).addRoutes(to: counterGroup)
    SheetsController(database: database, clock: configuration.clock).addRoutes(to: api)
    PlanningPages<Context>(database: database, clock: configuration.clock, cityName: cityName, staff: staff, secureCookie: configuration.secureCookies)
        .addRoutes(to: router)
    StatisticsPages<Context>(statistics: StatisticsService(database: database), clock: configuration.clock, cityName: cityName).addRoutes(to: router)
    ReorganisationPages<Context>(
        service: ReorganisationService(database: database, clock: configuration.clock),
        network: FacilityNetworkService(store: database.facilityNetwork), clock: configuration.clock, cityName: cityName
    ).addRoutes(to: router)
    ResidentPages<Context>(portal: ResidentPortal(database: database, clock: configuration.clock, relay: configuration.wideAreaRelay), cityName: cityName,
                           secureCookie: configuration.secureCookies).addRoutes(to: router)
    AuditPages<Context>(audit: trail.audit, staff: staff, cityName: cityName, secureCookie: configuration.secureCookies).addRoutes(to: router)
    AdminPages<Context>(staff: staff, registry: registry, cityName: cityName, secureCookie: configuration.secureCookies).addRoutes(to: router)
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

/// Aborts kiosk sessions past their deadline, voiding their documents: at start-up (sessions a crash left
/// open) and every second after.
func kioskSweeper(service: KioskService, logger: Logger) -> Periodic {
    .sweep(every: .seconds(1), logger: logger, what: "kiosk sessions timed out", count: "aborted", failed: "kiosk sweep failed") {
        try await service.sweep()
    }
}
