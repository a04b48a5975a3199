import Foundation

/// One sync attempt of one table.
public struct SyncHistoryEntry: Sendable, Hashable, Codable {
    /// Stable id.
    public var id: String
    /// The table's registry name.
    public var tableID: String
    /// When the sync finished.
    public var syncedAt: Date
    /// Rows synced.
    public var rows: Int?
    /// How long it took.
    public var durationMS: Int?
    /// `ok` or `error`.
    public var status: String?
    /// Why it failed.
    public var error: String?
    /// The sync run that recorded it (none for entries older than sync runs).
    public var runID: String?
    /// The table's source type.
    public var source: String?

    /// Creates a history entry value.
    public init(
        id: String, tableID: String, syncedAt: Date, rows: Int? = nil, durationMS: Int? = nil, status: String? = nil,
        error: String? = nil, runID: String? = nil, source: String? = nil
    ) {
        self.id = id
        self.tableID = tableID
        self.syncedAt = syncedAt
        self.rows = rows
        self.durationMS = durationMS
        self.status = status
        self.error = error
        self.runID = runID
        self.source = source
    }
}
