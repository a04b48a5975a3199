import Foundation

/// The claims of a verified OpenID Connect id token that sign-in uses.
public struct IDTokenClaims: Sendable, Hashable {
    /// `iss`.
    public var issuer: String
    /// `sub`: the provider's stable user id.
    public var subject: String
    /// `aud` (a single string in most tokens, a list in some).
    public var audience: [String]
    /// `azp`, when present.
    public var authorizedParty: String?
    /// `exp`.
    public var expiresAt: Date
    /// `iat`.
    public var issuedAt: Date
    /// `nonce`, when present.
    public var nonce: String?
    /// `email`, when the `email` scope was granted.
    public var email: String?
    /// `email_verified` (false when absent).
    public var isEmailVerified: Bool
    /// `name`, when the `profile` scope was granted.
    public var name: String?
    /// `hd`: the Google Workspace domain, when there is one.
    public var hostedDomain: String?

    /// Creates claims.
    public init(
        issuer: String, subject: String, audience: [String], authorizedParty: String? = nil, expiresAt: Date,
        issuedAt: Date, nonce: String? = nil, email: String? = nil, isEmailVerified: Bool = false,
        name: String? = nil, hostedDomain: String? = nil
    ) {
        self.issuer = issuer
        self.subject = subject
        self.audience = audience
        self.authorizedParty = authorizedParty
        self.expiresAt = expiresAt
        self.issuedAt = issuedAt
        self.nonce = nonce
        self.email = email
        self.isEmailVerified = isEmailVerified
        self.name = name
        self.hostedDomain = hostedDomain
    }
}

extension IDTokenClaims: Decodable {
    private enum CodingKeys: String, CodingKey {
        case iss, sub, aud, azp, exp, iat, nonce, email, name, hd
        case emailVerified = "email_verified"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        issuer = try container.decode(String.self, forKey: .iss)
        subject = try container.decode(String.self, forKey: .sub)
        if let single = try? container.decode(String.self, forKey: .aud) {
            audience = [single]
        } else {
            audience = try container.decode([String].self, forKey: .aud)
        }
        authorizedParty = try container.decodeIfPresent(String.self, forKey: .azp)
        expiresAt = Date(timeIntervalSince1970: try container.decode(Double.self, forKey: .exp))
        issuedAt = Date(timeIntervalSince1970: try container.decode(Double.self, forKey: .iat))
        nonce = try container.decodeIfPresent(String.self, forKey: .nonce)
        email = try container.decodeIfPresent(String.self, forKey: .email)
        // Some providers (and older Google tokens) send the flag as the string "true".
        if let flag = try? container.decodeIfPresent(Bool.self, forKey: .emailVerified) {
            isEmailVerified = flag
        } else {
            isEmailVerified = (try? container.decodeIfPresent(String.self, forKey: .emailVerified)) == "true"
        }
        name = try container.decodeIfPresent(String.self, forKey: .name)
        hostedDomain = try container.decodeIfPresent(String.self, forKey: .hd)
    }
}
