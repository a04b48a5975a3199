import AgnesCore
import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOFoundationCompat
import NIOHTTP1

/// Keboola's Storage API, as its official clients call it: `X-StorageApi-Token` on every request,
/// form-encoded POST bodies, async jobs polled until they end, and the retry policy of the PHP and
/// Python clients (5xx other than 501, 429 and broken connections retried with backoff, honouring
/// `Retry-After`; a 401 is final and says the token is wrong).
///
/// ```swift
/// let client = KeboolaStorageClient(configuration: configuration, http: .shared)
/// let tables = try await client.tables()
/// ```
public struct KeboolaStorageClient: Sendable {
    /// Where and how.
    public let configuration: KeboolaConfiguration
    let http: HTTPClient
    let logger: Logger
    /// Longest API answer read (the table list of a large project is a few MB).
    static let maxBodyBytes = 64 << 20

    /// Creates a client.
    public init(configuration: KeboolaConfiguration, http: HTTPClient, logger: Logger = Logger(label: "agnes.keboola"))
    {
        self.configuration = configuration
        self.http = http
        self.logger = logger
    }

    /// The token's identity: the connection test.
    public func verifyToken() async throws -> KeboolaToken {
        try await get("/v2/storage/tokens/verify", as: KeboolaToken.self)
    }

    /// The connection test: the token's identity, then the bucket list with it.
    public func checkConnection() async throws -> (token: KeboolaToken, buckets: [KeboolaBucket]) {
        let token = try await verifyToken()
        return (token, try await buckets())
    }

    /// Every bucket the token can read.
    public func buckets() async throws -> [KeboolaBucket] {
        try await get("/v2/storage/buckets", as: [KeboolaBucket].self)
    }

    /// Every table the token can read, with columns and column metadata (one call, no paging).
    public func tables() async throws -> [KeboolaTable] {
        try await get(
            "/v2/storage/tables", query: [("include", "buckets,columns,metadata,columnMetadata")],
            as: [KeboolaTable].self)
    }

    /// One table's detail.
    public func table(id: String) async throws -> KeboolaTable {
        try await get("/v2/storage/tables/\(FormEncoding.escape(id))", as: KeboolaTable.self)
    }

    /// A GET of an API path, decoded.
    func get<T: Decodable>(_ path: String, query: [(String, String)] = [], as type: T.Type) async throws -> T {
        let body = try await send(.GET, path, query: query)
        do {
            return try JSONDecoder().decode(T.self, from: body)
        } catch {
            throw KeboolaError(
                .invalidResponse, "Keboola's answer to GET \(path) is not what the Storage API documents: \(error)")
        }
    }

    /// Sends a request with retries and returns the body of a 2xx answer: to the stack, or to `base`
    /// (another Keboola service, such as the Query Service), with a form or a JSON body.
    func send(
        _ method: HTTPMethod, _ path: String, query: [(String, String)] = [], form: [(String, String)]? = nil,
        json: Data? = nil, base: String? = nil
    ) async throws -> Data {
        var components = URLComponents()
        components.queryItems = query.isEmpty ? nil : query.map { URLQueryItem(name: $0.0, value: $0.1) }
        let url = (base ?? configuration.stackURL) + path + (components.percentEncodedQuery.map { "?" + $0 } ?? "")
        let what = "\(method.rawValue) \(path)"
        let http = self.http
        let token = configuration.token
        do {
            return try await configuration.retry.run { attempt in
                var request = HTTPClientRequest(url: url)
                request.method = method
                request.headers.add(name: "X-StorageApi-Token", value: token)
                request.headers.add(name: "Accept", value: "application/json")
                request.headers.add(name: "User-Agent", value: "agnes-keboola-connector")
                if let form {
                    request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
                    request.body = .bytes(ByteBuffer(string: FormEncoding.encode(form)))
                } else if let json {
                    request.headers.add(name: "Content-Type", value: "application/json")
                    request.body = .bytes(ByteBuffer(bytes: json))
                }
                let answer = try await HTTPExchange.perform(
                    http, request, service: "Keboola", what: what, attempt: attempt, logger: logger
                ) { status, body in
                    "\(what): Keboola answered HTTP \(status)"
                        + (KeboolaErrorEnvelope.summary(of: body).map { ": \($0)" } ?? "")
                }
                if (200..<300).contains(answer.status) { return answer.body }
                throw Self.error(
                    status: answer.status, summary: KeboolaErrorEnvelope.summary(of: answer.body), request: what,
                    tokenVariable: configuration.tokenVariable)
            }
        } catch let failure as TransientFailure {
            throw KeboolaError(.unavailable, failure.message + " (gave up after retries)", status: failure.status)
        }
    }

    static func error(status: Int, summary: String?, request: String, tokenVariable: String) -> KeboolaError {
        let detail = summary ?? "HTTP \(status)"
        switch status {
        case 401:
            return KeboolaError(
                .unauthorized,
                "Keboola rejected the Storage API token (\(detail)): check \(tokenVariable) and the stack URL",
                status: status)
        case 403: return KeboolaError(.forbidden, "\(request): the token may not do this (\(detail))", status: status)
        case 404: return KeboolaError(.notFound, "\(request): not found in Keboola (\(detail))", status: status)
        default:
            return KeboolaError(
                .rejected, "\(request): Keboola answered HTTP \(status)" + (summary.map { ": \($0)" } ?? ""),
                status: status)
        }
    }
}
