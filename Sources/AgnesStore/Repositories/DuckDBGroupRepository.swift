import AgnesCore
import DuckDB
import Foundation

/// ``GroupRepository`` on the DuckDB system store.
public struct DuckDBGroupRepository: GroupRepository {
    let store: SystemStore

    /// Creates the repository.
    public init(store: SystemStore) { self.store = store }

    private static let columns = "id, name, description, is_system, created_at, created_by"

    public func create(name: String, description: String?, createdBy: String?) async throws -> Group {
        let id = RowID.make()
        return try await store.write { connection in
            if try Self.fetch(connection, where: "name = ?", [.varchar(name)]).first != nil {
                throw StoreError(.conflict, "a group named \(name) already exists")
            }
            try connection.run(
                "INSERT INTO user_groups (\(Self.columns)) VALUES (?, ?, ?, FALSE, current_timestamp, ?)",
                [.varchar(id), .varchar(name), .optional(description), .optional(createdBy)])
            return try Self.fetch(connection, where: "id = ?", [.varchar(id)])[0]
        }
    }

    public func find(id: String) async throws -> Group? {
        try await store.read { try Self.fetch($0, where: "id = ?", [.varchar(id)]).first }
    }

    public func find(name: String) async throws -> Group? {
        try await store.read { try Self.fetch($0, where: "name = ?", [.varchar(name)]).first }
    }

    public func list() async throws -> [Group] {
        try await store.read { try Self.fetch($0, where: "TRUE", []) }
    }

    public func update(id: String, name: String?, description: String?) async throws -> Group? {
        try await store.write { connection in
            guard let group = try Self.fetch(connection, where: "id = ?", [.varchar(id)]).first else { return nil }
            if group.isSystem, let name, name != group.name {
                throw StoreError(.conflict, "system group \(group.name) cannot be renamed")
            }
            if let name, name != group.name,
                try Self.fetch(connection, where: "name = ?", [.varchar(name)]).first != nil
            {
                throw StoreError(.conflict, "a group named \(name) already exists")
            }
            try connection.run(
                "UPDATE user_groups SET name = coalesce(?, name), description = coalesce(?, description) WHERE id = ?",
                [.optional(name), .optional(description), .varchar(id)])
            return try Self.fetch(connection, where: "id = ?", [.varchar(id)]).first
        }
    }

    public func delete(id: String) async throws -> Bool {
        try await store.write { connection in
            guard let group = try Self.fetch(connection, where: "id = ?", [.varchar(id)]).first else { return false }
            if group.isSystem { throw StoreError(.conflict, "system group \(group.name) cannot be deleted") }
            try connection.run("DELETE FROM user_group_members WHERE group_id = ?", [.varchar(id)])
            try connection.run("DELETE FROM resource_grants WHERE group_id = ?", [.varchar(id)])
            return try connection.run("DELETE FROM user_groups WHERE id = ?", [.varchar(id)]) > 0
        }
    }

    @discardableResult
    public func addMember(userID: String, groupID: String, source: MembershipSource, addedBy: String?) async throws
        -> Bool
    {
        try await store.write { connection in
            try Self.requireGroup(connection, groupID)
            return try connection.run(
                """
                INSERT INTO user_group_members (user_id, group_id, source, added_at, added_by)
                VALUES (?, ?, ?, current_timestamp, ?) ON CONFLICT DO NOTHING
                """, [.varchar(userID), .varchar(groupID), .varchar(source.rawValue), .optional(addedBy)]) > 0
        }
    }

    @discardableResult
    public func removeMember(userID: String, groupID: String) async throws -> Bool {
        try await store.write {
            try $0.run(
                "DELETE FROM user_group_members WHERE user_id = ? AND group_id = ?",
                [.varchar(userID), .varchar(groupID)]) > 0
        }
    }

    public func members(groupID: String) async throws -> [Membership] {
        try await store.read { connection in
            try connection.query(
                "SELECT user_id, group_id, source, added_at, added_by FROM user_group_members WHERE group_id = ? ORDER BY added_at, user_id",
                [.varchar(groupID)]
            ).records.map(Self.membership)
        }
    }

    public func groups(ofUser userID: String) async throws -> [Group] {
        try await store.read { connection in
            try Self.fetch(
                connection, where: "id IN (SELECT group_id FROM user_group_members WHERE user_id = ?)",
                [.varchar(userID)])
        }
    }

    public func isAdmin(userID: String) async throws -> Bool {
        try await store.read { connection in
            try connection.query(
                """
                SELECT count(*) FROM user_group_members m JOIN user_groups g ON g.id = m.group_id
                WHERE m.user_id = ? AND g.name = ?
                """, [.varchar(userID), .varchar(SystemGroup.admin)]
            ).rows[0][0].int ?? 0 > 0
        }
    }

    public func activeAdminCount() async throws -> Int {
        try await store.read { connection in
            try connection.query(
                """
                SELECT count(DISTINCT u.id) FROM users u
                JOIN user_group_members m ON m.user_id = u.id JOIN user_groups g ON g.id = m.group_id
                WHERE g.name = ? AND u.active
                """, [.varchar(SystemGroup.admin)]
            ).rows[0][0].int ?? 0
        }
    }

    public func replaceMemberships(userID: String, source: MembershipSource, groupIDs: Set<String>) async throws {
        try await store.write { connection in
            try connection.run(
                "DELETE FROM user_group_members WHERE user_id = ? AND source = ?",
                [.varchar(userID), .varchar(source.rawValue)])
            for groupID in groupIDs.sorted() {
                try Self.requireGroup(connection, groupID)
                // A membership from another source (e.g. admin) stays as it is.
                try connection.run(
                    """
                    INSERT INTO user_group_members (user_id, group_id, source, added_at, added_by)
                    VALUES (?, ?, ?, current_timestamp, ?) ON CONFLICT DO NOTHING
                    """,
                    [
                        .varchar(userID), .varchar(groupID), .varchar(source.rawValue),
                        .varchar("system:\(source.rawValue)"),
                    ])
            }
        }
    }

    private static func requireGroup(_ connection: Connection, _ groupID: String) throws {
        if try fetch(connection, where: "id = ?", [.varchar(groupID)]).isEmpty {
            throw StoreError(.notFound, "no group with id \(groupID)")
        }
    }

    static func fetch(_ connection: Connection, where predicate: String, _ parameters: [DuckDBValue]) throws -> [Group]
    {
        try connection.query(
            "SELECT \(columns) FROM user_groups WHERE \(predicate) ORDER BY is_system DESC, lower(name), name",
            parameters
        ).records.map { record in
            Group(
                id: try record.requiredString("id"), name: try record.requiredString("name"),
                description: record.string("description"), isSystem: record.bool("is_system") ?? false,
                createdAt: record.date("created_at"), createdBy: record.string("created_by"))
        }
    }

    static func membership(_ record: Record) throws -> Membership {
        let source = try record.requiredString("source")
        guard let parsed = MembershipSource(rawValue: source) else {
            throw StoreError(.corruptRow, "unknown membership source \(source)")
        }
        return Membership(
            userID: try record.requiredString("user_id"), groupID: try record.requiredString("group_id"),
            source: parsed,
            addedAt: record.date("added_at"), addedBy: record.string("added_by"))
    }
}
