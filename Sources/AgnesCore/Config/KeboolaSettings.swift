import Foundation

/// The Keboola project, from `data_source.keboola` of `instance.yaml` (the token itself is in the
/// environment variable `token_env` names, never in the file).
///
/// ```yaml
/// data_source:
///   type: keboola
///   keboola:
///     stack_url: https://connection.eu-central-1.keboola.com
///     token_env: KEBOOLA_STORAGE_TOKEN
/// ```
public struct KeboolaSettings: Sendable, Hashable {
    /// The stack (`stack_url`; else the original's `KEBOOLA_STACK_URL`), nil when not configured.
    public var stackURL: String?
    /// The variable holding the Storage API token (`token_env`).
    public var tokenVariable: String
    /// S3 endpoint for export slices of AWS stacks (`s3_endpoint`); nil = AWS itself.
    public var s3Endpoint: String?
    /// GCS JSON API for slices of GCP stacks (`gcs_endpoint`).
    public var gcsEndpoint: String
    /// Slices downloaded at once (`parallelism`).
    public var parallelism: Int
    /// How long an export job may take (`export_timeout_seconds`).
    public var exportTimeoutSeconds: Int
    /// First wait between polls of an export job (`poll_interval_seconds`).
    public var pollIntervalSeconds: Double
    /// How long a materialization's lock holds before another process takes it as stale
    /// (`materialize.lock_ttl_seconds`, 60 to 604800).
    public var materializeLockTTLSeconds: Int
    /// The most rows a query over a remote table may take from Keboola's Query Service in one scan
    /// (`remote_max_rows`): a scan selecting more is refused before any row is transferred.
    public var remoteMaxRows: Int
    /// How large an incremental table's delta may grow, as a share of its base's rows, before a sync
    /// folds it into a new base (`compaction_share`, from 0 to 1; 0 folds on every run).
    public var compactionShare: Double

    /// Creates settings.
    public init(
        stackURL: String? = nil, tokenVariable: String = "KEBOOLA_STORAGE_TOKEN", s3Endpoint: String? = nil,
        gcsEndpoint: String = "https://storage.googleapis.com", parallelism: Int = 4, exportTimeoutSeconds: Int = 1800,
        pollIntervalSeconds: Double = 1, materializeLockTTLSeconds: Int = 86_400, remoteMaxRows: Int = 1_000_000,
        compactionShare: Double = 0.1
    ) {
        self.remoteMaxRows = remoteMaxRows
        self.compactionShare = compactionShare
        self.stackURL = stackURL
        self.tokenVariable = tokenVariable
        self.s3Endpoint = s3Endpoint
        self.gcsEndpoint = gcsEndpoint
        self.parallelism = parallelism
        self.exportTimeoutSeconds = exportTimeoutSeconds
        self.pollIntervalSeconds = pollIntervalSeconds
        self.materializeLockTTLSeconds = materializeLockTTLSeconds
    }

    /// Reads the section; URLs must be http(s) with a host.
    init(config: ConfigReader, environment: EnvironmentReader) throws(ConfigError) {
        let defaults = KeboolaSettings()
        func url(_ key: String) throws(ConfigError) -> String? {
            guard let text = try config.string(at: ["data_source", "keboola", key]), !text.isEmpty else { return nil }
            guard let parsed = URL(string: text), let scheme = parsed.scheme?.lowercased(),
                scheme == "http" || scheme == "https",
                parsed.host?.isEmpty == false
            else {
                throw .invalidValue(
                    file: config.file(for: ["data_source", "keboola", key]), key: "data_source.keboola.\(key)",
                    expected: "an http or https URL", got: .string(text))
            }
            return text
        }
        var stackURL = try url("stack_url")
        if stackURL == nil, let fromEnvironment = environment.string("KEBOOLA_STACK_URL"), !fromEnvironment.isEmpty {
            stackURL = fromEnvironment
        }
        let tokenVariable = try config.string(at: ["data_source", "keboola", "token_env"]) ?? defaults.tokenVariable
        guard tokenVariable.range(of: "^[A-Za-z_][A-Za-z0-9_]{0,127}$", options: .regularExpression) != nil else {
            throw .invalidValue(
                file: config.file(for: ["data_source", "keboola", "token_env"]), key: "data_source.keboola.token_env",
                expected: "an environment variable name", got: .string(tokenVariable))
        }
        let lockTTL = try config.positiveInt(
            "materialize.lock_ttl_seconds", default: defaults.materializeLockTTLSeconds)
        guard (60...604_800).contains(lockTTL) else {
            throw .invalidValue(
                file: config.file(for: ["materialize", "lock_ttl_seconds"]), key: "materialize.lock_ttl_seconds",
                expected: "a whole number from 60 to 604800", got: .int(lockTTL))
        }
        let share = try config.nonNegativeDouble(
            at: ["data_source", "keboola", "compaction_share"], default: defaults.compactionShare)
        guard share <= 1 else {
            throw .invalidValue(
                file: config.file(for: ["data_source", "keboola", "compaction_share"]),
                key: "data_source.keboola.compaction_share", expected: "a number from 0 to 1", got: .double(share))
        }
        self.init(
            stackURL: stackURL, tokenVariable: tokenVariable, s3Endpoint: try url("s3_endpoint"),
            gcsEndpoint: try url("gcs_endpoint") ?? defaults.gcsEndpoint,
            parallelism: try config.positiveInt("data_source.keboola.parallelism", default: defaults.parallelism),
            exportTimeoutSeconds: try config.positiveInt(
                "data_source.keboola.export_timeout_seconds", default: defaults.exportTimeoutSeconds),
            pollIntervalSeconds: try config.nonNegativeDouble(
                at: ["data_source", "keboola", "poll_interval_seconds"], default: defaults.pollIntervalSeconds),
            materializeLockTTLSeconds: lockTTL,
            remoteMaxRows: try config.positiveInt(
                "data_source.keboola.remote_max_rows", default: defaults.remoteMaxRows), compactionShare: share)
    }
}
