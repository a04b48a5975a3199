import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import Synchronization

/// Serves every request of ``FakeJira`` (see the header of FakeJira.swift): records it, applies injected
/// failures, checks the account, and dispatches on ``JiraRoute``.
struct JiraResponder: RouterMiddleware {
    typealias Context = BasicRequestContext

    let store: JiraStore

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        var request = request
        let body = try await request.collectBody(upTo: 4 << 20)
        let path = request.uri.path
        let baseURL = store.state.withLock { $0.baseURL }
        let route = JiraRoute(path: path, baseURL: baseURL, cloudID: store.accounts.cloudID)
        let presented = store.accounts.account(authorization: request.headers[.authorization])
        var account: String? = nil
        if case .api(let owner, _, _) = route, presented == owner { account = owner }
        let failure = store.state.withLock { state in
            state.requests.append(
                FakeJiraRequest(
                    method: request.method.rawValue, path: path, query: request.uri.query ?? "", account: account))
            return state.takeInjection(path: path)
        }
        if case .status(let status, let retryAfter)? = failure {
            return JiraError.injected(status: status, retryAfter: retryAfter)
        }
        let call = JiraCall(
            method: request.method, query: request.uri.queryParameters, body: Data(body.readableBytesView),
            hasAccount: account != nil)
        let response = respond(route, call)
        return failure == .dropConnection ? Self.cutShort(response) : response
    }

    func respond(_ route: JiraRoute, _ call: JiraCall) -> Response {
        switch route {
        case .media(let id):
            return media(id: id, token: call.query.get("token"))
        case .unknownCloud:
            return JiraError.response(404, "Site not found for this cloud id.")
        case .notFound:
            return JiraError.response(404, "No resource found at this path.")
        case .api(_, let base, let segments):
            guard call.hasAccount else {
                return JiraError.response(
                    401, "Client must be authenticated to access this resource.",
                    headers: [.wwwAuthenticate: "OAuth realm=\"\(base)\""])
            }
            let renderer = JiraRenderer(
                base: base, apiVersion: 3, includesSLA: base != store.state.withLock { $0.baseURL })
            switch (call.method, segments) {
            case (.get, let route) where route.count == 2 && route[0] == "issue":
                return issue(route[1], call, renderer)
            case (.get, let route) where route.count == 3 && route[0] == "issue" && route[2] == "remotelink":
                return remoteLinks(route[1], renderer)
            case (.get, let route) where route.count == 3 && route[0] == "issue" && route[2] == "changelog":
                return changelogPage(route[1], call, renderer)
            case (.get, let route) where route.count == 3 && route[0] == "attachment" && route[1] == "content":
                return attachmentContent(route[2], call)
            case (.get, ["search", "jql"]), (.post, ["search", "jql"]):
                return search(call, renderer)
            case (_, ["search"]):
                return JiraError.response(
                    410, "The requested API has been removed. Please migrate to the /rest/api/3/search/jql API.")
            case (let method, _) where method != .get && method != .post:
                return JiraError.response(405, "Method Not Allowed")
            default:
                return JiraError.response(404, "No resource found at this path.")
            }
        }
    }

    /// The response with a body writer that stops after half the announced length and fails, which makes
    /// the server close the connection mid-body.
    static func cutShort(_ response: Response) -> Response {
        var response = response
        let length = response.body.contentLength ?? 0
        let body = response.body
        response.body = ResponseBody(contentLength: length) { writer in
            try await body.write(TruncatingBodyWriter(parent: writer, limit: length / 2))
        }
        return response
    }

    static func json(_ object: Any, status: HTTPResponse.Status = .ok) -> Response {
        let data =
            (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes]))
            ?? Data()
        return Response(
            status: status, headers: [.contentType: "application/json;charset=UTF-8"],
            body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}

/// What a handler needs of a request.
struct JiraCall {
    let method: HTTPRequest.Method
    let query: Hummingbird.Parameters
    let body: Data
    let hasAccount: Bool

    /// Every value of query parameter `name` (it may repeat).
    func values(_ name: String) -> [String] {
        query.getAll(name)
    }
}

/// Jira's error answers: `{"errorMessages":[…],"errors":{}}`.
enum JiraError {
    static func response(_ status: Int, _ message: String, headers: HTTPFields = [:]) -> Response {
        var response = JiraResponder.json(
            ["errorMessages": [message], "errors": [:] as [String: Any]], status: .init(code: status))
        response.headers.append(contentsOf: headers)
        return response
    }

    static func injected(status: Int, retryAfter: Int?) -> Response {
        var headers: HTTPFields = [:]
        if let retryAfter { headers[.retryAfter] = String(retryAfter) }
        let message: String
        switch status {
        case 429:
            headers[HTTPField.Name("RateLimit-Reason")!] = "jira-burst-based"
            message = "Rate limit exceeded."
        case 503: message = "Service Unavailable"
        case 500...: message = "Internal server error"
        default:
            let phrase = HTTPResponse.Status(code: status).reasonPhrase
            message = phrase.isEmpty ? "HTTP \(status)" : phrase
        }
        return response(status, message, headers: headers)
    }
}
