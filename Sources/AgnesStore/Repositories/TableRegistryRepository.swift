import AgnesCore
import Foundation

/// The table registry: which tables Agnes syncs and serves, and how.
public protocol TableRegistryRepository: Sendable {
    /// Registers a table, replacing any registration with the same id (every column, including the
    /// registration time: `registeredAt`, or now when nil).
    func register(_ table: TableRegistration) async throws -> TableRegistration
    /// The registration with `id`.
    func find(id: String) async throws -> TableRegistration?
    /// Every registration, or those of one source type, ordered by name.
    func list(sourceType: String?) async throws -> [TableRegistration]
    /// Applies a partial update. Returns the updated registration, nil when there is no such id.
    func update(id: String, _ changes: TableRegistrationChanges) async throws -> TableRegistration?
    /// Removes a registration with everything keyed by it: sync state and history, profile, column
    /// metadata and `table` grants, in one transaction. Returns false when there was no such id.
    @discardableResult
    func unregister(id: String) async throws -> Bool
}
