import AgnesCore
import AgnesData
import AgnesFakes
import DuckDB
import Foundation
import Testing

@testable import AgnesConnectors

@Suite struct KeboolaConnectorTests {
    static let orders = FakeKeboolaTable(
        id: "in.c-sales.orders", columns: ["id", "amount", "ordered_on", "active", "note", "ratio"], primaryKey: ["id"],
        rows: [
            ["1", "10.50", "2026-01-05", "true", "first", "0.5"],
            ["2", "20.00", "2026-01-20", "false", "with \"quotes\", commas", "1e2"],
            ["3", "", "2026-02-01", "1", "line\nbreak", ""],
            ["4", "-4.25", "2026-02-14", "0", "", "3"],
            ["5", "5", "2026-03-01", "true", "žluťoučký kůň", "0"],
            ["6", "6.60", "2026-03-02", "f", "six", "6.5"],
            ["7", "7.00", "2026-03-03", "t", "seven", "7"],
        ],
        description: "Orders from the shop",
        columnMetadata: [
            "id": [FakeKeboolaMetadata("KBC.datatype.basetype", "INTEGER")],
            "amount": [
                FakeKeboolaMetadata("KBC.datatype.basetype", "NUMERIC"),
                FakeKeboolaMetadata("KBC.datatype.length", "10,2"),
            ],
            "ordered_on": [FakeKeboolaMetadata("KBC.datatype.basetype", "DATE")],
            "active": [FakeKeboolaMetadata("KBC.datatype.basetype", "BOOLEAN")],
            "ratio": [FakeKeboolaMetadata("KBC.datatype.basetype", "FLOAT")],
        ])

    static func registration(
        _ id: String = "orders", strategy: SyncStrategy = .fullRefresh, primaryKey: [String] = [],
        partitionBy: String? = nil
    ) -> TableRegistration {
        TableRegistration(
            id: id, name: id, sourceType: "keboola", bucket: "c-sales", sourceTable: "orders", syncStrategy: strategy,
            primaryKey: primaryKey, partitionBy: partitionBy)
    }

    @Test(arguments: [FakeKeboola.Provider.aws, .gcp, .azure])
    func fullRefreshWritesTypedParquetFromSlicedGzipExports(provider: FakeKeboola.Provider) async throws {
        let fixture = try await KeboolaFixture.start(provider: provider)
        defer { Task { await fixture.stop() } }
        fixture.keboola.putTable(Self.orders)
        let outcomes = try await fixture.sync([Self.registration()])
        let outcome = try #require(outcomes["orders"])
        #expect(outcome.kind == .synced, "\(outcome.reason ?? "")")
        #expect(outcome.rows == 7)
        #expect(
            try fixture.schema("orders")
                == [
                    "id BIGINT", "amount DECIMAL(10,2)", "ordered_on DATE", "active BOOLEAN", "note VARCHAR",
                    "ratio DOUBLE",
                ])
        let rows = try fixture.rows(
            "orders", "id, CAST(amount AS VARCHAR), CAST(ordered_on AS VARCHAR), active, note, ratio")
        #expect(rows.count == 7)
        #expect(rows[1][4].string == "with \"quotes\", commas" && rows[1][5].double == 100)
        #expect(rows[2][1] == .null && rows[2][4].string == "line\nbreak" && rows[2][5] == .null)
        #expect(rows[4][4].string == "žluťoučký kůň" && rows[5][3].bool == false)
        let table = try #require(fixture.extract()["orders"])
        #expect(table.description == "Orders from the shop" && table.rows == 7)
        // Three slices of at most three rows, each fetched from the object store with its credentials.
        let export = try #require(fixture.requests("/export-async").first)
        #expect(export.headers["x-storageapi-token"] == fixture.keboola.token)
        #expect(export.body.contains("gzip=1"))
        let slices = fixture.keboola.requests.filter { $0.path.contains("_part_") }
        #expect(slices.count == 3)
    }

    @Test func anEmptyTableBecomesAnEmptyTypedParquet() async throws {
        let fixture = try await KeboolaFixture.start()
        defer { Task { await fixture.stop() } }
        var empty = Self.orders
        empty.rows = []
        fixture.keboola.putTable(empty)
        let outcome = try #require(try await fixture.sync([Self.registration()])["orders"])
        #expect(outcome.kind == .synced && outcome.rows == 0, "\(outcome.reason ?? "")")
        #expect(try fixture.schema("orders").first == "id BIGINT")
        #expect(try fixture.rows("orders").isEmpty)
    }

    @Test func aSecondRunOfAnUnchangedTableExportsNothing() async throws {
        let fixture = try await KeboolaFixture.start()
        defer { Task { await fixture.stop() } }
        fixture.keboola.putTable(Self.orders)
        try await fixture.sync([Self.registration()])
        let before = try #require(fixture.extract()["orders"]?.file)
        fixture.keboola.clearRequests()
        let outcome = try #require(try await fixture.sync([Self.registration()])["orders"])
        #expect(outcome.kind == .unchanged)
        #expect(fixture.requests("/export-async").isEmpty)
        #expect(fixture.extract()["orders"]?.file == before)
    }

    @Test func incrementalMergesChangesAndDropsRowsDeletedInKeboola() async throws {
        let fixture = try await KeboolaFixture.start()
        defer { Task { await fixture.stop() } }
        fixture.putTableThenTick(Self.orders)
        let registration = Self.registration(strategy: .incremental)
        #expect(try await fixture.sync([registration])["orders"]?.kind == .synced)
        fixture.keboola.upsert(
            tableID: "in.c-sales.orders",
            rows: [
                ["2", "22.00", "2026-01-20", "true", "changed", "2"], ["8", "8.00", "2026-04-01", "true", "new", "8"],
            ])
        fixture.keboola.clearRequests()
        let second = try #require(try await fixture.sync([registration])["orders"])
        #expect(second.kind == .synced && second.rows == 8, "\(second.reason ?? "")")
        #expect(second.reason?.contains("merged 2 changed rows") == true)
        let delta = try #require(fixture.requests("/export-async").first)
        #expect(delta.body.contains("changedSince="))
        var rows = try fixture.rows("orders", "id, note")
        #expect(rows.map { $0[0].int64 ?? 0 } == [1, 2, 3, 4, 5, 6, 7, 8])
        #expect(rows[1][1].string == "changed")
        // A deletion is in no change export: the row count tells, a key-only export shows which.
        fixture.keboola.delete(tableID: "in.c-sales.orders", keys: [["3"], ["5"]])
        fixture.keboola.clearRequests()
        let third = try #require(try await fixture.sync([registration])["orders"])
        #expect(third.kind == .synced && third.rows == 6, "\(third.reason ?? "")")
        #expect(third.reason?.contains("removed 2 rows deleted in Keboola") == true)
        #expect(
            fixture.requests("/export-async").contains {
                $0.body.contains("columns=id&") || $0.body.hasSuffix("columns=id")
            })
        rows = try fixture.rows("orders", "id")
        #expect(rows.map { $0[0].int64 ?? 0 } == [1, 2, 4, 6, 7, 8])
    }

    @Test func incrementalKeepsChangesAsADeltaBesideTheTableUntilItOutgrowsItsShare() async throws {
        let fixture = try await KeboolaFixture.start()
        defer { Task { await fixture.stop() } }
        fixture.configure { $0.compactionShare = 0.5 }
        fixture.putTableThenTick(Self.orders)
        let registration = Self.registration(strategy: .incremental)
        #expect(try await fixture.sync([registration])["orders"]?.kind == .synced)
        let base = try #require(fixture.extract()["orders"]?.file)
        // Two changed rows of seven: a delta, and the table's file is not written again.
        fixture.keboola.upsert(
            tableID: "in.c-sales.orders",
            rows: [
                ["2", "22.00", "2026-01-20", "true", "changed", "2"], ["8", "8.00", "2026-04-01", "true", "new", "8"],
            ])
        let second = try #require(try await fixture.sync([registration])["orders"])
        #expect(second.kind == .synced && second.rows == 8, "\(second.reason ?? "")")
        #expect(second.reason?.contains("kept as a delta") == true, "\(second.reason ?? "")")
        var table = try #require(fixture.extract()["orders"])
        #expect(table.file == base && table.rows == 8)
        let firstDelta = try #require(table.delta)
        #expect(firstDelta.key == ["id"])
        var rows = try fixture.rows("orders", "id, note")
        #expect(rows.map { $0[0].int64 ?? 0 } == [1, 2, 3, 4, 5, 6, 7, 8])
        #expect(rows[0][1].string == "first" && rows[1][1].string == "changed" && rows[7][1].string == "new")
        // One more change: merged into the delta, the base still untouched.
        fixture.keboola.upsert(tableID: "in.c-sales.orders", rows: [["8", "8.50", "2026-04-01", "true", "newer", "8"]])
        let third = try #require(try await fixture.sync([registration])["orders"])
        #expect(third.kind == .synced && third.rows == 8, "\(third.reason ?? "")")
        table = try #require(fixture.extract()["orders"])
        #expect(table.file == base && table.delta != nil && table.delta != firstDelta)
        #expect(try fixture.rows("orders", "id, note").suffix(2).map { $0[1].string } == ["seven", "newer"])
        // Past half of the base's rows: folded into a new base, and the delta's canonical file goes.
        fixture.keboola.upsert(
            tableID: "in.c-sales.orders",
            rows: [
                ["1", "1", "2026-01-05", "true", "one", "1"], ["3", "3", "2026-02-01", "true", "three", "3"],
            ])
        let fourth = try #require(try await fixture.sync([registration])["orders"])
        #expect(fourth.reason?.contains("compacted") == true, "\(fourth.reason ?? "")")
        table = try #require(fixture.extract()["orders"])
        #expect(table.delta == nil && table.file != base && table.rows == 8)
        let deltaFile = fixture.extractFile.deletingLastPathComponent().appendingPathComponent(
            "data/orders.delta.parquet")
        #expect(!FileManager.default.fileExists(atPath: deltaFile.path))
        rows = try fixture.rows("orders", "id, note")
        #expect(rows.map { $0[0].int64 ?? 0 } == [1, 2, 3, 4, 5, 6, 7, 8])
        #expect([0, 1, 2, 6, 7].map { rows[$0][1].string } == ["one", "changed", "three", "seven", "newer"])
    }

    @Test func aTableTurnedFullRefreshLeavesItsDeltaBehind() async throws {
        let fixture = try await KeboolaFixture.start()
        defer { Task { await fixture.stop() } }
        fixture.configure { $0.compactionShare = 1 }
        fixture.putTableThenTick(Self.orders)
        let incremental = Self.registration(strategy: .incremental)
        _ = try await fixture.sync([incremental])
        fixture.keboola.upsert(
            tableID: "in.c-sales.orders", rows: [["2", "22.00", "2026-01-20", "true", "changed", "2"]])
        _ = try await fixture.sync([incremental])
        let deltaFile = fixture.extractFile.deletingLastPathComponent().appendingPathComponent(
            "data/orders.delta.parquet")
        #expect(fixture.extract()["orders"]?.delta != nil && FileManager.default.fileExists(atPath: deltaFile.path))
        let outcome = try #require(try await fixture.sync([Self.registration()])["orders"])
        #expect(outcome.kind == .synced && outcome.rows == 7, "\(outcome.reason ?? "")")
        #expect(fixture.extract()["orders"]?.delta == nil && !FileManager.default.fileExists(atPath: deltaFile.path))
        #expect(try fixture.rows("orders", "note")[1][0].string == "changed")
    }

    @Test func aDeletionInKeboolaFoldsTheDeltaIntoANewBaseWithoutTheDeletedRows() async throws {
        let fixture = try await KeboolaFixture.start()
        defer { Task { await fixture.stop() } }
        fixture.configure { $0.compactionShare = 1 }
        fixture.putTableThenTick(Self.orders)
        let registration = Self.registration(strategy: .incremental)
        #expect(try await fixture.sync([registration])["orders"]?.kind == .synced)
        fixture.keboola.upsert(
            tableID: "in.c-sales.orders", rows: [["2", "22.00", "2026-01-20", "true", "changed", "2"]])
        _ = try await fixture.sync([registration])
        #expect(fixture.extract()["orders"]?.delta != nil)
        fixture.keboola.delete(tableID: "in.c-sales.orders", keys: [["2"], ["5"]])
        let outcome = try #require(try await fixture.sync([registration])["orders"])
        #expect(outcome.kind == .synced && outcome.rows == 5, "\(outcome.reason ?? "")")
        #expect(outcome.reason?.contains("removed 2 rows deleted in Keboola") == true)
        #expect(fixture.extract()["orders"]?.delta == nil)
        #expect(try fixture.rows("orders", "id").map { $0[0].int64 ?? 0 } == [1, 3, 4, 6, 7])
    }

    @Test func incrementalWithoutAPrimaryKeyIsRefusedAndOtherTablesStillSync() async throws {
        let fixture = try await KeboolaFixture.start()
        defer { Task { await fixture.stop() } }
        var keyless = Self.orders
        keyless.id = "in.c-sales.events"
        keyless.primaryKey = []
        fixture.keboola.putTable(keyless)
        fixture.keboola.putTable(Self.orders)
        var events = Self.registration("events", strategy: .incremental)
        events.sourceTable = "events"
        let outcomes = try await fixture.sync([events, Self.registration()])
        #expect(outcomes["events"]?.kind == .failed)
        #expect(outcomes["events"]?.reason?.contains("incremental sync merges on the primary key") == true)
        #expect(outcomes["orders"]?.kind == .synced)
    }

    @Test func partitionedRewritesOnlyThePartitionsThatChanged() async throws {
        let fixture = try await KeboolaFixture.start()
        defer { Task { await fixture.stop() } }
        fixture.putTableThenTick(Self.orders)
        let registration = Self.registration(strategy: .partitioned, partitionBy: "ordered_on")
        let first = try #require(try await fixture.sync([registration])["orders"])
        #expect(first.kind == .synced && first.rows == 7, "\(first.reason ?? "")")
        let directory = fixture.root.appendingPathComponent("extracts/keboola/data/orders.partitions")
        func inodes() throws -> [String: UInt64] {
            var result: [String: UInt64] = [:]
            for name in try FileManager.default.contentsOfDirectory(atPath: directory.path) {
                var info = stat()
                stat(directory.appendingPathComponent(name).path, &info)
                result[name] = UInt64(info.st_ino)
            }
            return result
        }
        let before = try inodes()
        #expect(before.count == 3)  // 2026-01, 2026-02, 2026-03
        // Row 4 moves from February to April; row 1 changes within January.
        fixture.keboola.upsert(
            tableID: "in.c-sales.orders",
            rows: [
                ["4", "-4.25", "2026-04-02", "0", "moved", "3"], ["1", "11.00", "2026-01-05", "true", "first!", "0.5"],
            ])
        let second = try #require(try await fixture.sync([registration])["orders"])
        #expect(second.kind == .synced && second.rows == 7, "\(second.reason ?? "")")
        let after = try inodes()
        #expect(after.count == 4)
        let march = try #require(before.keys.first { $0.hasPrefix("2026-03") })
        #expect(after[march] == before[march])  // untouched
        let january = try #require(before.keys.first { $0.hasPrefix("2026-01") })
        #expect(after[january] != before[january])
        let rows = try fixture.rows("orders", "id, CAST(ordered_on AS VARCHAR), note")
        #expect(rows.map { $0[0].int64 ?? 0 } == [1, 2, 3, 4, 5, 6, 7])
        #expect(rows[3][1].string == "2026-04-02" && rows[0][2].string == "first!")
    }

    @Test func retriesRateLimitsAndServerErrorsHonouringRetryAfter() async throws {
        let fixture = try await KeboolaFixture.start()
        defer { Task { await fixture.stop() } }
        fixture.keboola.putTable(Self.orders)
        fixture.keboola.inject(.status(429, retryAfter: 7), pathContains: "/export-async")
        fixture.keboola.inject(.status(502), pathContains: "/v2/storage/jobs/")
        fixture.keboola.inject(.maintenance(retryAfter: 3), pathContains: "/v2/storage/files/")
        let outcome = try #require(try await fixture.sync([Self.registration()])["orders"])
        #expect(outcome.kind == .synced, "\(outcome.reason ?? "")")
        #expect(fixture.recordedSleeps == [.seconds(7), .seconds(1), .seconds(3)])
    }

    @Test func aWrongTokenFailsAtOnceAndSaysSo() async throws {
        let fixture = try await KeboolaFixture.start()
        defer { Task { await fixture.stop() } }
        fixture.keboola.putTable(Self.orders)
        fixture.configure { $0.token = "wrong" }
        let outcome = try #require(try await fixture.sync([Self.registration()])["orders"])
        #expect(outcome.kind == .failed)
        #expect(outcome.reason?.contains("Keboola rejected the Storage API token") == true)
        #expect(outcome.reason?.contains("wrong") == false)
        #expect(fixture.recordedSleeps.isEmpty)
        #expect(fixture.requests("/v2/storage/tables").count == 1)
    }

    @Test func aBrokenSliceDownloadIsRetriedThenFailsTheTableWhileItsDataKeepsServing() async throws {
        let fixture = try await KeboolaFixture.start()
        defer { Task { await fixture.stop() } }
        fixture.keboola.putTable(Self.orders)
        // One cut connection: retried from the start of the slice.
        fixture.keboola.inject(.dropMidBody, pathContains: "0001_part_00")
        #expect(try await fixture.sync([Self.registration()])["orders"]?.kind == .synced)
        #expect(fixture.recordedSleeps.count == 1)
        let served = try #require(fixture.extract()["orders"]?.file)
        // A changed table whose slice keeps breaking: failed, and the previous data stays.
        fixture.keboola.upsert(tableID: "in.c-sales.orders", rows: [["9", "9", "2026-05-01", "true", "nine", "9"]])
        fixture.keboola.inject(.dropMidBody, pathContains: "_part_00", count: 100)
        fixture.keboola.inject(.status(500), pathContains: "_part_00", count: 100)
        let outcome = try #require(try await fixture.sync([Self.registration()])["orders"])
        #expect(outcome.kind == .failed)
        #expect(outcome.reason?.contains("gave up after retries") == true)
        #expect(fixture.extract()["orders"]?.file == served)
        #expect(try fixture.rows("orders", "id").count == 7)
    }

    @Test func aValueThatDoesNotParseFailsTheTableNamingColumnAndRow() async throws {
        let fixture = try await KeboolaFixture.start()
        defer { Task { await fixture.stop() } }
        fixture.keboola.putTable(Self.orders)
        #expect(try await fixture.sync([Self.registration()])["orders"]?.kind == .synced)
        fixture.keboola.upsert(tableID: "in.c-sales.orders", rows: [["10", "ten", "2026-05-01", "true", "bad", "1"]])
        let outcome = try #require(try await fixture.sync([Self.registration()])["orders"])
        #expect(outcome.kind == .failed)
        #expect(
            outcome.reason
                == "in.c-sales.orders: column amount, row 8 of the export: 'ten' is not a valid NUMERIC(10,2) (the type its Keboola metadata gives)"
        )
        #expect(try fixture.rows("orders", "id").count == 7)
    }

    @Test func aFailedJobExpiredCredentialsAndAnUnknownTableEachFailWithTheirCause() async throws {
        let fixture = try await KeboolaFixture.start()
        defer { Task { await fixture.stop() } }
        fixture.keboola.putTable(Self.orders)
        fixture.keboola.inject(.jobError(message: "Table is locked"), pathContains: "/export-async")
        var outcome = try #require(try await fixture.sync([Self.registration()])["orders"])
        #expect(
            outcome.kind == .failed && outcome.reason?.contains("failed: Table is locked") == true,
            "\(outcome.reason ?? "")")
        fixture.keboola.inject(.expiredCredentials, pathContains: "_part_00")
        outcome = try #require(try await fixture.sync([Self.registration()])["orders"])
        #expect(outcome.kind == .failed && outcome.reason?.contains("ExpiredToken") == true, "\(outcome.reason ?? "")")
        var missing = Self.registration("gone")
        missing.sourceTable = "gone"
        outcome = try #require(try await fixture.sync([missing])["gone"])
        #expect(outcome.reason == "Keboola has no table c-sales.gone that this token can read")
    }

    @Test(arguments: [
        ("/v2/storage/tables", #"{"unexpected": true}"#, "is not what the Storage API documents"),
        ("/export-async", "<html>proxy error</html>", "is not a job"),
        ("manifest", #"{"files": []}"#, "is not {\"entries\": [{\"url\": …}]}"),
    ])
    func aMalformedAnswerFailsTheTableSayingWhat(path: String, body: String, message: String) async throws {
        let fixture = try await KeboolaFixture.start()
        defer { Task { await fixture.stop() } }
        fixture.keboola.putTable(Self.orders)
        fixture.keboola.inject(.status(200, body: body), pathContains: path)
        let outcome = try #require(try await fixture.sync([Self.registration()])["orders"])
        #expect(outcome.kind == .failed)
        #expect(outcome.reason?.contains(message) == true, "\(outcome.reason ?? "")")
        #expect(fixture.extract()["orders"] == nil)
    }

    @Test func withoutConfigurationEveryTableFailsWithTheReason() async throws {
        let fixture = try await KeboolaFixture.start()
        defer { Task { await fixture.stop() } }
        fixture.unconfigure()
        let outcome = try #require(try await fixture.sync([Self.registration()])["orders"])
        #expect(outcome.kind == .failed && outcome.reason?.hasPrefix("Keboola is not configured") == true)
        #expect(fixture.keboola.requests.isEmpty)
    }

    @Test func aTableNotDueKeepsItsDataAndAnUnregisteredOneLeaves() async throws {
        let fixture = try await KeboolaFixture.start()
        defer { Task { await fixture.stop() } }
        fixture.keboola.putTable(Self.orders)
        var copy = Self.orders
        copy.id = "in.c-sales.returns"
        fixture.keboola.putTable(copy)
        var returns = Self.registration("returns")
        returns.sourceTable = "returns"
        try await fixture.sync([Self.registration(), returns])
        #expect(Set(fixture.extract().keys) == ["orders", "returns"])
        try await fixture.sync([returns], registered: [Self.registration(), returns])
        #expect(Set(fixture.extract().keys) == ["orders", "returns"])
        try await fixture.sync([returns], registered: [returns])
        #expect(Set(fixture.extract().keys) == ["returns"])
    }
}
