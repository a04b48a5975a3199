import AgnesCore
import AgnesStore
import DuckDB
import Foundation
import Testing

@Suite struct KnowledgeVoteRepositoryTests {
    @Test func oneVotePerUserAndItemIsUpserted() async throws {
        let votes = DuckDBKnowledgeVoteRepository(store: try await SystemStore.inMemory())
        try await votes.setVote(.up, itemID: "a", userID: "u1", at: FixedInstant.base)
        try await votes.setVote(.up, itemID: "a", userID: "u1", at: FixedInstant.plus(1))
        try await votes.setVote(.up, itemID: "a", userID: "u2", at: FixedInstant.base)
        try await votes.setVote(.down, itemID: "a", userID: "u3", at: FixedInstant.base)
        #expect(try await votes.tally(itemID: "a") == VoteTally(upvotes: 2, downvotes: 1))
        try await votes.setVote(.down, itemID: "a", userID: "u1", at: FixedInstant.plus(2))
        let tally = try await votes.tally(itemID: "a")
        #expect(tally == VoteTally(upvotes: 1, downvotes: 2))
        #expect(tally.score == -1)
    }

    @Test func retractingRemovesTheVote() async throws {
        let votes = DuckDBKnowledgeVoteRepository(store: try await SystemStore.inMemory())
        try await votes.setVote(.up, itemID: "a", userID: "u1", at: FixedInstant.base)
        try await votes.setVote(nil, itemID: "a", userID: "u1", at: FixedInstant.plus(1))
        try await votes.setVote(nil, itemID: "never", userID: "u1", at: FixedInstant.plus(1))
        #expect(try await votes.tally(itemID: "a") == VoteTally())
        #expect(try await votes.votes(userID: "u1").isEmpty)
    }

    @Test func talliesCoverOnlyItemsWithVotes() async throws {
        let votes = DuckDBKnowledgeVoteRepository(store: try await SystemStore.inMemory())
        try await votes.setVote(.up, itemID: "a", userID: "u1", at: FixedInstant.base)
        try await votes.setVote(.down, itemID: "b", userID: "u1", at: FixedInstant.base)
        try await votes.setVote(.up, itemID: "c", userID: "u1", at: FixedInstant.base)
        let tallies = try await votes.tallies(itemIDs: ["a", "b", "none"])
        #expect(tallies == ["a": VoteTally(upvotes: 1), "b": VoteTally(downvotes: 1)])
        #expect(try await votes.tallies(itemIDs: []).isEmpty)
    }

    @Test func votesOfAUserByItem() async throws {
        let store = try await SystemStore.inMemory()
        let votes = DuckDBKnowledgeVoteRepository(store: store)
        try await votes.setVote(.up, itemID: "a", userID: "u1", at: FixedInstant.base)
        try await votes.setVote(.down, itemID: "b", userID: "u1", at: FixedInstant.base)
        try await votes.setVote(.down, itemID: "a", userID: "u2", at: FixedInstant.base)
        _ = try await store.write {
            try $0.run("INSERT INTO knowledge_votes (item_id, user_id, vote) VALUES ('z', 'u1', 0)")
        }
        #expect(try await votes.votes(userID: "u1") == ["a": .up, "b": .down])
    }
}
