import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import Synchronization

/// The fake's HTTP side: a middleware that answers every request itself (it never calls `next`), so
/// it sees raw paths, which S3 signatures and GCS object names depend on. It records each request,
/// applies injected failures, checks the Storage API token, and dispatches on ``KeboolaRoute``.
struct KeboolaResponder: RouterMiddleware {
    typealias Context = BasicRequestContext

    let store: KeboolaStore

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        var request = request
        let body = try await request.collectBody(upTo: 64 << 20)
        var headers = request.headers.map { ($0.name.canonicalName, $0.value) }
        // HTTPTypes moves `Host` into the `:authority` pseudo-header; signatures cover it as `host`.
        if let authority = request.head.authority { headers.insert(("host", authority), at: 0) }
        let incoming = IncomingRequest(
            method: request.method.rawValue, path: request.uri.path, query: request.uri.query, headers: headers,
            body: String(buffer: body), context: context)
        let route = KeboolaRoute(method: incoming.method, path: incoming.path)
        let failure = store.state.withLock { state in
            state.requests.append(incoming.recorded)
            return state.takeInjection(path: incoming.path) { failure in
                switch failure {
                case .jobError: route.isJob
                case .expiredCredentials: route.isObjectStore
                default: true
                }
            }
        }
        switch failure {
        case .status(let status, let retryAfter, let body)?:
            return injected(status: status, retryAfter: retryAfter, body: body, route: route)
        case .maintenance(let retryAfter)?:
            return maintenance(retryAfter: retryAfter)
        default:
            break
        }
        var response: Response
        if route.isObjectStore {
            response = try await objectStore(route, incoming, isExpired: failure == .expiredCredentials)
        } else if route.isQueryService {
            response = await queryService(route, incoming)
        } else {
            response = storage(route, incoming, failure: failure)
        }
        if failure == .dropMidBody { response = Self.cutShort(response) }
        return incoming.method == "HEAD" ? response.createHeadResponse() : response
    }

    /// The response with a body writer that stops after half the announced length and fails, which
    /// makes the server close the connection mid-body.
    static func cutShort(_ response: Response) -> Response {
        var response = response
        let length = response.body.contentLength ?? 0
        let body = response.body
        response.body = ResponseBody(contentLength: length) { writer in
            try await body.write(TruncatingBodyWriter(parent: writer, limit: length / 2))
        }
        return response
    }

    private func injected(status: Int, retryAfter: Int?, body: String?, route: KeboolaRoute) -> Response {
        var headers: HTTPFields = [:]
        if let retryAfter { headers[.retryAfter] = String(retryAfter) }
        if let body {
            headers[.contentType] = body.hasPrefix("<") ? "application/xml" : "application/json"
            return Response(
                status: .init(code: status), headers: headers, body: .init(byteBuffer: ByteBuffer(string: body)))
        }
        if route.isObjectStore { return ObjectStoreError.injected(status: status, route: route, headers: headers) }
        if route.isQueryService {
            let phrase = HTTPResponse.Status(code: status).reasonPhrase
            return Self.queryError(status: status, phrase.isEmpty ? "HTTP \(status)" : phrase, headers: headers)
        }
        let message = HTTPResponse.Status(code: status).reasonPhrase
        let code =
            switch status {
            case 429: "storage.tooManyRequests"
            case 500...: "APPLICATION_ERROR"
            default: "storage.error"
            }
        return KeboolaJSON.error(KeboolaAPIError(status: status, code: code, message: message), headers: headers)
    }

    /// The documented maintenance answer (apiary "Maintenance Response Example").
    private func maintenance(retryAfter: Int) -> Response {
        let end = store.state.withLock { $0.now }.addingTimeInterval(TimeInterval(retryAfter))
        return KeboolaJSON.response(
            [
                "status": "maintenance", "reason": "The system is down for maintenance",
                "estimatedEndTime": KeboolaDate.storage(end),
            ], status: 503, headers: [.retryAfter: String(retryAfter)])
    }
}
