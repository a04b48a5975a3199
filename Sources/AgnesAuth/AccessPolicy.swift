import AgnesCore
import AgnesStore
import Foundation

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
    /// Readable table sets per user, valid while the store is not written.
    let readableCache: StoreRowCache<Readable>?

    /// Creates the policy over the grant store; with `store`, each user's readable tables are read
    /// once and reused until the store is next written (a grant or membership change is seen at once).
    public init(grants: any GrantRepository, store: SystemStore? = nil) {
        self.grants = grants
        self.readableCache = store.map { StoreRowCache(store: $0, lifetime: 60) }
    }

    /// True when `caller` may read the table with this id.
    public func canRead(_ caller: AuthenticatedUser, table tableID: String) async throws -> Bool {
        guard let readable = try await readableTables(caller) else { return true }
        return readable.contains(tableID)
    }

    /// True when `caller` may use the resource.
    public func canAccess(_ caller: AuthenticatedUser, type: ResourceType, resourceID: String) async throws -> Bool {
        if caller.isAdmin { return true }
        return try await grants.canAccess(userID: caller.user.id, type: type, resourceID: resourceID)
    }

    /// The ids of the tables `caller` may read, or nil when they may read every table (admins).
    public func readableTables(_ caller: AuthenticatedUser) async throws -> Set<String>? {
        if caller.isAdmin { return nil }
        let (grants, userID) = (self.grants, caller.user.id)
        guard let readableCache else { return try await grants.accessibleResourceIDs(userID: userID, type: .table) }
        let readable = try await readableCache.value(for: userID, now: Date()) {
            Readable(ids: try await grants.accessibleResourceIDs(userID: userID, type: .table))
        }
        guard let readable else { return [] }
        return readable.ids
    }
}

/// A cached answer of ``AccessPolicy/readableTables(_:)``: nil ids mean every table.
struct Readable: Sendable {
    let ids: Set<String>?
}
