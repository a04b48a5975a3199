import AgnesCore
import DuckDB
import Foundation

/// How one import changed the store.
public struct CatalogImportCounts: Sendable, Hashable {
    /// Rows written (created or replaced).
    public var written: Int
    /// Rows the catalog has too but another source wrote (an admin, by hand): left as they are.
    public var keptManual: Int
    /// Rows of this source the catalog no longer has: removed.
    public var removed: Int

    /// Creates counts.
    public init(written: Int = 0, keptManual: Int = 0, removed: Int = 0) {
        self.written = written
        self.keptManual = keptManual
        self.removed = removed
    }
}

/// Writes what a catalog export brings into column metadata, table metadata and metric definitions,
/// owning only the rows its own `source` wrote: it creates those, replaces them and removes the stale
/// ones, and never touches a row another source wrote (``MetadataSource/manual`` above all). Each call
/// is one transaction of the store's single writer, so an admin's edit cannot slip in between the
/// check and the write.
public struct CatalogImportRepository: Sendable {
    let store: SystemStore
    /// The `source` of the rows this import owns.
    public let source: String

    /// Creates the repository for the rows of `source`.
    public init(store: SystemStore, source: String = MetadataSource.openMetadata) {
        self.store = store
        self.source = source
    }

    /// Makes the table's rows of this source say what `table` and `columns` say: columns written unless
    /// another source wrote them, columns of this source that are no longer documented removed, and the
    /// table-level row written unless another source wrote it.
    public func importTable(_ table: TableMetadata, columns: [ColumnMetadata]) async throws -> CatalogImportCounts {
        let source = self.source
        var owned = table
        owned.source = source
        let table = owned
        let columns = columns.map { column -> ColumnMetadata in
            var column = column
            column.tableID = table.tableID
            column.source = source
            return column
        }
        return try await store.write { connection in
            var counts = CatalogImportCounts()
            let existing = try Self.sources(
                connection, "SELECT column_name AS key, source FROM column_metadata WHERE table_id = ?",
                [.varchar(table.tableID)])
            var documented: Set<String> = []
            for column in columns where documented.insert(column.columnName).inserted {
                if let owner = existing[column.columnName], owner != source {
                    counts.keptManual += 1
                } else {
                    try DuckDBColumnMetadataRepository.upsert(column, on: connection)
                    counts.written += 1
                }
            }
            for (name, owner) in existing where owner == source && !documented.contains(name) {
                counts.removed += try connection.run(
                    "DELETE FROM column_metadata WHERE table_id = ? AND column_name = ? AND source = ?",
                    [.varchar(table.tableID), .varchar(name), .varchar(source)])
            }
            let tableOwner = try Self.sources(
                connection, "SELECT table_id AS key, source FROM table_metadata WHERE table_id = ?",
                [.varchar(table.tableID)]
            )[table.tableID]
            if let tableOwner, tableOwner != source {
                counts.keptManual += 1
            } else {
                try DuckDBTableMetadataRepository.upsert(table, on: connection)
            }
            return counts
        }
    }

    /// Removes every row of this source about one table (the catalog no longer has it). Returns how
    /// many column rows went (the table-level row is not counted).
    @discardableResult
    public func removeTable(_ tableID: String) async throws -> Int {
        let source = self.source
        return try await store.write { connection in
            try connection.run(
                "DELETE FROM table_metadata WHERE table_id = ? AND source = ?", [.varchar(tableID), .varchar(source)])
            return try connection.run(
                "DELETE FROM column_metadata WHERE table_id = ? AND source = ?", [.varchar(tableID), .varchar(source)])
        }
    }

    /// Removes the rows of this source about tables that are no longer registered. Returns how many
    /// column rows went.
    @discardableResult
    public func removeTables(notIn registered: Set<String>) async throws -> Int {
        let source = self.source
        let ids = DuckDBValue.stringList(registered.sorted())
        return try await store.write { connection in
            try connection.run(
                "DELETE FROM table_metadata WHERE source = ? AND NOT list_contains(?::VARCHAR[], table_id)",
                [.varchar(source), ids])
            return try connection.run(
                "DELETE FROM column_metadata WHERE source = ? AND NOT list_contains(?::VARCHAR[], table_id)",
                [.varchar(source), ids])
        }
    }

    /// Writes `metrics` unless another source wrote a metric of the same id; with `removingStale`,
    /// removes the metrics of this source that are neither among them nor in `keeping` (metrics the
    /// catalog still lists but that could not be read this time).
    public func importMetrics(_ metrics: [MetricDefinition], keeping: Set<String> = [], removingStale: Bool)
        async throws -> CatalogImportCounts
    {
        let source = self.source
        let rows = try metrics.map { metric -> (id: String, values: [DuckDBValue]) in
            var metric = metric
            metric.source = source
            metric.createdAt = nil
            return (metric.id, try DuckDBMetricDefinitionRepository.values(metric))
        }
        return try await store.write { connection in
            var counts = CatalogImportCounts()
            let existing = try Self.sources(connection, "SELECT id AS key, source FROM metric_definitions", [])
            var exported: Set<String> = []
            for row in rows where exported.insert(row.id).inserted {
                if let owner = existing[row.id], owner != source {
                    counts.keptManual += 1
                } else {
                    try DuckDBMetricDefinitionRepository.upsert(row.values, on: connection)
                    counts.written += 1
                }
            }
            guard removingStale else { return counts }
            for (id, owner) in existing where owner == source && !exported.contains(id) && !keeping.contains(id) {
                counts.removed += try connection.run(
                    "DELETE FROM metric_definitions WHERE id = ? AND source = ?", [.varchar(id), .varchar(source)])
            }
            return counts
        }
    }

    /// `key → source` of a query selecting those two columns (a NULL source counts as manual).
    private static func sources(_ connection: Connection, _ sql: String, _ parameters: [DuckDBValue]) throws
        -> [String: String]
    {
        try connection.query(sql, parameters).records.reduce(into: [:]) { result, record in
            if let key = record.string("key") { result[key] = record.string("source") ?? MetadataSource.manual }
        }
    }
}
