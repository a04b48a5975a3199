import CDuckDB

/// Bulk-inserts rows into a table, far faster than one INSERT per row.
///
/// ```swift
/// let appender = try connection.appender(table: "events")
/// for event in events { try appender.append([.bigint(event.id), .varchar(event.kind)]) }
/// try appender.close()
/// ```
public final class Appender {
    private var handle: duckdb_appender?
    /// The connection the appender writes through.
    public let connection: Connection

    init(connection: Connection, schema: String?, table: String) throws {
        var appender: duckdb_appender?
        let state = duckdb_appender_create(connection.handle, schema, table, &appender)
        if state != 0 {
            let message = appender.flatMap { duckdb_appender_error($0) }.map { String(cString: $0) }
            _ = duckdb_appender_destroy(&appender)
            throw DuckDBError(.appender, message ?? "could not create an appender for \(table)", kind: .catalog)
        }
        self.handle = appender
        self.connection = connection
    }

    deinit {
        _ = duckdb_appender_destroy(&handle)
    }

    /// Appends one row; `values` must match the table's columns in order.
    public func append(_ values: [DuckDBValue]) throws {
        guard let handle else { throw DuckDBError(.closed, "the appender is closed") }
        for value in values {
            let state: duckdb_state
            switch value {
            case .null: state = duckdb_append_null(handle)
            case .boolean(let v): state = duckdb_append_bool(handle, v)
            case .integer(let v): state = duckdb_append_int32(handle, v)
            case .bigint(let v): state = duckdb_append_int64(handle, v)
            case .double(let v): state = duckdb_append_double(handle, v)
            case .varchar(let text):
                state = text.utf8CString.withUnsafeBufferPointer {
                    duckdb_append_varchar_length(handle, $0.baseAddress, idx_t($0.count - 1))
                }
            default:
                var created: duckdb_value? = try value.makeCValue()
                defer { duckdb_destroy_value(&created) }
                state = duckdb_append_value(handle, created)
            }
            if state != 0 { throw error("could not append \(value)") }
        }
        if duckdb_appender_end_row(handle) != 0 { throw error("could not end the row") }
    }

    /// Writes buffered rows to the table.
    public func flush() throws {
        guard let handle else { return }
        if duckdb_appender_flush(handle) != 0 { throw error("flush failed") }
    }

    /// Flushes and closes the appender; it cannot be used afterwards.
    public func close() throws {
        guard let handle else { return }
        let failed = duckdb_appender_close(handle) != 0
        let failure = failed ? error("close failed") : nil
        _ = duckdb_appender_destroy(&self.handle)
        if let failure { throw failure }
    }

    private func error(_ fallback: String) -> DuckDBError {
        let message = handle.flatMap { duckdb_appender_error($0) }.map { String(cString: $0) }
        return DuckDBError(.appender, message ?? fallback)
    }
}
