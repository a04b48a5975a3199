/// Limits of hybrid queries (`POST /api/query/hybrid`, `agnes query --register-bq`), from the
/// `remote_query` section; the defaults are those of the example `instance.yaml` (REFERENCE §1.6, §8.1).
public struct RemoteQueryLimits: Sendable, Hashable {
    /// Seconds before a hybrid query (the BigQuery parts and the join) is stopped (`remote_query.timeout_seconds`).
    public var timeoutSeconds: Int
    /// Rows a hybrid query may return (`remote_query.max_result_rows`).
    public var maxResultRows: Int
    /// Memory DuckDB may use for the join, in MiB (`remote_query.max_memory_mb`).
    public var maxMemoryMB: Int
    /// Rows one registered BigQuery result may bring (`remote_query.max_bq_registration_rows`).
    public var maxBQRegistrationRows: Int

    /// Creates limits; the defaults are the documented ones.
    public init(
        timeoutSeconds: Int = 30, maxResultRows: Int = 100_000, maxMemoryMB: Int = 2048,
        maxBQRegistrationRows: Int = 500_000
    ) {
        self.timeoutSeconds = timeoutSeconds
        self.maxResultRows = maxResultRows
        self.maxMemoryMB = maxMemoryMB
        self.maxBQRegistrationRows = maxBQRegistrationRows
    }

    /// Reads the section, using the defaults for missing keys.
    init(config: ConfigReader) throws(ConfigError) {
        let defaults = RemoteQueryLimits()
        self.init(
            timeoutSeconds: try config.positiveInt("remote_query.timeout_seconds", default: defaults.timeoutSeconds),
            maxResultRows: try config.positiveInt("remote_query.max_result_rows", default: defaults.maxResultRows),
            maxMemoryMB: try config.positiveInt("remote_query.max_memory_mb", default: defaults.maxMemoryMB),
            maxBQRegistrationRows: try config.positiveInt(
                "remote_query.max_bq_registration_rows", default: defaults.maxBQRegistrationRows)
        )
    }
}
