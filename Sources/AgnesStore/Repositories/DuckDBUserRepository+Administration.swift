import AgnesCore
import DuckDB
import Foundation

extension DuckDBUserRepository {
    /// Deactivates the user, recording who and when, unless they are the last active admin
    /// (`.lastActiveAdmin`); `.notFound` when there is no such user.
    public func deactivate(id: String, by actor: String?) async throws {
        try await store.write { connection in
            try LastAdminGuard.check(connection, removing: id)
            let changed = try connection.run(
                """
                UPDATE users SET active = FALSE, deactivated_at = current_timestamp, deactivated_by = ?,
                    session_epoch = session_epoch + 1, updated_at = current_timestamp
                WHERE id = ?
                """, [.optional(actor), .varchar(id)])
            if changed == 0 { throw StoreError(.notFound, "no user with id \(id)") }
        }
    }

    /// Deletes the user with their memberships and tokens (see ``delete(id:)``) unless they are the
    /// last active admin (`.lastActiveAdmin`). Returns false when there was no such user.
    public func deleteKeepingAnActiveAdmin(id: String) async throws -> Bool {
        try await store.write { connection in
            try LastAdminGuard.check(connection, removing: id)
            return try Self.delete(connection, id: id)
        }
    }
}
