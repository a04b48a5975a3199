import Foundation

/// How long version files (see ``Publisher``) outlive their last use, and the clock that says so.
///
/// The grace period must exceed the longest a reader can hold a path it resolved earlier: the longest
/// query (30 s by default) and anything that reads an extract from another process. Open file
/// descriptors (a streaming download) survive the unlink anyway.
///
/// ```swift
/// let orchestrator = Orchestrator(layout: layout, store: store, analytics: analytics, policy: .defaults,
///                                 retention: VersionRetention(gracePeriod: .seconds(7200)), logger: logger)
/// ```
public struct VersionRetention: Sendable {
    /// How long an unused version is kept, counted from when it was first seen unused (and from when
    /// it was written).
    public var gracePeriod: Duration
    /// The wall clock.
    public var now: @Sendable () -> Date

    /// One hour, on the system clock.
    public static let standard = VersionRetention()

    /// Creates a retention policy.
    public init(gracePeriod: Duration = .seconds(3600), now: @escaping @Sendable () -> Date = { Date() }) {
        self.gracePeriod = gracePeriod
        self.now = now
    }

    /// The grace period in seconds.
    var graceSeconds: TimeInterval {
        TimeInterval(gracePeriod.components.seconds) + TimeInterval(gracePeriod.components.attoseconds) / 1e18
    }
}
