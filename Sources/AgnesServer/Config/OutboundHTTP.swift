import AsyncHTTPClient

/// The HTTP client for calls to URLs an admin configured (the Keboola check, sync alerts): it never
/// follows a redirect, so a URL that passed ``OutboundURLCheck`` cannot send the request elsewhere.
enum OutboundHTTP {
    static let client = HTTPClient(
        eventLoopGroupProvider: .singleton,
        configuration: HTTPClient.Configuration(redirectConfiguration: .disallow))
}
