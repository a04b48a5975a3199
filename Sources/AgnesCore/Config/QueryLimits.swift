import Foundation

/// Limits of `POST /api/query` and its sandbox, from the `api.query` section.
public struct QueryLimits: Sendable, Hashable {
    /// Seconds a query may run before it is interrupted (`api.query.timeout_seconds`).
    public var timeoutSeconds: Int
    /// Largest `limit` a request may ask for (`api.query.max_limit`).
    public var maxLimit: Int
    /// DuckDB `memory_limit` of each sandbox (`api.query.memory_limit`, e.g. `2GB`).
    public var memoryLimit: String
    /// DuckDB threads of each sandbox (`api.query.threads`).
    public var threads: Int
    /// How much one sandbox may spill to disk (`api.query.max_temp_directory_size`).
    public var maxTempDirectorySize: String
    /// Queries one sandbox runs at once (`api.query.concurrency`); more wait their turn.
    public var concurrency: Int

    /// Creates limits; the defaults are 30 s, 100,000 rows, 2 GB, 2 threads, 4 GB of spill, 4 at once.
    public init(
        timeoutSeconds: Int = 30, maxLimit: Int = 100_000, memoryLimit: String = "2GB", threads: Int = 2,
        maxTempDirectorySize: String = "4GB", concurrency: Int = 4
    ) {
        self.timeoutSeconds = timeoutSeconds
        self.maxLimit = maxLimit
        self.memoryLimit = memoryLimit
        self.threads = threads
        self.maxTempDirectorySize = maxTempDirectorySize
        self.concurrency = concurrency
    }

    /// Reads the section, using the defaults for missing keys. Sizes must look like `512MB` or `2GB`.
    init(config: ConfigReader) throws(ConfigError) {
        let defaults = QueryLimits()
        self.init(
            timeoutSeconds: try config.positiveInt("api.query.timeout_seconds", default: defaults.timeoutSeconds),
            maxLimit: try config.positiveInt("api.query.max_limit", default: defaults.maxLimit),
            memoryLimit: try Self.size(config, "memory_limit") ?? defaults.memoryLimit,
            threads: try config.positiveInt("api.query.threads", default: defaults.threads),
            maxTempDirectorySize: try Self.size(config, "max_temp_directory_size") ?? defaults.maxTempDirectorySize,
            concurrency: try config.positiveInt("api.query.concurrency", default: defaults.concurrency))
    }

    private static func size(_ config: ConfigReader, _ key: String) throws(ConfigError) -> String? {
        let path = ["api", "query", key]
        guard let text = try config.string(at: path)?.trimmingCharacters(in: .whitespaces) else { return nil }
        let pattern = /^[0-9]+(\.[0-9]+)?\s*(B|KB|MB|GB|TB|KiB|MiB|GiB|TiB)$/.ignoresCase()
        guard text.wholeMatch(of: pattern) != nil else {
            throw .invalidValue(
                file: config.file(for: path), key: ConfigValue.dottedPath(path),
                expected: "a size such as 512MB or 2GB", got: .string(text))
        }
        return text
    }
}
