/// How many requests a client may make to one route per window, e.g. "10 per 1 minute".
///
/// ```swift
/// try limiter.check(route: "auth.token", limit: .perMinute(10), request: request, context: context)
/// ```
public struct RateLimit: Sendable, Hashable, CustomStringConvertible {
    /// Requests allowed per window (at least 1).
    public let count: Int
    /// The window length in whole seconds (at least 1).
    public let seconds: Int

    /// Creates a limit of `count` requests per `seconds`.
    ///
    /// ```swift
    /// let limit = RateLimit(count: 100, seconds: 3600)  // "100 per 1 hour"
    /// ```
    public init(count: Int, seconds: Int) {
        self.count = max(1, count)
        self.seconds = max(1, seconds)
    }

    /// `count` requests per second.
    public static func perSecond(_ count: Int) -> RateLimit { RateLimit(count: count, seconds: 1) }
    /// `count` requests per minute, the unit every auth route uses (10, 5 or 3 per minute).
    ///
    /// ```swift
    /// let login = RateLimit.perMinute(10)
    /// ```
    public static func perMinute(_ count: Int) -> RateLimit { RateLimit(count: count, seconds: 60) }
    /// `count` requests per hour.
    public static func perHour(_ count: Int) -> RateLimit { RateLimit(count: count, seconds: 3600) }

    /// The text used in the 429 detail, in the original's (slowapi/limits) wording: "10 per 1 minute".
    public var description: String {
        for (unit, length) in [("day", 86_400), ("hour", 3600), ("minute", 60)] where seconds % length == 0 {
            return "\(count) per \(seconds / length) \(unit)"
        }
        return "\(count) per \(seconds) second"
    }
}
