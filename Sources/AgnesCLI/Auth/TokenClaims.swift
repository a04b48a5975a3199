import AgnesClient
import Foundation

/// The claims of a JWT, read without checking its signature (for `agnes auth whoami` and to learn
/// the email of an imported token; the server is what checks tokens).
public struct TokenClaims: Sendable, Equatable {
    /// `sub`: the user id.
    public var subject: String?
    /// `email`.
    public var email: String?
    /// `typ`: `session` or `pat`.
    public var type: String?
    /// `exp`, when the token expires.
    public var expiresAt: Date?

    /// The claims of `token`; nil when it is not a JWT.
    public init?(token: String) {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3 else { return nil }
        var base64 = parts[1].replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        guard let data = Data(base64Encoded: base64),
            case .object(let claims)? = try? JSONDecoder().decode(JSONValue.self, from: data)
        else { return nil }
        subject = claims["sub"]?.string
        email = claims["email"]?.string
        type = claims["typ"]?.string
        switch claims["exp"] {
        case .int(let seconds)?: expiresAt = Date(timeIntervalSince1970: TimeInterval(seconds))
        case .double(let seconds)?: expiresAt = Date(timeIntervalSince1970: seconds)
        default: expiresAt = nil
        }
    }

    /// True when the token carries an expiry in the past.
    public func isExpired(at now: Date = Date()) -> Bool {
        expiresAt.map { $0 <= now } ?? false
    }
}
