import Foundation
import _CryptoExtras

/// A Google service-account key file (`GOOGLE_APPLICATION_CREDENTIALS`), and the RS256-signed
/// JWT-bearer assertion (RFC 7523) it makes for domain-wide delegation: issued by the service
/// account, acting as `subject`, for `scope`, addressed to the key file's `token_uri`.
///
/// ```swift
/// let key = try ServiceAccountKey(contentsOf: URL(fileURLWithPath: path))
/// let assertion = try key.assertion(subject: "admin@example.com", scope: GoogleDirectoryClient.scope, now: Date())
/// ```
public struct ServiceAccountKey: Sendable, Decodable {
    /// The service account (`client_email`): the assertion's issuer.
    public let clientEmail: String
    /// The PEM private key (PKCS#8 or PKCS#1).
    let privateKey: String
    /// The key's id, sent as the assertion's `kid`.
    public let privateKeyID: String?
    /// Where assertions are exchanged for access tokens.
    public let tokenURI: String

    private enum CodingKeys: String, CodingKey {
        case clientEmail = "client_email"
        case privateKey = "private_key"
        case privateKeyID = "private_key_id"
        case tokenURI = "token_uri"
    }

    /// Google's token endpoint, used when the key file names none.
    public static let defaultTokenURI = "https://oauth2.googleapis.com/token"

    /// Reads a key file; throws ``OIDCError`` (`misconfigured`) when it is missing or unreadable.
    public init(contentsOf file: URL) throws {
        let data: Data
        do {
            data = try Data(contentsOf: file)
        } catch {
            throw OIDCError(.misconfigured, "cannot read the service-account key file \(file.path)", cause: error)
        }
        do {
            self = try JSONDecoder().decode(ServiceAccountKey.self, from: data)
        } catch {
            throw OIDCError(.misconfigured, "\(file.path) is not a service-account key file", cause: error)
        }
    }

    /// Creates a key from its parts.
    public init(clientEmail: String, privateKeyPEM: String, privateKeyID: String?, tokenURI: String) {
        self.clientEmail = clientEmail
        self.privateKey = privateKeyPEM
        self.privateKeyID = privateKeyID
        self.tokenURI = tokenURI
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        clientEmail = try container.decode(String.self, forKey: .clientEmail)
        privateKey = try container.decode(String.self, forKey: .privateKey)
        privateKeyID = try container.decodeIfPresent(String.self, forKey: .privateKeyID)
        tokenURI = try container.decodeIfPresent(String.self, forKey: .tokenURI) ?? Self.defaultTokenURI
    }

    /// A one-hour assertion for `scope`, acting as `subject` (domain-wide delegation) or, without
    /// one, as the service account itself (what Google's client libraries send for BigQuery).
    public func assertion(subject: String?, scope: String, now: Date) throws -> String {
        let signingKey: _RSA.Signing.PrivateKey
        do {
            signingKey = try _RSA.Signing.PrivateKey(pemRepresentation: privateKey)
        } catch {
            throw OIDCError(.misconfigured, "the service-account private key is not a usable RSA key", cause: error)
        }
        struct Header: Encodable {
            let alg = "RS256"
            let typ = "JWT"
            let kid: String?
        }
        struct Claims: Encodable {
            let iss: String
            let sub: String?
            let scope: String
            let aud: String
            let iat: Int
            let exp: Int
        }
        let issued = Int(now.timeIntervalSince1970)
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let header = Base64URL.encode(try encoder.encode(Header(kid: privateKeyID)))
        let claims = Base64URL.encode(
            try encoder.encode(
                Claims(iss: clientEmail, sub: subject, scope: scope, aud: tokenURI, iat: issued, exp: issued + 3600)))
        let input = "\(header).\(claims)"
        let signature = try signingKey.signature(for: Data(input.utf8), padding: .insecurePKCS1v1_5)
        return "\(input).\(Base64URL.encode(signature.rawRepresentation))"
    }
}
