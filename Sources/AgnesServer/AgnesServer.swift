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
        router.add(middleware: SecurityHeadersMiddleware())
        router.add(middleware: ErrorMiddleware(exposesErrors: services.settings.isDebug))
        router.add(middleware: CSRFMiddleware(settings: services.settings))
        HealthRoutes(services: services).register(on: router)
        AuthRoutes(services: services).register(on: router)
        TokenRoutes(services: services).register(on: router)
        PasswordRoutes(services: services).register(on: router)
        MagicLinkRoutes(services: services).register(on: router)
        LoginPages(services: services).register(on: router)
        GoogleAuthRoutes(services: services).register(on: router)
        UserRoutes(services: services).register(on: router)
        AccessRoutes(services: services).register(on: router)
        DataRoutes(services: services).register(on: router)
        QueryRoutes(services: services).register(on: router)
        MetricRoutes(services: services).register(on: router)
        ColumnMetadataRoutes(services: services).register(on: router)
        UploadRoutes(services: services).register(on: router)
        SettingsRoutes(services: services).register(on: router)
        SyncSettingsRoutes(services: services).register(on: router)
        CatalogRoutes(services: services).register(on: router)
        CatalogV2Routes(services: services).register(on: router)
        WelcomeRoutes(services: services).register(on: router)
        SyncTriggerRoutes(services: services).register(on: router)
        SyncRunRoutes(services: services).register(on: router)
        SchedulerRoutes(services: services).register(on: router)
        RegistryRoutes(services: services).register(on: router)
        DiscoveryRoutes(services: services).register(on: router)
        ScanRoutes(services: services).register(on: router)
        TableUploadRoutes(services: services).register(on: router)
        return router
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
