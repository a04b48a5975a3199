import Foundation

/// What went wrong reaching BigQuery, in the kinds of REFERENCE §1.8 (`BqAccessError`), each with the
/// HTTP status Agnes answers with and, where one helps, a hint. Messages never carry a token or a key.
public struct BigQueryError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The kind of failure.
    public struct Kind: Sendable, Hashable, RawRepresentable, CustomStringConvertible {
        public let rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        /// No project is configured, or no credentials are available.
        public static let notConfigured = Kind(rawValue: "not_configured")
        /// The credentials were refused or no token could be had for them.
        public static let authFailed = Kind(rawValue: "auth_failed")
        /// The billing project may not use the data project (or the API is not enabled in it).
        public static let crossProjectForbidden = Kind(rawValue: "cross_project_forbidden")
        /// The service account may not do this.
        public static let forbidden = Kind(rawValue: "bq_forbidden")
        /// BigQuery refused the request as invalid (bad SQL, a missing table).
        public static let badRequest = Kind(rawValue: "bq_bad_request")
        /// BigQuery failed or could not be reached, after the retries.
        public static let upstream = Kind(rawValue: "bq_upstream_error")
        /// The job did not finish in time (it was cancelled).
        public static let timeout = Kind(rawValue: "timeout")
    }

    public var kind: Kind
    public var message: String
    /// What the admin or analyst can do about it.
    public var hint: String?
    /// BigQuery's HTTP status, when an answer carried one.
    public var upstreamStatus: Int?
    /// BigQuery's error reason (`invalidQuery`, `accessDenied`, …), when it gave one.
    public var reason: String?

    public init(_ kind: Kind, _ message: String, hint: String? = nil, upstreamStatus: Int? = nil, reason: String? = nil)
    {
        self.kind = kind
        self.message = message
        self.hint = hint
        self.upstreamStatus = upstreamStatus
        self.reason = reason
    }

    /// The status Agnes answers with (REFERENCE §1.8): not_configured 500, bad requests 400, a
    /// timeout 504, everything upstream 502.
    public var httpStatus: Int {
        switch kind {
        case .notConfigured: 500
        case .badRequest: 400
        case .timeout: 504
        default: 502
        }
    }

    public var description: String { hint.map { "\(message) (\($0))" } ?? message }

    /// The error BigQuery's envelope (`{"error":{"code","message","errors":[{"reason"}],"status"}}`) means.
    static func from(status: Int, body: Data, request: String) -> BigQueryError {
        let envelope = try? JSONDecoder().decode(Envelope.self, from: body)
        let message = envelope?.error.message ?? String(decoding: body.prefix(300), as: UTF8.self)
        let reason = envelope?.error.errors?.first?.reason
        let text = "\(request): BigQuery answered HTTP \(status)" + (message.isEmpty ? "" : ": \(message)")
        switch status {
        case 401:
            return BigQueryError(
                .authFailed, text,
                hint:
                    "check GOOGLE_APPLICATION_CREDENTIALS (a service-account key) or the metadata server's service account",
                upstreamStatus: status, reason: reason)
        case 403:
            let lowered = message.lowercased()
            if lowered.contains("serviceusage") || lowered.contains("has not been used in project")
                || lowered.contains("billing")
            {
                return BigQueryError(
                    .crossProjectForbidden, text,
                    hint:
                        "the billing project must have the BigQuery API enabled and the service account needs roles/serviceusage.serviceUsageConsumer on it",
                    upstreamStatus: status, reason: reason)
            }
            return BigQueryError(
                .forbidden, text, hint: "grant the service account BigQuery Data Viewer and Job User",
                upstreamStatus: status, reason: reason)
        case 400, 404:
            return BigQueryError(.badRequest, text, upstreamStatus: status, reason: reason)
        default:
            return BigQueryError(.upstream, text, upstreamStatus: status, reason: reason)
        }
    }

    struct Envelope: Decodable {
        struct Body: Decodable {
            struct Item: Decodable {
                var reason: String?
                var message: String?
            }

            var code: Int?
            var message: String?
            var errors: [Item]?
            var status: String?
        }

        var error: Body
    }
}
