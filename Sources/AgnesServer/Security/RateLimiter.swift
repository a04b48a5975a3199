import AgnesCore
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import Synchronization

/// In-memory rate limiting per client address and route name, for the auth routes (REFERENCE §1.0, §1.1).
///
/// One limiter is shared by every route; each `route` name has its own counters, so `auth.token` and
/// `auth.bootstrap` never share a budget. The client is ``ClientAddressResolver``'s answer: the socket
/// peer, or the forwarded address only when the peer is a trusted proxy. Requests whose peer is unknown
/// (a Unix socket, the router test framework) share the single client key `"unknown"`.
///
/// Counters live in this process only: several replicas each allow the full limit.
///
/// ```swift
/// let limiter = try RateLimiter(settings: services.settings)
/// router.post("/auth/token") { request, context in
///     try limiter.check(route: "auth.token", limit: .perMinute(10), request: request, context: context)
///     …
/// }
/// ```
public final class RateLimiter: Sendable {
    /// Whether limits apply at all (`AGNES_AUTH_RATELIMIT_ENABLED`).
    public let isEnabled: Bool
    /// How the client address is found.
    public let resolver: ClientAddressResolver
    private let clock: any WallClock
    private let windows: Mutex<RateLimitWindows>

    /// Creates a limiter from settings: enabled by `isAuthRateLimitEnabled`, trusting the proxies in
    /// `AGNES_TRUSTED_PROXIES`; throws when that list has an entry that is not an address or CIDR.
    ///
    /// ```swift
    /// let limiter = try RateLimiter(settings: settings)
    /// ```
    public convenience init(
        settings: AgnesSettings, strategy: RateLimitStrategy = .fixedWindow, clock: some WallClock = SystemWallClock(),
        maxTrackedClients: Int = 10_000
    ) throws {
        self.init(
            isEnabled: settings.isAuthRateLimitEnabled, resolver: try ClientAddressResolver(settings: settings),
            strategy: strategy, clock: clock, maxTrackedClients: maxTrackedClients)
    }

    /// Creates a limiter from its parts; `maxTrackedClients` bounds the (route, client) pairs kept.
    ///
    /// ```swift
    /// let limiter = RateLimiter(isEnabled: true, resolver: ClientAddressResolver(), clock: testClock)
    /// ```
    public init(
        isEnabled: Bool, resolver: ClientAddressResolver = ClientAddressResolver(),
        strategy: RateLimitStrategy = .fixedWindow, clock: some WallClock = SystemWallClock(),
        maxTrackedClients: Int = 10_000
    ) {
        self.isEnabled = isEnabled
        self.resolver = resolver
        self.clock = clock
        self.windows = Mutex(RateLimitWindows(strategy: strategy, capacity: maxTrackedClients))
    }

    /// Counts one request by `client` to `route` and says whether it may proceed. Always allowed when
    /// the limiter is disabled (and then nothing is counted).
    ///
    /// ```swift
    /// let decision = limiter.acquire(route: "auth.token", limit: .perMinute(10), client: "203.0.113.7")
    /// ```
    public func acquire(route: String, limit: RateLimit, client: String) -> RateLimitDecision {
        guard isEnabled else { return .allowed(remaining: limit.count) }
        let now = clock.now
        return windows.withLock { $0.acquire(.init(route: route, client: client), limit: limit, now: now) }
    }

    /// Counts the request against `route`'s limit and throws a 429 ``APIError`` when it is over:
    /// `{"detail":"Too many requests — 10 per 1 minute"}` with `Retry-After` in seconds.
    ///
    /// Call it first in the handler, before any work (password hashing, e-mail) happens.
    ///
    /// ```swift
    /// router.post("/auth/password/reset") { request, context in
    ///     try limiter.check(route: "auth.password.reset", limit: .perMinute(5), request: request, context: context)
    ///     …
    /// }
    /// ```
    public func check(route: String, limit: RateLimit, request: Request, context: AgnesRequestContext) throws {
        guard isEnabled else { return }
        let client = resolver.address(of: request, context: context) ?? "unknown"
        guard case .limited(let retryAfter) = acquire(route: route, limit: limit, client: client) else { return }
        context.logger.notice(
            "rate limited", metadata: ["route": "\(route)", "client": "\(client)", "limit": "\(limit)"])
        throw APIError(.tooManyRequests, "Too many requests — \(limit)", headers: [.retryAfter: "\(retryAfter)"])
    }

    /// How many (route, client) windows are tracked now; for tests and metrics.
    var trackedWindowCount: Int { windows.withLock { $0.windows.count } }
}
