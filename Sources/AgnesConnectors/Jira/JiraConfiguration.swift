import AgnesData
import Foundation

/// Jira Cloud as this server reaches it, from the original's environment variables (REFERENCE §5.3):
/// `JIRA_DOMAIN`, `JIRA_EMAIL`, `JIRA_API_TOKEN` (Basic auth email:token), `JIRA_BASE_URL` (a proxy or a
/// test server instead of `https://<JIRA_DOMAIN>`), the SLA account (`JIRA_CLOUD_ID`, `JIRA_SLA_EMAIL`,
/// `JIRA_SLA_API_TOKEN`, or `JIRA_SLA_BASE_URL` instead of `https://api.atlassian.com/ex/jira/<cloud id>`),
/// `JIRA_WEBHOOK_SECRET`, `JIRA_PROJECT` and `JIRA_DATA_DIR`.
///
/// One directory holds everything raw (the original's webhook and transform disagreed on it, §5.3
/// flaw): `JIRA_DATA_DIR`, else `DATA_DIR/extracts/jira/raw`.
public struct JiraSettings: Sendable {
    /// The HMAC secret of the webhook; nil refuses every webhook with 503.
    public var webhookSecret: String?
    /// How to reach Jira; nil when `JIRA_DOMAIN`/`JIRA_BASE_URL`, `JIRA_EMAIL` or `JIRA_API_TOKEN` is missing.
    public var service: JiraConfiguration?
    /// Raw issue JSON, webhook events, the event queue and attachments.
    public var rawDirectory: URL
    /// `JIRA_DOMAIN`, for the health route.
    public var domain: String?

    /// The `jira` section's key for each variable (the original's example `instance.yaml`).
    static let sectionKeys = [
        "JIRA_DOMAIN": "domain", "JIRA_EMAIL": "email", "JIRA_API_TOKEN": "api_token",
        "JIRA_WEBHOOK_SECRET": "webhook_secret", "JIRA_SLA_EMAIL": "sla_email", "JIRA_SLA_API_TOKEN": "sla_api_token",
        "JIRA_CLOUD_ID": "cloud_id", "JIRA_PROJECT": "project", "JIRA_BASE_URL": "base_url",
        "JIRA_SLA_BASE_URL": "sla_base_url",
    ]

    /// Reads the variables; a variable that is unset or empty falls back to the `jira` section of
    /// `instance.yaml` (`section`: its string values by key, empty ones ignored).
    public static func from(environment: [String: String], section: [String: String] = [:], layout: DataLayout)
        -> JiraSettings
    {
        func value(_ name: String) -> String? {
            for candidate in [environment[name], sectionKeys[name].flatMap { section[$0] }] {
                if let text = candidate?.trimmingCharacters(in: .whitespacesAndNewlines), !text.isEmpty { return text }
            }
            return nil
        }
        let raw =
            value("JIRA_DATA_DIR").map { URL(fileURLWithPath: $0) }
            ?? layout.extractsDirectory.appendingPathComponent("jira/raw")
        let domain = value("JIRA_DOMAIN")
        var service: JiraConfiguration?
        if let base = value("JIRA_BASE_URL") ?? domain.map({ "https://\($0)" }), let email = value("JIRA_EMAIL"),
            let token = value("JIRA_API_TOKEN")
        {
            var sla: JiraAccount?
            if let slaEmail = value("JIRA_SLA_EMAIL"), let slaToken = value("JIRA_SLA_API_TOKEN"),
                let slaBase = value("JIRA_SLA_BASE_URL")
                    ?? value("JIRA_CLOUD_ID").map({ "https://api.atlassian.com/ex/jira/\($0)" })
            {
                sla = JiraAccount(baseURL: slaBase, email: slaEmail, apiToken: slaToken)
            }
            service = JiraConfiguration(
                account: JiraAccount(baseURL: base, email: email, apiToken: token), slaAccount: sla,
                siteURL: domain.map { "https://\($0)" } ?? base, project: value("JIRA_PROJECT"))
        }
        return JiraSettings(
            webhookSecret: value("JIRA_WEBHOOK_SECRET"), service: service, rawDirectory: raw.standardizedFileURL,
            domain: domain)
    }
}

/// One Jira account: where its calls go and its Basic credentials.
public struct JiraAccount: Sendable, Hashable {
    /// The root the REST paths (`/rest/api/3/…`) are appended to, without a trailing slash.
    public var baseURL: String
    /// The account's e-mail.
    public var email: String
    /// Its API token.
    public var apiToken: String

    /// Creates an account.
    public init(baseURL: String, email: String, apiToken: String) {
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.email = email
        self.apiToken = apiToken
    }

    /// `Basic base64(email:token)`.
    var authorization: String { "Basic " + Data("\(email):\(apiToken)".utf8).base64EncodedString() }
}

/// A configured Jira service.
public struct JiraConfiguration: Sendable {
    /// The main account (issues, remote links, search, attachments).
    public var account: JiraAccount
    /// The Service Management account the SLA fields are read with; nil leaves SLA columns as Jira gives them.
    public var slaAccount: JiraAccount?
    /// The site issue URLs point at (`https://<JIRA_DOMAIN>/browse/<key>`).
    public var siteURL: String
    /// `JIRA_PROJECT`: the consistency check's and the default backfill's project.
    public var project: String?
    /// Retries of transient failures (429 with `Retry-After`, 5xx, broken connections).
    public var retry: RetryPolicy
    /// Issues fetched at once.
    public var fetchConcurrency: Int
    /// Attachments larger than this are listed but not downloaded (REFERENCE §5.3: 50 MB).
    public var maxAttachmentBytes: Int64
    /// Missing issues the consistency check backfills in one run (REFERENCE §5.3: 10).
    public var maxAutoBackfill: Int

    /// Creates a configuration.
    public init(
        account: JiraAccount, slaAccount: JiraAccount? = nil, siteURL: String? = nil, project: String? = nil,
        retry: RetryPolicy = RetryPolicy(maxAttempts: 5), fetchConcurrency: Int = 8,
        maxAttachmentBytes: Int64 = 50 * 1024 * 1024, maxAutoBackfill: Int = 10
    ) {
        self.account = account
        self.slaAccount = slaAccount
        self.siteURL = siteURL ?? account.baseURL
        self.project = project
        self.retry = retry
        self.fetchConcurrency = max(1, fetchConcurrency)
        self.maxAttachmentBytes = maxAttachmentBytes
        self.maxAutoBackfill = maxAutoBackfill
    }
}
