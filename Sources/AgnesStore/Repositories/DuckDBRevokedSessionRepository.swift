import DuckDB
import Foundation

/// Session token ids ended before their expiry (sign-out), kept until they would have expired.
///
/// ```swift
/// let revoked = DuckDBRevokedSessionRepository(store: store)
/// try await revoked.revoke(jti: claims.jti, userID: claims.sub, expiresAt: expiry)
/// let live = try await revoked.unexpired(at: Date())   // jti → expiry
/// ```
public struct DuckDBRevokedSessionRepository: Sendable {
    let store: SystemStore

    /// Creates the repository.
    public init(store: SystemStore) { self.store = store }

    /// Records that the session `jti` of `userID` ended; a second call for the same id changes nothing.
    public func revoke(jti: String, userID: String, expiresAt: Date) async throws {
        try await store.write { connection in
            try connection.run(
                "INSERT INTO revoked_sessions (jti, user_id, expires_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
                [.varchar(jti), .varchar(userID), .optional(expiresAt)])
        }
    }

    /// The revoked ids whose tokens have not expired at `time`, with their expiry.
    public func unexpired(at time: Date) async throws -> [String: Date] {
        try await store.read { connection in
            let rows = try connection.query(
                "SELECT jti, expires_at FROM revoked_sessions WHERE expires_at > ?", [.optional(time)]
            ).records
            var result: [String: Date] = [:]
            for row in rows {
                if let jti = row.string("jti"), let expiry = row.date("expires_at") { result[jti] = expiry }
            }
            return result
        }
    }

    /// Forgets ids whose tokens expired before `time` (they are refused by their expiry anyway).
    @discardableResult
    public func purge(expiredBefore time: Date) async throws -> Int {
        try await store.write { connection in
            try connection.run("DELETE FROM revoked_sessions WHERE expires_at <= ?", [.optional(time)])
        }
    }
}
