import AgnesCore
import AgnesData
import DuckDB
import Foundation
import Logging

/// The local folder (`DATA_DIR/sources/local`) as a ``Connector``: every file there becomes a
/// registered table, converted when its file changes. Syncs of the folder run one at a time (a sync
/// run and an upload never write the extract together).
public final class LocalFilesConnector: Connector {
    public let sourceType = LocalFilesSource.sourceName.rawValue
    public let registersDiscoveredTables = true
    let source: LocalFilesSource
    private let lane = SerialLane()

    /// Creates the connector over a data layout.
    public init(layout: DataLayout, logger: Logger) {
        source = LocalFilesSource(layout: layout, logger: logger)
    }

    public func discover() async throws -> [DiscoveredTable] {
        let source = self.source
        return try await offloaded("agnes.local.discover") {
            try source.discover().map { file in
                DiscoveredTable(
                    id: file.table ?? "", sourceName: file.fileName, sizeBytes: file.sizeBytes,
                    problem: file.table == nil
                        ? "no table name can be derived from the file name"
                        : file.claimedBy.map { "its table already comes from \($0)" })
            }
        }
    }

    public func sync(_ request: ConnectorSyncRequest) async throws -> ConnectorSyncResult {
        let report = try await syncReport(registered: request.registered, due: Set(request.due.map(\.id)))
        var outcomes: [SyncTableOutcome] = []
        let failures = Dictionary(report.failures.compactMap { f in f.table.map { ($0, f.message) } }) { a, _ in a }
        let published = Set(report.published)
        let unchanged = Set(report.unchanged)
        for table in request.due {
            let duration = report.durations[table.id]
            if let failure = failures[table.id] {
                outcomes.append(.init(tableID: table.id, source: sourceType, kind: .failed, reason: failure))
            } else if published.contains(table.id) {
                outcomes.append(
                    .init(
                        tableID: table.id, source: sourceType, kind: .synced, rows: report.rows[table.id],
                        durationMS: duration))
            } else if unchanged.contains(table.id) {
                outcomes.append(
                    .init(
                        tableID: table.id, source: sourceType, kind: .unchanged, reason: "its file did not change",
                        rows: report.rows[table.id]))
            } else {
                outcomes.append(
                    .init(tableID: table.id, source: sourceType, kind: .failed, reason: "the local source skipped it"))
            }
        }
        return ConnectorSyncResult(outcomes: outcomes, changedExtract: report.rewroteExtract)
    }

    /// Syncs through the folder's lane (also what uploads use).
    public func syncReport(registered: [TableRegistration], due: Set<String>) async throws -> LocalSyncReport {
        let source = self.source
        return try await lane.run {
            try await offloaded("agnes.local-sync") { try source.sync(registered: registered, due: due) }
        }
    }
}
