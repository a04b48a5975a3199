import AgnesCore
import AgnesData
import DuckDB
import Foundation
import Testing

@Suite struct IncrementalRebuildTests {
    func columns(_ fixture: DataFixture, _ view: String) async throws -> [String] {
        try await fixture.analytics.withConnection { connection in
            try connection.query("SELECT column_name FROM (DESCRIBE SELECT * FROM \"\(view)\")").rows.compactMap {
                $0[0].string
            }
        }
    }

    @Test func aDataFileReplacedWithANewSchemaIsRebound() async throws {
        let fixture = try await DataFixture()
        try fixture.writeSource("sales", tables: ["orders": "SELECT 1 AS id", "stable": "SELECT 1 AS x"])
        _ = try await fixture.orchestrator.rebuild()
        #expect(try await columns(fixture, "orders") == ["id"])
        // A connector replaces only the parquet file (same extract.duckdb), with another schema.
        let file = fixture.layout.dataFile(source: Identifier("sales")!, table: Identifier("orders")!)
        _ = try Publisher().publish(to: file) { temporary in
            try Database().connect().execute(
                "COPY (SELECT 1 AS id, 'x' AS note) TO \(SQLText.literal(temporary.path)) (FORMAT parquet)")
        }
        _ = try await fixture.orchestrator.rebuild()
        #expect(try await columns(fixture, "orders") == ["id", "note"])
        #expect(try await fixture.count("stable") == 1)
    }

    @Test func removedSourcesAndTablesDisappear() async throws {
        let fixture = try await DataFixture()
        try fixture.writeSource("a", tables: ["one": "SELECT 1 AS id", "two": "SELECT 2 AS id"])
        try fixture.writeSource("b", tables: ["three": "SELECT 3 AS id"])
        _ = try await fixture.orchestrator.rebuild()
        try fixture.writeSource("a", tables: ["one": "SELECT 1 AS id"])
        try FileManager.default.removeItem(at: fixture.layout.sourceDirectory(Identifier("b")!))
        let result = try await fixture.orchestrator.rebuild()
        #expect(result.sources == ["a": ["one"]])
        let views = try await fixture.analytics.withConnection { connection in
            try connection.query(
                "SELECT view_name FROM duckdb_views() WHERE NOT internal AND database_name = current_database() ORDER BY 1"
            ).rows.compactMap { $0[0].string }
        }
        #expect(views == ["one"])
    }

    @Test func aDamagedPreviousGenerationIsRebuiltFromScratch() async throws {
        let fixture = try await DataFixture()
        try fixture.writeSource("a", tables: ["one": "SELECT 1 AS id"])
        _ = try await fixture.orchestrator.rebuild()
        try Data(repeating: 0x33, count: 50_000).write(to: fixture.layout.analyticsFile)
        let result = try await fixture.orchestrator.rebuild()
        #expect(result.sources == ["a": ["one"]])
        #expect(try await fixture.count("one") == 1)
    }

    @Test func aViewThatFailsIsRetriedOnceItsSourceIsFixed() async throws {
        let fixture = try await DataFixture()
        try fixture.writeSource("a", tables: ["one": "SELECT 1 AS id", "two": "SELECT 2 AS id"])
        let file = fixture.layout.dataFile(source: Identifier("a")!, table: Identifier("two")!)
        let saved = try Data(contentsOf: file)
        try FileManager.default.removeItem(at: file)
        let broken = try await fixture.orchestrator.rebuild()
        #expect(broken.sources == ["a": ["one"]])
        #expect(broken.issues.contains { $0.table == "two" && $0.message.contains("view cannot be created") })
        try saved.write(to: file)
        let fixed = try await fixture.orchestrator.rebuild()
        #expect(fixed.sources == ["a": ["one", "two"]])
        #expect(try await fixture.count("two") == 1)
    }
}
