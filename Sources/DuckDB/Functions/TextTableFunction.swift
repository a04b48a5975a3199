import CDuckDB

/// A table function implemented in Swift and registered through DuckDB's C API
/// (`duckdb_create_table_function`): `name('argument', …)` yields rows of text columns that the
/// host produces, with projection pushdown (the host is told which columns the query reads). Typing
/// is left to SQL around it (`CAST(col AS BIGINT)` in a view), so the host only ever hands over text.
///
/// ```swift
/// let function = TextTableFunction(name: "remote", parameterCount: 1) { arguments, connectionID in
///     try RemoteScan(table: arguments[0])
/// }
/// try connection.register(function)
/// ```
///
/// Binding happens on every query that reads the function (and when a view over it is created), so
/// `bind` must be cheap: it names the columns; the work starts in ``TextTableScan/open(columns:)``.
/// One thread scans (`max_threads = 1`); DuckDB asks for the next batch while the query needs rows.
public final class TextTableFunction: Sendable {
    /// The function's SQL name.
    public let name: String
    /// How many VARCHAR arguments it takes.
    public let parameterCount: Int
    let bind: @Sendable ([String], UInt64) throws -> any TextTableScan

    /// Creates a function; `bind` gets the arguments and the id of the connection running the query.
    public init(
        name: String, parameterCount: Int,
        bind: @escaping @Sendable (_ arguments: [String], _ connectionID: UInt64) throws -> any TextTableScan
    ) {
        self.name = name
        self.parameterCount = parameterCount
        self.bind = bind
    }
}

/// What a ``TextTableFunction`` bound to: its column names, and the scan a query runs.
public protocol TextTableScan: AnyObject, Sendable {
    /// The columns, all VARCHAR, in order.
    var columnNames: [String] { get }
    /// Starts reading the columns at `columns` (positions in ``columnNames``, in the order the rows
    /// must hold them; empty when the query needs rows but no column, as `count(*)` does).
    func open(columns: [Int]) throws -> any TextTableCursor
}

/// One running scan of a ``TextTableScan``.
public protocol TextTableCursor: AnyObject {
    /// Up to `maxRows` rows (each with one value per opened column); empty at the end.
    func next(maxRows: Int) throws -> [[String?]]
}

/// The error a host's scan raises with a message meant for the person who wrote the query.
public struct TableFunctionError: Error, Sendable, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

extension Connection {
    /// Registers `function` in this connection's database (every connection of it sees the function).
    public func register(_ function: TextTableFunction) throws {
        var handle: duckdb_table_function? = duckdb_create_table_function()
        defer { duckdb_destroy_table_function(&handle) }
        duckdb_table_function_set_name(handle, function.name)
        var varchar: duckdb_logical_type? = duckdb_create_logical_type(TypeID.varchar)
        defer { duckdb_destroy_logical_type(&varchar) }
        for _ in 0..<function.parameterCount { duckdb_table_function_add_parameter(handle, varchar) }
        duckdb_table_function_set_extra_info(
            handle, Unmanaged.passRetained(function).toOpaque(),
            { pointer in
                guard let pointer else { return }
                Unmanaged<TextTableFunction>.fromOpaque(pointer).release()
            })
        duckdb_table_function_set_bind(handle, textTableBind)
        duckdb_table_function_set_init(handle, textTableInit)
        duckdb_table_function_set_function(handle, textTableScan)
        duckdb_table_function_supports_projection_pushdown(handle, true)
        guard duckdb_register_table_function(self.handle, handle) == 0 else {
            throw DuckDBError(.execute, "the table function \(function.name) could not be registered")
        }
    }

    /// DuckDB's id of this connection (what a ``TextTableFunction``'s bind is told).
    public var id: UInt64 {
        var context: duckdb_client_context?
        duckdb_connection_get_client_context(handle, &context)
        defer { duckdb_destroy_client_context(&context) }
        return context.map { duckdb_client_context_get_connection_id($0) } ?? 0
    }
}

/// A Swift object handed to DuckDB as bind or init data, released by DuckDB's delete callback.
private final class Box<T> {
    let value: T
    init(_ value: T) { self.value = value }
}

private func releaseBox(_ pointer: UnsafeMutableRawPointer?) {
    guard let pointer else { return }
    Unmanaged<AnyObject>.fromOpaque(pointer).release()
}

private func describe(_ error: any Error) -> String {
    if let error = error as? TableFunctionError { return error.message }
    if let error = error as? DuckDBError { return error.message }
    return "\(error)"
}

private func textTableBind(_ info: duckdb_bind_info?) {
    guard let info, let extra = duckdb_bind_get_extra_info(info) else { return }
    let function = Unmanaged<TextTableFunction>.fromOpaque(extra).takeUnretainedValue()
    var arguments: [String] = []
    for index in 0..<duckdb_bind_get_parameter_count(info) {
        var value: duckdb_value? = duckdb_bind_get_parameter(info, index)
        defer { duckdb_destroy_value(&value) }
        guard let text = duckdb_get_varchar(value) else {
            arguments.append("")
            continue
        }
        arguments.append(String(cString: text))
        duckdb_free(text)
    }
    var context: duckdb_client_context?
    duckdb_table_function_get_client_context(info, &context)
    let connectionID = context.map { duckdb_client_context_get_connection_id($0) } ?? 0
    duckdb_destroy_client_context(&context)
    do {
        let scan = try function.bind(arguments, connectionID)
        guard !scan.columnNames.isEmpty else {
            throw TableFunctionError("\(function.name): the table has no columns")
        }
        var varchar: duckdb_logical_type? = duckdb_create_logical_type(TypeID.varchar)
        defer { duckdb_destroy_logical_type(&varchar) }
        for name in scan.columnNames { duckdb_bind_add_result_column(info, name, varchar) }
        let box = Box<any TextTableScan>(scan)
        duckdb_bind_set_bind_data(info, Unmanaged.passRetained(box as AnyObject).toOpaque(), releaseBox)
    } catch {
        duckdb_bind_set_error(info, describe(error))
    }
}

private func textTableInit(_ info: duckdb_init_info?) {
    guard let info, let data = duckdb_init_get_bind_data(info) else { return }
    let scan = (Unmanaged<AnyObject>.fromOpaque(data).takeUnretainedValue() as! Box<any TextTableScan>).value
    let count = scan.columnNames.count
    // Positions past the columns are DuckDB's row-id pseudo column (asked for by `count(*)`): no data.
    let columns = (0..<duckdb_init_get_column_count(info)).map { Int(duckdb_init_get_column_index(info, $0)) }
    duckdb_init_set_max_threads(info, 1)
    do {
        let cursor = try scan.open(columns: columns.filter { $0 < count })
        let state = ScanState(cursor: cursor, outputs: columns.map { $0 < count })
        duckdb_init_set_init_data(info, Unmanaged.passRetained(state as AnyObject).toOpaque(), releaseBox)
    } catch {
        duckdb_init_set_error(info, describe(error))
    }
}

/// A cursor and which output vectors carry its columns (false: the row-id pseudo column).
private final class ScanState {
    let cursor: any TextTableCursor
    let outputs: [Bool]
    init(cursor: any TextTableCursor, outputs: [Bool]) {
        self.cursor = cursor
        self.outputs = outputs
    }
}

private func textTableScan(_ info: duckdb_function_info?, _ output: duckdb_data_chunk?) {
    guard let info, let output, let data = duckdb_function_get_init_data(info) else { return }
    let state = Unmanaged<AnyObject>.fromOpaque(data).takeUnretainedValue() as! ScanState
    do {
        let rows = try state.cursor.next(maxRows: Int(duckdb_vector_size()))
        var source = 0
        for (index, carries) in state.outputs.enumerated() {
            guard carries else { continue }
            let vector = duckdb_data_chunk_get_vector(output, idx_t(index))
            var validity: UnsafeMutablePointer<UInt64>?
            for (row, values) in rows.enumerated() {
                guard source < values.count, let value = values[source] else {
                    if validity == nil {
                        duckdb_vector_ensure_validity_writable(vector)
                        validity = duckdb_vector_get_validity(vector)
                    }
                    duckdb_validity_set_row_invalid(validity, idx_t(row))
                    continue
                }
                value.utf8CString.withUnsafeBufferPointer { bytes in
                    // The buffer ends with its NUL, which is not part of the value.
                    duckdb_vector_assign_string_element_len(
                        vector, idx_t(row), bytes.baseAddress, idx_t(bytes.count - 1))
                }
            }
            source += 1
        }
        duckdb_data_chunk_set_size(output, idx_t(rows.count))
    } catch {
        duckdb_function_set_error(info, describe(error))
    }
}
