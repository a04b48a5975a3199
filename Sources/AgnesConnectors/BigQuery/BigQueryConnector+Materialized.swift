import AgnesCore
import AgnesData
import DuckDB
import Foundation
import Logging

/// What one materialized registration came to (see ``BigQueryConnector/materialize(_:)``).
struct BigQueryMaterialized: Sendable {
    var outcome: SyncTableOutcome
    var table: ExtractTable?
    var lock: MaterializationLocks.Held?
}

extension BigQueryConnector {
    /// Materializes the due `query_mode='materialized'` rows one after another (REFERENCE §5.2): a dry
    /// run checks `max_bytes_per_materialize` (over it: the table fails with the estimate and the limit;
    /// a dry run that fails is the table's failure too, not a pass), then the job's pages are staged as
    /// newline-delimited JSON (never the result in memory) and converted to typed parquet, published
    /// atomically as `extracts/bigquery/data/<id>.parquet`. A table in flight (this process or another
    /// on the same data directory) is skipped with reason `in_flight`.
    func materialize(_ request: ConnectorSyncRequest) async -> [BigQueryMaterialized] {
        let due = request.due.filter { $0.queryMode == .materialized }.sorted { $0.id < $1.id }
        guard !due.isEmpty else { return [] }
        let client: BigQueryClient
        do {
            client = try self.client()
        } catch {
            return due.map {
                BigQueryMaterialized(
                    outcome: .init(tableID: $0.id, source: sourceType, kind: .failed, reason: "\(error)"))
            }
        }
        var results: [BigQueryMaterialized] = []
        for registration in due {
            guard let lock = materializations.acquire(registration.id, ttl: client.configuration.materializeLockTTL)
            else {
                results.append(
                    BigQueryMaterialized(
                        outcome: .init(
                            tableID: registration.id, source: sourceType, kind: .skipped, reason: "in_flight")))
                continue
            }
            let started = ContinuousClock.now
            do {
                let (table, bytes) = try await materialize(registration, client: client)
                results.append(
                    BigQueryMaterialized(
                        outcome: .init(
                            tableID: registration.id, source: sourceType, kind: .synced,
                            reason: "materialized: \(table.rows ?? 0) rows, \(bytes) bytes scanned in BigQuery",
                            rows: table.rows.map(Int.init), durationMS: (ContinuousClock.now - started).milliseconds),
                        table: table, lock: lock))
            } catch {
                logger.warning(
                    "bigquery materialization failed", metadata: ["table": "\(registration.id)", "error": "\(error)"])
                results.append(
                    BigQueryMaterialized(
                        outcome: .init(tableID: registration.id, source: sourceType, kind: .failed, reason: "\(error)"),
                        lock: lock))
            }
        }
        return results
    }

    /// The SQL a materialized registration runs: its `source_query`, else `SELECT *` of its table.
    static func materializedSQL(_ registration: TableRegistration, project: String) throws -> String {
        if let sql = registration.sourceQuery?.trimmingCharacters(in: .whitespacesAndNewlines), !sql.isEmpty {
            return sql
        }
        let (dataset, table) = try location(of: registration)
        return "SELECT * FROM \(BigQuerySQL.table(project: project, dataset: dataset, table: table))"
    }

    private func materialize(_ registration: TableRegistration, client: BigQueryClient) async throws
        -> (ExtractTable, Int64)
    {
        guard let name = Identifier(registration.id) else {
            throw BigQueryError(.badRequest, "'\(registration.id)' is not a valid table name")
        }
        let configuration = client.configuration
        let sql = try Self.materializedSQL(registration, project: configuration.dataProject)
        let bytes = try await client.estimate(sql)
        let limit = configuration.maxBytesPerMaterialize
        if limit > 0, bytes > limit {
            throw BigQueryError(
                .badRequest,
                "\(registration.id): the query would scan \(bytes) bytes, over data_source.bigquery.max_bytes_per_materialize (\(limit)); nothing was run",
                hint: "filter on the partition column or select fewer columns, or raise the limit")
        }
        let work = layout.root.appendingPathComponent("tmp/bigquery/\(UUID().uuidString.lowercased())")
        defer { try? FileManager.default.removeItem(at: work) }
        let staged = try await Self.stage(
            sql, client: client, in: work, maxRows: nil, timeout: configuration.materializeTimeout, asJob: true)
        let target = layout.dataFile(source: Self.source, table: name)
        let publisher = self.publisher
        let published = try await offloaded("agnes.bigquery.materialize") {
            try publisher.publish(to: target) { temporary in try staged.convert(to: temporary) }
        }
        let rows = staged.rows
        let table = ExtractTable(
            name: name, description: registration.description ?? "Materialized from BigQuery by SQL", rows: rows,
            sizeBytes: published.sizeBytes, extractedAt: Date(), queryMode: "local", file: published)
        return (table, bytes)
    }
}

/// A BigQuery result staged as newline-delimited JSON (``BigQueryConnector/stage(_:client:in:maxRows:timeout:)``).
public struct BigQueryStagedResult: Sendable {
    /// The staged rows.
    public let file: URL
    /// The result's fields.
    public let fields: [BigQueryField]
    /// How many rows.
    public let rows: Int64
    /// The bytes BigQuery processed.
    public let bytesProcessed: Int64
    let spill: URL

    /// Writes the rows as a typed parquet file at `target`. Blocking.
    public func convert(to target: URL) throws {
        let connection = try Database(options: [
            "threads": "2", "memory_limit": "256MB", "temp_directory": spill.path,
            "autoload_known_extensions": "false", "autoinstall_known_extensions": "false",
        ]).connect()
        let select = BigQueryTypes.stagedSelect(file: file.path, fields: fields, isEmpty: rows == 0)
        try connection.execute("COPY (\(select)) TO \(SQLText.literal(target.path)) (FORMAT parquet, COMPRESSION zstd)")
    }
}

extension BigQueryConnector {
    /// Runs `sql` and stages its result under `directory` page by page (never in memory), at most
    /// `maxRows` rows (more: an error naming the limit).
    /// `asJob` starts it with `jobs.insert` (long jobs: materializations) rather than `jobs.query`.
    public static func stage(
        _ sql: String, client: BigQueryClient, in directory: URL, maxRows: Int64?, timeout: Duration,
        asJob: Bool = false
    ) async throws -> BigQueryStagedResult {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let staged = directory.appendingPathComponent("result.ndjson")
        let writer = try StagingFile(path: staged.path)
        var fields: [BigQueryField] = []
        var count: Int64 = 0
        let (rows, bytes) = try await client.run(sql, timeout: timeout, asJob: asJob) { pageFields, batch in
            if fields.isEmpty { fields = pageFields }
            count += Int64(batch.count)
            if let maxRows, count > maxRows {
                throw BigQueryError(
                    .badRequest, "the result has more than \(maxRows) rows",
                    hint: "aggregate or filter it in BigQuery, or raise remote_query.max_bq_registration_rows")
            }
            let staging = BigQueryTypes.StagedRows(fields: pageFields)
            var text = ""
            for row in batch {
                text += staging.json(row)
                text += "\n"
            }
            try await writer.append(text)
        }
        try writer.close()
        if fields.isEmpty {
            // No rows came: a dry run gives the schema.
            fields = try await client.query(sql, dryRun: true).fields
        }
        guard !fields.isEmpty else { throw BigQueryError(.upstream, "BigQuery's result has no columns") }
        return BigQueryStagedResult(
            file: staged, fields: fields, rows: rows, bytesProcessed: bytes,
            spill: directory.appendingPathComponent("duckdb"))
    }
}

/// An append-only file written from async code (each append on a blocking queue).
final class StagingFile: Sendable {
    private let descriptor: Int32
    let path: String

    init(path: String) throws {
        descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        self.path = path
        guard descriptor >= 0 else {
            throw BigQueryError(.upstream, "cannot write the staged result \(path): errno \(errno)")
        }
    }

    func append(_ text: String) async throws {
        let bytes = Array(text.utf8)
        let (descriptor, path) = (self.descriptor, self.path)
        try await offloaded("agnes.bigquery.stage") {
            var offset = 0
            while offset < bytes.count {
                let written = bytes[offset...].withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
                guard written > 0 else {
                    throw BigQueryError(.upstream, "cannot write the staged result \(path): errno \(errno)")
                }
                offset += written
            }
        }
    }

    func close() throws {
        _ = Glibc.close(descriptor)
    }
}
