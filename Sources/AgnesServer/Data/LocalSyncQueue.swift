import AgnesConnectors
import AgnesData
import DuckDB
import Logging
import Synchronization

/// Runs syncs of the local source (`DATA_DIR/sources/local`) one after another, off the cooperative
/// pool: two uploads arriving together must not write the same extract at once.
final class LocalSyncQueue: Sendable {
    let layout: DataLayout
    let logger: Logger
    private let last = Mutex<Task<Void, Never>?>(nil)

    init(layout: DataLayout, logger: Logger) {
        self.layout = layout
        self.logger = logger
    }

    /// Syncs after every sync asked for before this one has finished.
    func sync() async throws -> LocalSyncReport {
        let source = LocalFilesSource(layout: layout, logger: logger)
        let task = last.withLock { last -> Task<LocalSyncReport, any Error> in
            let previous = last
            let task = Task {
                await previous?.value
                return try await offloaded("agnes.local-sync") { try source.sync() }
            }
            last = Task { _ = try? await task.value }
            return task
        }
        return try await task.value
    }
}
