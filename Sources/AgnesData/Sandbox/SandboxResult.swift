import DuckDB

/// What a sandboxed query returned: at most `limit` rows, and whether more existed.
public struct SandboxResult: Sendable {
    /// The result's columns, in order.
    public let columns: [Column]
    /// The rows, each with one value per column.
    public let rows: [[DuckDBValue]]
    /// True when the query produced more than the rows returned.
    public let isTruncated: Bool
    /// Bytes the sources of remote tables processed for the query (BigQuery's billed bytes).
    public var remoteBytes: Int64 = 0

    init(columns: [Column], rows: [[DuckDBValue]], isTruncated: Bool) {
        self.columns = columns
        self.rows = rows
        self.isTruncated = isTruncated
    }
}

/// Why a sandboxed query did not run or did not finish.
public enum SandboxError: Error, Sendable, Equatable {
    /// The text is not exactly one SELECT statement (DuckDB's parser says so).
    case notSingleSelect(String)
    /// DuckDB rejected or failed the query (its message).
    case query(String)
    /// The query ran past the time limit and was stopped.
    case timedOut(Duration)
    /// There is no analytics generation to query yet.
    case notReady
    /// The source of a remote table the query reads refused the scan (too many bytes, a quota).
    case refused(RemoteScanRefusal)
}
