import AgnesCore
import AsyncHTTPClient
import Foundation

/// The Admin SDK Directory API's `groups.list?userKey=<email>`, authorised through domain-wide
/// delegation (``ServiceAccountTokenSource``): every group the user is a member of, page by page.
///
/// ```swift
/// let directory = GoogleDirectoryClient(
///     subject: "admin@example.com", keyFile: URL(fileURLWithPath: "/secrets/sa.json"))
/// let groups = try await directory.groups(of: "ana@example.com")  // ["eng@example.com", …]
/// ```
public struct GoogleDirectoryClient: GroupDirectory {
    /// The Directory API's production host.
    public static let defaultBaseURL = "https://admin.googleapis.com"
    /// The one scope asked for: read-only group membership.
    public static let scope = "https://www.googleapis.com/auth/admin.directory.group.readonly"
    /// The most pages read for one user (200 groups a page).
    static let maximumPages = 50

    let baseURL: String
    let http: HTTPClient
    let timeout: Duration
    let tokens: ServiceAccountTokenSource

    /// Creates a client acting as the Workspace admin `subject` with the service account in `keyFile`.
    public init(
        subject: String, keyFile: URL, baseURL: String = GoogleDirectoryClient.defaultBaseURL,
        http: HTTPClient = .shared, timeout: Duration = .seconds(10), now: @escaping @Sendable () -> Date = Date.init
    ) {
        var base = baseURL
        while base.hasSuffix("/") { base.removeLast() }
        self.baseURL = base
        self.http = http
        self.timeout = timeout
        tokens = ServiceAccountTokenSource(
            keyFile: keyFile, subject: subject, scope: Self.scope, http: http, timeout: timeout, now: now)
    }

    public func groups(of userEmail: String) async throws -> [String] {
        var emails: [String] = []
        var pageToken: String?
        for _ in 0..<Self.maximumPages {
            var query = [("userKey", userEmail), ("maxResults", "200")]
            if let pageToken { query.append(("pageToken", pageToken)) }
            let url = "\(baseURL)/admin/directory/v1/groups?\(FormEncoding.encode(query))"
            let token = try await tokens.token()
            let response = try await http.providerGET(
                url, headers: [("Authorization", "Bearer \(token)")], timeout: timeout)
            guard response.status == 200 else {
                if response.status == 401 { await tokens.invalidate() }
                throw OIDCError(
                    .providerUnavailable,
                    "the Directory API answered HTTP \(response.status): \(response.oauthErrorSummary)")
            }
            let page = try response.decode(Page.self, from: "the Directory API")
            emails += (page.groups ?? []).compactMap(\.email)
            guard let next = page.nextPageToken, !next.isEmpty else { return emails }
            pageToken = next
        }
        return emails
    }

    private struct Page: Decodable {
        struct Entry: Decodable { let email: String? }
        let groups: [Entry]?
        let nextPageToken: String?
    }
}
