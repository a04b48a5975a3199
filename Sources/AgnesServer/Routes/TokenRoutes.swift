import AgnesAuth
import AgnesCore
import AgnesStore
import Foundation
import Hummingbird

/// Personal access tokens (REFERENCE §1.2): create (shown once), list, show, revoke; admin list/revoke.
struct TokenRoutes {
    let services: AgnesServices

    struct CreateRequest: Decodable {
        let name: String
        /// Absent → 90 days; explicit null → never expires.
        let expiresInDays: Int??
        let scope: String?
        let ttlSeconds: Int?

        enum CodingKeys: String, CodingKey {
            case name, scope
            case expiresInDays = "expires_in_days"
            case ttlSeconds = "ttl_seconds"
        }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            name = try container.decode(String.self, forKey: .name)
            if container.contains(.expiresInDays) {
                expiresInDays = .some(
                    try container.decodeNil(forKey: .expiresInDays)
                        ? nil : try container.decode(Int.self, forKey: .expiresInDays))
            } else {
                expiresInDays = nil
            }
            scope = try container.decodeIfPresent(String.self, forKey: .scope)
            ttlSeconds = try container.decodeIfPresent(Int.self, forKey: .ttlSeconds)
        }
    }

    struct TokenView: Encodable {
        let id: String
        let name: String
        let prefix: String
        let createdAt: String
        let expiresAt: String?
        let lastUsedAt: String?
        let revokedAt: String?
        let token: String?
        let userID: String?
        let userEmail: String?
        let lastUsedIP: String?

        init(_ row: AccessToken, token: String? = nil, owner: User? = nil) {
            id = row.id
            name = row.name
            prefix = row.prefix
            createdAt = Self.iso(row.createdAt)
            expiresAt = row.expiresAt.map(Self.iso)
            lastUsedAt = row.lastUsedAt.map(Self.iso)
            revokedAt = row.revokedAt.map(Self.iso)
            self.token = token
            userID = owner?.id
            userEmail = owner?.email
            lastUsedIP = owner == nil ? nil : row.lastUsedIP
        }

        static func iso(_ date: Date) -> String { date.wireText }

        enum CodingKeys: String, CodingKey {
            case id, name, prefix, token
            case createdAt = "created_at"
            case expiresAt = "expires_at"
            case lastUsedAt = "last_used_at"
            case revokedAt = "revoked_at"
            case userID = "user_id"
            case userEmail = "user_email"
            case lastUsedIP = "last_used_ip"
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(id, forKey: .id)
            try container.encode(name, forKey: .name)
            try container.encode(prefix, forKey: .prefix)
            try container.encode(createdAt, forKey: .createdAt)
            try container.encode(expiresAt, forKey: .expiresAt)
            if token != nil {
                try container.encode(token, forKey: .token)
                return
            }
            try container.encode(lastUsedAt, forKey: .lastUsedAt)
            try container.encode(revokedAt, forKey: .revokedAt)
            if let userID {
                try container.encode(userID, forKey: .userID)
                try container.encode(userEmail, forKey: .userEmail)
                try container.encode(lastUsedIP, forKey: .lastUsedIP)
            }
        }
    }

    func register(on router: Router<AgnesRequestContext>) {
        let tokens = DuckDBAccessTokenRepository(store: services.store)
        router.post("/auth/tokens") { request, context in
            let caller = try await services.caller(request, context)
            switch caller.credential {
            case .scheduler:
                throw APIError(.forbidden, "This endpoint requires an interactive session, not a service token")
            case .personalAccessToken:
                throw APIError(.forbidden, "This endpoint requires an interactive session, not a PAT")
            case .session, .localDevelopment: break
            }
            let body = try await request.decodeJSON(CreateRequest.self, context: context)
            let lifetime = try Self.lifetime(body)
            let name = body.name.trimmingCharacters(in: .whitespacesAndNewlines)
            let (token, row) = try await services.auth.issuer.personalAccessToken(
                for: caller.user, name: name, lifetime: lifetime, scope: body.scope ?? "general")
            await services.auth.authenticator.record(
                "token.create", userID: caller.user.id, resource: "token:\(row.id)", params: ["name": name])
            return JSONBody.response(status: .created, object: TokenView(row, token: token))
        }
        router.get("/auth/tokens") { request, context in
            let caller = try await services.caller(request, context)
            return JSONBody.response(object: try await tokens.list(userID: caller.user.id).map { TokenView($0) })
        }
        router.get("/auth/tokens/:id") { request, context in
            let caller = try await services.caller(request, context)
            let id = try context.parameters.require("id")
            guard let row = try await tokens.find(id: id), row.userID == caller.user.id else {
                throw APIError(.notFound, "Token not found")
            }
            return JSONBody.response(object: TokenView(row))
        }
        router.delete("/auth/tokens/:id") { request, context in
            let caller = try await services.caller(request, context)
            let id = try context.parameters.require("id")
            guard let row = try await tokens.find(id: id), row.userID == caller.user.id else {
                throw APIError(.notFound, "Token not found")
            }
            try await tokens.revoke(id: row.id, at: Date())
            await services.auth.authenticator.record(
                "token.revoke", userID: caller.user.id, resource: "token:\(row.id)", params: [:])
            return Response(status: .noContent)
        }
        router.get("/auth/admin/tokens") { request, context in
            _ = try await services.admin(request, context)
            let users = Dictionary(try await DuckDBUserRepository(store: services.store).list().map { ($0.id, $0) }) {
                a, _ in a
            }
            let rows = try await tokens.listAll()
            return JSONBody.response(
                object: rows.map { TokenView($0, owner: users[$0.userID] ?? User(id: $0.userID, email: "")) })
        }
        router.delete("/auth/admin/tokens/:id") { request, context in
            let caller = try await services.admin(request, context)
            let id = try context.parameters.require("id")
            guard let row = try await tokens.find(id: id) else { throw APIError(.notFound, "Token not found") }
            try await tokens.revoke(id: row.id, at: Date())
            await services.auth.authenticator.record(
                "token.admin_revoke", userID: caller.user.id, resource: "token:\(row.id)",
                params: ["owner_id": row.userID])
            return Response(status: .noContent)
        }
    }

    /// The token's lifetime in seconds (nil = never expires), validated as the original does.
    static func lifetime(_ body: CreateRequest) throws -> TimeInterval? {
        guard !body.name.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw APIError(.badRequest, "Token name is required")
        }
        if let ttl = body.ttlSeconds {
            guard ttl > 0, ttl <= 315_360_000 else {
                throw APIError(.badRequest, "ttl_seconds must be between 1 and 315360000")
            }
            return TimeInterval(ttl)
        }
        switch body.expiresInDays {
        case .none: return 90 * 86_400
        case .some(.none): return nil
        case .some(.some(let days)):
            guard days > 0, days <= 3650 else {
                throw APIError(.badRequest, "expires_in_days must be between 1 and 3650")
            }
            return TimeInterval(days) * 86_400
        }
    }
}
