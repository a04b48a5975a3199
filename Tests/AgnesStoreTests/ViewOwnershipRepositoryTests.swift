import AgnesCore
import AgnesStore
import Foundation
import Testing

@Suite struct ViewOwnershipRepositoryTests {
    @Test func theFirstSourceToClaimAViewKeepsIt() async throws {
        let views = DuckDBViewOwnershipRepository(store: try await SystemStore.inMemory())
        #expect(try await views.claim(view: "orders", source: "keboola") == "keboola")
        #expect(try await views.claim(view: "orders", source: "bigquery") == "keboola")
        #expect(try await views.claim(view: "orders", source: "keboola") == "keboola")
        #expect(try await views.owners().map(\.sourceName) == ["keboola"])
    }

    @Test func concurrentClaimsHaveExactlyOneWinner() async throws {
        let views = DuckDBViewOwnershipRepository(store: try await SystemStore.inMemory())
        let owners = try await withThrowingTaskGroup(of: String.self) { group in
            for index in 0..<8 { group.addTask { try await views.claim(view: "orders", source: "source\(index)") } }
            return try await group.reduce(into: Set<String>()) { $0.insert($1) }
        }
        #expect(owners.count == 1)
        #expect(try await views.owners().map(\.sourceName) == Array(owners))
    }

    @Test func ownersAreListedByViewName() async throws {
        let views = DuckDBViewOwnershipRepository(store: try await SystemStore.inMemory())
        _ = try await views.claim(view: "b", source: "jira")
        _ = try await views.claim(view: "a", source: "keboola")
        let owners = try await views.owners()
        #expect(owners.map(\.viewName) == ["a", "b"] && owners.map(\.sourceName) == ["keboola", "jira"])
        #expect(owners.allSatisfy { $0.registeredAt != nil })
    }

    @Test func onlyTheOwnerCanReleaseAView() async throws {
        let views = DuckDBViewOwnershipRepository(store: try await SystemStore.inMemory())
        _ = try await views.claim(view: "orders", source: "keboola")
        #expect(try await views.release(view: "orders", source: "bigquery") == false)
        #expect(try await views.release(view: "orders", source: "keboola"))
        #expect(try await views.claim(view: "orders", source: "bigquery") == "bigquery")
    }

    @Test func releaseAllFreesEveryViewOfOneSource() async throws {
        let views = DuckDBViewOwnershipRepository(store: try await SystemStore.inMemory())
        for view in ["a", "b"] { _ = try await views.claim(view: view, source: "keboola") }
        _ = try await views.claim(view: "c", source: "jira")
        #expect(try await views.releaseAll(source: "keboola") == 2)
        #expect(try await views.releaseAll(source: "keboola") == 0)
        #expect(try await views.owners().map(\.viewName) == ["c"])
        #expect(try await views.claim(view: "a", source: "jira") == "jira")
    }
}
