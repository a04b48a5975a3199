import AgnesCore
import DuckDB
import Foundation

/// ``SyncStateRepository`` on the DuckDB system store.
public struct DuckDBSyncStateRepository: SyncStateRepository {
    let store: SystemStore

    /// Creates the repository.
    public init(store: SystemStore) { self.store = store }

    private static let columns =
        "table_id, last_sync, rows, file_size_bytes, uncompressed_size_bytes, columns, hash, status, error"
    private static let historyColumns = "id, table_id, synced_at, rows, duration_ms, status, error"

    public func upsert(_ state: SyncState) async throws -> SyncState {
        try await store.write { connection in
            try Self.upsert(state, connection)
            return try Self.fetch(connection, where: "table_id = ?", [.varchar(state.tableID)])[0]
        }
    }

    public func recordSync(_ state: SyncState, durationMS: Int?) async throws -> SyncState {
        let synced = SyncState(
            tableID: state.tableID, lastSync: state.lastSync, rows: state.rows, fileSizeBytes: state.fileSizeBytes,
            uncompressedSizeBytes: state.uncompressedSizeBytes, columns: state.columns, hash: state.hash)
        let historyID = RowID.make()
        return try await store.write { connection in
            try Self.upsert(synced, connection, lastSyncDefaultsToNow: true)
            let stored = try Self.fetch(connection, where: "table_id = ?", [.varchar(state.tableID)])[0]
            try Self.insertHistory(
                connection, id: historyID, tableID: state.tableID, syncedAt: stored.lastSync, rows: stored.rows,
                durationMS: durationMS, status: SyncState.okStatus, error: nil)
            return stored
        }
    }

    public func find(tableID: String) async throws -> SyncState? {
        try await store.read { try Self.fetch($0, where: "table_id = ?", [.varchar(tableID)]).first }
    }

    public func list() async throws -> [SyncState] {
        try await store.read { try Self.fetch($0, where: "TRUE", []) }
    }

    public func setError(tableID: String, message: String) async throws {
        try await store.write { connection in
            _ = try connection.run(
                """
                INSERT INTO sync_state (table_id, status, error) VALUES (?, ?, ?)
                ON CONFLICT (table_id) DO UPDATE SET status = excluded.status, error = excluded.error
                """, [.varchar(tableID), .varchar(SyncState.errorStatus), .varchar(message)])
        }
    }

    @discardableResult
    public func delete(tableID: String) async throws -> Bool {
        try await store.write { connection in
            try connection.run("DELETE FROM sync_history WHERE table_id = ?", [.varchar(tableID)])
            return try connection.run("DELETE FROM sync_state WHERE table_id = ?", [.varchar(tableID)]) > 0
        }
    }

    @discardableResult
    public func appendHistory(
        tableID: String, syncedAt: Date, rows: Int?, durationMS: Int?, status: String, error: String?
    ) async throws -> SyncHistoryEntry {
        let id = RowID.make()
        return try await store.write { connection in
            try Self.insertHistory(
                connection, id: id, tableID: tableID, syncedAt: syncedAt, rows: rows, durationMS: durationMS,
                status: status, error: error)
            return try Self.history(connection, where: "id = ?", [.varchar(id)])[0]
        }
    }

    public func recentHistory(tableID: String, limit: Int) async throws -> [SyncHistoryEntry] {
        guard limit > 0 else { return [] }
        return try await store.read { connection in
            try Self.history(connection, where: "table_id = ?", [.varchar(tableID)], limit: limit)
        }
    }

    private static func upsert(_ state: SyncState, _ connection: Connection, lastSyncDefaultsToNow: Bool = false)
        throws
    {
        let lastSync = lastSyncDefaultsToNow ? "coalesce(?, current_timestamp)" : "?"
        try connection.run(
            """
            INSERT INTO sync_state (\(columns)) VALUES (?, \(lastSync), ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (table_id) DO UPDATE SET
                last_sync = excluded.last_sync, rows = excluded.rows, file_size_bytes = excluded.file_size_bytes,
                uncompressed_size_bytes = excluded.uncompressed_size_bytes, columns = excluded.columns,
                hash = excluded.hash, status = excluded.status, error = excluded.error
            """,
            [
                .varchar(state.tableID), .optional(state.lastSync), .optional(state.rows),
                .optional(state.fileSizeBytes),
                .optional(state.uncompressedSizeBytes), .optional(state.columns), .optional(state.hash),
                .varchar(state.status), .optional(state.error),
            ])
    }

    private static func insertHistory(
        _ connection: Connection, id: String, tableID: String, syncedAt: Date?, rows: Int?, durationMS: Int?,
        status: String, error: String?
    ) throws {
        try connection.run(
            "INSERT INTO sync_history (\(historyColumns)) VALUES (?, ?, coalesce(?, current_timestamp), ?, ?, ?, ?)",
            [
                .varchar(id), .varchar(tableID), .optional(syncedAt), .optional(rows), .optional(durationMS),
                .varchar(status), .optional(error),
            ])
    }

    static func fetch(_ connection: Connection, where predicate: String, _ parameters: [DuckDBValue]) throws
        -> [SyncState]
    {
        try connection.query("SELECT \(columns) FROM sync_state WHERE \(predicate) ORDER BY table_id", parameters)
            .records.map { record in
                SyncState(
                    tableID: try record.requiredString("table_id"), lastSync: record.date("last_sync"),
                    rows: record.int("rows"), fileSizeBytes: record.int("file_size_bytes"),
                    uncompressedSizeBytes: record.int("uncompressed_size_bytes"), columns: record.int("columns"),
                    hash: record.string("hash"), status: record.string("status") ?? SyncState.okStatus,
                    error: record.string("error"))
            }
    }

    static func history(
        _ connection: Connection, where predicate: String, _ parameters: [DuckDBValue], limit: Int? = nil
    ) throws -> [SyncHistoryEntry] {
        var sql =
            "SELECT \(historyColumns), run_id, source FROM sync_history WHERE \(predicate) ORDER BY synced_at DESC, id"
        var parameters = parameters
        if let limit {
            sql += " LIMIT ?"
            parameters.append(.optional(limit))
        }
        return try connection.query(sql, parameters).records.map { record in
            guard let syncedAt = record.date("synced_at") else {
                throw StoreError(.corruptRow, "column synced_at is unexpectedly NULL")
            }
            return SyncHistoryEntry(
                id: try record.requiredString("id"), tableID: try record.requiredString("table_id"),
                syncedAt: syncedAt, rows: record.int("rows"), durationMS: record.int("duration_ms"),
                status: record.string("status"), error: record.string("error"), runID: record.string("run_id"),
                source: record.string("source"))
        }
    }
}
