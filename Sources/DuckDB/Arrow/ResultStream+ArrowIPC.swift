import CDuckDB
import Foundation

/// What ``ResultStream/writeArrowIPC(maxBytes:_:)`` wrote.
public struct ArrowIPCSummary: Sendable, Hashable {
    /// Rows written.
    public let rows: Int
    /// Bytes written, end-of-stream marker included.
    public let bytes: Int
    /// True when rows were left out to stay within the byte limit.
    public let isTruncated: Bool
}

extension ResultStream {
    /// Writes the rest of the result as an Arrow IPC stream (`application/vnd.apache.arrow.stream`):
    /// DuckDB converts each chunk to Arrow's C data interface and ``ArrowIPC`` frames it, one record
    /// batch per chunk. Stops before a batch that would take the stream past `maxBytes` (the schema
    /// and end-of-stream marker are always written). `write` receives each message's bytes in order.
    public func writeArrowIPC(maxBytes: Int, _ write: ([UInt8]) throws -> Void) throws -> ArrowIPCSummary {
        var options: duckdb_arrow_options? = duckdb_result_get_arrow_options(result)
        defer { duckdb_destroy_arrow_options(&options) }
        var schema = ArrowSchema()
        try withArrowSchemaInputs { types, names in
            try Self.check(duckdb_to_arrow_schema(options, types, names, idx_t(columns.count), &schema))
        }
        defer { if let release = schema.release { release(&schema) } }
        let header = try ArrowIPC.schemaMessage(schema)
        try write(header)
        var bytes = header.count + ArrowIPC.endOfStream.count
        var rows = 0
        var isTruncated = false
        while true {
            var chunk: duckdb_data_chunk? = duckdb_fetch_chunk(result.pointee)
            guard let raw = chunk else {
                if let message = duckdb_result_error(result) {
                    throw DuckDBError(
                        .execute, String(cString: message),
                        kind: DuckDBError.Kind(rawValue: duckdb_result_error_type(result)))
                }
                break
            }
            defer { duckdb_destroy_data_chunk(&chunk) }
            var array = ArrowArray()
            try Self.check(duckdb_data_chunk_to_arrow(options, raw, &array))
            defer { if let release = array.release { release(&array) } }
            let message = try ArrowIPC.recordBatchMessage(schema: schema, array: array)
            guard bytes + message.count <= maxBytes else {
                isTruncated = true
                break
            }
            try write(message)
            bytes += message.count
            rows += Int(array.length)
        }
        try write(ArrowIPC.endOfStream)
        return ArrowIPCSummary(rows: rows, bytes: bytes, isTruncated: isTruncated)
    }

    /// Hands DuckDB's column types and C-string names to `body`, freeing them afterwards.
    private func withArrowSchemaInputs(
        _ body: (UnsafeMutablePointer<duckdb_logical_type?>, UnsafeMutablePointer<UnsafePointer<CChar>?>) throws
            -> Void
    ) throws {
        var types: [duckdb_logical_type?] = (0..<columns.count).map {
            duckdb_column_logical_type(result, idx_t($0))
        }
        defer { for index in types.indices { duckdb_destroy_logical_type(&types[index]) } }
        let names = columns.map { strdup($0.name) }
        defer { names.forEach { free($0) } }
        var constNames: [UnsafePointer<CChar>?] = names.map { $0.map { UnsafePointer($0) } }
        try types.withUnsafeMutableBufferPointer { typeBuffer in
            try constNames.withUnsafeMutableBufferPointer { nameBuffer in
                try body(typeBuffer.baseAddress!, nameBuffer.baseAddress!)
            }
        }
    }

    private static func check(_ error: duckdb_error_data?) throws {
        guard let error else { return }
        var owned: duckdb_error_data? = error
        defer { duckdb_destroy_error_data(&owned) }
        guard duckdb_error_data_has_error(error) else { return }
        let message = duckdb_error_data_message(error).map { String(cString: $0) } ?? "Arrow conversion failed"
        throw DuckDBError(.execute, message)
    }
}
