import AgnesCore
import AgnesData
import DuckDB
import Foundation
import Logging
import Synchronization

/// A custom connector (`CONNECTORS_DIR/<name>/`) as a ``Connector``: a program of the admin's that
/// writes `extract.duckdb` + data files by the extract contract. Each run:
///
/// 1. starts it (see ``CustomConnectorConfiguration``) in a fresh working directory,
///    `DATA_DIR/tmp/connectors/<name>/<run>/output` (also `AGNES_OUTPUT_DIR`), with a clean environment
///    (`PATH`, `LANG`, its own `HOME` and `TMPDIR`, and only the variables its `env` names), a timeout
///    that kills its whole process group, and the tail of its standard error kept for the report;
/// 2. checks what it wrote (``StagedExtract``: names, `_meta`, views and files inside its directory,
///    `_remote_attach` on the allowlists);
/// 3. publishes the data through the ``Publisher`` and writes `DATA_DIR/extracts/<name>/extract.duckdb`
///    itself, atomically.
///
/// Any failure (non-zero exit, timeout, refused output) fails this connector's due tables with the
/// reason and leaves its previous extract serving; other sources are not affected. A custom connector
/// defines its own tables, so ``registersDiscoveredTables`` is true: ``discover()`` lists the tables of
/// its last good extract, and runs the connector first when it has never produced one. Runs of one
/// connector are serialized.
///
/// ```swift
/// let connectors = CustomConnector.all(in: settings.connectorsDir.map { URL(fileURLWithPath: $0) },
///     layout: layout, policy: policy, environment: settings.environment, logger: logger)
/// ```
public final class CustomConnector: Connector {
    public let sourceType: String
    public let registersDiscoveredTables = true
    /// The source name (the directory's name).
    public let name: Identifier
    /// `CONNECTORS_DIR/<name>`.
    public let directory: URL
    let layout: DataLayout
    let policy: RemoteAttachPolicy
    let environment: [String: String]
    let gracePeriod: Duration
    let logger: Logger
    private let lane = SerialLane()
    /// The report of a run ``discover()`` made, for the sync that follows it in the same sync run.
    private let pendingReport = Mutex<CustomRunReport?>(nil)

    /// Creates the connector of `directory`. `environment` is the server's (variables named in its `env`
    /// are taken from it); `gracePeriod` is the time between SIGTERM and SIGKILL when it is stopped.
    public init(
        name: Identifier, directory: URL, layout: DataLayout, policy: RemoteAttachPolicy,
        environment: [String: String], gracePeriod: Duration = .seconds(5), logger: Logger
    ) {
        self.sourceType = name.rawValue
        self.name = name
        self.directory = directory
        self.layout = layout
        self.policy = policy
        self.environment = environment
        self.gracePeriod = gracePeriod
        self.logger = logger
    }

    public func discover() async throws -> [DiscoveredTable] {
        let writer = ExtractWriter(sourceDirectory: layout.sourceDirectory(name))
        if !FileManager.default.fileExists(atPath: writer.extractFile.path) {
            // Its tables are known only once it has run: run it now, so that they can be registered.
            do {
                let report = try await run()
                pendingReport.withLock { $0 = report }
            } catch {
                logger.error(
                    "custom connector failed before it ever produced an extract; it has no tables yet",
                    metadata: ["source": "\(name)", "error": "\(error.message)"])
                return []
            }
        }
        let previous = try await offloaded("agnes.custom.discover") { PreviousExtract.read(writer.extractFile) }
        return previous.values.sorted { $0.name < $1.name }.map { table in
            DiscoveredTable(
                id: table.name.rawValue, sourceName: table.name.rawValue, sizeBytes: table.sizeBytes, rows: table.rows,
                description: table.description)
        }
    }

    public func sync(_ request: ConnectorSyncRequest) async throws -> ConnectorSyncResult {
        let due = Set(request.due.map(\.id))
        let pending = pendingReport.withLock { report in
            defer { report = nil }
            return report
        }
        let result: Result<CustomRunReport, CustomConnectorError>
        if let pending {
            result = .success(pending)
        } else {
            do {
                result = .success(try await run(keeping: Set(request.registered.map(\.id)).subtracting(due)))
            } catch {
                result = .failure(error)
            }
        }
        return ConnectorSyncResult(
            outcomes: request.due.map { outcome(for: $0.id, of: result) },
            changedExtract: (try? result.get().rewroteExtract) ?? false)
    }

    private func outcome(for table: String, of result: Result<CustomRunReport, CustomConnectorError>)
        -> SyncTableOutcome
    {
        switch result {
        case .failure(let error):
            return .init(tableID: table, source: sourceType, kind: .failed, reason: error.message)
        case .success(let report):
            if let rows = report.synced[table] {
                return .init(
                    tableID: table, source: sourceType, kind: .synced, rows: rows, durationMS: report.durationMS)
            }
            if let rows = report.unchanged[table] {
                return .init(
                    tableID: table, source: sourceType, kind: .unchanged, reason: "its data did not change", rows: rows)
            }
            return .init(
                tableID: table, source: sourceType, kind: .failed,
                reason:
                    "the connector's _meta no longer lists it; it is no longer served (unregister it, or make the connector publish it again)"
            )
        }
    }

    /// Runs the connector once and publishes what it wrote; tables in `keeping` keep their previous data.
    /// The sync's cancellation stops the process.
    public func run(keeping: Set<String> = []) async throws(CustomConnectorError) -> CustomRunReport {
        try await lane.run { () async throws(CustomConnectorError) -> CustomRunReport in
            let cancellation = CancellationFlag()
            do {
                return try await withTaskCancellationHandler {
                    try await offloaded("agnes.custom.\(name)") { [self] in
                        try runBlocking(keeping: keeping, cancellation: cancellation)
                    }
                } onCancel: {
                    cancellation.set()
                }
            } catch let error as CustomConnectorError {
                logger.error(
                    "custom connector run failed; its previous extract keeps serving",
                    metadata: ["source": "\(name)", "code": "\(error.code)", "error": "\(error.message)"])
                throw error
            } catch {
                throw CustomConnectorError(.publish, "the run failed: \(error)", cause: error)
            }
        }
    }
}
