import Foundation

/// A column of a remote table: its name at the source and the DuckDB type its view gives it.
public struct RemoteColumn: Sendable, Hashable {
    /// The name, as the source spells it.
    public var name: String
    /// The DuckDB SQL type (`BIGINT`, `DECIMAL(12,2)`, `VARCHAR`, …).
    public var type: String

    public init(name: String, type: String) {
        self.name = name
        self.type = type
    }

    /// The type family filters are checked against.
    public var family: Family {
        let upper = type.uppercased()
        if upper.hasPrefix("DECIMAL") || ["BIGINT", "INTEGER", "DOUBLE", "FLOAT", "HUGEINT"].contains(upper) {
            return .number
        }
        if upper == "VARCHAR" { return .text }
        if upper == "DATE" || upper.hasPrefix("TIMESTAMP") { return .time }
        return .other
    }

    /// What kind of values a column holds, as far as pushing a filter down is concerned.
    public enum Family: Sendable { case number, text, time, other }
}

/// A literal of a pushed-down filter: a number (its text, checked to be one) or a string.
public enum RemoteLiteral: Sendable, Hashable {
    case number(String)
    case string(String)
}

/// A condition a query puts on one column of a remote table, which the source may apply before
/// sending rows. DuckDB applies the query's whole WHERE clause again to whatever arrives, so a source
/// may apply any subset of the filters (never something narrower than them).
public enum RemoteFilter: Sendable, Hashable {
    /// `column <op> literal` with `op` one of `=`, `<>`, `<`, `<=`, `>`, `>=`.
    case compare(RemoteColumn, String, RemoteLiteral)
    /// `column IN (literals)`.
    case isIn(RemoteColumn, [RemoteLiteral])
    /// `column IS NULL`.
    case isNull(RemoteColumn)
    /// `column IS NOT NULL`.
    case isNotNull(RemoteColumn)
}

/// What one scan of a remote table asks its source for.
public struct RemoteScanRequest: Sendable {
    /// The table id (the registry id and the view name).
    public var tableID: String
    /// The columns the query reads, in the order each row must hold them (empty: rows, no columns).
    public var columns: [RemoteColumn]
    /// Conditions the source may apply.
    public var filters: [RemoteFilter]
    /// At most this many rows are needed (nil: all of them). Given only when the filters are the
    /// query's whole condition: a reader that leaves any filter out must ignore the limit too.
    public var limit: Int?

    /// Where the reader reports the bytes the source processed for the scan (BigQuery's billed bytes),
    /// which the caller's scan quota is charged with.
    public var meter: RemoteScanMeter?

    public init(
        tableID: String, columns: [RemoteColumn], filters: [RemoteFilter] = [], limit: Int? = nil,
        meter: RemoteScanMeter? = nil
    ) {
        self.meter = meter
        self.tableID = tableID
        self.columns = columns
        self.filters = filters
        self.limit = limit
    }
}

/// Counts the bytes a source processed for scans.
public final class RemoteScanMeter: Sendable {
    private let report: @Sendable (Int64) -> Void

    public init(_ report: @escaping @Sendable (Int64) -> Void) {
        self.report = report
    }

    /// Adds `bytes` processed at the source.
    public func add(_ bytes: Int64) {
        if bytes > 0 { report(bytes) }
    }
}

/// A source that answers queries over its remote tables (`query_mode='remote'`) in place: the rows
/// of one scan as text cells (NULL as nil), one value per requested column, in batches of any size.
/// The view over the table casts the text to the column's type: the text must be what DuckDB casts
/// to it (an empty string reads as NULL but for VARCHAR), a BLOB's bytes in base64, a LIST, STRUCT or
/// MAP as JSON. A refusal the caller can act on is thrown as a ``RemoteScanRefusal``.
public protocol RemoteTableReader: Sendable {
    /// The rows `request` selects. The stream ends the scan early when its consumer stops (a LIMIT
    /// reached): a reader cancels whatever runs at the source then.
    func rows(_ request: RemoteScanRequest) -> AsyncThrowingStream<[[String?]], any Error>
    /// The bytes the source would scan for `request` (a BigQuery dry run), nil when it cannot tell.
    func estimate(_ request: RemoteScanRequest) async throws -> Int64?
}

extension RemoteTableReader {
    public func estimate(_ request: RemoteScanRequest) async throws -> Int64? { nil }
}

/// The remote tables a sandbox can query: the reader of each source type that has one.
public struct RemoteSources: Sendable {
    /// Readers by source (the extract directory name: `keboola`, `bigquery`).
    public var readers: [String: any RemoteTableReader]

    public init(_ readers: [String: any RemoteTableReader] = [:]) {
        self.readers = readers
    }

    /// None: remote tables are left out of every sandbox.
    public static let none = RemoteSources()
}
