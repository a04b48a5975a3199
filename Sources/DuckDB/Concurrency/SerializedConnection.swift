import Dispatch
import Synchronization

/// A connection whose every use runs on its own serial dispatch queue, never on the cooperative
/// thread pool or an event loop. Task cancellation and timeouts interrupt the running statement.
///
/// ```swift
/// let writer = try SerializedConnection(database: db, label: "system-writer")
/// let count = try await writer.run { try $0.query("SELECT count(*) FROM users").rows[0][0].int ?? 0 }
/// ```
public final class SerializedConnection: @unchecked Sendable {
    // @unchecked: `connection` is not Sendable, but it is only ever touched on `queue`, a serial queue,
    // so no two threads use it at once; everything else is immutable or a Mutex.
    private let connection: Connection
    private let queue: DispatchQueue
    /// Interrupts the running statement from any thread.
    public let interruptHandle: InterruptHandle

    /// Opens a connection on `database` and runs `setup` on it (for `SET` / `ATTACH`).
    public init(database: Database, label: String = "duckdb", setup: (Connection) throws -> Void = { _ in }) throws {
        let connection = try database.connect()
        try setup(connection)
        self.connection = connection
        self.queue = DispatchQueue(label: "agnes.\(label)")
        self.interruptHandle = connection.interruptHandle
    }

    /// Runs `body` with exclusive use of the connection, off the cooperative pool.
    /// After `timeout`, the running statement is interrupted and a `.timeout` error is thrown;
    /// when the calling task is cancelled, it is interrupted and `CancellationError` is thrown.
    public func run<T: Sendable>(
        timeout: Duration? = nil,
        _ body: @escaping @Sendable (Connection) throws -> T
    ) async throws -> T {
        let call = CallState()
        let handle = interruptHandle
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
                // The block holds the connection only while it runs `execute`, never while resuming:
                // otherwise a caller dropping its last reference right after the resume would leave the
                // database to close on this queue, racing with whatever the caller opens next (a
                // reopened file would find its WAL deleted under it).
                let work = Handover(body)
                queue.async { [weak self] in
                    let outcome = Self.perform(on: self, work, call: call, timeout: timeout)
                    continuation.resume(with: outcome)
                }
            }
        } onCancel: {
            if let scope = call.cancel() { Self.interrupt(handle, scope: scope) }
        }
    }

    /// Takes the body out of `work` and runs it; both references end when this returns.
    private static func perform<T: Sendable>(
        on connection: SerializedConnection?, _ work: Handover<@Sendable (Connection) throws -> T>, call: CallState,
        timeout: Duration?
    ) -> Result<T, any Error> {
        guard let connection, let body = work.take() else { return .failure(CancellationError()) }
        return connection.execute(body, call: call, timeout: timeout)
    }

    /// Runs `body` on the queue with the interrupt scope and the timer of one `run` call.
    private func execute<T: Sendable>(
        _ body: @Sendable (Connection) throws -> T, call: CallState, timeout: Duration?
    ) -> Result<T, any Error> {
        let handle = interruptHandle
        let scope = handle.beginScope()
        guard call.start(scope: scope) else {
            handle.endScope(scope)
            return .failure(CancellationError())
        }
        let timer = timeout.map { limit in
            let item = DispatchWorkItem {
                call.markTimedOut()
                Self.interrupt(handle, scope: scope)
            }
            Self.timerQueue.asyncAfter(deadline: .now() + limit.timeInterval, execute: item)
            return item
        }
        let result = Result { try body(connection) }
        timer?.cancel()
        let wasInterrupted = handle.endScope(scope)
        if wasInterrupted { Self.clearStaleInterrupt(connection) }
        return call.finish(result, timeout: timeout)
    }

    /// Interrupts `scope` now and again every 10 ms until the scope ends: DuckDB forgets an interrupt
    /// that arrives before a statement starts (each statement clears the flag when it begins), so one
    /// landing between the start of the call and its first statement would otherwise be lost and the
    /// statement run to its end.
    private static func interrupt(_ handle: InterruptHandle, scope: UInt64) {
        guard handle.interrupt(scope: scope) else { return }
        timerQueue.asyncAfter(deadline: .now() + .milliseconds(10)) { interrupt(handle, scope: scope) }
    }

    /// Fires timeouts and repeated interrupts. A serial queue of its own (overcommitting, unlike the
    /// global concurrent queue), so timers fire on time even while every core is busy inside DuckDB.
    private static let timerQueue = DispatchQueue(label: "agnes.duckdb.timeouts")

    /// An interrupt that lands after the last statement finished can stay pending on the connection;
    /// a trivial statement absorbs it so the next caller's query is not hit.
    private static func clearStaleInterrupt(_ connection: Connection) {
        _ = try? connection.execute("SELECT 1")
    }
}

/// A value handed from the calling task to the queue exactly once: taking it leaves nothing behind,
/// so whatever the value captured is released with the taker, not with the dispatch block.
private final class Handover<Value: Sendable>: Sendable {
    private let value: Mutex<Value?>

    init(_ value: Value) { self.value = Mutex(value) }

    func take() -> Value? {
        value.withLock { stored in
            defer { stored = nil }; return stored
        }
    }
}

/// Where one `run` call stands, shared between the task, its cancellation handler and the queue.
private final class CallState: Sendable {
    private struct State {
        var scope: UInt64?
        var isCancelled = false
        var isTimedOut = false
    }

    private let state = Mutex(State())

    /// Records the running scope; false when the call was cancelled before it started.
    func start(scope: UInt64) -> Bool {
        state.withLock { state in
            guard !state.isCancelled else { return false }
            state.scope = scope
            return true
        }
    }

    /// Marks the call cancelled and returns the scope to interrupt, if it is running.
    func cancel() -> UInt64? {
        state.withLock { state in
            state.isCancelled = true
            return state.scope
        }
    }

    func markTimedOut() { state.withLock { $0.isTimedOut = true } }

    /// Maps an interrupt error to the reason the call was interrupted.
    func finish<T>(_ result: Result<T, any Error>, timeout: Duration?) -> Result<T, any Error> {
        let (isCancelled, isTimedOut) = state.withLock { ($0.isCancelled, $0.isTimedOut) }
        // An interrupt that hits `duckdb_prepare` comes without an error type, only DuckDB's message.
        guard case .failure(let error) = result, let duckError = error as? DuckDBError,
            duckError.kind == .interrupt || duckError.message.hasPrefix("INTERRUPT Error")
        else { return result }
        if isTimedOut, let timeout {
            return .failure(
                DuckDBError(
                    .timeout, "the statement ran longer than \(timeout.formattedSeconds) and was stopped",
                    kind: .interrupt))
        }
        if isCancelled { return .failure(CancellationError()) }
        return result
    }
}

extension Duration {
    var timeInterval: DispatchTimeInterval {
        let (seconds, attoseconds) = components
        return .nanoseconds(Int(seconds) * 1_000_000_000 + Int(attoseconds / 1_000_000_000))
    }

    var formattedSeconds: String {
        let (seconds, attoseconds) = components
        let value = Double(seconds) + Double(attoseconds) / 1e18
        return value == value.rounded() ? "\(Int(value)) s" : "\(value) s"
    }
}
