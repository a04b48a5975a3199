/// Why a sign-in with an OpenID Connect provider (or a call to Google's Directory API) failed. The
/// message is for logs and the audit trail; browsers only ever see `/login?error=oauth_failed`.
public struct OIDCError: Error, Sendable, CustomStringConvertible {
    /// What went wrong.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        /// The code's stable name.
        public let rawValue: String
        /// Creates a code.
        public init(_ rawValue: String) { self.rawValue = rawValue }
        public var description: String { rawValue }

        /// The provider could not be reached or answered something unreadable.
        public static let providerUnavailable = Code("provider_unavailable")
        /// The token endpoint refused the authorization code (or the JWT-bearer grant).
        public static let tokenExchangeFailed = Code("token_exchange_failed")
        /// The id token failed a check: format, algorithm, signature or claims.
        public static let invalidIDToken = Code("invalid_id_token")
        /// The stashed login state is missing, expired, forged or does not match the callback.
        public static let stateMismatch = Code("state_mismatch")
        /// Local configuration is unusable (e.g. an unreadable service-account key file).
        public static let misconfigured = Code("misconfigured")
    }

    /// What went wrong.
    public let code: Code
    /// A message for logs: what happened.
    public let message: String
    /// The underlying error, if any.
    public let cause: (any Error)?

    /// Creates an error.
    public init(_ code: Code, _ message: String, cause: (any Error)? = nil) {
        self.code = code
        self.message = message
        self.cause = cause
    }

    public var description: String {
        "\(code): \(message)" + (cause.map { " (\($0))" } ?? "")
    }
}
