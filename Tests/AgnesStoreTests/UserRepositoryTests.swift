import AgnesCore
import AgnesStore
import Foundation
import Testing

@Suite struct UserRepositoryTests {
    @Test func createFindListAndCount() async throws {
        let users = DuckDBUserRepository(store: try await SystemStore.inMemory())
        let created = try await users.create(User(id: "u1", email: "ana@example.com", name: "Ana"))
        #expect(created.createdAt != nil)
        #expect(created.isActive)
        _ = try await users.create(User(id: "u2", email: "bo@example.com"))
        #expect(try await users.find(id: "u1")?.name == "Ana")
        #expect(try await users.find(email: "bo@example.com")?.id == "u2")
        #expect(try await users.find(email: "ANA@example.com")?.id == "u1")
        #expect(try await users.find(email: "ana@example.co") == nil)
        #expect(try await users.list().map(\.id) == ["u1", "u2"])
        #expect(try await users.count() == 2)
    }

    @Test func duplicateEmailOrIdIsAConflict() async throws {
        let users = DuckDBUserRepository(store: try await SystemStore.inMemory())
        _ = try await users.create(User(id: "u1", email: "ana@example.com"))
        let byEmail = await #expect(throws: StoreError.self) {
            try await users.create(User(id: "u2", email: "ana@example.com"))
        }
        #expect(byEmail?.code == .conflict)
        let byID = await #expect(throws: StoreError.self) {
            try await users.create(User(id: "u1", email: "other@example.com"))
        }
        #expect(byID?.code == .conflict)
        #expect(try await users.count() == 1)
    }

    @Test func updatePasswordAndBootstrapState() async throws {
        let users = DuckDBUserRepository(store: try await SystemStore.inMemory())
        _ = try await users.create(User(id: "u1", email: "ana@example.com"))
        #expect(try await users.noneHasPassword())
        try await users.setPasswordHash(id: "u1", hash: "$2b$12$hash")
        #expect(try await users.noneHasPassword() == false)
        let updated = try await users.update(id: "u1", name: "Ana B", email: nil)
        #expect(updated?.name == "Ana B")
        #expect(updated?.email == "ana@example.com")
        #expect(updated?.updatedAt != nil)
        #expect(try await users.update(id: "missing", name: "x", email: nil) == nil)
        let missing = await #expect(throws: StoreError.self) {
            try await users.setPasswordHash(id: "missing", hash: "x")
        }
        #expect(missing?.code == .notFound)
    }

    @Test func deactivationRecordsWhoAndReactivationClears() async throws {
        let users = DuckDBUserRepository(store: try await SystemStore.inMemory())
        _ = try await users.create(User(id: "u1", email: "ana@example.com"))
        try await users.setActive(id: "u1", isActive: false, by: "admin-1")
        let deactivated = try #require(try await users.find(id: "u1"))
        #expect(!deactivated.isActive)
        #expect(deactivated.deactivatedBy == "admin-1")
        #expect(deactivated.deactivatedAt != nil)
        try await users.setActive(id: "u1", isActive: true, by: "admin-1")
        let active = try #require(try await users.find(id: "u1"))
        #expect(active.isActive && active.deactivatedAt == nil && active.deactivatedBy == nil)
    }

    @Test func tokensAreConsumedExactlyOnce() async throws {
        let users = DuckDBUserRepository(store: try await SystemStore.inMemory())
        _ = try await users.create(User(id: "u1", email: "ana@example.com"))
        let issued = Date()
        try await users.setResetToken(id: "u1", tokenHash: "hash-1", at: issued)
        let attempts = try await withThrowingTaskGroup(of: User?.self) { group in
            for _ in 0..<8 {
                group.addTask {
                    try await users.consumeResetToken(
                        tokenHash: "hash-1", email: "Ana@Example.com", notBefore: issued.addingTimeInterval(-3600))
                }
            }
            var winners: [User] = []
            for try await user in group { if let user { winners.append(user) } }
            return winners
        }
        #expect(attempts.count == 1)
        #expect(attempts.first?.id == "u1")
        #expect(try await users.find(id: "u1")?.resetToken == nil)
    }

    @Test func expiredOrWrongTokensAreNotConsumed() async throws {
        let users = DuckDBUserRepository(store: try await SystemStore.inMemory())
        _ = try await users.create(User(id: "u1", email: "ana@example.com"))
        let issued = Date().addingTimeInterval(-7200)
        try await users.setSetupToken(id: "u1", tokenHash: "setup", at: issued)
        #expect(
            try await users.consumeSetupToken(tokenHash: "wrong", email: "ana@example.com", notBefore: issued) == nil)
        #expect(
            try await users.consumeSetupToken(tokenHash: "setup", email: "bob@example.com", notBefore: issued) == nil)
        #expect(
            try await users.consumeSetupToken(
                tokenHash: "setup", email: "ana@example.com", notBefore: Date().addingTimeInterval(-3600)) == nil)
        #expect(try await users.find(id: "u1")?.setupToken == "setup")
        #expect(
            try await users.consumeSetupToken(
                tokenHash: "setup", email: "ana@example.com", notBefore: issued.addingTimeInterval(-1))?.id == "u1")
    }

    @Test func deleteRemovesMembershipsToo() async throws {
        let store = try await SystemStore.inMemory()
        let users = DuckDBUserRepository(store: store)
        let groups = DuckDBGroupRepository(store: store)
        _ = try await users.create(User(id: "u1", email: "ana@example.com"))
        let admin = try #require(try await groups.find(name: "Admin"))
        try await groups.addMember(userID: "u1", groupID: admin.id, source: .admin, addedBy: nil)
        #expect(try await users.delete(id: "u1"))
        #expect(try await groups.members(groupID: admin.id).isEmpty)
        #expect(try await users.delete(id: "u1") == false)
    }
}
