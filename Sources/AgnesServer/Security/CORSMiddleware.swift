import AgnesCore
import HTTPTypes
import Hummingbird
import Logging

/// Lets the pages of `CORS_ORIGINS` read answers with the browser's credentials (REFERENCE §1.0:
/// credentials allowed, all methods and headers).
///
/// A request whose `Origin` is one of the origins (compared as the browser serializes it: scheme, host,
/// and the port unless it is the scheme's default) gets `Access-Control-Allow-Origin: <that origin>`
/// — never `*`, which browsers refuse with credentials — and `Access-Control-Allow-Credentials: true`.
/// Every answer to a request with an `Origin` carries `Vary: Origin`.
///
/// A preflight (`OPTIONS` with `Origin` and `Access-Control-Request-Method`) is answered here, before
/// authentication, CSRF checks and routing: 200 with every method, the requested headers echoed and
/// `Access-Control-Max-Age: 600` for a listed origin; 400 `{"detail":"Disallowed CORS origin"}` without
/// any CORS header for another (the original's status and text).
///
/// CORS decides which pages may *read* answers. Whether a cookie-authenticated page may change state is
/// ``CSRFMiddleware``'s decision, which does not trust these origins.
///
/// ```swift
/// router.add(middleware: CORSMiddleware(settings: services.settings))
/// ```
struct CORSMiddleware: RouterMiddleware {
    typealias Context = AgnesRequestContext

    static let allowedMethods = "DELETE, GET, HEAD, OPTIONS, PATCH, POST, PUT"
    static let maxAge = "600"

    /// The allowed origins, serialized the way browsers send them in `Origin`.
    let origins: Set<String>

    /// Creates the middleware for `origins` (`https://app.example.com`, a trailing slash or an explicit
    /// default port is fine). Entries that are not http(s) origins, `*` among them, allow nothing.
    init(origins: [String]) {
        self.origins = Set(origins.compactMap { WebOrigin(origin: $0)?.serialized })
    }

    /// Creates the middleware for `CORS_ORIGINS`.
    init(settings: AgnesSettings) {
        self.init(origins: settings.corsOrigins)
    }

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        let sent = request.headers[values: .origin]
        guard let origin = sent.first else { return try await next(request, context) }
        // Two `Origin` fields are no browser's doing: allow neither.
        let allowed = sent.count == 1 && origins.contains(origin) ? origin : nil
        if request.method == .options, request.headers[.accessControlRequestMethod] != nil {
            return preflight(request, allowed: allowed, context: context)
        }
        var response = try await next(request, context)
        response.headers.addVary("Origin")
        if let allowed {
            response.headers[.accessControlAllowOrigin] = allowed
            response.headers[.accessControlAllowCredentials] = "true"
        }
        return response
    }

    private func preflight(_ request: Request, allowed: String?, context: Context) -> Response {
        guard let allowed else {
            context.logger.notice("CORS preflight refused", metadata: ["origin": "\(request.headers[.origin] ?? "-")"])
            var response = JSONBody.response(status: .badRequest, object: ["detail": "Disallowed CORS origin"])
            response.headers.addVary("Origin")
            return response
        }
        var headers: HTTPFields = [
            .accessControlAllowOrigin: allowed,
            .accessControlAllowCredentials: "true",
            .accessControlAllowMethods: Self.allowedMethods,
            .accessControlMaxAge: Self.maxAge,
            .contentLength: "0",
        ]
        let requested = request.headers[values: .accessControlRequestHeaders].joined(separator: ", ")
        if !requested.isEmpty { headers[.accessControlAllowHeaders] = requested }
        headers.addVary("Origin")
        return Response(status: .ok, headers: headers)
    }
}
