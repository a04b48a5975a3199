import Dispatch
import DuckDB
import Foundation
import Synchronization

/// The pushdowns of the queries running now, by the DuckDB connection that runs each: the sandbox
/// sets them before it prepares a query and clears them after, and the table function's bind (which
/// DuckDB tells the connection id) picks up its table's plan.
final class RemotePushdowns: Sendable {
    private let plans = Mutex<[UInt64: [String: RemotePushdown.Plan]]>([:])
    /// A refusal a scan met, by connection, for the sandbox to answer with.
    private let refusals = Mutex<[UInt64: RemoteScanRefusal]>([:])
    /// Bytes the sources processed for the query running on a connection.
    private let bytes = Mutex<[UInt64: Int64]>([:])
    /// Whether the caller of the query running on a connection has gone (its task was cancelled).
    private let cancellations = Mutex<[UInt64: CancellationFlag]>([:])

    func watch(_ flag: CancellationFlag, on connection: UInt64) {
        cancellations.withLock { $0[connection] = flag }
    }

    func isCancelled(_ connection: UInt64) -> Bool {
        cancellations.withLock { $0[connection]?.isSet ?? false }
    }

    func add(bytes count: Int64, on connection: UInt64) {
        bytes.withLock { $0[connection, default: 0] += count }
    }

    /// The bytes counted on `connection` since the last call, cleared.
    func takeBytes(_ connection: UInt64) -> Int64 {
        bytes.withLock { $0.removeValue(forKey: connection) ?? 0 }
    }

    func refuse(_ refusal: RemoteScanRefusal, on connection: UInt64) {
        refusals.withLock { $0[connection] = refusal }
    }

    /// The refusal met on `connection` since the last call, cleared.
    func takeRefusal(_ connection: UInt64) -> RemoteScanRefusal? {
        refusals.withLock { $0.removeValue(forKey: connection) }
    }

    func set(_ value: [String: RemotePushdown.Plan], for connection: UInt64) {
        plans.withLock { $0[connection] = value.isEmpty ? nil : value }
    }

    func clear(_ connection: UInt64) {
        _ = plans.withLock { $0.removeValue(forKey: connection) }
        _ = cancellations.withLock { $0.removeValue(forKey: connection) }
    }

    func plan(table: String, connection: UInt64) -> RemotePushdown.Plan? {
        plans.withLock { $0[connection]?[table] }
    }
}

/// One remote table bound in a query: its columns, its reader and what the query lets it push down.
final class RemoteTableScan: TextTableScan {
    let tableID: String
    let columns: [RemoteColumn]
    let reader: any RemoteTableReader
    let plan: RemotePushdown.Plan?
    /// The query's deadline: a source that has not answered by then fails the query.
    let deadline: ContinuousClock.Instant
    let timeout: Duration

    /// Told of a refusal (the sandbox answers with it after DuckDB reports the failed query).
    let onRefusal: @Sendable (RemoteScanRefusal) -> Void
    /// Counts the bytes the source processed.
    let meter: RemoteScanMeter?
    /// Whether the query's caller has gone: the scan stops waiting for its source then.
    let isCancelled: @Sendable () -> Bool

    init(
        tableID: String, columns: [RemoteColumn], reader: any RemoteTableReader, plan: RemotePushdown.Plan?,
        timeout: Duration, onRefusal: @escaping @Sendable (RemoteScanRefusal) -> Void = { _ in },
        meter: RemoteScanMeter? = nil, isCancelled: @escaping @Sendable () -> Bool = { false }
    ) {
        self.onRefusal = onRefusal
        self.meter = meter
        self.isCancelled = isCancelled
        self.tableID = tableID
        self.columns = columns
        self.reader = reader
        self.plan = plan
        self.timeout = timeout
        self.deadline = .now + timeout
    }

    var columnNames: [String] { columns.map(\.name) }

    func open(columns positions: [Int]) throws -> any TextTableCursor {
        let request = RemoteScanRequest(
            tableID: tableID, columns: positions.map { columns[$0] }, filters: plan?.filters ?? [], limit: plan?.limit,
            meter: meter)
        return RemoteCursor(
            stream: reader.rows(request), tableID: tableID, deadline: deadline, timeout: timeout, onRefusal: onRefusal,
            isCancelled: isCancelled)
    }
}

/// Reads a reader's stream from DuckDB's scan thread: a task pulls batches into a small buffer (at
/// most a few batches ahead, so a slow query does not pile up the table in memory), the scan waits for
/// them until the query's deadline. Dropping the cursor (the query ended, a LIMIT was reached) cancels
/// the task and with it the stream.
final class RemoteCursor: TextTableCursor {
    private let handoff = Handoff()
    private let task: Task<Void, Never>
    private let tableID: String
    private let deadline: ContinuousClock.Instant
    private let timeout: Duration
    private var pending: ArraySlice<[String?]> = []
    private let onRefusal: @Sendable (RemoteScanRefusal) -> Void
    private let isCancelled: @Sendable () -> Bool

    init(
        stream: AsyncThrowingStream<[[String?]], any Error>, tableID: String, deadline: ContinuousClock.Instant,
        timeout: Duration, onRefusal: @escaping @Sendable (RemoteScanRefusal) -> Void,
        isCancelled: @escaping @Sendable () -> Bool
    ) {
        self.onRefusal = onRefusal
        self.isCancelled = isCancelled
        self.tableID = tableID
        self.deadline = deadline
        self.timeout = timeout
        let handoff = self.handoff
        task = Task {
            do {
                for try await batch in stream where !batch.isEmpty {
                    await handoff.push(batch)
                    if Task.isCancelled { break }
                }
                handoff.finish(nil)
            } catch {
                handoff.finish(error)
            }
        }
    }

    deinit {
        task.cancel()
        handoff.close()
    }

    func next(maxRows: Int) throws -> [[String?]] {
        while pending.isEmpty {
            let taken: [[String?]]?
            do {
                taken = try handoff.take(until: deadline, unless: isCancelled)
            } catch let refusal as RemoteScanRefusal {
                onRefusal(refusal)
                throw refusal
            }
            guard let batch = taken else {
                if isCancelled() { throw CancellationError() }
                if ContinuousClock.now >= deadline {
                    throw TableFunctionError("remote table \(tableID) did not answer within \(timeout)")
                }
                return []
            }
            pending = batch[...]
        }
        let rows = Array(pending.prefix(maxRows))
        pending = pending.dropFirst(rows.count)
        return rows
    }
}

/// The buffer between the async reader and the blocking scan thread.
private final class Handoff: Sendable {
    private struct State {
        var batches: [[[String?]]] = []
        var isFinished = false
        var error: (any Error)?
        var spaceWaiter: CheckedContinuation<Void, Never>?
    }

    /// Batches the reader may run ahead of the scan.
    private static let capacity = 4
    private let state = Mutex(State())
    private let signal = DispatchSemaphore(value: 0)

    /// Adds a batch; waits while the buffer is full.
    func push(_ batch: [[String?]]) async {
        let isFull = state.withLock { state in
            state.batches.append(batch)
            return state.batches.count >= Self.capacity
        }
        signal.signal()
        guard isFull else { return }
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let resumeNow = state.withLock { state in
                if state.batches.count < Self.capacity || state.isFinished { return true }
                state.spaceWaiter = continuation
                return false
            }
            if resumeNow { continuation.resume() }
        }
    }

    /// Ends the stream, with the error that ended it if any.
    func finish(_ error: (any Error)?) {
        state.withLock { state in
            state.isFinished = true
            state.error = error
        }
        signal.signal()
    }

    /// The scan is gone: a reader waiting for room goes on (and sees its task cancelled).
    func close() {
        let waiter = state.withLock { state in
            state.isFinished = true
            state.batches = []
            defer { state.spaceWaiter = nil }
            return state.spaceWaiter
        }
        waiter?.resume()
    }

    /// The next batch, nil at the end or (when `deadline` passed or `isCancelled` said so first) nil
    /// too; throws the reader's error. Waits in slices of 50 ms to notice a cancellation.
    func take(until deadline: ContinuousClock.Instant, unless isCancelled: () -> Bool = { false }) throws
        -> [[String?]]?
    {
        while true {
            let outcome = state.withLock { state -> (batch: [[String?]]?, end: Bool, error: (any Error)?) in
                if !state.batches.isEmpty {
                    let batch = state.batches.removeFirst()
                    let waiter = state.spaceWaiter
                    state.spaceWaiter = nil
                    waiter?.resume()
                    return (batch, false, nil)
                }
                return (nil, state.isFinished, state.error)
            }
            if let batch = outcome.batch { return batch }
            if let error = outcome.error { throw error }
            if outcome.end { return nil }
            let remaining = deadline - ContinuousClock.now
            guard remaining > .zero, !isCancelled() else { return nil }
            let slice = min(remaining, .milliseconds(50))
            let nanoseconds = slice.components.seconds * 1_000_000_000 + slice.components.attoseconds / 1_000_000_000
            _ = signal.wait(timeout: .now() + .nanoseconds(Int(nanoseconds)))
        }
    }
}

/// Set once, read from any thread: whether a query's caller has gone.
final class CancellationFlag: Sendable {
    private let state = Mutex(false)
    var isSet: Bool { state.withLock { $0 } }
    func set() { state.withLock { $0 = true } }
}
