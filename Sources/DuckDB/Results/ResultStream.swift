import CDuckDB

/// A result being read chunk by chunk. Only valid inside the closure it is handed to.
public final class ResultStream {
    let result: UnsafeMutablePointer<duckdb_result>
    /// The result's columns.
    public let columns: [Column]
    /// Rows changed by an INSERT/UPDATE/DELETE.
    public let rowsChanged: Int

    init(result: UnsafeMutablePointer<duckdb_result>) {
        self.result = result
        let count = Int(duckdb_column_count(result))
        var columns: [Column] = []
        columns.reserveCapacity(count)
        for index in 0..<count {
            let name = duckdb_column_name(result, idx_t(index)).map { String(cString: $0) } ?? ""
            var logical: duckdb_logical_type? = duckdb_column_logical_type(result, idx_t(index))
            let type = logical.map { DuckDBType(logical: $0) } ?? .other(id: 0)
            duckdb_destroy_logical_type(&logical)
            columns.append(Column(name: name, type: type))
        }
        self.columns = columns
        self.rowsChanged = Int(duckdb_rows_changed(result))
    }

    /// Fetches the next chunk and hands it to `body`; returns nil at the end of the result.
    /// The chunk is destroyed when `body` returns.
    public func nextChunk<T>(_ body: (DataChunk) throws -> T) throws -> T? {
        var chunk: duckdb_data_chunk? = duckdb_fetch_chunk(result.pointee)
        guard let raw = chunk else {
            if let message = duckdb_result_error(result) {
                throw DuckDBError(
                    .execute, String(cString: message),
                    kind: DuckDBError.Kind(rawValue: duckdb_result_error_type(result)))
            }
            return nil
        }
        defer { duckdb_destroy_data_chunk(&chunk) }
        return try body(DataChunk(handle: raw, columns: columns))
    }

    /// Reads every remaining row (or the first `maxRows`, noting whether more existed).
    public func materialize(maxRows: Int? = nil) throws -> QueryResult {
        var rows: [[DuckDBValue]] = []
        var isTruncated = false
        while !isTruncated {
            let more: Bool? = try nextChunk { chunk in
                for row in 0..<chunk.count {
                    if let maxRows, rows.count >= maxRows {
                        isTruncated = true
                        return false
                    }
                    rows.append(chunk.row(row))
                }
                return true
            }
            if more == nil { break }
        }
        return QueryResult(columns: columns, rows: rows, rowsChanged: rowsChanged, isTruncated: isTruncated)
    }
}

/// One chunk of a result (up to DuckDB's vector size, 2048 rows).
/// Only valid inside the `nextChunk` closure that received it.
public struct DataChunk {
    let handle: duckdb_data_chunk
    /// The result's columns.
    public let columns: [Column]

    init(handle: duckdb_data_chunk, columns: [Column]) {
        self.handle = handle
        self.columns = columns
    }

    /// Rows in this chunk.
    public var count: Int { Int(duckdb_data_chunk_get_size(handle)) }

    /// A reader over one column of this chunk.
    public func column(_ index: Int) -> VectorReader {
        VectorReader(vector: duckdb_data_chunk_get_vector(handle, idx_t(index)), type: columns[index].type)
    }

    /// Every value of one row.
    public func row(_ row: Int) -> [DuckDBValue] {
        (0..<columns.count).map { column($0).value(at: row) }
    }
}

/// A result column: its name and type.
public struct Column: Sendable, Hashable {
    /// The column name.
    public let name: String
    /// The column type.
    public let type: DuckDBType
}
