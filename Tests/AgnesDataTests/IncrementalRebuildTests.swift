import AgnesCore
import AgnesData
import AgnesStore
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

    @Test func aCanonicalFileReplacedUnderAThirdPartyExtractIsRebound() async throws {
        let fixture = try await DataFixture()
        try fixture.writeSource("sales", tables: ["orders": "SELECT 1 AS id", "stable": "SELECT 1 AS x"])
        // A third-party connector's extract: its view reads the canonical file and records no version.
        let file = fixture.layout.dataFile(source: Identifier("sales")!, table: Identifier("orders")!)
        try fixture.alterExtract(
            "sales",
            """
            CREATE OR REPLACE VIEW orders AS SELECT * FROM read_parquet(\(SQLText.literal(file.path)));
            DELETE FROM _content_hashes WHERE table_name = 'orders'
            """)
        _ = try await fixture.orchestrator.rebuild()
        #expect(try await columns(fixture, "orders") == ["id"])
        // The connector replaces only the parquet file (same extract.duckdb), with another schema.
        _ = try Publisher(keepsVersions: false).publish(to: file) { temporary in
            try Database().connect().execute(
                "COPY (SELECT 1 AS id, 'x' AS note) TO \(SQLText.literal(temporary.path)) (FORMAT parquet)")
        }
        _ = try await fixture.orchestrator.rebuild()
        #expect(try await columns(fixture, "orders") == ["id", "note"])
        #expect(try await fixture.count("stable") == 1)
    }

    @Test func aFilePublishedWithoutANewExtractLeavesTheViewOnTheVersionItsExtractNames() async throws {
        let fixture = try await DataFixture()
        let files = try fixture.writeSource("sales", tables: ["orders": "SELECT 1 AS id"])
        _ = try await fixture.orchestrator.rebuild()
        let file = fixture.layout.dataFile(source: Identifier("sales")!, table: Identifier("orders")!)
        let newer = try Publisher().publish(to: file) { temporary in
            try Database().connect().execute(
                "COPY (SELECT 1 AS id, 'x' AS note) TO \(SQLText.literal(temporary.path)) (FORMAT parquet)")
        }
        #expect(try Publisher.md5(of: file).md5 == newer.md5)
        _ = try await fixture.orchestrator.rebuild()
        // The extract is what publishes a table: its view and its hash stay together until it changes.
        #expect(try await columns(fixture, "orders") == ["id"])
        let state = try await DuckDBSyncStateRepository(store: fixture.store).find(tableID: "orders")
        #expect(state?.hash == files["orders"]?.md5)
    }

    @Test(arguments: ["/etc/hostname", "../../other/data/.versions/x.parquet", ".versions/../one.parquet"])
    func aRecordedVersionOutsideTheSourcesVersionsIsNeitherStattedNorHashed(path: String) async throws {
        let fixture = try await DataFixture()
        let files = try fixture.writeSource(
            "a", tables: ["one": "SELECT 1 AS id", "two": "SELECT range AS id FROM range(9)"])
        let data = fixture.layout.dataDirectory(Identifier("a")!).path
        let recorded = path.hasPrefix("/") ? path : "\(data)/\(path)"
        try fixture.alterExtract(
            "a", "UPDATE _content_hashes SET version_file = \(SQLText.literal(recorded)) WHERE table_name = 'one'")
        let result = try await fixture.orchestrator.rebuild()
        #expect(result.issues.isEmpty)
        // The hash is the recorded one of the canonical file, not one of the named file.
        let state = try await DuckDBSyncStateRepository(store: fixture.store).find(tableID: "one")
        #expect(state?.hash == files["one"]?.md5 && state?.status == "ok")
    }

    @Test func republishingIdenticalContentKeepsTheVersionAndTheSyncState() async throws {
        let fixture = try await DataFixture()
        let tables = ["orders": "SELECT range AS id FROM range(10)"]
        let first = try #require(try fixture.writeSource("sales", tables: tables)["orders"])
        _ = try await fixture.orchestrator.rebuild()
        let repository = DuckDBSyncStateRepository(store: fixture.store)
        let before = try await repository.find(tableID: "orders")
        let version = try #require(first.versionPath)
        let canonical = fixture.layout.dataFile(source: Identifier("sales")!, table: Identifier("orders")!).path
        let stamps = [FileStamp(version), FileStamp(canonical)]
        let second = try #require(try fixture.writeSource("sales", tables: tables)["orders"])
        #expect(second == first)
        #expect(try fixture.versionFiles("sales") == [URL(fileURLWithPath: version).lastPathComponent])
        // Nothing was rewritten or relinked: same inode, same modification time, for both names.
        #expect([FileStamp(version), FileStamp(canonical)] == stamps)
        _ = try await fixture.orchestrator.rebuild()
        #expect(try await repository.find(tableID: "orders") == before)
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
        let files = try fixture.writeSource("a", tables: ["one": "SELECT 1 AS id", "two": "SELECT 2 AS id"])
        // The file the view reads: the version the extract names.
        let file = URL(fileURLWithPath: try #require(files["two"]?.versionPath))
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
