import AgnesCore
import AgnesStore
import Foundation
import Logging
import Synchronization

/// The scheduler in the server process (DESIGN decision 7): runs each ready job when its schedule
/// says, one run of a job at a time, with its last run persisted in the store and a driver lock in
/// the data directory so that only one process drives the jobs.
///
/// It sleeps until the next job is due (at most a minute, to retry the driver lock), so an idle
/// scheduler costs no CPU. Tests call ``runDueJobs(at:)`` instead of starting the loop.
///
/// ```swift
/// let scheduler = Scheduler(jobs: jobs, store: store, lock: DriverLock(file: lockFile), logger: logger)
/// try await scheduler.recoverInterruptedJobs()
/// scheduler.start()
/// ```
public final class Scheduler: Sendable {
    /// Why a job cannot run now.
    public enum RunError: Error, Sendable, Equatable {
        /// No job has that name.
        case unknownJob(String)
        /// The job cannot run on this server (not built, not configured, disabled).
        case unavailable(String, reason: String)
        /// A run of the job is already going on.
        case alreadyRunning(String)
    }

    private struct State {
        var running: [String: Task<Void, Never>] = [:]
        var loop: Task<Void, Never>?
        /// The stored job records, read once and then kept as this process writes them (one process
        /// drives a data directory: its store is not shared).
        var records: [String: SchedulerJobRepository.Record]?
    }

    /// The jobs, by name, in the order given.
    public let jobs: [SchedulerJob]
    let records: SchedulerJobRepository
    let lock: DriverLock
    let isDriving: Bool
    let now: @Sendable () -> Date
    let logger: Logger
    private let state = Mutex(State())

    /// Creates the scheduler. `isDriving` false leaves the jobs to an outside driver
    /// (`agnes scheduler --url`): they are listed and can be run by request, never on their own.
    public init(
        jobs: [SchedulerJob], store: SystemStore, lock: DriverLock, isDriving: Bool = true,
        now: @escaping @Sendable () -> Date = { Date() }, logger: Logger
    ) {
        self.jobs = jobs
        self.records = SchedulerJobRepository(store: store)
        self.lock = lock
        self.isDriving = isDriving
        self.now = now
        self.logger = logger
    }

    /// Who drives the jobs on their schedules: `this process`, `another process`, or `external`.
    public var driver: String {
        guard isDriving else { return "external" }
        return lock.isHeld ? "this process" : "another process"
    }

    /// Marks runs the last process left running as interrupted (call once at start-up).
    public func recoverInterruptedJobs() async throws {
        let names = try await records.interruptRunning()
        state.withLock { $0.records = nil }
        if !names.isEmpty { logger.warning("scheduler jobs interrupted by the last stop", metadata: ["jobs": "\(names)"]) }
    }

    /// Starts driving the jobs in the background (does nothing when not driving).
    public func start() {
        guard isDriving else { return }
        let loop = Task { [self] in
            while !Task.isCancelled {
                var wait = Duration.seconds(60)
                if lock.tryAcquire() {
                    let next = (try? await runDueJobs(at: now(), waiting: false)) ?? nil
                    if let next {
                        let seconds = max(1, min(60, next.timeIntervalSince(now())))
                        wait = .milliseconds(Int64(seconds * 1000))
                    }
                }
                try? await Task.sleep(for: wait)
            }
        }
        state.withLock { $0.loop = loop }
    }

    /// Stops the loop and lets the driver lock go; running jobs are not waited for (a stop during a
    /// run leaves it recorded as interrupted, and the next start takes the work up).
    public func stop() async {
        let loop = state.withLock { $0.loop }
        loop?.cancel()
        await loop?.value
        lock.release()
    }

    /// Starts every ready job that is due at `date` and not running; with `waiting`, waits for them.
    /// Returns when the next job falls due.
    @discardableResult
    public func runDueJobs(at date: Date, waiting: Bool = true) async throws -> Date? {
        let records = try await storedRecords()
        var started: [Task<Void, Never>] = []
        var next: Date?
        for job in jobs where job.isEnabled && job.work != nil {
            let last = records[job.name]?.lastRunAt
            if job.schedule.isDue(lastRun: last, now: date), let task = try? await begin(job, at: date) {
                started.append(task)
                next = min(next ?? .distantFuture, job.schedule.nextRun(lastRun: date, now: date))
            } else {
                next = min(next ?? .distantFuture, job.schedule.nextRun(lastRun: last, now: date))
            }
        }
        if waiting { for task in started { await task.value } }
        return next
    }

    /// Runs job `name` now, whatever its schedule; returns once it has started. The returned task ends
    /// with the run.
    @discardableResult
    public func runNow(_ name: String) async throws(RunError) -> Task<Void, Never> {
        guard let job = jobs.first(where: { $0.name == name }) else { throw .unknownJob(name) }
        guard job.isEnabled else { throw .unavailable(name, reason: "it is disabled in scheduler.jobs.\(name)") }
        if let reason = job.unavailableReason { throw .unavailable(name, reason: reason) }
        return try await begin(job, at: now())
    }

    /// Waits for every running job (tests).
    public func idle() async {
        while let task = state.withLock({ $0.running.values.first }) { await task.value }
    }

    /// What every job looks like now.
    public func statuses() async throws -> [SchedulerJobStatus] {
        let records = try await storedRecords()
        let running = state.withLock { Set($0.running.keys) }
        let date = now()
        return jobs.map { job in
            let record = records[job.name]
            let canRun = job.isEnabled && job.work != nil
            let isDue = canRun && job.schedule.isDue(lastRun: record?.lastRunAt, now: date)
            return SchedulerJobStatus(
                name: job.name, schedule: job.schedule.description, state: job.state,
                detail: job.isEnabled ? job.unavailableReason : "disabled in scheduler.jobs.\(job.name).enabled",
                nextRunAt: canRun ? job.schedule.nextRun(lastRun: record?.lastRunAt, now: date) : nil,
                lastRunAt: record?.lastRunAt, lastStatus: record?.lastStatus, lastDetail: record?.lastError,
                lastDurationMS: record?.lastDurationMS, isRunning: running.contains(job.name), isDue: isDue)
        }
    }

    /// Claims the job (one run at a time), records its start, and runs it in the background.
    private func begin(_ job: SchedulerJob, at date: Date) async throws(RunError) -> Task<Void, Never> {
        guard let work = job.work else { throw .unavailable(job.name, reason: job.unavailableReason ?? "") }
        let claimed = state.withLock { state -> Task<Void, Never>? in
            guard state.running[job.name] == nil else { return nil }
            // The task removes itself under the same lock that registers it here, so it cannot finish
            // before it is registered.
            let task = Task { [self] in
                await perform(job.name, work, startedAt: date)
                _ = self.state.withLock { $0.running.removeValue(forKey: job.name) }
            }
            state.running[job.name] = task
            return task
        }
        guard let claimed else { throw .alreadyRunning(job.name) }
        return claimed
    }

    /// The job records: from the store once, then from memory.
    private func storedRecords() async throws -> [String: SchedulerJobRepository.Record] {
        if let cached = state.withLock({ $0.records }) { return cached }
        let loaded = try await records.all()
        return state.withLock { state in
            if state.records == nil { state.records = loaded }
            return state.records ?? loaded
        }
    }

    private func remember(_ name: String, _ change: (inout SchedulerJobRepository.Record) -> Void) {
        state.withLock { state in
            guard state.records != nil else { return }
            var record = state.records?[name] ?? SchedulerJobRepository.Record(name: name)
            change(&record)
            state.records?[name] = record
        }
    }

    private func perform(_ name: String, _ work: @Sendable () async throws -> String?, startedAt: Date) async {
        let clock = ContinuousClock()
        let start = clock.now
        _ = try? await storedRecords()
        remember(name) {
            $0.lastRunAt = startedAt
            $0.lastStatus = "running"
            $0.lastError = nil
        }
        do {
            try await records.started(name, at: startedAt)
        } catch {
            logger.error("scheduler could not record a start", metadata: ["job": "\(name)", "error": "\(error)"])
        }
        var status = "ok"
        var detail: String?
        do {
            detail = try await work()
        } catch {
            status = "failed"
            detail = "\(error)"
            logger.error("scheduled job failed", metadata: ["job": "\(name)", "error": "\(error)"])
        }
        let elapsed = clock.now - start
        let milliseconds = elapsed.milliseconds
        remember(name) {
            $0.lastStatus = status
            $0.lastError = detail
            $0.lastDurationMS = milliseconds
        }
        try? await records.finished(name, status: status, detail: detail, durationMS: milliseconds)
    }
}
