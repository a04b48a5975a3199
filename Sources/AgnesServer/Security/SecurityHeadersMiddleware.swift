import HTTPTypes
import Hummingbird

/// Headers every response carries unless its route set its own: `X-Content-Type-Options: nosniff`,
/// `X-Frame-Options: DENY` and `Referrer-Policy: same-origin`. HTML pages add their own
/// Content-Security-Policy (``HTMLPage``).
///
/// `same-origin`, not `no-referrer`, also on pages whose URL carries a one-time token
/// (`/auth/password/reset?…&token=…`): no `Referer` ever leaves for another site (and the policy lets
/// nothing else load), while a browser still sends the page's real `Origin` with its own form posts —
/// under `no-referrer` it sends `Origin: null`, and the CSRF check could not tell the sign-in form
/// from a foreign page.
///
/// ```swift
/// router.add(middleware: SecurityHeadersMiddleware())
/// ```
struct SecurityHeadersMiddleware: RouterMiddleware {
    typealias Context = AgnesRequestContext

    static let frameOptions = HTTPField.Name("X-Frame-Options")!
    static let contentTypeOptions = HTTPField.Name("X-Content-Type-Options")!
    static let referrerPolicy = HTTPField.Name("Referrer-Policy")!

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        var response = try await next(request, context)
        if response.headers[Self.contentTypeOptions] == nil { response.headers[Self.contentTypeOptions] = "nosniff" }
        if response.headers[Self.frameOptions] == nil { response.headers[Self.frameOptions] = "DENY" }
        if response.headers[Self.referrerPolicy] == nil { response.headers[Self.referrerPolicy] = "same-origin" }
        return response
    }
}
