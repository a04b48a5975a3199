import AgnesCore
import DuckDB
import Foundation

extension DuckDBGrantRepository {
    /// The grant with `id`.
    public func find(id: String) async throws -> ResourceGrant? {
        try await store.read { try Self.fetch($0, where: "id = ?", [.varchar(id)]).first }
    }

    /// Grants a resource to a group, which must exist (`.notFound`); unlike
    /// ``grant(groupID:type:resourceID:by:)``, an existing identical grant is a `.conflict`.
    public func insert(groupID: String, type: ResourceType, resourceID: String, by actor: String?) async throws
        -> ResourceGrant
    {
        let id = RowID.make()
        return try await store.write { connection in
            if try connection.query("SELECT 1 FROM user_groups WHERE id = ?", [.varchar(groupID)]).rows.isEmpty {
                throw StoreError(.notFound, "no group with id \(groupID)")
            }
            let inserted = try connection.run(
                """
                INSERT INTO resource_grants (id, group_id, resource_type, resource_id, assigned_at, assigned_by)
                VALUES (?, ?, ?, ?, current_timestamp, ?)
                ON CONFLICT (group_id, resource_type, resource_id) DO NOTHING
                """, [.varchar(id), .varchar(groupID), .varchar(type.rawValue), .varchar(resourceID), .optional(actor)])
            if inserted == 0 {
                throw StoreError(.conflict, "group \(groupID) already has \(type.rawValue) \(resourceID)")
            }
            return try Self.fetch(connection, where: "id = ?", [.varchar(id)])[0]
        }
    }

    /// The grants of every group the user belongs to.
    public func grants(reachableBy userID: String) async throws -> [ResourceGrant] {
        try await store.read { connection in
            try Self.fetch(
                connection, where: "group_id IN (SELECT group_id FROM user_group_members WHERE user_id = ?)",
                [.varchar(userID)])
        }
    }
}
