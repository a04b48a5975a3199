import AgnesConnectors
import AgnesCore
import AgnesStore
import Foundation
import Logging

/// The OpenMetadata catalog export (REFERENCE §4.5): table and column docs of every registered table
/// and the metric definitions of a data product (or a tag, or all), from OpenMetadata into the
/// catalog's column metadata, table metadata and metric definitions.
///
/// It owns only the rows it wrote (source `openmetadata`): a row an admin wrote by hand is never
/// overwritten nor removed, and is counted as kept. Rows it wrote earlier that OpenMetadata no longer
/// has (a column without docs now, a table OpenMetadata answers 404 for, a table no longer registered,
/// a metric no longer discovered) are removed. A table OpenMetadata does not have is skipped, not a
/// failure. A refused token or an unreachable server stops the run (``CatalogExportFailure``) before
/// anything is removed; any other failure is recorded for its table or metric and the run goes on,
/// keeping that item's earlier rows.
///
/// Where the original wrote YAML files under `docs/`, this writes the same information into the
/// system store, which `/api/metrics`, `/api/admin/metadata/{table}` and the catalogs serve.
///
/// ```swift
/// let export = CatalogExport(settings: settings.openMetadata, store: store, logger: logger)
/// let report = try await export?.run()
/// ```
public struct CatalogExport: Sendable {
    /// What to read and how to map tables to FQNs.
    public let settings: OpenMetadataSettings
    /// How to reach OpenMetadata.
    public let configuration: OpenMetadataConfiguration
    let store: SystemStore
    let logger: Logger

    /// Creates the export; nil when OpenMetadata is not configured (no URL or no token).
    public init?(
        settings: OpenMetadataSettings, store: SystemStore, retry: RetryPolicy = RetryPolicy(), logger: Logger
    ) {
        guard let url = settings.url, let token = settings.token else { return nil }
        self.settings = settings
        self.configuration = OpenMetadataConfiguration(
            baseURL: url, token: token, tokenSource: settings.tokenSource, verifiesTLS: settings.verifiesTLS,
            timeout: .seconds(settings.timeoutSeconds), retry: retry)
        self.store = store
        self.logger = logger
    }

    /// Runs the export on an HTTP client of its own.
    public func run() async throws -> CatalogExportReport {
        try await OpenMetadataClient.with(configuration, logger: logger) { client in try await run(with: client) }
    }

    /// Runs the export with `client`.
    public func run(with client: OpenMetadataClient) async throws -> CatalogExportReport {
        var report = CatalogExportReport()
        let imports = CatalogImportRepository(store: store)
        do {
            let registered = try await DuckDBTableRegistryRepository(store: store).list(sourceType: nil)
            for table in registered {
                try await exportTable(table, client: client, imports: imports, into: &report)
            }
            report.removed += try await imports.removeTables(notIn: Set(registered.map(\.id)))
            try await exportMetrics(client: client, imports: imports, into: &report)
        } catch let error as OpenMetadataError where error.isFatal {
            logger.error("catalog export stopped", metadata: ["error": "\(error.message)"])
            throw CatalogExportFailure(report: report, message: error.message)
        }
        logger.info("catalog export finished", metadata: ["summary": "\(report.summary)"])
        return report
    }

    /// One registered table: its docs written, or its earlier rows removed when OpenMetadata does not
    /// have it (404). Fatal client errors go up; others are recorded and its rows stay.
    func exportTable(
        _ table: TableRegistration, client: OpenMetadataClient, imports: CatalogImportRepository,
        into report: inout CatalogExportReport
    ) async throws {
        guard let fqn = settings.fqn(for: table) else {
            logger.debug(
                "no FQN for a table", metadata: ["table": "\(table.id)", "template": "\(settings.fqnTemplate)"])
            report.skippedTables.append(table.id)
            return
        }
        do {
            guard let documented = try await client.table(fqn: fqn) else {
                report.skippedTables.append(table.id)
                report.removed += try await imports.removeTable(table.id)
                return
            }
            let counts = try await imports.importTable(
                OpenMetadataCatalog.tableMetadata(of: documented, tableID: table.id, fqn: fqn),
                columns: OpenMetadataCatalog.columns(of: documented, tableID: table.id))
            report.tables += 1
            report.columns += counts.written
            report.keptManual += counts.keptManual
            report.removed += counts.removed
        } catch let error as OpenMetadataError where !error.isFatal {
            report.errors.append("table \(table.id) (\(fqn)): \(error.message)")
        }
    }
}
