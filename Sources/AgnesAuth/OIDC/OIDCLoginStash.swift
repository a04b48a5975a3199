import Foundation

/// What the login route must remember until the provider redirects back: the attempt's secrets and
/// where to land afterwards. It travels in a short-lived cookie as an HS256 JWT signed with the
/// server's JWT secret (`typ` `oauth_state`), so any process holding the secret can finish the
/// sign-in and nobody else can forge or alter it. The `typ` keeps it from ever passing for a session.
///
/// ```swift
/// let cookie = issuer.stashToken(OIDCLoginStash(request: attempt, next: "/dashboard"))
/// let stash = try issuer.stash(from: cookie)  // OIDCError.stateMismatch when forged or expired
/// ```
public struct OIDCLoginStash: Sendable, Hashable {
    /// How long a sign-in attempt may take: 10 minutes.
    public static let lifetime: TimeInterval = 600

    /// The attempt's state, nonce and code verifier.
    public var request: OIDCAuthorizationRequest
    /// The local path to land on after signing in (already sanitised by the caller).
    public var next: String

    /// Creates a stash.
    public init(request: OIDCAuthorizationRequest, next: String) {
        self.request = request
        self.next = next
    }

    /// True when the callback's `state` parameter is this attempt's (compared in constant time).
    public func matches(state: String) -> Bool {
        Authenticator.constantTimeEquals(state, request.state)
    }
}

extension TokenIssuer {
    private static let stashType = "oauth_state"

    private struct StashClaims: Codable {
        let typ: String
        let state: String
        let nonce: String
        let cv: String
        let next: String
        let iat: Int
        let exp: Int
    }

    /// The signed cookie value for `stash`, valid for ``OIDCLoginStash/lifetime``.
    public func stashToken(_ stash: OIDCLoginStash) -> String {
        let issued = Int(now().timeIntervalSince1970)
        return signer.signPayload(
            StashClaims(
                typ: Self.stashType, state: stash.request.state, nonce: stash.request.nonce,
                cv: stash.request.codeVerifier, next: stash.next, iat: issued,
                exp: issued + Int(OIDCLoginStash.lifetime)))
    }

    /// The stash in a cookie value; throws ``OIDCError`` (`state_mismatch`) when it is forged, of
    /// another type or expired.
    public func stash(from token: String) throws -> OIDCLoginStash {
        guard let claims = try? signer.verifiedPayload(token, as: StashClaims.self), claims.typ == Self.stashType
        else { throw OIDCError(.stateMismatch, "the sign-in state cookie is not valid") }
        guard Double(claims.exp) > now().timeIntervalSince1970 else {
            throw OIDCError(.stateMismatch, "the sign-in state cookie has expired")
        }
        return OIDCLoginStash(
            request: OIDCAuthorizationRequest(state: claims.state, nonce: claims.nonce, codeVerifier: claims.cv),
            next: claims.next)
    }
}
