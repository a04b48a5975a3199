import AgnesCore
import AgnesStore
import DuckDB
import Foundation
import Logging
import Synchronization

/// Profiles tables of the current analytics generation and stores the documents in `table_profiles`:
/// on request (``profile(tableID:)``, the refresh route) and in the background after every rebuild
/// for tables whose data changed or that have no profile yet (``scheduleAfterRebuild()``).
///
/// One profiling runs at a time, whoever asked (a ``SerialLane``), on a dispatch queue of its own, so
/// neither a rebuild, an HTTP request nor the cooperative pool ever waits for DuckDB's work.
///
/// ```swift
/// let profiling = ProfilingService(store: store, analytics: analytics, settings: settings.profiler, logger: logger)
/// orchestrator.onRebuild { _ in profiling.scheduleAfterRebuild() }
/// let document = try await profiling.profile(tableID: "orders")
/// ```
public final class ProfilingService: Sendable {
    /// The profiler used.
    public let profiler: TableProfiler
    let analytics: AnalyticsDatabase
    let registry: any TableRegistryRepository
    let profiles: any TableProfileRepository
    let syncStates: any SyncStateRepository
    let metrics: any MetricDefinitionRepository
    let logger: Logger
    let lane = SerialLane()
    let background = Mutex(BackgroundState())

    /// Creates the service over the store and the analytics database.
    public init(
        store: SystemStore, analytics: AnalyticsDatabase, settings: ProfilerSettings,
        limits: ProfilerLimits = ProfilerLimits(), logger: Logger
    ) {
        self.profiler = TableProfiler(settings: settings, limits: limits)
        self.analytics = analytics
        self.registry = DuckDBTableRegistryRepository(store: store)
        self.profiles = DuckDBTableProfileRepository(store: store)
        self.syncStates = DuckDBSyncStateRepository(store: store)
        self.metrics = DuckDBMetricDefinitionRepository(store: store)
        self.logger = logger
    }

    /// Profiles the table now (after any profiling already running), stores the document and returns it.
    public func profile(tableID: String) async throws(ProfilingError) -> ProfileDocument {
        try await lane.run { () async throws(ProfilingError) -> ProfileDocument in
            try await profileNow(tableID: tableID)
        }
    }

    /// The work of ``profile(tableID:)``; the caller holds the lane.
    func profileNow(tableID: String) async throws(ProfilingError) -> ProfileDocument {
        let generation: AnalyticsDatabase.Generation
        let table: ServedTable
        do {
            guard let current = analytics.generation, let served = try await current.servedTables()[tableID] else {
                throw ProfilingError.noLocalData(tableID)
            }
            generation = current
            table = served
        } catch let error as ProfilingError {
            throw error
        } catch {
            throw .failed("the served tables cannot be read: \(error)")
        }
        guard let file = table.file else { throw .noLocalData(tableID) }
        let started = ContinuousClock.now
        do {
            let subject = try await subject(for: table, file: file)
            let profiler = self.profiler
            let document = try await offloaded("agnes.profiler") {
                // The generation keeps its files from collection until the profile is done.
                try withExtendedLifetime(generation) { try profiler.profile(subject) }
            }
            try await profiles.save(tableID: tableID, profile: document)
            background.withLock { $0.profiledMD5[tableID] = table.contentVersion }
            logger.info(
                "table profiled",
                metadata: [
                    "table": "\(tableID)", "rows": "\(document.rowCount)", "sampled": "\(document.isSampled)",
                    "ms": "\((ContinuousClock.now - started).milliseconds)",
                ])
            return document
        } catch let error as DuckDBError {
            throw .failed(error.message)
        } catch {
            throw .failed("\(error)")
        }
    }

    /// What the registry, the sync state and the metrics know about a served table.
    func subject(for table: ServedTable, file: URL) async throws -> ProfileSubject {
        let registration = try await registry.find(id: table.id)
        let state = try await syncStates.find(tableID: table.id)
        let used = try await metrics.list(category: nil)
            .filter { $0.uses(table: table.id) }
            .map { MetricReference(name: $0.name, file: "\($0.id).yml") }
        let names = Dictionary(used.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        return ProfileSubject(
            tableID: table.id, file: file, fileSizeBytes: table.dataSizeBytes,
            description: registration?.description,
            primaryKey: registration?.primaryKey ?? [], syncStrategy: registration?.syncStrategy.rawValue,
            lastSync: state?.lastSync, usedByMetrics: names.keys.sorted().compactMap { names[$0] }, delta: table.delta)
    }
}

/// Why a table could not be profiled.
public enum ProfilingError: Error, Sendable, Equatable {
    /// The current generation serves no local file for the table (unknown, remote, or not built yet).
    case noLocalData(String)
    /// Reading or storing failed (the message says why).
    case failed(String)
}
