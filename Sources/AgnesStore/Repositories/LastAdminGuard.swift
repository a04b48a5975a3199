import AgnesCore
import DuckDB

extension StoreError.Code {
    /// The change would leave the `Admin` group without an active member.
    public static let lastActiveAdmin = StoreError.Code("last_active_admin")
}

/// The "never lock everyone out" rule of REFERENCE §7: a change that removes an active member of
/// `Admin` (deactivation, deletion, removal from the group) is refused when no other active member
/// would remain. It is checked inside the writing transaction, on the single writer, so two admins
/// removing each other at once cannot both succeed.
enum LastAdminGuard {
    /// Throws `.lastActiveAdmin` when `userID` is the only active member of `Admin`.
    static func check(_ connection: Connection, removing userID: String) throws {
        let row = try connection.query(
            """
            SELECT
                count(*) FILTER (WHERE u.id = ?) AS target,
                count(*) FILTER (WHERE u.id <> ?) AS others
            FROM users u
            JOIN user_group_members m ON m.user_id = u.id
            JOIN user_groups g ON g.id = m.group_id
            WHERE g.name = ? AND u.active
            """, [.varchar(userID), .varchar(userID), .varchar(SystemGroup.admin)]
        ).rows[0]
        if (row[0].int ?? 0) > 0, (row[1].int ?? 0) == 0 {
            throw StoreError(.lastActiveAdmin, "user \(userID) is the last active admin")
        }
    }
}
