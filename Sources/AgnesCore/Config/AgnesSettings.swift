import Foundation
import Logging

/// Everything Agnes reads from its environment and `instance.yaml`, decoded and validated once at start-up.
///
/// Load it with ``ConfigLoader/load(environment:logger:)``; construct it directly only in tests.
///
/// ```swift
/// let settings = try ConfigLoader.load(environment: ProcessInfo.processInfo.environment, logger: logger)
/// settings.scan.maxLimit       // 10_000_000 unless api.scan.max_limit says otherwise
/// settings.instance["auth.allowed_domain"]?.stringValue
/// ```
public struct AgnesSettings: Sendable {
    /// The CORS origins used when `CORS_ORIGINS` is not set.
    public static let defaultCORSOrigins = ["http://localhost:3000", "http://localhost:8000"]
    /// The DuckDB extensions remote attachments may load unless `AGNES_REMOTE_ATTACH_EXTENSIONS` replaces them.
    public static let defaultRemoteAttachExtensions = ["keboola", "bigquery"]
    /// The variables remote attachments may read tokens from unless `AGNES_REMOTE_ATTACH_TOKEN_ENVS` replaces them.
    public static let defaultRemoteAttachTokenEnvs = [
        "KBC_TOKEN", "KBC_STORAGE_TOKEN", "KEBOOLA_STORAGE_TOKEN", "GOOGLE_APPLICATION_CREDENTIALS",
    ]

    /// Root of all state: databases, extracts, `state/` (`DATA_DIR`, default `./data`).
    public var dataDir: String
    /// Directory holding the static `instance.yaml` (`CONFIG_DIR`, default `./config`).
    public var configDir: String
    /// Directory of the custom connectors, one subdirectory each (`CONNECTORS_DIR`; the loader's default
    /// is `connectors/custom` next to `CONFIG_DIR`, so `./connectors/custom` by default). Nil: none.
    public var connectorsDir: String?
    /// Secret for signing JWTs (`JWT_SECRET_KEY`); `nil` means generate and persist one. At least 32 bytes.
    public var jwtSecretKey: String?
    /// Secret for session cookies (`SESSION_SECRET`); `nil` means generate and persist one.
    public var sessionSecret: String?
    /// Origins allowed by CORS (`CORS_ORIGINS`, comma-separated). CORS only: they are not trusted to
    /// post with a signed-in browser's cookie (see ``csrfTrustedOrigins``).
    public var corsOrigins: [String]
    /// Origins besides the server's own whose pages may post with the sign-in cookie and to the sign-in
    /// forms (`CSRF_TRUSTED_ORIGINS`, comma-separated; default none).
    public var csrfTrustedOrigins: [String]
    /// Connection limits of the HTTP server (`server.http`).
    public var http: HTTPLimits
    /// Minimum level logged (`LOG_LEVEL`, default `info`).
    public var logLevel: Logger.Level
    /// Whether debug surfaces such as detailed error pages are on (`DEBUG`).
    public var isDebug: Bool
    /// Whether the process runs under tests (`TESTING`).
    public var isTesting: Bool
    /// The public URL of this server (`SERVER_URL`), used in links sent to users.
    public var serverURL: URL?
    /// Email of the admin created at start-up (`SEED_ADMIN_EMAIL`).
    public var seedAdminEmail: String?
    /// Initial password of the seeded admin, set only if it has none (`SEED_ADMIN_PASSWORD`).
    public var seedAdminPassword: String?
    /// Whether authentication is bypassed for local development (`LOCAL_DEV_MODE`).
    public var isLocalDevMode: Bool
    /// The user everybody is in local development mode (`LOCAL_DEV_USER_EMAIL`, default `dev@localhost`).
    public var localDevUserEmail: String
    /// Bearer token the scheduler sidecar authenticates with (`SCHEDULER_API_TOKEN`).
    public var schedulerAPIToken: String?
    /// Whether login endpoints are rate limited (`AGNES_AUTH_RATELIMIT_ENABLED`, default on).
    public var isAuthRateLimitEnabled: Bool
    /// DuckDB extensions remote attachments may load (`AGNES_REMOTE_ATTACH_EXTENSIONS`).
    public var remoteAttachExtensions: [String]
    /// Environment variables remote attachments may read tokens from (`AGNES_REMOTE_ATTACH_TOKEN_ENVS`).
    public var remoteAttachTokenEnvs: [String]
    /// The data source (`DATA_SOURCE`, else `data_source.type`, default `local`).
    public var dataSourceType: DataSourceType
    /// Remote query limits (`remote_query`).
    public var remoteQuery: RemoteQueryLimits
    /// Scan endpoint limits (`api.scan`).
    public var scan: ScanLimits
    /// Query endpoint and sandbox limits (`api.query`).
    public var query: QueryLimits
    /// Upload endpoint limits (`api.upload`).
    public var upload: UploadLimits
    /// Profiler tuning (`profiler`).
    public var profiler: ProfilerSettings
    /// Hosts an admin-given outbound URL may name even when they resolve to an inner address
    /// (`AGNES_OUTBOUND_ALLOWED_HOSTS`, comma-separated; empty by default).
    public var outboundAllowedHosts: [String]
    /// How sync runs behave (`sync`).
    public var sync: SyncSettings
    /// The Keboola project (`data_source.keboola`).
    public var keboola: KeboolaSettings
    /// The BigQuery projects and guardrails (`data_source.bigquery`).
    public var bigquery: BigQuerySettings
    /// The OpenMetadata catalog the `catalog-export` job reads (`openmetadata`).
    public var openMetadata: OpenMetadataSettings
    /// The LLM of corporate memory (`ai`, else `ANTHROPIC_API_KEY` / `LLM_API_KEY`).
    public var llm: LLMSettings
    /// How corporate memory publishes new items (`corporate_memory`).
    public var corporateMemory: CorporateMemorySettings
    /// The in-process scheduler (`scheduler`, `SCHEDULER_*_INTERVAL`).
    public var scheduler: SchedulerSettings
    /// The instance's display name (`instance.name`, default `Agnes`).
    public var instanceName: String
    /// The effective `instance.yaml`: the static file, interpolated, deep-merged under the overlay.
    public var instance: ConfigValue
    /// The process environment with `DATA_DIR/state/.env_overlay` applied under it, for modules that read
    /// further variables (OAuth clients, SMTP, connector tokens).
    public var environment: [String: String]

    /// Creates settings from values; every parameter defaults to what an empty environment gives.
    public init(
        dataDir: String = "./data",
        configDir: String = "./config",
        connectorsDir: String? = nil,
        jwtSecretKey: String? = nil,
        sessionSecret: String? = nil,
        corsOrigins: [String] = AgnesSettings.defaultCORSOrigins,
        csrfTrustedOrigins: [String] = [],
        http: HTTPLimits = HTTPLimits(),
        logLevel: Logger.Level = .info,
        isDebug: Bool = false,
        isTesting: Bool = false,
        serverURL: URL? = nil,
        seedAdminEmail: String? = nil,
        seedAdminPassword: String? = nil,
        isLocalDevMode: Bool = false,
        localDevUserEmail: String = "dev@localhost",
        schedulerAPIToken: String? = nil,
        isAuthRateLimitEnabled: Bool = true,
        remoteAttachExtensions: [String] = AgnesSettings.defaultRemoteAttachExtensions,
        remoteAttachTokenEnvs: [String] = AgnesSettings.defaultRemoteAttachTokenEnvs,
        dataSourceType: DataSourceType = .local,
        remoteQuery: RemoteQueryLimits = RemoteQueryLimits(),
        scan: ScanLimits = ScanLimits(),
        query: QueryLimits = QueryLimits(),
        upload: UploadLimits = UploadLimits(),
        profiler: ProfilerSettings = ProfilerSettings(),
        outboundAllowedHosts: [String] = [],
        sync: SyncSettings = SyncSettings(),
        keboola: KeboolaSettings = KeboolaSettings(),
        bigquery: BigQuerySettings = BigQuerySettings(),
        openMetadata: OpenMetadataSettings = OpenMetadataSettings(),
        llm: LLMSettings = LLMSettings(),
        corporateMemory: CorporateMemorySettings = CorporateMemorySettings(),
        scheduler: SchedulerSettings = SchedulerSettings(),
        instanceName: String = "Agnes",
        instance: ConfigValue = .object([:]),
        environment: [String: String] = [:]
    ) {
        self.dataDir = dataDir
        self.configDir = configDir
        self.connectorsDir = connectorsDir
        self.jwtSecretKey = jwtSecretKey
        self.sessionSecret = sessionSecret
        self.corsOrigins = corsOrigins
        self.csrfTrustedOrigins = csrfTrustedOrigins
        self.http = http
        self.logLevel = logLevel
        self.isDebug = isDebug
        self.isTesting = isTesting
        self.serverURL = serverURL
        self.seedAdminEmail = seedAdminEmail
        self.seedAdminPassword = seedAdminPassword
        self.isLocalDevMode = isLocalDevMode
        self.localDevUserEmail = localDevUserEmail
        self.schedulerAPIToken = schedulerAPIToken
        self.isAuthRateLimitEnabled = isAuthRateLimitEnabled
        self.remoteAttachExtensions = remoteAttachExtensions
        self.remoteAttachTokenEnvs = remoteAttachTokenEnvs
        self.dataSourceType = dataSourceType
        self.remoteQuery = remoteQuery
        self.scan = scan
        self.query = query
        self.upload = upload
        self.profiler = profiler
        self.outboundAllowedHosts = outboundAllowedHosts
        self.sync = sync
        self.keboola = keboola
        self.bigquery = bigquery
        self.openMetadata = openMetadata
        self.llm = llm
        self.corporateMemory = corporateMemory
        self.scheduler = scheduler
        self.instanceName = instanceName
        self.instance = instance
        self.environment = environment
    }
}
