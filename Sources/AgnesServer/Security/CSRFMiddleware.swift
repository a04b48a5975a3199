import AgnesCore
import HTTPTypes
import Hummingbird
import Logging

/// Blocks cross-site state changes on cookie-authenticated requests.
///
/// A request is checked when its method is POST, PUT, PATCH or DELETE, it carries the `access_token`
/// cookie and it has no `Authorization: Bearer` header (auth prefers the bearer token, so the cookie is
/// then unused, and a cross-site page cannot set that header without a CORS preflight). Its `Origin`
/// — or, when absent, its `Referer` — must be same-origin with the request's `Host`, or one of the
/// allowed origins (`CORS_ORIGINS`). Otherwise, including when both headers are missing, it gets
/// 403 `{"detail":"Cross-site request blocked"}`. Safe methods and bearer calls pass untouched.
///
/// `SameSite=Lax` on the cookie already stops most cross-site POSTs in current browsers; this is the
/// server-side check that does not depend on the browser.
///
/// ```swift
/// let router = Router(context: AgnesRequestContext.self)
/// router.add(middleware: RequestIDMiddleware())
/// router.add(middleware: ErrorMiddleware())
/// router.add(middleware: CSRFMiddleware(settings: services.settings))
/// ```
public struct CSRFMiddleware: RouterMiddleware {
    public typealias Context = AgnesRequestContext

    /// The session cookie whose presence makes a request cookie-authenticated.
    public static let cookieName = "access_token"
    static let checkedMethods: Set<HTTPRequest.Method> = [.post, .put, .patch, .delete]

    let allowedOrigins: Set<WebOrigin>

    /// Creates the middleware; `allowedOrigins` are extra origins (e.g. `http://localhost:3000`) whose
    /// pages may post with the cookie. Unparsable entries are ignored.
    ///
    /// ```swift
    /// let csrf = CSRFMiddleware(allowedOrigins: ["https://admin.example.com"])
    /// ```
    public init(allowedOrigins: [String] = []) {
        self.allowedOrigins = Set(allowedOrigins.compactMap { WebOrigin(url: $0) })
    }

    /// Creates the middleware allowing the `CORS_ORIGINS` origins besides the server's own.
    ///
    /// ```swift
    /// router.add(middleware: CSRFMiddleware(settings: services.settings))
    /// ```
    public init(settings: AgnesSettings) {
        self.init(allowedOrigins: settings.corsOrigins)
    }

    public func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        guard needsCheck(request), !isSameSite(request) else { return try await next(request, context) }
        context.logger.notice(
            "cross-site request blocked",
            metadata: [
                "method": "\(request.method)", "path": "\(request.uri.path)",
                "origin": "\(request.headers[.origin] ?? request.headers[.referer] ?? "-")",
            ])
        return try APIError(.forbidden, "Cross-site request blocked").response(from: request, context: context)
    }

    func needsCheck(_ request: Request) -> Bool {
        guard Self.checkedMethods.contains(request.method), request.cookies[Self.cookieName] != nil else {
            return false
        }
        let isBearer = request.headers[values: .authorization].contains { $0.lowercased().hasPrefix("bearer ") }
        return !isBearer
    }

    func isSameSite(_ request: Request) -> Bool {
        guard let source = request.headers[.origin] ?? request.headers[.referer],
            let origin = WebOrigin(url: source)
        else { return false }
        if allowedOrigins.contains(origin) { return true }
        guard let authority = request.head.authority ?? request.headers[Self.host] else { return false }
        return origin.matches(authority: authority)
    }

    static let host = HTTPField.Name("Host")!
}
