import Foundation

/// The single-use tokens of the e-mail flows (invite/setup, password reset, magic link): 32 random
/// bytes, URL-safe base64 without padding (like Python's `token_urlsafe(32)`). Only the SHA-256 of a
/// token is stored, so a copy of the store cannot be replayed; consumption is a compare-and-swap on
/// that hash (``UserRepository/consumeResetToken(tokenHash:notBefore:)``).
///
/// ```swift
/// let token = OneTimeToken()
/// try await users.setResetToken(id: user.id, tokenHash: token.hash, at: Date())
/// send(link: "…/auth/password/reset?email=…&token=\(token.value)")
/// ```
public struct OneTimeToken: Sendable, Hashable {
    /// How long each kind stays valid (REFERENCE §7).
    public enum Lifetime {
        /// Invite / password setup: 7 days.
        public static let setup: TimeInterval = 7 * 24 * 3600
        /// Password reset: 24 hours.
        public static let reset: TimeInterval = 24 * 3600
        /// Magic sign-in link: 1 hour.
        public static let magicLink: TimeInterval = 3600
    }

    /// The token as sent to the user.
    public let value: String

    /// A new random token.
    public init() {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        value = Base64URL.encode(Data(bytes))
    }

    /// The stored form of `value`.
    public var hash: String { Self.hash(value) }

    /// The stored form of a token presented by a user.
    public static func hash(_ presented: String) -> String {
        Authenticator.sha256Hex(presented)
    }
}
