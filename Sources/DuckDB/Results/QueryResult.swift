/// A fully read result: its columns and rows.
public struct QueryResult: Sendable {
    /// The result's columns.
    public let columns: [Column]
    /// The rows, each with one value per column.
    public let rows: [[DuckDBValue]]
    /// Rows changed by an INSERT/UPDATE/DELETE.
    public let rowsChanged: Int
    /// True when fetching stopped at `maxRows` and more rows existed.
    public let isTruncated: Bool

    /// The index of the column called `name`.
    public func index(of name: String) -> Int? { columns.firstIndex { $0.name == name } }

    /// The rows as name-addressable records.
    public var records: [Record] {
        let lookup = Dictionary(columns.enumerated().map { ($1.name, $0) }, uniquingKeysWith: { first, _ in first })
        return rows.map { Record(values: $0, lookup: lookup) }
    }

    /// The first row as a record, if any.
    public var first: Record? { records.first }
}

/// One row whose values can be read by column name.
public struct Record: Sendable {
    /// The row's values in column order.
    public let values: [DuckDBValue]
    let lookup: [String: Int]

    /// The value of column `name`, or `.null` when there is no such column.
    public subscript(_ name: String) -> DuckDBValue {
        guard let index = lookup[name] else { return .null }
        return values[index]
    }
}
