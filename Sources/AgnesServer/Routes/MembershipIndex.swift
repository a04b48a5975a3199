import AgnesCore
import AgnesStore

/// Groups and memberships, read once per request, with what the admin routes derive from them: a
/// user's groups, whether they are an admin, and whether the SSO provider manages their account.
struct MembershipIndex {
    let groupsByID: [String: Group]
    let membershipsByUser: [String: [Membership]]
    let mapping: WorkspaceGroupMapping

    /// Reads every group and the memberships of `userID` (every user's when nil).
    static func load(_ services: AgnesServices, userID: String? = nil) async throws -> MembershipIndex {
        let groups = DuckDBGroupRepository(store: services.store)
        let memberships: [Membership]
        if let userID {
            memberships = try await groups.memberships(userID: userID)
        } else {
            memberships = try await groups.allMemberships()
        }
        return MembershipIndex(
            groupsByID: Dictionary(try await groups.list().map { ($0.id, $0) }) { first, _ in first },
            membershipsByUser: Dictionary(grouping: memberships, by: \.userID),
            mapping: services.groupMapping)
    }

    /// The user's memberships with their groups: system groups first, then by name.
    func memberships(of userID: String) -> [(membership: Membership, group: Group)] {
        (membershipsByUser[userID] ?? [])
            .compactMap { membership in groupsByID[membership.groupID].map { (membership: membership, group: $0) } }
            .sorted { ($0.group.isSystem ? 0 : 1, $0.group.name) < ($1.group.isSystem ? 0 : 1, $1.group.name) }
    }

    /// True when the user is in `Admin`.
    func isAdmin(_ userID: String) -> Bool {
        memberships(of: userID).contains { $0.group.name == SystemGroup.admin }
    }

    /// True when the SSO provider manages the user's account (see ``WorkspaceGroupMapping``).
    func isSSOManaged(_ userID: String) -> Bool {
        mapping.isSSOManaged(memberships(of: userID))
    }
}

extension AgnesServices {
    /// The Workspace group mapping of `AGNES_GROUP_ADMIN_EMAIL` / `AGNES_GROUP_EVERYONE_EMAIL`.
    var groupMapping: WorkspaceGroupMapping { WorkspaceGroupMapping(environment: settings.environment) }
}
