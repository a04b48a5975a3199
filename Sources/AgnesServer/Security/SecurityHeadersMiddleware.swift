import HTTPTypes
import Hummingbird

/// Headers every response carries unless its route set its own: `X-Content-Type-Options: nosniff`,
/// `X-Frame-Options: DENY` and a `Referrer-Policy` — `no-referrer` under `/auth/` and `/login`, whose
/// URLs can carry one-time tokens (`/auth/password/reset?…&token=…`), `same-origin` elsewhere. HTML
/// pages add their own Content-Security-Policy (``HTMLPage``).
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
        Self.apply(to: &response.headers, path: request.uri.path)
        return response
    }

    static func apply(to headers: inout HTTPFields, path: String) {
        if headers[contentTypeOptions] == nil { headers[contentTypeOptions] = "nosniff" }
        if headers[frameOptions] == nil { headers[frameOptions] = "DENY" }
        if headers[referrerPolicy] == nil {
            let carriesTokens = path.hasPrefix("/auth/") || path == "/login" || path.hasPrefix("/login/")
            headers[referrerPolicy] = carriesTokens ? "no-referrer" : "same-origin"
        }
    }
}
