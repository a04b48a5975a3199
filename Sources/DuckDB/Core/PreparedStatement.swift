import CDuckDB

/// A prepared statement. Values are always bound as typed parameters, never spliced into SQL text.
public final class PreparedStatement {
    let handle: duckdb_prepared_statement
    /// The connection the statement belongs to.
    public let connection: Connection

    /// False for a statement the connection keeps in its cache (the connection destroys it).
    private let ownsHandle: Bool

    init(connection: Connection, handle: duckdb_prepared_statement, ownsHandle: Bool = true) {
        self.handle = handle
        self.connection = connection
        self.ownsHandle = ownsHandle
    }

    init(connection: Connection, sql: String) throws {
        var prepared: duckdb_prepared_statement?
        let state = duckdb_prepare(connection.handle, sql, &prepared)
        if state != 0 || prepared == nil {
            let message = prepared.flatMap { duckdb_prepare_error($0) }.map { String(cString: $0) }
            duckdb_destroy_prepare(&prepared)
            throw DuckDBError(.prepare, message ?? "could not prepare statement", kind: Self.kind(of: message))
        }
        self.handle = prepared!
        self.connection = connection
        self.ownsHandle = true
    }

    deinit {
        guard ownsHandle else { return }
        var prepared: duckdb_prepared_statement? = handle
        duckdb_destroy_prepare(&prepared)
    }

    /// The number of `?` / `$n` parameters.
    public var parameterCount: Int { Int(duckdb_nparams(handle)) }

    /// The kind of statement.
    public var statementType: StatementType { StatementType(rawValue: duckdb_prepared_statement_type(handle)) }

    /// Binds `parameters` (1-based in SQL, in order here), replacing earlier bindings.
    public func bind(_ parameters: [DuckDBValue]) throws {
        guard parameters.count == parameterCount else {
            throw DuckDBError(.bind, "expected \(parameterCount) parameters, got \(parameters.count)")
        }
        _ = duckdb_clear_bindings(handle)
        for (offset, parameter) in parameters.enumerated() {
            let index = idx_t(offset + 1)
            let state: duckdb_state
            if parameter == .null {
                state = duckdb_bind_null(handle, index)
            } else {
                var value: duckdb_value? = try parameter.makeCValue()
                defer { duckdb_destroy_value(&value) }
                state = duckdb_bind_value(handle, index, value)
            }
            if state != 0 {
                let message = duckdb_prepare_error(handle).map { String(cString: $0) }
                throw DuckDBError(.bind, message ?? "could not bind parameter \(index) (\(parameter))")
            }
        }
    }

    /// Executes with `parameters` and returns the materialised result.
    public func query(_ parameters: [DuckDBValue] = [], maxRows: Int? = nil) throws -> QueryResult {
        try stream(parameters) { try $0.materialize(maxRows: maxRows) }
    }

    /// Executes with `parameters` and returns the number of rows changed.
    @discardableResult
    public func run(_ parameters: [DuckDBValue] = []) throws -> Int {
        try bind(parameters)
        var result = duckdb_result()
        defer { duckdb_destroy_result(&result) }
        if duckdb_execute_prepared(handle, &result) != 0 {
            throw DuckDBError.from(result: &result, code: .execute)
        }
        return Int(duckdb_rows_changed(&result))
    }

    /// Executes with `parameters` and hands the result to `body` chunk by chunk. With `lazily`, DuckDB
    /// produces chunks as they are fetched (a caller that stops early never pays for the rest);
    /// otherwise the whole result is computed before the first chunk is handed over.
    public func stream<T>(
        _ parameters: [DuckDBValue] = [], lazily: Bool = false, _ body: (ResultStream) throws -> T
    ) throws -> T {
        try bind(parameters)
        var result = duckdb_result()
        defer { duckdb_destroy_result(&result) }
        let state =
            lazily ? duckdb_execute_prepared_streaming(handle, &result) : duckdb_execute_prepared(handle, &result)
        if state != 0 {
            throw DuckDBError.from(result: &result, code: .execute)
        }
        return try withUnsafeMutablePointer(to: &result) { pointer in
            let stream = ResultStream(result: pointer)
            return try body(stream)
        }
    }

    static func kind(of message: String?) -> DuckDBError.Kind? {
        guard let message else { return nil }
        let prefixes: [(String, DuckDBError.Kind)] = [
            ("Parser Error", .parser), ("Catalog Error", .catalog), ("Binder Error", .binder),
            ("Permission Error", .permission), ("Conversion Error", .conversion), ("IO Error", .io),
            ("Invalid Input Error", .invalidInput), ("Not implemented Error", .notImplemented),
        ]
        return prefixes.first { message.hasPrefix($0.0) }?.1
    }
}
