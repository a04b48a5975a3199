import AgnesCore
import Foundation

/// Per-table sync state (what `agnes pull` compares) and the history of sync attempts. Both are
/// keyed by the table's registry **name**.
public protocol SyncStateRepository: Sendable {
    /// Writes a table's state as given, every column included (status and error too).
    func upsert(_ state: SyncState) async throws -> SyncState
    /// Records a successful sync in one transaction: writes the state with status `ok` and no error
    /// (`lastSync` now when nil) and appends a history entry for it.
    func recordSync(_ state: SyncState, durationMS: Int?) async throws -> SyncState
    /// The state of one table.
    func find(tableID: String) async throws -> SyncState?
    /// Every table's state, ordered by table.
    func list() async throws -> [SyncState]
    /// Marks a table's last sync as failed, keeping its last good hash, size and time; creates the
    /// state (never synced) when there is none.
    func setError(tableID: String, message: String) async throws
    /// Forgets a table: deletes its state and history. Returns false when it had no state.
    @discardableResult
    func delete(tableID: String) async throws -> Bool
    /// Appends a history entry with a new id.
    @discardableResult
    func appendHistory(
        tableID: String, syncedAt: Date, rows: Int?, durationMS: Int?, status: String, error: String?
    ) async throws -> SyncHistoryEntry
    /// A table's most recent history entries, newest first, at most `limit`.
    func recentHistory(tableID: String, limit: Int) async throws -> [SyncHistoryEntry]
}
