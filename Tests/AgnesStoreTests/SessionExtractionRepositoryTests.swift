import AgnesCore
import AgnesStore
import Foundation
import Testing

@Suite struct SessionExtractionRepositoryTests {
    @Test func markProcessedThenFind() async throws {
        let extraction = DuckDBSessionExtractionRepository(store: try await SystemStore.inMemory())
        #expect(try await extraction.find(sessionFile: "ana/s1.jsonl") == nil)
        try await extraction.markProcessed(
            sessionFile: "ana/s1.jsonl", username: "ana", fileHash: "abc", itemsExtracted: 3, at: FixedInstant.base)
        let found = try #require(try await extraction.find(sessionFile: "ana/s1.jsonl"))
        #expect(
            found
                == SessionExtraction(
                    sessionFile: "ana/s1.jsonl", username: "ana", processedAt: FixedInstant.base, itemsExtracted: 3,
                    fileHash: "abc"))
    }

    @Test func reprocessingReplacesTheRecord() async throws {
        let extraction = DuckDBSessionExtractionRepository(store: try await SystemStore.inMemory())
        try await extraction.markProcessed(
            sessionFile: "ana/s1.jsonl", username: "ana", fileHash: "abc", itemsExtracted: 3, at: FixedInstant.base)
        try await extraction.markProcessed(
            sessionFile: "ana/s1.jsonl", username: "ana", fileHash: "def", itemsExtracted: 0, at: FixedInstant.plus(60))
        let found = try #require(try await extraction.find(sessionFile: "ana/s1.jsonl"))
        #expect(found.fileHash == "def" && found.itemsExtracted == 0 && found.processedAt == FixedInstant.plus(60))
    }
}
