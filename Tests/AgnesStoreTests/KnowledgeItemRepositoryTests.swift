import AgnesCore
import AgnesStore
import Foundation
import Testing

@Suite struct KnowledgeItemRepositoryTests {
    @Test func createAndFindRoundTripsEveryField() async throws {
        let items = DuckDBKnowledgeItemRepository(store: try await SystemStore.inMemory())
        let item = KnowledgeItem(
            id: "k1", title: "Revenue", content: "Net of VAT", category: "metrics", tags: ["finance", "revenue"],
            status: .approved, contributors: ["ana@x.io", "bo@x.io"], sourceUser: "ana@x.io", audience: "group:Finance",
            confidence: 0.75, domain: "finance", entities: ["VAT"], sourceType: "manual", sourceRef: "chat:1",
            validFrom: FixedInstant.base, validUntil: FixedInstant.plus(3600), supersedes: "k0",
            sensitivity: "confidential", isPersonal: true, createdAt: FixedInstant.base, updatedAt: FixedInstant.plus(5)
        )
        #expect(try await items.create(item) == item)
        #expect(try await items.find(id: "k1") == item)
        #expect(try await items.find(id: "missing") == nil)
    }

    @Test func createDefaultsTimesAndEmptyLists() async throws {
        let items = DuckDBKnowledgeItemRepository(store: try await SystemStore.inMemory())
        let created = try await items.create(KnowledgeItem(id: "k1", title: "T"))
        #expect(created.createdAt != nil && created.updatedAt == created.createdAt)
        #expect(created.tags.isEmpty && created.entities.isEmpty && created.contributors.isEmpty)
        #expect(created.status == .pending)
        let duplicate = await #expect(throws: StoreError.self) {
            try await items.create(KnowledgeItem(id: "k1", title: "U"))
        }
        #expect(duplicate?.code == .conflict)
    }

    @Test func listFiltersAndOrdersByUpdateTime() async throws {
        let items = DuckDBKnowledgeItemRepository(store: try await SystemStore.inMemory())
        _ = try await items.create(.sample("a", status: .approved, domain: "finance", category: "rules", offset: 0))
        _ = try await items.create(.sample("b", status: .pending, domain: "finance", offset: 10))
        _ = try await items.create(.sample("c", status: .mandatory, domain: "data", category: "rules", offset: 20))
        _ = try await items.create(.sample("p", status: .approved, domain: "finance", isPersonal: true, offset: 30))
        #expect(try await items.list(matching: KnowledgeItemFilter()).map(\.id) == ["c", "b", "a"])
        #expect(
            try await items.list(matching: KnowledgeItemFilter(excludesPersonal: false)).map(\.id) == [
                "p", "c", "b", "a",
            ])
        let statuses = KnowledgeItemFilter(statuses: [.approved, .mandatory])
        #expect(try await items.list(matching: statuses).map(\.id) == ["c", "a"])
        #expect(try await items.list(matching: KnowledgeItemFilter(domain: "finance")).map(\.id) == ["b", "a"])
        #expect(try await items.list(matching: KnowledgeItemFilter(category: "rules")).map(\.id) == ["c", "a"])
        #expect(try await items.list(matching: KnowledgeItemFilter(limit: 1, offset: 1)).map(\.id) == ["b"])
        #expect(try await items.count(matching: KnowledgeItemFilter(limit: 1)) == 3)
        #expect(try await items.count(matching: KnowledgeItemFilter(sourceType: "other")) == 0)
    }

    @Test func searchIsCaseInsensitiveOnTitleAndContent() async throws {
        let items = DuckDBKnowledgeItemRepository(store: try await SystemStore.inMemory())
        _ = try await items.create(.sample("a", title: "Churn definition", content: "Monthly"))
        _ = try await items.create(.sample("b", title: "Other", content: "uses CHURN rate"))
        _ = try await items.create(.sample("c", title: "Unrelated"))
        #expect(Set(try await items.list(matching: KnowledgeItemFilter(search: "churn")).map(\.id)) == ["a", "b"])
        #expect(try await items.count(matching: KnowledgeItemFilter(search: "MONTH")) == 1)
    }

    @Test func searchTreatsWildcardsLiterally() async throws {
        let items = DuckDBKnowledgeItemRepository(store: try await SystemStore.inMemory())
        _ = try await items.create(.sample("pct", title: "Margin is 50% of revenue"))
        _ = try await items.create(.sample("under", title: "Column user_id"))
        _ = try await items.create(.sample("plain", title: "Margin is 50 of revenue", content: "userXid"))
        _ = try await items.create(.sample("slash", title: #"Path C:\data"#))
        #expect(try await items.list(matching: KnowledgeItemFilter(search: "50%")).map(\.id) == ["pct"])
        #expect(try await items.list(matching: KnowledgeItemFilter(search: "user_id")).map(\.id) == ["under"])
        #expect(try await items.list(matching: KnowledgeItemFilter(search: "%")).map(\.id) == ["pct"])
        #expect(try await items.list(matching: KnowledgeItemFilter(search: #"C:\d"#)).map(\.id) == ["slash"])
    }

    @Test func setStatusStampsTheUpdateTime() async throws {
        let items = DuckDBKnowledgeItemRepository(store: try await SystemStore.inMemory())
        _ = try await items.create(.sample("a"))
        #expect(try await items.setStatus(id: "a", to: .approved, at: FixedInstant.plus(60)))
        let approved = try #require(try await items.find(id: "a"))
        #expect(approved.status == .approved && approved.updatedAt == FixedInstant.plus(60))
        #expect(try await items.setStatus(id: "missing", to: .approved, at: FixedInstant.base) == false)
    }

    @Test func updateChangesOnlyTheGivenFieldsAndClearsExplicitNils() async throws {
        let items = DuckDBKnowledgeItemRepository(store: try await SystemStore.inMemory())
        _ = try await items.create(.sample("a", content: "old", domain: "finance", category: "rules"))
        var changes = KnowledgeItemChanges()
        changes.title = "New title"
        changes.domain = .some(nil)
        changes.tags = ["x", "y"]
        changes.isPersonal = true
        let updated = try #require(try await items.update(id: "a", with: changes, at: FixedInstant.plus(60)))
        #expect(updated.title == "New title" && updated.domain == nil && updated.tags == ["x", "y"])
        #expect(updated.isPersonal && updated.content == "old" && updated.category == "rules")
        #expect(updated.updatedAt == FixedInstant.plus(60))
        #expect(try await items.update(id: "missing", with: changes, at: FixedInstant.base) == nil)
        #expect(KnowledgeItemChanges().isEmpty && !changes.isEmpty)
    }

    @Test func deleteCascadesToVotesEvidenceContradictionsAndRelations() async throws {
        let store = try await SystemStore.inMemory()
        let items = DuckDBKnowledgeItemRepository(store: store)
        let votes = DuckDBKnowledgeVoteRepository(store: store)
        let evidence = DuckDBVerificationEvidenceRepository(store: store)
        let contradictions = DuckDBKnowledgeContradictionRepository(store: store)
        let relations = DuckDBKnowledgeRelationRepository(store: store)
        _ = try await items.create(.sample("a"))
        _ = try await items.create(.sample("b"))
        try await votes.setVote(.up, itemID: "a", userID: "u1", at: FixedInstant.base)
        try await votes.setVote(.up, itemID: "b", userID: "u1", at: FixedInstant.base)
        try await evidence.append(
            itemID: "a", sourceUser: nil, sourceRef: nil, detectionType: nil, userQuote: nil, at: FixedInstant.base)
        _ = try await contradictions.create(
            itemAID: "b", itemBID: "a", explanation: nil, severity: nil, suggestedResolution: nil, at: FixedInstant.base
        )
        try await relations.upsert(itemID: "a", otherItemID: "b", type: "duplicate", score: 0.9, at: FixedInstant.base)

        #expect(try await items.delete(id: "a"))
        #expect(try await items.find(id: "a") == nil)
        #expect(try await votes.tally(itemID: "a") == VoteTally())
        #expect(try await evidence.list(itemID: "a").isEmpty)
        #expect(try await contradictions.list(isResolved: nil).isEmpty)
        #expect(try await relations.list(itemID: "b").isEmpty)
        #expect(try await votes.tally(itemID: "b").upvotes == 1)
        #expect(try await items.delete(id: "a") == false)
    }
}
