import DuckDB
import Foundation
import Synchronization

/// Runs callers' SQL in query sandboxes over the current analytics generation, reusing one sandbox
/// for every caller with the same readable tables in the same generation, so the common path costs
/// no database setup. Sandboxes of older generations are dropped as soon as a newer one is asked for;
/// queries still running on them finish first.
///
/// ```swift
/// let engine = QueryEngine(analytics: analytics, layout: layout, limits: SandboxLimits())
/// let result = try await engine.run("SELECT count(*) FROM orders", limit: 1000, readable: ["orders"])
/// ```
public final class QueryEngine: Sendable {
    struct Key: Hashable {
        let generation: Int
        let tables: [String]
    }

    struct Entry {
        let task: Task<QuerySandbox, any Error>
        var lastUsed: UInt64
    }

    struct State {
        var entries: [Key: Entry] = [:]
        var tick: UInt64 = 0
    }

    let analytics: AnalyticsDatabase
    let layout: DataLayout
    /// How sandboxes reach their files (`DATA_DIR/tmp/sandbox`).
    public let files: SandboxFiles
    /// The limits every sandbox gets.
    public let limits: SandboxLimits
    /// The readers of sources whose remote tables sandboxes hold.
    public let remote: RemoteSources
    private let state = Mutex(State())

    /// Creates an engine over the analytics database of `layout`.
    /// `onUnlinkedFile` is told once when a table's file cannot be hard-linked for a sandbox (see
    /// ``SandboxFiles``).
    public init(
        analytics: AnalyticsDatabase, layout: DataLayout, limits: SandboxLimits, remote: RemoteSources = .none,
        onUnlinkedFile: (@Sendable (String) -> Void)? = nil
    ) {
        self.analytics = analytics
        self.remote = remote
        self.layout = layout
        self.limits = limits
        // Also clears what a crashed process left there.
        self.files = SandboxFiles(root: layout.sandboxTemporaryDirectory, onUnlinkedFile: onUnlinkedFile)
    }

    /// Runs `sql` for a caller who may read `readable` (nil: every table) and returns up to `limit` rows.
    public func run(_ sql: String, limit: Int, readable: Set<String>?) async throws(SandboxError) -> SandboxResult {
        let sandbox: QuerySandbox
        do {
            sandbox = try await self.sandbox(readable: readable)
        } catch let error as SandboxError {
            throw error
        } catch {
            throw .query("the query sandbox cannot be opened: \(error)")
        }
        return try await sandbox.run(sql, limit: limit)
    }

    /// The sandbox for a caller who may read `readable` (nil: every table), built on first use.
    public func sandbox(readable: Set<String>?) async throws -> QuerySandbox {
        guard let generation = analytics.generation else { throw SandboxError.notReady }
        let served = try await generation.servedTables()
        let remote = self.remote
        let permitted = served.values.filter { table in
            (table.file != nil || (table.queryMode == "remote" && remote.readers[table.source] != nil))
                && (readable?.contains(table.id) ?? true)
        }
        let key = Key(generation: generation.number, tables: permitted.map(\.id).sorted())
        let (limits, files) = (self.limits, self.files)
        let task = state.withLock { state -> Task<QuerySandbox, any Error> in
            state.tick += 1
            if var entry = state.entries[key] {
                entry.lastUsed = state.tick
                state.entries[key] = entry
                return entry.task
            }
            // Older generations are done with once a newer one is asked for.
            state.entries = state.entries.filter { $0.key.generation >= key.generation }
            let task = Task {
                try await offloaded("agnes.sandbox.open") {
                    try QuerySandbox(tables: permitted, limits: limits, files: files, owner: generation, remote: remote)
                }
            }
            state.entries[key] = Entry(task: task, lastUsed: state.tick)
            if state.entries.count > limits.cachedSandboxes,
                let oldest = state.entries.min(by: { $0.value.lastUsed < $1.value.lastUsed })?.key
            {
                state.entries[oldest] = nil
            }
            return task
        }
        do {
            return try await task.value
        } catch {
            state.withLock { state in
                if state.entries[key]?.task == task { state.entries[key] = nil }
            }
            throw error
        }
    }

    /// The number of sandboxes kept for reuse.
    public var cachedCount: Int { state.withLock { $0.entries.count } }
}
