import AgnesCore
import Foundation

/// Where an OpenID Connect provider lives and who this server is to it. Google is the one provider
/// today; every endpoint can be overridden so tests (and other providers) can stand in for it.
///
/// ```swift
/// guard let google = OIDCConfiguration.google(environment: settings.environment) else {
///     return redirect("/login?error=google_not_configured")
/// }
/// let url = google.authorizationURL(for: OIDCAuthorizationRequest(), redirectURI: callback)
/// ```
public struct OIDCConfiguration: Sendable, Hashable {
    /// The OAuth client id (`GOOGLE_CLIENT_ID`); also the required `aud` of id tokens.
    public var clientID: String
    /// The OAuth client secret (`GOOGLE_CLIENT_SECRET`), sent only to the token endpoint.
    public var clientSecret: String
    /// The expected `iss` of id tokens.
    public var issuer: String
    /// Where the browser is sent to sign in.
    public var authorizationEndpoint: String
    /// Where authorization codes are exchanged for tokens.
    public var tokenEndpoint: String
    /// The provider's signing keys (JWKS).
    public var jwksURI: String
    /// The scopes asked for.
    public var scope: String

    /// Google's issuer.
    public static let googleIssuer = "https://accounts.google.com"
    /// Google's authorization endpoint.
    public static let googleAuthorizationEndpoint = "https://accounts.google.com/o/oauth2/v2/auth"
    /// Google's token endpoint.
    public static let googleTokenEndpoint = "https://oauth2.googleapis.com/token"
    /// Google's JWKS.
    public static let googleJWKSURI = "https://www.googleapis.com/oauth2/v3/certs"

    /// Creates a configuration.
    public init(
        clientID: String, clientSecret: String, issuer: String, authorizationEndpoint: String, tokenEndpoint: String,
        jwksURI: String, scope: String = "openid email profile"
    ) {
        self.clientID = clientID
        self.clientSecret = clientSecret
        self.issuer = issuer
        self.authorizationEndpoint = authorizationEndpoint
        self.tokenEndpoint = tokenEndpoint
        self.jwksURI = jwksURI
        self.scope = scope
    }

    /// Google sign-in from the environment, or nil when `GOOGLE_CLIENT_ID` or `GOOGLE_CLIENT_SECRET` is
    /// unset or blank. `GOOGLE_OIDC_ISSUER`, `GOOGLE_OIDC_AUTHORIZATION_ENDPOINT`,
    /// `GOOGLE_OIDC_TOKEN_ENDPOINT` and `GOOGLE_OIDC_JWKS_URI` override Google's real endpoints.
    public static func google(environment: [String: String]) -> OIDCConfiguration? {
        func value(_ name: String) -> String? {
            guard let text = environment[name]?.trimmingCharacters(in: .whitespacesAndNewlines), !text.isEmpty
            else { return nil }
            return text
        }
        guard let clientID = value("GOOGLE_CLIENT_ID"), let clientSecret = value("GOOGLE_CLIENT_SECRET") else {
            return nil
        }
        return OIDCConfiguration(
            clientID: clientID, clientSecret: clientSecret,
            issuer: value("GOOGLE_OIDC_ISSUER") ?? googleIssuer,
            authorizationEndpoint: value("GOOGLE_OIDC_AUTHORIZATION_ENDPOINT") ?? googleAuthorizationEndpoint,
            tokenEndpoint: value("GOOGLE_OIDC_TOKEN_ENDPOINT") ?? googleTokenEndpoint,
            jwksURI: value("GOOGLE_OIDC_JWKS_URI") ?? googleJWKSURI)
    }

    /// The `iss` values accepted: the configured issuer, plus the scheme-less `accounts.google.com`
    /// that Google also puts in its tokens.
    public var acceptedIssuers: Set<String> {
        issuer == Self.googleIssuer ? [issuer, "accounts.google.com"] : [issuer]
    }

    /// The URL the browser is redirected to: an authorization-code request with PKCE (S256).
    public func authorizationURL(for request: OIDCAuthorizationRequest, redirectURI: String) -> String {
        let query = FormEncoding.encode([
            ("response_type", "code"),
            ("client_id", clientID),
            ("redirect_uri", redirectURI),
            ("scope", scope),
            ("state", request.state),
            ("nonce", request.nonce),
            ("code_challenge", request.codeChallenge),
            ("code_challenge_method", "S256"),
        ])
        return authorizationEndpoint + (authorizationEndpoint.contains("?") ? "&" : "?") + query
    }
}
