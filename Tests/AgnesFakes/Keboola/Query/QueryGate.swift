import Synchronization

/// Holds Query Service submissions while a test asks (``FakeKeboola/holdQueries()``), so that a
/// materialization stays in flight for as long as the test needs, without sleeping.
struct QueryGate {
    var isHolding = false
    var held: [CheckedContinuation<Void, Never>] = []
    var watchers: [CheckedContinuation<Void, Never>] = []
}

extension KeboolaStore {
    /// Waits here while submissions are held.
    func waitAtGate() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let watchers = state.withLock { state -> [CheckedContinuation<Void, Never>]? in
                guard state.queryGate.isHolding else { return nil }
                state.queryGate.held.append(continuation)
                defer { state.queryGate.watchers.removeAll() }
                return state.queryGate.watchers
            }
            guard let watchers else { return continuation.resume() }
            for watcher in watchers { watcher.resume() }
        }
    }
}
