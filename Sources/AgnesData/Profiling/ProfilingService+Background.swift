import AgnesCore
import AgnesStore
import Foundation
import Logging
import Synchronization

/// A background profiling that failed; kept until the table's data changes or a profiling succeeds.
public struct ProfilingFailure: Sendable, Hashable {
    /// The table.
    public let tableID: String
    /// The content hash of the file that failed (the same file is not tried again).
    public let md5: String?
    /// What went wrong.
    public let message: String
    /// When.
    public let failedAt: Date
}

/// The background side of ``ProfilingService``.
struct BackgroundState {
    /// The running pass.
    var pass: Task<Void, Never>?
    /// A rebuild happened since the running pass looked for work.
    var isRequested = false
    var failures: [String: ProfilingFailure] = [:]
    /// The content hash each table's stored profile was made from (this process's profilings only).
    var profiledMD5: [String: String] = [:]
}

extension ProfilingService {
    /// Asks for a background pass over the current generation and returns at once: a pass starts if
    /// none runs, else the running one looks for work once more when it is done. Call after each rebuild.
    public func scheduleAfterRebuild() {
        background.withLock { state in
            state.isRequested = true
            guard state.pass == nil else { return }
            state.pass = Task.detached(priority: .utility) { [self] in await drain() }
        }
    }

    /// Waits until no background pass runs or is asked for.
    public func waitUntilIdle() async {
        while let pass = background.withLock({ $0.pass }) { await pass.value }
    }

    /// Stops background profiling: no new pass starts from requests made so far, the running one is
    /// cancelled (its DuckDB query interrupted) and awaited. For a process about to exit: DuckDB must
    /// not be mid-query while the process tears down.
    public func stopBackground() async {
        let pass = background.withLock { state -> Task<Void, Never>? in
            state.isRequested = false
            return state.pass
        }
        pass?.cancel()
        await waitUntilIdle()
    }

    /// Background profilings that failed, by table.
    public var failures: [String: ProfilingFailure] { background.withLock { $0.failures } }

    private func drain() async {
        while background.withLock({ state -> Bool in
            if state.isRequested {
                state.isRequested = false
                return true
            }
            state.pass = nil
            return false
        }) {
            await backgroundPass()
        }
    }

    /// Profiles, one by one, every table of the current generation whose profile is stale. A failure
    /// is logged and recorded, and the pass goes on with the next table.
    func backgroundPass() async {
        let stale: [ServedTable]
        do {
            stale = try await staleTables()
        } catch {
            logger.error("profiling: the tables to profile cannot be listed: \(error)")
            return
        }
        for table in stale {
            if Task.isCancelled { return }
            do {
                _ = try await profile(tableID: table.id)
                background.withLock { _ = $0.failures.removeValue(forKey: table.id) }
            } catch {
                if Task.isCancelled { return }  // stopped (the process is ending): not the table's fault
                let message: String
                switch error {
                case .noLocalData: continue  // gone from the generation since it was listed
                case .failed(let text): message = text
                }
                logger.error("table profiling failed", metadata: ["table": "\(table.id)", "error": "\(message)"])
                background.withLock { state in
                    state.failures[table.id] = ProfilingFailure(
                        tableID: table.id, md5: table.contentVersion, message: message, failedAt: Date())
                }
            }
        }
    }

    /// Local tables of the current generation that have no profile, whose data changed since they were
    /// profiled (sync state `last_sync` after `profiled_at`, or another content hash than the one this
    /// process profiled), leaving out registrations with `profile_after_sync = false` and files that
    /// already failed.
    func staleTables() async throws -> [ServedTable] {
        guard let generation = analytics.generation else { return [] }
        let served = try await generation.servedTables()
        let profiled = Dictionary(
            try await profiles.list().map { ($0.tableID, $0.profiledAt) }, uniquingKeysWith: { first, _ in first })
        let changed = Dictionary(
            try await syncStates.list().map { ($0.tableID, $0.lastSync) }, uniquingKeysWith: { first, _ in first })
        let optedOut = Set(try await registry.list(sourceType: nil).filter { !$0.profileAfterSync }.map(\.id))
        let (failures, hashes) = background.withLock { ($0.failures, $0.profiledMD5) }
        return served.values.filter { table in
            guard table.file != nil, !optedOut.contains(table.id) else { return false }
            if let failure = failures[table.id], failure.md5 == table.contentVersion { return false }
            guard let entry = profiled[table.id], let profiledAt = entry else { return true }
            if let hash = hashes[table.id], hash != table.contentVersion { return true }
            guard let lastSync = changed[table.id] ?? nil else { return false }
            return profiledAt < lastSync
        }.sorted { $0.id < $1.id }
    }
}
