import Foundation
import Synchronization

/// Remembers values read from the system store, per key, for as long as the store has not been
/// written since: every store write changes ``SystemStore/writeCount``, so a deactivation, a group
/// change, a revoked token or a deletion is seen by the very next request. Entries also expire after
/// `lifetime`, and the cache is emptied when it holds `capacity` keys.
///
/// ```swift
/// let user = try await cache.value(for: id) { try await users.findPrincipal(id: id) }
/// ```
public final class StoreRowCache<Value: Sendable>: Sendable {
    private struct Entry {
        let value: Value
        let writeCount: Int
        let storedAt: Date
    }

    private let entries = Mutex<[String: Entry]>([:])
    let store: SystemStore
    let lifetime: TimeInterval
    let capacity: Int

    /// Creates an empty cache over `store`.
    public init(store: SystemStore, lifetime: TimeInterval = 30, capacity: Int = 10_000) {
        self.store = store
        self.lifetime = lifetime
        self.capacity = capacity
    }

    /// The cached value when nothing was written since it was read, else `read()` (cached when no
    /// write started or ended while it ran). Nil results are not cached.
    public func value(for key: String, now: Date, read: () async throws -> Value?) async throws -> Value? {
        let before = store.writeCount
        let cached = entries.withLock { entries -> Value? in
            guard let entry = entries[key], entry.writeCount == before, now.timeIntervalSince(entry.storedAt) < lifetime
            else { return nil }
            return entry.value
        }
        if let cached { return cached }
        guard let value = try await read() else { return nil }
        if before % 2 == 0, store.writeCount == before {
            entries.withLock { entries in
                if entries.count >= capacity { entries.removeAll(keepingCapacity: true) }
                entries[key] = Entry(value: value, writeCount: before, storedAt: now)
            }
        }
        return value
    }
}
