import AsyncHTTPClient
import Foundation

/// Access tokens for the Directory API through domain-wide delegation: the service account's key
/// signs a JWT-bearer assertion acting as the Workspace admin `subject`, the key file's `token_uri`
/// exchanges it for an access token, and the token is reused until a minute before it expires. The
/// key file is read on each exchange, so a rotated key is picked up without a restart.
actor ServiceAccountTokenSource {
    let keyFile: URL
    let subject: String
    let scope: String
    let http: HTTPClient
    let timeout: Duration
    let now: @Sendable () -> Date
    private var cached: (token: String, expiresAt: Date)?

    init(
        keyFile: URL, subject: String, scope: String, http: HTTPClient, timeout: Duration,
        now: @escaping @Sendable () -> Date
    ) {
        self.keyFile = keyFile
        self.subject = subject
        self.scope = scope
        self.http = http
        self.timeout = timeout
        self.now = now
    }

    /// A current access token; throws ``OIDCError``.
    func token() async throws -> String {
        if let cached, cached.expiresAt > now() { return cached.token }
        let key = try ServiceAccountKey(contentsOf: keyFile)
        let assertion = try key.assertion(subject: subject, scope: scope, now: now())
        let response = try await http.providerPOST(
            form: [("grant_type", "urn:ietf:params:oauth:grant-type:jwt-bearer"), ("assertion", assertion)],
            to: key.tokenURI, timeout: timeout)
        guard response.status == 200 else {
            throw OIDCError(
                .tokenExchangeFailed,
                "the service-account token exchange answered HTTP \(response.status): \(response.oauthErrorSummary)")
        }
        struct Grant: Decodable {
            let accessToken: String
            let expiresIn: Int?
            enum CodingKeys: String, CodingKey {
                case accessToken = "access_token"
                case expiresIn = "expires_in"
            }
        }
        let grant = try response.decode(Grant.self, from: "the service-account token endpoint")
        let lifetime = TimeInterval(grant.expiresIn ?? 3600)
        cached = (grant.accessToken, now().addingTimeInterval(max(0, lifetime - 60)))
        return grant.accessToken
    }

    /// Forgets the cached token (after the API refused it).
    func invalidate() {
        cached = nil
    }
}
