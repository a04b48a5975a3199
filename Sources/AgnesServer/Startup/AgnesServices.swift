import AgnesAuth
import AgnesConnectors
import AgnesCore
import AgnesData
import AgnesIntelligence
import AgnesJobs
import AgnesMail
import AgnesStore
import Foundation
import Logging

/// Everything the HTTP routes use, opened once at start-up.
public struct AgnesServices: Sendable {
    /// Validated settings.
    public let settings: AgnesSettings
    /// The system store.
    public let store: SystemStore
    /// Where the data lives.
    public let layout: DataLayout
    /// Read access to the current analytics generation.
    public let analytics: AnalyticsDatabase
    /// Rebuilds the analytics database.
    public let orchestrator: Orchestrator
    /// When this process started (`deployed_at`).
    public let startedAt: Date
    /// The server's logger.
    public let logger: Logger
    /// Authentication: JWTs, PATs, passwords.
    public let auth: AuthComponents
    /// Per-client limits of the sign-in routes (and the client-address resolution they use).
    public let rateLimiter: RateLimiter
    /// Outgoing mail (invites, password links, magic links); nil when no transport is configured.
    public let mailer: Mailer?
    /// Who may read which table: every read surface asks here.
    public let access: AccessPolicy
    /// Runs `/api/query` SQL in per-permission sandboxes.
    public let queryEngine: QueryEngine
    /// The manifest entries of the current generation, rebuilt when it or the store changes.
    let manifest: ManifestIndex
    /// What the web UI's table lists read, once per store write (``WebTableData``).
    let webTables: StoreRowCache<WebTableData>
    /// Table profiles: on request, and in the background after each rebuild for changed tables.
    public let profiling: ProfilingService
    /// Checks and runs `/api/v2/scan` requests.
    public let scans: ScanService
    /// Per-user scan quotas of `/api/v2/scan` (REFERENCE §1.8).
    public let scanQuota: ScanQuota
    /// The local folder's connector (sync runs and uploads share its one-at-a-time lane).
    public let localFiles: LocalFilesConnector
    /// The Keboola project's stack and token as they are now.
    let keboolaCredentials: KeboolaCredentials
    /// Keboola Storage's connector.
    public let keboola: KeboolaConnector
    /// The BigQuery projects as they are now.
    let bigqueryProjects: BigQueryProjects
    /// BigQuery's connector.
    public let bigquery: BigQueryConnector
    /// Sync runs: due connectors, one rebuild, per-table outcomes.
    public let pipeline: SyncPipeline
    /// The in-process scheduler's jobs.
    public let scheduler: Scheduler
    /// The Jira source: webhook processing, backfill and its jobs.
    public let jira: JiraService
    /// The corporate-memory collector, the scheduler's `corporate-memory` job.
    let corporateMemory: CorporateMemoryJob
    /// The verification detector, the scheduler's `verification-detector` job.
    let verificationDetector: VerificationDetectorJob
    /// The session collector, the scheduler's `session-collector` job.
    let sessionCollector: SessionCollectorJob
    /// LLM tokens per job.
    public let llmUsage: LLMUsageMeter
    /// The OpenMetadata catalog export, the scheduler's `catalog-export` job.
    public let catalogExport: CatalogExportJob
    /// Work requests start without waiting for it (the anonymous mail routes); tests await it.
    public let background: BackgroundWork
    /// Suggests topic tags for new corporate-memory items; none by default (see ``MemoryTopicTagger``).
    public var topicTagger: MemoryTopicTagger? = nil

    /// Opens the store (migrating it), the current analytics generation and the orchestrator.
    public static func open(
        settings: AgnesSettings, logger: Logger, passwordHasher: PasswordHasher = PasswordHasher(),
        mailer: Mailer? = nil
    ) async throws -> AgnesServices {
        let layout = DataLayout(root: URL(fileURLWithPath: settings.dataDir))
        let store = try await SystemStore.open(dataDirectory: settings.dataDir, logger: logger)
        let analytics = AnalyticsDatabase(layout: layout, poolSize: 2, logger: logger)
        try await analytics.reload()
        let policy = RemoteAttachPolicy(
            extensions: Set(settings.remoteAttachExtensions),
            tokenEnvironmentVariables: Set(settings.remoteAttachTokenEnvs))
        let orchestrator = Orchestrator(
            layout: layout, store: store, analytics: analytics, policy: policy, logger: logger)
        let auditLogger = AuditLogger(repository: DuckDBAuditLogRepository(store: store), logger: logger)
        let auth = try AuthComponents.make(
            settings: settings, store: store, hasher: passwordHasher, logger: logger,
            audit: { action, userID, resource, params in
                await auditLogger.record(action, userID: userID, resource: resource, params: params)
            })
        try await auth.authenticator.revokedSessions.load()
        let rateLimiter = try RateLimiter(settings: settings)
        let mail = MailConfiguration.from(environment: settings.environment)
        if let mail { logger.info("mail delivery: \(mail)") } else { logger.info("mail delivery: not configured") }
        if mail != nil || mailer != nil, settings.serverURL == nil {
            throw ConfigError(code: .invalidEnvironmentVariable, message: AccountLinks.serverURLRequired)
        }
        let localFiles = LocalFilesConnector(layout: layout, logger: logger)
        let keboolaCredentials = KeboolaCredentials(settings: settings.keboola, environment: settings.environment)
        let keboola = KeboolaConnector(layout: layout, logger: logger, configuration: keboolaCredentials.configuration)
        let bigqueryProjects = BigQueryProjects(settings: settings.bigquery)
        let bigquery = BigQueryConnector(
            layout: layout,
            tokens: GoogleAccessTokens(
                source: GoogleAccessTokens.source(environment: settings.environment),
                http: BigQueryConnector.defaultHTTPClient),
            logger: logger, configuration: bigqueryProjects.configuration)
        let custom = CustomConnector.all(
            in: settings.connectorsDir.map { URL(fileURLWithPath: $0) }, layout: layout, policy: policy,
            environment: settings.environment, logger: logger)
        let jiraSection = (settings.instance.lookup(["jira"])?.objectValue ?? [:]).compactMapValues(\.stringValue)
        let jiraSettings = JiraSettings.from(environment: settings.environment, section: jiraSection, layout: layout)
        let jiraConnector = JiraConnector(isConfigured: { jiraSettings.service != nil })
        let connectors: [any Connector] = [localFiles, keboola, bigquery, jiraConnector] + custom
        var readers: [String: any RemoteTableReader] = [:]
        for connector in connectors { readers[connector.sourceType] = connector.remoteReader }
        let limits = settings.query
        let queryEngine = QueryEngine(
            analytics: analytics, layout: layout,
            limits: SandboxLimits(
                threads: limits.threads, memoryLimit: limits.memoryLimit,
                maxTempDirectorySize: limits.maxTempDirectorySize, connections: limits.concurrency,
                timeout: .seconds(limits.timeoutSeconds)),
            remote: RemoteSources(readers),
            onUnlinkedFile: { [logger] reason in
                logger.warning(
                    "a table's file cannot be hard-linked under DATA_DIR/tmp/sandbox, so the query sandbox reads it by its path, which analysts can see in its settings: keep DATA_DIR on one file system",
                    metadata: ["file": "\(reason)"])
            })
        if !queryEngine.files.isSealed {
            logger.warning(
                "the query sandbox cannot hide the data directory's paths from analysts (current_setting('allowed_paths') shows them): the server runs as root, or not on Linux; run it as an unprivileged user"
            )
        }
        let profiling = ProfilingService(
            store: store, analytics: analytics, settings: settings.profiler,
            limits: ProfilerLimits(temporaryDirectory: layout.root.appendingPathComponent("tmp/profiler")),
            logger: logger)
        orchestrator.onRebuild { _ in profiling.scheduleAfterRebuild() }
        let pipeline = SyncPipeline(
            store: store, orchestrator: orchestrator, connectors: connectors, settings: settings.sync,
            alerts: settings.sync.alertWebhookURL.map { SyncAlertSender(url: $0, client: OutboundHTTP.client) },
            logger: logger)
        let catalogExport = CatalogExportJob(settings: settings.openMetadata, store: store, logger: logger)
        let jira = JiraService(
            settings: jiraSettings, layout: layout, store: store, logger: logger,
            rebuild: { _ = try await orchestrator.rebuildSource("jira") })
        if settings.llm.apiKey != nil, !settings.llm.verifiesTLS {
            logger.warning(
                "ai.verify_ssl: false is not supported: the LLM's TLS certificate is always checked (install the gateway's CA in the system trust store instead)"
            )
        }
        let llmUsage = LLMUsageMeter()
        let corporateMemory = CorporateMemoryJob(settings: settings, store: store, meter: llmUsage, logger: logger)
        let verificationDetector = VerificationDetectorJob(
            detectorWith: settings, store: store, meter: llmUsage, logger: logger)
        let sessionCollector = SessionCollectorJob(
            collectorWith: settings, store: store, meter: llmUsage, logger: logger)
        let scheduler = Scheduler(
            jobs: ServerJobs.make(
                settings: settings.scheduler, pipeline: pipeline, store: store, catalogExport: catalogExport,
                corporateMemory: corporateMemory, verificationDetector: verificationDetector,
                sessionCollector: sessionCollector)
                + jira.jobs(settings: settings.scheduler),
            store: store,
            lock: DriverLock(file: layout.root.appendingPathComponent("state/scheduler.lock")),
            isDriving: settings.scheduler.isEnabled, logger: logger)
        var services = AgnesServices(
            settings: settings, store: store, layout: layout, analytics: analytics, orchestrator: orchestrator,
            startedAt: Date(), logger: logger, auth: auth, rateLimiter: rateLimiter,
            mailer: mailer ?? mail.map { Mailer(sender: $0.makeSender(), from: $0.from) },
            access: AccessPolicy(grants: DuckDBGrantRepository(store: store), store: store),
            queryEngine: queryEngine,
            manifest: ManifestIndex(
                store: store, analytics: analytics,
                downloads: DownloadFiles(root: layout.root.appendingPathComponent("tmp/downloads"))),
            webTables: StoreRowCache(store: store, lifetime: 30, capacity: 1), profiling: profiling,
            scans: try ScanService(engine: queryEngine, layout: layout), scanQuota: ScanQuota(limits: settings.scan),
            localFiles: localFiles, keboolaCredentials: keboolaCredentials, keboola: keboola,
            bigqueryProjects: bigqueryProjects, bigquery: bigquery, pipeline: pipeline, scheduler: scheduler,
            jira: jira, corporateMemory: corporateMemory,
            verificationDetector: verificationDetector, sessionCollector: sessionCollector, llmUsage: llmUsage,
            catalogExport: catalogExport,
            background: BackgroundWork())
        if case .success(let client) = LLMClients.make(settings.llm) {
            // Best effort, as the original: an item is created whatever the LLM says.
            services.topicTagger = { title, content in
                let (tags, usage) = try await MemoryCollector.topicTags(title: title, content: content, client: client)
                llmUsage.record(usage, job: "memory-create")
                return tags
            }
        }
        return services
    }
}
