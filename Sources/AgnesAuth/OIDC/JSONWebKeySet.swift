import Foundation
import _CryptoExtras

/// A provider's signing keys (RFC 7517), reduced to what id-token checks need: the RSA keys meant for
/// RS256 signatures, by key id.
///
/// ```swift
/// let keys = try JSONWebKeySet(json: body)  // body of GET jwks_uri
/// let key = keys.keys["1e9gdk7"]
/// ```
public struct JSONWebKeySet: Sendable {
    /// The usable keys by `kid`.
    public let keys: [String: _RSA.Signing.PublicKey]

    /// A set of the given keys.
    public init(keys: [String: _RSA.Signing.PublicKey]) {
        self.keys = keys
    }

    /// Parses a JWKS document. Keys that are not RSA, are marked for another use or algorithm, lack a
    /// `kid`, or are malformed or shorter than 2048 bits are skipped; a document that is not a JWKS throws.
    public init(json: Data) throws {
        let document: Document
        do {
            document = try JSONDecoder().decode(Document.self, from: json)
        } catch {
            throw OIDCError(.providerUnavailable, "the JWKS is not a JSON key set", cause: error)
        }
        var keys: [String: _RSA.Signing.PublicKey] = [:]
        for key in document.keys
        where key.kty == "RSA" && (key.use ?? "sig") == "sig" && (key.alg ?? "RS256") == "RS256" {
            guard let kid = key.kid, let n = key.n.flatMap({ Base64URL.decode(Substring($0)) }),
                let e = key.e.flatMap({ Base64URL.decode(Substring($0)) }),
                let publicKey = try? _RSA.Signing.PublicKey(n: n, e: e)
            else { continue }
            keys[kid] = publicKey
        }
        self.keys = keys
    }

    private struct Document: Decodable {
        let keys: [Key]
    }

    private struct Key: Decodable {
        let kty: String
        let kid: String?
        let use: String?
        let alg: String?
        let n: String?
        let e: String?
    }
}
