import AgnesCore
import Foundation

/// One job of the scheduler: a name, a schedule, and either the work it does or the honest reason it
/// cannot run on this server (its subsystem is not built yet, or not configured).
public struct SchedulerJob: Sendable {
    /// What a job is able to do here.
    public enum Availability: Sendable {
        /// It runs `work`, which returns a line for the job list (or throws why it failed).
        case ready(work: @Sendable () async throws -> String?)
        /// Its subsystem is not part of this build yet.
        case notBuilt(reason: String)
        /// Its subsystem exists but is not configured.
        case notConfigured(reason: String)
    }

    /// The job's name (`data-refresh`, `health-check`, …).
    public var name: String
    /// When it runs.
    public var schedule: Schedule
    /// False when switched off in `scheduler.jobs.<name>.enabled`.
    public var isEnabled: Bool
    /// What it does.
    public var availability: Availability

    /// Creates a job.
    public init(name: String, schedule: Schedule, isEnabled: Bool = true, availability: Availability) {
        self.name = name
        self.schedule = schedule
        self.isEnabled = isEnabled
        self.availability = availability
    }

    /// The work, when the job can run.
    var work: (@Sendable () async throws -> String?)? {
        if case .ready(let work) = availability { return work }
        return nil
    }

    /// `ready`, `disabled`, `not built` or `not configured`.
    public var state: String {
        guard isEnabled else { return "disabled" }
        switch availability {
        case .ready: return "ready"
        case .notBuilt: return "not built"
        case .notConfigured: return "not configured"
        }
    }

    /// Why it cannot run, when it cannot.
    public var unavailableReason: String? {
        switch availability {
        case .ready: nil
        case .notBuilt(let reason), .notConfigured(let reason): reason
        }
    }
}

/// What the scheduler knows of one job now (`GET /api/admin/scheduler/jobs`).
public struct SchedulerJobStatus: Sendable, Hashable {
    /// The job.
    public var name: String
    /// Its schedule, in the grammar.
    public var schedule: String
    /// `ready`, `disabled`, `not built` or `not configured`.
    public var state: String
    /// Why it cannot run, when it cannot.
    public var detail: String?
    /// When it runs next (nil when it cannot run or nothing drives it here).
    public var nextRunAt: Date?
    /// When its last run started.
    public var lastRunAt: Date?
    /// `ok`, `failed`, `interrupted`, `running`, or nil before its first run.
    public var lastStatus: String?
    /// What its last run reported or why it failed.
    public var lastDetail: String?
    /// How long its last run took.
    public var lastDurationMS: Int?
    /// True while it runs in this process.
    public var isRunning: Bool
    /// True when its schedule says it should run now.
    public var isDue: Bool
}
