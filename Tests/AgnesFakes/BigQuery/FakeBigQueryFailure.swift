/// A failure ``FakeBigQuery`` injects into the next requests whose path contains a given string
/// (``FakeBigQuery/inject(_:pathContains:count:)``).
public enum FakeBigQueryFailure: Sendable, Equatable {
    /// Answers with this HTTP status instead of serving the request, with `Retry-After` when `retryAfter`
    /// is set. API paths get Google's error envelope with `reason` (by default the one the BigQuery
    /// error table gives the status: 400 `invalid`, 401 `authError`, 403 `accessDenied`, 404 `notFound`,
    /// 409 `duplicate`, 429 `rateLimitExceeded`, 5xx `backendError`); the token endpoint and the metadata
    /// server get an OAuth-style `{"error","error_description"}`.
    case status(Int, reason: String? = nil, message: String? = nil, retryAfter: Int? = nil)
    /// Serves the request but cuts the connection after about half of the body: the `Content-Length`
    /// announces the whole body, so the client sees a premature end.
    case dropMidBody
    /// The next query job (`jobs.query` or `jobs.insert`, not a dry run) fails with this error: jobs.query
    /// answers it as an error envelope, a job from jobs.insert ends `DONE` with it as `errorResult` (and
    /// getQueryResults answers it). Other requests leave it in place.
    case jobError(reason: String, message: String)
}
