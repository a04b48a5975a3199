import AgnesCore
import AgnesData
import AsyncHTTPClient
import DuckDB
import Foundation
import Logging
import NIOCore
import Synchronization

/// BigQuery as a ``Connector`` (REFERENCE §5.2): `query_mode='remote'` rows are synced as their schema
/// only and queried in place through ``remoteReader`` (the query's columns, conditions and LIMIT go to
/// BigQuery, after a dry run checks `bq_max_scan_bytes`); `query_mode='materialized'` rows run their
/// SQL (or `SELECT *` of `bucket.source_table`) in BigQuery, page by page into a typed parquet file,
/// after a dry run checks `max_bytes_per_materialize`. Local copies of BigQuery tables are what
/// materialization is for, so `query_mode='local'` rows fail with a reason that says so.
///
/// Tables are named in the data project (`data_source.bigquery.project`), jobs run in the billing
/// project; a registration's `bucket` is the dataset and its `source_table` the table.
public final class BigQueryConnector: Connector {
    public let sourceType = "bigquery"
    public let registersDiscoveredTables = false
    static let source = Identifier("bigquery")!

    let configuration: @Sendable () -> BigQueryConfiguration?
    let tokens: GoogleAccessTokens
    let layout: DataLayout
    let http: HTTPClient
    let logger: Logger
    let publisher = Publisher()
    let lane = SerialLane()
    let materializations: MaterializationLocks
    /// Where each remote table is in BigQuery (``remoteTarget(_:)``).
    let remoteTargets: RemoteTargets<BigQueryRemoteTarget>

    public static let defaultHTTPClient = HTTPClient(
        eventLoopGroupProvider: .singleton,
        configuration: HTTPClient.Configuration(
            redirectConfiguration: .disallow, timeout: .init(connect: .seconds(15), read: .seconds(120))))

    /// Creates the connector; `configuration` is read at every call (nil = not configured).
    public init(
        layout: DataLayout, tokens: GoogleAccessTokens, http: HTTPClient = BigQueryConnector.defaultHTTPClient,
        logger: Logger, configuration: @escaping @Sendable () -> BigQueryConfiguration?
    ) {
        self.layout = layout
        self.tokens = tokens
        self.http = http
        self.logger = logger
        self.configuration = configuration
        materializations = MaterializationLocks(
            directory: layout.root.appendingPathComponent("state/locks"), source: "bigquery")
        remoteTargets = RemoteTargets(
            extract: layout.sourceDirectory(Self.source).appendingPathComponent("extract.duckdb"))
    }

    /// A client for the current configuration.
    public func client() throws -> BigQueryClient {
        guard let configuration = configuration() else {
            throw BigQueryError(
                .notConfigured, "BigQuery is not configured",
                hint: "set data_source.bigquery.project (or BIGQUERY_PROJECT), or use POST /api/admin/configure")
        }
        return BigQueryClient(configuration: configuration, tokens: tokens, http: http, logger: logger)
    }

    public var materializes: Bool { true }

    /// Discovered BigQuery tables are queried in place.
    public var discoveredQueryMode: QueryMode { .remote }

    /// Every table of every dataset of the data project: registry id `<dataset>_<table>` lowercased,
    /// bucket the dataset, source_table the table.
    public func discover() async throws -> [DiscoveredTable] {
        let client = try client()
        let project = client.configuration.dataProject
        var found: [DiscoveredTable] = []
        for dataset in try await client.datasets(project: project) {
            let name = dataset.datasetReference.datasetId
            for table in try await client.tables(project: project, dataset: name) {
                let tableName = table.tableReference.tableId
                let id =
                    Self.registryID(dataset: name, table: tableName)
                found.append(
                    DiscoveredTable(
                        id: id, sourceName: "\(name).\(tableName)",
                        problem: Identifier(id) == nil ? "no table name can be derived from \(name).\(tableName)" : nil,
                        bucket: name, sourceTable: tableName,
                        description: "Auto-discovered from BigQuery: \(project).\(name).\(tableName)"))
            }
        }
        return found
    }

    public func sync(_ request: ConnectorSyncRequest) async throws -> ConnectorSyncResult {
        let materialized = await materialize(request)
        defer { for result in materialized { result.lock?.release() } }
        return try await lane.run { try await self.syncNow(request, materialized: materialized) }
    }

    private func syncNow(_ request: ConnectorSyncRequest, materialized: [BigQueryMaterialized]) async throws
        -> ConnectorSyncResult
    {
        let writer = ExtractWriter(sourceDirectory: layout.sourceDirectory(Self.source))
        let isClearing = !materializations.isBusy
        let previous = try await offloaded("agnes.bigquery.previous") {
            if isClearing { Publisher.removeStaleTemporaries(in: writer.dataDirectory) }
            return PreviousExtract.read(writer.extractFile)
        }
        var outcomes = materialized.map(\.outcome)
        var tables: [String: ExtractTable] = [:]
        var documentation: [SourceDocumentation] = []
        let due = Set(request.due.map(\.id))
        for registration in request.registered
        where !due.contains(registration.id) || registration.queryMode == .materialized {
            if let kept = Self.keepable(previous[registration.id], registration) { tables[registration.id] = kept }
        }
        for result in materialized {
            if let table = result.table { tables[result.outcome.tableID] = table }
        }
        for registration in request.due.sorted(by: { $0.id < $1.id }) where registration.queryMode != .materialized {
            guard registration.queryMode == .remote else {
                outcomes.append(
                    .init(
                        tableID: registration.id, source: sourceType, kind: .failed,
                        reason:
                            "BigQuery tables are queried in place (query_mode remote) or copied by SQL (query_mode materialized); register it with one of those"
                    ))
                continue
            }
            let kept = Self.keepable(previous[registration.id], registration)
            do {
                let result = try await describeRemote(registration, previous: kept)
                tables[registration.id] = result.table
                documentation.append(result.documentation)
                outcomes.append(
                    .init(
                        tableID: registration.id, source: sourceType, kind: result.isUnchanged ? .unchanged : .synced,
                        reason: result.note, rows: result.table.rows.map(Int.init)))
            } catch {
                if let kept { tables[registration.id] = kept }
                logger.warning("bigquery table failed", metadata: ["table": "\(registration.id)", "error": "\(error)"])
                outcomes.append(.init(tableID: registration.id, source: sourceType, kind: .failed, reason: "\(error)"))
            }
        }
        let sorted = tables.values.sorted { $0.name < $1.name }
        let isSame =
            sorted.count == previous.count
            && sorted.allSatisfy { table in
                previous[table.name.rawValue].map {
                    // A remote table's signature holds its columns (the extract reads types back in
                    // DuckDB's spelling, so they are not compared themselves).
                    $0.file == table.file && $0.sourceSignature == table.sourceSignature
                        && $0.queryMode == table.queryMode
                } ?? false
            }
        var changed = false
        if !isSame || !FileManager.default.fileExists(atPath: writer.extractFile.path) {
            try await offloaded("agnes.bigquery.extract") { try writer.write(tables: sorted) }
            changed = true
        }
        return ConnectorSyncResult(outcomes: outcomes, changedExtract: changed, documentation: documentation)
    }

    /// The previous entry of a registration when it can keep serving in its mode.
    static func keepable(_ previous: ExtractTable?, _ registration: TableRegistration) -> ExtractTable? {
        guard let previous else { return nil }
        if registration.queryMode == .remote {
            return previous.queryMode == "remote" && !previous.remoteColumns.isEmpty ? previous : nil
        }
        return previous.queryMode != "remote" && LocalFilesSource.isReadable(previous) ? previous : nil
    }

    /// The registry id discovery gives a BigQuery table: `<dataset>_<table>` as an identifier
    /// (`sales.Orders 2024` → `sales_orders_2024`); the lowered text when none can be derived.
    public static func registryID(dataset: String, table: String) -> String {
        Identifier.derived(from: "\(dataset)_\(table)")?.rawValue ?? "\(dataset)_\(table)".lowercased()
    }

    /// The dataset and table a registration names (`bucket`, `source_table`).
    static func location(of registration: TableRegistration) throws -> (dataset: String, table: String) {
        let dataset = registration.bucket?.trimmingCharacters(in: .whitespaces) ?? ""
        let table = registration.sourceTable?.trimmingCharacters(in: .whitespaces) ?? ""
        guard !dataset.isEmpty, !table.isEmpty else {
            throw BigQueryError(
                .badRequest,
                "\(registration.id): set bucket (the dataset) and source_table (the table) of the BigQuery table")
        }
        return (dataset, table)
    }
}
