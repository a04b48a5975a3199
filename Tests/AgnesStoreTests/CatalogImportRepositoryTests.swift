import AgnesCore
import AgnesStore
import Foundation
import Testing

/// The catalog export's writes: its own rows replaced and pruned, everybody else's left alone.
@Suite struct CatalogImportRepositoryTests {
    static func exported(_ name: String, _ description: String) -> ColumnMetadata {
        ColumnMetadata(
            tableID: "orders", columnName: name, description: description, tags: ["PII.Sensitive"],
            source: MetadataSource.openMetadata)
    }

    @Test func aTablesImportReplacesAndPrunesItsOwnRowsAndKeepsOthers() async throws {
        let store = try await SystemStore.inMemory()
        let columns = DuckDBColumnMetadataRepository(store: store)
        let imports = CatalogImportRepository(store: store)
        try await columns.upsert([
            ColumnMetadata(tableID: "orders", columnName: "amount", description: "by hand"),
            ColumnMetadata(tableID: "orders", columnName: "note", description: "an AI guess", source: "ai"),
        ])
        let table = TableMetadata(
            tableID: "orders", fqn: "bigquery.orders", description: "Orders", tags: ["Tier.Tier1"])
        let first = try await imports.importTable(
            table,
            columns: [
                Self.exported("amount", "catalog"), Self.exported("email", "Email"), Self.exported("status", "State"),
            ])
        #expect(first == CatalogImportCounts(written: 2, keptManual: 1, removed: 0))
        let second = try await imports.importTable(table, columns: [Self.exported("email", "Email, v2")])
        #expect(second == CatalogImportCounts(written: 1, keptManual: 0, removed: 1))
        let rows = try await columns.list(tableID: "orders")
        #expect(rows.map(\.columnName) == ["amount", "email", "note"])
        #expect(rows[0].description == "by hand" && rows[0].source == "manual")
        #expect(rows[1].description == "Email, v2" && rows[1].tags == ["PII.Sensitive"])
        #expect(rows[2].source == "ai", "another source's row is not the export's to remove")
        let documented = try await DuckDBTableMetadataRepository(store: store).find(tableID: "orders")
        #expect(documented?.source == MetadataSource.openMetadata && documented?.tier == nil)
        #expect(try await DuckDBTableMetadataRepository(store: store).descriptions() == ["orders": "Orders"])

        #expect(try await imports.removeTable("orders") == 1)
        #expect(try await columns.list(tableID: "orders").map(\.columnName) == ["amount", "note"])
        #expect(try await DuckDBTableMetadataRepository(store: store).find(tableID: "orders") == nil)
    }

    @Test func rowsOfTablesNoLongerRegisteredGoUnlessSomeoneElseWroteThem() async throws {
        let store = try await SystemStore.inMemory()
        let imports = CatalogImportRepository(store: store)
        for id in ["orders", "gone"] {
            var column = Self.exported("email", "Email")
            column.tableID = id
            _ = try await imports.importTable(TableMetadata(tableID: id), columns: [column])
        }
        try await DuckDBColumnMetadataRepository(store: store).upsert(
            ColumnMetadata(tableID: "gone", columnName: "kept", description: "by hand"))
        #expect(try await imports.removeTables(notIn: ["orders"]) == 1)
        #expect(try await DuckDBTableMetadataRepository(store: store).list().map(\.tableID) == ["orders"])
        #expect(
            try await DuckDBColumnMetadataRepository(store: store).list(tableID: "gone").map(\.columnName) == ["kept"])
    }

    @Test func metricsOfOtherSourcesAreKeptAndOnlyTheExportsStaleOnesGo() async throws {
        let store = try await SystemStore.inMemory()
        let metrics = DuckDBMetricDefinitionRepository(store: store)
        let imports = CatalogImportRepository(store: store)
        func metric(_ id: String, sql: String, source: String = MetadataSource.openMetadata) -> MetricDefinition {
            let parts = id.split(separator: "/").map(String.init)
            return MetricDefinition(
                id: id, name: parts[1], displayName: parts[1], category: parts[0], sql: sql, source: source)
        }
        try await metrics.upsert(metric("finance/mrr", sql: "by hand", source: MetadataSource.manual))
        try await metrics.upsert(metric("finance/arr", sql: "imported", source: MetadataSource.yamlImport))
        let first = try await imports.importMetrics(
            [
                metric("finance/mrr", sql: "catalog"), metric("sales/orders", sql: "catalog"),
                metric("sales/refunds", sql: "x"),
            ],
            removingStale: true)
        #expect(first == CatalogImportCounts(written: 2, keptManual: 1, removed: 0))
        // `sales/refunds` could not be read this time: kept. `sales/orders` is gone from the catalog.
        let second = try await imports.importMetrics([], keeping: ["sales/refunds"], removingStale: true)
        #expect(second == CatalogImportCounts(written: 0, keptManual: 0, removed: 1))
        let left = try await metrics.list(category: nil)
        #expect(left.map(\.id) == ["finance/arr", "finance/mrr", "sales/refunds"])
        #expect(left.first { $0.id == "finance/mrr" }?.sql == "by hand")
        let unsure = try await imports.importMetrics([], removingStale: false)
        #expect(unsure.removed == 0)
        #expect(try await metrics.list(category: nil).count == 3)
    }
}
