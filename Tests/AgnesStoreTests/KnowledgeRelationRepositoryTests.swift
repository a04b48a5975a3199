import AgnesCore
import AgnesStore
import Foundation
import Testing

@Suite struct KnowledgeRelationRepositoryTests {
    @Test func pairsAreCanonicalised() async throws {
        let relations = DuckDBKnowledgeRelationRepository(store: try await SystemStore.inMemory())
        let forward = try await relations.upsert(
            itemID: "b", otherItemID: "a", type: "duplicate", score: 0.8, at: FixedInstant.base)
        #expect(forward.itemAID == "a" && forward.itemBID == "b")
        let backward = try await relations.upsert(
            itemID: "a", otherItemID: "b", type: "duplicate", score: 0.9, at: FixedInstant.plus(1))
        #expect(backward.itemAID == "a" && backward.itemBID == "b" && backward.score == 0.9)
        #expect(backward.createdAt == FixedInstant.base)
        #expect(try await relations.list(isResolved: nil, limit: nil).count == 1)
    }

    @Test func upsertKeepsAnEarlierVerdict() async throws {
        let relations = DuckDBKnowledgeRelationRepository(store: try await SystemStore.inMemory())
        try await relations.upsert(itemID: "a", otherItemID: "b", type: "duplicate", score: 0.8, at: FixedInstant.base)
        try await relations.resolve(
            itemID: "b", otherItemID: "a", type: nil, resolution: "different", by: "admin", at: FixedInstant.plus(1))
        let again = try await relations.upsert(
            itemID: "b", otherItemID: "a", type: "duplicate", score: 0.7, at: FixedInstant.plus(2))
        #expect(again.isResolved && again.resolution == "different" && again.score == 0.7)
    }

    @Test func listForAnItemSeesBothSides() async throws {
        let relations = DuckDBKnowledgeRelationRepository(store: try await SystemStore.inMemory())
        try await relations.upsert(itemID: "m", otherItemID: "a", type: "duplicate", score: 0.5, at: FixedInstant.base)
        try await relations.upsert(itemID: "m", otherItemID: "z", type: "duplicate", score: 0.9, at: FixedInstant.base)
        try await relations.upsert(itemID: "a", otherItemID: "z", type: "duplicate", score: 0.1, at: FixedInstant.base)
        let forM = try await relations.list(itemID: "m")
        #expect(forM.map { [$0.itemAID, $0.itemBID] } == [["m", "z"], ["a", "m"]])
        #expect(try await relations.list(itemID: "nothing").isEmpty)
    }

    @Test func resolveMarksThePairWhicheverOrderItIsNamedIn() async throws {
        let relations = DuckDBKnowledgeRelationRepository(store: try await SystemStore.inMemory())
        try await relations.upsert(itemID: "a", otherItemID: "b", type: "duplicate", score: 0.9, at: FixedInstant.base)
        try await relations.upsert(itemID: "a", otherItemID: "b", type: "related", score: 0.4, at: FixedInstant.base)
        try await relations.upsert(itemID: "a", otherItemID: "c", type: "duplicate", score: 0.3, at: FixedInstant.base)
        let resolved = try await relations.resolve(
            itemID: "b", otherItemID: "a", type: "duplicate", resolution: "duplicate", by: "admin",
            at: FixedInstant.plus(5))
        #expect(resolved == 1)
        let done = try #require(try await relations.list(isResolved: true, limit: nil).first)
        #expect(
            done.relationType == "duplicate" && done.resolvedBy == "admin" && done.resolvedAt == FixedInstant.plus(5))
        #expect(
            try await relations.list(isResolved: false, limit: nil).map(\.relationType) == ["related", "duplicate"])
        #expect(try await relations.list(isResolved: false, limit: 1).count == 1)
        let all = try await relations.resolve(
            itemID: "a", otherItemID: "b", type: nil, resolution: "dismissed", by: nil, at: FixedInstant.plus(6))
        #expect(all == 2)
        #expect(
            try await relations.resolve(
                itemID: "x", otherItemID: "y", type: nil, resolution: "dismissed", by: nil, at: FixedInstant.base) == 0)
    }
}
