import AgnesConnectors
import AgnesCore
import AgnesData
import AgnesJobs
import AgnesStore
import Foundation

/// Removes what an unregistered table left on disk and in the served database: its data file in its
/// source's extract (and, for the local folder, its input file, or the next run would register it
/// again), then one rebuild so that its view is gone when the request answers.
struct TableRemoval {
    let services: AgnesServices

    /// Removes the table's files and view; returns the files removed (relative to `DATA_DIR`).
    func remove(_ table: TableRegistration) async throws -> [String] {
        let layout = services.layout
        var removed: [String] = []
        let manager = FileManager.default
        if table.sourceType == LocalFilesSource.sourceName.rawValue {
            let remaining = try await DuckDBTableRegistryRepository(store: services.store).list(
                sourceType: LocalFilesSource.sourceName.rawValue)
            // A file another registration still reads (its id or its source_table) stays.
            let inputs = try await services.localFiles.discover().filter { input in
                let isThis = table.sourceTable.map(input.isNamed) ?? (input.problem == nil && input.id == table.id)
                let isOthers = remaining.contains { other in
                    other.sourceTable.map(input.isNamed) ?? (input.problem == nil && input.id == other.id)
                }
                return isThis && !isOthers
            }
            for input in inputs {
                let file = layout.localSourceDirectory.appendingPathComponent(input.sourceName)
                if (try? manager.removeItem(at: file)) != nil { removed.append("sources/local/\(input.sourceName)") }
            }
            // Rewrites the extract without it (its canonical parquet goes; versions once unused).
            let report = try await services.localFiles.syncReport(registered: remaining, due: [])
            removed += report.removed.map { "extracts/local/data/\($0).parquet" }
        } else if let source = table.sourceType.flatMap(Identifier.init), let name = Identifier(table.id) {
            let file = layout.dataFile(source: source, table: name)
            let partitions = layout.dataDirectory(source).appendingPathComponent("\(name.rawValue).partitions")
            let delta = layout.deltaFile(source: source, table: name)
            for path in [file.path, file.path + ".tmp", partitions.path, delta.path]
            where manager.fileExists(atPath: path) {
                try? manager.removeItem(atPath: path)
                removed.append(String(path.dropFirst(layout.root.path.count + 1)))
            }
            if table.sourceType == services.keboola.sourceType {
                // The extract lists it until it is written without it.
                let remaining = try await DuckDBTableRegistryRepository(store: services.store).list(
                    sourceType: services.keboola.sourceType)
                _ = try await services.keboola.sync(ConnectorSyncRequest(due: [], registered: remaining))
            }
        }
        _ = try await services.orchestrator.rebuild()
        return removed
    }
}
