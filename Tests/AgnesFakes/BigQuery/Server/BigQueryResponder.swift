import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import Synchronization

/// The fake's HTTP side: a middleware that answers every request itself (it never calls `next`). It
/// records each request, applies injected failures, checks the bearer token of API calls, and
/// dispatches on ``BigQueryRoute``.
struct BigQueryResponder: RouterMiddleware {
    typealias Context = BasicRequestContext

    let store: BigQueryStore

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        var request = request
        let body = try await request.collectBody(upTo: 64 << 20)
        let incoming = IncomingRequest(
            method: request.method.rawValue, path: request.uri.path, query: request.uri.query,
            headers: request.headers.map { ($0.name.canonicalName, $0.value) }, body: String(buffer: body),
            context: context)
        let route = BigQueryRoute(method: incoming.method, path: incoming.path)
        let failure = store.state.withLock { state in
            state.requests.append(Self.recorded(incoming))
            return state.takeInjection(path: incoming.path) { failure in
                if case .jobError = failure { return false }
                return true
            }
        }
        if case .status(let status, let reason, let message, let retryAfter)? = failure {
            return injected(status: status, reason: reason, message: message, retryAfter: retryAfter, route: route)
        }
        var response = await respond(route, incoming)
        if failure == .dropMidBody { response = Self.cutShort(response) }
        return response
    }

    private func respond(_ route: BigQueryRoute, _ request: IncomingRequest) async -> Response {
        if route.isAPI, let refusal = authorize(request) { return refusal.response() }
        switch route {
        case .token: return token(request)
        case .metadataRoot, .metadataToken, .metadataEmail, .metadataProjectID: return metadata(route, request)
        case .query(let project): return await query(project: project, request)
        case .queryResults(let project, let job): return queryResults(project: project, job: job, request)
        case .insertJob(let project): return await insertJob(project: project, request)
        case .job(let project, let job): return getJob(project: project, job: job, request)
        case .cancelJob(let project, let job): return cancelJob(project: project, job: job, request)
        case .datasets(let project): return listDatasets(project: project, request)
        case .dataset(let id): return getDataset(id)
        case .tables(let dataset): return listTables(dataset, request)
        case .table(let id): return await getTable(id)
        case .tableData(let id): return await listTableData(id, request)
        case .notFound:
            return BigQueryError.notFound("Not found: URL \(request.path)").response()
        }
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

    private func injected(status: Int, reason: String?, message: String?, retryAfter: Int?, route: BigQueryRoute)
        -> Response
    {
        var headers: HTTPFields = [:]
        if let retryAfter { headers[.retryAfter] = String(retryAfter) }
        let error = BigQueryError.injected(status: status, reason: reason, message: message)
        guard route.isAPI else {
            if route.isMetadata { headers[Self.metadataFlavor] = "Google" }
            return BigQueryJSON.response(
                ["error": reason ?? "temporarily_unavailable", "error_description": error.message], status: status,
                headers: headers)
        }
        return error.response(headers: headers)
    }

    private static func recorded(_ request: IncomingRequest) -> FakeBigQueryRequest {
        var headers: [String: String] = [:]
        for (name, value) in request.headers { headers[name] = headers[name].map { $0 + ", " + value } ?? value }
        return FakeBigQueryRequest(
            method: request.method, path: request.path, queryItems: request.queryParameters, headers: headers,
            body: request.body)
    }
}
