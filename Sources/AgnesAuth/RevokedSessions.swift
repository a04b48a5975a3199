import AgnesStore
import Foundation
import Synchronization

/// Session tokens ended by sign-out before their expiry, checked from memory on every request and kept
/// in the system store so a restart does not bring them back. Entries are dropped once the token would
/// have expired anyway.
///
/// ```swift
/// try await revoked.load()
/// try await revoked.revoke(claims)   // POST /auth/logout
/// revoked.contains(claims.jti, now: Date())
/// ```
public final class RevokedSessions: Sendable {
    private let ids = Mutex<[String: Date]>([:])
    private let repository: DuckDBRevokedSessionRepository

    init(store: SystemStore) {
        repository = DuckDBRevokedSessionRepository(store: store)
    }

    /// Reads the unexpired revocations from the store and forgets the expired ones there.
    public func load(now: Date = Date()) async throws {
        let stored = try await repository.unexpired(at: now)
        ids.withLock { $0.merge(stored) { current, _ in current } }
        try await repository.purge(expiredBefore: now)
    }

    /// Ends the session with these claims (a no-op for a token without expiry, which is no session).
    public func revoke(_ claims: TokenClaims) async throws {
        guard let exp = claims.exp else { return }
        let expiry = Date(timeIntervalSince1970: TimeInterval(exp))
        try await repository.revoke(jti: claims.jti, userID: claims.sub, expiresAt: expiry)
        ids.withLock { ids in
            ids[claims.jti] = expiry
            if ids.count > 10_000 {
                let now = Date()
                ids = ids.filter { $0.value > now }
            }
        }
    }

    /// Whether the session `jti` was ended.
    public func contains(_ jti: String, now: Date) -> Bool {
        ids.withLock { ids in ids[jti].map { $0 > now } ?? false }
    }
}
