import AgnesCore
import Logging

#if canImport(Glibc)
    import Glibc
#endif

/// The process's open-file limit: every connection is a descriptor, and so is every parquet file and
/// DuckDB database the server opens. A soft limit of 1,024 (a common default) would make accepting
/// fail before `server.http.max_connections` is reached, so `agnes serve` raises it to the hard limit.
///
/// ```swift
/// OpenFileLimit.raise(for: settings.http, logger: logger)
/// ```
public enum OpenFileLimit {
    /// Descriptors kept for everything but connections (databases, parquet files, logs, mail).
    static let reserve: UInt64 = 256

    /// Raises the soft limit to the hard one; warns when it still leaves too few descriptors for the
    /// connection cap. Returns the soft limit in force.
    @discardableResult
    public static func raise(for limits: HTTPLimits, logger: Logger) -> UInt64 {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return 0 }
        if limit.rlim_cur < limit.rlim_max {
            var raised = limit
            raised.rlim_cur = limit.rlim_max
            if setrlimit(Int32(RLIMIT_NOFILE.rawValue), &raised) == 0 { limit = raised }
        }
        let needed = UInt64(limits.maxConnections) + reserve
        if UInt64(limit.rlim_cur) < needed {
            logger.warning(
                "the open-file limit (\(limit.rlim_cur)) is below server.http.max_connections + \(reserve) (\(needed)): connections will be refused by the system before the cap; raise it (ulimit -n) or lower max_connections"
            )
        }
        return UInt64(limit.rlim_cur)
    }
}
