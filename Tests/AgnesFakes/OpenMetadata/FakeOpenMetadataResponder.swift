import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import Synchronization

/// Serves every request of ``FakeOpenMetadata`` (see the header of FakeOpenMetadata.swift).
struct FakeOpenMetadataResponder: RouterMiddleware {
    typealias Context = BasicRequestContext

    static let tableFields: Set<String> = [
        "tableConstraints", "tablePartition", "usageSummary", "owners", "customMetrics", "columns", "sampleData",
        "tags",
        "followers", "joins", "schemaDefinition", "dataModel", "extension", "testSuite", "domains", "dataProducts",
        "lifeCycle", "sourceHash",
    ]
    static let metricFields: Set<String> = [
        "owners", "reviewers", "relatedMetrics", "followers", "tags", "extension", "domains", "dataProducts", "votes",
    ]

    let store: FakeOpenMetadataStore

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws
        -> Response
    {
        let path = request.uri.path
        var query: [String: String] = [:]
        for (key, value) in request.uri.queryParameters { query[String(key)] = String(value) }
        let authorization = request.headers[.authorization]
        let (token, failure) = store.state.withLock { state in
            state.requests.append(
                FakeOpenMetadataRequest(
                    method: request.method.rawValue, path: path, query: query, authorization: authorization))
            return (state.token, state.takeInjection(path: path))
        }
        switch failure {
        case .status(let status, let retryAfter, let body)?:
            var headers: HTTPFields = [.contentType: "application/json"]
            if let retryAfter { headers[.retryAfter] = String(retryAfter) }
            let text = body ?? Self.errorBody(status, message: Self.reason(status))
            return Response(
                status: .init(code: status), headers: headers, body: .init(byteBuffer: ByteBuffer(string: text)))
        case .malformed?:
            return Response(
                status: .ok, headers: [.contentType: "application/json"],
                body: .init(byteBuffer: ByteBuffer(string: "<html>maintenance</html>")))
        case nil:
            break
        }
        guard path.hasPrefix("/api/v1/") else { return Self.error(404, "HTTP 404 Not Found") }
        guard let authorization, authorization.hasPrefix("Bearer ") else {
            return Self.error(401, "Not Authorized! Token not present")
        }
        guard authorization.dropFirst("Bearer ".count) == token else {
            return Self.error(401, "Not Authorized! Invalid Token")
        }
        guard request.method == .get else { return Self.error(405, "HTTP 405 Method Not Allowed") }
        let parts = path.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        // ["", "api", "v1", <collection>, …]
        switch Array(parts.dropFirst(3)) {
        case let route where route.count == 3 && route[0] == "tables" && route[1] == "name":
            return table(fqn: route[2].removingPercentEncoding ?? route[2], query: query)
        case ["metrics"]:
            return metrics(query: query)
        case let route where route.count == 3 && route[0] == "metrics" && route[1] == "name":
            return metric(fqn: route[2].removingPercentEncoding ?? route[2], query: query)
        case ["search", "query"]:
            return search(query: query)
        default:
            return Self.error(404, "HTTP 404 Not Found")
        }
    }

    func table(fqn: String, query: [String: String]) -> Response {
        let fields: Set<String>
        switch Self.fields(query["fields"], allowed: Self.tableFields) {
        case .success(let requested): fields = requested
        case .failure(let field): return Self.error(400, "Invalid field name \(field.name)")
        }
        guard let table = store.state.withLock({ $0.tables[fqn] }) else {
            return Self.error(404, "table instance for \(fqn) not found", type: "ENTITY_NOT_FOUND")
        }
        return Self.json(FakeOpenMetadataJSON.table(table, fields: fields))
    }

    func metric(fqn: String, query: [String: String]) -> Response {
        let fields: Set<String>
        switch Self.fields(query["fields"], allowed: Self.metricFields) {
        case .success(let requested): fields = requested
        case .failure(let field): return Self.error(400, "Invalid field name \(field.name)")
        }
        guard let metric = store.state.withLock({ $0.metrics[fqn] }) else {
            return Self.error(404, "metric instance for \(fqn) not found", type: "ENTITY_NOT_FOUND")
        }
        return Self.json(FakeOpenMetadataJSON.metric(metric, fields: fields))
    }

    func metrics(query: [String: String]) -> Response {
        let fields: Set<String>
        switch Self.fields(query["fields"], allowed: Self.metricFields) {
        case .success(let requested): fields = requested
        case .failure(let field): return Self.error(400, "Invalid field name \(field.name)")
        }
        let limit = Int(query["limit"] ?? "10") ?? -1
        guard (0...1_000_000).contains(limit) else {
            return Self.error(400, "query param limit must be greater than or equal to 0")
        }
        let all = store.state.withLock { $0.metrics.values.sorted { $0.name < $1.name } }
        var start = 0
        if let cursor = query["after"] {
            guard let data = Data(base64Encoded: cursor), let last = String(data: data, encoding: .utf8) else {
                return Self.error(400, "Invalid cursor")
            }
            start = all.firstIndex { $0.name > last } ?? all.count
        }
        let page = Array(all[start..<min(all.count, start + limit)])
        var paging: [String: Any] = ["total": all.count]
        if start + page.count < all.count, let last = page.last {
            paging["after"] = Data(last.name.utf8).base64EncodedString()
        }
        return Self.json([
            "data": page.map { FakeOpenMetadataJSON.metric($0, fields: fields) }, "paging": paging,
        ])
    }

    func search(query: [String: String]) -> Response {
        guard let text = query["q"] else { return Self.error(400, "query param q must not be null") }
        let from = Int(query["from"] ?? "0") ?? -1
        let size = Int(query["size"] ?? "10") ?? -1
        guard from >= 0 else { return Self.error(400, "query param from must be greater than or equal to 0") }
        guard size >= 0 else { return Self.error(400, "query param size must be greater than or equal to 0") }
        let index = query["index"] ?? "all"
        let (tables, metrics) = store.state.withLock { ($0.tables.values, $0.metrics.values) }
        func matches(_ name: String) -> Bool { text == "*" || name.localizedCaseInsensitiveContains(text) }
        var sources: [(name: String, index: String, source: [String: Any])] = []
        if index == "all" || index == "metric_search_index" {
            for metric in metrics where matches(metric.name) {
                var source = FakeOpenMetadataJSON.metric(metric, fields: Self.metricFields)
                source["entityType"] = "metric"
                sources.append((metric.name, "metric_search_index", source))
            }
        }
        if index == "all" || index == "table_search_index" {
            for table in tables where matches(table.fqn) {
                var source = FakeOpenMetadataJSON.table(table, fields: ["columns", "tags", "owners"])
                source["entityType"] = "table"
                sources.append((table.fqn, "table_search_index", source))
            }
        }
        sources.sort { $0.name < $1.name }
        let hits = sources.dropFirst(from).prefix(size).map { hit -> [String: Any] in
            ["_index": hit.index, "_id": hit.source["id"] ?? "", "_score": 1.0, "_source": hit.source]
        }
        return Self.json([
            "took": 1, "timed_out": false,
            "hits": ["total": ["value": sources.count, "relation": "eq"], "max_score": 1.0, "hits": Array(hits)],
        ])
    }

    struct UnknownField: Error {
        let name: String
    }

    static func fields(_ text: String?, allowed: Set<String>) -> Result<Set<String>, UnknownField> {
        guard let text, !text.isEmpty else { return .success([]) }
        var fields: Set<String> = []
        for field in text.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) {
            guard allowed.contains(field) else { return .failure(UnknownField(name: field)) }
            fields.insert(field)
        }
        return .success(fields)
    }

    static func reason(_ status: Int) -> String {
        switch status {
        case 429: "Too many requests"
        case 500: "Internal Server Error"
        case 502: "Bad Gateway"
        case 503: "Service Unavailable"
        default: "HTTP \(status)"
        }
    }

    static func errorBody(_ status: Int, message: String, type: String? = nil) -> String {
        var object: [String: Any] = ["code": status, "message": message]
        if let type { object["errorType"] = type }
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }

    static func error(_ status: Int, _ message: String, type: String? = nil) -> Response {
        Response(
            status: .init(code: status), headers: [.contentType: "application/json"],
            body: .init(byteBuffer: ByteBuffer(string: errorBody(status, message: message, type: type))))
    }

    static func json(_ object: Any) -> Response {
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
        return Response(
            status: .ok, headers: [.contentType: "application/json"],
            body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}
