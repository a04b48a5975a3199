import AgnesCore
import AgnesData
import AsyncHTTPClient
import DuckDB
import Foundation
import Logging
import NIOCore
import Synchronization

/// Keboola Storage as a ``Connector``: each due table is exported through the Storage API (async
/// export, sliced gzip CSV), converted to parquet with the types its column metadata gives, and
/// published atomically; the extract lists every registered table, so a table not due or failing keeps
/// serving what it had. `full_refresh` replaces, `incremental` merges what changed since the last
/// export on the primary key, `partitioned` rewrites only the partitions that changed.
///
/// The configuration is read at every call, so a token set through `POST /api/admin/configure` is
/// used from the next sync on. Syncs of the source run one at a time.
public final class KeboolaConnector: Connector {
    public let sourceType = "keboola"
    public let registersDiscoveredTables = false
    /// The source's extract directory name.
    static let source = Identifier("keboola")!

    let configuration: @Sendable () -> KeboolaConfiguration?
    let layout: DataLayout
    let http: HTTPClient
    let logger: Logger
    let publisher = Publisher()
    let lane = SerialLane()
    /// Per-table locks of materialized tables (``materialize(_:)``).
    let materializations: MaterializationLocks
    /// The workspace materialized and remote queries run in.
    let workspaces: KeboolaWorkspaceStore
    /// Where each remote table is in Keboola (``remoteTarget(_:)``).
    let remoteTargets: RemoteTargets<KeboolaRemoteTarget>

    /// The HTTP client of Keboola calls: redirects are not followed (an API address that passed the
    /// outbound check cannot send the token elsewhere), a read that stalls for two minutes fails.
    public static let defaultHTTPClient = HTTPClient(
        eventLoopGroupProvider: .singleton,
        configuration: HTTPClient.Configuration(
            redirectConfiguration: .disallow, timeout: .init(connect: .seconds(15), read: .seconds(120))))

    /// Creates the connector.
    public init(
        layout: DataLayout, http: HTTPClient = KeboolaConnector.defaultHTTPClient, logger: Logger,
        configuration: @escaping @Sendable () -> KeboolaConfiguration?
    ) {
        self.layout = layout
        self.http = http
        self.logger = logger
        self.configuration = configuration
        materializations = MaterializationLocks(directory: layout.root.appendingPathComponent("state/locks"))
        workspaces = KeboolaWorkspaceStore(file: layout.root.appendingPathComponent("state/keboola-workspace.json"))
        remoteTargets = RemoteTargets(
            extract: layout.sourceDirectory(Self.source).appendingPathComponent("extract.duckdb"))
        // What remote scans of a killed process left (none of this process runs yet).
        for leftover in ["tmp/keboola-remote", "tmp/keboola-remote-spill"] {
            try? FileManager.default.removeItem(at: layout.root.appendingPathComponent(leftover))
        }
    }

    /// A client for the current configuration.
    public func client() throws -> KeboolaStorageClient {
        guard let configuration = configuration() else {
            throw KeboolaError(
                .notConfigured,
                "Keboola is not configured: set data_source.keboola.stack_url and the token variable (KEBOOLA_STORAGE_TOKEN), or use POST /api/admin/configure"
            )
        }
        return KeboolaStorageClient(configuration: configuration, http: http, logger: logger)
    }

    public func discover() async throws -> [DiscoveredTable] {
        try await client().tables().map { table in
            let id = Self.registryID(for: table.id)
            return DiscoveredTable(
                id: id, sourceName: table.id, sizeBytes: table.dataSizeBytes, rows: table.rowsCount,
                problem: Identifier(id) == nil ? "no table name can be derived from \(table.id)" : nil,
                bucket: table.bucketID, sourceTable: table.name,
                description: "Auto-discovered from Keboola: \(table.id)")
        }
    }

    /// With a token, a run that finds the registry empty registers every table first.
    public var registersIntoEmptyRegistry: Bool { configuration() != nil }

    /// The registry id discovery gives a Keboola table: its id lowercased with `.`, `-` and spaces as
    /// `_` (`in.c-main.orders` → `in_c_main_orders`).
    public static func registryID(for tableID: String) -> String {
        String(tableID.lowercased().map { $0 == "." || $0 == " " || $0 == "-" ? "_" : $0 })
    }

    public var materializes: Bool { true }

    public func sync(_ request: ConnectorSyncRequest) async throws -> ConnectorSyncResult {
        // Materialized tables first, outside the lane (per-table locks); the extract then lists them.
        let materialized = await materialize(request)
        defer { for result in materialized { result.lock?.release() } }
        return try await lane.run { try await self.syncNow(request, materialized: materialized) }
    }

    private func syncNow(_ request: ConnectorSyncRequest, materialized: [Materialized]) async throws
        -> ConnectorSyncResult
    {
        let writer = ExtractWriter(sourceDirectory: layout.sourceDirectory(Self.source))
        // A materialization in flight (outside the lane) may be writing a temporary or scratch there;
        // otherwise what is left is a killed sync's.
        let isClearing = !materializations.isBusy
        let scratch = layout.root.appendingPathComponent("tmp/keboola")
        let previous = try await offloaded("agnes.keboola.previous") {
            if isClearing {
                Publisher.removeStaleTemporaries(in: writer.dataDirectory)
                try? FileManager.default.removeItem(at: scratch)
            }
            return PreviousExtract.read(writer.extractFile)
        }
        var outcomes: [SyncTableOutcome] = materialized.map(\.outcome)
        var tables: [String: ExtractTable] = [:]
        var documentation: [SourceDocumentation] = []
        let due = Set(request.due.filter { $0.queryMode != .materialized }.map(\.id))
        for registration in request.registered where !due.contains(registration.id) {
            if let kept = Self.keepable(previous[registration.id], registration) { tables[registration.id] = kept }
        }
        for result in materialized {
            if let table = result.table { tables[result.outcome.tableID] = table }
        }
        let sourceDue = request.due.filter { $0.queryMode == .local || $0.queryMode == .remote }
        guard !sourceDue.isEmpty else {
            // Nothing to export (only materialized tables, or a table was unregistered): call nobody.
            let changed = try await writeIfChanged(writer, tables: tables, previous: previous)
            return ConnectorSyncResult(outcomes: outcomes, changedExtract: changed)
        }
        let client: KeboolaStorageClient
        let remoteTables: [KeboolaTable]
        do {
            client = try self.client()
            remoteTables = try await client.tables()
        } catch {
            for registration in sourceDue {
                if let kept = Self.keepable(previous[registration.id], registration) { tables[registration.id] = kept }
                outcomes.append(.init(tableID: registration.id, source: sourceType, kind: .failed, reason: "\(error)"))
            }
            let changed = try await writeIfChanged(writer, tables: tables, previous: previous)
            return ConnectorSyncResult(outcomes: outcomes, changedExtract: changed)
        }
        for registration in sourceDue.sorted(by: { $0.id < $1.id }) {
            let kept = Self.keepable(previous[registration.id], registration)
            let started = ContinuousClock.now
            do {
                guard let name = Identifier(registration.id) else {
                    throw KeboolaError(.invalidRegistration, "'\(registration.id)' is not a valid table name")
                }
                let remote = try Self.resolve(registration, in: remoteTables)
                let result =
                    registration.queryMode == .remote
                    ? try await describeRemote(registration, name: name, listed: remote, client: client, previous: kept)
                    : try await syncTable(registration, name: name, remote: remote, client: client, previous: kept)
                tables[registration.id] = result.table
                if result.table.delta == nil {
                    // A delta of its past (incremental, now compacted or another strategy or mode) goes;
                    // its versions follow once no extract names them.
                    unlink(layout.deltaFile(source: Self.source, table: name).path)
                }
                if let documented = result.documentation { documentation.append(documented) }
                let milliseconds = (ContinuousClock.now - started).milliseconds
                outcomes.append(
                    result.isUnchanged
                        ? .init(
                            tableID: registration.id, source: sourceType, kind: .unchanged, reason: result.note,
                            rows: result.table.rows.map(Int.init))
                        : .init(
                            tableID: registration.id, source: sourceType, kind: .synced, reason: result.note,
                            rows: result.table.rows.map(Int.init), durationMS: milliseconds))
            } catch {
                if let kept { tables[registration.id] = kept }  // its previous data keeps serving
                logger.warning("keboola table failed", metadata: ["table": "\(registration.id)", "error": "\(error)"])
                outcomes.append(.init(tableID: registration.id, source: sourceType, kind: .failed, reason: "\(error)"))
            }
        }
        let changed = try await writeIfChanged(writer, tables: tables, previous: previous)
        return ConnectorSyncResult(outcomes: outcomes, changedExtract: changed, documentation: documentation)
    }

    /// Writes the extract when what it lists differs from the previous one.
    private func writeIfChanged(
        _ writer: ExtractWriter, tables: [String: ExtractTable], previous: [String: ExtractTable]
    )
        async throws -> Bool
    {
        let sorted = tables.values.sorted { $0.name < $1.name }
        let isSame =
            sorted.count == previous.count
            && sorted.allSatisfy { table in
                previous[table.name.rawValue].map {
                    // A remote table's signature holds its columns (the extract reads types back in
                    // DuckDB's spelling, so they are not compared themselves).
                    $0.file == table.file && $0.delta == table.delta && $0.sourceSignature == table.sourceSignature
                        && $0.queryMode == table.queryMode
                } ?? false
            }
        if isSame && FileManager.default.fileExists(atPath: writer.extractFile.path) { return false }
        try await offloaded("agnes.keboola.extract") { try writer.write(tables: sorted) }
        return true
    }

    /// The previous extract's entry of a registration when it can keep serving: a readable file for a
    /// local table, a schema-only entry for a remote one (a mode changed since is not kept).
    static func keepable(_ previous: ExtractTable?, _ registration: TableRegistration) -> ExtractTable? {
        guard let previous else { return nil }
        if registration.queryMode == .remote {
            return previous.queryMode == "remote" && !previous.remoteColumns.isEmpty ? previous : nil
        }
        return previous.queryMode != "remote" && LocalFilesSource.isReadable(previous) ? previous : nil
    }

    /// The Keboola table a registration names: `source_table` as a full table id (`in.c-main.orders`),
    /// or `bucket` (its id `in.c-main` or its name `c-main`) with `source_table` (the table's name).
    static func resolve(_ registration: TableRegistration, in tables: [KeboolaTable]) throws -> KeboolaTable {
        guard let sourceTable = registration.sourceTable?.trimmingCharacters(in: .whitespaces), !sourceTable.isEmpty
        else {
            throw KeboolaError(
                .invalidRegistration,
                "\(registration.id): set bucket and source_table to the Keboola table it comes from")
        }
        if let exact = tables.first(where: { $0.id == sourceTable }) { return exact }
        let bucket = registration.bucket?.trimmingCharacters(in: .whitespaces) ?? ""
        let candidates = tables.filter { table in
            table.name == sourceTable
                && (bucket.isEmpty || table.bucketID == bucket || table.bucketName == bucket
                    || table.bucketID.hasSuffix("." + bucket))
        }
        guard candidates.count == 1 else {
            let named = bucket.isEmpty ? sourceTable : "\(bucket).\(sourceTable)"
            if candidates.isEmpty {
                throw KeboolaError(.notFound, "Keboola has no table \(named) that this token can read")
            }
            throw KeboolaError(
                .invalidRegistration,
                "\(named) names more than one Keboola table (\(candidates.map(\.id).sorted().joined(separator: ", "))); set bucket to the full bucket id"
            )
        }
        return candidates[0]
    }
}
