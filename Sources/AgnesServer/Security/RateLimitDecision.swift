/// The outcome of one request against a ``RateLimit``.
///
/// ```swift
/// if case .limited(let retryAfter) = limiter.acquire(route: "auth.token", limit: .perMinute(10), client: ip) {
///     print("try again in \(retryAfter) s")
/// }
/// ```
public enum RateLimitDecision: Sendable, Hashable {
    /// The request may proceed; `remaining` more fit in the current window.
    case allowed(remaining: Int)
    /// The request is over the limit; the window frees in `retryAfter` whole seconds (at least 1).
    case limited(retryAfter: Int)

    /// Whether the request may proceed.
    public var isAllowed: Bool {
        if case .allowed = self { return true }
        return false
    }
}

/// How a window is counted.
public enum RateLimitStrategy: Sendable, Hashable {
    /// Counts per fixed window starting at the client's first request (slowapi's default); cheap, but
    /// allows up to twice the limit across a window boundary.
    case fixedWindow
    /// Counts the requests in the last `window` seconds; exact, keeps up to `count` timestamps per client.
    case slidingWindow
}
