import AgnesCore
import DuckDB
import Foundation

/// Seeds the system groups `Admin` and `Everyone` on every start (idempotent).
enum GroupSeeder {
    static func seedSystemGroups(_ connection: Connection) throws {
        try connection.transaction {
            for (name, description) in [
                (SystemGroup.admin, "Full administrative access"), (SystemGroup.everyone, "Every signed-in user"),
            ] {
                try connection.run(
                    """
                    INSERT INTO user_groups (id, name, description, is_system, created_at, created_by)
                    VALUES (?, ?, ?, TRUE, current_timestamp, 'system:seed')
                    ON CONFLICT (name) DO UPDATE SET is_system = TRUE
                    """,
                    [.varchar(UUID().uuidString.lowercased()), .varchar(name), .varchar(description)])
            }
        }
    }
}
