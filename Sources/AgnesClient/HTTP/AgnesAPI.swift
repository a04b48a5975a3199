import AsyncHTTPClient
import Foundation
import NIOCore
import NIOFoundationCompat
import NIOHTTP1

/// A typed client of the Agnes HTTP API: one base URL, one bearer token, one `HTTPClient`.
/// Non-2xx answers become ``ClientError``s carrying the server's `detail`.
///
/// ```swift
/// try await AgnesAPI.withClient(server: "http://127.0.0.1:8000", token: pat) { api in
///     let manifest = try await api.manifest()
///     print(manifest.tables.count)
/// }
/// ```
public struct AgnesAPI: Sendable {
    /// The server's base URL, without a trailing slash.
    public let server: String
    /// The bearer token sent with every request (never logged).
    public let token: String?
    /// The HTTP client (owned by whoever created it).
    public let http: HTTPClient
    /// Time allowed for an ordinary request (downloads have their own).
    public var timeout: TimeAmount = .seconds(30)
    /// The largest answer body read into memory.
    public var maximumBodySize = 256 * 1024 * 1024

    /// A client over an existing `HTTPClient`.
    public init(server: String, token: String?, http: HTTPClient) {
        self.server = server
        self.token = token
        self.http = http
    }

    /// Runs `body` with a client whose `HTTPClient` is shut down afterwards. `connections` bounds the
    /// concurrent connections to the server (parallel downloads).
    public static func withClient<T: Sendable>(
        server: String, token: String?, connections: Int = 8,
        _ body: (AgnesAPI) async throws -> T
    ) async throws -> T {
        let http = HTTPClient(
            eventLoopGroupProvider: .singleton, configuration: configuration(connections: connections))
        let api = AgnesAPI(server: server, token: token, http: http)
        do {
            let value = try await body(api)
            try? await http.shutdown()
            return value
        } catch {
            try? await http.shutdown()
            throw error
        }
    }

    /// The HTTP configuration: 10 s to connect, 60 s without a byte read aborts a transfer. A refused
    /// connection fails at once (AsyncHTTPClient would otherwise retry it for the whole connect
    /// timeout): downloads have their own retries with backoff, and a CLI facing a stopped server
    /// should say so in milliseconds.
    public static func configuration(connections: Int) -> HTTPClient.Configuration {
        var pool = HTTPClient.Configuration.ConnectionPool(
            idleTimeout: .seconds(30), concurrentHTTP1ConnectionsPerHostSoftLimit: connections)
        pool.retryConnectionEstablishment = false
        return HTTPClient.Configuration(
            redirectConfiguration: .follow(max: 5, allowCycles: false),
            timeout: .init(connect: .seconds(10), read: .seconds(60)), connectionPool: pool)
    }

    /// The absolute URL of `path` (which starts with `/`) with `query` items.
    public func url(_ path: String, query: [(String, String)] = []) -> String {
        guard !query.isEmpty else { return server + path }
        var components = URLComponents()
        components.queryItems = query.map { URLQueryItem(name: $0.0, value: $0.1) }
        let encoded = (components.percentEncodedQuery ?? "").replacingOccurrences(of: "+", with: "%2B")
        return server + path + "?" + encoded
    }

    /// A request for `path` with the bearer token.
    public func request(_ method: HTTPMethod, _ path: String, query: [(String, String)] = []) -> HTTPClientRequest {
        var request = HTTPClientRequest(url: url(path, query: query))
        request.method = method
        request.headers.add(name: "User-Agent", value: "agnes-cli")
        if let token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
        return request
    }

    /// Sends `request` and reads the whole answer; transport failures become `server_unreachable`.
    /// Any status is returned: use ``send(_:)`` to turn non-2xx into errors.
    public func exchange(_ request: HTTPClientRequest, timeout: TimeAmount? = nil) async throws -> APIResponse {
        let label = "\(request.method.rawValue) \(Self.path(of: request.url, server: server))"
        let response: HTTPClientResponse
        do {
            response = try await http.execute(request, timeout: timeout ?? self.timeout)
        } catch {
            throw ClientError.transport(error, server: server, request: label)
        }
        let body: ByteBuffer
        do {
            body = try await response.body.collect(upTo: maximumBodySize)
        } catch {
            throw ClientError.transport(error, server: server, request: label)
        }
        return APIResponse(
            status: Int(response.status.code), headers: response.headers, body: Data(buffer: body), request: label)
    }

    /// Sends `request` and returns the answer when its status is 2xx, else throws its error.
    @discardableResult
    public func send(_ request: HTTPClientRequest, timeout: TimeAmount? = nil) async throws -> APIResponse {
        let response = try await exchange(request, timeout: timeout)
        guard (200..<300).contains(response.status) else { throw ClientError.http(response) }
        return response
    }

    static func path(of url: String, server: String) -> String {
        let rest = url.hasPrefix(server) ? String(url.dropFirst(server.count)) : url
        return String(rest.prefix { $0 != "?" })
    }
}

/// A whole HTTP answer.
public struct APIResponse: Sendable {
    /// The status code.
    public let status: Int
    /// The headers.
    public let headers: HTTPHeaders
    /// The body.
    public let body: Data
    /// `METHOD /path` of the request, for messages.
    public let request: String

    /// Creates an answer (fakes and tests).
    public init(status: Int, headers: HTTPHeaders, body: Data, request: String) {
        self.status = status
        self.headers = headers
        self.body = body
        self.request = request
    }

    /// The `Content-Type` header, if any.
    public var contentType: String? { headers.first(name: "Content-Type") }

    /// The body decoded as `T`; `invalid_response` when it is not.
    public func decode<T: Decodable>(_ type: T.Type = T.self) throws -> T {
        do {
            return try JSONDecoder().decode(T.self, from: body)
        } catch {
            throw ClientError(
                .invalidResponse, "the server's answer to \(request) could not be read (\(Self.reason(error)))",
                hint: "is the server an Agnes server of a compatible version? agnes diagnose checks", status: status)
        }
    }

    static func reason(_ error: any Error) -> String {
        switch error {
        case DecodingError.keyNotFound(let key, let context):
            "missing \((context.codingPath + [key]).map(\.stringValue).joined(separator: "."))"
        case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context):
            "unexpected value at \(context.codingPath.map(\.stringValue).joined(separator: "."))"
        case DecodingError.dataCorrupted: "not JSON"
        default: "\(error)"
        }
    }
}
