import Foundation

/// A person who can sign in.
public struct User: Sendable, Hashable, Codable {
    /// Stable id (a UUID string).
    public var id: String
    /// Sign-in email; lookups are case-sensitive, as in the original.
    public var email: String
    /// Display name.
    public var name: String?
    /// Password hash (bcrypt or argon2id), nil when the user has no password.
    public var passwordHash: String?
    /// Hash of the pending setup token, if any.
    public var setupToken: String?
    /// When the setup token was issued.
    public var setupTokenCreated: Date?
    /// Hash of the pending reset (or magic-link) token, if any.
    public var resetToken: String?
    /// When the reset token was issued.
    public var resetTokenCreated: Date?
    /// False once deactivated: the user can no longer authenticate.
    public var isActive: Bool
    /// When the user was deactivated.
    public var deactivatedAt: Date?
    /// Who deactivated the user.
    public var deactivatedBy: String?
    /// Creation time.
    public var createdAt: Date?
    /// Last update time.
    public var updatedAt: Date?
    /// The generation of this user's sessions: a session token carries the epoch it was issued in and
    /// is refused once the epoch moved on (password change, deactivation, "sign out everywhere").
    public var sessionEpoch: Int

    /// Creates a user value.
    public init(
        id: String, email: String, name: String? = nil, passwordHash: String? = nil, setupToken: String? = nil,
        setupTokenCreated: Date? = nil, resetToken: String? = nil, resetTokenCreated: Date? = nil,
        isActive: Bool = true,
        deactivatedAt: Date? = nil, deactivatedBy: String? = nil, createdAt: Date? = nil, updatedAt: Date? = nil,
        sessionEpoch: Int = 0
    ) {
        self.id = id
        self.email = email
        self.name = name
        self.passwordHash = passwordHash
        self.setupToken = setupToken
        self.setupTokenCreated = setupTokenCreated
        self.resetToken = resetToken
        self.resetTokenCreated = resetTokenCreated
        self.isActive = isActive
        self.deactivatedAt = deactivatedAt
        self.deactivatedBy = deactivatedBy
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.sessionEpoch = sessionEpoch
    }
}
