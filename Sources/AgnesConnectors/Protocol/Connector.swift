import AgnesCore
import AgnesData
import Foundation

/// A source of tables (the local folder, Keboola, BigQuery, Jira, …): what a sync run calls with the
/// registry rows due for it. It writes its extract (`extracts/<source>/`) through the ``Publisher`` and
/// the extract contract; a table not due keeps its data, its `_meta` row and its view, and a table that
/// fails keeps serving its previous data without taking down the others.
///
/// ```swift
/// let result = try await connector.sync(ConnectorSyncRequest(due: due, registered: registered))
/// for outcome in result.outcomes { print(outcome.tableID, outcome.summary) }
/// ```
public protocol Connector: Sendable {
    /// The `source_type` of the registry rows it syncs, and its extract's directory name.
    var sourceType: String { get }
    /// True when the source's own tables become registered by the sync itself (a drop folder): the
    /// pipeline registers what ``discover()`` finds before it picks the due tables.
    var registersDiscoveredTables: Bool { get }
    /// What the source offers that could be registered.
    func discover() async throws -> [DiscoveredTable]
    /// Syncs the due tables; one outcome per due table.
    func sync(_ request: ConnectorSyncRequest) async throws -> ConnectorSyncResult
    /// True when a sync run that finds the registry empty registers everything ``discover()`` offers
    /// first (Keboola with a token: REFERENCE §4.1 step 2).
    var registersIntoEmptyRegistry: Bool { get }
    /// True when it syncs `query_mode='materialized'` rows (runs their `source_query` at the source and
    /// publishes the result); the pipeline skips such rows for connectors that cannot.
    var materializes: Bool { get }
    /// What answers queries over its `query_mode='remote'` rows in place, nil when it cannot. A
    /// connector with one syncs such rows as schema-only entries of its extract (``ExtractTable``'s
    /// `remoteColumns`); the pipeline skips them for connectors without one.
    var remoteReader: (any RemoteTableReader)? { get }
    /// The query mode a table discovery registers gets (`local` but for sources queried in place).
    var discoveredQueryMode: QueryMode { get }
}

extension Connector {
    public var registersIntoEmptyRegistry: Bool { false }
    public var materializes: Bool { false }
    public var remoteReader: (any RemoteTableReader)? { nil }
    public var discoveredQueryMode: QueryMode { .local }
}

/// What a run asks of a connector.
public struct ConnectorSyncRequest: Sendable {
    /// The rows to sync now.
    public var due: [TableRegistration]
    /// Every registered row of the connector's source type (due or not): what its extract lists.
    public var registered: [TableRegistration]

    /// Creates a request.
    public init(due: [TableRegistration], registered: [TableRegistration]) {
        self.due = due
        self.registered = registered
    }
}

/// What a connector did.
public struct ConnectorSyncResult: Sendable {
    /// One per due table.
    public var outcomes: [SyncTableOutcome]
    /// Whether the extract changed (so the analytics database needs a rebuild).
    public var changedExtract: Bool
    /// What the source itself says about the tables it synced (descriptions, column types), for the
    /// catalog: written with the connector's source type as `source`, never over an admin's rows.
    public var documentation: [SourceDocumentation]

    /// Creates a result.
    public init(outcomes: [SyncTableOutcome], changedExtract: Bool, documentation: [SourceDocumentation] = []) {
        self.outcomes = outcomes
        self.changedExtract = changedExtract
        self.documentation = documentation
    }
}

/// A source's own documentation of one table.
public struct SourceDocumentation: Sendable, Hashable {
    /// The table-level row (its description).
    public var table: TableMetadata
    /// The documented columns.
    public var columns: [ColumnMetadata]

    /// Creates a value.
    public init(table: TableMetadata, columns: [ColumnMetadata]) {
        self.table = table
        self.columns = columns
    }
}

/// A table a source offers.
public struct DiscoveredTable: Sendable, Hashable, Codable {
    /// The registry id it would get.
    public var id: String
    /// Its name at the source (a file name, a Keboola table id, …).
    public var sourceName: String
    /// Size at the source, when known.
    public var sizeBytes: Int64?
    /// Rows at the source, when known.
    public var rows: Int64?
    /// Why it cannot be registered as it is, when it cannot.
    public var problem: String?
    /// The registration's `bucket`, for sources that have buckets (Keboola's bucket id).
    public var bucket: String?
    /// The registration's `source_table` when it differs from ``sourceName`` (Keboola's table name).
    public var sourceTable: String?
    /// What the source says the table is; the description its registration gets when the sync registers it.
    public var description: String?

    /// Creates a value.
    public init(
        id: String, sourceName: String, sizeBytes: Int64? = nil, rows: Int64? = nil, problem: String? = nil,
        bucket: String? = nil, sourceTable: String? = nil, description: String? = nil
    ) {
        self.id = id
        self.sourceName = sourceName
        self.sizeBytes = sizeBytes
        self.rows = rows
        self.problem = problem
        self.bucket = bucket
        self.sourceTable = sourceTable
        self.description = description
    }
}

extension DiscoveredTable {
    /// Whether a registration of the same source already takes this table: by its `source_table` (and,
    /// for a source with buckets, its `bucket` as the bucket's id or name).
    public func isClaimed(by registration: TableRegistration) -> Bool {
        guard let given = registration.sourceTable, !given.isEmpty else { return false }
        guard let bucket, let sourceTable else { return isNamed(by: given) }
        if given == sourceName { return true }
        guard given == sourceTable else { return false }
        let named = registration.bucket ?? ""
        return named.isEmpty || named == bucket || bucket.hasSuffix("." + named)
    }

    /// Whether a registration's `source_table` names this table: its name at the source, or, for a
    /// `source_table` without an extension, the id it would get (the CLIs send the table name).
    public func isNamed(by sourceTable: String) -> Bool {
        if sourceName == sourceTable { return true }
        guard !sourceTable.contains("."), problem == nil else { return false }
        return id == Identifier.derived(from: sourceTable)?.rawValue
    }
}
