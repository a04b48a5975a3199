import AgnesConnectors
import AgnesCore
import AgnesData
import AgnesStore
import Foundation
import Logging
import Synchronization

/// Sync runs, one at a time: due connectors → one rebuild → profiles of changed tables (the
/// orchestrator's observer), with an outcome for every table kept in `sync_history`.
///
/// A trigger answers at once with its run. While a run works, further triggers share one queued run
/// (their table lists merged; "every due table" wins over a list), so a trigger is never lost and
/// never doubled.
///
/// ```swift
/// let run = try await pipeline.trigger(tables: nil, trigger: "api", requestedBy: user.id)
/// let finished = await pipeline.completion(of: run.id)
/// ```
public final class SyncPipeline: Sendable {
    private struct State {
        var running: SyncRun?
        var queued: SyncRun?
        var isDraining = false
        var waiters: [String: [CheckedContinuation<SyncRun?, Never>]] = [:]
        /// Sources whose connector call outlived its timeout and has not returned yet.
        var stuckSources: Set<String> = []
    }

    let store: SystemStore
    let runs: SyncRunRepository
    let registry: DuckDBTableRegistryRepository
    let orchestrator: Orchestrator
    let connectors: [String: any Connector]
    let settings: SyncSettings
    let alerts: SyncAlertSender?
    let now: @Sendable () -> Date
    let logger: Logger
    private let state = Mutex(State())
    /// Writes of run rows, in the order their state changed.
    private let writes = SerialLane()

    /// Creates the pipeline over the store, the orchestrator and one connector per source type.
    public init(
        store: SystemStore, orchestrator: Orchestrator, connectors: [any Connector], settings: SyncSettings,
        alerts: SyncAlertSender? = nil, now: @escaping @Sendable () -> Date = { Date() }, logger: Logger
    ) {
        self.store = store
        self.runs = SyncRunRepository(store: store)
        self.registry = DuckDBTableRegistryRepository(store: store)
        self.orchestrator = orchestrator
        self.connectors = Dictionary(connectors.map { ($0.sourceType, $0) }) { first, _ in first }
        self.settings = settings
        self.alerts = alerts
        self.now = now
        self.logger = logger
    }

    /// The connector of a source type, when one is built and configured.
    public func connector(for sourceType: String) -> (any Connector)? { connectors[sourceType] }

    /// Records runs an earlier process left unfinished as interrupted (call once at start-up).
    @discardableResult
    public func recoverInterruptedRuns() async throws -> [String] {
        let ids = try await runs.interruptUnfinished(at: now())
        if !ids.isEmpty {
            logger.warning("sync runs interrupted by the last stop", metadata: ["runs": "\(ids.joined(separator: ","))"])
        }
        return ids
    }

    /// Asks for a run of `tables` (ids, bypassing schedules) or, when nil, of every due table; returns
    /// the run that will do it (a new one, or the queued one it joined) without waiting for it.
    public func trigger(tables: [String]?, trigger: String, requestedBy: String?) async throws -> SyncRun {
        let (run, startsDrain) = state.withLock { state -> (SyncRun, Bool) in
            if var queued = state.queued {
                queued.requestedTables = Self.merge(queued.requestedTables, tables)
                state.queued = queued
                return (queued, false)
            }
            let run = SyncRun(
                id: UUID().uuidString.lowercased(), trigger: trigger, requestedBy: requestedBy,
                requestedTables: tables.map { Array(Set($0)).sorted() }, status: .queued, queuedAt: now())
            state.queued = run
            defer { state.isDraining = true }
            return (run, !state.isDraining)
        }
        // The drain starts whatever becomes of the save below: a store error must not leave the queue
        // claimed with nothing draining it.
        if startsDrain { Task { await drain() } }
        do {
            try await writes.run {
                // Written only while still queued: once taken up, the drain writes it.
                if let queued = state.withLock({ $0.queued?.id == run.id ? $0.queued : nil }) {
                    try await runs.save(queued)
                }
            }
        } catch {
            logger.error("queued sync run could not be recorded", metadata: ["run": "\(run.id)", "error": "\(error)"])
        }
        return run
    }

    /// Triggers a run and waits for it to finish.
    public func run(tables: [String]?, trigger: String, requestedBy: String?) async throws -> SyncRun {
        let run = try await self.trigger(tables: tables, trigger: trigger, requestedBy: requestedBy)
        return await completion(of: run.id) ?? run
    }

    /// Waits until run `id` has finished and returns it as stored (nil for an unknown id).
    public func completion(of id: String) async -> SyncRun? {
        let isPending = state.withLock { $0.running?.id == id || $0.queued?.id == id }
        if isPending {
            let finished = await withCheckedContinuation { (continuation: CheckedContinuation<SyncRun?, Never>) in
                let stillPending = state.withLock { state -> Bool in
                    guard state.running?.id == id || state.queued?.id == id else { return false }
                    state.waiters[id, default: []].append(continuation)
                    return true
                }
                if !stillPending { continuation.resume(returning: nil) }
            }
            if let finished { return finished }
        }
        return try? await runs.find(id: id)
    }

    /// Waits until no run is running or queued (tests, shutdown).
    public func idle() async {
        while let id = state.withLock({ $0.queued?.id ?? $0.running?.id }) {
            _ = await completion(of: id)
        }
    }

    /// The run working now and the one queued behind it.
    public var activeRuns: (running: SyncRun?, queued: SyncRun?) {
        state.withLock { ($0.running, $0.queued) }
    }

    private func drain() async {
        while true {
            let next = state.withLock { state -> SyncRun? in
                guard var run = state.queued else {
                    state.isDraining = false
                    return nil
                }
                state.queued = nil
                run.status = .running
                run.startedAt = now()
                state.running = run
                return run
            }
            guard let run = next else { return }
            try? await writes.run { try await runs.save(run) }
            let finished = await execute(run)
            do {
                try await writes.run { try await runs.save(finished) }
            } catch {
                logger.error("sync run could not be recorded", metadata: ["run": "\(run.id)", "error": "\(error)"])
            }
            let waiters = state.withLock { state -> [CheckedContinuation<SyncRun?, Never>] in
                state.running = nil
                return state.waiters.removeValue(forKey: run.id) ?? []
            }
            for waiter in waiters { waiter.resume(returning: finished) }
        }
    }

    static func merge(_ first: [String]?, _ second: [String]?) -> [String]? {
        guard let first, let second else { return nil }
        return Array(Set(first).union(second)).sorted()
    }

    /// Sources whose last connector call timed out and is still running.
    var stuckSources: Set<String> { state.withLock { $0.stuckSources } }

    func setStuck(_ source: String, _ isStuck: Bool) {
        state.withLock { state in
            if isStuck { state.stuckSources.insert(source) } else { state.stuckSources.remove(source) }
        }
    }
}
