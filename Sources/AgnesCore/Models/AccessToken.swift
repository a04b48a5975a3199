import Foundation

/// A personal access token: a long-lived JWT a user mints for the CLI or scripts. Only its SHA-256
/// hash is stored; the raw token is shown once, at creation.
public struct AccessToken: Sendable, Hashable, Codable {
    /// The token id, which is also the JWT's `jti` claim.
    public var id: String
    /// The owner.
    public var userID: String
    /// The owner's label for it.
    public var name: String
    /// Lowercase hex SHA-256 of the raw token.
    public var tokenHash: String
    /// The first 8 characters of the id without dashes, shown to help users tell tokens apart.
    public var prefix: String
    /// The token's scope (`general`, `bootstrap-analyst`).
    public var scopes: String?
    /// When it was minted.
    public var createdAt: Date
    /// When it stops being accepted; nil for a token that never expires.
    public var expiresAt: Date?
    /// When it was last presented.
    public var lastUsedAt: Date?
    /// The client address it was last presented from.
    public var lastUsedIP: String?
    /// When it was revoked; nil while it is live.
    public var revokedAt: Date?

    /// Creates a token value.
    public init(
        id: String, userID: String, name: String, tokenHash: String, prefix: String, scopes: String? = nil,
        createdAt: Date, expiresAt: Date? = nil, lastUsedAt: Date? = nil, lastUsedIP: String? = nil,
        revokedAt: Date? = nil
    ) {
        self.id = id
        self.userID = userID
        self.name = name
        self.tokenHash = tokenHash
        self.prefix = prefix
        self.scopes = scopes
        self.createdAt = createdAt
        self.expiresAt = expiresAt
        self.lastUsedAt = lastUsedAt
        self.lastUsedIP = lastUsedIP
        self.revokedAt = revokedAt
    }

    /// True once the token has been revoked.
    public var isRevoked: Bool { revokedAt != nil }

    /// True when the token has an expiry at or before `now`.
    public func isExpired(at now: Date) -> Bool { expiresAt.map { $0 <= now } ?? false }

    /// True when the token still signs in at `now`: not revoked, not expired.
    public func isLive(at now: Date) -> Bool { !isRevoked && !isExpired(at: now) }
}
