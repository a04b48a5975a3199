import AgnesCore
import DuckDB
import Foundation
import Testing

@testable import AgnesData

/// Tables kept as a base file and a delta, below the HTTP routes: what the extract records, what a
/// generation serves, which versions stay, and the download files written from both layers.
@Suite struct LayeredTableDataTests {
    static let source = Identifier("layered")!

    /// Publishes `tables` (name → (base SQL, delta SQL)) as the source's extract, each delta merged on
    /// `id`; returns the base and delta files by table.
    @discardableResult
    static func publish(_ fixture: DataFixture, _ tables: [String: (base: String, delta: String)]) throws
        -> [String: (base: PublishedFile, delta: PublishedFile)]
    {
        let writer = ExtractWriter(sourceDirectory: fixture.layout.sourceDirectory(source))
        let connection = try Database().connect()
        var entries: [ExtractTable] = []
        var files: [String: (base: PublishedFile, delta: PublishedFile)] = [:]
        for (name, sql) in tables.sorted(by: { $0.key < $1.key }) {
            let identifier = Identifier(name)!
            let base = try Publisher().publish(to: writer.dataFile(for: identifier)) { temporary in
                try connection.execute("COPY (\(sql.base)) TO \(SQLText.literal(temporary.path)) (FORMAT parquet)")
            }
            let deltaTarget = writer.dataDirectory.appendingPathComponent("\(name).delta.parquet")
            let delta = try Publisher().publish(to: deltaTarget) { temporary in
                try connection.execute("COPY (\(sql.delta)) TO \(SQLText.literal(temporary.path)) (FORMAT parquet)")
            }
            entries.append(ExtractTable(name: identifier, file: base, delta: TableDelta(file: delta, key: ["id"])))
            files[name] = (base, delta)
        }
        try writer.write(tables: entries)
        return files
    }

    static let orders = (
        base: "SELECT range AS id, 'old' AS note FROM range(100)",
        delta: "SELECT * FROM (VALUES (3, 'new'), (100, 'new')) v(id, note)"
    )

    @Test func aGenerationServesBaseAndDeltaAndKeepsTheDeltasVersion() async throws {
        let clock = TestClock()
        let fixture = try await DataFixture(retention: clock.retention)
        let files = try Self.publish(fixture, ["orders": Self.orders, "items": Self.orders])
        _ = try await fixture.orchestrator.rebuild()
        #expect(try await fixture.count("orders") == 101)
        let served = try #require(try await fixture.analytics.generation?.servedTables()["orders"])
        let delta = try #require(served.delta)
        #expect(delta.key == ["id"] && delta.md5 == files["orders"]?.delta.md5)
        #expect(served.contentVersion == "\(served.md5!)+\(delta.md5)")
        #expect(served.dataFiles.count == 2)
        // The canonical delta goes (as after a compaction): the version the extract names stays.
        unlink(fixture.layout.dataDirectory(Self.source).appendingPathComponent("orders.delta.parquet").path)
        clock.advance(minutes: 600)
        _ = try await fixture.orchestrator.rebuild()
        _ = try await fixture.orchestrator.rebuild()
        let deltaVersion = URL(fileURLWithPath: files["orders"]!.delta.versionPath!).lastPathComponent
        #expect(try fixture.versionFiles(Self.source.rawValue).contains(deltaVersion))
        #expect(try await fixture.count("orders") == 101)
        // A sandbox over two tables with deltas: each view reads its own two files.
        let engine = QueryEngine(analytics: fixture.analytics, layout: fixture.layout, limits: SandboxLimits())
        let result = try await engine.run(
            "SELECT count(*) AS n, count(*) FILTER (WHERE o.note = 'new' AND i.note = 'new') AS changed FROM orders o JOIN items i USING (id)",
            limit: 10, readable: nil)
        #expect(result.rows.first?.map(\.int64) == [101, 2])
    }

    @Test func anExtractWithoutTheDeltaColumnsStillServesItsTables() async throws {
        let fixture = try await DataFixture()
        try fixture.writeSource("sales", tables: ["orders": "SELECT range AS id FROM range(10)"])
        try fixture.alterExtract(
            "sales",
            """
            ALTER TABLE _content_hashes DROP COLUMN delta_file; ALTER TABLE _content_hashes DROP COLUMN delta_md5;
            ALTER TABLE _content_hashes DROP COLUMN delta_size; ALTER TABLE _content_hashes DROP COLUMN delta_version_file;
            ALTER TABLE _content_hashes DROP COLUMN merge_key
            """)
        let result = try await fixture.orchestrator.rebuild()
        #expect(result.issues.isEmpty)
        let served = try #require(try await fixture.analytics.generation?.servedTables()["orders"])
        #expect(served.delta == nil && served.md5?.count == 32)
        #expect(try await fixture.count("orders") == 10)
    }

    @Test(arguments: [
        "UPDATE _content_hashes SET merge_key = 'not json'",
        "UPDATE _content_hashes SET delta_md5 = NULL",
        "UPDATE _content_hashes SET delta_size = delta_size + 1",
        "UPDATE _content_hashes SET delta_version_file = delta_version_file || '.gone'",
    ])
    func aDeltaRecordThatCannotBeReadLeavesTheTableOutRatherThanServeTheBaseAlone(damage: String) async throws {
        let fixture = try await DataFixture()
        try Self.publish(fixture, ["orders": Self.orders])
        try fixture.alterExtract(Self.source.rawValue, damage)
        _ = try await fixture.orchestrator.rebuild()
        #expect(try await fixture.analytics.generation?.servedTables()["orders"] == nil)
    }
}

/// The files tables with a delta are downloaded as.
@Suite struct DownloadFilesTests {
    let root = FileManager.default.temporaryDirectory.appendingPathComponent("agnes-downloads-\(UUID().uuidString)")

    /// A served table of 100 base rows and a delta of `changed` (ids 0…changed-1, note `v<version>`).
    func table(_ name: String = "orders", version: Int, changed: Int = 3) throws -> ServedTable {
        let directory = root.appendingPathComponent("data")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let connection = try Database().connect()
        let base = directory.appendingPathComponent("\(name).parquet")
        if !FileManager.default.fileExists(atPath: base.path) {
            try connection.execute(
                "COPY (SELECT range AS id, 'old' AS note FROM range(100)) TO \(SQLText.literal(base.path)) (FORMAT parquet)"
            )
        }
        let delta = directory.appendingPathComponent("\(name).delta-\(version).parquet")
        try connection.execute(
            "COPY (SELECT range AS id, 'v\(version)' AS note FROM range(\(changed))) TO \(SQLText.literal(delta.path)) (FORMAT parquet)"
        )
        let baseHash = try Publisher.md5(of: base)
        let deltaHash = try Publisher.md5(of: delta)
        return ServedTable(
            id: name, source: "layered", queryMode: "local", file: base, md5: baseHash.md5,
            sizeBytes: baseHash.sizeBytes,
            rows: nil,
            delta: ServedDelta(file: delta, md5: deltaHash.md5, sizeBytes: deltaHash.sizeBytes, key: ["id"]))
    }

    func written(_ downloads: DownloadFiles) -> Set<String> {
        Set(
            ((try? FileManager.default.contentsOfDirectory(atPath: downloads.directory.path)) ?? []).filter {
                !$0.hasPrefix(".")
            })
    }

    @Test func aDownloadIsWrittenOncePerContentAndAnOlderOneGoesWhenNothingHoldsIt() async throws {
        defer { try? FileManager.default.removeItem(at: root) }
        let downloads = DownloadFiles(root: root.appendingPathComponent("downloads"))
        let (one, two, three) = (try table(version: 1), try table(version: 2), try table(version: 3))
        var first: DownloadFiles.Lease? = try #require(try await downloads.file(for: one))
        let firstPath = first!.file.path
        let rows = try Database().connect().query(
            "SELECT count(*), count(*) FILTER (WHERE note = 'v1') FROM read_parquet(?)", [.varchar(firstPath)]
        ).rows[0]
        #expect(rows.map(\.int64) == [100, 3])
        #expect(first?.md5 == (try Publisher.md5(of: first!.file)).md5)
        // Asked again, concurrently: the same file.
        do {
            async let again = downloads.file(for: one)
            async let twice = downloads.file(for: one)
            let (repeated, concurrent) = (try await again, try await twice)
            #expect(repeated?.file.path == firstPath && concurrent?.file.path == firstPath)
        }
        // Two contents are kept; the third written retires the first, which stays while it is held.
        let second = try #require(try await downloads.file(for: two))
        #expect(try await downloads.file(for: one)?.file.path == firstPath, "the previous content is kept too")
        _ = try await downloads.file(for: two)
        _ = try await downloads.file(for: three)
        #expect(FileManager.default.fileExists(atPath: firstPath))
        first = nil
        #expect(!FileManager.default.fileExists(atPath: firstPath))
        let latest = try #require(try await downloads.file(for: three))
        #expect(written(downloads) == [second.file.lastPathComponent, latest.file.lastPathComponent])
        // Asked for again after it went: written anew, to a file of its own.
        let rewritten = try #require(try await downloads.file(for: one))
        #expect(rewritten.file.path != firstPath && FileManager.default.fileExists(atPath: rewritten.file.path))
    }

    @Test func aTableWithoutADeltaIsItsFileAndItsWrittenFilesGo() async throws {
        defer { try? FileManager.default.removeItem(at: root) }
        let downloads = DownloadFiles(root: root.appendingPathComponent("downloads"))
        let layered = try table(version: 1)
        _ = try await downloads.file(for: layered)
        #expect(written(downloads).count == 1)
        let plain = ServedTable(
            id: "orders", source: "layered", queryMode: "local", file: layered.file, md5: layered.md5,
            sizeBytes: layered.sizeBytes, rows: nil)
        let lease = try #require(try await downloads.file(for: plain))
        #expect(lease.file == layered.file && lease.md5 == layered.md5)
        #expect(written(downloads).isEmpty)
    }

    @Test func aWriteThatFailsSaysSoAndIsTriedAgainAfterAMinute() async throws {
        defer { try? FileManager.default.removeItem(at: root) }
        let clock = TestClock()
        let downloads = DownloadFiles(root: root.appendingPathComponent("downloads"), now: { clock.now })
        let layered = try table(version: 1)
        // A file where the directory should be: nothing can be written.
        try FileManager.default.createDirectory(
            at: downloads.directory.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data("in the way".utf8).write(to: downloads.directory)
        await #expect(throws: (any Error).self) { _ = try await downloads.file(for: layered) }
        try FileManager.default.removeItem(at: downloads.directory)
        // Within the minute: the same failure, without another write.
        let remembered = await #expect(throws: PublishError.self) { _ = try await downloads.file(for: layered) }
        #expect(remembered?.message.contains("tried again after a minute") == true)
        #expect(!FileManager.default.fileExists(atPath: downloads.directory.path))
        clock.advance(minutes: 1.1)
        #expect(try await downloads.file(for: layered) != nil)
    }

    @Test func aProcessesDirectoryGoesWhenTheProcessIsGoneAndStaysWhileItRuns() throws {
        defer { try? FileManager.default.removeItem(at: root) }
        let downloads = root.appendingPathComponent("downloads")
        // pid 1 runs; a pid above the kernel's maximum never does.
        for name in ["p1", "p2147483000"] {
            try FileManager.default.createDirectory(
                at: downloads.appendingPathComponent(name), withIntermediateDirectories: true)
        }
        _ = DownloadFiles(root: downloads)
        let left = try FileManager.default.contentsOfDirectory(atPath: downloads.path)
        #expect(left.contains("p1") && !left.contains("p2147483000"))
    }
}
