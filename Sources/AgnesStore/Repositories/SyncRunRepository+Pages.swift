import AgnesCore
import DuckDB
import Foundation

/// What the admin pages read of sync runs: runs page by page, and a page of runs' outcomes in one read.
extension SyncRunRepository {
    /// A run's outcomes as a page shows them: the count of each kind, and the tables it took up (not the
    /// skipped ones), failures first, up to a limit.
    public struct RunOutcomes: Sendable, Hashable {
        /// How many tables had each outcome.
        public var counts: [SyncTableOutcome.Kind: Int] = [:]
        /// The tables taken up, failures first, then by table id.
        public var shown: [SyncTableOutcome] = []

        /// No outcome (a run that recorded none).
        public init() {}
    }

    /// How many runs are kept.
    public func count() async throws -> Int {
        try await store.read { try $0.query("SELECT count(*) FROM sync_runs").rows.first?[0].int ?? 0 }
    }

    /// The outcomes of the given runs, by run id, in one read: every run's counts, and up to `shownPerRun`
    /// of the tables it took up.
    public func outcomes(runIDs: [String], shownPerRun: Int) async throws -> [String: RunOutcomes] {
        guard !runIDs.isEmpty else { return [:] }
        let marks = Array(repeating: "?", count: runIDs.count).joined(separator: ", ")
        let ids = runIDs.map { DuckDBValue.varchar($0) }
        return try await store.read { connection in
            var result: [String: RunOutcomes] = [:]
            for row in try connection.query(
                "SELECT run_id, status, count(*) FROM sync_history WHERE run_id IN (\(marks)) GROUP BY ALL", ids
            ).rows {
                guard let run = row[0].string, let kind = row[1].string.flatMap(SyncTableOutcome.Kind.init) else {
                    continue
                }
                result[run, default: RunOutcomes()].counts[kind, default: 0] += row[2].int ?? 0
            }
            for record in try connection.query(
                """
                SELECT run_id, table_id, source, status, error, rows, duration_ms FROM (
                    SELECT *, row_number() OVER (
                        PARTITION BY run_id ORDER BY status = 'failed' DESC, table_id) AS n
                    FROM sync_history WHERE run_id IN (\(marks)) AND status <> 'skipped'
                ) WHERE n <= ? ORDER BY run_id, n
                """, ids + [.bigint(Int64(max(0, shownPerRun)))]
            ).records {
                guard let run = record.string("run_id") else { continue }
                result[run, default: RunOutcomes()].shown.append(Self.outcome(record))
            }
            return result
        }
    }

    static func outcome(_ record: Record) -> SyncTableOutcome {
        SyncTableOutcome(
            tableID: record.string("table_id") ?? "", source: record.string("source") ?? "",
            kind: SyncTableOutcome.Kind(storedStatus: record.string("status")),
            reason: record.string("error"), rows: record.int("rows"), durationMS: record.int("duration_ms"))
    }
}
