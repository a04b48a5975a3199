import HTTPTypes
import Hummingbird

/// A BigQuery API error: the HTTP status and the `ErrorProto` (reason, message, location) of Google's
/// envelope `{"error":{"code","message","errors":[{"message","domain","reason",…}],"status"}}`.
struct BigQueryError: Error, Sendable, Equatable {
    let status: Int
    let reason: String
    let message: String
    /// The message inside `errors[]` when Google words it differently from the top-level one.
    var detail: String?
    var location: String?
    var locationType: String?

    /// The envelope as the response body.
    func response(headers: HTTPFields = [:]) -> Response {
        var headers = headers
        if status == 401 { headers[.wwwAuthenticate] = "Bearer realm=\"https://accounts.google.com/\"" }
        let body: [String: Any] = [
            "error": [
                "code": status, "message": message, "errors": [errorProto(domain: true)], "status": googleStatus,
            ] as [String: Any]
        ]
        return BigQueryJSON.response(body, status: status, headers: headers)
    }

    /// The `ErrorProto`: with `domain` in HTTP envelopes, without it in a job's `status.errorResult`.
    func errorProto(domain: Bool) -> [String: Any] {
        var proto: [String: Any] = ["message": detail ?? message, "reason": reason]
        if domain { proto["domain"] = "global" }
        if let location { proto["location"] = location }
        if let locationType { proto["locationType"] = locationType }
        return proto
    }

    /// The canonical `google.rpc.Code` name of the status.
    var googleStatus: String {
        switch status {
        case 400: "INVALID_ARGUMENT"
        case 401: "UNAUTHENTICATED"
        case 403: "PERMISSION_DENIED"
        case 404: "NOT_FOUND"
        case 409: "ALREADY_EXISTS"
        case 429: "RESOURCE_EXHAUSTED"
        case 501: "UNIMPLEMENTED"
        case 503: "UNAVAILABLE"
        case 504: "DEADLINE_EXCEEDED"
        case 500...: "INTERNAL"
        default: "UNKNOWN"
        }
    }
}

extension BigQueryError {
    /// A query the engine refuses, with its message (`jobs.query` names the parameter `q`).
    static func invalidQuery(_ message: String) -> BigQueryError {
        BigQueryError(status: 400, reason: "invalidQuery", message: message, location: "q", locationType: "parameter")
    }

    /// A request the API refuses as malformed.
    static func invalid(_ message: String) -> BigQueryError {
        BigQueryError(status: 400, reason: "invalid", message: message)
    }

    static func notFound(_ message: String) -> BigQueryError {
        BigQueryError(status: 404, reason: "notFound", message: message)
    }

    static func duplicate(_ message: String) -> BigQueryError {
        BigQueryError(status: 409, reason: "duplicate", message: message)
    }

    /// No `Authorization` header.
    static let loginRequired = BigQueryError(
        status: 401, reason: "required",
        message: "Request is missing required authentication credential. Expected OAuth 2 access token, login "
            + "cookie or other valid authentication credential. See "
            + "https://developers.google.com/identity/sign-in/web/devconsole-project.",
        detail: "Login Required.", location: "Authorization", locationType: "header")

    /// An unknown or expired bearer token.
    static let invalidCredentials = BigQueryError(
        status: 401, reason: "authError",
        message: "Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or "
            + "other valid authentication credential. See "
            + "https://developers.google.com/identity/sign-in/web/devconsole-project.",
        detail: "Invalid Credentials", location: "Authorization", locationType: "header")

    /// A token whose scopes include none of BigQuery's.
    static let insufficientScopes = BigQueryError(
        status: 403, reason: "insufficientPermissions", message: "Request had insufficient authentication scopes.",
        detail: "Insufficient Permission")

    /// A job cancelled with jobs.cancel (the error table gives `stopped` the status 200).
    static let stopped = BigQueryError(
        status: 200, reason: "stopped", message: "Job execution was cancelled: User requested cancellation")

    /// An injected failure's error: `reason` or the one the error table gives `status`.
    static func injected(status: Int, reason: String?, message: String?) -> BigQueryError {
        let reason = reason ?? defaultReason(status)
        return BigQueryError(status: status, reason: reason, message: message ?? defaultMessage(reason, status: status))
    }

    private static func defaultReason(_ status: Int) -> String {
        switch status {
        case 400: "invalid"
        case 401: "authError"
        case 403: "accessDenied"
        case 404: "notFound"
        case 409: "duplicate"
        case 429: "rateLimitExceeded"
        case 500...: "backendError"
        default: "unknown"
        }
    }

    private static func defaultMessage(_ reason: String, status: Int) -> String {
        switch reason {
        case "rateLimitExceeded": "Exceeded rate limits: too many api requests per user per method"
        case "quotaExceeded": "Quota exceeded: Your project exceeded quota for free query bytes scanned"
        case "backendError": "Backend error. Job aborted."
        case "responseTooLarge": "Response too large to return."
        default: HTTPResponse.Status(code: status).reasonPhrase
        }
    }

    /// The status the error table gives a reason, for job errors raised by getQueryResults.
    static func status(of reason: String) -> Int {
        switch reason {
        case "notFound": 404
        case "accessDenied", "rateLimitExceeded", "quotaExceeded", "responseTooLarge", "billingNotEnabled": 403
        case "backendError", "internalError": 500
        case "duplicate": 409
        case "stopped": 200
        default: 400
        }
    }
}
