import AgnesCore
import AgnesServer
import AgnesStore
import Foundation
import Testing

extension ServerFixture {
    /// Registers a table whose id and name are `id`.
    @discardableResult
    func registerTable(_ id: String) async throws -> TableRegistration {
        try await DuckDBTableRegistryRepository(store: services.store).register(
            TableRegistration(id: id, name: id, sourceType: "local"))
    }

    /// Grants the tables to the user through a new group of which the user is the only member.
    func grantTables(_ ids: [String], to userID: String) async throws {
        let groups = DuckDBGroupRepository(store: services.store)
        let group = try await groups.create(name: "Readers \(UUID().uuidString)", description: nil, createdBy: nil)
        try await groups.addMember(userID: userID, groupID: group.id, source: .admin, addedBy: nil)
        for id in ids {
            _ = try await DuckDBGrantRepository(store: services.store).grant(
                groupID: group.id, type: .table, resourceID: id, by: nil)
        }
    }

    /// A non-admin user and their session token.
    func analyst(_ email: String = "ana@example.com") async throws -> (id: String, token: String) {
        let id = try await user(email)
        return (id, try await session(id))
    }
}
