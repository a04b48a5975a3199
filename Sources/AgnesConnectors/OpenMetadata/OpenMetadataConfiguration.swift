import Foundation

/// Where the OpenMetadata server is and how the client talks to it (`openmetadata` of `instance.yaml`).
/// The base URL is the server's root (`https://catalog.example.com`); the client adds `/api/v1/…`, so a
/// fake on 127.0.0.1 and the real server are one configuration apart.
public struct OpenMetadataConfiguration: Sendable, CustomStringConvertible {
    /// The server's root, without a trailing `/` (a trailing `/api`, as the Python SDK's `host` is
    /// written, is dropped too).
    public var baseURL: String
    /// The bearer token: a bot's JWT or a personal access token.
    public var token: String
    /// Where the token came from (`openmetadata.token`, `$OPENMETADATA_TOKEN`), for messages that
    /// must say which token was refused without showing it.
    public var tokenSource: String
    /// Whether the server's TLS certificate is checked (`openmetadata.verify_ssl`).
    public var verifiesTLS: Bool
    /// How long one request may take.
    public var timeout: Duration
    /// How long the HTTP client keeps trying to connect before a request fails (and is retried).
    public var connectTimeout: Duration
    /// Entities per page of a list or search request.
    public var pageSize: Int
    /// Retries of transient failures (429 with `Retry-After`, 5xx, broken connections).
    public var retry: RetryPolicy

    /// Creates a configuration.
    public init(
        baseURL: String, token: String, tokenSource: String = "openmetadata.token", verifiesTLS: Bool = true,
        timeout: Duration = .seconds(30), connectTimeout: Duration = .seconds(10), pageSize: Int = 100,
        retry: RetryPolicy = RetryPolicy()
    ) {
        var base = baseURL.trimmingCharacters(in: .whitespaces)
        while base.hasSuffix("/") { base.removeLast() }
        if base.hasSuffix("/api") { base.removeLast(4) }
        self.baseURL = base
        self.token = token
        self.tokenSource = tokenSource
        self.verifiesTLS = verifiesTLS
        self.timeout = timeout
        self.connectTimeout = connectTimeout
        self.pageSize = max(1, pageSize)
        self.retry = retry
    }

    /// Everything but the token.
    public var description: String {
        "OpenMetadataConfiguration(baseURL: \(baseURL), token: *** from \(tokenSource), verifiesTLS: \(verifiesTLS))"
    }
}
