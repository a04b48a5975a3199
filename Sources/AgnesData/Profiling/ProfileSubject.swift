import Foundation

/// What the profiler is asked to profile: the file a table's view reads, and what the registry and
/// the sync state know about the table.
public struct ProfileSubject: Sendable, Hashable {
    /// The registry id (the view's name).
    public var tableID: String
    /// The parquet file to read: the served, immutable version of the table.
    public var file: URL
    /// The file's size in bytes, when known.
    public var fileSizeBytes: Int64?
    /// The delta of a table kept as a base (`file`) and a delta; nil for a single file.
    public var delta: ServedDelta?
    /// The registration's description.
    public var description: String?
    /// The registered primary-key columns.
    public var primaryKey: [String]
    /// The registration's sync strategy (`full_refresh`, `incremental`, …).
    public var syncStrategy: String?
    /// When the table's data last changed.
    public var lastSync: Date?
    /// Metrics that read the table.
    public var usedByMetrics: [MetricReference]

    /// Creates a subject.
    public init(
        tableID: String, file: URL, fileSizeBytes: Int64? = nil, description: String? = nil, primaryKey: [String] = [],
        syncStrategy: String? = nil, lastSync: Date? = nil, usedByMetrics: [MetricReference] = [],
        delta: ServedDelta? = nil
    ) {
        self.tableID = tableID
        self.delta = delta
        self.file = file
        self.fileSizeBytes = fileSizeBytes
        self.description = description
        self.primaryKey = primaryKey
        self.syncStrategy = syncStrategy
        self.lastSync = lastSync
        self.usedByMetrics = usedByMetrics
    }
}

/// Resources one profiling run may use: its own in-memory DuckDB with these limits, spilling into
/// `temporaryDirectory` (removed after the run).
public struct ProfilerLimits: Sendable, Hashable {
    /// DuckDB `threads`.
    public var threads: Int
    /// DuckDB `memory_limit`.
    public var memoryLimit: String
    /// Where DuckDB may spill; nil keeps everything in memory (DuckDB then fails past the limit).
    public var temporaryDirectory: URL?

    /// The documented defaults: 2 threads, 4 GB.
    public init(threads: Int = 2, memoryLimit: String = "4GB", temporaryDirectory: URL? = nil) {
        self.threads = threads
        self.memoryLimit = memoryLimit
        self.temporaryDirectory = temporaryDirectory
    }
}
