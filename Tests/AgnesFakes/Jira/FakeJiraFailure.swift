/// A failure ``FakeJira`` answers the next requests of a path with
/// (``FakeJira/inject(_:pathContains:times:)``).
public enum FakeJiraFailure: Sendable, Hashable {
    /// This status with Jira's error envelope `{"errorMessages":[…],"errors":{}}`, and `Retry-After` when
    /// `retryAfter` is set (a 429 also carries `RateLimit-Reason: jira-burst-based`).
    case status(Int, retryAfter: Int? = nil)
    /// Serves the request but closes the connection after half of the body its `Content-Length`
    /// announced (after the headers, for an answer without a body).
    case dropConnection
}

/// One request the fake received.
public struct FakeJiraRequest: Sendable, Hashable {
    public var method: String
    /// The path as sent (still percent-encoded).
    public var path: String
    /// The query string as sent, without `?` (empty when none).
    public var query: String
    /// `main` or `sla`: whose credentials the request carried and the path accepts; nil when none did.
    public var account: String?
}
