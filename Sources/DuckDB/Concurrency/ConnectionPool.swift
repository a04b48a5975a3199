import Synchronization

/// A fixed set of ``SerializedConnection``s on one database. Callers wait (cancellably) for a free
/// connection; each runs its work off the cooperative pool.
///
/// ```swift
/// let pool = try ConnectionPool(database: db, size: 4)
/// let rows = try await pool.withConnection(timeout: .seconds(30)) { try $0.query(sql).rows }
/// ```
public final class ConnectionPool: Sendable {
    private struct Waiter {
        let id: UInt64
        let continuation: CheckedContinuation<Int, any Error>
    }

    private struct State {
        var free: [Int]
        var waiters: [Waiter] = []
        var nextWaiter: UInt64 = 0
    }

    private let connections: [SerializedConnection]
    private let state: Mutex<State>

    /// The database the pool's connections belong to.
    public let database: Database

    /// Opens `size` connections on `database`, running `setup` on each.
    public init(database: Database, size: Int, label: String = "pool", setup: (Connection) throws -> Void = { _ in })
        throws
    {
        precondition(size > 0, "a pool needs at least one connection")
        self.database = database
        self.connections = try (0..<size).map { index in
            try SerializedConnection(database: database, label: "\(label).\(index)", setup: setup)
        }
        self.state = Mutex(State(free: Array((0..<size).reversed())))
    }

    /// The number of connections.
    public var size: Int { connections.count }

    /// The number of callers waiting for a connection now (a load figure; tests order events by it).
    public var waitingCount: Int { state.withLock { $0.waiters.count } }

    /// Runs `body` on a free connection (waiting for one if needed).
    public func withConnection<T: Sendable>(
        timeout: Duration? = nil,
        _ body: @escaping @Sendable (Connection) throws -> T
    ) async throws -> T {
        let index = try await acquire()
        defer { release(index) }
        return try await connections[index].run(timeout: timeout, body)
    }

    private func acquire() async throws -> Int {
        if let index = state.withLock({ $0.free.popLast() }) { return index }
        let id = state.withLock { state in
            state.nextWaiter += 1
            return state.nextWaiter
        }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                let outcome: Result<Int, any Error>? = state.withLock { state in
                    if let index = state.free.popLast() { return .success(index) }
                    if Task.isCancelled { return .failure(CancellationError()) }
                    state.waiters.append(Waiter(id: id, continuation: continuation))
                    return nil
                }
                if let outcome { continuation.resume(with: outcome) }
            }
        } onCancel: {
            let waiter = state.withLock { state -> Waiter? in
                guard let position = state.waiters.firstIndex(where: { $0.id == id }) else { return nil }
                return state.waiters.remove(at: position)
            }
            waiter?.continuation.resume(throwing: CancellationError())
        }
    }

    private func release(_ index: Int) {
        let waiter = state.withLock { state -> Waiter? in
            if state.waiters.isEmpty {
                state.free.append(index)
                return nil
            }
            return state.waiters.removeFirst()
        }
        waiter?.continuation.resume(returning: index)
    }
}
