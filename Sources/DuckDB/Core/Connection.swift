import CDuckDB

/// A DuckDB connection. Not `Sendable`: use it from one thread at a time, or through a
/// ``SerializedConnection`` / ``ConnectionPool``, which serialise access on their own queues.
///
/// ```swift
/// let rows = try connection.query("SELECT id, email FROM users WHERE active = ?", [.boolean(true)]).rows
/// ```
public final class Connection {
    let handle: duckdb_connection
    /// The database this connection belongs to (kept alive as long as the connection is).
    public let database: Database
    /// Interrupts this connection's running statement from another thread.
    public let interruptHandle: InterruptHandle

    init(database: Database) throws {
        var connection: duckdb_connection?
        guard duckdb_connect(database.handle, &connection) == 0, let connection else {
            throw DuckDBError(.connect, "could not open a connection")
        }
        self.handle = connection
        self.database = database
        self.interruptHandle = InterruptHandle(connection: connection)
    }

    /// How many prepared statements `query`, `run` and `stream` keep for reuse, by SQL text (0, the
    /// default: none). Parsing, binding and planning cost more than running a small statement, so a
    /// connection that repeats the same few statements (the system store's) gains from it. Only for
    /// connections whose statements read tables of their own database: a kept statement keeps what it
    /// bound, such as a file's schema (DuckDB binds a statement again when the catalog changes).
    public var statementCacheCapacity = 0 {
        didSet { if statementCacheCapacity == 0 { clearStatementCache() } }
    }
    private var statementCache: [String: duckdb_prepared_statement] = [:]

    deinit {
        clearStatementCache()
        interruptHandle.detach()
        var connection: duckdb_connection? = handle
        duckdb_disconnect(&connection)
    }

    private func clearStatementCache() {
        for (_, handle) in statementCache {
            var prepared: duckdb_prepared_statement? = handle
            duckdb_destroy_prepare(&prepared)
        }
        statementCache.removeAll()
    }

    /// `sql` prepared, from the statement cache when it is on.
    func statement(_ sql: String) throws -> PreparedStatement {
        guard statementCacheCapacity > 0 else { return try prepare(sql) }
        if let handle = statementCache[sql] {
            return PreparedStatement(connection: self, handle: handle, ownsHandle: false)
        }
        var prepared: duckdb_prepared_statement?
        if duckdb_prepare(handle, sql, &prepared) != 0 || prepared == nil {
            let message = prepared.flatMap { duckdb_prepare_error($0) }.map { String(cString: $0) }
            duckdb_destroy_prepare(&prepared)
            throw DuckDBError(
                .prepare, message ?? "could not prepare statement", kind: PreparedStatement.kind(of: message))
        }
        if statementCache.count >= statementCacheCapacity { clearStatementCache() }
        statementCache[sql] = prepared!
        return PreparedStatement(connection: self, handle: prepared!, ownsHandle: false)
    }

    /// Runs one or more statements separated by semicolons, discarding any results.
    /// Use only for trusted, constant SQL: values always go through parameters.
    public func execute(_ sql: String) throws {
        var result = duckdb_result()
        defer { duckdb_destroy_result(&result) }
        if duckdb_query(handle, sql, &result) != 0 {
            throw DuckDBError.from(result: &result, code: .execute)
        }
    }

    /// Runs a statement with bound parameters and returns its materialised result.
    /// `maxRows` stops fetching after that many rows (the result then reports `isTruncated`).
    public func query(_ sql: String, _ parameters: [DuckDBValue] = [], maxRows: Int? = nil) throws -> QueryResult {
        let statement = try statement(sql)
        return try statement.query(parameters, maxRows: maxRows)
    }

    /// Runs a statement with bound parameters and returns the number of rows it changed.
    @discardableResult
    public func run(_ sql: String, _ parameters: [DuckDBValue] = []) throws -> Int {
        let statement = try statement(sql)
        return try statement.run(parameters)
    }

    /// Runs a statement and hands its result to `body` chunk by chunk (nothing is materialised).
    public func stream<T>(
        _ sql: String,
        _ parameters: [DuckDBValue] = [],
        _ body: (ResultStream) throws -> T
    ) throws -> T {
        let statement = try statement(sql)
        return try statement.stream(parameters, body)
    }

    /// Prepares a statement for repeated execution.
    public func prepare(_ sql: String) throws -> PreparedStatement {
        try PreparedStatement(connection: self, sql: sql)
    }

    /// Splits `sql` with DuckDB's own parser and returns the kind of each statement.
    /// Throws a `.parse` error (with DuckDB's message) when the text does not parse.
    public func statementTypes(of sql: String) throws -> [StatementType] {
        var extracted: duckdb_extracted_statements?
        defer { duckdb_destroy_extracted(&extracted) }
        let count = duckdb_extract_statements(handle, sql, &extracted)
        if count == 0 {
            let message = extracted.flatMap { duckdb_extract_statements_error($0) }.map { String(cString: $0) }
            throw DuckDBError(.parse, message ?? "no statement found", kind: .parser)
        }
        var types: [StatementType] = []
        for index in 0..<count {
            var prepared: duckdb_prepared_statement?
            defer { duckdb_destroy_prepare(&prepared) }
            if duckdb_prepare_extracted_statement(handle, extracted, index, &prepared) != 0 {
                let message = prepared.flatMap { duckdb_prepare_error($0) }.map { String(cString: $0) }
                throw DuckDBError(.prepare, message ?? "could not prepare statement")
            }
            types.append(StatementType(rawValue: duckdb_prepared_statement_type(prepared)))
        }
        return types
    }

    /// Prepares `sql`, which must hold exactly one statement (checked by DuckDB's own parser): text
    /// that holds none or several throws a `.parse` error with `kind` `.parser` and the message
    /// `expected one statement, found N`; text that does not parse or bind throws DuckDB's error.
    public func prepareSingle(_ sql: String) throws -> PreparedStatement {
        var extracted: duckdb_extracted_statements?
        defer { duckdb_destroy_extracted(&extracted) }
        let count = duckdb_extract_statements(handle, sql, &extracted)
        if count == 0 {
            let message = extracted.flatMap { duckdb_extract_statements_error($0) }.map { String(cString: $0) }
            throw DuckDBError(.parse, message ?? "expected one statement, found 0", kind: .parser)
        }
        guard count == 1 else { throw DuckDBError(.parse, "expected one statement, found \(count)", kind: .parser) }
        var prepared: duckdb_prepared_statement?
        if duckdb_prepare_extracted_statement(handle, extracted, 0, &prepared) != 0 || prepared == nil {
            let message = prepared.flatMap { duckdb_prepare_error($0) }.map { String(cString: $0) }
            duckdb_destroy_prepare(&prepared)
            throw DuckDBError(
                .prepare, message ?? "could not prepare statement", kind: PreparedStatement.kind(of: message))
        }
        return PreparedStatement(connection: self, handle: prepared!)
    }

    /// Runs `body` in a transaction: committed when it returns, rolled back when it throws.
    public func transaction<T>(_ body: () throws -> T) throws -> T {
        try execute("BEGIN TRANSACTION")
        do {
            let value = try body()
            try execute("COMMIT")
            return value
        } catch {
            try? execute("ROLLBACK")
            throw error
        }
    }

    /// Opens an appender for bulk inserts into `table`.
    public func appender(table: String, schema: String? = nil) throws -> Appender {
        try Appender(connection: self, schema: schema, table: table)
    }
}

/// The kind of a SQL statement, as DuckDB's parser classifies it.
public struct StatementType: Hashable, Sendable, CustomStringConvertible {
    /// The raw `duckdb_statement_type` value.
    public let rawValue: Int32
    /// Wraps a raw value.
    public init(rawValue: Int32) { self.rawValue = rawValue }

    public static let select = StatementType(rawValue: 1)
    public static let insert = StatementType(rawValue: 2)
    public static let update = StatementType(rawValue: 3)
    public static let explain = StatementType(rawValue: 4)
    public static let delete = StatementType(rawValue: 5)
    public static let prepare = StatementType(rawValue: 6)
    public static let create = StatementType(rawValue: 7)
    public static let execute = StatementType(rawValue: 8)
    public static let alter = StatementType(rawValue: 9)
    public static let transaction = StatementType(rawValue: 10)
    public static let copy = StatementType(rawValue: 11)
    public static let analyze = StatementType(rawValue: 12)
    public static let variableSet = StatementType(rawValue: 13)
    public static let createFunction = StatementType(rawValue: 14)
    public static let drop = StatementType(rawValue: 15)
    public static let export = StatementType(rawValue: 16)
    public static let pragma = StatementType(rawValue: 17)
    public static let vacuum = StatementType(rawValue: 18)
    public static let call = StatementType(rawValue: 19)
    public static let set = StatementType(rawValue: 20)
    public static let load = StatementType(rawValue: 21)
    public static let relation = StatementType(rawValue: 22)
    public static let extensions = StatementType(rawValue: 23)
    public static let logicalPlan = StatementType(rawValue: 24)
    public static let attach = StatementType(rawValue: 25)
    public static let detach = StatementType(rawValue: 26)
    public static let multi = StatementType(rawValue: 27)

    private static let names: [Int32: String] = [
        1: "SELECT", 2: "INSERT", 3: "UPDATE", 4: "EXPLAIN", 5: "DELETE", 6: "PREPARE", 7: "CREATE",
        8: "EXECUTE", 9: "ALTER", 10: "TRANSACTION", 11: "COPY", 12: "ANALYZE", 13: "VARIABLE_SET",
        14: "CREATE_FUNC", 15: "DROP", 16: "EXPORT", 17: "PRAGMA", 18: "VACUUM", 19: "CALL", 20: "SET",
        21: "LOAD", 22: "RELATION", 23: "EXTENSION", 24: "LOGICAL_PLAN", 25: "ATTACH", 26: "DETACH",
        27: "MULTI",
    ]

    public var description: String { Self.names[rawValue] ?? "INVALID" }
}
