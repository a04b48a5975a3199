import AgnesCore
import DuckDB
import Foundation

/// Runs `/api/v2/scan` requests over local tables: checks the request against the table's columns,
/// re-renders the WHERE predicate from DuckDB's parse tree (``WhereValidator``), and executes the
/// resulting `SELECT` in a query sandbox that holds only that one table (``QueryEngine``), so even a
/// validator bug could not read another file. The result is written as an Arrow IPC stream
/// (`application/vnd.apache.arrow.stream`) by DuckDB's Arrow export and our own IPC framing
/// (``ResultStream/writeArrowIPC(maxBytes:_:)``) into a file the caller streams and deletes.
///
/// ```swift
/// let scans = try ScanService(engine: engine, layout: layout)
/// let request = ScanRequest(tableID: "orders", predicate: "amount > 10", limit: 100)
/// let scan = try await scans.prepare(request, maxLimit: settings.scan.maxLimit)
/// let output = try await scans.run(scan, maxBytes: 1 << 31, timeout: .seconds(60))
/// ```
public final class ScanService: Sendable {
    let engine: QueryEngine
    let validator: WhereValidator
    /// Where results are written before they are sent (`DATA_DIR/tmp/scans`).
    public let outputDirectory: URL

    /// Creates the service; clears result files a crash left behind.
    public init(engine: QueryEngine, layout: DataLayout) throws {
        self.engine = engine
        self.validator = try WhereValidator()
        self.outputDirectory = layout.root.appendingPathComponent("tmp/scans")
        try? FileManager.default.removeItem(at: outputDirectory)
    }

    /// Checks `request` (the caller is already authorised for its table) and builds its SQL.
    public func prepare(_ request: ScanRequest, maxLimit: Int) async throws(ScanError) -> PreparedScan {
        if let limit = request.limit, !(1...maxLimit).contains(limit) {
            throw .invalid("limit must be between 1 and \(maxLimit)")
        }
        for name in request.select ?? [] where !ScanRequest.isColumnName(name) {
            throw .invalid("Invalid column name in select: '\(name)'")
        }
        var orders: [(column: String, descending: Bool)] = []
        for term in request.orderBy ?? [] {
            guard let order = ScanRequest.orderTerm(term) else {
                throw .invalid(
                    "Invalid order_by term: '\(term)' (expected \"column\", \"column ASC\" or \"column DESC\")")
            }
            orders.append(order)
        }
        let tableID = request.tableID
        guard let generation = engine.analytics.generation else { throw .notReady }
        let served: ServedTable
        let sandbox: QuerySandbox
        do {
            guard let table = try await generation.servedTables()[tableID] else {
                throw ScanError.notFound("table '\(tableID)' not found")
            }
            let isRemote = table.file == nil && table.queryMode == "remote" && !table.remoteColumns.isEmpty
            guard (table.file != nil && table.queryMode == "local") || isRemote else {
                throw ScanError.invalid("table '\(tableID)' has no data to scan (query mode \(table.queryMode))")
            }
            served = table
            sandbox = try await engine.sandbox(readable: [tableID])
        } catch let error as ScanError {
            throw error
        } catch let error as SandboxError where error == .notReady {
            throw .notReady
        } catch {
            throw .failed("the table cannot be opened: \(error)")
        }
        guard sandbox.tables == [tableID] else { throw .notFound("table '\(tableID)' not found") }
        let columns = try await Self.columns(of: tableID, in: sandbox)
        func resolve(_ name: String) -> Column? {
            columns.first { $0.name == name } ?? columns.first { $0.name.lowercased() == name.lowercased() }
        }
        var selected: [Column] = []
        for name in request.select ?? [] {
            guard let column = resolve(name) else { throw .invalid("Unknown column in select: '\(name)'") }
            selected.append(column)
        }
        if selected.isEmpty { selected = columns }
        var orderSQL: [String] = []
        for order in orders {
            guard let column = resolve(order.column) else {
                throw .invalid("Unknown column in order_by: '\(order.column)'")
            }
            orderSQL.append(SQLText.identifier(column.name) + (order.descending ? " DESC" : " ASC"))
        }
        var predicate: String?
        if let text = request.predicate, !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            do {
                predicate = try await validator.validate(text, table: tableID, columns: columns.map(\.name))
            } catch {
                throw .rejected(error)
            }
        }
        var sql =
            "SELECT " + selected.map(Self.selectItem).joined(separator: ", ") + " FROM " + SQLText.identifier(tableID)
        if let predicate { sql += " WHERE " + predicate }
        if !orderSQL.isEmpty { sql += " ORDER BY " + orderSQL.joined(separator: ", ") }
        if let limit = request.limit { sql += " LIMIT \(limit)" }
        return PreparedScan(
            table: served, columns: selected, predicate: predicate, limit: request.limit, sql: sql, sandbox: sandbox)
    }

    /// What a prepared scan would cost: for a local table from its file (``ScanEstimate/init(_:)``); for
    /// a remote one, its source's estimate of the scan with the columns, conditions and LIMIT that would
    /// be pushed down (BigQuery: a dry run, priced at `costPerTB` per TiB).
    public func estimate(_ scan: PreparedScan, costPerTB: Double) async throws(ScanError) -> ScanEstimate {
        guard scan.table.file == nil, let reader = engine.remote.readers[scan.table.source] else {
            return ScanEstimate(scan)
        }
        let (sandbox, sql, table) = (scan.sandbox, scan.sql, scan.table)
        do {
            let plan = try await sandbox.pool.withConnection(timeout: sandbox.timeout) { connection in
                sandbox.pushdownPlans(sql, on: connection)[table.id]
            }
            let selected = Set(scan.columns.map { $0.name.lowercased() })
            let request = RemoteScanRequest(
                tableID: table.id, columns: table.remoteColumns.filter { selected.contains($0.name.lowercased()) },
                filters: plan?.filters ?? [], limit: plan?.limit)
            let bytes = try await reader.estimate(request)
            return ScanEstimate(remote: scan, scanBytes: bytes, costPerTB: table.source == "bigquery" ? costPerTB : nil)
        } catch let refusal as RemoteScanRefusal {
            throw .refused(refusal)
        } catch {
            throw .failed("the source cannot estimate the scan: \(error)")
        }
    }

    /// Runs a prepared scan and writes its Arrow IPC stream to a new file in ``outputDirectory``,
    /// stopping before `maxBytes`. The caller deletes the file.
    public func run(_ scan: PreparedScan, maxBytes: Int, timeout: Duration) async throws(ScanError) -> ScanOutput {
        let file = outputDirectory.appendingPathComponent("\(UUID().uuidString).arrows")
        let sql = scan.sql
        do {
            try FileManager.default.createDirectory(at: outputDirectory, withIntermediateDirectories: true)
            let sandbox = scan.sandbox
            let summary = try await sandbox.pool.withConnection(timeout: timeout) { connection in
                // A remote table's source gets the scan's columns, conditions and LIMIT.
                let connectionID = connection.id
                sandbox.pushdowns.set(sandbox.pushdownPlans(sql, on: connection), for: connectionID)
                _ = sandbox.pushdowns.takeRefusal(connectionID)
                defer { sandbox.pushdowns.clear(connectionID) }
                do {
                    return try Self.write(sql, to: file, maxBytes: maxBytes, on: connection)
                } catch {
                    if let refusal = sandbox.pushdowns.takeRefusal(connectionID) { throw ScanError.refused(refusal) }
                    throw error
                }
            }
            return ScanOutput(file: file, summary: summary)
        } catch {
            try? FileManager.default.removeItem(at: file)
            switch error {
            case let error as ScanError: throw error
            case let error as DuckDBError where error.code == .timeout: throw .timedOut(timeout)
            case let error as DuckDBError: throw .failed(error.message)
            default: throw .failed("\(error)")
            }
        }
    }

    /// Runs `sql` and writes its Arrow IPC stream to `file`. Blocking.
    private static func write(_ sql: String, to file: URL, maxBytes: Int, on connection: Connection) throws
        -> ArrowIPCSummary
    {
        guard FileManager.default.createFile(atPath: file.path, contents: nil) else {
            throw ScanError.failed("the result file cannot be created")
        }
        let handle = try FileHandle(forWritingTo: file)
        defer { try? handle.close() }
        let statement = try connection.prepareSingle(sql)
        guard statement.statementType == .select else { throw ScanError.failed("not a SELECT statement") }
        return try statement.stream(lazily: true) { stream in
            try stream.writeArrowIPC(maxBytes: maxBytes) { bytes in try handle.write(contentsOf: bytes) }
        }
    }

    /// The table's columns as the sandbox sees them.
    static func columns(of table: String, in sandbox: QuerySandbox) async throws(ScanError) -> [Column] {
        do {
            return try await sandbox.pool.withConnection(timeout: sandbox.timeout) { connection in
                try connection.query("SELECT * FROM \(SQLText.identifier(table)) LIMIT 0").columns
            }
        } catch {
            throw .failed("the table's columns cannot be read: \((error as? DuckDBError)?.message ?? "\(error)")")
        }
    }

    /// A selected column, cast to VARCHAR when its type has no Arrow form the IPC writer encodes
    /// (enums are dictionaries, unions, bit strings, big numbers, times with zones).
    static func selectItem(_ column: Column) -> String {
        let name = SQLText.identifier(column.name)
        return Self.isArrowEncodable(column.type) ? name : "CAST(\(name) AS VARCHAR) AS \(name)"
    }

    static func isArrowEncodable(_ type: DuckDBType) -> Bool {
        switch type {
        case .boolean, .tinyint, .smallint, .integer, .bigint, .hugeint, .utinyint, .usmallint, .uinteger, .ubigint,
            .float, .double, .decimal, .varchar, .blob, .date, .time, .timestamp, .timestampS, .timestampMS,
            .timestampNS, .timestampTZ, .interval, .uuid, .null:
            return true
        case .list(let child), .array(let child, _): return isArrowEncodable(child)
        case .structure(let fields): return fields.allSatisfy { isArrowEncodable($0.type) }
        case .map(let key, let value): return isArrowEncodable(key) && isArrowEncodable(value)
        default: return false
        }
    }
}

/// A checked scan, ready to run: its table, the columns it returns and its SQL.
public struct PreparedScan: Sendable {
    /// The table scanned.
    public let table: ServedTable
    /// The columns returned, in order.
    public let columns: [Column]
    /// The re-rendered WHERE predicate, if any.
    public let predicate: String?
    /// The row limit, if any.
    public let limit: Int?
    /// The statement the sandbox runs.
    public let sql: String
    let sandbox: QuerySandbox
}

/// A scan's result file and what was written to it.
public struct ScanOutput: Sendable {
    /// The Arrow IPC stream file (the caller deletes it).
    public let file: URL
    /// Rows and bytes written; whether rows were left out to stay within the byte limit.
    public let summary: ArrowIPCSummary
}
