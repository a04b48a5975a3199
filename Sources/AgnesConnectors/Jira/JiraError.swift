import Foundation

/// What went wrong reaching Jira. Messages never carry a token.
public struct JiraError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The kind of failure.
    public enum Kind: String, Sendable, Hashable {
        /// `JIRA_DOMAIN`/`JIRA_BASE_URL`, `JIRA_EMAIL` or `JIRA_API_TOKEN` is missing.
        case notConfigured = "not_configured"
        /// Jira refused the credentials (401) or the account may not do this (403).
        case authFailed = "auth_failed"
        /// Jira refused the request (400: bad JQL, …).
        case badRequest = "bad_request"
        /// Jira failed or could not be reached, after the retries.
        case upstream = "upstream_error"
        /// Jira answered something that is not what its API documents.
        case badResponse = "bad_response"
    }

    public var kind: Kind
    public var message: String
    /// Jira's HTTP status, when an answer carried one.
    public var status: Int?

    public init(_ kind: Kind, _ message: String, status: Int? = nil) {
        self.kind = kind
        self.message = message
        self.status = status
    }

    public var description: String { message }

    /// The error an answer means, with Jira's own words (`{"errorMessages":[…],"errors":{…}}`) when it gave some.
    static func from(status: Int, body: Data, request: String) -> JiraError {
        var words: [String] = []
        if let object = try? JSONSerialization.jsonObject(with: body) as? [String: Any] {
            words += (object["errorMessages"] as? [String]) ?? []
            if let errors = object["errors"] as? [String: Any] {
                words += errors.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }
            }
        }
        let said = words.isEmpty ? "" : ": " + words.joined(separator: "; ").prefix(300)
        switch status {
        case 401:
            return JiraError(
                .authFailed,
                "\(request): Jira refused the credentials (401)\(said); check JIRA_EMAIL and JIRA_API_TOKEN",
                status: status)
        case 403:
            return JiraError(.authFailed, "\(request): the Jira account may not do this (403)\(said)", status: status)
        case 400..<500:
            return JiraError(.badRequest, "\(request): Jira answered \(status)\(said)", status: status)
        default:
            return JiraError(.upstream, "\(request): Jira answered \(status)\(said)", status: status)
        }
    }
}
