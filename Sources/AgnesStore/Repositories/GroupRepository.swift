import AgnesCore
import Foundation

/// Groups and their members.
public protocol GroupRepository: Sendable {
    /// Creates a group; `.conflict` when the name is taken.
    func create(name: String, description: String?, createdBy: String?) async throws -> Group
    /// The group with `id`.
    func find(id: String) async throws -> Group?
    /// The group called exactly `name`.
    func find(name: String) async throws -> Group?
    /// Every group, system groups first, then by name.
    func list() async throws -> [Group]
    /// Renames or re-describes a non-system group.
    func update(id: String, name: String?, description: String?) async throws -> Group?
    /// Deletes a non-system group with its memberships and grants. Returns false when absent.
    func delete(id: String) async throws -> Bool
    /// Adds a member; re-adding is a silent no-op that keeps the original source. Returns true when added.
    @discardableResult
    func addMember(userID: String, groupID: String, source: MembershipSource, addedBy: String?) async throws -> Bool
    /// Removes a member. Returns false when they were not a member.
    @discardableResult
    func removeMember(userID: String, groupID: String) async throws -> Bool
    /// The group's memberships.
    func members(groupID: String) async throws -> [Membership]
    /// The groups the user belongs to.
    func groups(ofUser userID: String) async throws -> [Group]
    /// True when the user is in the group named `Admin`.
    func isAdmin(userID: String) async throws -> Bool
    /// Active users in the `Admin` group.
    func activeAdminCount() async throws -> Int
    /// Replaces the user's memberships of one source wholesale (e.g. `google_sync`), leaving others.
    func replaceMemberships(userID: String, source: MembershipSource, groupIDs: Set<String>) async throws
}
