import AgnesCore
import AgnesStore
import Foundation

/// Issues session JWTs and personal access tokens.
public struct TokenIssuer: Sendable {
    let signer: JWTSigner
    let tokens: any AccessTokenRepository
    let now: @Sendable () -> Date

    /// Session lifetime: 24 hours.
    public static let sessionLifetime: TimeInterval = 24 * 3600
    /// The most a `bootstrap-analyst` PAT may live: 1 hour.
    public static let bootstrapScopeLifetime: TimeInterval = 3600

    /// Creates an issuer.
    public init(signer: JWTSigner, store: SystemStore, now: @escaping @Sendable () -> Date = Date.init) {
        self.signer = signer
        self.tokens = DuckDBAccessTokenRepository(store: store)
        self.now = now
    }

    /// A 24 h session token for `user`, valid while the user's session epoch stays what it is now (pass
    /// the user as read after any password change).
    public func session(for user: User) -> String {
        let issued = Int(now().timeIntervalSince1970)
        return signer.sign(
            TokenClaims(
                sub: user.id, email: user.email, typ: "session", iat: issued, jti: UUID().uuidString.lowercased(),
                exp: issued + Int(Self.sessionLifetime), sep: user.sessionEpoch))
    }

    /// A new personal access token: the row is stored with the token's SHA-256; the raw token is
    /// returned once. `lifetime` nil means it never expires (no `exp` claim).
    public func personalAccessToken(for user: User, name: String, lifetime: TimeInterval?, scope: String)
        async throws -> (token: String, row: AccessToken)
    {
        var lifetime = lifetime
        if scope == "bootstrap-analyst" {
            lifetime = min(lifetime ?? Self.bootstrapScopeLifetime, Self.bootstrapScopeLifetime)
        }
        let created = now()
        let id = UUID().uuidString.lowercased()
        let issued = Int(created.timeIntervalSince1970)
        let expires = lifetime.map { created.addingTimeInterval($0) }
        let token = signer.sign(
            TokenClaims(
                sub: user.id, email: user.email, typ: "pat", iat: issued, jti: id,
                exp: expires.map { Int($0.timeIntervalSince1970) }, scope: scope))
        let prefix = String(id.replacingOccurrences(of: "-", with: "").prefix(8))
        let row = try await tokens.create(
            AccessToken(
                id: id, userID: user.id, name: name, tokenHash: Authenticator.sha256Hex(token), prefix: prefix,
                scopes: scope,
                createdAt: created, expiresAt: expires))
        return (token, row)
    }
}
