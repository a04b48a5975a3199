import AgnesCore
import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOFoundationCompat
import NIOHTTP1
import NIOSSL

/// OpenMetadata's REST API as the catalog export reads it (REFERENCE §5.5): `Authorization: Bearer`
/// on every request; a table by FQN, metrics listed page by page with `after` cursors, a metric by
/// FQN, and the search endpoint for a data product's metrics. 429 (honouring `Retry-After`) and 5xx
/// answers and broken connections are retried through ``RetryPolicy``; a 401 is final and says the
/// token was refused; a 404 for a table or metric means OpenMetadata does not have it (`nil`).
///
/// ```swift
/// let table = try await OpenMetadataClient.with(configuration, logger: logger) { client in
///     try await client.table(fqn: "bigquery.acme.sales.orders")
/// }
/// ```
public struct OpenMetadataClient: Sendable {
    /// Where and how.
    public let configuration: OpenMetadataConfiguration
    let http: HTTPClient
    let logger: Logger
    /// Longest answer read (a wide table with its columns is well under a MB).
    static let maxBodyBytes = 32 << 20
    /// What a table lookup asks for.
    public static let tableFields = "columns,tags,owners,extension"
    /// What a metric lookup asks for.
    public static let metricFields = "tags,owners"
    /// The search index of metrics.
    public static let metricSearchIndex = "metric_search_index"
    /// Elasticsearch's default `index.max_result_window`: a search cannot page past it.
    static let maxSearchResults = 10_000

    /// Creates a client on an HTTP client the caller owns.
    public init(
        configuration: OpenMetadataConfiguration, http: HTTPClient, logger: Logger = Logger(label: "agnes.openmetadata")
    ) {
        self.configuration = configuration
        self.http = http
        self.logger = logger
    }

    /// Runs `body` with a client on an HTTP client of its own, shut down afterwards: redirects are not
    /// followed (the bearer token goes to the configured server only), and the server's certificate is
    /// not checked when `verifiesTLS` is false (an internal catalog with a self-signed certificate).
    public static func with<T: Sendable>(
        _ configuration: OpenMetadataConfiguration, logger: Logger = Logger(label: "agnes.openmetadata"),
        _ body: (OpenMetadataClient) async throws -> T
    ) async throws -> T {
        var settings = HTTPClient.Configuration(redirectConfiguration: .disallow)
        settings.timeout.connect = .nanoseconds(configuration.connectTimeout.nanoseconds)
        if !configuration.verifiesTLS {
            var tls = TLSConfiguration.makeClientConfiguration()
            tls.certificateVerification = .none
            settings.tlsConfiguration = tls
        }
        let http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: settings)
        let result: Result<T, any Error>
        do {
            result = .success(
                try await body(OpenMetadataClient(configuration: configuration, http: http, logger: logger)))
        } catch {
            result = .failure(error)
        }
        try? await http.shutdown()
        return try result.get()
    }

    /// The table with this fully qualified name, with its columns, tags, owners and custom properties;
    /// nil when OpenMetadata has no such table (404).
    public func table(fqn: String) async throws -> OpenMetadataTable? {
        try await get(
            "/api/v1/tables/name/\(FormEncoding.escape(fqn))", query: [("fields", Self.tableFields)],
            as: OpenMetadataTable.self, notFoundIsNil: true)
    }

    /// The metric with this fully qualified name, with its tags and owners; nil when OpenMetadata has
    /// no such metric (404).
    public func metric(fqn: String) async throws -> OpenMetadataMetric? {
        try await get(
            "/api/v1/metrics/name/\(FormEncoding.escape(fqn))", query: [("fields", Self.metricFields)],
            as: OpenMetadataMetric.self, notFoundIsNil: true)
    }

    /// Every metric, with its tags: `GET /api/v1/metrics` page by page, following `paging.after`.
    public func metrics() async throws -> [OpenMetadataMetricSummary] {
        var all: [OpenMetadataMetricSummary] = []
        var after: String?
        var seen: Set<String> = []
        repeat {
            var query = [("fields", "tags"), ("limit", String(configuration.pageSize))]
            if let after { query.append(("after", after)) }
            guard
                let page = try await get(
                    "/api/v1/metrics", query: query, as: OpenMetadataPage<OpenMetadataMetricSummary>.self,
                    notFoundIsNil: false)
            else { break }
            all += page.data
            after = page.paging?.after.flatMap { $0.isEmpty ? nil : $0 }
            // A server that hands the same cursor back would page forever.
            if let cursor = after, !seen.insert(cursor).inserted {
                throw OpenMetadataError(
                    .invalidResponse, "GET /api/v1/metrics: OpenMetadata handed back the cursor \(cursor) twice")
            }
        } while after != nil
        return all
    }

    /// The metrics of a data product: `GET /api/v1/search/query` on the metric index, page by page
    /// (`from`, `size`), keeping the hits whose `dataProducts` name it (by name, FQN or display name).
    /// Membership is checked here rather than with a `query_filter`, which the original found servers
    /// ignore for `dataProducts`.
    public func metrics(inDataProduct dataProduct: String) async throws -> [OpenMetadataMetricSummary] {
        var found: [OpenMetadataMetricSummary] = []
        var from = 0
        let size = min(configuration.pageSize, Self.maxSearchResults)
        while from < Self.maxSearchResults {
            let query = [
                ("q", "*"), ("index", Self.metricSearchIndex), ("from", String(from)), ("size", String(size)),
                ("deleted", "false"),
            ]
            guard
                let page = try await get(
                    "/api/v1/search/query", query: query,
                    as: OpenMetadataSearchResponse<OpenMetadataMetricSummary>.self, notFoundIsNil: false)
            else { break }
            let hits = page.hits.hits.map(\.source)
            found += hits.filter { metric in
                (metric.dataProducts ?? []).contains { product in
                    [product.name, product.fullyQualifiedName, product.displayName].contains(dataProduct)
                }
            }
            guard hits.count == size else { break }
            from += size
        }
        return found
    }
}

extension OpenMetadataClient {
    /// A GET of an API path, decoded; nil for a 404 when `notFoundIsNil`.
    func get<T: Decodable>(_ path: String, query: [(String, String)], as type: T.Type, notFoundIsNil: Bool)
        async throws -> T?
    {
        guard let body = try await send(path, query: query, notFoundIsNil: notFoundIsNil) else { return nil }
        do {
            return try JSONDecoder().decode(T.self, from: body)
        } catch {
            throw OpenMetadataError(
                .invalidResponse, "OpenMetadata's answer to GET \(path) is not what its API documents: \(error)")
        }
    }

    /// Sends a GET with retries; the body of a 2xx answer, or nil for a 404 when `notFoundIsNil`.
    func send(_ path: String, query: [(String, String)], notFoundIsNil: Bool) async throws -> Data? {
        var components = URLComponents()
        components.queryItems = query.isEmpty ? nil : query.map { URLQueryItem(name: $0.0, value: $0.1) }
        // `+` is a space to most servers: encode it (and `&`, `=` are already encoded by URLComponents).
        let encodedQuery = components.percentEncodedQuery?.replacingOccurrences(of: "+", with: "%2B")
        let url = configuration.baseURL + path + (encodedQuery.map { "?" + $0 } ?? "")
        let what = "GET \(path)"
        let (http, token, timeout, logger) = (self.http, configuration.token, configuration.timeout, self.logger)
        let tokenSource = configuration.tokenSource
        do {
            return try await configuration.retry.run { attempt -> Data? in
                var request = HTTPClientRequest(url: url)
                request.method = .GET
                request.headers.add(name: "Authorization", value: "Bearer \(token)")
                request.headers.add(name: "Accept", value: "application/json")
                request.headers.add(name: "User-Agent", value: "agnes-catalog-export")
                let response: HTTPClientResponse
                let body: ByteBuffer
                do {
                    response = try await http.execute(request, timeout: .nanoseconds(timeout.nanoseconds))
                    body = try await response.body.collect(upTo: Self.maxBodyBytes)
                } catch let error as CancellationError {
                    throw error
                } catch {
                    throw TransientFailure(message: "\(what): the connection to OpenMetadata failed (\(error))")
                }
                let status = Int(response.status.code)
                let data = Data(buffer: body)
                if (200..<300).contains(status) { return data }
                if status == 404, notFoundIsNil { return nil }
                let summary = OpenMetadataErrorBody.summary(of: data) ?? "HTTP \(status)"
                if TransientFailure.isTransient(status: status) {
                    logger.info(
                        "OpenMetadata answered \(status); retrying",
                        metadata: ["request": "\(what)", "attempt": "\(attempt)"])
                    throw TransientFailure(
                        status: status,
                        retryAfter: TransientFailure.retryAfter(response.headers.first(name: "Retry-After")),
                        message: "\(what): OpenMetadata answered HTTP \(status): \(summary)")
                }
                throw Self.error(status: status, summary: summary, request: what, tokenSource: tokenSource)
            }
        } catch let failure as TransientFailure {
            if failure.status == nil {
                throw OpenMetadataError(.unreachable, failure.message + " (gave up after retries)")
            }
            throw OpenMetadataError(.unavailable, failure.message + " (gave up after retries)", status: failure.status)
        }
    }

    static func error(status: Int, summary: String, request: String, tokenSource: String) -> OpenMetadataError {
        switch status {
        case 401:
            return OpenMetadataError(
                .unauthorized, "OpenMetadata rejected the token (HTTP 401: \(summary)): check \(tokenSource)",
                status: status)
        case 403:
            return OpenMetadataError(
                .forbidden, "\(request): the token may not read this (HTTP 403: \(summary))", status: status)
        case 404: return OpenMetadataError(.notFound, "\(request): not found (\(summary))", status: status)
        default:
            return OpenMetadataError(
                .rejected, "\(request): OpenMetadata answered HTTP \(status): \(summary)", status: status)
        }
    }

}

extension Duration {
    /// The whole duration in nanoseconds.
    fileprivate var nanoseconds: Int64 {
        components.seconds * 1_000_000_000 + components.attoseconds / 1_000_000_000
    }
}
