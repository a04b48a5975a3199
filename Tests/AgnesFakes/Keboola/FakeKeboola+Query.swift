import Foundation
import Synchronization

extension FakeKeboola {
    /// The Query Service base the API index lists (`services[id=query].url`).
    public var queryServiceURL: String { stackURL + "/query-service" }

    /// Whether `GET /v2/storage` lists the Query Service (true unless a test takes it away).
    public var hasQueryService: Bool {
        get { store.state.withLock { $0.hasQueryService } }
    }

    /// Takes the Query Service out of the API index (or puts it back), as on a stack without one.
    public func setQueryService(_ isListed: Bool) {
        store.state.withLock { $0.hasQueryService = isListed }
    }

    /// The id of the project's default branch.
    public var defaultBranchID: Int64 { store.state.withLock { $0.defaultBranchID } }

    /// The project's workspaces.
    public var workspaces: [FakeKeboolaWorkspace] {
        store.state.withLock { $0.workspaces.values.sorted { $0.id < $1.id } }
    }

    /// Deletes a workspace, as an admin in the Keboola UI would: queries to it then answer 404.
    public func deleteWorkspace(_ id: Int64) {
        _ = store.state.withLock { $0.workspaces.removeValue(forKey: id) }
    }

    /// From now on, query submissions wait (unanswered) until ``releaseQueries()``.
    public func holdQueries() {
        store.state.withLock { $0.queryGate.isHolding = true }
    }

    /// Returns once at least one submission is being held.
    public func waitForHeldQuery() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let isHeld = store.state.withLock { state in
                if !state.queryGate.held.isEmpty { return true }
                state.queryGate.watchers.append(continuation)
                return false
            }
            if isHeld { continuation.resume() }
        }
    }

    /// Lets held submissions through and stops holding.
    public func releaseQueries() {
        let held = store.state.withLock { state in
            state.queryGate.isHolding = false
            defer { state.queryGate.held.removeAll() }
            return state.queryGate.held
        }
        for continuation in held { continuation.resume() }
    }
}
