import AgnesCore
import AgnesStore
import Foundation
import Testing

@Suite struct VerificationEvidenceRepositoryTests {
    @Test func appendAndListOldestFirst() async throws {
        let evidence = DuckDBVerificationEvidenceRepository(store: try await SystemStore.inMemory())
        let later = try await evidence.append(
            itemID: "a", sourceUser: "bo@x.io", sourceRef: "s2", detectionType: "restated", userQuote: "second",
            at: FixedInstant.plus(10))
        let earlier = try await evidence.append(
            itemID: "a", sourceUser: "ana@x.io", sourceRef: "s1", detectionType: "confirmed", userQuote: "first",
            at: FixedInstant.base)
        try await evidence.append(
            itemID: "b", sourceUser: nil, sourceRef: nil, detectionType: nil, userQuote: nil, at: FixedInstant.base)
        #expect(later.id != earlier.id)
        #expect(try await evidence.list(itemID: "a") == [earlier, later])
        #expect(try await evidence.list(itemID: "none").isEmpty)
    }
}
