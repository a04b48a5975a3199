import AsyncHTTPClient
import Foundation

/// Signs users in with an OpenID Connect provider (Google): builds the authorization redirect, then
/// redeems the code at the token endpoint (with the client secret and the PKCE verifier) and verifies
/// the id token against the provider's JWKS. Keep one client for the life of the server, so the key
/// cache is shared by every sign-in.
///
/// ```swift
/// let client = OIDCClient(configuration: google)
/// let attempt = OIDCAuthorizationRequest()
/// redirect(to: client.authorizationURL(for: attempt, redirectURI: callback))
/// // … in the callback:
/// let claims = try await client.signIn(code: code, redirectURI: callback, attempt: attempt)
/// ```
public struct OIDCClient: Sendable {
    /// The provider and client.
    public let configuration: OIDCConfiguration
    let http: HTTPClient
    let timeout: Duration
    let verifier: IDTokenVerifier

    /// Creates a client. `http` is the caller's (default: the process-wide shared client).
    public init(
        configuration: OIDCConfiguration, http: HTTPClient = .shared, timeout: Duration = .seconds(10),
        now: @escaping @Sendable () -> Date = Date.init
    ) {
        self.configuration = configuration
        self.http = http
        self.timeout = timeout
        let jwksURI = configuration.jwksURI
        let keys = JWKSCache(now: now) {
            let response = try await http.providerGET(jwksURI, timeout: timeout)
            guard response.status == 200 else {
                throw OIDCError(.providerUnavailable, "the JWKS endpoint answered HTTP \(response.status)")
            }
            return try JSONWebKeySet(json: response.body)
        }
        verifier = IDTokenVerifier(
            issuers: configuration.acceptedIssuers, clientID: configuration.clientID, keys: keys, now: now)
    }

    /// Where to send the browser for this attempt.
    public func authorizationURL(for attempt: OIDCAuthorizationRequest, redirectURI: String) -> String {
        configuration.authorizationURL(for: attempt, redirectURI: redirectURI)
    }

    /// Redeems `code` and returns the verified id token's claims; throws ``OIDCError``.
    public func signIn(code: String, redirectURI: String, attempt: OIDCAuthorizationRequest) async throws
        -> IDTokenClaims
    {
        let idToken = try await exchange(code: code, redirectURI: redirectURI, codeVerifier: attempt.codeVerifier)
        return try await verifier.verify(idToken, nonce: attempt.nonce)
    }

    /// The id token the token endpoint gives for `code`.
    func exchange(code: String, redirectURI: String, codeVerifier: String) async throws -> String {
        let response = try await http.providerPOST(
            form: [
                ("grant_type", "authorization_code"),
                ("code", code),
                ("redirect_uri", redirectURI),
                ("client_id", configuration.clientID),
                ("client_secret", configuration.clientSecret),
                ("code_verifier", codeVerifier),
            ], to: configuration.tokenEndpoint, timeout: timeout)
        guard response.status == 200 else {
            throw OIDCError(
                .tokenExchangeFailed,
                "the token endpoint answered HTTP \(response.status): \(response.oauthErrorSummary)")
        }
        struct TokenResponse: Decodable {
            let idToken: String?
            enum CodingKeys: String, CodingKey { case idToken = "id_token" }
        }
        guard let idToken = try response.decode(TokenResponse.self, from: "the token endpoint").idToken else {
            throw OIDCError(.tokenExchangeFailed, "the token endpoint answered without an id_token")
        }
        return idToken
    }
}
