import Crypto
import Foundation

/// The secrets of one sign-in attempt: `state` ties the callback to the browser that started it,
/// `nonce` ties the id token to this attempt, and the PKCE `codeVerifier` proves to the token endpoint
/// that whoever redeems the code is who asked for it. Each is 32 random bytes, base64url.
///
/// ```swift
/// let attempt = OIDCAuthorizationRequest()
/// let url = configuration.authorizationURL(for: attempt, redirectURI: callback)
/// ```
public struct OIDCAuthorizationRequest: Sendable, Hashable, Codable {
    /// The `state` parameter.
    public let state: String
    /// The `nonce` the id token must carry.
    public let nonce: String
    /// The PKCE code verifier (RFC 7636), sent only to the token endpoint.
    public let codeVerifier: String

    /// A new attempt with fresh random values.
    public init() {
        self.init(state: Self.random(), nonce: Self.random(), codeVerifier: Self.random())
    }

    /// An attempt with the given values (as read back from the stash).
    public init(state: String, nonce: String, codeVerifier: String) {
        self.state = state
        self.nonce = nonce
        self.codeVerifier = codeVerifier
    }

    /// The S256 code challenge: base64url(SHA-256(verifier)).
    public var codeChallenge: String {
        Self.challenge(for: codeVerifier)
    }

    /// The S256 challenge of a verifier.
    public static func challenge(for verifier: String) -> String {
        Base64URL.encode(Data(SHA256.hash(data: Data(verifier.utf8))))
    }

    private static func random() -> String {
        var generator = SystemRandomNumberGenerator()
        return Base64URL.encode(Data((0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }))
    }
}
