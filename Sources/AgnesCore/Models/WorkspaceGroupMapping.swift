import Foundation

/// How groups relate to Google Workspace: the one place that decides a group's ``GroupOrigin``,
/// whether the admin API may edit it, and whether a user's account is managed by the SSO provider
/// (REFERENCE §1.10, §1.11, §7).
///
/// `AGNES_GROUP_ADMIN_EMAIL` / `AGNES_GROUP_EVERYONE_EMAIL` map a Workspace group onto the seeded
/// `Admin` / `Everyone` group; Google sync then owns those groups' `google_sync` memberships.
///
/// ```swift
/// let mapping = WorkspaceGroupMapping(environment: settings.environment)
/// mapping.origin(of: group)            // .system, .custom or .googleSync
/// mapping.isGoogleManaged(group)       // read-only in the admin API
/// mapping.isSSOManaged(memberships)    // no password reset / set / delete
/// ```
public struct WorkspaceGroupMapping: Sendable, Hashable {
    /// The `created_by` of groups that Google sync creates.
    public static let googleSyncCreator = "system:google-sync"

    /// The Workspace group mapped onto `Admin`, nil when unmapped.
    public let adminGroupEmail: String?
    /// The Workspace group mapped onto `Everyone`, nil when unmapped.
    public let everyoneGroupEmail: String?

    /// Creates a mapping; blank values mean unmapped.
    public init(adminGroupEmail: String?, everyoneGroupEmail: String?) {
        self.adminGroupEmail = Self.nonBlank(adminGroupEmail)
        self.everyoneGroupEmail = Self.nonBlank(everyoneGroupEmail)
    }

    /// Reads `AGNES_GROUP_ADMIN_EMAIL` and `AGNES_GROUP_EVERYONE_EMAIL`.
    public init(environment: [String: String]) {
        self.init(
            adminGroupEmail: environment["AGNES_GROUP_ADMIN_EMAIL"],
            everyoneGroupEmail: environment["AGNES_GROUP_EVERYONE_EMAIL"])
    }

    /// The Workspace group email funnelling members into a mapped system group, else nil (a group
    /// Google sync created already carries its email as its name).
    public func mappedEmail(of group: Group) -> String? {
        guard group.isSystem else { return nil }
        switch group.name {
        case SystemGroup.admin: return adminGroupEmail
        case SystemGroup.everyone: return everyoneGroupEmail
        default: return nil
        }
    }

    /// Where the group comes from: a mapped system group is `google_sync`, any other system group
    /// `system`; otherwise `created_by` decides (`system:google…` → `google_sync`, other `system:` →
    /// `system`, anything else → `custom`).
    public func origin(of group: Group) -> GroupOrigin {
        if group.isSystem { return mappedEmail(of: group) == nil ? .system : .googleSync }
        let creator = group.createdBy ?? ""
        if creator.hasPrefix("system:google") { return .googleSync }
        if creator.hasPrefix("system:") { return .system }
        return .custom
    }

    /// True when Google sync owns the group, so the admin API must not rename, delete or change its
    /// members (edit it in Workspace instead).
    public func isGoogleManaged(_ group: Group) -> Bool {
        origin(of: group) == .googleSync
    }

    /// True when the user's account is managed by the SSO provider: they belong to a group Google sync
    /// created, or hold a `google_sync` membership of a mapped system group. (Seeded or admin-made
    /// memberships of a mapped system group stay local, so mapping `Everyone` does not lock every
    /// local account.)
    public func isSSOManaged(_ memberships: [(membership: Membership, group: Group)]) -> Bool {
        memberships.contains { membership, group in
            guard isGoogleManaged(group) else { return false }
            return !group.isSystem || membership.source == .googleSync
        }
    }

    private static func nonBlank(_ value: String?) -> String? {
        guard let trimmed = value?.trimmingCharacters(in: .whitespacesAndNewlines), !trimmed.isEmpty else {
            return nil
        }
        return trimmed
    }
}
