import DuckDB
import Foundation
import Testing

@Suite(.serialized) struct ConcurrencyTests {
    /// A query that runs for many seconds unless interrupted.
    /// (A small build side, so no time goes into materialising it; the cross product never ends.)
    static let longQuery = "SELECT sum(hash(a.range * b.range)) FROM range(1000000) a, range(1000000) b"

    /// The outcome of `task`, a call on `connection`; if the test itself is cancelled (its time limit),
    /// the connection is interrupted outright, so a lost interrupt fails the test instead of leaving it
    /// waiting on a statement that never ends.
    static func outcome<T>(of task: Task<T, any Error>, on connection: SerializedConnection) async -> Result<
        T, any Error
    > {
        await withTaskCancellationHandler {
            await task.result
        } onCancel: {
            connection.interruptHandle.interruptNow()
        }
    }

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

    // How fast an interrupt lands is measured in bench/ (`agnes-bench interrupt`), not asserted here:
    // a wall-clock bound fails on a loaded machine and passes on a broken one that happens to be quick.
    @Test(.timeLimit(.minutes(1))) func cancellingInterruptsAQueryThatNeverEnds() async throws {
        let connection = try SerializedConnection(database: try Database(options: ["threads": "2"]))
        let (started, startedSignal) = AsyncStream<Void>.makeStream()
        let task = Task {
            try await connection.run { connection in
                startedSignal.yield()
                return try connection.query(Self.longQuery)
            }
        }
        // Cancelled once the call holds the connection, whether or not DuckDB has begun the statement.
        for await _ in started { break }
        task.cancel()
        let outcome = await Self.outcome(of: task, on: connection)
        #expect(throws: CancellationError.self) { try outcome.get() }
        // The connection is healthy afterwards.
        #expect(try await connection.run { try $0.query("SELECT 7").rows[0][0] } == .integer(7))
    }

    // DuckDB clears a pending interrupt when a statement begins: a cancellation that lands between the
    // start of the call and its statement must still stop that statement.
    @Test(.timeLimit(.minutes(1))) func aCancellationBeforeTheStatementStartsStillStopsIt() async throws {
        let connection = try SerializedConnection(database: try Database(options: ["threads": "2"]))
        let (started, startedSignal) = AsyncStream<Void>.makeStream()
        let cancelled = DispatchSemaphore(value: 0)
        let task = Task {
            try await connection.run { connection in
                startedSignal.yield()
                cancelled.wait()  // the cancellation has been delivered: now the statement starts
                return try connection.query(Self.longQuery)
            }
        }
        for await _ in started { break }
        task.cancel()
        cancelled.signal()
        let outcome = await Self.outcome(of: task, on: connection)
        #expect(throws: CancellationError.self) { try outcome.get() }
        #expect(try await connection.run { try $0.query("SELECT 7").rows[0][0] } == .integer(7))
    }

    // The query never ends on its own: stopping at all is the point (the time limit only guards a hang).
    @Test(.timeLimit(.minutes(1))) func timeoutInterruptsWithAClearError() async throws {
        let connection = try SerializedConnection(database: try Database(options: ["threads": "2"]))
        let error = await #expect(throws: DuckDBError.self) {
            try await connection.run(timeout: .milliseconds(200)) { try $0.query(Self.longQuery) }
        }
        #expect(error?.code == .timeout)
        #expect(error?.isInterrupt == true)
        #expect(error?.message.contains("0.2 s") == true)
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

    @Test(.timeLimit(.minutes(1))) func cancelledWaiterNeverRuns() async throws {
        let pool = try ConnectionPool(database: try Database(options: ["threads": "1"]), size: 1)
        let ran = ManagedAtomicFlag()
        let (holding, holdingSignal) = AsyncStream<Void>.makeStream()
        let release = DispatchSemaphore(value: 0)
        // The blocker holds the only connection until the test lets it go.
        let blocker = Task {
            try await pool.withConnection { _ in
                holdingSignal.yield()
                release.wait()
                return 0
            }
        }
        for await _ in holding { break }
        let waiter = Task {
            try await pool.withConnection { _ in
                ran.set()
                return 1
            }
        }
        // Cancelled while queued, not before it got there.
        while pool.waitingCount == 0 { try await Task.sleep(for: .milliseconds(1)) }
        waiter.cancel()
        #expect(pool.waitingCount == 0, "the cancelled waiter left the queue at once")
        // The connection is freed before the waiter's outcome is awaited: a waiter still queued would get
        // it and run (and fail the test) rather than wait forever.
        release.signal()
        _ = try await blocker.value
        let outcome = await waiter.result
        #expect(throws: CancellationError.self) { try outcome.get() }
        #expect(!ran.isSet)
        // The released connection went back to the pool, not to the cancelled waiter.
        #expect(try await pool.withConnection { try $0.query("SELECT 1").rows.count } == 1)
    }

    @Test(.timeLimit(.minutes(1))) func progressIsObservableWhileRunning() async throws {
        // DuckDB tracks progress only with its progress bar on (not printed).
        let connection = try SerializedConnection(database: try Database(options: ["threads": "1"])) { connection in
            try connection.execute("SET enable_progress_bar = true")
            try connection.execute("SET enable_progress_bar_print = false")
        }
        #expect(connection.interruptHandle.progress() == nil, "nothing runs yet")
        let task = Task { try await connection.run { try $0.query(Self.longQuery) } }
        defer { task.cancel() }
        // At the very start of a statement DuckDB may report progress before it knows the total
        // (0 rows to process): wait for a reading that has it.
        var progress: QueryProgress?
        while (progress?.totalRows ?? 0) == 0 {
            try await Task.sleep(for: .milliseconds(5))
            progress = connection.interruptHandle.progress()
        }
        task.cancel()
        _ = await Self.outcome(of: task, on: connection)
        let seen = try #require(progress)
        #expect(seen.percentage >= 0 && seen.percentage <= 100)
        #expect(seen.totalRows > 0 && seen.rowsProcessed <= seen.totalRows)
    }
}

private final class ManagedAtomicFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false
    func set() { lock.withLock { value = true } }
    var isSet: Bool { lock.withLock { value } }
}
