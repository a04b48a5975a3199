import AgnesCore
import DuckDB
import Foundation

/// ``GrantRepository`` on the DuckDB system store.
public struct DuckDBGrantRepository: GrantRepository {
    let store: SystemStore

    /// Creates the repository.
    public init(store: SystemStore) { self.store = store }

    private static let columns = "id, group_id, resource_type, resource_id, assigned_at, assigned_by"

    public func grant(groupID: String, type: ResourceType, resourceID: String, by actor: String?) async throws
        -> ResourceGrant
    {
        let id = RowID.make()
        return try await store.write { connection in
            if try connection.query("SELECT 1 FROM user_groups WHERE id = ?", [.varchar(groupID)]).rows.isEmpty {
                throw StoreError(.notFound, "no group with id \(groupID)")
            }
            try connection.run(
                """
                INSERT INTO resource_grants (\(Self.columns)) VALUES (?, ?, ?, ?, current_timestamp, ?)
                ON CONFLICT (group_id, resource_type, resource_id) DO NOTHING
                """, [.varchar(id), .varchar(groupID), .varchar(type.rawValue), .varchar(resourceID), .optional(actor)])
            return try Self.fetch(
                connection, where: "group_id = ? AND resource_type = ? AND resource_id = ?",
                [.varchar(groupID), .varchar(type.rawValue), .varchar(resourceID)])[0]
        }
    }

    public func revoke(id: String) async throws -> Bool {
        try await store.write { try $0.run("DELETE FROM resource_grants WHERE id = ?", [.varchar(id)]) > 0 }
    }

    @discardableResult
    public func revokeAll(type: ResourceType, resourceID: String) async throws -> Int {
        try await store.write {
            try $0.run(
                "DELETE FROM resource_grants WHERE resource_type = ? AND resource_id = ?",
                [.varchar(type.rawValue), .varchar(resourceID)])
        }
    }

    public func list(groupID: String?, type: ResourceType?) async throws -> [ResourceGrant] {
        try await store.read { connection in
            try Self.fetch(
                connection, where: "(? IS NULL OR group_id = ?) AND (? IS NULL OR resource_type = ?)",
                [.optional(groupID), .optional(groupID), .optional(type?.rawValue), .optional(type?.rawValue)])
        }
    }

    public func canAccess(userID: String, type: ResourceType, resourceID: String) async throws -> Bool {
        try await store.read { connection in
            try connection.query(
                """
                SELECT EXISTS (
                    SELECT 1 FROM user_group_members m JOIN user_groups g ON g.id = m.group_id
                    WHERE m.user_id = ? AND g.name = ?
                ) OR EXISTS (
                    SELECT 1 FROM user_group_members m JOIN resource_grants r ON r.group_id = m.group_id
                    WHERE m.user_id = ? AND r.resource_type = ? AND r.resource_id = ?
                )
                """,
                [
                    .varchar(userID), .varchar(SystemGroup.admin), .varchar(userID), .varchar(type.rawValue),
                    .varchar(resourceID),
                ]
            ).rows[0][0].bool ?? false
        }
    }

    public func accessibleResourceIDs(userID: String, type: ResourceType) async throws -> Set<String>? {
        try await store.read { connection in
            let isAdmin =
                try connection.query(
                    """
                    SELECT count(*) FROM user_group_members m JOIN user_groups g ON g.id = m.group_id
                    WHERE m.user_id = ? AND g.name = ?
                    """, [.varchar(userID), .varchar(SystemGroup.admin)]
                ).rows[0][0].int ?? 0 > 0
            if isAdmin { return nil }
            let rows = try connection.query(
                """
                SELECT DISTINCT r.resource_id FROM user_group_members m JOIN resource_grants r ON r.group_id = m.group_id
                WHERE m.user_id = ? AND r.resource_type = ?
                """, [.varchar(userID), .varchar(type.rawValue)]
            ).rows
            return Set(rows.compactMap { $0[0].string })
        }
    }

    static func fetch(_ connection: Connection, where predicate: String, _ parameters: [DuckDBValue]) throws
        -> [ResourceGrant]
    {
        try connection.query(
            "SELECT \(columns) FROM resource_grants WHERE \(predicate) ORDER BY resource_type, resource_id, group_id",
            parameters
        ).records.map { record in
            let type = try record.requiredString("resource_type")
            guard let parsed = ResourceType(rawValue: type) else {
                throw StoreError(.corruptRow, "unknown resource type \(type)")
            }
            return ResourceGrant(
                id: try record.requiredString("id"), groupID: try record.requiredString("group_id"),
                resourceType: parsed,
                resourceID: try record.requiredString("resource_id"), assignedAt: record.date("assigned_at"),
                assignedBy: record.string("assigned_by"))
        }
    }
}
