import AgnesCore
import DuckDB
import Foundation

/// ``ColumnMetadataRepository`` on the DuckDB system store.
public struct DuckDBColumnMetadataRepository: ColumnMetadataRepository {
    let store: SystemStore

    /// Creates the repository.
    public init(store: SystemStore) { self.store = store }

    @discardableResult
    public func upsert(_ columns: [ColumnMetadata]) async throws -> Int {
        guard !columns.isEmpty else { return 0 }
        return try await store.write { connection in
            for column in columns { try Self.upsert(column, on: connection) }
            return columns.count
        }
    }

    public func list(tableID: String) async throws -> [ColumnMetadata] {
        try await store.read { connection in
            try Self.fetch(connection, where: "table_id = ?", [.varchar(tableID)])
        }
    }

    /// Creates or replaces one column's metadata inside the caller's transaction.
    static func upsert(_ column: ColumnMetadata, on connection: Connection) throws {
        try connection.run(
            """
            INSERT INTO column_metadata
                (table_id, column_name, basetype, description, tags, confidence, source, updated_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, current_timestamp)
            ON CONFLICT (table_id, column_name) DO UPDATE SET
                basetype = excluded.basetype, description = excluded.description, tags = excluded.tags,
                confidence = excluded.confidence, source = excluded.source, updated_at = excluded.updated_at
            """,
            [
                .varchar(column.tableID), .varchar(column.columnName), .optional(column.basetype),
                .optional(column.description), .stringList(column.tags.isEmpty ? nil : column.tags),
                .varchar(column.confidence), .varchar(column.source),
            ])
    }

    static func fetch(_ connection: Connection, where predicate: String, _ parameters: [DuckDBValue]) throws
        -> [ColumnMetadata]
    {
        try connection.query(
            """
            SELECT table_id, column_name, basetype, description, tags, confidence, source, updated_at
            FROM column_metadata WHERE \(predicate) ORDER BY table_id, column_name
            """, parameters
        ).records.map { record in
            ColumnMetadata(
                tableID: try record.requiredString("table_id"),
                columnName: try record.requiredString("column_name"),
                basetype: record.string("basetype"), description: record.string("description"),
                tags: record.stringList("tags") ?? [], confidence: record.string("confidence") ?? "manual",
                source: record.string("source") ?? MetadataSource.manual, updatedAt: record.date("updated_at"))
        }
    }

    @discardableResult
    public func delete(tableID: String, columnName: String) async throws -> Bool {
        try await store.write {
            try $0.run(
                "DELETE FROM column_metadata WHERE table_id = ? AND column_name = ?",
                [.varchar(tableID), .varchar(columnName)])
                > 0
        }
    }

    @discardableResult
    public func deleteAll(tableID: String) async throws -> Int {
        try await store.write { try $0.run("DELETE FROM column_metadata WHERE table_id = ?", [.varchar(tableID)]) }
    }
}
