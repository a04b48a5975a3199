import Foundation

/// Where the security helpers read the time from, so tests can move it by hand instead of sleeping.
///
/// ```swift
/// let limiter = try RateLimiter(settings: settings, clock: SystemWallClock())
/// ```
public protocol WallClock: Sendable {
    /// The current time.
    var now: Date { get }
}

/// The system's wall clock.
///
/// ```swift
/// let audit = AuditLogger(repository: repository, clock: SystemWallClock(), logger: logger)
/// ```
public struct SystemWallClock: WallClock {
    /// Creates the clock.
    public init() {}

    /// The current time.
    public var now: Date { Date() }
}
