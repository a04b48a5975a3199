import AgnesCore
import DuckDB
import Foundation

/// ``AccessTokenRepository`` on the DuckDB system store.
public struct DuckDBAccessTokenRepository: AccessTokenRepository {
    let store: SystemStore

    /// Creates the repository.
    public init(store: SystemStore) { self.store = store }

    private static let columns = """
        id, user_id, name, token_hash, prefix, scopes, created_at, expires_at, last_used_at, last_used_ip, revoked_at
        """

    public func create(_ token: AccessToken) async throws -> AccessToken {
        try await store.write { connection in
            try connection.run(
                "INSERT INTO personal_access_tokens (\(Self.columns)) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    .varchar(token.id), .varchar(token.userID), .varchar(token.name), .varchar(token.tokenHash),
                    .varchar(token.prefix), .optional(token.scopes), .optional(token.createdAt),
                    .optional(token.expiresAt), .optional(token.lastUsedAt), .optional(token.lastUsedIP),
                    .optional(token.revokedAt),
                ])
            return try Self.fetch(connection, where: "id = ?", [.varchar(token.id)])[0]
        }
    }

    public func find(id: String) async throws -> AccessToken? {
        try await store.read { try Self.fetch($0, where: "id = ?", [.varchar(id)]).first }
    }

    public func list(userID: String) async throws -> [AccessToken] {
        try await store.read { try Self.fetch($0, where: "user_id = ?", [.varchar(userID)]) }
    }

    public func listAll() async throws -> [AccessToken] {
        try await store.read { try Self.fetch($0, where: "TRUE", []) }
    }

    @discardableResult
    public func revoke(id: String, at time: Date) async throws -> Bool {
        try await store.write {
            try $0.run(
                "UPDATE personal_access_tokens SET revoked_at = coalesce(revoked_at, ?) WHERE id = ?",
                [.optional(time), .varchar(id)]) > 0
        }
    }

    public func recordUse(id: String, ip: String?, at time: Date) async throws -> String? {
        try await store.write { connection in
            // Read and update in one write transaction, so two concurrent uses cannot both see the old address.
            guard
                let previous = try connection.query(
                    "SELECT last_used_ip FROM personal_access_tokens WHERE id = ?", [.varchar(id)]
                ).first
            else { throw StoreError(.notFound, "no access token with id \(id)") }
            try connection.run(
                "UPDATE personal_access_tokens SET last_used_at = ?, last_used_ip = coalesce(?, last_used_ip) WHERE id = ?",
                [.optional(time), .optional(ip), .varchar(id)])
            return previous.string("last_used_ip")
        }
    }

    @discardableResult
    public func deleteAll(userID: String) async throws -> Int {
        try await store.write { try $0.run("DELETE FROM personal_access_tokens WHERE user_id = ?", [.varchar(userID)]) }
    }

    static func fetch(_ connection: Connection, where predicate: String, _ parameters: [DuckDBValue]) throws
        -> [AccessToken]
    {
        try connection.query(
            "SELECT \(columns) FROM personal_access_tokens WHERE \(predicate) ORDER BY created_at DESC, id", parameters
        ).records.map { record in
            guard let createdAt = record.date("created_at") else {
                throw StoreError(.corruptRow, "access token \(record.string("id") ?? "?") has no created_at")
            }
            return AccessToken(
                id: try record.requiredString("id"), userID: try record.requiredString("user_id"),
                name: try record.requiredString("name"), tokenHash: try record.requiredString("token_hash"),
                prefix: try record.requiredString("prefix"), scopes: record.string("scopes"), createdAt: createdAt,
                expiresAt: record.date("expires_at"), lastUsedAt: record.date("last_used_at"),
                lastUsedIP: record.string("last_used_ip"), revokedAt: record.date("revoked_at"))
        }
    }
}
