import AgnesAuth
import AgnesCore
import AgnesStore
import HTTPTypes

/// "May this caller see this table?" for routes that name one table: the ``AccessPolicy`` decision
/// first (keyed by the registry id, DESIGN decision 2), then the registry lookup, so a caller without
/// access gets the same 403 whether or not the table exists and learns nothing about it.
struct TableAccessCheck {
    let policy: AccessPolicy
    let registry: any TableRegistryRepository

    /// The check over the services' grants and registry.
    init(services: AgnesServices) {
        policy = AccessPolicy(grants: DuckDBGrantRepository(store: services.store))
        registry = DuckDBTableRegistryRepository(store: services.store)
    }

    /// The registration of table `id`: 403 `Access denied to table '<id>'` when the caller may not read
    /// it, 404 `Table not found: <id>` when they may but no such table is registered.
    func readableTable(_ caller: AuthenticatedUser, id: String) async throws -> TableRegistration {
        guard try await policy.canRead(caller, table: id) else { throw Self.accessDenied(id) }
        guard let table = try await registry.find(id: id) else { throw Self.notFound(id) }
        return table
    }

    /// 403 for a table the caller may not read (the catalog's detail).
    static func accessDenied(_ id: String) -> APIError {
        APIError(.forbidden, "Access denied to table '\(id)'")
    }

    /// 404 for a table that is not registered (the metadata routes' detail).
    static func notFound(_ id: String) -> APIError {
        APIError(.notFound, "Table not found: \(id)")
    }
}
