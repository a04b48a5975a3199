import Foundation
import Logging

extension AgnesSettings {
    /// Shortest accepted secret: jwt-kit traps on shorter HMAC keys, so start-up refuses them instead.
    static let minimumSecretBytes = 32

    /// Decodes and validates settings from the environment (overlay already applied) and the merged YAML.
    init(
        environment env: EnvironmentReader,
        config: ConfigReader,
        dataDir: String,
        configDir: String,
        logger: Logger
    ) throws(ConfigError) {
        let jwtSecretKey = env.string("JWT_SECRET_KEY")
        if let jwtSecretKey, jwtSecretKey.utf8.count < Self.minimumSecretBytes {
            throw .invalidEnvironment(
                variable: "JWT_SECRET_KEY",
                expected: "at least \(Self.minimumSecretBytes) bytes (openssl rand -hex 32)",
                got: "\(jwtSecretKey.utf8.count) bytes"
            )
        }
        let sessionSecret = env.string("SESSION_SECRET")
        if let sessionSecret, sessionSecret.utf8.count < Self.minimumSecretBytes {
            let minimum = Self.minimumSecretBytes
            logger.warning(
                "environment variable SESSION_SECRET is shorter than \(minimum) bytes; use openssl rand -hex 32",
                metadata: ["variable": "SESSION_SECRET"]
            )
        }
        let levels = Logger.Level.allCases.map(\.rawValue)
        let logLevel = try env.value("LOG_LEVEL", expected: "one of " + levels.joined(separator: ", ")) {
            Logger.Level(rawValue: $0.lowercased())
        }
        let serverURL = try env.value("SERVER_URL", expected: "an http or https URL with a host", parse: Self.httpURL)
        let corsOrigins = try Self.validatedList(
            env,
            "CORS_ORIGINS",
            expected: "http(s) origins such as https://app.example.com (never *: credentials are allowed)",
            isValid: Self.isHTTPOrigin
        )
        let remoteAttachExtensions = try Self.validatedList(
            env,
            "AGNES_REMOTE_ATTACH_EXTENSIONS",
            expected: "extension names of letters, digits and underscores",
            isValid: Self.isExtensionName
        )
        let remoteAttachTokenEnvs = try Self.validatedList(
            env,
            "AGNES_REMOTE_ATTACH_TOKEN_ENVS",
            expected: "variable names of uppercase letters, digits and underscores",
            isValid: Self.isTokenVariableName
        )
        self.init(
            dataDir: dataDir,
            configDir: configDir,
            connectorsDir: env.string("CONNECTORS_DIR") ?? Self.defaultConnectorsDir(configDir: configDir),
            jwtSecretKey: jwtSecretKey,
            sessionSecret: sessionSecret,
            corsOrigins: corsOrigins ?? Self.defaultCORSOrigins,
            csrfTrustedOrigins: env.list("CSRF_TRUSTED_ORIGINS") ?? [],
            http: try HTTPLimits(config: config),
            logLevel: logLevel ?? .info,
            isDebug: try env.flag("DEBUG", default: false),
            isTesting: try env.flag("TESTING", default: false),
            serverURL: serverURL,
            seedAdminEmail: env.string("SEED_ADMIN_EMAIL"),
            seedAdminPassword: env.string("SEED_ADMIN_PASSWORD"),
            isLocalDevMode: try env.flag("LOCAL_DEV_MODE", default: false),
            localDevUserEmail: env.string("LOCAL_DEV_USER_EMAIL") ?? "dev@localhost",
            schedulerAPIToken: env.string("SCHEDULER_API_TOKEN"),
            isAuthRateLimitEnabled: try env.flag("AGNES_AUTH_RATELIMIT_ENABLED", default: true),
            remoteAttachExtensions: remoteAttachExtensions ?? Self.defaultRemoteAttachExtensions,
            remoteAttachTokenEnvs: remoteAttachTokenEnvs ?? Self.defaultRemoteAttachTokenEnvs,
            dataSourceType: try Self.dataSourceType(env: env, config: config),
            remoteQuery: try RemoteQueryLimits(config: config),
            scan: try ScanLimits(config: config),
            query: try QueryLimits(config: config),
            upload: try UploadLimits(config: config),
            profiler: try ProfilerSettings(config: config),
            outboundAllowedHosts: env.list("AGNES_OUTBOUND_ALLOWED_HOSTS")?.map { $0.lowercased() } ?? [],
            sync: try SyncSettings(config: config),
            keboola: try KeboolaSettings(config: config, environment: env),
            bigquery: try BigQuerySettings(config: config, environment: env),
            openMetadata: try OpenMetadataSettings(config: config, environment: env),
            llm: try LLMSettings(config: config, environment: env),
            corporateMemory: try CorporateMemorySettings(config: config),
            scheduler: try SchedulerSettings(config: config, environment: env),
            instanceName: try config.string(at: ["instance", "name"]) ?? "Agnes",
            instance: config.merged,
            environment: env.environment
        )
    }

    /// `connectors/custom` next to the configuration directory (`./config` → `./connectors/custom`): the
    /// original's layout, where `config/` and `connectors/` sit side by side at the application's root.
    static func defaultConnectorsDir(configDir: String) -> String {
        var parent = (configDir as NSString).deletingLastPathComponent
        if parent.isEmpty { parent = "." }
        return (parent as NSString).appendingPathComponent("connectors/custom")
    }

    /// `DATA_SOURCE` wins over `data_source.type`; both accept any case.
    private static func dataSourceType(env: EnvironmentReader, config: ConfigReader) throws(ConfigError)
        -> DataSourceType
    {
        let names = DataSourceType.allCases.map(\.rawValue)
        let fromEnvironment = try env.value("DATA_SOURCE", expected: "one of " + names.joined(separator: ", ")) {
            DataSourceType(rawValue: $0.lowercased())
        }
        if let fromEnvironment { return fromEnvironment }
        let fromConfig = try config.choice(at: ["data_source", "type"], from: names)
        return fromConfig.flatMap(DataSourceType.init(rawValue:)) ?? .local
    }

    private static func httpURL(_ text: String) -> URL? {
        guard let url = URL(string: text), let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https",
            url.host?.isEmpty == false
        else { return nil }
        return url
    }

    private static func validatedList(
        _ env: EnvironmentReader,
        _ name: String,
        expected: String,
        isValid: (String) -> Bool
    ) throws(ConfigError) -> [String]? {
        guard let items = env.list(name) else { return nil }
        if let invalid = items.first(where: { !isValid($0) }) {
            throw .invalidEnvironment(variable: name, expected: expected, value: invalid)
        }
        return items
    }

    /// `scheme://host[:port]` with an http(s) scheme and nothing after the authority but an optional `/`:
    /// what a browser's `Origin` can equal. `*` is not one: with credentials allowed it would let every
    /// site read answers with a signed-in browser's cookie.
    static func isHTTPOrigin(_ text: String) -> Bool {
        guard let components = URLComponents(string: text), let scheme = components.scheme?.lowercased(),
            scheme == "http" || scheme == "https", components.host?.isEmpty == false,
            components.path.isEmpty || components.path == "/", components.query == nil, components.fragment == nil,
            components.user == nil, components.password == nil
        else { return false }
        return true
    }

    /// `^[a-zA-Z_][a-zA-Z0-9_]{0,63}$`, the strict identifier rule extension names must follow.
    private static func isExtensionName(_ name: String) -> Bool {
        name.utf8.count <= 64 && EnvironmentInterpolator.isVariableName(name)
    }

    /// `^[A-Z][A-Z0-9_]{0,63}$`, the rule for variables a remote attachment may read a token from.
    private static func isTokenVariableName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, ("A"..."Z").contains(first), name.utf8.count <= 64 else {
            return false
        }
        return name.unicodeScalars.allSatisfy { ("A"..."Z").contains($0) || ("0"..."9").contains($0) || $0 == "_" }
    }
}
