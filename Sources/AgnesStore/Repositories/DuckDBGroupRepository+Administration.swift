import AgnesCore
import DuckDB
import Foundation

extension DuckDBGroupRepository {
    /// How many members and grants a group has.
    public struct Counts: Sendable, Hashable {
        /// Membership rows.
        public var members: Int
        /// Resource grants.
        public var grants: Int
    }

    /// Every membership of every group (one read for pages that show many users).
    public func allMemberships() async throws -> [Membership] {
        try await store.read { connection in
            try connection.query(
                "SELECT user_id, group_id, source, added_at, added_by FROM user_group_members ORDER BY user_id, group_id"
            ).records.map(Self.membership)
        }
    }

    /// The user's memberships, with their source.
    public func memberships(userID: String) async throws -> [Membership] {
        try await store.read { connection in
            try connection.query(
                """
                SELECT user_id, group_id, source, added_at, added_by FROM user_group_members
                WHERE user_id = ? ORDER BY group_id
                """, [.varchar(userID)]
            ).records.map(Self.membership)
        }
    }

    /// Member and grant counts of every group, keyed by group id (groups with neither are absent).
    public func counts() async throws -> [String: Counts] {
        try await store.read { connection in
            let rows = try connection.query(
                """
                SELECT group_id, sum(members)::BIGINT AS members, sum(grants)::BIGINT AS grants FROM (
                    SELECT group_id, 1 AS members, 0 AS grants FROM user_group_members
                    UNION ALL
                    SELECT group_id, 0 AS members, 1 AS grants FROM resource_grants
                ) GROUP BY group_id
                """
            ).records
            var counts: [String: Counts] = [:]
            for row in rows {
                counts[try row.requiredString("group_id")] = Counts(
                    members: row.int("members") ?? 0, grants: row.int("grants") ?? 0)
            }
            return counts
        }
    }

    /// Removes the user's membership of the group if it has `source` (memberships other writers made,
    /// such as Google sync or the seed, are theirs to manage). Refuses with `.lastActiveAdmin` when
    /// that would leave `Admin` without an active member. Returns false when there was no such
    /// membership.
    public func removeMember(userID: String, groupID: String, source: MembershipSource) async throws -> Bool {
        try await store.write { connection in
            let isMatching =
                try connection.query(
                    "SELECT 1 FROM user_group_members WHERE user_id = ? AND group_id = ? AND source = ?",
                    [.varchar(userID), .varchar(groupID), .varchar(source.rawValue)]
                ).rows.isEmpty == false
            guard isMatching else { return false }
            let group = try Self.fetch(connection, where: "id = ?", [.varchar(groupID)]).first
            if group?.name == SystemGroup.admin {
                try LastAdminGuard.check(connection, removing: userID)
            }
            return try connection.run(
                "DELETE FROM user_group_members WHERE user_id = ? AND group_id = ? AND source = ?",
                [.varchar(userID), .varchar(groupID), .varchar(source.rawValue)]) > 0
        }
    }
}
