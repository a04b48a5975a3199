import AgnesConnectors
import AgnesCore
import AgnesData
import AgnesStore
import Foundation
import Logging
import Synchronization

extension SyncPipeline {
    /// Does one run; never throws (a broken run is a failed run with its reason).
    func execute(_ run: SyncRun) async -> SyncRun {
        var run = run
        var outcomes: [SyncTableOutcome] = []
        do {
            try await registerDiscoveredTables(for: run)
            let registered = try await registry.list(sourceType: nil)
            let checks = try await runs.checks()
            let started = now()
            var changed = false
            let requested = run.requestedTables.map(Set.init)
            if let requested {
                let known = Set(registered.map(\.id))
                for id in requested.subtracting(known).sorted() {
                    outcomes.append(.init(tableID: id, source: "", kind: .failed, reason: "it is not registered"))
                }
            }
            let bySource = Dictionary(grouping: registered) { $0.sourceType ?? "" }
            for source in bySource.keys.sorted() {
                let rows = bySource[source]!
                var due: [TableRegistration] = []
                for table in rows {
                    if let skipped = skipReason(table, requested: requested, checks: checks, now: started) {
                        outcomes.append(.init(tableID: table.id, source: source, kind: .skipped, reason: skipped))
                    } else {
                        due.append(table)
                    }
                }
                guard !due.isEmpty else { continue }
                let result = await sync(source: source, due: due, registered: rows)
                outcomes += result.outcomes
                await record(result.documentation, source: source)
                changed = changed || result.changedExtract
            }
            if changed || outcomes.contains(where: { $0.kind == .synced }) {
                let rebuild = try await orchestrator.rebuild()
                run.generation = rebuild.generation
                for issue in rebuild.issues {
                    guard let table = issue.table,
                        let index = outcomes.firstIndex(where: { $0.tableID == table && $0.kind == .synced })
                    else { continue }
                    outcomes[index].kind = .failed
                    outcomes[index].reason = "published, but the rebuild could not serve it: \(issue.message)"
                }
            }
        } catch {
            run.error = "\(error)"
        }
        let finishedAt = now()
        do {
            try await runs.record(outcomes, runID: run.id, at: finishedAt)
            try await runs.prune(before: finishedAt.addingTimeInterval(-Double(settings.historyRetentionDays) * 86_400))
        } catch {
            run.error = run.error ?? "its outcomes could not be recorded: \(error)"
        }
        let failed = outcomes.filter { $0.kind == .failed }
        let taken = outcomes.filter { $0.kind != .skipped }
        run.finishedAt = finishedAt
        if run.error != nil || (!taken.isEmpty && failed.count == taken.count) {
            run.status = .failed
        } else {
            run.status = failed.isEmpty ? .succeeded : .partial
        }
        logger.info(
            "sync run finished",
            metadata: [
                "run": "\(run.id)", "status": "\(run.status.rawValue)", "synced": "\(count(.synced, outcomes))",
                "unchanged": "\(count(.unchanged, outcomes))", "skipped": "\(count(.skipped, outcomes))",
                "failed": "\(failed.count)", "error": "\(run.error ?? "")",
            ])
        if !failed.isEmpty || run.error != nil, let alerts {
            await alerts.send(run: run, failures: failed, logger: logger)
        }
        return run
    }

    /// Writes what a source says about its tables into the catalog, as rows of that source: an
    /// admin's rows (or another source's) stay as they are. A failure is logged; the data sync stands.
    private func record(_ documentation: [SourceDocumentation], source: String) async {
        let catalog = CatalogImportRepository(store: store, source: source)
        for entry in documentation {
            do {
                _ = try await catalog.importTable(entry.table, columns: entry.columns)
            } catch {
                logger.warning(
                    "the source's documentation could not be recorded",
                    metadata: ["table": "\(entry.table.tableID)", "error": "\(error)"])
            }
        }
    }

    private func count(_ kind: SyncTableOutcome.Kind, _ outcomes: [SyncTableOutcome]) -> Int {
        outcomes.count { $0.kind == kind }
    }

    /// The schedule of a materialized table that names none.
    static let materializedSchedule = "every 1h"

    /// Why a table is not taken up in this run, nil when it is.
    func skipReason(
        _ table: TableRegistration, requested: Set<String>?, checks: [String: SyncRunRepository.Check], now: Date
    ) -> String? {
        let source = table.sourceType ?? ""
        if let requested {
            guard requested.contains(table.id) else { return "not requested" }
        }
        guard let connector = connectors[source] else {
            return source.isEmpty
                ? "it has no source type" : "no \(source) connector is configured on this server"
        }
        switch table.queryMode {
        case .remote where connector.remoteReader == nil:
            return
                "remote \(source) tables cannot be queried in this build yet; register it with query_mode local to sync it"
        case .materialized where !connector.materializes:
            return "materialized tables of \(source) are not supported yet"
        default: break
        }
        // A materialized table without a schedule runs hourly (REFERENCE §4.1 step 4).
        let schedule = table.syncSchedule ?? (table.queryMode == .materialized ? Self.materializedSchedule : nil)
        guard requested == nil, let text = schedule else { return nil }
        guard let schedule = try? Schedule(parsing: text) else {
            logger.warning("invalid sync_schedule; synced every run", metadata: ["table": "\(table.id)"])
            return nil
        }
        let last = checks[table.id]?.succeededAt
        guard schedule.isDue(lastRun: last, now: now) else {
            let next = schedule.nextRun(lastRun: last, now: now)
            return "not due (\(schedule), next at \(next.formatted(.iso8601)))"
        }
        return nil
    }

    /// Registers what a source that defines its own tables (the drop folder, custom connectors) offers and
    /// the registry does not know yet.
    private func registerDiscoveredTables(for run: SyncRun) async throws {
        guard run.requestedTables == nil else { return }
        if try await registry.list(sourceType: nil).isEmpty {
            for connector in connectors.values.sorted(by: { $0.sourceType < $1.sourceType })
            where connector.registersIntoEmptyRegistry {
                do {
                    for table in try await connector.discover() where table.problem == nil {
                        _ = try await registry.register(
                            TableRegistration(
                                id: table.id, name: table.id, sourceType: connector.sourceType, bucket: table.bucket,
                                sourceTable: table.sourceTable, queryMode: .local,
                                description: table.description
                                    ?? "Auto-discovered from \(connector.sourceType): \(table.sourceName)",
                                registeredBy: "system:auto-discovery"))
                    }
                    logger.info("empty registry: registered what \(connector.sourceType) offers")
                } catch {
                    logger.warning(
                        "empty registry: discovery failed",
                        metadata: ["source": "\(connector.sourceType)", "error": "\(error)"])
                }
            }
        }
        for connector in connectors.values where connector.registersDiscoveredTables {
            let registered = try await registry.list(sourceType: nil)
            let known = Set(registered.map(\.id))
            // A file an admin registered under another name (its source_table) is taken already.
            let claimed = registered.filter { $0.sourceType == connector.sourceType }.compactMap(\.sourceTable)
            for table in try await connector.discover()
            where table.problem == nil && !known.contains(table.id) && !claimed.contains(where: table.isNamed) {
                _ = try await registry.register(
                    TableRegistration(
                        id: table.id, name: table.id, sourceType: connector.sourceType, queryMode: .local,
                        description: table.description ?? "Local file \(table.sourceName)",
                        registeredBy: "system:\(connector.sourceType)-source"))
            }
        }
    }

    /// One connector's part of a run, bounded by the connector timeout.
    private func sync(source: String, due: [TableRegistration], registered: [TableRegistration]) async
        -> ConnectorSyncResult
    {
        func failing(_ reason: String) -> ConnectorSyncResult {
            ConnectorSyncResult(
                outcomes: due.map { .init(tableID: $0.id, source: source, kind: .failed, reason: reason) },
                changedExtract: false)
        }
        guard let connector = connectors[source] else { return failing("no connector") }
        if stuckSources.contains(source) {
            return failing("the previous sync of \(source) has not finished after its timeout")
        }
        let request = ConnectorSyncRequest(due: due, registered: registered)
        let work = Task { try await connector.sync(request) }
        let timeout = Duration.seconds(settings.connectorTimeoutSeconds)
        let result = await Self.result(of: work, within: timeout)
        guard let result else {
            setStuck(source, true)
            work.cancel()
            Task { [self] in
                _ = await work.result
                setStuck(source, false)
            }
            logger.error("connector timed out", metadata: ["source": "\(source)", "seconds": "\(timeout)"])
            return failing("the \(source) connector did not finish within \(settings.connectorTimeoutSeconds) s")
        }
        switch result {
        case .success(var value):
            let answered = Set(value.outcomes.map(\.tableID))
            for table in due where !answered.contains(table.id) {
                value.outcomes.append(
                    .init(
                        tableID: table.id, source: source, kind: .failed,
                        reason: "the connector reported nothing for it"))
            }
            return value
        case .failure(let error):
            return failing("the \(source) connector failed: \(error)")
        }
    }

    /// The work's result, or nil when `timeout` passes first. The work is not waited for past the
    /// timeout (a task group would wait for it), so a hung connector cannot hold the run.
    static func result<T: Sendable>(of work: Task<T, any Error>, within timeout: Duration) async
        -> Result<T, any Error>?
    {
        let race = FirstOfTwo()
        return await withCheckedContinuation { (continuation: CheckedContinuation<Result<T, any Error>?, Never>) in
            let timer = Task {
                try? await Task.sleep(for: timeout)
                if race.claim() { continuation.resume(returning: nil) }
            }
            Task {
                let result = await work.result
                if race.claim() {
                    timer.cancel()
                    continuation.resume(returning: result)
                }
            }
        }
    }
}

/// Lets exactly one of two racing finishers through.
final class FirstOfTwo: Sendable {
    private let isClaimed = Mutex(false)

    /// True for the first caller only.
    func claim() -> Bool {
        isClaimed.withLock { claimed in
            defer { claimed = true }
            return !claimed
        }
    }
}
