/// A failure ``FakeKeboola`` injects into the next requests whose path contains a given string
/// (``FakeKeboola/inject(_:pathContains:count:)``).
public enum FakeKeboolaFailure: Sendable, Equatable {
    /// Answers with this HTTP status instead of serving the request, with a `Retry-After` header when
    /// `retryAfter` is set. The body is `body` when given, otherwise the service's own error format: the
    /// Keboola envelope (`{"error","code","status":"error","exceptionId"}`) on Storage API paths, S3 XML,
    /// GCS JSON or Azure XML on object-store paths.
    case status(Int, retryAfter: Int? = nil, body: String? = nil)
    /// The documented maintenance answer: `503`, `Retry-After`, and
    /// `{"status":"maintenance","reason":…,"estimatedEndTime":…}`.
    case maintenance(retryAfter: Int)
    /// Serves the request but cuts the connection after about half of the body: the `Content-Length`
    /// announces the whole body, so the client sees a premature end.
    case dropMidBody
    /// The export job ends with `status: "error"` and `error: {code, message, exceptionId}` where it would
    /// have succeeded. Consumed by the next matching `export-async` POST or job poll; other requests
    /// leave it in place.
    case jobError(message: String)
    /// The object store refuses the credentials as expired: S3 `400 ExpiredToken` (`403 AccessDenied
    /// "Request has expired"` for a presigned URL), GCS `401`, Azure `403 AuthenticationFailed`. Consumed
    /// by the next matching object-store request; other requests leave it in place.
    case expiredCredentials
}
