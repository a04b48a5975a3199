import AgnesCore
import Hummingbird
import Logging

/// Builds the HTTP application.
///
/// ```swift
/// let services = try await AgnesServices.open(settings: settings, logger: logger)
/// try await AgnesServer.application(services: services, host: "127.0.0.1", port: 8000).runService()
/// ```
public enum AgnesServer {
    /// The router with every route and middleware.
    public static func router(services: AgnesServices) -> Router<AgnesRequestContext> {
        let router = Router(context: AgnesRequestContext.self)
        router.add(middleware: RequestIDMiddleware())
        router.add(middleware: RequestLogMiddleware())
        // Outside the error renderer, so errors are compressed and carry CORS headers too (a page may
        // read the detail of an error it is allowed to see).
        router.add(middleware: ResponseCompressionMiddleware())
        router.add(middleware: SecurityHeadersMiddleware())
        router.add(middleware: CORSMiddleware(settings: services.settings))
        // Outside the error renderer: browsers get its JSON errors on page paths as HTML pages.
        router.add(middleware: WebErrorPages(instanceName: services.settings.instanceName))
        router.add(middleware: ErrorMiddleware(exposesErrors: services.settings.isDebug))
        router.add(middleware: CSRFMiddleware(settings: services.settings))
        for routes in routeGroups(services: services) { routes.register(on: router) }
        return router
    }

    /// Every group of routes, in registration order: the one list that both the router and
    /// `/openapi.json` are built from. A new group of routes conforms to ``DescribedRoutes`` and is
    /// added here.
    static func routeGroups(services: AgnesServices) -> [any DescribedRoutes] {
        let groups: [any DescribedRoutes] = [
            HealthRoutes(services: services),
            AuthRoutes(services: services),
            TokenRoutes(services: services),
            PasswordRoutes(services: services),
            MagicLinkRoutes(services: services),
            LoginPages(services: services),
            ConsolePages(services: services),
            TablePages(services: services),
            SyncRunPages(services: services),
            SchedulerPage(services: services),
            SettingsPages(services: services),
            PeoplePages(services: services),
            MemoryPages(services: services),
            GoogleAuthRoutes(services: services),
            UserRoutes(services: services),
            AccessRoutes(services: services),
            DataRoutes(services: services),
            QueryRoutes(services: services),
            MetricRoutes(services: services),
            ColumnMetadataRoutes(services: services),
            UploadRoutes(services: services),
            SettingsRoutes(services: services),
            SyncSettingsRoutes(services: services),
            CatalogRoutes(services: services),
            CatalogV2Routes(services: services),
            WelcomeRoutes(services: services),
            SyncTriggerRoutes(services: services),
            SyncRunRoutes(services: services),
            SchedulerRoutes(services: services),
            CatalogExportRoutes(services: services),
            CorporateMemoryRoutes(services: services),
            RegistryRoutes(services: services),
            DiscoveryRoutes(services: services),
            BigQueryRoutes(services: services),
            HybridQueryRoutes(services: services),
            ServerConfigRoutes(services: services),
            ConfigureRoutes(services: services),
            ScanRoutes(services: services),
            TableUploadRoutes(services: services),
            TemplateRoutes(services: services),
            JiraWebhookRoutes(services: services),
            JiraAdminRoutes(services: services),
            MemoryRoutes(services: services),
            MemoryAdminRoutes(services: services),
        ]
        return groups + [APIDescriptionRoutes(services: services, described: groups)]
    }

    /// The application, listening on `host:port`.
    public static func application(
        services: AgnesServices, host: String, port: Int,
        onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
    ) -> some ApplicationProtocol {
        let limits = services.settings.http
        let connections = ConnectionGuard.Counter()
        return Application(
            router: router(services: services),
            server: .http1(
                configuration: .init(
                    additionalChannelHandlers: [ConnectionGuard(limits: limits, counter: connections)],
                    idleTimeout: .seconds(Int64(limits.idleTimeoutSeconds)))),
            configuration: .init(address: .hostname(host, port: port), serverName: "agnes"),
            onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? port) },
            logger: services.logger)
    }
}
