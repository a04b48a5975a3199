import AgnesCore
import DuckDB
import Foundation

/// ``TableMetadataRepository`` on the DuckDB system store.
public struct DuckDBTableMetadataRepository: TableMetadataRepository {
    let store: SystemStore

    /// Creates the repository.
    public init(store: SystemStore) { self.store = store }

    public func find(tableID: String) async throws -> TableMetadata? {
        try await store.read { try Self.fetch($0, where: "table_id = ?", [.varchar(tableID)]).first }
    }

    public func list() async throws -> [TableMetadata] {
        try await store.read { try Self.fetch($0, where: "true", []) }
    }

    /// Creates or replaces a table's metadata inside the caller's transaction.
    static func upsert(_ table: TableMetadata, on connection: Connection) throws {
        try connection.run(
            """
            INSERT INTO table_metadata (table_id, fqn, description, tags, owners, tier, source, updated_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, current_timestamp)
            ON CONFLICT (table_id) DO UPDATE SET
                fqn = excluded.fqn, description = excluded.description, tags = excluded.tags,
                owners = excluded.owners, tier = excluded.tier, source = excluded.source,
                updated_at = excluded.updated_at
            """,
            [
                .varchar(table.tableID), .optional(table.fqn), .optional(table.description), .stringList(table.tags),
                .stringList(table.owners), .optional(table.tier), .varchar(table.source),
            ])
    }

    static func fetch(_ connection: Connection, where predicate: String, _ parameters: [DuckDBValue]) throws
        -> [TableMetadata]
    {
        try connection.query(
            """
            SELECT table_id, fqn, description, tags, owners, tier, source, updated_at
            FROM table_metadata WHERE \(predicate) ORDER BY table_id
            """, parameters
        ).records.map { record in
            TableMetadata(
                tableID: try record.requiredString("table_id"), fqn: record.string("fqn"),
                description: record.string("description"), tags: record.stringList("tags") ?? [],
                owners: record.stringList("owners") ?? [], tier: record.string("tier"),
                source: record.string("source") ?? MetadataSource.manual, updatedAt: record.date("updated_at"))
        }
    }
}
