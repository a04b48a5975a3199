import AgnesCore
import AgnesData
import Foundation

/// Where a remote registration's table is in Keboola, as its sync recorded it in the extract
/// (`_remote_tables.source_signature`): the table id, its bucket and name, and whether it is a typed
/// (native-types) table.
struct KeboolaRemoteTarget: Codable, Sendable, Hashable {
    var tableID: String
    var bucketID: String
    var name: String
    var isTyped: Bool

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
            "remote table \(tableID): the query selects \(rows) rows from Keboola, over data_source.keboola.remote_max_rows (\(limit)); add conditions on its columns or a LIMIT, or register it with query_mode local")
    }
}

/// One scan of a remote table: its Query Service job and how far its result has been read.
private actor KeboolaRemoteScan {
    struct Reading {
        var service: KeboolaQueryService
        var jobID: String
        var statement: KeboolaQueryJob.Statement
        var offset: Int64 = 0
    }

    let request: RemoteScanRequest
    let connector: KeboolaConnector
    private var reading: Reading?
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
        let limit = Int64(configuration.remoteMaxRows)
        var reading: Reading
        if let started = self.reading {
            reading = started
        } else {
            reading = try await start(client)
        }
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
        if page.data.isEmpty || (total.map { reading.offset >= $0 } ?? (page.data.count < configuration.queryPageSize)) {
            isDone = true
        }
        return page.data.isEmpty ? nil : page.data
    }

    /// Submits the SELECT and waits for its job; refuses a result over the row limit.
    private func start(_ client: KeboolaStorageClient) async throws -> Reading {
        let target = try await connector.remoteTarget(request.tableID)
        let sql = KeboolaRemoteSQL.select(request, from: target)
        let service = KeboolaQueryService(client: client, baseURL: try await client.queryServiceURL())
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
}

/// The Snowflake SQL a remote scan sends: double-quoted identifiers, single-quoted strings with `'`
/// and `\` escaped, numbers as the checked text DuckDB parsed.
enum KeboolaRemoteSQL {
    static func select(_ request: RemoteScanRequest, from target: KeboolaRemoteTarget) -> String {
        let columns = request.columns.isEmpty ? "1" : request.columns.map { identifier($0.name) }.joined(separator: ", ")
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

    static func identifier(_ name: String) -> String {
        "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    static func literal(_ value: RemoteLiteral) -> String {
        switch value {
        case .number(let text): return RemotePushdown.isNumber(text) ? text : "NULL"
        case .string(let text):
            return "'" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "'", with: "''") + "'"
        }
    }
}
