import AgnesCore
import DuckDB
import Foundation

/// Sync runs, the per-table outcomes each run recorded (`sync_history`), and every table's last
/// check (`table_sync_checks`: what schedules are measured against).
public struct SyncRunRepository: Sendable {
    /// The last time a run took a table up.
    public struct Check: Sendable, Hashable {
        /// The table.
        public var tableID: String
        /// The run that took it up last.
        public var runID: String?
        /// What happened then.
        public var outcome: SyncTableOutcome.Kind?
        /// Why, in words.
        public var reason: String?
        /// When it was last taken up.
        public var attemptedAt: Date?
        /// When it was last synced or found unchanged (what a schedule counts from).
        public var succeededAt: Date?
    }

    let store: SystemStore

    /// Creates the repository.
    public init(store: SystemStore) { self.store = store }

    private static let columns =
        "id, trigger, requested_by, requested_tables, status, queued_at, started_at, finished_at, error, generation"

    /// Writes a run, every column (insert or replace).
    public func save(_ run: SyncRun) async throws {
        try await store.write { connection in
            try connection.run(
                """
                INSERT INTO sync_runs (\(Self.columns)) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (id) DO UPDATE SET trigger = excluded.trigger, requested_by = excluded.requested_by,
                    requested_tables = excluded.requested_tables, status = excluded.status,
                    queued_at = excluded.queued_at, started_at = excluded.started_at,
                    finished_at = excluded.finished_at, error = excluded.error, generation = excluded.generation
                """,
                [
                    .varchar(run.id), .varchar(run.trigger), .optional(run.requestedBy), .json(run.requestedTables),
                    .varchar(run.status.rawValue), .optional(run.queuedAt), .optional(run.startedAt),
                    .optional(run.finishedAt), .optional(run.error), .optional(run.generation),
                ])
        }
    }

    /// One run.
    public func find(id: String) async throws -> SyncRun? {
        try await store.read { try Self.fetch($0, where: "id = ?", [.varchar(id)], limit: 1).first }
    }

    /// The most recent runs, newest first: `limit` of them after the first `offset`.
    public func recent(limit: Int, offset: Int = 0) async throws -> [SyncRun] {
        try await store.read { try Self.fetch($0, where: "TRUE", [], limit: max(0, limit), offset: max(0, offset)) }
    }

    /// Marks every run left queued or running by an earlier process as interrupted; returns their ids.
    public func interruptUnfinished(at now: Date) async throws -> [String] {
        try await store.write { connection in
            let ids = try connection.query(
                "SELECT id FROM sync_runs WHERE status IN ('queued', 'running') ORDER BY queued_at"
            ).rows.compactMap { $0[0].string }
            try connection.run(
                """
                UPDATE sync_runs SET status = 'interrupted', finished_at = ?,
                    error = coalesce(error, CASE WHEN status = 'queued' THEN 'the server stopped before the run started'
                        ELSE 'the server stopped while the run was working; every table kept its previous data' END)
                WHERE status IN ('queued', 'running')
                """, [.optional(now)])
            return ids
        }
    }

    /// Appends a run's outcomes to `sync_history` and moves the tables' last checks, in one
    /// transaction. Skipped tables get history but keep their last check.
    public func record(_ outcomes: [SyncTableOutcome], runID: String, at now: Date) async throws {
        guard !outcomes.isEmpty else { return }
        try await store.write { connection in
            let history = try connection.appender(table: "sync_history")
            for outcome in outcomes {
                // Column order of sync_history: id, table_id, synced_at, rows, duration_ms, status, error, run_id, source.
                try history.append([
                    .varchar(RowID.make()), .varchar(outcome.tableID), .optional(now), .optional(outcome.rows),
                    outcome.durationMS.map { .integer(Int32(clamping: $0)) } ?? .null,
                    .varchar(outcome.kind.rawValue), .optional(outcome.reason), .varchar(runID),
                    .varchar(outcome.source),
                ])
            }
            try history.close()
            let taken = outcomes.filter { $0.kind != .skipped }
            guard !taken.isEmpty else { return }
            try connection.execute(
                """
                CREATE OR REPLACE TEMP TABLE staged_checks (table_id VARCHAR, last_run_id VARCHAR,
                    last_outcome VARCHAR, last_reason TEXT, last_attempt_at TIMESTAMP, last_success_at TIMESTAMP)
                """)
            let checks = try connection.appender(table: "staged_checks")
            for outcome in taken {
                let succeeded = outcome.kind == .synced || outcome.kind == .unchanged
                try checks.append([
                    .varchar(outcome.tableID), .varchar(runID), .varchar(outcome.kind.rawValue),
                    .optional(outcome.reason), .optional(now), succeeded ? .optional(now) : .null,
                ])
            }
            try checks.close()
            try connection.execute(
                """
                INSERT INTO table_sync_checks SELECT * FROM staged_checks
                ON CONFLICT (table_id) DO UPDATE SET last_run_id = excluded.last_run_id,
                    last_outcome = excluded.last_outcome, last_reason = excluded.last_reason,
                    last_attempt_at = excluded.last_attempt_at,
                    last_success_at = coalesce(excluded.last_success_at, table_sync_checks.last_success_at);
                DROP TABLE staged_checks
                """)
        }
    }

    /// The outcomes a run recorded, ordered by table.
    public func outcomes(runID: String) async throws -> [SyncTableOutcome] {
        try await store.read { connection in
            try connection.query(
                """
                SELECT table_id, source, status, error, rows, duration_ms FROM sync_history
                WHERE run_id = ? ORDER BY table_id
                """, [.varchar(runID)]
            ).records.map(Self.outcome)
        }
    }

    /// Every table's last check, by table id.
    public func checks() async throws -> [String: Check] {
        try await store.read { connection in
            var checks: [String: Check] = [:]
            for record in try connection.query("SELECT * FROM table_sync_checks").records {
                guard let id = record.string("table_id") else { continue }
                checks[id] = Check(
                    tableID: id, runID: record.string("last_run_id"),
                    outcome: record.string("last_outcome").flatMap(SyncTableOutcome.Kind.init),
                    reason: record.string("last_reason"), attemptedAt: record.date("last_attempt_at"),
                    succeededAt: record.date("last_success_at"))
            }
            return checks
        }
    }

    /// The registered tables that need attention, in one read (the detailed health): local tables not
    /// synced or found unchanged since `staleBefore` (never, included), and tables whose last check failed.
    public func tablesNeedingAttention(staleBefore: Date) async throws -> [(id: String, isStale: Bool, isFailing: Bool)]
    {
        try await store.read { connection in
            try connection.query(
                """
                SELECT id, is_stale, is_failing FROM (
                    SELECT r.id,
                        r.query_mode = 'local' AND coalesce(c.last_success_at < ?, TRUE) AS is_stale,
                        coalesce(c.last_outcome = 'failed', FALSE) AS is_failing
                    FROM table_registry r LEFT JOIN table_sync_checks c ON c.table_id = r.id
                ) WHERE is_stale OR is_failing ORDER BY id
                """, [.optional(staleBefore)]
            ).rows.compactMap { row in
                guard let id = row[0].string else { return nil }
                return (id, row[1].bool ?? false, row[2].bool ?? false)
            }
        }
    }

    /// Deletes history entries and finished runs older than `date`.
    public func prune(before date: Date) async throws {
        try await store.write { connection in
            try connection.run("DELETE FROM sync_history WHERE synced_at < ?", [.optional(date)])
            try connection.run(
                "DELETE FROM sync_runs WHERE queued_at < ? AND status NOT IN ('queued', 'running')", [.optional(date)])
        }
    }

    static func fetch(
        _ connection: Connection, where predicate: String, _ parameters: [DuckDBValue], limit: Int, offset: Int = 0
    ) throws -> [SyncRun] {
        try connection.query(
            """
            SELECT \(columns) FROM sync_runs WHERE \(predicate) ORDER BY queued_at DESC, id
            LIMIT \(max(0, limit)) OFFSET \(max(0, offset))
            """,
            parameters
        ).records.map { record in
            guard let queuedAt = record.date("queued_at") else {
                throw StoreError(.corruptRow, "column queued_at is unexpectedly NULL")
            }
            return SyncRun(
                id: try record.requiredString("id"), trigger: try record.requiredString("trigger"),
                requestedBy: record.string("requested_by"),
                requestedTables: record.json("requested_tables", as: [String].self),
                status: record.string("status").flatMap(SyncRun.Status.init) ?? .failed, queuedAt: queuedAt,
                startedAt: record.date("started_at"), finishedAt: record.date("finished_at"),
                error: record.string("error"), generation: record.int("generation"))
        }
    }
}
