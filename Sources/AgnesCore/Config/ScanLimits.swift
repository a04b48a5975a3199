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

    /// Creates limits; the defaults are the documented ones (100 MiB per result, 10 GiB per user a day).
    public init(
        maxLimit: Int = 10_000,
        maxResultBytes: Int = 100 * 1024 * 1024,
        maxConcurrentPerUser: Int = 2,
        maxDailyBytesPerUser: Int = 10 * 1024 * 1024 * 1024,
        requestTimeoutSeconds: Int = 60
    ) {
        self.maxLimit = maxLimit
        self.maxResultBytes = maxResultBytes
        self.maxConcurrentPerUser = maxConcurrentPerUser
        self.maxDailyBytesPerUser = maxDailyBytesPerUser
        self.requestTimeoutSeconds = requestTimeoutSeconds
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
            )
        )
    }
}
