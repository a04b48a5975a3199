/// Limits on the `/api/v2/scan` endpoints, from the `api.scan` section.
public struct ScanLimits: Sendable, Hashable {
    /// Largest `limit` a scan request may ask for (`api.scan.max_limit`).
    public var maxLimit: Int
    /// Largest result a scan may return, in bytes (`api.scan.max_result_bytes`).
    public var maxResultBytes: Int
    /// Scans one user may run at once (`api.scan.max_concurrent_per_user`).
    public var maxConcurrentPerUser: Int
    /// Bytes one user may scan per day (`api.scan.max_daily_bytes_per_user`).
    public var maxDailyBytesPerUser: Int
    /// Seconds before a scan request is cancelled (`api.scan.request_timeout_seconds`).
    public var requestTimeoutSeconds: Int
    /// USD per TiB scanned that BigQuery estimates are priced at (`api.scan.bq_cost_per_tb_usd`).
    public var bqCostPerTBUSD: Double

    /// Creates limits; the defaults are the original's (REFERENCE §1.8): `limit` up to 10,000,000
    /// rows, 2 GiB per result, 5 scans at once and 50 GiB a day per user, $5 per TiB.
    public init(
        maxLimit: Int = 10_000_000,
        maxResultBytes: Int = 2 * 1024 * 1024 * 1024,
        maxConcurrentPerUser: Int = 5,
        maxDailyBytesPerUser: Int = 50 * 1024 * 1024 * 1024,
        requestTimeoutSeconds: Int = 60,
        bqCostPerTBUSD: Double = 5.0
    ) {
        self.maxLimit = maxLimit
        self.maxResultBytes = maxResultBytes
        self.maxConcurrentPerUser = maxConcurrentPerUser
        self.maxDailyBytesPerUser = maxDailyBytesPerUser
        self.requestTimeoutSeconds = requestTimeoutSeconds
        self.bqCostPerTBUSD = bqCostPerTBUSD
    }

    /// Reads the section, using the defaults for missing keys.
    init(config: ConfigReader) throws(ConfigError) {
        let defaults = ScanLimits()
        self.init(
            maxLimit: try config.positiveInt("api.scan.max_limit", default: defaults.maxLimit),
            maxResultBytes: try config.positiveInt("api.scan.max_result_bytes", default: defaults.maxResultBytes),
            maxConcurrentPerUser: try config.positiveInt(
                "api.scan.max_concurrent_per_user",
                default: defaults.maxConcurrentPerUser
            ),
            maxDailyBytesPerUser: try config.positiveInt(
                "api.scan.max_daily_bytes_per_user",
                default: defaults.maxDailyBytesPerUser
            ),
            requestTimeoutSeconds: try config.positiveInt(
                "api.scan.request_timeout_seconds",
                default: defaults.requestTimeoutSeconds
            ),
            bqCostPerTBUSD: try config.nonNegativeDouble(
                at: ConfigValue.keys(of: "api.scan.bq_cost_per_tb_usd"), default: defaults.bqCostPerTBUSD)
        )
    }
}
