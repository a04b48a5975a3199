import AgnesCore
import AgnesStore
import DuckDB
import Foundation
import Logging
import Synchronization

/// Rebuilds the analytics database from every source's extract and swaps it in atomically.
///
/// One rebuild runs at a time; callers arriving while one runs share the next run (which starts
/// after the current one and sees everything published before they asked).
///
/// ```swift
/// let result = try await orchestrator.rebuild()
/// print(result.sources)      // ["local": ["customers", "events", "orders"]]
/// ```
public final class Orchestrator: Sendable {
    private struct State {
        var running: Task<RebuildResult, any Error>?
        var next: Task<RebuildResult, any Error>?
    }

    /// Where the data lives.
    public let layout: DataLayout
    let policy: RemoteAttachPolicy
    let syncStates: any SyncStateRepository
    let ownership: any ViewOwnershipRepository
    let recorder: any RebuildRecorder
    let analytics: AnalyticsDatabase
    let logger: Logger
    /// How long unused versions of published files are kept.
    let retention: VersionRetention
    private let state = Mutex(State())
    let inspectionCache = InspectionCache()
    /// Per source, the fingerprint of a data directory the last collection left with nothing to wait for.
    let collectionMemos = Mutex<[String: CollectionMemo]>([:])
    /// Called after every successful rebuild (see ``onRebuild(_:)``).
    let observers = Mutex<[@Sendable (RebuildResult) -> Void]>([])

    /// Creates an orchestrator over `layout` that records to `store` and reloads `analytics`. After each
    /// rebuild it deletes versions of published files that nothing has used for `retention`'s grace period.
    public init(
        layout: DataLayout, store: SystemStore, analytics: AnalyticsDatabase, policy: RemoteAttachPolicy,
        retention: VersionRetention = .standard, logger: Logger
    ) {
        self.layout = layout
        self.policy = policy
        self.syncStates = DuckDBSyncStateRepository(store: store)
        self.ownership = DuckDBViewOwnershipRepository(store: store)
        self.recorder = DuckDBRebuildRecorder(store: store)
        self.analytics = analytics
        self.retention = retention
        self.logger = logger
    }

    /// Rebuilds now, or joins the rebuild queued behind the running one.
    public func rebuild() async throws -> RebuildResult {
        let task = state.withLock { current -> Task<RebuildResult, any Error> in
            if let next = current.next { return next }
            let previous = current.running
            let task = Task<RebuildResult, any Error> { [self] in
                if let previous {
                    // This task is `next` (callers join it, never replace it): it becomes the running one.
                    _ = await previous.result
                    state.withLock { current in
                        current.running = current.next
                        current.next = nil
                    }
                }
                return try await performRebuild()
            }
            if previous == nil {
                current.running = task
            } else {
                current.next = task
            }
            return task
        }
        let result = await task.result
        state.withLock { current in
            if current.running == task, current.next == nil { current.running = nil }
        }
        return try result.get()
    }

    /// Registers `observer` to be told of every successful rebuild, right before its caller is. It runs
    /// on the rebuild's task and must return at once (start background work, never wait for it).
    public func onRebuild(_ observer: @escaping @Sendable (RebuildResult) -> Void) {
        observers.withLock { $0.append(observer) }
    }

    /// Rebuilds after one source changed (the analytics database is always rebuilt whole).
    public func rebuildSource(_ source: String) async throws -> RebuildResult {
        try await rebuild()
    }

    private func performRebuild() async throws -> RebuildResult {
        var clock = PhaseClock()
        let owners = Dictionary(
            try await ownership.owners().map { ($0.viewName, $0.sourceName) }, uniquingKeysWith: { a, _ in a })
        let previous = Dictionary(try await syncStates.list().map { ($0.tableID, $0) }, uniquingKeysWith: { a, _ in a })
        clock.lap("read_state")
        let builder = AnalyticsBuilder(layout: layout, policy: policy, owners: owners, cache: inspectionCache)
        let layout = self.layout
        let (output, record, phases) = try await offloaded("agnes.orchestrator") {
            var clock = PhaseClock()
            try FileManager.default.createDirectory(at: layout.analyticsDirectory, withIntermediateDirectories: true)
            Publisher.removeStaleTemporaries(in: layout.analyticsDirectory)
            let temporary = Publisher.temporaryURL(for: layout.analyticsFile)
            do {
                let output = try builder.build(into: temporary, previous: layout.analyticsFile)
                clock.lap("build")
                clock.merge(output.phases)
                let record = try SyncStateDiff.record(for: output, previous: previous, now: Date())
                clock.lap("hash_and_diff")
                try Self.swap(temporary, into: layout.analyticsFile)
                clock.lap("swap")
                return (output, record, clock.phases)
            } catch {
                try? FileManager.default.removeItem(at: temporary)
                try? FileManager.default.removeItem(atPath: temporary.path + ".wal")
                throw error
            }
        }
        clock.merge(phases)
        try await recorder.record(record)
        clock.lap("record")
        let generation = try await analytics.reload()
        clock.lap("reload")
        // After the reload, so that the generation just retired counts as open while work still holds it.
        _ = try? await offloaded("agnes.orchestrator.collect") { [self] in collectUnusedVersions() }
        clock.lap("collect")
        let result = RebuildResult(
            sources: output.sources, issues: output.issues, generation: generation, durationMS: clock.totalMS,
            phasesMS: clock.phases)
        for issue in output.issues { logger.warning("rebuild: \(issue)") }
        logger.info(
            "analytics rebuilt",
            metadata: [
                "generation": "\(generation)", "views": "\(result.views.count)", "issues": "\(output.issues.count)",
                "ms": "\(result.durationMS)", "phases_ms": "\(clock.phases)",
            ])
        for observer in observers.withLock({ $0 }) { observer(result) }
        return result
    }

    /// Moves the finished file over the current generation: durable, atomic, and never leaving a
    /// stale WAL next to the new file.
    static func swap(_ temporary: URL, into target: URL) throws {
        try? FileManager.default.removeItem(atPath: temporary.path + ".wal")
        let descriptor = open(temporary.path, O_RDONLY)
        if descriptor >= 0 {
            fsync(descriptor)
            close(descriptor)
        }
        try? FileManager.default.removeItem(atPath: target.path + ".wal")
        guard rename(temporary.path, target.path) == 0 else { throw PublishError.system("rename", target.path) }
        Publisher.syncDirectory(target.deletingLastPathComponent())
    }
}
