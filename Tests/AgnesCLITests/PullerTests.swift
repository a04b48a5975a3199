import AgnesCLI
import AgnesClient
import DuckDB
import Foundation
import Testing

/// `agnes pull` against our real server where it can do what a test needs, else (stalls, cut or
/// corrupt downloads, 5xx, remote tables, a log of the requests) a fake one on a real socket; real
/// DuckDB views either way.
@Suite struct PullerTests {
    static func pull(_ base: String, _ workspace: Workspace, token: String = "good-token", verify: Bool = false)
        async throws -> PullReport
    {
        try await AgnesAPI.withClient(server: base, token: token) { api in
            var options = PullOptions()
            options.verify = verify
            var puller = Puller(api: api, workspace: workspace, options: options)
            puller.sleep = { _ in }
            return try await puller.run()
        }
    }

    static func views(_ workspace: Workspace) throws -> [String: Int64] {
        let connection = try Database(path: workspace.database.path, options: ["access_mode": "READ_ONLY"]).connect()
        let names = try connection.query(
            "SELECT view_name FROM duckdb_views() WHERE NOT internal AND schema_name = 'main' ORDER BY 1"
        ).rows.compactMap { $0[0].string }
        var counts: [String: Int64] = [:]
        for name in names {
            counts[name] = try connection.query("SELECT count(*) FROM \"\(name)\"").rows[0][0].int64
        }
        return counts
    }

    @Test func firstPullDownloadsEverythingAndASecondPullNothing() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let workspace = Workspace(root: directory.url)
        let fake = FakeAgnes()
        await fake.set("orders", try Parquet.make(rows: 100))
        await fake.set("customers", try Parquet.make(rows: 10))
        await fake.set("events_bq", Data(), mode: "remote")
        try await fake.run { base in
            let first = try await Self.pull(base, workspace)
            #expect(first.isSuccess, "\(first.errors)")
            #expect(first.tablesUpdated == 2 && first.parquetsTotal == 2)
            #expect(first.remote == ["events_bq"])
            #expect(try Self.views(workspace) == ["orders": 100, "customers": 10])
            await fake.clearLog()
            let second = try await Self.pull(base, workspace)
            #expect(second.isSuccess && second.tablesUpdated == 0)
            let downloads = await fake.downloads
            #expect(downloads.isEmpty)
        }
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: workspace.parquetDirectory.path).sorted()
        #expect(leftovers == ["customers.parquet", "orders.parquet"])
    }

    @Test func changingOneTableRefetchesExactlyThatTable() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let workspace = Workspace(root: directory.path("workspace"))
        let tables = Dictionary(uniqueKeysWithValues: (0..<5).map { ("t\($0)", 10 + $0) })
        var agnes = try await RealAgnes.start(in: directory, tables: tables)
        let first = try await Self.pull(agnes.base, workspace, token: agnes.token)
        #expect(first.isSuccess && first.tablesUpdated == 5, "\(first.errors)")
        // t3 changes (new rows), the others are written again with the same rows.
        try await agnes.reseed(tables.merging(["t3": 77]) { $1 }, variant: 0)
        let report = try await Self.pull(agnes.base, workspace, token: agnes.token)
        #expect(report.isSuccess && report.tablesUpdated == 1, "\(report.errors)")
        #expect(report.fetched.map(\.table) == ["t3"])
        #expect(try Self.views(workspace)["t3"] == 77)
        await agnes.stop()
    }

    @Test func aRevokedTableDisappearsFromTheWorkspaceButUserTablesStay() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let workspace = Workspace(root: directory.url)
        let fake = FakeAgnes()
        await fake.set("orders", try Parquet.make(rows: 5))
        await fake.set("secret", try Parquet.make(rows: 3))
        try await fake.run { base in
            _ = try await Self.pull(base, workspace)
            do {
                let connection = try Database(path: workspace.database.path).connect()
                try connection.execute("CREATE TABLE my_notes AS SELECT 1 AS x")
            }
            await fake.remove("secret")
            let report = try await Self.pull(base, workspace)
            #expect(report.isSuccess, "\(report.errors)")
            #expect(report.removed == ["secret"])
            #expect(try Self.views(workspace) == ["orders": 5])
            #expect(!FileManager.default.fileExists(atPath: workspace.parquetFile("secret").path))
            let connection = try Database(path: workspace.database.path, options: ["access_mode": "READ_ONLY"])
                .connect()
            #expect(try connection.query("SELECT x FROM my_notes").rows[0][0].int64 == 1)
        }
    }

    @Test func anInterruptedDownloadResumesWithRangeAndTheOldFileStaysUntilVerified() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let workspace = Workspace(root: directory.url)
        let fake = FakeAgnes()
        let original = try Parquet.make(rows: 10)
        await fake.set("big", original)
        try await fake.run { base in
            _ = try await Self.pull(base, workspace)
            let updated = try Parquet.make(rows: 200_000, variant: 2)
            await fake.set("big", updated)
            // Every attempt of this pull is cut: the pull fails and keeps the old file.
            for _ in 0..<4 { await fake.fail("big", .cut(after: 100_000)) }
            let failed = try await Self.pull(base, workspace)
            #expect(!failed.isSuccess)
            #expect(failed.failedTables == ["big"])
            #expect(try Data(contentsOf: workspace.parquetFile("big")) == original)
            let partial = try #require(FileStamp.of(workspace.parquetFile("big").path + ".part"))
            #expect(partial.size >= 100_000)
            await fake.clearLog()
            let resumed = try await Self.pull(base, workspace)
            #expect(resumed.isSuccess, "\(resumed.errors)")
            #expect(resumed.fetched.first?.resumedFrom == partial.size)
            let log = await fake.log.filter { $0.hasPrefix("download") }
            #expect(log == ["download big bytes=\(partial.size)-\(updated.count - 1)"])
            #expect(try Data(contentsOf: workspace.parquetFile("big")) == updated)
            #expect(!FileManager.default.fileExists(atPath: workspace.parquetFile("big").path + ".part"))
        }
    }

    @Test func serverErrorsAreRetriedAndAPersistentOneFailsOnlyThatTable() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let workspace = Workspace(root: directory.url)
        let fake = FakeAgnes()
        await fake.set("flaky", try Parquet.make(rows: 3))
        await fake.set("broken", try Parquet.make(rows: 4))
        await fake.set("fine", try Parquet.make(rows: 5))
        await fake.fail("flaky", .status(503))
        await fake.fail("flaky", .status(502))
        for _ in 0..<4 { await fake.fail("broken", .status(500)) }
        try await fake.run { base in
            let report = try await Self.pull(base, workspace)
            #expect(report.failedTables == ["broken"])
            #expect(report.errors.first?.code == "server_error")
            #expect(report.tablesUpdated == 2)
            #expect(try Self.views(workspace) == ["flaky": 3, "fine": 5])
        }
    }

    @Test func bytesThatDoNotMatchTheManifestHashAreRejected() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let workspace = Workspace(root: directory.url)
        let fake = FakeAgnes()
        await fake.set("orders", try Parquet.make(rows: 3))
        await fake.fail("orders", .corrupt)
        try await fake.run { base in
            let report = try await Self.pull(base, workspace)
            #expect(report.errors.map(\.code) == ["hash_mismatch"])
            #expect(!FileManager.default.fileExists(atPath: workspace.parquetFile("orders").path))
            #expect(!FileManager.default.fileExists(atPath: workspace.parquetFile("orders").path + ".part"))
            let again = try await Self.pull(base, workspace)
            #expect(again.isSuccess && again.tablesUpdated == 1)
        }
    }

    @Test func aDamagedLocalFileIsDetectedAndRefetched() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let workspace = Workspace(root: directory.url)
        let fake = FakeAgnes()
        let data = try Parquet.make(rows: 50)
        await fake.set("orders", data)
        try await fake.run { base in
            _ = try await Self.pull(base, workspace)
            var damaged = data
            damaged[damaged.count / 2] ^= 0xFF
            try damaged.write(to: workspace.parquetFile("orders"))
            await fake.clearLog()
            let report = try await Self.pull(base, workspace)
            #expect(report.fetched.map(\.reason) == [.damaged])
            #expect(try Data(contentsOf: workspace.parquetFile("orders")) == data)
            // A touched but intact file is only hashed, not downloaded.
            try FileManager.default.setAttributes(
                [.modificationDate: Date(timeIntervalSinceNow: -3600)],
                ofItemAtPath: workspace.parquetFile("orders").path)
            await fake.clearLog()
            let touched = try await Self.pull(base, workspace)
            #expect(touched.tablesUpdated == 0)
            let downloads = await fake.downloads
            #expect(downloads.isEmpty)
        }
    }

    @Test func aDiskFullErrorIsClearAndLeavesNothingHalfWritten() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let workspace = Workspace(root: directory.url)
        let fake = FakeAgnes()
        let original = try Parquet.make(rows: 5)
        await fake.set("orders", original)
        try await fake.run { base in
            _ = try await Self.pull(base, workspace)
            let bigger = try Parquet.make(rows: 5000, variant: 1)
            await fake.set("orders", bigger)
            // A partial download of this content whose file is /dev/full: writes fail with ENOSPC,
            // like a full disk.
            let part = workspace.parquetFile("orders").path + ".part"
            try FileManager.default.createSymbolicLink(atPath: part, withDestinationPath: "/dev/full")
            let hash = FakeAgnes.Table.md5(bigger)
            try Data(
                #"{"hash":"\#(hash)","size":\#(bigger.count),"segments":[{"start":0,"end":\#(bigger.count),"done":0}]}"#
                    .utf8
            )
            .write(to: URL(fileURLWithPath: part + ".json"))
            let report = try await Self.pull(base, workspace)
            #expect(report.errors.map(\.code) == ["disk_full"])
            #expect(report.errors.first?.hint?.contains("free some disk space") == true)
            #expect(try Data(contentsOf: workspace.parquetFile("orders")) == original)
            #expect(
                (try? FileManager.default.destinationOfSymbolicLink(
                    atPath: workspace.parquetFile("orders").path + ".part")) == nil)
        }
    }

    @Test func aDryRunReportsThePlanAndWritesNothing() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let workspace = directory.path("workspace")
        let agnes = try await RealAgnes.start(in: directory, tables: ["orders": 5])
        let report = try await AgnesAPI.withClient(server: agnes.base, token: agnes.token) { api in
            var options = PullOptions()
            options.dryRun = true
            return try await Puller(api: api, workspace: Workspace(root: workspace), options: options).run()
        }
        #expect(report.dryRun && report.fetched.map(\.table) == ["orders"])
        #expect(report.summaryLines.first?.hasPrefix("Would update 1 of 1 tables") == true)
        #expect(!FileManager.default.fileExists(atPath: workspace.path))
        await agnes.stop()
    }

    @Test func aWrongTokenFailsAtTheManifestAndTouchesNothing() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let workspace = directory.path("workspace")
        let agnes = try await RealAgnes.start(in: directory, tables: ["orders": 5])
        let error = await #expect(throws: ClientError.self) {
            _ = try await Self.pull(agnes.base, Workspace(root: workspace), token: "wrong")
        }
        #expect(error?.code == .unauthorized)
        #expect(error?.message.contains("Invalid or expired token") == true)
        #expect(error.map(ExitStatus.code) == 7)
        #expect(!FileManager.default.fileExists(atPath: workspace.path))
        await agnes.stop()
    }

    @Test func unsafeTableIdsFromTheServerAreRefused() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let workspace = Workspace(root: directory.url)
        let fake = FakeAgnes()
        await fake.set("../escape", try Parquet.make(rows: 1))
        await fake.set("ok", try Parquet.make(rows: 1))
        try await fake.run { base in
            let report = try await Self.pull(base, workspace)
            #expect(report.failedTables == ["../escape"])
            #expect(report.tablesUpdated == 1)
        }
        #expect(
            !FileManager.default.fileExists(atPath: directory.url.appendingPathComponent("server/escape.parquet").path))
    }

    @Test func corporateMemoryBecomesRulesAndAServerWithoutItIsFine() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let workspace = Workspace(root: directory.url)
        let fake = FakeAgnes()
        await fake.setBundle(
            .object([
                "mandatory": .array([
                    .object([
                        "id": .string("m1"), "title": .string("Revenue"), "content": .string("Net of VAT."),
                        "domain": .string("finance"),
                    ])
                ]),
                "approved": .array([
                    .object(["id": .string("a1"), "title": .string("Churn"), "content": .string("90 days.")])
                ]),
            ]))
        try await fake.run { base in
            let report = try await Self.pull(base, workspace)
            #expect(report.rulesCount == 2 && report.isSuccess)
            let rules = try FileManager.default.contentsOfDirectory(atPath: workspace.rulesDirectory.path).sorted()
            #expect(rules == ["km_approved.md", "km_m1.md"])
            let text = try String(
                contentsOf: workspace.rulesDirectory.appendingPathComponent("km_m1.md"), encoding: .utf8)
            #expect(text == "# Revenue\n_Domain: finance_\n\nNet of VAT.\n")
            await fake.setBundle(nil)
            let without = try await Self.pull(base, workspace)
            #expect(without.isSuccess && without.rulesCount == nil)
        }
    }
}
