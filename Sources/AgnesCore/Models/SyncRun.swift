import Foundation

/// One sync run: the due (or named) tables of every source synced, then one rebuild and profiles.
public struct SyncRun: Sendable, Hashable, Codable {
    /// Where a run is in its life.
    public enum Status: String, Sendable, Hashable, Codable, CaseIterable {
        /// Waiting for the running one to finish.
        case queued
        /// Working now.
        case running
        /// Every table it took up synced or was unchanged.
        case succeeded
        /// Some tables failed; the others synced.
        case partial
        /// Nothing could be synced (every table failed, or the run itself broke).
        case failed
        /// The process ended while it ran; its tables keep their previous data.
        case interrupted

        /// True once the run can no longer change.
        public var isFinished: Bool { self != .queued && self != .running }
    }

    /// Stable id (what `POST /api/sync/trigger` answers).
    public var id: String
    /// `api`, `scheduler`, `startup`, …
    public var trigger: String
    /// Who asked (user id), when a person or token did.
    public var requestedBy: String?
    /// The table ids asked for (bypassing schedules), nil for "every due table".
    public var requestedTables: [String]?
    /// Where it is.
    public var status: Status
    /// When it was asked for.
    public var queuedAt: Date
    /// When it started working.
    public var startedAt: Date?
    /// When it ended.
    public var finishedAt: Date?
    /// Why the run as a whole failed, when it did.
    public var error: String?
    /// The analytics generation its rebuild produced.
    public var generation: Int?

    /// Creates a run value.
    public init(
        id: String, trigger: String, requestedBy: String? = nil, requestedTables: [String]? = nil,
        status: Status = .queued, queuedAt: Date, startedAt: Date? = nil, finishedAt: Date? = nil,
        error: String? = nil, generation: Int? = nil
    ) {
        self.id = id
        self.trigger = trigger
        self.requestedBy = requestedBy
        self.requestedTables = requestedTables
        self.status = status
        self.queuedAt = queuedAt
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.error = error
        self.generation = generation
    }
}

/// What one run did with one table, in words a person reads.
public struct SyncTableOutcome: Sendable, Hashable, Codable {
    /// The outcome kinds.
    public enum Kind: String, Sendable, Hashable, Codable, CaseIterable {
        /// New data was published.
        case synced
        /// The source had nothing new.
        case unchanged
        /// Not taken up in this run (not due, or its source is not configured).
        case skipped
        /// The sync failed; the previous data keeps serving.
        case failed

        /// The kind a stored status names: a kind's own name, or, for entries written outside a sync
        /// run, `ok` (synced) or anything else (failed).
        public init(storedStatus status: String?) {
            self = status.flatMap(Kind.init(rawValue:)) ?? (status == SyncState.okStatus ? .synced : .failed)
        }
    }

    /// The table's registry id.
    public var tableID: String
    /// The source type that synced it.
    public var source: String
    /// What happened.
    public var kind: Kind
    /// Why, in words (`not due`, the failure's cause, …).
    public var reason: String?
    /// Rows now served, when known.
    public var rows: Int?
    /// How long its sync took.
    public var durationMS: Int?

    /// Creates an outcome.
    public init(
        tableID: String, source: String, kind: Kind, reason: String? = nil, rows: Int? = nil, durationMS: Int? = nil
    ) {
        self.tableID = tableID
        self.source = source
        self.kind = kind
        self.reason = reason
        self.rows = rows
        self.durationMS = durationMS
    }

    /// The outcome as one line: `synced`, `skipped: not due`, `failed: <cause>`.
    public var summary: String {
        reason.map { "\(kind.rawValue): \($0)" } ?? kind.rawValue
    }
}
