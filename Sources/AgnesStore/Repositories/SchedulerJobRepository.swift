import AgnesCore
import DuckDB
import Foundation

/// The scheduler's persisted job state (`scheduler_jobs`): when each job last started and how it
/// ended, so that a restart neither repeats nor skips a run.
public struct SchedulerJobRepository: Sendable {
    /// One job's last run.
    public struct Record: Sendable, Hashable {
        /// The job.
        public var name: String
        /// When its last run started.
        public var lastRunAt: Date?
        /// `running`, `ok`, `failed` or `interrupted`.
        public var lastStatus: String?
        /// What went wrong, or what the run reported.
        public var lastError: String?
        /// How long the last finished run took.
        public var lastDurationMS: Int?

        /// Creates a record.
        public init(
            name: String, lastRunAt: Date? = nil, lastStatus: String? = nil, lastError: String? = nil,
            lastDurationMS: Int? = nil
        ) {
            self.name = name
            self.lastRunAt = lastRunAt
            self.lastStatus = lastStatus
            self.lastError = lastError
            self.lastDurationMS = lastDurationMS
        }
    }

    let store: SystemStore

    /// Creates the repository.
    public init(store: SystemStore) { self.store = store }

    /// Every job's record, by name.
    public func all() async throws -> [String: Record] {
        try await store.read { connection in
            var records: [String: Record] = [:]
            for row in try connection.query(
                "SELECT name, last_run_at, last_status, last_error, last_duration_ms FROM scheduler_jobs"
            ).records {
                guard let name = row.string("name") else { continue }
                records[name] = Record(
                    name: name, lastRunAt: row.date("last_run_at"), lastStatus: row.string("last_status"),
                    lastError: row.string("last_error"), lastDurationMS: row.int("last_duration_ms"))
            }
            return records
        }
    }

    /// Records that a run of `name` started at `date` (what its schedule counts from).
    public func started(_ name: String, at date: Date) async throws {
        try await store.write { connection in
            try connection.run(
                """
                INSERT INTO scheduler_jobs (name, last_run_at, last_status, last_error, last_duration_ms)
                VALUES (?, ?, 'running', NULL, NULL)
                ON CONFLICT (name) DO UPDATE SET last_run_at = excluded.last_run_at, last_status = 'running',
                    last_error = NULL
                """, [.varchar(name), .optional(date)])
        }
    }

    /// Records how the running run of `name` ended.
    public func finished(_ name: String, status: String, detail: String?, durationMS: Int) async throws {
        try await store.write { connection in
            try connection.run(
                "UPDATE scheduler_jobs SET last_status = ?, last_error = ?, last_duration_ms = ? WHERE name = ?",
                [.varchar(status), .optional(detail), .optional(durationMS), .varchar(name)])
        }
    }

    /// Marks runs an earlier process left running as interrupted; returns their jobs.
    public func interruptRunning() async throws -> [String] {
        try await store.write { connection in
            let names = try connection.query(
                "SELECT name FROM scheduler_jobs WHERE last_status = 'running' ORDER BY name"
            ).rows.compactMap { $0[0].string }
            try connection.run(
                """
                UPDATE scheduler_jobs SET last_status = 'interrupted',
                    last_error = 'the server stopped while it ran' WHERE last_status = 'running'
                """)
            return names
        }
    }
}
