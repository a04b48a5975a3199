import CDuckDB
import Synchronization

/// Interrupts or observes the statement a ``Connection`` is running, from any thread.
///
/// Interrupts are scoped: ``beginScope()`` hands out a token for one unit of work, and
/// ``interrupt(scope:)`` only reaches DuckDB while that same scope is still running, so a late
/// timeout or cancellation can never stop the next caller's query.
public final class InterruptHandle: Sendable {
    // @unchecked: the raw connection pointer is only read or cleared while the mutex is held.
    private struct State: @unchecked Sendable {
        var connection: duckdb_connection?
        var runningScope: UInt64?
        var nextScope: UInt64 = 1
        var interruptedScope: UInt64?
    }

    // duckdb_connection is a raw pointer; every access goes through the mutex, and the pointer is
    // cleared (under the mutex) before the connection is closed.
    private let state: Mutex<State>

    init(connection: duckdb_connection) {
        state = Mutex(State(connection: connection))
    }

    /// Starts a unit of work and returns its token.
    public func beginScope() -> UInt64 {
        state.withLock { state in
            let scope = state.nextScope
            state.nextScope += 1
            state.runningScope = scope
            return scope
        }
    }

    /// Ends a unit of work; returns true when it was interrupted.
    @discardableResult
    public func endScope(_ scope: UInt64) -> Bool {
        state.withLock { state in
            if state.runningScope == scope { state.runningScope = nil }
            let wasInterrupted = state.interruptedScope == scope
            if wasInterrupted { state.interruptedScope = nil }
            return wasInterrupted
        }
    }

    /// Interrupts the running statement if `scope` is still the running unit of work.
    /// Returns whether an interrupt was sent.
    @discardableResult
    public func interrupt(scope: UInt64) -> Bool {
        state.withLock { state in
            guard let connection = state.connection, state.runningScope == scope else { return false }
            state.interruptedScope = scope
            duckdb_interrupt(connection)
            return true
        }
    }

    /// Interrupts whatever statement runs now (for a caller that owns the connection outright).
    public func interruptNow() {
        state.withLock { state in
            guard let connection = state.connection else { return }
            duckdb_interrupt(connection)
        }
    }

    /// Progress of the running statement, or nil when it is unknown. DuckDB tracks progress only on a
    /// connection with `SET enable_progress_bar = true` (add `enable_progress_bar_print = false`).
    public func progress() -> QueryProgress? {
        state.withLock { state in
            guard let connection = state.connection else { return nil }
            let progress = duckdb_query_progress(connection)
            guard progress.percentage >= 0 else { return nil }
            return QueryProgress(
                percentage: progress.percentage,
                rowsProcessed: progress.rows_processed,
                totalRows: progress.total_rows_to_process
            )
        }
    }

    /// Called by the connection before it disconnects.
    func detach() {
        state.withLock { $0.connection = nil }
    }
}

/// How far the running statement has got.
public struct QueryProgress: Sendable, Hashable {
    /// Percentage done (0–100).
    public let percentage: Double
    /// Rows processed so far.
    public let rowsProcessed: UInt64
    /// Rows to process in all.
    public let totalRows: UInt64
}
