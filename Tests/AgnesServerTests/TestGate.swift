/// A gate work stops at until the test opens it; the test can wait, without polling, until something
/// stands at it.
actor TestGate {
    private var standing: [CheckedContinuation<Void, Never>] = []
    private var watchers: [CheckedContinuation<Void, Never>] = []

    /// Stops here until ``open()``.
    func pass() async {
        await withCheckedContinuation { continuation in
            standing.append(continuation)
            for watcher in watchers { watcher.resume() }
            watchers = []
        }
    }

    /// Returns once something stands at the gate.
    func arrival() async {
        guard standing.isEmpty else { return }
        await withCheckedContinuation { watchers.append($0) }
    }

    /// Waits for the next arrival and lets it through.
    func open() async {
        await arrival()
        standing.removeFirst().resume()
    }
}
