import AgnesCore
import AgnesStore
import Foundation
import Testing

@Suite struct ColumnMetadataRepositoryTests {
    @Test func upsertWritesColumnsAndListOrdersThem() async throws {
        let metadata = DuckDBColumnMetadataRepository(store: try await SystemStore.inMemory())
        let written = try await metadata.upsert([
            ColumnMetadata(tableID: "orders", columnName: "status", basetype: "STRING", description: "Order state"),
            ColumnMetadata(
                tableID: "orders", columnName: "amount", basetype: "NUMERIC", confidence: "high", source: "ai"),
            ColumnMetadata(tableID: "customers", columnName: "id"),
        ])
        #expect(written == 3)
        let columns = try await metadata.list(tableID: "orders")
        #expect(columns.map(\.columnName) == ["amount", "status"])
        #expect(columns[0].basetype == "NUMERIC" && columns[0].confidence == "high" && columns[0].source == "ai")
        #expect(
            columns[1].description == "Order state" && columns[1].confidence == "manual"
                && columns[1].source == "manual")
        #expect(columns.allSatisfy { $0.updatedAt != nil })
        #expect(try await metadata.list(tableID: "missing").isEmpty)
    }

    @Test func upsertReplacesEveryField() async throws {
        let metadata = DuckDBColumnMetadataRepository(store: try await SystemStore.inMemory())
        try await metadata.upsert(
            ColumnMetadata(tableID: "orders", columnName: "amount", basetype: "NUMERIC", description: "x"))
        try await metadata.upsert(ColumnMetadata(tableID: "orders", columnName: "amount", description: "Net amount"))
        let columns = try await metadata.list(tableID: "orders")
        #expect(columns.count == 1)
        #expect(columns.first?.basetype == nil && columns.first?.description == "Net amount")
    }

    @Test func theSameColumnTwiceInOneBatchKeepsTheLast() async throws {
        let metadata = DuckDBColumnMetadataRepository(store: try await SystemStore.inMemory())
        try await metadata.upsert([
            ColumnMetadata(tableID: "orders", columnName: "amount", description: "first"),
            ColumnMetadata(tableID: "orders", columnName: "amount", description: "second"),
        ])
        #expect(try await metadata.list(tableID: "orders").map(\.description) == ["second"])
        #expect(try await metadata.upsert([]) == 0)
    }

    @Test func deleteRemovesOneColumn() async throws {
        let metadata = DuckDBColumnMetadataRepository(store: try await SystemStore.inMemory())
        try await metadata.upsert(["a", "b"].map { ColumnMetadata(tableID: "orders", columnName: $0) })
        #expect(try await metadata.delete(tableID: "orders", columnName: "a"))
        #expect(try await metadata.delete(tableID: "orders", columnName: "a") == false)
        #expect(try await metadata.list(tableID: "orders").map(\.columnName) == ["b"])
    }

    @Test func deleteAllRemovesOnlyThatTable() async throws {
        let metadata = DuckDBColumnMetadataRepository(store: try await SystemStore.inMemory())
        try await metadata.upsert(["a", "b"].map { ColumnMetadata(tableID: "orders", columnName: $0) })
        try await metadata.upsert(ColumnMetadata(tableID: "customers", columnName: "id"))
        #expect(try await metadata.deleteAll(tableID: "orders") == 2)
        #expect(try await metadata.deleteAll(tableID: "orders") == 0)
        #expect(try await metadata.list(tableID: "customers").count == 1)
    }
}
