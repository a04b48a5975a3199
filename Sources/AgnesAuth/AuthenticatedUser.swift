import AgnesCore

/// The caller of a request, as resolved by ``Authenticator``.
public struct AuthenticatedUser: Sendable, Hashable {
    /// How the caller proved who they are.
    public enum Credential: Sendable, Hashable {
        /// A 24 h session JWT (cookie or bearer).
        case session(tokenID: String)
        /// A personal access token.
        case personalAccessToken(tokenID: String, scope: String?)
        /// The scheduler's shared secret.
        case scheduler
        /// `LOCAL_DEV_MODE`: no credential at all.
        case localDevelopment
    }

    /// The user row.
    public let user: User
    /// True when the user is in the `Admin` group (checked on every request, never from a claim).
    public let isAdmin: Bool
    /// The credential used.
    public let credential: Credential

    /// Creates a value.
    public init(user: User, isAdmin: Bool, credential: Credential) {
        self.user = user
        self.isAdmin = isAdmin
        self.credential = credential
    }

    /// True for an interactive session (the only credential that may create PATs).
    public var isInteractiveSession: Bool {
        if case .session = credential { return true }
        return false
    }
}
