import AgnesCore
import AgnesStore

/// The one answer to "may this caller read this resource" (RBAC, REFERENCE §7): members of the
/// `Admin` group may read everything; anyone else needs a `resource_grants` row for one of their
/// groups. There is no implicit access, no public flag and no wildcard. Every read surface (manifest,
/// downloads, catalog, profiles, samples, the query sandbox) asks here.
///
/// ```swift
/// let policy = AccessPolicy(grants: DuckDBGrantRepository(store: store))
/// guard try await policy.canRead(caller, table: "orders") else { throw … }
/// let visible = try await policy.readableTables(caller)  // nil: every table
/// ```
public struct AccessPolicy: Sendable {
    let grants: any GrantRepository

    /// Creates the policy over the grant store.
    public init(grants: any GrantRepository) {
        self.grants = grants
    }

    /// True when `caller` may read the table with this id.
    public func canRead(_ caller: AuthenticatedUser, table tableID: String) async throws -> Bool {
        try await canAccess(caller, type: .table, resourceID: tableID)
    }

    /// True when `caller` may use the resource.
    public func canAccess(_ caller: AuthenticatedUser, type: ResourceType, resourceID: String) async throws -> Bool {
        if caller.isAdmin { return true }
        return try await grants.canAccess(userID: caller.user.id, type: type, resourceID: resourceID)
    }

    /// The ids of the tables `caller` may read, or nil when they may read every table (admins).
    public func readableTables(_ caller: AuthenticatedUser) async throws -> Set<String>? {
        if caller.isAdmin { return nil }
        return try await grants.accessibleResourceIDs(userID: caller.user.id, type: .table)
    }
}
