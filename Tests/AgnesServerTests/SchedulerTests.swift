import AgnesCore
import AgnesJobs
import AgnesServer
import AgnesStore
import Foundation
import Logging
import Synchronization
import Testing

/// A settable clock for the scheduler.
final class SchedulerTime: Sendable {
    private let current: Mutex<Date>
    init(_ date: Date) { current = Mutex(date) }
    var now: Date { current.withLock { $0 } }
    func advance(minutes: Int) { current.withLock { $0 = $0.addingTimeInterval(Double(minutes * 60)) } }
}

/// Counts the runs of a job and can hold one at a gate.
final class JobProbe: Sendable {
    let runs = Mutex(0)
    let gate: TestGate?

    init(gated: Bool = false) { gate = gated ? TestGate() : nil }

    var work: @Sendable () async throws -> String? {
        { [self] in
            runs.withLock { $0 += 1 }
            await gate?.pass()
            return "done"
        }
    }

    func open() async { await gate?.open() }

    var count: Int { runs.withLock { $0 } }
}

@Suite struct SchedulerTests {
    /// 2026-12-06 10:00 UTC.
    static let start = Date(timeIntervalSince1970: 1_796_551_200)

    static func scheduler(
        _ fixture: ServerFixture, _ jobs: [SchedulerJob], time: SchedulerTime, lockName: String = "scheduler.lock"
    ) -> Scheduler {
        Scheduler(
            jobs: jobs, store: fixture.services.store,
            lock: DriverLock(file: fixture.root.appendingPathComponent("state/\(lockName)")),
            now: { time.now }, logger: Logger(label: "test"))
    }

    @Test func eachJobRunsWhenItsScheduleSaysAndNotBefore() async throws {
        let fixture = try await ServerFixture()
        let time = SchedulerTime(Self.start)
        let refresh = JobProbe()
        let health = JobProbe()
        let jobs = [
            SchedulerJob(name: "data-refresh", schedule: try Schedule(parsing: "every 15m"), availability: .ready(work: refresh.work)),
            SchedulerJob(name: "health-check", schedule: try Schedule(parsing: "every 5m"), availability: .ready(work: health.work)),
            SchedulerJob(name: "corporate-memory", schedule: try Schedule(parsing: "every 17m"), availability: .notBuilt(reason: "later")),
            SchedulerJob(name: "marketplaces", schedule: try Schedule(parsing: "daily 03:00"), isEnabled: false, availability: .ready(work: refresh.work)),
        ]
        let scheduler = Self.scheduler(fixture, jobs, time: time)
        let next = try await scheduler.runDueJobs(at: time.now)
        #expect((refresh.count, health.count) == (1, 1))
        #expect(next == Self.start.addingTimeInterval(300))
        time.advance(minutes: 6)
        try await scheduler.runDueJobs(at: time.now)
        #expect((refresh.count, health.count) == (1, 2))
        time.advance(minutes: 9)
        try await scheduler.runDueJobs(at: time.now)
        #expect((refresh.count, health.count) == (2, 3))
        let statuses = Dictionary(uniqueKeysWithValues: try await scheduler.statuses().map { ($0.name, $0) })
        #expect(statuses["data-refresh"]?.lastStatus == "ok" && statuses["data-refresh"]?.lastDetail == "done")
        #expect(statuses["data-refresh"]?.nextRunAt == time.now.addingTimeInterval(900))
        #expect(statuses["corporate-memory"]?.state == "not built" && statuses["corporate-memory"]?.nextRunAt == nil)
        #expect(statuses["marketplaces"]?.state == "disabled")
    }

    @Test func aRestartNeitherRepeatsNorSkipsARun() async throws {
        let fixture = try await ServerFixture()
        let time = SchedulerTime(Self.start)
        let first = JobProbe()
        let job = { (probe: JobProbe) in
            [SchedulerJob(name: "data-refresh", schedule: try Schedule(parsing: "every 15m"), availability: .ready(work: probe.work))]
        }
        try await Self.scheduler(fixture, try job(first), time: time).runDueJobs(at: time.now)
        #expect(first.count == 1)
        // A new process five minutes later: the run it finds recorded is not due again.
        let second = JobProbe()
        time.advance(minutes: 5)
        let restarted = Self.scheduler(fixture, try job(second), time: time)
        try await restarted.recoverInterruptedJobs()
        try await restarted.runDueJobs(at: time.now)
        #expect(second.count == 0)
        // Down for two hours: one run on waking, not eight.
        time.advance(minutes: 120)
        try await restarted.runDueJobs(at: time.now)
        try await restarted.runDueJobs(at: time.now)
        #expect(second.count == 1)
    }

    @Test func aJobKilledMidRunIsRecordedAsInterruptedAndNotRepeatedEarly() async throws {
        let fixture = try await ServerFixture()
        let records = SchedulerJobRepository(store: fixture.services.store)
        try await records.started("data-refresh", at: Self.start)
        let time = SchedulerTime(Self.start.addingTimeInterval(60))
        let probe = JobProbe()
        let scheduler = Self.scheduler(
            fixture,
            [SchedulerJob(name: "data-refresh", schedule: try Schedule(parsing: "every 15m"), availability: .ready(work: probe.work))],
            time: time)
        try await scheduler.recoverInterruptedJobs()
        let status = try #require(try await scheduler.statuses().first)
        #expect(status.lastStatus == "interrupted" && status.lastDetail == "the server stopped while it ran")
        try await scheduler.runDueJobs(at: time.now)
        #expect(probe.count == 0)
    }

    @Test func runNowWhileRunningIsRefusedAndUnavailableJobsSayWhy() async throws {
        let fixture = try await ServerFixture()
        let time = SchedulerTime(Self.start)
        let probe = JobProbe(gated: true)
        let scheduler = Self.scheduler(
            fixture,
            [
                SchedulerJob(name: "data-refresh", schedule: try Schedule(parsing: "every 15m"), availability: .ready(work: probe.work)),
                SchedulerJob(name: "corporate-memory", schedule: try Schedule(parsing: "every 17m"), availability: .notBuilt(reason: "not yet")),
            ], time: time)
        let running = try await scheduler.runNow("data-refresh")
        await #expect(throws: Scheduler.RunError.alreadyRunning("data-refresh")) { try await scheduler.runNow("data-refresh") }
        #expect(try await scheduler.statuses().first?.isRunning == true)
        await #expect(throws: Scheduler.RunError.unavailable("corporate-memory", reason: "not yet")) {
            try await scheduler.runNow("corporate-memory")
        }
        await #expect(throws: Scheduler.RunError.unknownJob("nope")) { try await scheduler.runNow("nope") }
        await probe.open()
        await running.value
        #expect(try await scheduler.statuses().first?.isRunning == false)
        #expect(probe.count == 1)
    }

    @Test func onlyOneProcessHoldsTheDriverLock() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("agnes-lock-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("scheduler.lock")
        // Another process (util-linux flock(1), the same flock(2) lock) holds it.
        let other = Process()
        other.executableURL = URL(fileURLWithPath: "/usr/bin/flock")
        other.arguments = ["--close", file.path, "/bin/sh", "-c", "echo held; read line"]
        let output = Pipe()
        let input = Pipe()
        other.standardOutput = output
        other.standardInput = input
        try other.run()
        _ = output.fileHandleForReading.availableData  // "held": the lock is taken
        let lock = DriverLock(file: file)
        #expect(!lock.tryAcquire())
        #expect(!lock.isHeld)
        try input.fileHandleForWriting.close()  // the other process ends, and the kernel drops its lock
        other.waitUntilExit()
        #expect(lock.tryAcquire())
        // A second holder in this process is refused too (a second server on the same directory).
        let second = DriverLock(file: file)
        #expect(!second.tryAcquire())
        lock.release()
        #expect(second.tryAcquire())
        second.release()
    }
}
