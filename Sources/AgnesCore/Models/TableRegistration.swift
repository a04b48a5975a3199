import Foundation

/// A table registered with Agnes: where its data comes from, how it is queried and synced.
public struct TableRegistration: Sendable, Hashable, Codable {
    /// Stable id (for API registrations, the name lower-cased with spaces as underscores).
    public var id: String
    /// The table's name; also the key of its sync state and the name of its view.
    public var name: String
    /// `keboola`, `bigquery`, `jira`, `local`, or nil.
    public var sourceType: String?
    /// The source bucket or dataset.
    public var bucket: String?
    /// The table's name at the source.
    public var sourceTable: String?
    /// The SQL of a materialized table.
    public var sourceQuery: String?
    /// How the table is meant to be synced.
    public var syncStrategy: SyncStrategy
    /// How the table is queried.
    public var queryMode: QueryMode
    /// The sync schedule (schedule grammar), nil for every run.
    public var syncSchedule: String?
    /// Whether to profile after each sync (kept for compatibility; not acted on).
    public var profileAfterSync: Bool
    /// The primary-key columns, empty when unknown.
    public var primaryKey: [String]
    /// The column whose values split a `partitioned` table into one file each (dates and timestamps
    /// by month), nil for other strategies.
    public var partitionBy: String?
    /// A folder for grouping in the catalog.
    public var folder: String?
    /// Free text.
    public var description: String?
    /// Who registered it.
    public var registeredBy: String?
    /// When it was (last) registered.
    public var registeredAt: Date?

    /// Creates a registration value.
    public init(
        id: String, name: String, sourceType: String? = nil, bucket: String? = nil, sourceTable: String? = nil,
        sourceQuery: String? = nil, syncStrategy: SyncStrategy = .fullRefresh, queryMode: QueryMode = .local,
        syncSchedule: String? = nil, profileAfterSync: Bool = true, primaryKey: [String] = [], folder: String? = nil,
        description: String? = nil, registeredBy: String? = nil, registeredAt: Date? = nil, partitionBy: String? = nil
    ) {
        self.id = id
        self.name = name
        self.sourceType = sourceType
        self.bucket = bucket
        self.sourceTable = sourceTable
        self.sourceQuery = sourceQuery
        self.syncStrategy = syncStrategy
        self.queryMode = queryMode
        self.syncSchedule = syncSchedule
        self.profileAfterSync = profileAfterSync
        self.primaryKey = primaryKey
        self.folder = folder
        self.description = description
        self.registeredBy = registeredBy
        self.registeredAt = registeredAt
        self.partitionBy = partitionBy
    }
}
