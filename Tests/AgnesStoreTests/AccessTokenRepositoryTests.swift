import AgnesCore
import AgnesStore
import Foundation
import Testing

@Suite struct AccessTokenRepositoryTests {
    private func token(_ id: String, user: String = "u1", offset: TimeInterval = 0) -> AccessToken {
        AccessToken(
            id: id, userID: user, name: "laptop \(id)", tokenHash: String(repeating: "a", count: 64),
            prefix: String(id.prefix(8)), scopes: "general", createdAt: FixedInstant.plus(offset),
            expiresAt: FixedInstant.plus(offset + 86_400))
    }

    @Test func createAndFindRoundTripsEveryField() async throws {
        let tokens = DuckDBAccessTokenRepository(store: try await SystemStore.inMemory())
        let created = try await tokens.create(token("t1"))
        #expect(created == token("t1"))
        #expect(try await tokens.find(id: "t1") == token("t1"))
        #expect(try await tokens.find(id: "missing") == nil)
        #expect(!created.isRevoked)
        #expect(created.isExpired(at: FixedInstant.plus(86_400)))
        #expect(!created.isExpired(at: FixedInstant.plus(86_399)))
    }

    @Test func neverExpiringTokenHasNoExpiry() async throws {
        let tokens = DuckDBAccessTokenRepository(store: try await SystemStore.inMemory())
        var forever = token("t1")
        forever.expiresAt = nil
        let created = try await tokens.create(forever)
        #expect(created.expiresAt == nil)
        #expect(!created.isExpired(at: FixedInstant.plus(10 * 365 * 86_400)))
    }

    @Test func duplicateIDIsAConflict() async throws {
        let tokens = DuckDBAccessTokenRepository(store: try await SystemStore.inMemory())
        _ = try await tokens.create(token("t1"))
        let error = await #expect(throws: StoreError.self) { try await tokens.create(token("t1")) }
        #expect(error?.code == .conflict)
    }

    @Test func listsAreNewestFirstAndScopedToTheUser() async throws {
        let tokens = DuckDBAccessTokenRepository(store: try await SystemStore.inMemory())
        _ = try await tokens.create(token("old", offset: 0))
        _ = try await tokens.create(token("new", offset: 60))
        _ = try await tokens.create(token("other", user: "u2", offset: 30))
        #expect(try await tokens.list(userID: "u1").map(\.id) == ["new", "old"])
        #expect(try await tokens.list(userID: "nobody").isEmpty)
        #expect(try await tokens.listAll().map(\.id) == ["new", "other", "old"])
    }

    @Test func revokingTwiceKeepsTheFirstTime() async throws {
        let tokens = DuckDBAccessTokenRepository(store: try await SystemStore.inMemory())
        _ = try await tokens.create(token("t1"))
        #expect(try await tokens.revoke(id: "t1", at: FixedInstant.plus(10)))
        #expect(try await tokens.revoke(id: "t1", at: FixedInstant.plus(20)))
        let revoked = try #require(try await tokens.find(id: "t1"))
        #expect(revoked.revokedAt == FixedInstant.plus(10))
        #expect(revoked.isRevoked)
        #expect(try await tokens.list(userID: "u1").map(\.id) == ["t1"])
    }

    @Test func revokingAMissingTokenReportsFalse() async throws {
        let tokens = DuckDBAccessTokenRepository(store: try await SystemStore.inMemory())
        #expect(try await tokens.revoke(id: "missing", at: FixedInstant.base) == false)
    }

    @Test func recordUseReturnsThePreviousAddress() async throws {
        let tokens = DuckDBAccessTokenRepository(store: try await SystemStore.inMemory())
        _ = try await tokens.create(token("t1"))
        #expect(try await tokens.recordUse(id: "t1", ip: "10.0.0.1", at: FixedInstant.plus(1)) == nil)
        #expect(try await tokens.recordUse(id: "t1", ip: "10.0.0.2", at: FixedInstant.plus(2)) == "10.0.0.1")
        #expect(try await tokens.recordUse(id: "t1", ip: nil, at: FixedInstant.plus(3)) == "10.0.0.2")
        let used = try #require(try await tokens.find(id: "t1"))
        #expect(used.lastUsedIP == "10.0.0.2")
        #expect(used.lastUsedAt == FixedInstant.plus(3))
    }

    @Test func recordUseOfAMissingTokenIsNotFound() async throws {
        let tokens = DuckDBAccessTokenRepository(store: try await SystemStore.inMemory())
        let error = await #expect(throws: StoreError.self) {
            try await tokens.recordUse(id: "missing", ip: "10.0.0.1", at: FixedInstant.base)
        }
        #expect(error?.code == .notFound)
    }

    @Test func deleteAllRemovesOnlyThatUsersTokens() async throws {
        let tokens = DuckDBAccessTokenRepository(store: try await SystemStore.inMemory())
        _ = try await tokens.create(token("a"))
        _ = try await tokens.create(token("b"))
        _ = try await tokens.create(token("c", user: "u2"))
        #expect(try await tokens.deleteAll(userID: "u1") == 2)
        #expect(try await tokens.deleteAll(userID: "u1") == 0)
        #expect(try await tokens.listAll().map(\.id) == ["c"])
    }
}
