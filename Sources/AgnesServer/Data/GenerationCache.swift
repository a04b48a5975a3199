import Synchronization

/// Values computed from one analytics generation's files, kept until the generation changes.
///
/// A table's schema and sample rows can only change with a rebuild, so keying them on the generation
/// number is exact where the original's one-hour time-to-live served stale answers after a sync and
/// recomputed unchanged ones. Access is checked before every lookup, never cached.
final class GenerationCache<Key: Hashable & Sendable, Value: Sendable>: Sendable {
    private struct State {
        var generation = 0
        var entries: [Key: Value] = [:]
    }

    private let state = Mutex(State())
    let capacity: Int

    init(capacity: Int = 512) { self.capacity = capacity }

    /// The value stored for `key` in `generation`.
    func value(generation: Int, key: Key) -> Value? {
        state.withLock { $0.generation == generation ? $0.entries[key] : nil }
    }

    /// Stores a value computed from `generation`; entries of older generations are dropped, and a value
    /// of an older generation than the cached one is not kept.
    func store(_ value: Value, generation: Int, key: Key) {
        state.withLock { state in
            if generation > state.generation {
                state.generation = generation
                state.entries.removeAll()
            }
            guard generation == state.generation else { return }
            if state.entries.count >= capacity { state.entries.removeAll(keepingCapacity: true) }
            state.entries[key] = value
        }
    }
}
