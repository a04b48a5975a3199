import Crypto
import Foundation
import _CryptoExtras

/// Verifies OpenID Connect id tokens: exactly `alg: RS256` (never `none`, and never HS256, so a
/// provider's public key cannot be abused as an HMAC secret), a PKCS#1 v1.5 SHA-256 signature by a key
/// of the provider's JWKS, then the claims: `iss` one of the accepted issuers, `aud` containing the
/// client id (and `azp` equal to it when present), `exp` in the future and `iat` not in the future
/// (both with `leeway`), `nonce` equal to the attempt's, and `email_verified` when there is an email.
///
/// ```swift
/// let verifier = IDTokenVerifier(issuers: configuration.acceptedIssuers, clientID: configuration.clientID, keys: cache)
/// let claims = try await verifier.verify(idToken, nonce: stash.request.nonce)
/// ```
public struct IDTokenVerifier: Sendable {
    /// Accepted `iss` values.
    public let issuers: Set<String>
    /// The OAuth client id: the required audience.
    public let clientID: String
    /// Clock skew tolerated on `exp` and `iat`.
    public let leeway: TimeInterval
    let keys: JWKSCache
    let now: @Sendable () -> Date

    /// Creates a verifier.
    public init(
        issuers: Set<String>, clientID: String, keys: JWKSCache, leeway: TimeInterval = 60,
        now: @escaping @Sendable () -> Date = Date.init
    ) {
        self.issuers = issuers
        self.clientID = clientID
        self.keys = keys
        self.leeway = leeway
        self.now = now
    }

    /// The claims of `token` when every check passes; throws ``OIDCError`` (`invalid_id_token`, or
    /// `provider_unavailable` when the keys cannot be fetched) otherwise.
    public func verify(_ token: String, nonce expectedNonce: String) async throws -> IDTokenClaims {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, let headerData = Base64URL.decode(parts[0]),
            let payloadData = Base64URL.decode(parts[1]), let signature = Base64URL.decode(parts[2])
        else { throw Self.invalid("the id token is not a compact JWS") }
        guard let header = try? JSONDecoder().decode(Header.self, from: headerData) else {
            throw Self.invalid("the id token header is unreadable")
        }
        guard header.alg == "RS256" else { throw Self.invalid("the id token is signed with \(header.alg), not RS256") }
        guard let kid = header.kid else { throw Self.invalid("the id token header has no kid") }
        guard let key = try await keys.key(id: kid) else {
            throw Self.invalid("the provider has no signing key \(kid)")
        }
        let input = Data(parts[0].utf8) + Data(".".utf8) + Data(parts[1].utf8)
        guard
            key.isValidSignature(
                _RSA.Signing.RSASignature(rawRepresentation: signature), for: SHA256.hash(data: input),
                padding: .insecurePKCS1v1_5)
        else { throw Self.invalid("the id token signature does not verify") }
        let claims: IDTokenClaims
        do {
            claims = try JSONDecoder().decode(IDTokenClaims.self, from: payloadData)
        } catch {
            throw OIDCError(.invalidIDToken, "the id token claims are unreadable", cause: error)
        }
        try check(claims, nonce: expectedNonce)
        return claims
    }

    private func check(_ claims: IDTokenClaims, nonce expectedNonce: String) throws {
        guard issuers.contains(claims.issuer) else { throw Self.invalid("unexpected issuer \(claims.issuer)") }
        guard claims.audience.contains(clientID) else { throw Self.invalid("the id token is for another client") }
        if claims.audience.count > 1 || claims.authorizedParty != nil {
            guard claims.authorizedParty == clientID else { throw Self.invalid("the id token azp is another client") }
        }
        let now = now()
        guard claims.expiresAt.addingTimeInterval(leeway) > now else { throw Self.invalid("the id token has expired") }
        guard claims.issuedAt.addingTimeInterval(-leeway) <= now else {
            throw Self.invalid("the id token is issued in the future")
        }
        guard let nonce = claims.nonce, Authenticator.constantTimeEquals(nonce, expectedNonce) else {
            throw Self.invalid("the id token nonce does not match this sign-in")
        }
        if claims.email != nil, !claims.isEmailVerified {
            throw Self.invalid("the provider has not verified the email address")
        }
    }

    private static func invalid(_ message: String) -> OIDCError {
        OIDCError(.invalidIDToken, message)
    }

    private struct Header: Decodable {
        let alg: String
        let kid: String?
    }
}
