import AgnesConnectors
import AgnesCore
import AgnesData
import DuckDB
import Foundation
import Logging
import Testing

@Suite struct LocalFilesSourceTests {
    func write(_ text: String, _ name: String, in fixture: DataFixture) throws {
        try FileManager.default.createDirectory(
            at: fixture.layout.localSourceDirectory, withIntermediateDirectories: true)
        try Data(text.utf8).write(to: fixture.layout.localSourceDirectory.appendingPathComponent(name))
    }

    func source(_ fixture: DataFixture) -> LocalFilesSource {
        LocalFilesSource(layout: fixture.layout, logger: Logger(label: "test"))
    }

    @Test func everySupportedFormatBecomesATable() async throws {
        let fixture = try await DataFixture()
        try write("id,name,amount\n1,a,1.5\n2,b,\n3,c,2.25\n", "Sales Orders.csv", in: fixture)
        try write("id\tcity\n1\tPrague\n2\tBrno\n", "cities.tsv", in: fixture)
        try write(#"[{"id": 1, "tags": ["x"]}, {"id": 2, "tags": []}]"#, "items.json", in: fixture)
        try write("{\"id\": 1}\n{\"id\": 2}\n{\"id\": 3}\n", "events.ndjson", in: fixture)
        let parquet = fixture.layout.localSourceDirectory.appendingPathComponent("big.parquet")
        try Database().connect().execute(
            "COPY (SELECT range AS id FROM range(5000)) TO \(SQLText.literal(parquet.path)) (FORMAT parquet)")
        let report = try source(fixture).sync()
        #expect(report.tables == ["big", "cities", "events", "items", "sales_orders"])
        #expect(report.failures.isEmpty)
        let result = try await fixture.orchestrator.rebuild()
        #expect(result.sources["local"] == ["big", "cities", "events", "items", "sales_orders"])
        #expect(try await fixture.count("sales_orders") == 3)
        #expect(try await fixture.count("big") == 5000)
        #expect(try await fixture.count("events") == 3)
        let types = try await fixture.analytics.withConnection { connection in
            try connection.query("SELECT typeof(amount), typeof(name) FROM sales_orders LIMIT 1").rows[0].map(
                \.description)
        }
        #expect(types == ["DOUBLE", "VARCHAR"])
        let published = fixture.layout.dataFile(source: LocalFilesSource.sourceName, table: Identifier("big")!)
        #expect(try Publisher.md5(of: published).md5 == Publisher.md5(of: parquet).md5)
    }

    @Test func aBadFileSkipsOnlyItsTable() async throws {
        let fixture = try await DataFixture()
        try write("id,name\n1,a\n", "good.csv", in: fixture)
        try write("{ this is not json", "broken.json", in: fixture)
        try write("PAR1 not really parquet", "fake.parquet", in: fixture)
        let report = try source(fixture).sync()
        #expect(report.tables == ["good"])
        #expect(Set(report.failures.map(\.file)) == ["broken.json", "fake.parquet"])
        #expect(report.failures.allSatisfy { !$0.message.isEmpty })
        _ = try await fixture.orchestrator.rebuild()
        #expect(try await fixture.count("good") == 1)
    }

    @Test func unchangedFilesAreNotConvertedAgainAndChangedOnesAre() async throws {
        let fixture = try await DataFixture()
        try write("id\n1\n2\n", "a.csv", in: fixture)
        try write("id\n1\n", "b.csv", in: fixture)
        let first = try source(fixture).sync()
        #expect(first.published == ["a", "b"])
        let second = try source(fixture).sync()
        #expect(second.published.isEmpty && second.unchanged == ["a", "b"])
        // A different size: the change is seen whatever the file system's timestamp resolution.
        try write("id\n1\n2\n3\n", "a.csv", in: fixture)
        let third = try source(fixture).sync()
        #expect(third.published == ["a"] && third.unchanged == ["b"])
        _ = try await fixture.orchestrator.rebuild()
        #expect(try await fixture.count("a") == 3)
    }

    @Test func aFileThatTurnsBadKeepsItsLastGoodVersion() async throws {
        let fixture = try await DataFixture()
        try write(#"[{"id": 1}, {"id": 2}]"#, "a.json", in: fixture)
        #expect(try source(fixture).sync().published == ["a"])
        // Not JSON at all (DuckDB refuses it, unlike CSV, which reads almost anything); a different
        // size, so the change is seen whatever the file system's timestamp resolution.
        try write("{ \"id\": 1, this is not json", "a.json", in: fixture)
        let report = try source(fixture).sync()
        #expect(report.failures.map(\.file) == ["a.json"])
        #expect(report.failures.allSatisfy { !$0.message.isEmpty })
        #expect(report.published.isEmpty)
        #expect(report.tables == ["a"], "the last good version stays published")
        _ = try await fixture.orchestrator.rebuild()
        #expect(try await fixture.count("a") == 2)
    }

    @Test func removedFilesDropTheirTables() async throws {
        let fixture = try await DataFixture()
        try write("id\n1\n", "a.csv", in: fixture)
        try write("id\n1\n", "b.csv", in: fixture)
        _ = try source(fixture).sync()
        try FileManager.default.removeItem(at: fixture.layout.localSourceDirectory.appendingPathComponent("b.csv"))
        let report = try source(fixture).sync()
        #expect(report.tables == ["a"] && report.removed == ["b"])
        #expect(
            !FileManager.default.fileExists(
                atPath: fixture.layout.dataFile(source: LocalFilesSource.sourceName, table: Identifier("b")!).path))
    }

    @Test func anExtractWrittenBeforeVersionsKeepsServingAndItsTablesGetVersions() async throws {
        let fixture = try await DataFixture()
        try write("id\n1\n2\n", "a.csv", in: fixture)
        _ = try source(fixture).sync()
        // The extract as it was written before versions: views over the canonical file, no version column.
        let canonical = fixture.layout.dataFile(source: LocalFilesSource.sourceName, table: Identifier("a")!)
        try fixture.alterExtract(
            "local",
            "CREATE OR REPLACE VIEW a AS SELECT * FROM read_parquet(\(SQLText.literal(canonical.path))); "
                + "ALTER TABLE _content_hashes DROP COLUMN version_file")
        let old = try await fixture.orchestrator.rebuild()
        #expect(old.sources["local"] == ["a"] && old.issues.isEmpty)
        #expect(try await fixture.count("a") == 2)
        // Unchanged input all the same: the table is published again, now with a version.
        let report = try source(fixture).sync()
        #expect(report.published == ["a"] && report.unchanged.isEmpty)
        #expect(try fixture.versionFiles("local").count == 1)
        _ = try await fixture.orchestrator.rebuild()
        #expect(try await fixture.count("a") == 2)
        #expect(try source(fixture).sync().unchanged == ["a"])
    }

    @Test func twoFilesForOneTableNameAreReported() async throws {
        let fixture = try await DataFixture()
        try write("id\n1\n", "orders.csv", in: fixture)
        try write(#"[{"id": 2}]"#, "orders.json", in: fixture)
        let report = try source(fixture).sync()
        #expect(report.tables == ["orders"])
        #expect(report.failures.map(\.file) == ["orders.json"])
        #expect(report.failures.first?.message.contains("already comes from orders.csv") == true)
    }

    @Test(arguments: [
        ("Sales Orders", "sales_orders"), ("2024-report", "_2024_report"), ("ÜBER data!", "ber_data"), ("a__b", "a_b"),
    ])
    func tableNamesAreDerivedFromFileNames(fileName: String, expected: String) {
        #expect(Identifier.derived(from: fileName)?.rawValue == expected)
    }
}
