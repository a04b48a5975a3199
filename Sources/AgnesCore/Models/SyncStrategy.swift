/// How a table is meant to be synced. Metadata only: every sync is a full overwrite; the profiler
/// reads it to decide whether a table is partitioned.
public enum SyncStrategy: String, Sendable, Hashable, Codable, CaseIterable {
    /// Replace the whole table (the default).
    case fullRefresh = "full_refresh"
    /// Append changed rows.
    case incremental
    /// Replace whole partitions.
    case partitioned
}
