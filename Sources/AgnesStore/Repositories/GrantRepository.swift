import AgnesCore
import Foundation

/// Resource grants `(group, resource_type, resource_id)` and the one access decision every read
/// surface uses.
public protocol GrantRepository: Sendable {
    /// Grants a resource to a group; granting twice returns the existing grant.
    func grant(groupID: String, type: ResourceType, resourceID: String, by actor: String?) async throws -> ResourceGrant
    /// Removes a grant by id. Returns false when absent.
    func revoke(id: String) async throws -> Bool
    /// Removes every grant of a resource (e.g. when a table is unregistered). Returns how many.
    @discardableResult
    func revokeAll(type: ResourceType, resourceID: String) async throws -> Int
    /// Grants, optionally filtered by group and/or type.
    func list(groupID: String?, type: ResourceType?) async throws -> [ResourceGrant]
    /// May the user access the resource? Admins may access everything; others need a grant to a
    /// group they belong to. There is no implicit or public access.
    func canAccess(userID: String, type: ResourceType, resourceID: String) async throws -> Bool
    /// The ids of every resource of `type` the user may access; nil means all (the user is an admin).
    func accessibleResourceIDs(userID: String, type: ResourceType) async throws -> Set<String>?
}
