import AgnesCore
import AgnesStore
import Crypto
import Foundation
import Logging

/// Resolves the caller of a request, in the order of REFERENCE §1.0: local-dev bypass, then the token
/// from `Authorization: Bearer` or the `access_token` cookie, checked as the scheduler's shared
/// secret, then as a JWT (session or PAT; for a PAT the stored row must exist, be unrevoked and
/// unexpired and hold the token's SHA-256; a session must not be signed out, nor older than the user's
/// last password change or "sign out everywhere"). Deactivated users are refused.
///
/// ```swift
/// let caller = try await authenticator.authenticate(bearer: header, cookie: cookie, clientIP: ip)
/// ```
public struct Authenticator: Sendable {
    let signer: JWTSigner
    let users: any UserRepository
    let groups: any GroupRepository
    let tokens: any AccessTokenRepository
    let audit:
        @Sendable (_ action: String, _ userID: String?, _ resource: String?, _ params: [String: String]) async -> Void
    let schedulerSecret: String?
    let localDevEmail: String?
    let now: @Sendable () -> Date
    let principals: StoreRowCache<Principal>
    let tokenRows: StoreRowCache<AccessToken>
    /// Session ids ended by sign-out.
    public let revokedSessions: RevokedSessions

    struct Principal: Sendable {
        let user: User
        let isAdmin: Bool
    }

    /// The synthetic scheduler user's email.
    public static let schedulerEmail = "scheduler@system.local"
    /// The shortest `SCHEDULER_API_TOKEN` that is honoured (after trimming); a shorter one is ignored.
    public static let minimumSchedulerSecretLength = 32

    /// Creates an authenticator. `schedulerSecret` is ignored unless ≥ 32 characters after trimming;
    /// `localDevEmail` enables the local-dev bypass for that (seeded) user.
    public init(
        signer: JWTSigner, store: SystemStore, schedulerSecret: String?, localDevEmail: String?,
        audit: @escaping @Sendable (String, String?, String?, [String: String]) async -> Void = { _, _, _, _ in },
        now: @escaping @Sendable () -> Date = Date.init
    ) {
        self.signer = signer
        self.principals = StoreRowCache(store: store)
        self.tokenRows = StoreRowCache(store: store)
        self.revokedSessions = RevokedSessions(store: store)
        self.users = DuckDBUserRepository(store: store)
        self.groups = DuckDBGroupRepository(store: store)
        self.tokens = DuckDBAccessTokenRepository(store: store)
        self.audit = audit
        let trimmed = schedulerSecret?.trimmingCharacters(in: .whitespacesAndNewlines)
        self.schedulerSecret = (trimmed?.count ?? 0) >= Self.minimumSchedulerSecretLength ? trimmed : nil
        self.localDevEmail = localDevEmail
        self.now = now
    }

    /// Whether the configured scheduler secret is honoured (it is ignored when shorter than
    /// ``minimumSchedulerSecretLength``).
    public var acceptsSchedulerSecret: Bool { schedulerSecret != nil }

    /// The caller, or an ``AuthError`` with the wire detail.
    public func authenticate(bearer: String?, cookie: String?, clientIP: String?) async throws -> AuthenticatedUser {
        try await authenticate(bearer: bearer, cookie: cookie, clientIP: { clientIP })
    }

    /// The caller, or an ``AuthError`` with the wire detail. `clientIP` is only asked for a personal
    /// access token (its usage bookkeeping), never on the common session path.
    public func authenticate(
        bearer: String?, cookie: String?, clientIP: @Sendable () -> String?
    ) async throws -> AuthenticatedUser {
        if let localDevEmail, let user = try await users.find(email: localDevEmail) {
            return AuthenticatedUser(
                user: user, isAdmin: try await groups.isAdmin(userID: user.id), credential: .localDevelopment)
        }
        guard var token = bearer ?? cookie else { throw AuthError.missingCredentials }
        if token.first?.isWhitespace == true || token.last?.isWhitespace == true {
            token = token.trimmingCharacters(in: .whitespaces)  // Foundation's trim is slow: only when needed
        }
        guard !token.isEmpty else { throw AuthError.missingCredentials }
        if let schedulerSecret, Self.constantTimeEquals(token, schedulerSecret) {
            return try await schedulerUser()
        }
        let claims = try signer.verify(token, now: now())
        guard let (user, isAdmin) = try await principal(id: claims.sub) else { throw AuthError.userNotFound }
        guard user.isActive else { throw AuthError.deactivated }
        let credential: AuthenticatedUser.Credential
        if claims.typ == "pat" {
            try await checkPersonalAccessToken(claims: claims, raw: token, clientIP: clientIP())
            credential = .personalAccessToken(tokenID: claims.jti, scope: claims.scope)
        } else {
            // A session ends with sign-out (its id is revoked) and with a password change,
            // deactivation or "sign out everywhere" (the user's epoch moved past the token's).
            guard (claims.sep ?? 0) == user.sessionEpoch, !revokedSessions.contains(claims.jti, now: now()) else {
                throw AuthError.invalidToken
            }
            credential = .session(tokenID: claims.jti)
        }
        return AuthenticatedUser(user: user, isAdmin: isAdmin, credential: credential)
    }

    /// The user and Admin flag, from the cache when the store has not been written since they were read.
    private func principal(id: String) async throws -> (user: User, isAdmin: Bool)? {
        let users = self.users
        let found = try await principals.value(for: id, now: now()) {
            try await users.findPrincipal(id: id).map { Principal(user: $0.user, isAdmin: $0.isAdmin) }
        }
        return found.map { ($0.user, $0.isAdmin) }
    }

    /// How stale `last_used_at` may get before a use from the same address rewrites it: usage
    /// bookkeeping is one write per token per minute, not one per request.
    static let useRecordingInterval: TimeInterval = 60

    private func checkPersonalAccessToken(claims: TokenClaims, raw: String, clientIP: String?) async throws {
        let tokens = self.tokens
        guard
            let row = try await tokenRows.value(
                for: claims.jti, now: now(), read: { try await tokens.find(id: claims.jti) }),
            row.userID == claims.sub
        else {
            throw AuthError.tokenUnknown
        }
        if row.revokedAt != nil { throw AuthError.tokenRevoked }
        if let expires = row.expiresAt, expires <= now() { throw AuthError.tokenExpired }
        guard Self.constantTimeEquals(Self.sha256Hex(raw), row.tokenHash) else { throw AuthError.tokenMismatch }
        // Best effort: usage bookkeeping never fails the request. A use from the same address within
        // a minute of the last recorded one writes nothing.
        let time = now()
        if row.lastUsedIP == clientIP || clientIP == nil, let last = row.lastUsedAt,
            time.timeIntervalSince(last) < Self.useRecordingInterval
        {
            return
        }
        if let previous = try? await tokens.recordUse(id: row.id, ip: clientIP, at: time), let clientIP,
            previous != clientIP
        {
            await audit(
                "token.first_use_new_ip", claims.sub, "token:\(row.id)", ["ip": clientIP, "previous_ip": previous])
        }
    }

    private func schedulerUser() async throws -> AuthenticatedUser {
        var user = try await users.find(email: Self.schedulerEmail)
        if user == nil {
            user = try? await users.create(
                User(id: UUID().uuidString.lowercased(), email: Self.schedulerEmail, name: "Scheduler"))
            user = try await users.find(email: Self.schedulerEmail)
        }
        guard let user, let admin = try await groups.find(name: SystemGroup.admin) else {
            throw AuthError.schedulerNotProvisioned
        }
        try await groups.addMember(userID: user.id, groupID: admin.id, source: .systemSeed, addedBy: "system:scheduler")
        return AuthenticatedUser(user: user, isAdmin: true, credential: .scheduler)
    }

    /// Lowercase hex SHA-256 of a token (what is stored for PATs).
    public static func sha256Hex(_ text: String) -> String {
        SHA256.hash(data: Data(text.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    /// Compares without an early exit, so timing does not reveal a matching prefix.
    static func constantTimeEquals(_ lhs: String, _ rhs: String) -> Bool {
        let a = Array(lhs.utf8)
        let b = Array(rhs.utf8)
        var difference = UInt8(truncatingIfNeeded: a.count ^ b.count)
        for index in 0..<max(a.count, b.count) {
            difference |= (index < a.count ? a[index] : 0) ^ (index < b.count ? b[index] : 0)
        }
        return difference == 0
    }
}

extension Authenticator {
    /// Ends the session `token` is (sign-out): it is refused from now on, also after a restart. Does
    /// nothing for a token that is no valid session (a PAT is revoked through its own route).
    public func signOut(token: String) async throws {
        let token = token.trimmingCharacters(in: .whitespaces)  // as `authenticate` reads it
        guard let claims = try? signer.verify(token, now: now()), claims.typ == "session" else { return }
        try await revokedSessions.revoke(claims)
    }

    /// Writes an audit row through the authenticator's audit sink (best effort; never throws).
    public func record(_ action: String, userID: String?, resource: String?, params: [String: String]) async {
        await audit(action, userID, resource, params)
    }
}
