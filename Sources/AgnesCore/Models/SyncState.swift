import Foundation

/// The last known sync of one table, keyed by the table's name; what `agnes pull` compares.
public struct SyncState: Sendable, Hashable, Codable {
    /// The status of a table whose last sync succeeded.
    public static let okStatus = "ok"
    /// The status of a table whose last sync failed.
    public static let errorStatus = "error"

    /// The table's registry name.
    public var tableID: String
    /// When the last successful sync finished; nil if it never succeeded.
    public var lastSync: Date?
    /// Row count of the synced data.
    public var rows: Int?
    /// Size of the synced file.
    public var fileSizeBytes: Int?
    /// Uncompressed size of the synced data.
    public var uncompressedSizeBytes: Int?
    /// Column count.
    public var columns: Int?
    /// Change fingerprint or content MD5 of the synced file; kept when a later sync fails.
    public var hash: String?
    /// `ok` or `error`.
    public var status: String
    /// Why the last sync failed.
    public var error: String?

    /// True when the last sync failed.
    public var isFailed: Bool { status == Self.errorStatus }

    /// Creates a sync-state value.
    public init(
        tableID: String, lastSync: Date? = nil, rows: Int? = nil, fileSizeBytes: Int? = nil,
        uncompressedSizeBytes: Int? = nil, columns: Int? = nil, hash: String? = nil,
        status: String = SyncState.okStatus,
        error: String? = nil
    ) {
        self.tableID = tableID
        self.lastSync = lastSync
        self.rows = rows
        self.fileSizeBytes = fileSizeBytes
        self.uncompressedSizeBytes = uncompressedSizeBytes
        self.columns = columns
        self.hash = hash
        self.status = status
        self.error = error
    }
}
