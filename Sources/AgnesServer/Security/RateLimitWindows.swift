import Foundation

/// The counters behind ``RateLimiter``: a plain value, mutated under the limiter's lock.
///
/// Memory is bounded: expired windows are swept at most once per ``sweepInterval`` and whenever more
/// than `capacity` clients are tracked; if that is not enough, the least recently seen clients are
/// dropped (they start afresh, which errs towards letting a request through rather than blocking one).
struct RateLimitWindows {
    struct Key: Hashable {
        var route: String
        var client: String
    }

    struct Window {
        /// Fixed window: when it started. Sliding window: unused.
        var start: Date
        /// Fixed window: the count. Sliding window: unused.
        var count: Int
        /// Sliding window: the request times inside the window, oldest first.
        var hits: [Date]
        var length: TimeInterval
        var lastSeen: Date

        func isExpired(at now: Date) -> Bool {
            let last = hits.last ?? start
            return now >= last.addingTimeInterval(length)
        }
    }

    static let sweepInterval: TimeInterval = 60

    let strategy: RateLimitStrategy
    let capacity: Int
    private(set) var windows: [Key: Window] = [:]
    private var lastSweep = Date.distantPast

    init(strategy: RateLimitStrategy, capacity: Int) {
        self.strategy = strategy
        self.capacity = max(1, capacity)
    }

    mutating func acquire(_ key: Key, limit: RateLimit, now: Date) -> RateLimitDecision {
        let length = TimeInterval(limit.seconds)
        var window = windows[key] ?? Window(start: now, count: 0, hits: [], length: length, lastSeen: now)
        window.length = length
        window.lastSeen = now
        let decision: RateLimitDecision
        switch strategy {
        case .fixedWindow:
            if now >= window.start.addingTimeInterval(length) {
                window.start = now
                window.count = 0
            }
            if window.count < limit.count {
                window.count += 1
                decision = .allowed(remaining: limit.count - window.count)
            } else {
                decision = .limited(retryAfter: Self.seconds(from: now, to: window.start.addingTimeInterval(length)))
            }
        case .slidingWindow:
            let cutoff = now.addingTimeInterval(-length)
            window.hits.removeAll { $0 <= cutoff }
            if window.hits.count < limit.count {
                window.hits.append(now)
                decision = .allowed(remaining: limit.count - window.hits.count)
            } else {
                let freed = window.hits[window.hits.count - limit.count].addingTimeInterval(length)
                decision = .limited(retryAfter: Self.seconds(from: now, to: freed))
            }
        }
        let isNew = windows.updateValue(window, forKey: key) == nil
        if (isNew && windows.count > capacity) || now.timeIntervalSince(lastSweep) >= Self.sweepInterval {
            sweep(now: now)
        }
        return decision
    }

    /// Drops expired windows, then the least recently seen ones down to 90% of capacity.
    mutating func sweep(now: Date) {
        lastSweep = now
        windows = windows.filter { !$0.value.isExpired(at: now) }
        guard windows.count > capacity else { return }
        let target = max(1, capacity * 9 / 10)
        let oldest = windows.sorted { $0.value.lastSeen < $1.value.lastSeen }.prefix(windows.count - target)
        for (key, _) in oldest { windows.removeValue(forKey: key) }
    }

    private static func seconds(from now: Date, to end: Date) -> Int {
        max(1, Int(end.timeIntervalSince(now).rounded(.up)))
    }
}
