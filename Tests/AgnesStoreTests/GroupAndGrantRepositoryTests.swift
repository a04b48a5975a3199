import AgnesCore
import AgnesStore
import Foundation
import Testing

@Suite struct GroupRepositoryTests {
    @Test func systemGroupsAreSeededAndProtected() async throws {
        let groups = DuckDBGroupRepository(store: try await SystemStore.inMemory())
        let admin = try #require(try await groups.find(name: "Admin"))
        #expect(admin.isSystem && admin.createdBy == "system:seed")
        let rename = await #expect(throws: StoreError.self) {
            try await groups.update(id: admin.id, name: "Root", description: nil)
        }
        #expect(rename?.code == .conflict)
        let delete = await #expect(throws: StoreError.self) { try await groups.delete(id: admin.id) }
        #expect(delete?.code == .conflict)
    }

    @Test func createRenameAndDeleteCascade() async throws {
        let store = try await SystemStore.inMemory()
        let groups = DuckDBGroupRepository(store: store)
        let grants = DuckDBGrantRepository(store: store)
        let analysts = try await groups.create(name: "Analysts", description: "data people", createdBy: "u0")
        let duplicate = await #expect(throws: StoreError.self) {
            try await groups.create(name: "Analysts", description: nil, createdBy: nil)
        }
        #expect(duplicate?.code == .conflict)
        let renamed = try await groups.update(id: analysts.id, name: "Data", description: nil)
        #expect(renamed?.name == "Data" && renamed?.description == "data people")
        try await groups.addMember(userID: "u1", groupID: analysts.id, source: .admin, addedBy: "u0")
        _ = try await grants.grant(groupID: analysts.id, type: .table, resourceID: "orders", by: "u0")
        // Renaming a group that members and grants reference keeps them.
        #expect(
            try await groups.update(id: analysts.id, name: "Data Team", description: "all of us")?.name == "Data Team")
        #expect(try await groups.groups(ofUser: "u1").map(\.name) == ["Data Team"])
        #expect(try await groups.delete(id: analysts.id))
        #expect(try await grants.list(groupID: nil, type: .table).isEmpty)
        #expect(try await groups.groups(ofUser: "u1").isEmpty)
        #expect(try await groups.delete(id: analysts.id) == false)
    }

    @Test func readdingKeepsTheOriginalSource() async throws {
        let groups = DuckDBGroupRepository(store: try await SystemStore.inMemory())
        let team = try await groups.create(name: "Team", description: nil, createdBy: nil)
        #expect(try await groups.addMember(userID: "u1", groupID: team.id, source: .googleSync, addedBy: nil))
        #expect(try await groups.addMember(userID: "u1", groupID: team.id, source: .admin, addedBy: "x") == false)
        #expect(try await groups.members(groupID: team.id).map(\.source) == [.googleSync])
        let missing = await #expect(throws: StoreError.self) {
            try await groups.addMember(userID: "u1", groupID: "nope", source: .admin, addedBy: nil)
        }
        #expect(missing?.code == .notFound)
    }

    @Test func googleSyncReplacesOnlyItsOwnRows() async throws {
        let groups = DuckDBGroupRepository(store: try await SystemStore.inMemory())
        let a = try await groups.create(name: "a@example.com", description: nil, createdBy: "system:google-sync")
        let b = try await groups.create(name: "b@example.com", description: nil, createdBy: "system:google-sync")
        let manual = try await groups.create(name: "Manual", description: nil, createdBy: nil)
        try await groups.addMember(userID: "u1", groupID: manual.id, source: .admin, addedBy: nil)
        try await groups.replaceMemberships(userID: "u1", source: .googleSync, groupIDs: [a.id])
        try await groups.replaceMemberships(userID: "u1", source: .googleSync, groupIDs: [b.id, manual.id])
        let names = try await groups.groups(ofUser: "u1").map(\.name).sorted()
        #expect(names == ["Manual", "b@example.com"])
        #expect(try await groups.members(groupID: manual.id).first?.source == .admin)
    }

    @Test func adminChecksFollowMembershipOfTheAdminGroup() async throws {
        let store = try await SystemStore.inMemory()
        let groups = DuckDBGroupRepository(store: store)
        let users = DuckDBUserRepository(store: store)
        _ = try await users.create(User(id: "u1", email: "a@x.com"))
        _ = try await users.create(User(id: "u2", email: "b@x.com"))
        let admin = try #require(try await groups.find(name: "Admin"))
        #expect(try await groups.isAdmin(userID: "u1") == false)
        try await groups.addMember(userID: "u1", groupID: admin.id, source: .systemSeed, addedBy: nil)
        try await groups.addMember(userID: "u2", groupID: admin.id, source: .admin, addedBy: nil)
        #expect(try await groups.isAdmin(userID: "u1"))
        #expect(try await groups.activeAdminCount() == 2)
        try await users.setActive(id: "u2", isActive: false, by: "u1")
        #expect(try await groups.activeAdminCount() == 1)
        #expect(try await groups.removeMember(userID: "u1", groupID: admin.id))
        #expect(try await groups.isAdmin(userID: "u1") == false)
    }
}

@Suite struct GrantRepositoryTests {
    @Test func accessNeedsAGrantThroughAGroupUnlessAdmin() async throws {
        let store = try await SystemStore.inMemory()
        let groups = DuckDBGroupRepository(store: store)
        let grants = DuckDBGrantRepository(store: store)
        let analysts = try await groups.create(name: "Analysts", description: nil, createdBy: nil)
        let everyone = try #require(try await groups.find(name: "Everyone"))
        try await groups.addMember(userID: "ana", groupID: analysts.id, source: .admin, addedBy: nil)
        try await groups.addMember(userID: "ana", groupID: everyone.id, source: .admin, addedBy: nil)
        #expect(try await grants.canAccess(userID: "ana", type: .table, resourceID: "orders") == false)
        #expect(try await grants.accessibleResourceIDs(userID: "ana", type: .table) == [])

        let grant = try await grants.grant(groupID: analysts.id, type: .table, resourceID: "orders", by: "admin")
        let again = try await grants.grant(groupID: analysts.id, type: .table, resourceID: "orders", by: "admin")
        #expect(grant.id == again.id)
        #expect(try await grants.canAccess(userID: "ana", type: .table, resourceID: "orders"))
        #expect(try await grants.canAccess(userID: "ana", type: .memoryDomain, resourceID: "orders") == false)
        #expect(try await grants.canAccess(userID: "bo", type: .table, resourceID: "orders") == false)
        #expect(try await grants.accessibleResourceIDs(userID: "ana", type: .table) == ["orders"])

        let admin = try #require(try await groups.find(name: "Admin"))
        try await groups.addMember(userID: "root", groupID: admin.id, source: .admin, addedBy: nil)
        #expect(try await grants.canAccess(userID: "root", type: .table, resourceID: "anything"))
        #expect(try await grants.accessibleResourceIDs(userID: "root", type: .table) == nil)

        #expect(try await grants.revoke(id: grant.id))
        #expect(try await grants.revoke(id: grant.id) == false)
        #expect(try await grants.canAccess(userID: "ana", type: .table, resourceID: "orders") == false)
    }

    @Test func grantingToAMissingGroupFails() async throws {
        let grants = DuckDBGrantRepository(store: try await SystemStore.inMemory())
        let error = await #expect(throws: StoreError.self) {
            try await grants.grant(groupID: "nope", type: .table, resourceID: "t", by: nil)
        }
        #expect(error?.code == .notFound)
    }

    @Test func revokeAllRemovesEveryGroupsGrantOfAResource() async throws {
        let store = try await SystemStore.inMemory()
        let groups = DuckDBGroupRepository(store: store)
        let grants = DuckDBGrantRepository(store: store)
        let a = try await groups.create(name: "A", description: nil, createdBy: nil)
        let b = try await groups.create(name: "B", description: nil, createdBy: nil)
        _ = try await grants.grant(groupID: a.id, type: .table, resourceID: "orders", by: nil)
        _ = try await grants.grant(groupID: b.id, type: .table, resourceID: "orders", by: nil)
        _ = try await grants.grant(groupID: b.id, type: .table, resourceID: "events", by: nil)
        #expect(try await grants.revokeAll(type: .table, resourceID: "orders") == 2)
        #expect(try await grants.list(groupID: nil, type: nil).map(\.resourceID) == ["events"])
        #expect(try await grants.list(groupID: a.id, type: nil).isEmpty)
    }
}
