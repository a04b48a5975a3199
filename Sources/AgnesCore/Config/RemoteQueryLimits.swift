/// Limits on remote (BigQuery/Keboola-backed) queries, from the `remote_query` section.
public struct RemoteQueryLimits: Sendable, Hashable {
    /// Seconds before a remote query is cancelled (`remote_query.timeout_seconds`).
    public var timeoutSeconds: Int
    /// Rows a remote query may return (`remote_query.max_result_rows`).
    public var maxResultRows: Int
    /// Memory DuckDB may use for a remote query, in MiB (`remote_query.max_memory_mb`).
    public var maxMemoryMB: Int

    /// Creates limits; the defaults are the documented ones.
    public init(timeoutSeconds: Int = 30, maxResultRows: Int = 100_000, maxMemoryMB: Int = 2048) {
        self.timeoutSeconds = timeoutSeconds
        self.maxResultRows = maxResultRows
        self.maxMemoryMB = maxMemoryMB
    }

    /// Reads the section, using the defaults for missing keys.
    init(config: ConfigReader) throws(ConfigError) {
        let defaults = RemoteQueryLimits()
        self.init(
            timeoutSeconds: try config.positiveInt("remote_query.timeout_seconds", default: defaults.timeoutSeconds),
            maxResultRows: try config.positiveInt("remote_query.max_result_rows", default: defaults.maxResultRows),
            maxMemoryMB: try config.positiveInt("remote_query.max_memory_mb", default: defaults.maxMemoryMB)
        )
    }
}
