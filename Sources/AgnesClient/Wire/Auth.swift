import Foundation
import NIOHTTP1

/// The answer of the sign-in routes (`POST /auth/token`, `/auth/bootstrap`).
public struct SignInResponse: Decodable, Sendable {
    /// The session JWT.
    public var accessToken: String
    /// The signed-in email.
    public var email: String?
    /// The user id.
    public var userID: String?
    /// `admin` or `user`.
    public var role: String?

    enum CodingKeys: String, CodingKey {
        case email, role
        case accessToken = "access_token"
        case userID = "user_id"
    }
}

/// `GET /auth/me`: who a credential belongs to.
public struct Caller: Decodable, Sendable {
    /// The user id.
    public var id: String
    /// The email.
    public var email: String
    /// The display name.
    public var name: String?
    /// True for members of Admin.
    public var isAdmin: Bool
    /// `session`, `pat`, `scheduler` or `local_dev`.
    public var credential: String?

    enum CodingKeys: String, CodingKey {
        case id, email, name, credential
        case isAdmin = "is_admin"
    }
}

/// A personal access token as listed (`GET /auth/tokens`) or just created (with `token`).
public struct AccessTokenInfo: Codable, Sendable {
    /// The token id.
    public var id: String
    /// Its name.
    public var name: String
    /// The first 8 characters of the id, shown in lists.
    public var prefix: String
    /// When it was created.
    public var createdAt: String?
    /// When it expires (nil: never).
    public var expiresAt: String?
    /// When it was last used.
    public var lastUsedAt: String?
    /// When it was revoked.
    public var revokedAt: String?
    /// The token itself: only in the answer that created it.
    public var token: String?

    enum CodingKeys: String, CodingKey {
        case id, name, prefix, token
        case createdAt = "created_at"
        case expiresAt = "expires_at"
        case lastUsedAt = "last_used_at"
        case revokedAt = "revoked_at"
    }
}

extension AgnesAPI {
    private struct Credentials: Encodable {
        let email: String
        let password: String
    }

    private struct Bootstrap: Encodable {
        let email: String
        let name: String?
        let password: String
    }

    /// `POST /auth/token {email, password}`.
    public func signIn(email: String, password: String) async throws -> SignInResponse {
        try await send(.POST, "/auth/token", json: Credentials(email: email, password: password))
    }

    /// `POST /auth/bootstrap {email, name, password}`: the first admin.
    public func bootstrap(email: String, name: String?, password: String) async throws -> SignInResponse {
        try await send(.POST, "/auth/bootstrap", json: Bootstrap(email: email, name: name, password: password))
    }

    /// Who the token belongs to: `GET /auth/me`, or, on a server without it, `GET /api/catalog/tables`
    /// (the original's probe; the caller is then unknown and nil is returned).
    public func verifyToken() async throws -> Caller? {
        do {
            return try await get("/auth/me")
        } catch let error as ClientError where error.code == .notFound {
            _ = try await send(request(.GET, "/api/catalog/tables"))
            return nil
        }
    }

    /// `POST /auth/tokens`: a new personal access token (`lifetimeDays` nil = never expires).
    public func createToken(name: String, lifetimeDays: Int?) async throws -> AccessTokenInfo {
        try await send(.POST, "/auth/tokens", json: CreateToken(name: name, expiresInDays: lifetimeDays))
    }

    /// `GET /auth/tokens`.
    public func tokens() async throws -> [AccessTokenInfo] {
        try await get("/auth/tokens")
    }

    /// `DELETE /auth/tokens/{id}`.
    public func revokeToken(id: String) async throws {
        try await perform(.DELETE, "/auth/tokens/\(PathSegment.encode(id))")
    }

    private struct CreateToken: Encodable {
        let name: String
        let expiresInDays: Int?

        enum CodingKeys: String, CodingKey {
            case name
            case expiresInDays = "expires_in_days"
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(name, forKey: .name)
            try container.encode(expiresInDays, forKey: .expiresInDays)
        }
    }
}

/// Percent-encoding of one path segment.
public enum PathSegment {
    /// `value` safe to splice into a URL path as one segment.
    public static func encode(_ value: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return value.addingPercentEncoding(withAllowedCharacters: allowed) ?? value
    }

    /// `value` as path segments (`a/b` stays two segments), each encoded.
    public static func encodePath(_ value: String) -> String {
        value.split(separator: "/", omittingEmptySubsequences: false).map { encode(String($0)) }.joined(separator: "/")
    }
}
