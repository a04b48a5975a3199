import AgnesCore
import AgnesStore
import DuckDB
import Foundation
import Testing

@Suite struct MetricDefinitionRepositoryTests {
    static let revenue = MetricDefinition(
        id: "finance/revenue", name: "revenue", displayName: "Revenue", category: "finance",
        sql: "SELECT sum(amount) FROM orders", description: "Net revenue", type: "sum", unit: "USD", grain: "daily",
        tableName: "orders", tables: ["orders", "refunds"], expression: "sum(amount)", timeColumn: "created_at",
        dimensions: ["region", "product"], filters: ["status = 'paid'"], synonyms: ["sales", "turnover"],
        notes: ["Excludes VAT"], sqlVariants: ["by_region": "SELECT region, sum(amount) FROM orders GROUP BY 1"],
        validationJSON: #"{"max": 1000000, "min": 0}"#, source: "yaml_import", createdAt: RegistryFixtures.time)

    @Test func upsertRoundTripsListsAndJSON() async throws {
        let metrics = DuckDBMetricDefinitionRepository(store: try await SystemStore.inMemory())
        let stored = try await metrics.upsert(Self.revenue)
        var expected = Self.revenue
        expected.updatedAt = stored.updatedAt
        #expect(stored == expected && stored.updatedAt != nil)
        #expect(try await metrics.find(id: "finance/revenue") == expected)
        let validation = try JSONDecoder().decode(
            [String: Int].self, from: Data(try #require(stored.validationJSON).utf8))
        #expect(validation == ["min": 0, "max": 1_000_000])
    }

    @Test func upsertReplacesTheMetricButKeepsItsCreationTime() async throws {
        let metrics = DuckDBMetricDefinitionRepository(store: try await SystemStore.inMemory())
        try await metrics.upsert(Self.revenue)
        let replacement = MetricDefinition(
            id: "finance/revenue", name: "revenue", displayName: "Gross revenue", category: "finance", sql: "SELECT 1")
        let stored = try await metrics.upsert(replacement)
        #expect(stored.displayName == "Gross revenue" && stored.tables.isEmpty && stored.sqlVariants.isEmpty)
        #expect(stored.validationJSON == nil && stored.source == "manual" && stored.grain == "monthly")
        #expect(stored.createdAt == RegistryFixtures.time)
        #expect(try #require(stored.updatedAt) > RegistryFixtures.time)
        #expect(try await metrics.list(category: nil).count == 1)
    }

    @Test func nullListsAndJSONReadAsEmpty() async throws {
        let store = try await SystemStore.inMemory()
        try await RegistryFixtures.run(
            store,
            "INSERT INTO metric_definitions (id, name, display_name, category, sql) VALUES (?, 'x', 'X', 'ops', '1')",
            [.varchar("ops/x")])
        let metric = try #require(try await DuckDBMetricDefinitionRepository(store: store).find(id: "ops/x"))
        #expect(metric.tables.isEmpty && metric.dimensions.isEmpty && metric.filters.isEmpty)
        #expect(metric.synonyms.isEmpty && metric.notes.isEmpty && metric.sqlVariants.isEmpty)
        #expect(metric.validationJSON == nil && metric.type == "sum" && metric.createdAt != nil)
    }

    @Test func listFiltersByCategoryOrderedByName() async throws {
        let metrics = DuckDBMetricDefinitionRepository(store: try await SystemStore.inMemory())
        for (category, name) in [("sales", "orders"), ("finance", "revenue"), ("finance", "cost")] {
            try await metrics.upsert(
                MetricDefinition(
                    id: "\(category)/\(name)", name: name, displayName: name, category: category, sql: "SELECT 1"))
        }
        #expect(try await metrics.list(category: nil).map(\.id) == ["finance/cost", "finance/revenue", "sales/orders"])
        #expect(try await metrics.list(category: "finance").map(\.name) == ["cost", "revenue"])
        #expect(try await metrics.list(category: "ops").isEmpty)
    }

    @Test func deleteRemovesTheMetric() async throws {
        let metrics = DuckDBMetricDefinitionRepository(store: try await SystemStore.inMemory())
        try await metrics.upsert(Self.revenue)
        #expect(try await metrics.delete(id: "finance/revenue"))
        #expect(try await metrics.find(id: "finance/revenue") == nil)
        #expect(try await metrics.delete(id: "finance/revenue") == false)
    }

    @Test func validationThatIsNotJSONIsRejected() async throws {
        let metrics = DuckDBMetricDefinitionRepository(store: try await SystemStore.inMemory())
        var metric = Self.revenue
        metric.validationJSON = "min: 0"
        let error = await #expect(throws: StoreError.self) { try await metrics.upsert(metric) }
        #expect(error?.code.rawValue == "invalid_value")
        #expect(try await metrics.find(id: metric.id) == nil)
    }
}
