import AgnesCore
import DuckDB
import Foundation

/// ``TableRegistryRepository`` on the DuckDB system store.
public struct DuckDBTableRegistryRepository: TableRegistryRepository {
    let store: SystemStore

    /// Creates the repository.
    public init(store: SystemStore) { self.store = store }

    private static let columns = """
        id, name, source_type, bucket, source_table, source_query, sync_strategy, query_mode, sync_schedule,
        profile_after_sync, primary_key, folder, description, registered_by, registered_at, partition_by
        """

    /// Tables whose rows belong to one registered table, children of the registry row.
    private static let childTables = [
        "sync_history", "sync_state", "table_sync_checks", "table_profiles", "column_metadata",
    ]

    public func register(_ table: TableRegistration) async throws -> TableRegistration {
        let values = try Self.values(of: table)
        return try await store.write { connection in
            try connection.run(
                """
                INSERT INTO table_registry (\(Self.columns))
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, coalesce(?, current_timestamp), ?)
                ON CONFLICT (id) DO UPDATE SET
                    name = excluded.name, source_type = excluded.source_type, bucket = excluded.bucket,
                    source_table = excluded.source_table, source_query = excluded.source_query,
                    sync_strategy = excluded.sync_strategy, query_mode = excluded.query_mode,
                    sync_schedule = excluded.sync_schedule, profile_after_sync = excluded.profile_after_sync,
                    primary_key = excluded.primary_key, folder = excluded.folder, description = excluded.description,
                    registered_by = excluded.registered_by, registered_at = excluded.registered_at,
                    partition_by = excluded.partition_by
                """, values)
            return try Self.fetch(connection, where: "id = ?", [.varchar(table.id)])[0]
        }
    }

    public func find(id: String) async throws -> TableRegistration? {
        try await store.read { try Self.fetch($0, where: "id = ?", [.varchar(id)]).first }
    }

    public func list(sourceType: String?) async throws -> [TableRegistration] {
        try await store.read { connection in
            try Self.fetch(
                connection, where: "? IS NULL OR source_type = ?", [.optional(sourceType), .optional(sourceType)])
        }
    }

    public func update(id: String, _ changes: TableRegistrationChanges) async throws -> TableRegistration? {
        try await store.write { connection in
            guard let current = try Self.fetch(connection, where: "id = ?", [.varchar(id)]).first else { return nil }
            let values = try Self.values(of: changes.applied(to: current))
            // Everything but id (first) and the registrant and time (last two) is rewritten.
            try connection.run(
                """
                UPDATE table_registry SET
                    name = ?, source_type = ?, bucket = ?, source_table = ?, source_query = ?, sync_strategy = ?,
                    query_mode = ?, sync_schedule = ?, profile_after_sync = ?, primary_key = ?, folder = ?,
                    description = ?, partition_by = ?
                WHERE id = ?
                """, Array(values[1...12]) + [values[15], .varchar(id)])
            return try Self.fetch(connection, where: "id = ?", [.varchar(id)]).first
        }
    }

    @discardableResult
    public func unregister(id: String) async throws -> Bool {
        try await store.write { connection in
            guard let table = try Self.fetch(connection, where: "id = ?", [.varchar(id)]).first else { return false }
            // No ON DELETE CASCADE: children first. Sync state, history and profiles are keyed by the
            // table's name, column metadata by its id; a key another registration also answers to is kept.
            for key in Set([table.id, table.name]) {
                let isShared =
                    try connection.query(
                        "SELECT count(*) FROM table_registry WHERE id <> ? AND (id = ? OR name = ?)",
                        [.varchar(id), .varchar(key), .varchar(key)]
                    ).rows[0][0].int ?? 0 > 0
                if isShared { continue }
                for child in Self.childTables {
                    try connection.run("DELETE FROM \(child) WHERE table_id = ?", [.varchar(key)])
                }
            }
            try connection.run(
                "DELETE FROM resource_grants WHERE resource_type = ? AND resource_id = ?",
                [.varchar(ResourceType.table.rawValue), .varchar(id)])
            return try connection.run("DELETE FROM table_registry WHERE id = ?", [.varchar(id)]) > 0
        }
    }

    /// The parameters for ``columns``, in order.
    private static func values(of table: TableRegistration) throws -> [DuckDBValue] {
        let primaryKey = table.primaryKey.isEmpty ? nil : try JSONText.encoded(table.primaryKey, column: "primary_key")
        return [
            .varchar(table.id), .varchar(table.name), .optional(table.sourceType), .optional(table.bucket),
            .optional(table.sourceTable), .optional(table.sourceQuery), .varchar(table.syncStrategy.rawValue),
            .varchar(table.queryMode.rawValue), .optional(table.syncSchedule), .boolean(table.profileAfterSync),
            .optional(primaryKey), .optional(table.folder), .optional(table.description), .optional(table.registeredBy),
            .optional(table.registeredAt), .optional(table.partitionBy),
        ]
    }

    static func fetch(_ connection: Connection, where predicate: String, _ parameters: [DuckDBValue]) throws
        -> [TableRegistration]
    {
        try connection.query(
            "SELECT \(columns) FROM table_registry WHERE \(predicate) ORDER BY name, id", parameters
        ).records.map(registration)
    }

    static func registration(_ record: Record) throws -> TableRegistration {
        let strategy = record.string("sync_strategy") ?? SyncStrategy.fullRefresh.rawValue
        guard let syncStrategy = SyncStrategy(rawValue: strategy) else {
            throw StoreError(.corruptRow, "unknown sync strategy \(strategy)")
        }
        let mode = record.string("query_mode") ?? QueryMode.local.rawValue
        guard let queryMode = QueryMode(rawValue: mode) else {
            throw StoreError(.corruptRow, "unknown query mode \(mode)")
        }
        return TableRegistration(
            id: try record.requiredString("id"), name: try record.requiredString("name"),
            sourceType: record.string("source_type"), bucket: record.string("bucket"),
            sourceTable: record.string("source_table"), sourceQuery: record.string("source_query"),
            syncStrategy: syncStrategy, queryMode: queryMode, syncSchedule: record.string("sync_schedule"),
            profileAfterSync: record.bool("profile_after_sync") ?? true,
            primaryKey: primaryKey(record.string("primary_key")), folder: record.string("folder"),
            description: record.string("description"), registeredBy: record.string("registered_by"),
            registeredAt: record.date("registered_at"), partitionBy: record.string("partition_by"))
    }

    /// Reads `primary_key`: a JSON array; a bare column name (as older writers stored it) is one column.
    static func primaryKey(_ text: String?) -> [String] {
        guard let text, !text.isEmpty else { return [] }
        if let columns = try? JSONDecoder().decode([String].self, from: Data(text.utf8)) { return columns }
        if let column = try? JSONDecoder().decode(String.self, from: Data(text.utf8)) { return [column] }
        return [text]
    }
}
