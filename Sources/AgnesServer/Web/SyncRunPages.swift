import AgnesAuth
import AgnesCore
import AgnesStore
import Foundation
import Hummingbird

/// The admins' pages of sync runs (what `GET /api/sync/runs` answers): `/admin/sync-runs`, the recent
/// runs newest first, each with its counts and the tables it took up (failures first), paged; and
/// `/admin/sync-runs/{id}`, one run with every table's outcome.
struct SyncRunPages {
    let services: AgnesServices

    /// Runs on a page of the list.
    static let pageSize = 20
    /// Tables a run shows in the list (its own page shows them all).
    static let shownPerRun = 20

    func register(on router: Router<AgnesRequestContext>) {
        router.get("/admin/sync-runs") { request, context in
            try await services.adminPage(request, context) { caller in
                try await list(for: caller, request: request)
            }
        }
        router.get("/admin/sync-runs/{id}") { request, context in
            try await services.adminPage(request, context) { caller in
                try await run(context.parameters.get("id") ?? "", for: caller, request: request)
            }
        }
    }

    func list(for caller: AuthenticatedUser, request: Request, now: Date = Date()) async throws -> Response {
        let repository = SyncRunRepository(store: services.store)
        let paging = WebPaging(total: try await repository.count(), request: request, pageSize: Self.pageSize)
        let runs = try await repository.recent(limit: paging.pageSize, offset: paging.range.lowerBound)
        let outcomes = try await repository.outcomes(runIDs: runs.map(\.id), shownPerRun: Self.shownPerRun)
        let rows = runs.map { run in
            let found = outcomes[run.id] ?? .init()
            var row = Self.runRow(run, counts: found.counts, now: now)
            row["outcomes"] = found.shown.map(Self.outcomeRow)
            row["has_outcomes"] = !found.shown.isEmpty
            let taken = found.counts.filter { $0.key != .skipped }.values.reduce(0, +)
            row["more_outcomes"] = taken > found.shown.count
            return row
        }
        var values: [String: Any] = ["runs": rows, "has_runs": !rows.isEmpty]
        values.merge(paging.values(path: "/admin/sync-runs")) { $1 }
        return WebPage(template: "admin_sync_runs", title: "Sync runs", path: "/admin", caller: caller, values: values)
            .response(instanceName: services.settings.instanceName)
    }

    func run(_ id: String, for caller: AuthenticatedUser, request: Request, now: Date = Date()) async throws
        -> Response
    {
        let repository = SyncRunRepository(store: services.store)
        guard let run = try await repository.find(id: id) else {
            return WebPage.notFound("There is no sync run \(id).", caller: caller, services: services)
        }
        let outcomes = try await repository.outcomes(runID: id).sorted {
            ($0.kind == .failed ? 0 : $0.kind == .skipped ? 2 : 1, $0.tableID)
                < ($1.kind == .failed ? 0 : $1.kind == .skipped ? 2 : 1, $1.tableID)
        }
        let counts = Dictionary(grouping: outcomes, by: \.kind).mapValues(\.count)
        let paging = WebPaging(total: outcomes.count, request: request)
        var values = Self.runRow(run, counts: counts, now: now)
        values["outcomes"] = outcomes[paging.range].map(Self.outcomeRow)
        values["has_outcomes"] = !outcomes.isEmpty
        values.merge(paging.values(path: "/admin/sync-runs/" + WebPage.pathSegment(id))) { $1 }
        return WebPage(template: "admin_sync_run", title: "Sync run", path: "/admin", caller: caller, values: values)
            .response(instanceName: services.settings.instanceName)
    }

    /// A run's line: when, what asked for it, how it went, its counts.
    static func runRow(_ run: SyncRun, counts: [SyncTableOutcome.Kind: Int], now: Date) -> [String: Any] {
        var row: [String: Any] = [
            "run_id": run.id, "run_href": "/admin/sync-runs/" + WebPage.pathSegment(run.id),
            "run_anchor": "run-" + run.id, "run_trigger": run.trigger, "run_status": run.status.rawValue,
            "run_status_class": statusClass(run.status), "run_queued": SchedulerPage.time(run.queuedAt),
            "run_queued_ago": DashboardPage.ago(run.queuedAt, now: now),
            "run_tables": run.requestedTables.map { $0.joined(separator: ", ") } ?? "every due table",
            "run_counts": SyncTableOutcome.Kind.allCases.compactMap { kind in
                counts[kind].map { "\(DashboardPage.count($0)) \(kind.rawValue)" }
            }.joined(separator: " · "),
        ]
        if let started = run.startedAt {
            let end = run.finishedAt ?? now
            row["run_duration"] =
                SchedulerPage.duration(Int(end.timeIntervalSince(started) * 1000))
                + (run.finishedAt == nil ? " so far" : "")
        }
        if let error = run.error { row["run_error"] = error }
        if let generation = run.generation { row["run_generation"] = String(generation) }
        row["run_has_failures"] = (counts[.failed] ?? 0) > 0 || run.error != nil
        return row.withoutEmptyText
    }

    /// A table's outcome in a run: `failed: <cause>` in words, with its rows and duration.
    static func outcomeRow(_ outcome: SyncTableOutcome) -> [String: Any] {
        let row: [String: Any] = [
            "outcome_table": outcome.tableID,
            "outcome_href": "/admin/tables/" + WebPage.pathSegment(outcome.tableID),
            "outcome_source": outcome.source, "outcome_kind": outcome.kind.rawValue,
            "outcome_class": outcome.kind == .failed ? "failed" : outcome.kind == .skipped ? "stale" : "ok",
            "outcome_reason": outcome.reason ?? "", "outcome_rows": outcome.rows.map(DashboardPage.count) ?? "–",
            "outcome_duration": outcome.durationMS.map(SchedulerPage.duration) ?? "–",
        ]
        return row.withoutEmptyText
    }

    static func statusClass(_ status: SyncRun.Status) -> String {
        switch status {
        case .succeeded: "ok"
        case .failed, .interrupted: "failed"
        case .partial, .queued, .running: "stale"
        }
    }
}
