import Hummingbird

/// Applies one ``RateLimit`` to every request through a route group, as an alternative to calling
/// ``RateLimiter/check(route:limit:request:context:)`` in the handler.
///
/// Place it after ``ErrorMiddleware`` so the 429 renders as `{"detail": …}` with `Retry-After`.
///
/// ```swift
/// router.group("auth/password/reset")
///     .add(middleware: RateLimitMiddleware(limiter: limiter, route: "auth.password.reset", limit: .perMinute(5)))
///     .post { request, context in … }
/// ```
public struct RateLimitMiddleware: RouterMiddleware {
    public typealias Context = AgnesRequestContext

    let limiter: RateLimiter
    let route: String
    let limit: RateLimit

    /// Creates the middleware; `route` names the counters (share a name to share a budget).
    public init(limiter: RateLimiter, route: String, limit: RateLimit) {
        self.limiter = limiter
        self.route = route
        self.limit = limit
    }

    public func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        try limiter.check(route: route, limit: limit, request: request, context: context)
        return try await next(request, context)
    }
}
