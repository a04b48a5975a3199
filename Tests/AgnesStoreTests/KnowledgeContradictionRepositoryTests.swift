import AgnesCore
import AgnesStore
import Foundation
import Testing

@Suite struct KnowledgeContradictionRepositoryTests {
    @Test func createAssignsAPrefixedIDAndStoresTheFields() async throws {
        let contradictions = DuckDBKnowledgeContradictionRepository(store: try await SystemStore.inMemory())
        let created = try await contradictions.create(
            itemAID: "a", itemBID: "b", explanation: "differ on VAT", severity: "high",
            suggestedResolution: #"{"keep":"a"}"#, at: FixedInstant.base)
        #expect(created.id.hasPrefix("kc_") && created.id.count == 15)
        #expect(created.id.dropFirst(3).allSatisfy { $0.isHexDigit })
        #expect(created.itemAID == "a" && created.itemBID == "b" && created.severity == "high")
        #expect(created.suggestedResolution == #"{"keep":"a"}"# && created.detectedAt == FixedInstant.base)
        #expect(!created.isResolved)
        #expect(try await contradictions.find(id: created.id) == created)
        #expect(try await contradictions.find(id: "kc_missing") == nil)
    }

    @Test func listFiltersOnResolutionNewestFirst() async throws {
        let contradictions = DuckDBKnowledgeContradictionRepository(store: try await SystemStore.inMemory())
        let old = try await contradictions.create(
            itemAID: "a", itemBID: "b", explanation: nil, severity: nil, suggestedResolution: nil, at: FixedInstant.base
        )
        let new = try await contradictions.create(
            itemAID: "c", itemBID: "d", explanation: nil, severity: nil, suggestedResolution: nil,
            at: FixedInstant.plus(10))
        _ = try await contradictions.resolve(id: old.id, resolution: "kept_a", by: "admin", at: FixedInstant.plus(20))
        #expect(try await contradictions.list(isResolved: false).map(\.id) == [new.id])
        #expect(try await contradictions.list(isResolved: true).map(\.id) == [old.id])
        #expect(try await contradictions.list(isResolved: nil).map(\.id) == [new.id, old.id])
    }

    @Test func resolveRecordsTheVerdictOnce() async throws {
        let contradictions = DuckDBKnowledgeContradictionRepository(store: try await SystemStore.inMemory())
        let created = try await contradictions.create(
            itemAID: "a", itemBID: "b", explanation: nil, severity: nil, suggestedResolution: nil, at: FixedInstant.base
        )
        let resolved = try await contradictions.resolve(
            id: created.id, resolution: "merged", by: "admin", at: FixedInstant.plus(5))
        #expect(resolved.isResolved && resolved.resolution == "merged")
        #expect(resolved.resolvedBy == "admin" && resolved.resolvedAt == FixedInstant.plus(5))
        let again = await #expect(throws: StoreError.self) {
            try await contradictions.resolve(
                id: created.id, resolution: "kept_b", by: "other", at: FixedInstant.plus(9))
        }
        #expect(again?.code == .conflict)
        #expect(try await contradictions.find(id: created.id)?.resolution == "merged")
    }

    @Test func resolvingAMissingContradictionIsNotFound() async throws {
        let contradictions = DuckDBKnowledgeContradictionRepository(store: try await SystemStore.inMemory())
        let error = await #expect(throws: StoreError.self) {
            try await contradictions.resolve(id: "kc_missing", resolution: "merged", by: nil, at: FixedInstant.base)
        }
        #expect(error?.code == .notFound)
    }
}
