import Dispatch

/// Runs blocking work (opening a database file, copying it) on a dispatch queue of its own, so that it
/// never occupies a thread of Swift's cooperative pool or an event loop.
public func offloaded<T: Sendable>(_ label: String = "agnes.blocking", _ work: @escaping @Sendable () throws -> T)
    async throws -> T
{
    try await withCheckedThrowingContinuation { continuation in
        DispatchQueue(label: label).async {
            continuation.resume(with: Result { try work() })
        }
    }
}
