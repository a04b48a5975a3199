import AgnesCore
import DuckDB
import Foundation

/// What one orchestrator rebuild changes in the store, written in one transaction.
public struct RebuildRecord: Sendable {
    /// Sync states to write (only the ones that changed).
    public var states: [SyncState] = []
    /// History entries to append.
    public var history: [SyncHistoryDraft] = []
    /// View names newly claimed by a source.
    public var claims: [ViewOwnership] = []
    /// View names a source no longer publishes.
    public var releases: [ViewOwnership] = []

    /// An empty record.
    public init() {}

    /// True when nothing needs writing.
    public var isEmpty: Bool { states.isEmpty && history.isEmpty && claims.isEmpty && releases.isEmpty }
}

/// A sync history entry before it has an id.
public struct SyncHistoryDraft: Sendable, Hashable {
    /// The table.
    public var tableID: String
    /// When.
    public var syncedAt: Date
    /// Rows at that time.
    public var rows: Int?
    /// How long the table's sync took.
    public var durationMS: Int?
    /// `ok` or `error`.
    public var status: String
    /// The error, if any.
    public var error: String?

    /// Creates a draft.
    public init(tableID: String, syncedAt: Date, rows: Int?, durationMS: Int?, status: String, error: String?) {
        self.tableID = tableID
        self.syncedAt = syncedAt
        self.rows = rows
        self.durationMS = durationMS
        self.status = status
        self.error = error
    }
}

/// Writes a ``RebuildRecord`` atomically (batching what would otherwise be thousands of single writes).
public protocol RebuildRecorder: Sendable {
    /// Writes the record in one transaction.
    func record(_ record: RebuildRecord) async throws
}

/// ``RebuildRecorder`` on the DuckDB system store.
public struct DuckDBRebuildRecorder: RebuildRecorder {
    let store: SystemStore

    /// Creates the recorder.
    public init(store: SystemStore) { self.store = store }

    public func record(_ record: RebuildRecord) async throws {
        guard !record.isEmpty else { return }
        try await store.write { connection in
            let upsert = try connection.prepare(
                """
                INSERT INTO sync_state (table_id, last_sync, rows, file_size_bytes, uncompressed_size_bytes, columns, hash, status, error)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (table_id) DO UPDATE SET last_sync = excluded.last_sync, rows = excluded.rows,
                    file_size_bytes = excluded.file_size_bytes, uncompressed_size_bytes = excluded.uncompressed_size_bytes,
                    columns = excluded.columns, hash = excluded.hash, status = excluded.status, error = excluded.error
                """)
            for state in record.states {
                try upsert.run([
                    .varchar(state.tableID), .optional(state.lastSync), .optional(state.rows), .optional(state.fileSizeBytes),
                    .optional(state.uncompressedSizeBytes), .optional(state.columns), .optional(state.hash),
                    .varchar(state.status), .optional(state.error),
                ])
            }
            let history = try connection.prepare(
                "INSERT INTO sync_history (id, table_id, synced_at, rows, duration_ms, status, error) VALUES (?, ?, ?, ?, ?, ?, ?)")
            for entry in record.history {
                try history.run([
                    .varchar(RowID.make()), .varchar(entry.tableID), .optional(entry.syncedAt), .optional(entry.rows),
                    .optional(entry.durationMS), .varchar(entry.status), .optional(entry.error),
                ])
            }
            let release = try connection.prepare("DELETE FROM view_ownership WHERE view_name = ? AND source_name = ?")
            for ownership in record.releases {
                try release.run([.varchar(ownership.viewName), .varchar(ownership.sourceName)])
            }
            let claim = try connection.prepare(
                "INSERT INTO view_ownership (view_name, source_name, registered_at) VALUES (?, ?, current_timestamp) ON CONFLICT DO NOTHING")
            for ownership in record.claims {
                try claim.run([.varchar(ownership.viewName), .varchar(ownership.sourceName)])
            }
        }
    }
}
