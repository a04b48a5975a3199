import Crypto
import Foundation
import _CryptoExtras

/// Builds JSON Web Tokens and keys the way an OpenID provider would, including malformed ones.
enum TestJWT {
    /// One 2048-bit key per test process (generating one takes a while).
    static let providerKey = try! _RSA.Signing.PrivateKey(keySize: .bits2048)
    static let otherKey = try! _RSA.Signing.PrivateKey(keySize: .bits2048)

    static func base64URL(_ data: Data) -> String {
        data.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    static func base64URLDecode(_ text: Substring) -> Data? {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64 += "=" }
        return Data(base64Encoded: base64)
    }

    static func json(_ object: [String: Any]) -> Data {
        try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
    }

    /// `header.claims.signature`, RS256-signed with `key`.
    static func rs256(
        _ claims: [String: Any], kid: String? = "key-1", key: _RSA.Signing.PrivateKey = providerKey,
        alg: String = "RS256"
    ) -> String {
        var header: [String: Any] = ["alg": alg, "typ": "JWT"]
        header["kid"] = kid
        let input = "\(base64URL(json(header))).\(base64URL(json(claims)))"
        let signature = try! key.signature(for: Data(input.utf8), padding: .insecurePKCS1v1_5)
        return "\(input).\(base64URL(signature.rawRepresentation))"
    }

    /// An unsigned token (`alg: none`).
    static func unsigned(_ claims: [String: Any], kid: String = "key-1") -> String {
        "\(base64URL(json(["alg": "none", "kid": kid]))).\(base64URL(json(claims)))."
    }

    /// An HS256 token whose HMAC key is the provider's public key: the classic algorithm-confusion forgery.
    static func hs256WithPublicKey(_ claims: [String: Any], kid: String = "key-1") -> String {
        let input = "\(base64URL(json(["alg": "HS256", "kid": kid]))).\(base64URL(json(claims)))"
        let secret = SymmetricKey(data: Data(providerKey.publicKey.pemRepresentation.utf8))
        let mac = HMAC<SHA256>.authenticationCode(for: Data(input.utf8), using: secret)
        return "\(input).\(base64URL(Data(mac)))"
    }

    /// The JWK of a public key.
    static func jwk(kid: String, key: _RSA.Signing.PublicKey, use: String = "sig", kty: String = "RSA") -> [String: Any]
    {
        let primitives = try! key.getKeyPrimitives()
        return [
            "kty": kty, "kid": kid, "use": use, "alg": "RS256", "n": base64URL(primitives.modulus),
            "e": base64URL(primitives.publicExponent),
        ]
    }

    static func jwks(_ keys: [[String: Any]]) -> Data {
        json(["keys": keys])
    }
}
