import AgnesCore
import DuckDB
import Foundation

/// What one orchestrator rebuild changes in the store, written in one transaction.
public struct RebuildRecord: Sendable {
    /// Sync states to write (only the ones that changed).
    public var states: [SyncState] = []
    /// View names newly claimed by a source.
    public var claims: [ViewOwnership] = []
    /// View names a source no longer publishes.
    public var releases: [ViewOwnership] = []

    /// An empty record.
    public init() {}

    /// True when nothing needs writing.
    public var isEmpty: Bool { states.isEmpty && claims.isEmpty && releases.isEmpty }
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
            // Set-based: DuckDB takes milliseconds per single-row upsert, so rows are appended to a
            // staging table and merged with one statement.
            if !record.states.isEmpty {
                try connection.execute(
                    """
                    CREATE OR REPLACE TEMP TABLE staged_sync_state (table_id VARCHAR, last_sync TIMESTAMP, rows BIGINT,
                        file_size_bytes BIGINT, uncompressed_size_bytes BIGINT, columns INTEGER, hash VARCHAR, status VARCHAR, error TEXT)
                    """)
                let appender = try connection.appender(table: "staged_sync_state")
                for state in record.states {
                    try appender.append([
                        .varchar(state.tableID), .optional(state.lastSync), .optional(state.rows),
                        .optional(state.fileSizeBytes),
                        .optional(state.uncompressedSizeBytes), state.columns.map { .integer(Int32($0)) } ?? .null,
                        .optional(state.hash),
                        .varchar(state.status), .optional(state.error),
                    ])
                }
                try appender.close()
                try connection.execute(
                    """
                    INSERT INTO sync_state SELECT * FROM staged_sync_state
                    ON CONFLICT (table_id) DO UPDATE SET last_sync = excluded.last_sync, rows = excluded.rows,
                        file_size_bytes = excluded.file_size_bytes, uncompressed_size_bytes = excluded.uncompressed_size_bytes,
                        columns = excluded.columns, hash = excluded.hash, status = excluded.status, error = excluded.error;
                    DROP TABLE staged_sync_state
                    """)
            }
            for ownership in record.releases {
                try connection.run(
                    "DELETE FROM view_ownership WHERE view_name = ? AND source_name = ?",
                    [.varchar(ownership.viewName), .varchar(ownership.sourceName)])
            }
            if !record.claims.isEmpty {
                try connection.execute(
                    "CREATE OR REPLACE TEMP TABLE staged_claims (view_name VARCHAR, source_name VARCHAR)")
                let appender = try connection.appender(table: "staged_claims")
                for ownership in record.claims {
                    try appender.append([.varchar(ownership.viewName), .varchar(ownership.sourceName)])
                }
                try appender.close()
                try connection.execute(
                    """
                    INSERT INTO view_ownership (view_name, source_name, registered_at)
                    SELECT view_name, source_name, current_timestamp FROM staged_claims ON CONFLICT DO NOTHING;
                    DROP TABLE staged_claims
                    """)
            }
        }
    }
}
