import AgnesCore
import AgnesData
import DuckDB
import Foundation

/// Where a remote registration's table is in Keboola, as its sync recorded it in the extract
/// (`_remote_tables.source_signature`): the table id, its bucket and name, and whether it is a typed
/// (native-types) table.
struct KeboolaRemoteTarget: Codable, Sendable, Hashable {
    var tableID: String
    var bucketID: String
    var name: String
    var isTyped: Bool
    /// The columns as synced (`name type`), so that a changed schema changes the signature.
    var columns: [String] = []

    /// The table as the workspace's SQL names it: the bucket is a schema (`"in.c-main"."orders"`).
    var sqlName: String { "\(KeboolaRemoteSQL.identifier(bucketID)).\(KeboolaRemoteSQL.identifier(name))" }
}

/// Queries over Keboola tables registered with `query_mode='remote'`, answered by Keboola's Query
/// Service in the read-only workspace materializations use: one SELECT of the columns the query
/// reads, with the conditions and LIMIT it allows (``RemotePushdown``), its result read in pages as
/// they are needed. A scan that would select more than `remote_max_rows` rows is refused (the job's
/// row count is known before any page is read), naming the limit and how to narrow the query.
struct KeboolaRemoteReader: RemoteTableReader {
    let connector: KeboolaConnector

    /// Pulled: the job is submitted when the first batch is asked for, and each page is read when the
    /// scan asks for the next; a scan that stops early (a LIMIT reached) reads no further page, and one
    /// cancelled while the job runs cancels the job.
    func rows(_ request: RemoteScanRequest) -> AsyncThrowingStream<[[String?]], any Error> {
        let scan = KeboolaRemoteScan(request: request, connector: connector)
        return AsyncThrowingStream(unfolding: { try await scan.next() })
    }

    static func tooLarge(_ tableID: String, rows: String, limit: Int64) -> KeboolaError {
        KeboolaError(
            .rejected,
            "remote table \(tableID): the query selects \(rows) rows from Keboola, over data_source.keboola.remote_max_rows (\(limit)); add conditions on its columns or a LIMIT, or register it with query_mode local"
        )
    }
}

/// One scan of a remote table: where its rows come from and how far they have been read.
private actor KeboolaRemoteScan {
    /// A Query Service job whose result is read page by page.
    struct Reading {
        var service: KeboolaQueryService
        var jobID: String
        var statement: KeboolaQueryJob.Statement
        var offset: Int64 = 0
    }

    let request: RemoteScanRequest
    let connector: KeboolaConnector
    private var reading: Reading?
    private var exported: KeboolaExportedRows?
    private var isDone = false

    init(request: RemoteScanRequest, connector: KeboolaConnector) {
        self.request = request
        self.connector = connector
    }

    /// The next page of rows; nil after the last.
    func next() async throws -> [[String?]]? {
        guard !isDone else { return nil }
        let client = try connector.client()
        let configuration = client.configuration
        if reading == nil && exported == nil {
            let target = try await connector.remoteTarget(request.tableID)
            if let url = try await client.queryServiceURLIfListed() {
                reading = try await query(
                    target, client: client, service: KeboolaQueryService(client: client, baseURL: url))
            } else {
                exported = try await export(target, client: client)
            }
        }
        if let exported {
            let rows = try await exported.page(size: configuration.queryPageSize)
            if rows.isEmpty { isDone = true }
            return rows.isEmpty ? nil : rows
        }
        guard var reading else { return nil }
        let limit = Int64(configuration.remoteMaxRows)
        let page = try await reading.service.page(
            jobID: reading.jobID, statementID: reading.statement.id, offset: reading.offset,
            pageSize: configuration.queryPageSize)
        reading.offset += Int64(page.data.count)
        self.reading = reading
        if reading.offset > limit {
            throw KeboolaRemoteReader.tooLarge(request.tableID, rows: "more than \(limit)", limit: limit)
        }
        let total = page.numberOfRows ?? reading.statement.numberOfRows
        // Without a total, a short page is the last (a server ignoring `offset` cannot loop forever).
        if page.data.isEmpty || (total.map { reading.offset >= $0 } ?? (page.data.count < configuration.queryPageSize))
        {
            isDone = true
        }
        return page.data.isEmpty ? nil : page.data
    }

    /// Submits the SELECT and waits for its job; refuses a result over the row limit.
    private func query(_ target: KeboolaRemoteTarget, client: KeboolaStorageClient, service: KeboolaQueryService)
        async throws -> Reading
    {
        let sql = KeboolaRemoteSQL.select(request, from: target)
        let jobID = try await connector.submitInWorkspace(sql, client: client, service: service)
        let job = try await service.wait(for: jobID)
        guard job.status == "completed", let statement = job.statements.last, statement.status == "completed" else {
            let reason =
                job.statements.first { $0.error != nil }?.error ?? job.cancellationReason ?? "status \(job.status)"
            throw KeboolaError(.jobFailed, "remote table \(request.tableID): Keboola's query failed: \(reason)")
        }
        let limit = Int64(client.configuration.remoteMaxRows)
        if let total = statement.numberOfRows, total > limit {
            throw KeboolaRemoteReader.tooLarge(request.tableID, rows: "\(total)", limit: limit)
        }
        return Reading(service: service, jobID: jobID, statement: statement)
    }

    /// A stack without the Query Service: an export of the columns the query reads and the rows its
    /// conditions select (as far as export filters can say them), at most `remote_max_rows` + 1 rows,
    /// refused when it brings more than the limit.
    private func export(_ target: KeboolaRemoteTarget, client: KeboolaStorageClient) async throws
        -> KeboolaExportedRows
    {
        let limit = client.configuration.remoteMaxRows
        let (export, isWhole) = KeboolaRemoteSQL.export(request, isTyped: target.isTyped)
        var bounded = export
        if bounded.columns.isEmpty {
            // Rows without columns (`count(*)`): the first column, the least an export can carry.
            guard let first = try await client.table(id: target.tableID).columns.first else {
                throw KeboolaError(.invalidResponse, "\(target.tableID): Keboola lists no columns for it")
            }
            bounded.columns = [first]
        }
        bounded.limit = min(isWhole ? (request.limit ?? Int.max) : Int.max, limit + 1)
        let scan = UUID().uuidString.lowercased()
        let work = connector.layout.root.appendingPathComponent("tmp/keboola-remote/\(scan)")
        let spill = connector.layout.root.appendingPathComponent("tmp/keboola-remote-spill/\(scan)")
        // The slices are gone once loaded; the spill directory goes with the rows.
        defer { try? FileManager.default.removeItem(at: work) }
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        let (_, slices) = try await connector.export(target.tableID, bounded, client: client, into: work)
        let rows = try await KeboolaExportedRows.load(
            slices: slices, columns: bounded.columns.count, keep: request.columns.count, spill: spill)
        if await rows.count > Int64(limit) {
            throw KeboolaRemoteReader.tooLarge(request.tableID, rows: "more than \(limit)", limit: Int64(limit))
        }
        return rows
    }
}

/// The rows of a remote scan's export, loaded from its slices into a scratch in-memory DuckDB database
/// (spilling into a directory of its own, removed with it), read out a page at a time.
private actor KeboolaExportedRows {
    let connection: SerializedConnection
    let spill: URL
    let keep: Int
    private(set) var count: Int64 = 0
    private var offset: Int64 = 0

    private init(connection: SerializedConnection, spill: URL, keep: Int) {
        self.connection = connection
        self.spill = spill
        self.keep = keep
    }

    deinit { try? FileManager.default.removeItem(at: spill) }

    static func load(slices: [URL], columns: Int, keep: Int, spill: URL) async throws -> KeboolaExportedRows {
        let database = try Database(options: [
            "threads": "1", "memory_limit": "160MB", "temp_directory": spill.path,
            "autoload_known_extensions": "false", "autoinstall_known_extensions": "false",
        ])
        let connection = try SerializedConnection(database: database, label: "keboola.remote")
        let rows = KeboolaExportedRows(connection: connection, spill: spill, keep: keep)
        let scan = slices.isEmpty ? nil : KeboolaTableConverter.textScan(of: slices, columns: columns)
        let count = try await connection.run { connection in
            let fields = (0..<columns).map { "c\($0) VARCHAR" }.joined(separator: ", ")
            try connection.execute("CREATE TABLE exported (\(fields))")
            if let scan { try connection.execute("INSERT INTO exported SELECT * FROM \(scan)") }
            return try connection.query("SELECT count(*) FROM exported").rows.first?[0].int64 ?? 0
        }
        await rows.setCount(count)
        return rows
    }

    private func setCount(_ value: Int64) { count = value }

    /// The next `size` rows (the requested columns only), empty at the end.
    func page(size: Int) async throws -> [[String?]] {
        let (start, keep) = (offset, self.keep)
        let rows = try await connection.run { connection in
            try connection.query(
                "SELECT * FROM exported WHERE rowid >= ? ORDER BY rowid LIMIT ?",
                [.bigint(start), .bigint(Int64(size))]
            ).rows.map { row in row.prefix(keep).map(\.string) }
        }
        offset += Int64(rows.count)
        return rows
    }
}

/// The Snowflake SQL a remote scan sends: double-quoted identifiers, single-quoted strings with `'`
/// and `\` escaped, numbers as the checked text DuckDB parsed.
enum KeboolaRemoteSQL {
    static func select(_ request: RemoteScanRequest, from target: KeboolaRemoteTarget) -> String {
        let columns =
            request.columns.isEmpty ? "1" : request.columns.map { identifier($0.name) }.joined(separator: ", ")
        var sql = "SELECT \(columns) FROM \(target.sqlName)"
        let rendered = request.filters.compactMap { condition($0, isTyped: target.isTyped) }
        if !rendered.isEmpty { sql += " WHERE " + rendered.joined(separator: " AND ") }
        // A LIMIT stands only when every condition went along (RemoteScanRequest.limit).
        if let limit = request.limit, rendered.count == request.filters.count { sql += " LIMIT \(limit)" }
        return sql
    }

    /// The condition in Snowflake SQL, nil when it is not sent. A table without native types holds
    /// every column as text in Snowflake (with an empty string where DuckDB's view sees NULL), so there
    /// only conditions on text columns are sent; a typed table gets every condition.
    static func condition(_ filter: RemoteFilter, isTyped: Bool) -> String? {
        let column: RemoteColumn
        switch filter {
        case .compare(let target, _, _), .isIn(let target, _), .isNull(let target), .isNotNull(let target):
            column = target
        }
        guard isTyped || column.family == .text else { return nil }
        let name = identifier(column.name)
        switch filter {
        case .compare(_, let op, let value):
            guard ["=", "<>", "<", "<=", ">", ">="].contains(op) else { return nil }
            return "\(name) \(op) \(literal(value))"
        case .isIn(_, let values):
            guard !values.isEmpty else { return nil }
            return "\(name) IN (\(values.map(literal).joined(separator: ", ")))"
        case .isNull: return "\(name) IS NULL"
        case .isNotNull: return "\(name) IS NOT NULL"
        }
    }

    /// The export of a remote scan: the columns it reads and the filters an export can carry (`whereFilters`: comparisons and IN lists, on
    /// the same columns ``condition(_:isTyped:)`` sends); true when every filter went along.
    static func export(_ request: RemoteScanRequest, isTyped: Bool) -> (KeboolaExportRequest, isWhole: Bool) {
        let operators = ["=": "eq", "<>": "ne", ">": "gt", ">=": "ge", "<": "lt", "<=": "le"]
        var filters: [KeboolaExportRequest.WhereFilter] = []
        for filter in request.filters {
            switch filter {
            case .compare(let column, let op, let value) where isTyped || column.family == .text:
                guard let name = operators[op] else { continue }
                filters.append(.init(column: column.name, op: name, values: [text(value)], dataType: dataType(column)))
            case .isIn(let column, let values) where (isTyped || column.family == .text) && !values.isEmpty:
                filters.append(
                    .init(column: column.name, op: "eq", values: values.map(text), dataType: dataType(column)))
            default: continue
            }
        }
        var export = KeboolaExportRequest(columns: request.columns.map(\.name))
        export.whereFilters = filters
        return (export, filters.count == request.filters.count)
    }

    private static func text(_ value: RemoteLiteral) -> String {
        switch value {
        case .number(let text), .string(let text): text
        }
    }

    private static func dataType(_ column: RemoteColumn) -> String? { column.family == .number ? "DOUBLE" : nil }

    static func identifier(_ name: String) -> String {
        "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    static func literal(_ value: RemoteLiteral) -> String {
        switch value {
        case .number(let text): return RemotePushdown.isNumber(text) ? text : "NULL"
        case .string(let text):
            return "'" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "'", with: "''")
                + "'"
        }
    }
}
