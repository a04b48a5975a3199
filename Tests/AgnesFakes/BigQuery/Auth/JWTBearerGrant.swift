import Foundation
import _CryptoExtras

/// The JWT-bearer grant of a service account (RFC 7523) as Google's token endpoint checks it: an RS256
/// assertion signed with the key file's key, `iss` a known service account, `aud` the token URI, `exp`
/// in the future and at most an hour after `iat`, a `scope`.
struct JWTBearerGrant {
    /// An OAuth error answer: `400 {"error","error_description"}`.
    struct Refusal: Error, Equatable {
        let error: String
        let description: String

        static func invalidGrant(_ description: String) -> Refusal {
            Refusal(error: "invalid_grant", description: description)
        }
    }

    let publicKey: _RSA.Signing.PublicKey
    let keyID: String
    let tokenURI: String
    let serviceAccounts: Set<String>

    /// The scopes the assertion asks for, or why it is refused.
    func scopes(of assertion: String, now: Date) throws(Refusal) -> Set<String> {
        let parts = assertion.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, let header = Self.json(parts[0]), header["alg"] as? String == "RS256",
            (header["kid"] as? String).map({ $0 == keyID }) ?? true,
            let signature = Self.base64URLDecoded(parts[2]),
            publicKey.isValidSignature(
                _RSA.Signing.RSASignature(rawRepresentation: signature), for: Data("\(parts[0]).\(parts[1])".utf8),
                padding: .insecurePKCS1v1_5)
        else { throw .invalidGrant("Invalid JWT Signature.") }
        guard let claims = Self.json(parts[1]) else { throw .invalidGrant("Invalid JWT Signature.") }
        guard let issuer = claims["iss"] as? String, serviceAccounts.contains(issuer) else {
            throw .invalidGrant("Invalid grant: account not found")
        }
        guard claims["aud"] as? String == tokenURI else { throw .invalidGrant("Invalid JWT: Failed audience check.") }
        let seconds = now.timeIntervalSince1970
        guard let issued = (claims["iat"] as? NSNumber)?.doubleValue,
            let expires = (claims["exp"] as? NSNumber)?.doubleValue,
            expires > seconds, issued <= seconds + 300, expires - issued <= 3600
        else {
            throw .invalidGrant(
                "Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe. Check "
                    + "your iat and exp values in the JWT claim.")
        }
        let scopes = Set((claims["scope"] as? String ?? "").split(separator: " ").map(String.init))
        guard !scopes.isEmpty else {
            throw Refusal(error: "invalid_scope", description: "Invalid OAuth scope or ID token audience provided.")
        }
        return scopes
    }

    private static func json(_ part: Substring) -> [String: Any]? {
        base64URLDecoded(part).flatMap { try? JSONSerialization.jsonObject(with: $0) as? [String: Any] }
    }

    private static func base64URLDecoded(_ text: Substring) -> Data? {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64 += "=" }
        return Data(base64Encoded: base64)
    }
}
