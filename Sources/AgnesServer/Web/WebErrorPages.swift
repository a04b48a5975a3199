import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// HTML errors for browsers on the web UI's paths (REFERENCE §1.0): paths under `/api/`, `/auth/`,
/// `/cli/`, `/static/` and `/marketplace` always keep their JSON errors. On any other path a 401 to a
/// GET becomes a 302 to `/login?next=<path>`, and any other error becomes an HTML page in the layout when
/// the request's `Accept` names `text/html` (a bare `*/*`, as curl and scripts send, keeps JSON). The
/// page shows the error's `detail`, escaped. Responses that already are HTML pass untouched.
///
/// ```swift
/// router.add(middleware: WebErrorPages(instanceName: services.settings.instanceName))
/// router.add(middleware: ErrorMiddleware())   // inside: its JSON is what this one turns into HTML
/// ```
struct WebErrorPages: RouterMiddleware {
    typealias Context = AgnesRequestContext

    let instanceName: String

    /// Path prefixes whose errors are always JSON.
    static let jsonPrefixes = ["/api/", "/auth/", "/cli/", "/static/", "/marketplace", "/openapi.json"]

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        let response = try await next(request, context)
        guard response.status.code >= 400, Self.isPagePath(request.uri.path),
            response.headers[.contentType]?.hasPrefix("text/html") != true
        else { return response }
        if response.status == .unauthorized, request.method == .get || request.method == .head {
            return Response(status: .found, headers: [.location: Self.signInLocation(for: request)])
        }
        guard Self.wantsHTML(request) else { return response }
        let detail = await Self.detail(of: response) ?? response.status.reasonPhrase
        var page = WebPage.messageHTML(
            status: response.status, title: Self.title(of: response.status), text: detail, instanceName: instanceName)
        if let retryAfter = response.headers[.retryAfter] { page.headers[.retryAfter] = retryAfter }
        return page
    }

    static func isPagePath(_ path: String) -> Bool {
        !jsonPrefixes.contains { path.hasPrefix($0) }
    }

    /// `Accept` naming `text/html` (browsers); `*/*` alone does not.
    static func wantsHTML(_ request: Request) -> Bool {
        request.headers[values: .accept].contains { $0.lowercased().contains("text/html") }
    }

    /// `/login?next=<the path and query, percent-encoded>`.
    static func signInLocation(for request: Request) -> String {
        var target = request.uri.path
        if let query = request.uri.query, !query.isEmpty { target += "?" + query }
        return "/login?next=" + (target.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")
    }

    static func title(of status: HTTPResponse.Status) -> String {
        switch status.code {
        case 403: "Access denied"
        case 404: "Not found"
        case 429: "Too many requests"
        case 500...: "Something went wrong"
        default: status.reasonPhrase
        }
    }

    /// The `detail` of a JSON error body, as text (an object's `message`, else its JSON).
    static func detail(of response: Response) async -> String? {
        guard response.headers[.contentType]?.hasPrefix("application/json") == true else { return nil }
        let collector = CollectingBodyWriter()
        do {
            try await response.body.write(collector)
        } catch {
            return nil
        }
        guard
            let object = try? JSONSerialization.jsonObject(with: Data(collector.buffer.readableBytesView))
                as? [String: Any]
        else { return nil }
        switch object["detail"] {
        case let text as String: return text
        case let nested as [String: Any]:
            if let message = nested["message"] as? String { return message }
            return (try? JSONSerialization.data(withJSONObject: nested, options: [.sortedKeys]))
                .map { String(decoding: $0, as: UTF8.self) }
        default: return nil
        }
    }
}
