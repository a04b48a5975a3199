import AgnesCore
import AgnesData
import DuckDB
import Foundation

extension KeboolaConnector {
    /// What one table's sync produced.
    struct TableResult: Sendable {
        var table: ExtractTable
        var isUnchanged = false
        /// What happened, for the run's outcome (`merged 12 changed rows`).
        var note: String?
        /// Keboola's descriptions and types of the table and its columns, for the catalog.
        var documentation: SourceDocumentation?
    }

    /// Syncs one table by its strategy, with Keboola's documentation of it.
    func syncTable(
        _ registration: TableRegistration, name: Identifier, remote listed: KeboolaTable, client: KeboolaStorageClient,
        previous: ExtractTable?
    ) async throws -> TableResult {
        let remote = try await client.table(id: listed.id)
        var result = try await syncTableData(
            registration, name: name, remote: remote, client: client, previous: previous)
        result.documentation = Self.documentation(of: remote, tableID: registration.id)
        return result
    }

    /// What Keboola says about a table: `KBC.description` of the table and of each column (the same
    /// provider precedence as the types), and each column's base type.
    static func documentation(of remote: KeboolaTable, tableID: String) -> SourceDocumentation {
        let columns = remote.columns.map { column in
            let described = KeboolaColumnType.preferred(
                (remote.columnMetadata[column] ?? []).filter { $0.key == "KBC.description" })
            let type = KeboolaColumnType.of(column: column, in: remote)
            let basetype: String
            switch type {
            case .decimal: basetype = "NUMERIC"
            case .timestampWithZone: basetype = "TIMESTAMP"
            default: basetype = type.description
            }
            return ColumnMetadata(
                tableID: tableID, columnName: column, basetype: basetype,
                description: described.map(\.value).flatMap { $0.isEmpty ? nil : $0 }, confidence: "source",
                source: MetadataSource.keboola)
        }
        return SourceDocumentation(
            table: TableMetadata(
                tableID: tableID, fqn: remote.id, description: remote.tableMetadata("KBC.description"),
                source: MetadataSource.keboola),
            columns: columns)
    }

    /// Syncs one table's data by its strategy.
    private func syncTableData(
        _ registration: TableRegistration, name: Identifier, remote: KeboolaTable, client: KeboolaStorageClient,
        previous: ExtractTable?
    ) async throws -> TableResult {
        let columns = remote.columns.map {
            KeboolaTableConverter.Column(name: $0, type: KeboolaColumnType.of(column: $0, in: remote))
        }
        guard !columns.isEmpty else {
            throw KeboolaError(.invalidResponse, "\(remote.id): Keboola lists no columns for it")
        }
        let strategy = registration.syncStrategy
        var state = KeboolaTableState(
            tableID: remote.id, strategy: strategy.rawValue, lastChangeDate: remote.lastChangeDate, exportedAt: nil,
            columns: columns.map { "\($0.name) \($0.type.sqlType)" }, primaryKey: [])
        if strategy != .fullRefresh {
            let key = registration.primaryKey.isEmpty ? remote.primaryKey : registration.primaryKey
            guard !key.isEmpty else {
                throw KeboolaError(
                    .invalidRegistration,
                    "\(registration.id): \(strategy.rawValue) sync merges on the primary key, and neither the registry nor Keboola gives \(remote.id) one; set primary_key or use full_refresh"
                )
            }
            let missing = key.filter { !remote.columns.contains($0) }
            guard missing.isEmpty else {
                throw KeboolaError(
                    .invalidRegistration,
                    "\(registration.id): primary key column \(missing.joined(separator: ", ")) is not a column of \(remote.id)"
                )
            }
            state.primaryKey = key
        }
        var partitionColumn: KeboolaTableConverter.Column?
        if strategy == .partitioned {
            guard let named = registration.partitionBy, let column = columns.first(where: { $0.name == named }) else {
                throw KeboolaError(
                    .invalidRegistration,
                    registration.partitionBy.map {
                        "\(registration.id): partition_by \($0) is not a column of \(remote.id)"
                    }
                        ?? "\(registration.id): a partitioned table needs partition_by, the column whose values split it"
                )
            }
            partitionColumn = column
            state.partitionBy = column.name
        }
        let old = previous.flatMap { KeboolaTableState.decode($0.sourceSignature) }
        let isCompatible =
            old.map {
                $0.tableID == state.tableID && $0.strategy == state.strategy && $0.columns == state.columns
                    && $0.primaryKey == state.primaryKey && $0.partitionBy == state.partitionBy
            } ?? false
        if let previous, let old, isCompatible, old.lastChangeDate != nil, old.lastChangeDate == remote.lastChangeDate {
            return TableResult(table: previous, isUnchanged: true, note: "unchanged in Keboola since the last export")
        }
        let work = layout.root.appendingPathComponent("tmp/keboola/\(UUID().uuidString.lowercased())")
        defer { try? FileManager.default.removeItem(at: work) }
        let target = layout.dataFile(source: Self.source, table: name)
        let description = remote.tableMetadata("KBC.description") ?? "Keboola table \(remote.id)"
        if let partitionColumn {
            return try await syncPartitioned(
                PartitionedSync(
                    remote: remote, columns: columns, partitionColumn: partitionColumn, state: state,
                    old: isCompatible ? old : nil, name: name, description: description, work: work, target: target),
                client: client)
        }
        if strategy == .incremental, let previous, previous.file != nil, let old, isCompatible,
            let since = KeboolaTableState.date(old.exportedAt)
        {
            return try await mergeIncrement(
                remote: remote, columns: columns, state: state, since: since, previous: previous, name: name,
                description: description, client: client, work: work, target: target)
        }
        // A full export: the first sync, full_refresh, or a changed schema or key.
        let (job, slices) = try await export(
            remote.id, KeboolaExportRequest(columns: remote.columns), client: client, into: work)
        state.exportedAt = job.createdTime ?? job.startTime
        let converter = work.appendingPathComponent("duckdb")
        let tableID = remote.id
        let publisher = self.publisher
        let (published, rows) = try await offloaded("agnes.keboola.convert") {
            let converter = try KeboolaTableConverter.open(temporaryDirectory: converter, tableID: tableID)
            var rows: Int64 = 0
            let published = try publisher.publish(to: target) { temporary in
                rows = try converter.convert(slices: slices, columns: columns, to: temporary)
            }
            return (published, rows)
        }
        let table = ExtractTable(
            name: name, description: description, rows: rows, sizeBytes: published.sizeBytes, extractedAt: Date(),
            queryMode: "local", file: published, sourceSignature: state.encoded)
        let why =
            previous == nil
            ? "first export" : (isCompatible ? "full export" : "full export (new columns, types, key or strategy)")
        return TableResult(table: table, note: "\(why): \(rows) rows")
    }

    /// An incremental sync: exports the rows changed since the last export (less an overlap) and keeps
    /// them as the table's delta, merged on the primary key into the delta it had (``TableDelta``): the
    /// run reads and writes what changed, not the table. Once the delta holds more than
    /// ``KeboolaConfiguration/compactionShare`` of the base's rows, it is folded into a new base
    /// (compaction). When the row count then differs from Keboola's, rows left Keboola (deletions are
    /// not in a change export): a key-only export shows which keys are left, and a new base keeps only
    /// those.
    private func mergeIncrement(
        remote: KeboolaTable, columns: [KeboolaTableConverter.Column], state: KeboolaTableState, since: Date,
        previous: ExtractTable, name: Identifier, description: String, client: KeboolaStorageClient, work: URL,
        target: URL
    ) async throws -> TableResult {
        var state = state
        let overlap = client.configuration.incrementalOverlap
        let changedSince = since.addingTimeInterval(-Double(overlap.components.seconds))
        let (job, slices) = try await export(
            remote.id, KeboolaExportRequest(columns: remote.columns, changedSince: changedSince), client: client,
            into: work.appendingPathComponent("delta"))
        state.exportedAt = job.createdTime ?? job.startTime
        let keyColumns = columns.filter { state.primaryKey.contains($0.name) }
        let (tableID, primaryKey, publisher) = (remote.id, state.primaryKey, self.publisher)
        let scratch = work.appendingPathComponent("duckdb")
        let exported = work.appendingPathComponent("exported.parquet")
        let combined = work.appendingPathComponent("combined.parquet")
        guard let baseFile = previous.file else { throw KeboolaError(.invalidResponse, "\(tableID): no previous file") }
        let base = URL(fileURLWithPath: baseFile.readPath)
        let (previousDelta, previousRows) = (previous.delta?.file, previous.rows)
        let oldDelta = previousDelta.map { URL(fileURLWithPath: $0.readPath) }
        let deltaTarget = layout.deltaFile(source: Self.source, table: name)
        let share = client.configuration.compactionShare
        let merged = try await offloaded("agnes.keboola.merge") { () -> LayeredResult in
            let converter = try KeboolaTableConverter.open(temporaryDirectory: scratch, tableID: tableID).forMerges()
            let changed = try converter.convert(slices: slices, columns: columns, to: exported)
            if changed == 0 {
                // Nothing to merge: the table stays as it was (a delta written again would be the same
                // rows in another order, a new version for nothing).
                let rows =
                    try previousRows
                    ?? (oldDelta.map { try converter.rowCount(of: base, delta: $0, primaryKey: primaryKey) }
                        ?? converter.rowCount(of: base))
                return LayeredResult(base: baseFile, delta: previousDelta, rows: rows, note: "no changed rows")
            }
            // The delta holds at least the exported rows (a merge keeps every one of them).
            var (delta, deltaRows) = (exported, changed)
            if let oldDelta {
                deltaRows = try converter.merge(
                    previous: oldDelta, delta: exported, primaryKey: primaryKey, to: combined)
                delta = combined
            }
            let baseRows = try converter.rowCount(of: base)
            if Double(deltaRows) > share * Double(max(baseRows, 1)) {
                var rows: Int64 = 0
                let published = try publisher.publish(to: target) { temporary in
                    rows = try converter.merge(previous: base, delta: delta, primaryKey: primaryKey, to: temporary)
                }
                return LayeredResult(
                    base: published, delta: nil, rows: rows,
                    note: "merged \(changed) changed rows and compacted the delta into the table")
            }
            let published = try publisher.publish(copying: delta, to: deltaTarget)
            let rows = try converter.rowCount(
                of: base, delta: URL(fileURLWithPath: published.readPath), primaryKey: primaryKey)
            return LayeredResult(
                base: baseFile, delta: published, rows: rows,
                note: "merged \(changed) changed rows; kept as a delta of \(published.sizeBytes) bytes beside the table"
            )
        }
        var result = merged
        if let expected = remote.rowsCount, expected != merged.rows {
            // Rows left Keboola: keep only the keys it still has, in a new base.
            let (_, keySlices) = try await export(
                remote.id, KeboolaExportRequest(columns: keyColumns.map(\.name)), client: client,
                into: work.appendingPathComponent("keys"))
            let current = URL(fileURLWithPath: merged.base.readPath)
            let currentDelta = merged.delta.map { URL(fileURLWithPath: $0.readPath) }
            let retained = try await offloaded("agnes.keboola.retain") { () -> (PublishedFile, Int64) in
                let converter = try KeboolaTableConverter.open(temporaryDirectory: scratch, tableID: tableID)
                var rows: Int64 = 0
                let published = try publisher.publish(to: target) { temporary in
                    rows = try converter.retainKeys(
                        of: keySlices, keyColumns: keyColumns, file: current, delta: currentDelta, to: temporary)
                }
                return (published, rows)
            }
            result = LayeredResult(
                base: retained.0, delta: nil, rows: retained.1,
                note: merged.note + "; removed \(merged.rows - retained.1) rows deleted in Keboola")
        }
        let table = ExtractTable(
            name: name, description: description, rows: result.rows,
            sizeBytes: result.base.sizeBytes + (result.delta?.sizeBytes ?? 0), extractedAt: Date(),
            queryMode: "local", file: result.base, sourceSignature: state.encoded,
            delta: result.delta.map { TableDelta(file: $0, key: primaryKey) })
        return TableResult(table: table, note: result.note)
    }

    /// What an incremental run left: the base, the delta (none after a compaction), the rows, and what
    /// happened in words.
    struct LayeredResult: Sendable {
        var base: PublishedFile
        var delta: PublishedFile?
        var rows: Int64
        var note: String
    }

    /// Runs an export job to its end and downloads its slices into `directory`.
    func export(_ tableID: String, _ request: KeboolaExportRequest, client: KeboolaStorageClient, into directory: URL)
        async throws -> (KeboolaJob, [URL])
    {
        let started = try await client.startExport(tableID: tableID, request)
        let job = try await client.waitForJob(started)
        guard let fileID = job.fileID else {
            throw KeboolaError(.invalidResponse, "Keboola's export job \(job.id) succeeded without a file")
        }
        let file = try await client.file(id: fileID)
        let downloader = KeboolaFileDownloader(configuration: client.configuration, http: http, logger: logger)
        let slices = try await downloader.download(file, into: directory)
        return (job, slices.map(\.file))
    }
}
