import AgnesCore
import Foundation
import HTTPTypes
import Hummingbird
import Logging

/// Blocks cross-site state changes on cookie-authenticated requests, and cross-site sign-in.
///
/// A request is checked when its method is POST, PUT, PATCH or DELETE, it carries the `access_token`
/// cookie and it has no `Authorization: Bearer` header (auth prefers the bearer token, so the cookie is
/// then unused, and a cross-site page cannot set that header without a CORS preflight). Its `Origin`
/// — or, when absent, its `Referer` — must be same-origin with the request's `Host`, the origin of
/// `SERVER_URL`, or one of `CSRF_TRUSTED_ORIGINS`. Otherwise, including when both headers are missing,
/// it gets 403 `{"detail":"Cross-site request blocked"}`. Safe methods and bearer calls pass untouched.
///
/// The sign-in forms (`/auth/password/login/web` and the reset and setup confirmations, which also
/// sign the browser in) are checked without a cookie too, so a foreign page cannot sign a victim's
/// browser into the attacker's account (login CSRF). There a request with neither header passes:
/// browsers always send `Origin` on a cross-site POST, and scripts send neither.
///
/// `CORS_ORIGINS` is deliberately not trusted here: CORS decides which pages may *read* answers, and
/// its default (`http://localhost:3000`) must not let any page on a developer's machine drive an
/// admin's session.
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

    /// Form posts that sign a browser in: checked even without a session cookie.
    static let signInForms: Set<String> = [
        "/auth/password/login/web", "/auth/password/reset/confirm", "/auth/password/setup/confirm",
        "/auth/email/verify/confirm", "/auth/bootstrap/web",
    ]

    /// Creates the middleware; `allowedOrigins` are extra origins (e.g. `https://admin.example.com`)
    /// whose pages may post with the cookie. Unparsable entries are ignored.
    ///
    /// ```swift
    /// let csrf = CSRFMiddleware(allowedOrigins: ["https://admin.example.com"])
    /// ```
    public init(allowedOrigins: [String] = []) {
        self.allowedOrigins = Set(allowedOrigins.compactMap { WebOrigin(url: $0) })
    }

    /// Creates the middleware trusting the origin of `SERVER_URL` and the `CSRF_TRUSTED_ORIGINS`
    /// besides the server's own (never `CORS_ORIGINS`).
    ///
    /// ```swift
    /// router.add(middleware: CSRFMiddleware(settings: services.settings))
    /// ```
    public init(settings: AgnesSettings) {
        self.init(allowedOrigins: settings.csrfTrustedOrigins + (settings.serverURL.map { [$0.absoluteString] } ?? []))
    }

    public func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        switch check(for: request) {
        case .none:
            return try await next(request, context)
        case .cookieSession where isSameSite(request, allowingNoHeader: false),
            .signInForm where isSameSite(request, allowingNoHeader: true):
            return try await next(request, context)
        case .cookieSession, .signInForm:
            context.logger.notice(
                "cross-site request blocked",
                metadata: [
                    "method": "\(request.method)", "path": "\(request.uri.path)",
                    "origin": "\(request.headers[.origin] ?? request.headers[.referer] ?? "-")",
                ])
            return try APIError(.forbidden, "Cross-site request blocked").response(from: request, context: context)
        }
    }

    enum Check {
        case none, cookieSession, signInForm
    }

    func check(for request: Request) -> Check {
        guard Self.checkedMethods.contains(request.method) else { return .none }
        let isBearer = request.headers[values: .authorization].contains { $0.lowercased().hasPrefix("bearer ") }
        if isBearer { return .none }
        if request.cookies[Self.cookieName] != nil { return .cookieSession }
        return Self.signInForms.contains(Self.routedPath(request.uri.path)) ? .signInForm : .none
    }

    /// The path as the router matches it: empty segments (`//`, a trailing `/`) do not count, so
    /// `/auth/password/login/web/` is the sign-in form too.
    static func routedPath(_ path: String) -> String {
        "/" + path.split(separator: "/", omittingEmptySubsequences: true).joined(separator: "/")
    }

    func isSameSite(_ request: Request, allowingNoHeader: Bool = false) -> Bool {
        guard let source = request.headers[.origin] ?? request.headers[.referer] else { return allowingNoHeader }
        guard let origin = WebOrigin(url: source) else {
            // A browser sends `Origin: null` for some same-site posts (a page under a `no-referrer`
            // policy, a redirect); its `Sec-Fetch-Site`, which no page can set, says where it came from.
            return source.trimmedOfWhitespace == "null"
                && request.headers[Self.fetchSite]?.trimmedOfWhitespace.lowercased() == "same-origin"
        }
        if allowedOrigins.contains(origin) { return true }
        guard let authority = request.head.authority ?? request.headers[Self.host] else { return false }
        return origin.matches(authority: authority)
    }

    static let host = HTTPField.Name("Host")!
    static let fetchSite = HTTPField.Name("Sec-Fetch-Site")!
}
