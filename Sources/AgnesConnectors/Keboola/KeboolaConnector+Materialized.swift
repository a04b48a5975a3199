import AgnesCore
import AgnesData
import DuckDB
import Foundation
import Logging

extension KeboolaConnector {
    /// What one materialized registration came to: its outcome, its new table (nil = the previous one
    /// keeps serving), and its lock, held until the extract lists the result (so that a later
    /// materialization of the same table cannot be listed before this one and then be replaced by it).
    struct Materialized: Sendable {
        var outcome: SyncTableOutcome
        var table: ExtractTable?
        var lock: MaterializationLocks.Held?
    }

    /// Materializes the due `query_mode='materialized'` rows one after another (REFERENCE §4.1 step 4):
    /// each runs its `source_query` in Keboola's Query Service and publishes the result as
    /// `extracts/keboola/data/<name>.parquet`. A table whose materialization is in flight (in this
    /// process or another) is skipped with reason `in_flight`; a failure is the table's failed outcome.
    /// Runs outside the connector's lane, so a long query holds neither local syncs nor other runs.
    /// The caller releases the returned locks once the extract is written.
    func materialize(_ request: ConnectorSyncRequest) async -> [Materialized] {
        let due = request.due.filter { $0.queryMode == .materialized }.sorted { $0.id < $1.id }
        guard !due.isEmpty else { return [] }
        let client: KeboolaStorageClient
        do {
            client = try self.client()
        } catch {
            return due.map {
                Materialized(outcome: .init(tableID: $0.id, source: sourceType, kind: .failed, reason: "\(error)"))
            }
        }
        var results: [Materialized] = []
        for registration in due {
            guard let lock = materializations.acquire(registration.id, ttl: client.configuration.materializeLockTTL)
            else {
                results.append(
                    Materialized(
                        outcome: .init(
                            tableID: registration.id, source: sourceType, kind: .skipped, reason: "in_flight")))
                continue
            }
            let started = ContinuousClock.now
            do {
                let table = try await materialize(registration, client: client)
                let milliseconds = (ContinuousClock.now - started).milliseconds
                results.append(
                    Materialized(
                        outcome: .init(
                            tableID: registration.id, source: sourceType, kind: .synced,
                            reason: "materialized: \(table.rows ?? 0) rows", rows: table.rows.map(Int.init),
                            durationMS: milliseconds),
                        table: table, lock: lock))
            } catch {
                logger.warning(
                    "keboola materialization failed", metadata: ["table": "\(registration.id)", "error": "\(error)"])
                results.append(
                    Materialized(
                        outcome: .init(tableID: registration.id, source: sourceType, kind: .failed, reason: "\(error)"),
                        lock: lock)
                )
            }
        }
        return results
    }

    /// Runs one registration's SQL and publishes its result.
    private func materialize(_ registration: TableRegistration, client: KeboolaStorageClient) async throws
        -> ExtractTable
    {
        guard let name = Identifier(registration.id) else {
            throw KeboolaError(.invalidRegistration, "'\(registration.id)' is not a valid table name")
        }
        guard let sql = registration.sourceQuery?.trimmingCharacters(in: .whitespacesAndNewlines), !sql.isEmpty else {
            throw KeboolaError(
                .invalidRegistration, "\(registration.id): a materialized table needs its SQL (source_query)")
        }
        let service = KeboolaQueryService(client: client, baseURL: try await client.queryServiceURL())
        let jobID = try await submitInWorkspace(sql, client: client, service: service)
        let job = try await service.wait(for: jobID)
        guard job.status == "completed", let statement = job.statements.last, statement.status == "completed" else {
            let reason =
                job.statements.first { $0.error != nil }?.error ?? job.cancellationReason ?? "status \(job.status)"
            throw KeboolaError(.jobFailed, "\(registration.id): Keboola's query failed: \(reason)")
        }
        let work = layout.root.appendingPathComponent("tmp/keboola/\(UUID().uuidString.lowercased())")
        defer { try? FileManager.default.removeItem(at: work) }
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        let staged = work.appendingPathComponent("result.csv")
        let columns = try await KeboolaResultStager.stage(
            jobID: jobID, statement: statement, service: service, pageSize: client.configuration.queryPageSize,
            into: staged)
        let target = layout.dataFile(source: Self.source, table: name)
        let publisher = self.publisher
        let scratch = work.appendingPathComponent("duckdb")
        let slices = columns.rows > 0 ? [staged] : []
        let (published, rows) = try await offloaded("agnes.keboola.materialize") {
            let converter = try KeboolaTableConverter.open(temporaryDirectory: scratch, tableID: "materialized \(name)")
            var rows: Int64 = 0
            let published = try publisher.publish(to: target) { temporary in
                rows = try converter.convert(slices: slices, columns: columns.columns, to: temporary)
            }
            return (published, rows)
        }
        unlink(layout.deltaFile(source: Self.source, table: name).path)  // a delta of an incremental past
        return ExtractTable(
            name: name, description: registration.description ?? "Materialized from Keboola by SQL",
            rows: rows, sizeBytes: published.sizeBytes, extractedAt: Date(), queryMode: "local", file: published)
    }
}
