import Logging
import Synchronization

/// Work that a request starts and does not wait for: the account lookup, token write, audit and mail
/// of the anonymous link-mailing routes, so that their answer costs the same whether or not the
/// address belongs to an account. Failures are logged, never thrown.
///
/// Tests (and a graceful stop) wait with ``idle()`` until everything started has finished, instead
/// of sleeping and hoping.
///
/// ```swift
/// services.background.run("password reset", logger: logger) { try await mailResetLink(to: email) }
/// await services.background.idle()
/// ```
public final class BackgroundWork: Sendable {
    private struct State {
        var running = 0
        var waiters: [CheckedContinuation<Void, Never>] = []
        var isHeld = false
        var held: [@Sendable () -> Void] = []
    }

    private let state = Mutex(State())

    /// Creates an empty tracker.
    public init() {}

    /// The number of jobs started and not yet finished.
    public var runningCount: Int { state.withLock { $0.running } }

    /// Starts `body` in its own task; returns at once.
    public func run(_ name: String, logger: Logger, _ body: @escaping @Sendable () async throws -> Void) {
        let start: @Sendable () -> Void = { [self] in
            Task {
                do { try await body() } catch {
                    logger.error("background work failed", metadata: ["work": "\(name)", "error": "\(error)"])
                }
                finish()
            }
        }
        let startsNow = state.withLock { state -> Bool in
            state.running += 1
            if state.isHeld { state.held.append(start) }
            return !state.isHeld
        }
        if startsNow { start() }
    }

    /// Holds work started from now on until ``release()``, so a test can look at what a request did
    /// before its answer, and only then let the rest happen.
    public func hold() {
        state.withLock { $0.isHeld = true }
    }

    /// Starts the held work and stops holding.
    public func release() {
        let held = state.withLock { state -> [@Sendable () -> Void] in
            state.isHeld = false
            defer { state.held = [] }
            return state.held
        }
        for start in held { start() }
    }

    /// Returns when no job is running (at once when none is).
    public func idle() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let isIdle = state.withLock { state -> Bool in
                guard state.running > 0 else { return true }
                state.waiters.append(continuation)
                return false
            }
            if isIdle { continuation.resume() }
        }
    }

    private func finish() {
        let waiters = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.running -= 1
            guard state.running == 0 else { return [] }
            defer { state.waiters = [] }
            return state.waiters
        }
        for waiter in waiters { waiter.resume() }
    }
}
