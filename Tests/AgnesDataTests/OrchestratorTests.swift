import AgnesCore
import AgnesData
import AgnesStore
import DuckDB
import Foundation
import Testing

@Suite struct OrchestratorTests {
    @Test func rebuildPublishesEverySourcesViewsWithContentHashes() async throws {
        let fixture = try await DataFixture()
        try fixture.writeSource(
            "sales", tables: ["orders": "SELECT range AS id FROM range(1000)", "refunds": "SELECT 1 AS id"])
        try fixture.writeSource("crm", tables: ["customers": "SELECT range AS id, 'c' || range AS name FROM range(50)"])
        let result = try await fixture.orchestrator.rebuild()
        #expect(result.sources == ["crm": ["customers"], "sales": ["orders", "refunds"]])
        #expect(result.issues.isEmpty)
        #expect(try await fixture.count("orders") == 1000)
        #expect(try await fixture.count("customers") == 50)
        let state = try #require(try await DuckDBSyncStateRepository(store: fixture.store).find(tableID: "orders"))
        let file = fixture.layout.dataFile(source: Identifier("sales")!, table: Identifier("orders")!)
        #expect(state.hash == (try Publisher.md5(of: file).md5))
        #expect(state.rows == 1000)
        #expect(state.columns == 1)
        #expect(state.status == "ok")
        #expect(state.lastSync != nil)
    }

    @Test func unchangedRebuildWritesNothingNewAndKeepsLastSync() async throws {
        let fixture = try await DataFixture()
        try fixture.writeSource("sales", tables: ["orders": "SELECT range AS id FROM range(10)"])
        _ = try await fixture.orchestrator.rebuild()
        let repository = DuckDBSyncStateRepository(store: fixture.store)
        let first = try await repository.find(tableID: "orders")
        _ = try await fixture.orchestrator.rebuild()
        #expect(try await repository.find(tableID: "orders") == first)
        try fixture.writeSource("sales", tables: ["orders": "SELECT range AS id FROM range(20)"])
        _ = try await fixture.orchestrator.rebuild()
        let changed = try #require(try await repository.find(tableID: "orders"))
        #expect(changed.hash != first?.hash && changed.rows == 20)
        #expect(try #require(changed.lastSync) >= (try #require(first?.lastSync)))
    }

    @Test func corruptExtractIsReportedAndOthersStillServe() async throws {
        let fixture = try await DataFixture()
        try fixture.writeSource("good", tables: ["orders": "SELECT 1 AS id"])
        try fixture.writeSource("bad", tables: ["things": "SELECT 1 AS id"])
        try Data(repeating: 0x17, count: 10_000).write(
            to: fixture.layout.sourceDirectory(Identifier("bad")!).appendingPathComponent("extract.duckdb"))
        let result = try await fixture.orchestrator.rebuild()
        #expect(result.sources == ["good": ["orders"]])
        #expect(
            result.issues.contains { $0.source == "bad" && $0.table == nil && $0.message.contains("cannot be read") })
        #expect(try await fixture.count("orders") == 1)
    }

    @Test func missingMetaIsReported() async throws {
        let fixture = try await DataFixture()
        try fixture.writeSource("good", tables: ["orders": "SELECT 1 AS id"])
        try fixture.writeSource("nometa", tables: ["things": "SELECT 1 AS id"])
        try fixture.alterExtract("nometa", "DROP TABLE _meta")
        let result = try await fixture.orchestrator.rebuild()
        #expect(result.sources == ["good": ["orders"]])
        #expect(result.issues == [RebuildIssue(source: "nometa", message: "extract.duckdb has no _meta table")])
    }

    @Test func metaRowsNamingMissingViewsOrInvalidNamesAreSkipped() async throws {
        let fixture = try await DataFixture()
        try fixture.writeSource("sales", tables: ["orders": "SELECT 1 AS id"])
        try fixture.alterExtract(
            "sales",
            """
            INSERT INTO _meta (table_name, query_mode) VALUES ('ghost', 'local'), ('x; DROP TABLE users', 'local'), ('1abc', 'local');
            """)
        let result = try await fixture.orchestrator.rebuild()
        #expect(result.sources == ["sales": ["orders"]])
        #expect(
            result.issues.contains(
                RebuildIssue(
                    source: "sales", table: "ghost", message: "_meta names a view that does not exist; skipped")))
        #expect(
            result.issues.contains { $0.table == "x; DROP TABLE users" && $0.message.contains("invalid table name") })
        #expect(result.issues.contains { $0.table == "1abc" && $0.message.contains("invalid table name") })
        #expect(try await fixture.count("orders") == 1)
        #expect(try await DuckDBUserRepository(store: fixture.store).count() == 0)
    }

    @Test func invalidSourceDirectoryNameIsSkipped() async throws {
        let fixture = try await DataFixture()
        try fixture.writeSource("good", tables: ["orders": "SELECT 1 AS id"])
        let weird = fixture.layout.extractsDirectory.appendingPathComponent("bad-name")
        try FileManager.default.createDirectory(at: weird, withIntermediateDirectories: true)
        try FileManager.default.copyItem(
            at: fixture.layout.sourceDirectory(Identifier("good")!).appendingPathComponent("extract.duckdb"),
            to: weird.appendingPathComponent("extract.duckdb"))
        let result = try await fixture.orchestrator.rebuild()
        #expect(result.sources.keys.sorted() == ["good"])
        #expect(result.issues.contains { $0.source == "bad-name" && $0.message.contains("not a valid identifier") })
    }

    @Test(arguments: [
        ("httpfs", "KEBOOLA_STORAGE_TOKEN", "extension httpfs is not allowed"),
        ("keboola", "JWT_SECRET_KEY", "token_env JWT_SECRET_KEY is not allowed"),
        ("keboola", "lower_case", "not a valid environment variable name"),
        ("bad ext", "KBC_TOKEN", "is not a valid identifier"),
    ])
    func disallowedRemoteAttachRowsAreReportedAndChangeNothingElse(
        extensionName: String, tokenEnv: String, message: String
    ) async throws {
        let fixture = try await DataFixture()
        try fixture.writeSource("sales", tables: ["orders": "SELECT 1 AS id"])
        try fixture.alterExtract(
            "sales",
            "CREATE TABLE _remote_attach (alias VARCHAR, extension VARCHAR, url VARCHAR, token_env VARCHAR); "
                + "INSERT INTO _remote_attach VALUES ('kbc', '\(extensionName)', 'https://example.invalid', '\(tokenEnv)')"
        )
        let result = try await fixture.orchestrator.rebuild()
        #expect(result.sources == ["sales": ["orders"]])
        #expect(result.issues.count == 1)
        #expect(result.issues.first?.message.contains(message) == true)
        #expect(try await fixture.count("orders") == 1)
    }

    @Test func firstSourceKeepsAViewNameAndCollisionsAreReported() async throws {
        let fixture = try await DataFixture()
        try fixture.writeSource("alpha", tables: ["orders": "SELECT 1 AS id"])
        try fixture.writeSource("beta", tables: ["orders": "SELECT 2 AS id", "extra": "SELECT 3 AS id"])
        let result = try await fixture.orchestrator.rebuild()
        #expect(result.sources == ["alpha": ["orders"], "beta": ["extra"]])
        #expect(
            result.issues == [
                RebuildIssue(
                    source: "beta", table: "orders", message: "view name already published by source alpha; skipped")
            ])
        let owners = try await DuckDBViewOwnershipRepository(store: fixture.store).owners()
        #expect(owners.map { "\($0.viewName)=\($0.sourceName)" } == ["extra=beta", "orders=alpha"])
        // alpha stops publishing orders: beta gets it on the next rebuild.
        try fixture.writeSource("alpha", tables: ["other": "SELECT 4 AS id"])
        let second = try await fixture.orchestrator.rebuild()
        #expect(second.sources == ["alpha": ["other"], "beta": ["extra", "orders"]])
        #expect(
            try await fixture.analytics.withConnection { try $0.query("SELECT id FROM orders").rows[0][0].int } == 2)
    }

    @Test func readerRunningDuringASwapCompletesOnItsGeneration() async throws {
        let fixture = try await DataFixture()
        try fixture.writeSource("sales", tables: ["orders": "SELECT range AS id FROM range(2000)"])
        _ = try await fixture.orchestrator.rebuild()
        let (bound, boundSignal) = AsyncStream<Void>.makeStream()
        let swapped = DispatchSemaphore(value: 0)
        // The reader takes its connection (and so its generation) before the swap and reads after it:
        // the two generations hold different rows, so whichever one it reads shows in the answer.
        let reader = Task {
            try await fixture.analytics.withConnection { connection in
                boundSignal.yield()
                guard swapped.wait(timeout: .now() + 120) == .success else {
                    throw DuckDBError(.timeout, "the test never swapped")
                }
                return try connection.query("SELECT count(*), sum(id)::BIGINT FROM orders").rows[0]
            }
        }
        for await _ in bound { break }
        try fixture.writeSource("sales", tables: ["orders": "SELECT range AS id FROM range(5)"])
        let result = try await fixture.orchestrator.rebuild()
        swapped.signal()
        #expect(result.generation == 2)
        #expect(try await reader.value == [.bigint(2000), .bigint(Int64(2000 * 1999 / 2))])
        #expect(try await fixture.count("orders") == 5)
    }

    @Test func concurrentCallersCoalesce() async throws {
        let fixture = try await DataFixture()
        try fixture.writeSource("sales", tables: ["orders": "SELECT 1 AS id"])
        let generations = try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<10 { group.addTask { try await fixture.orchestrator.rebuild().generation } }
            return try await group.reduce(into: Set<Int>()) { $0.insert($1) }
        }
        #expect(generations.count <= 2, "10 callers shared at most two runs, got \(generations.sorted())")
        #expect(try await fixture.count("orders") == 1)
    }

    @Test func noExtractsGivesAnEmptyButServingGeneration() async throws {
        let fixture = try await DataFixture()
        let result = try await fixture.orchestrator.rebuild()
        #expect(result.sources.isEmpty && result.issues.isEmpty)
        let value = try await fixture.analytics.withConnection { try $0.query("SELECT 42").rows[0][0].int }
        #expect(value == 42)
    }
}
