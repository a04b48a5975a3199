import AgnesCore
import AgnesData
import DuckDB
import Foundation
import Synchronization

/// Where a remote registration's table is in BigQuery, as its sync recorded it in the extract.
struct BigQueryRemoteTarget: Codable, Sendable, Hashable {
    var project: String
    var dataset: String
    var table: String
    /// The columns as synced (`name type`), so that a changed schema changes the signature.
    var columns: [String] = []

    var sqlName: String { BigQuerySQL.table(project: project, dataset: dataset, table: table) }
}

extension BigQueryConnector {
    public var remoteReader: (any RemoteTableReader)? { BigQueryRemoteReader(connector: self) }

    struct Described: Sendable {
        var table: ExtractTable
        var isUnchanged: Bool
        var note: String
        var documentation: SourceDocumentation
    }

    /// Syncs a remote registration: its schema from `tables.get`, no rows.
    func describeRemote(_ registration: TableRegistration, previous: ExtractTable?) async throws -> Described {
        guard let name = Identifier(registration.id) else {
            throw BigQueryError(.badRequest, "'\(registration.id)' is not a valid table name")
        }
        let client = try client()
        let (dataset, tableName) = try Self.location(of: registration)
        let project = client.configuration.dataProject
        let remote = try await client.table(project: project, dataset: dataset, table: tableName)
        let columns = BigQueryTypes.columns(remote.fields)
        guard !columns.isEmpty else {
            throw BigQueryError(.badRequest, "\(project).\(dataset).\(tableName): BigQuery lists no columns for it")
        }
        let target = BigQueryRemoteTarget(
            project: project, dataset: dataset, table: tableName, columns: columns.map { "\($0.name) \($0.type)" })
        let signature = try RemoteTargets.signature(target)
        let isUnchanged = previous?.sourceSignature == signature
        let table = ExtractTable(
            name: name,
            description: registration.description ?? remote.description
                ?? "Queried in place in BigQuery: \(project).\(dataset).\(tableName)",
            rows: remote.rows, sizeBytes: remote.bytes, extractedAt: isUnchanged ? previous?.extractedAt : Date(),
            queryMode: "remote", sourceSignature: signature, remoteColumns: columns)
        remoteTargets.set(target, for: registration.id)
        let documentation = SourceDocumentation(
            table: TableMetadata(
                tableID: registration.id, fqn: "\(project).\(dataset).\(tableName)", description: remote.description,
                source: "bigquery"),
            columns: remote.fields.map { field in
                ColumnMetadata(
                    tableID: registration.id, columnName: field.name, basetype: field.type.uppercased(),
                    description: field.description.flatMap { $0.isEmpty ? nil : $0 }, confidence: "source",
                    source: "bigquery")
            })
        return Described(
            table: table, isUnchanged: isUnchanged,
            note: "remote: \(columns.count) columns, queried in place in BigQuery", documentation: documentation)
    }

    /// Where the remote table `id` is, as its last sync recorded it.
    func remoteTarget(_ id: String) async throws -> BigQueryRemoteTarget {
        guard let target = try await remoteTargets.target(id) else {
            throw BigQueryError(
                .badRequest, "remote table \(id) has not been synced yet: its columns come with its first sync")
        }
        return target
    }
}

/// Queries over BigQuery tables registered with `query_mode='remote'`: one GoogleSQL SELECT of the
/// columns the query reads with its conditions and LIMIT, first dry-run against `bq_max_scan_bytes`
/// (over it: refused with the estimate and the limit, nothing billed), then run, its pages read as the
/// scan asks for them; a scan that stops early cancels the job.
struct BigQueryRemoteReader: RemoteTableReader {
    let connector: BigQueryConnector

    func rows(_ request: RemoteScanRequest) -> AsyncThrowingStream<[[String?]], any Error> {
        let scan = BigQueryRemoteScan(request: request, connector: connector)
        return AsyncThrowingStream(unfolding: { try await scan.next() })
    }

    /// The bytes a scan would process, by a dry run of its SELECT.
    func estimate(_ request: RemoteScanRequest) async throws -> Int64? {
        let target = try await connector.remoteTarget(request.tableID)
        return try await connector.client().estimate(BigQuerySQL.select(request, from: target.sqlName))
    }
}

/// One scan: its job and how far its result has been read.
private actor BigQueryRemoteScan {
    let request: RemoteScanRequest
    let connector: BigQueryConnector
    private var job: BigQueryQueryResponse.JobReference?
    private var response: BigQueryQueryResponse?
    private var client: BigQueryClient?
    private var isDone = false

    init(request: RemoteScanRequest, connector: BigQueryConnector) {
        self.request = request
        self.connector = connector
    }

    deinit {
        // A scan dropped before its last page: the job is not needed any more.
        if !isDone, let job, let client { Task { await client.cancel(job) } }
    }

    func next() async throws -> [[String?]]? {
        guard !isDone else { return nil }
        let client = try self.client ?? connector.client()
        self.client = client
        var response: BigQueryQueryResponse
        if let current = self.response, let job {
            guard let token = current.pageToken, !token.isEmpty else {
                isDone = true
                return nil
            }
            response = try await client.results(of: job, pageToken: token, maxResults: client.configuration.pageSize)
        } else {
            response = try await start(client)
        }
        let wasComplete = self.response?.isComplete ?? false
        while !response.isComplete, let job {
            try Task.checkCancellation()
            response = try await client.results(of: job, pageToken: nil, maxResults: client.configuration.pageSize)
        }
        if !wasComplete { request.meter?.add(response.bytesProcessed ?? 0) }
        self.response = response
        let fields = response.fields
        let converter = BigQueryTypes.TextRows(fields: fields)
        let rows = (response.rows ?? []).map(converter.text)
        if response.pageToken?.isEmpty ?? true { isDone = true }
        if rows.isEmpty { return isDone ? nil : [] }
        return rows
    }

    private func start(_ client: BigQueryClient) async throws -> BigQueryQueryResponse {
        let target = try await connector.remoteTarget(request.tableID)
        let sql = BigQuerySQL.select(request, from: target.sqlName)
        let limit = client.configuration.maxScanBytes
        if limit > 0 {
            let bytes = try await client.estimate(sql)
            if bytes > limit {
                throw RemoteScanRefusal(
                    status: 400, reason: "remote_scan_too_large",
                    message:
                        "the query would scan \(bytes) bytes of \(target.dataset).\(target.table) in BigQuery, over data_source.bigquery.bq_max_scan_bytes (\(limit))",
                    numbers: ["scan_bytes": bytes, "limit_bytes": limit],
                    texts: [
                        "suggestion":
                            "select fewer columns and filter on the table's partition column, or materialize the part you need"
                    ],
                    lists: ["tables": ["\(target.dataset).\(target.table)"]])
            }
        }
        let response = try await client.query(sql, maxResults: client.configuration.pageSize)
        guard let job = response.jobReference, job.jobId != nil else {
            throw BigQueryError(.upstream, "BigQuery's answer to jobs.query names no job")
        }
        self.job = job
        return response
    }
}
