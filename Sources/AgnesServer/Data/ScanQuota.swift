import AgnesCore
import Foundation
import HTTPTypes
import Synchronization

/// Per-user scan quotas (REFERENCE §1.8): scans running at once, and bytes returned per UTC day.
/// In process memory, keyed by user id, the day bucket reset at UTC midnight; shared by
/// `/api/v2/scan` and `/api/query` (one instance in ``AgnesServices``).
///
/// ```swift
/// let slot = try quota.begin(userID: caller.user.id)   // 429 when over a limit
/// defer { quota.end(slot) }
/// … run …
/// quota.charge(userID: caller.user.id, bytes: written)
/// ```
public final class ScanQuota: Sendable {
    /// What was exceeded; the wire shape of the 429 `detail`.
    public struct Exceeded: Error, Sendable, Hashable, Encodable {
        /// `concurrent_scans` or `daily_bytes`.
        public let kind: String
        /// The user's count or bytes now.
        public let current: Int
        /// The limit.
        public let limit: Int
        /// When to try again.
        public let retryAfterSeconds: Int

        /// Creates a value.
        public init(kind: String, current: Int, limit: Int, retryAfterSeconds: Int) {
            self.kind = kind
            self.current = current
            self.limit = limit
            self.retryAfterSeconds = retryAfterSeconds
        }

        enum CodingKeys: String, CodingKey {
            case error, kind, current, limit
            case retryAfterSeconds = "retry_after_seconds"
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode("quota_exceeded", forKey: .error)
            try container.encode(kind, forKey: .kind)
            try container.encode(current, forKey: .current)
            try container.encode(limit, forKey: .limit)
            try container.encode(retryAfterSeconds, forKey: .retryAfterSeconds)
        }

        /// The 429 response: `{"detail": {error: "quota_exceeded", kind, current, limit,
        /// retry_after_seconds}}` with `Retry-After`.
        public var apiError: APIError {
            APIError(
                .tooManyRequests, detail: self, message: "quota exceeded: \(kind) \(current)/\(limit)",
                headers: [.retryAfter: String(retryAfterSeconds)])
        }
    }

    /// A held concurrency slot; hand it back to ``end(_:)``.
    public struct Slot: Sendable, Hashable {
        let userID: String
        let id: UInt64
    }

    struct State {
        var running: [String: Set<UInt64>] = [:]
        var day: Int = 0
        var bytes: [String: Int] = [:]
        var nextSlot: UInt64 = 0
    }

    /// Seconds a caller over the concurrency limit is told to wait.
    public static let concurrentRetrySeconds = 5

    let maxConcurrent: Int
    let maxDailyBytes: Int
    let clock: any WallClock
    private let state = Mutex(State())

    /// Creates the tracker with the `api.scan` limits.
    public init(limits: ScanLimits, clock: any WallClock = SystemWallClock()) {
        self.maxConcurrent = limits.maxConcurrentPerUser
        self.maxDailyBytes = limits.maxDailyBytesPerUser
        self.clock = clock
    }

    /// Checks the daily budget, then takes a concurrency slot; throws ``Exceeded`` when either is used up.
    public func begin(userID: String) throws(Exceeded) -> Slot {
        let now = clock.now
        let result = state.withLock { state -> Result<Slot, Exceeded> in
            rollOver(&state, now: now)
            let used = state.bytes[userID, default: 0]
            if used >= maxDailyBytes {
                return .failure(
                    Exceeded(
                        kind: "daily_bytes", current: used, limit: maxDailyBytes,
                        retryAfterSeconds: Self.secondsToMidnight(from: now)))
            }
            let running = state.running[userID, default: []]
            if running.count >= maxConcurrent {
                return .failure(
                    Exceeded(
                        kind: "concurrent_scans", current: running.count, limit: maxConcurrent,
                        retryAfterSeconds: Self.concurrentRetrySeconds))
            }
            state.nextSlot += 1
            state.running[userID, default: []].insert(state.nextSlot)
            return .success(Slot(userID: userID, id: state.nextSlot))
        }
        return try result.get()
    }

    /// Gives a slot back (idempotent).
    public func end(_ slot: Slot) {
        state.withLock { state in
            state.running[slot.userID]?.remove(slot.id)
            if state.running[slot.userID]?.isEmpty == true { state.running[slot.userID] = nil }
        }
    }

    /// Adds bytes to the user's total for today.
    public func charge(userID: String, bytes: Int) {
        let now = clock.now
        state.withLock { state in
            rollOver(&state, now: now)
            state.bytes[userID, default: 0] += max(0, bytes)
        }
    }

    /// The user's bytes today and scans running now.
    public func usage(userID: String) -> (bytesToday: Int, running: Int) {
        let now = clock.now
        return state.withLock { state in
            rollOver(&state, now: now)
            return (state.bytes[userID, default: 0], state.running[userID]?.count ?? 0)
        }
    }

    private func rollOver(_ state: inout State, now: Date) {
        let day = Int((now.timeIntervalSince1970 / 86_400).rounded(.down))
        if day != state.day {
            state.day = day
            state.bytes = [:]
        }
    }

    static func secondsToMidnight(from now: Date) -> Int {
        let seconds = now.timeIntervalSince1970
        let midnight = ((seconds / 86_400).rounded(.down) + 1) * 86_400
        return max(1, Int((midnight - seconds).rounded(.up)))
    }
}
