import AgnesCore
import AgnesStore
import Foundation
import Synchronization

/// Remembers "user row + is admin" per user id between requests, for as long as the system store
/// has not been written since: every store write changes ``SystemStore/writeCount``, so a
/// deactivation, a group change or a deletion is seen by the very next request. Entries also expire
/// after `lifetime` and the cache is emptied when it holds `capacity` users.
final class PrincipalCache: Sendable {
    private struct Entry {
        let user: User
        let isAdmin: Bool
        let writeCount: Int
        let storedAt: Date
    }

    private let entries = Mutex<[String: Entry]>([:])
    let lifetime: TimeInterval
    let capacity: Int

    init(lifetime: TimeInterval = 30, capacity: Int = 10_000) {
        self.lifetime = lifetime
        self.capacity = capacity
    }

    /// The cached principal when nothing was written since it was read.
    func lookup(id: String, writeCount: Int, now: Date) -> (user: User, isAdmin: Bool)? {
        entries.withLock { entries in
            guard let entry = entries[id], entry.writeCount == writeCount,
                now.timeIntervalSince(entry.storedAt) < lifetime
            else { return nil }
            return (entry.user, entry.isAdmin)
        }
    }

    /// Stores a principal read while the store's write count stayed `writeCount` (even: no write
    /// in flight) from before the read to after it.
    func store(id: String, user: User, isAdmin: Bool, writeCount: Int, now: Date) {
        entries.withLock { entries in
            if entries.count >= capacity { entries.removeAll(keepingCapacity: true) }
            entries[id] = Entry(user: user, isAdmin: isAdmin, writeCount: writeCount, storedAt: now)
        }
    }
}
