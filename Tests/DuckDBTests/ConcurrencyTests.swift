import DuckDB
import Foundation
import Testing

@Suite(.serialized) struct ConcurrencyTests {
    /// A query that runs for many seconds unless interrupted.
    /// (A small build side, so no time goes into materialising it; the cross product never ends.)
    static let longQuery = "SELECT sum(hash(a.range * b.range)) FROM range(1000000) a, range(1000000) b"

    @Test func eightConcurrentTasksQueryOneDatabase() async throws {
        let database = try Database(options: ["threads": "2"])
        let setup = try database.connect()
        try setup.execute("CREATE TABLE numbers AS SELECT range AS n FROM range(200000)")
        let pool = try ConnectionPool(database: database, size: 4)
        let sums = try await withThrowingTaskGroup(of: (Int, Int64).self) { group in
            for task in 0..<8 {
                group.addTask {
                    let sum = try await pool.withConnection { connection in
                        try connection.query(
                            "SELECT sum(n)::BIGINT FROM numbers WHERE n % 8 = ?", [.bigint(Int64(task))]
                        ).rows[0][0].int64 ?? -1
                    }
                    return (task, sum)
                }
            }
            var sums: [Int: Int64] = [:]
            for try await (task, sum) in group { sums[task] = sum }
            return sums
        }
        for task in 0..<8 {
            let expected = stride(from: Int64(task), to: 200_000, by: 8).reduce(0, +)
            #expect(sums[task] == expected)
        }
    }

    @Test func interruptStopsALongQueryWithin100Milliseconds() async throws {
        let connection = try SerializedConnection(database: try Database(options: ["threads": "2"]))
        // Measured where DuckDB returns (on the connection's queue), so that the time the awaiting task
        // takes to be scheduled on a busy machine does not count.
        let returnedAt = TimeBox()
        let startedAt = TimeBox()
        let task = Task {
            try await connection.run { connection in
                startedAt.set(ContinuousClock.now)
                defer { returnedAt.set(ContinuousClock.now) }
                return try connection.query(Self.longQuery)
            }
        }
        // Wait until the query really runs (a loaded machine may start it late), then let it run.
        for _ in 0..<1000 where startedAt.value == nil { try await Task.sleep(for: .milliseconds(10)) }
        let started = try #require(startedAt.value)
        try await Task.sleep(for: .milliseconds(300))
        let interruptedAt = ContinuousClock.now
        task.cancel()
        let outcome = await task.result
        #expect(throws: CancellationError.self) { try outcome.get() }
        let stopLatency = try #require(returnedAt.value) - interruptedAt
        #expect(stopLatency < .milliseconds(100), "stopped \(stopLatency) after the interrupt")
        #expect(interruptedAt - started >= .milliseconds(300))
    }

    @Test func timeoutInterruptsWithAClearError() async throws {
        let connection = try SerializedConnection(database: try Database(options: ["threads": "2"]))
        let clock = ContinuousClock()
        let started = clock.now
        let error = await #expect(throws: DuckDBError.self) {
            try await connection.run(timeout: .milliseconds(200)) { try $0.query(Self.longQuery) }
        }
        #expect(error?.code == .timeout)
        #expect(error?.isInterrupt == true)
        #expect(error?.message.contains("0.2 s") == true)
        #expect(clock.now - started < .seconds(2), "the query never ends on its own: stopping at all is the point")
        // The connection is healthy afterwards.
        let value = try await connection.run { try $0.query("SELECT 42").rows[0][0] }
        #expect(value == .integer(42))
    }

    @Test func lateInterruptDoesNotHitTheNextQuery() async throws {
        let connection = try SerializedConnection(database: try Database())
        let handle = connection.interruptHandle
        let firstScope = try await connection.run { _ in handle.beginScope() - 1 }
        // The first call's scope is over: interrupting it must be a no-op.
        #expect(handle.interrupt(scope: firstScope) == false)
        let value = try await connection.run { try $0.query("SELECT count(*) FROM range(1000000)").rows[0][0] }
        #expect(value == .bigint(1_000_000))
    }

    @Test func interruptLandingAfterTheLastStatementIsAbsorbed() async throws {
        let connection = try SerializedConnection(database: try Database())
        let handle = connection.interruptHandle
        // Interrupt the scope after its statement finished but before the scope ended.
        _ = try await connection.run { connection in
            _ = try connection.query("SELECT 1")
            let scope = handle.beginScope()
            handle.interrupt(scope: scope)
            handle.endScope(scope)
            return 0
        }
        let value = try await connection.run { try $0.query("SELECT 7").rows[0][0] }
        #expect(value == .integer(7))
    }

    @Test func cancelledWaiterNeverRuns() async throws {
        let pool = try ConnectionPool(database: try Database(options: ["threads": "1"]), size: 1)
        let ran = ManagedAtomicFlag()
        let blocker = Task { try await pool.withConnection(timeout: .seconds(5)) { try $0.query(Self.longQuery) } }
        try await Task.sleep(for: .milliseconds(100))
        let waiter = Task {
            try await pool.withConnection { _ in
                ran.set()
                return 1
            }
        }
        try await Task.sleep(for: .milliseconds(50))
        waiter.cancel()
        let outcome = await waiter.result
        #expect(throws: CancellationError.self) { try outcome.get() }
        blocker.cancel()
        _ = await blocker.result
        #expect(!ran.isSet)
        // The pool still serves.
        #expect(try await pool.withConnection { try $0.query("SELECT 1").rows.count } == 1)
    }

    @Test func progressIsObservableWhileRunning() async throws {
        let connection = try SerializedConnection(database: try Database(options: ["threads": "1"]))
        let task = Task { try await connection.run(timeout: .seconds(2)) { try $0.query(Self.longQuery) } }
        try await Task.sleep(for: .milliseconds(700))
        let progress = connection.interruptHandle.progress()
        task.cancel()
        _ = await task.result
        if let progress { #expect(progress.percentage >= 0 && progress.percentage <= 100) }
    }
}

private final class TimeBox: @unchecked Sendable {
    private let lock = NSLock()
    private var instant: ContinuousClock.Instant?
    func set(_ value: ContinuousClock.Instant) { lock.withLock { instant = value } }
    var value: ContinuousClock.Instant? { lock.withLock { instant } }
}

private final class ManagedAtomicFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false
    func set() { lock.withLock { value = true } }
    var isSet: Bool { lock.withLock { value } }
}
