import AgnesCore
import Foundation

/// A sync run on the wire (`GET /api/sync/runs/{id}`, the run lists): every key always present.
struct SyncRunView: Encodable {
    struct Counts: Encodable {
        var synced = 0
        var unchanged = 0
        var skipped = 0
        var failed = 0
    }

    struct Table: Encodable {
        let tableID: String
        let source: String
        let outcome: String
        let reason: String?
        let summary: String
        let rows: Int?
        let durationMS: Int?

        enum CodingKeys: String, CodingKey {
            case source, outcome, reason, summary, rows
            case tableID = "table_id"
            case durationMS = "duration_ms"
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(tableID, forKey: .tableID)
            try container.encode(source, forKey: .source)
            try container.encode(outcome, forKey: .outcome)
            try container.encode(reason, forKey: .reason)
            try container.encode(summary, forKey: .summary)
            try container.encode(rows, forKey: .rows)
            try container.encode(durationMS, forKey: .durationMS)
        }
    }

    let run: SyncRun
    let counts: Counts?
    let tables: [Table]?

    /// A run with its outcomes (nil outcomes: the summary only, as in lists).
    init(_ run: SyncRun, outcomes: [SyncTableOutcome]?) {
        self.run = run
        guard let outcomes else {
            counts = nil
            tables = nil
            return
        }
        var counts = Counts()
        for outcome in outcomes {
            switch outcome.kind {
            case .synced: counts.synced += 1
            case .unchanged: counts.unchanged += 1
            case .skipped: counts.skipped += 1
            case .failed: counts.failed += 1
            }
        }
        self.counts = counts
        tables = outcomes.map {
            Table(
                tableID: $0.tableID, source: $0.source, outcome: $0.kind.rawValue, reason: $0.reason,
                summary: $0.summary, rows: $0.rows, durationMS: $0.durationMS)
        }
    }

    enum CodingKeys: String, CodingKey {
        case id, trigger, status, error, generation, counts, tables
        case requestedBy = "requested_by"
        case requestedTables = "requested_tables"
        case queuedAt = "queued_at"
        case startedAt = "started_at"
        case finishedAt = "finished_at"
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(run.id, forKey: .id)
        try container.encode(run.trigger, forKey: .trigger)
        try container.encode(run.status.rawValue, forKey: .status)
        try container.encode(run.error, forKey: .error)
        try container.encode(run.generation, forKey: .generation)
        try container.encode(run.requestedBy, forKey: .requestedBy)
        try container.encode(run.requestedTables, forKey: .requestedTables)
        try container.encode(run.queuedAt, forKey: .queuedAt)
        try container.encode(run.startedAt, forKey: .startedAt)
        try container.encode(run.finishedAt, forKey: .finishedAt)
        if let counts { try container.encode(counts, forKey: .counts) }
        if let tables { try container.encode(tables, forKey: .tables) }
    }
}
