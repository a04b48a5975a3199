/// Why a request could not be authenticated or a credential was refused. `detail` is the wire text
/// (REFERENCE §1.0/§1.1) that clients of the original match on.
public struct AuthError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The HTTP status the error maps to (401 or 403).
    public let status: Int
    /// The `detail` text.
    public let detail: String

    /// Creates an error.
    public init(status: Int = 401, _ detail: String) {
        self.status = status
        self.detail = detail
    }

    public var description: String { "\(status) \(detail)" }

    public static let missingCredentials = AuthError("Missing or invalid Authorization header")
    public static let invalidToken = AuthError("Invalid or expired token")
    public static let userNotFound = AuthError("User not found")
    public static let deactivated = AuthError("Account deactivated")
    public static let tokenUnknown = AuthError("Token unknown")
    public static let tokenRevoked = AuthError("Token revoked")
    public static let tokenExpired = AuthError("Token expired")
    public static let tokenMismatch = AuthError("Token mismatch")
    public static let schedulerNotProvisioned = AuthError("Scheduler user not provisioned")
    public static let invalidCredentials = AuthError("Invalid email or password")
    public static let adminRequired = AuthError(status: 403, "Admin access required")
}
