import AgnesCore
import AgnesData
import AgnesFakes
import DuckDB
import Foundation
import Testing

@testable import AgnesConnectors

/// Materialized Keboola tables: SQL run by the (fake) Query Service in a reused read-only workspace,
/// its result paged into a typed parquet file listed in the Keboola extract, with a per-table lock.
@Suite struct KeboolaMaterializedTests {
    static let orders = KeboolaConnectorTests.orders

    static let typedSQL = """
        SELECT "id"::INTEGER AS id, "note" AS note, CAST("amount" AS NUMERIC(10,2)) AS amount,
            CAST("ordered_on" AS DATE) AS ordered_on, "active" IN ('true', '1', 't') AS active,
            TRY_CAST("ratio" AS DOUBLE) AS ratio, CAST('2026-01-01 10:00:00' AS TIMESTAMP) AS loaded_at
        FROM "in.c-sales"."orders" WHERE "amount" <> ''
        """

    static func registration(_ id: String = "order_facts", sql: String = typedSQL, schedule: String? = nil)
        -> TableRegistration
    {
        TableRegistration(
            id: id, name: id, sourceType: "keboola", bucket: "in.c-sales", sourceQuery: sql, queryMode: .materialized,
            syncSchedule: schedule)
    }

    @Test func aQueryIsPagedIntoTypedParquetListedBesideLocalTables() async throws {
        let fixture = try await KeboolaFixture.start()
        defer { Task { await fixture.stop() } }
        fixture.keboola.putTable(Self.orders)
        fixture.configure { $0.queryPageSize = 2 }
        let local = KeboolaConnectorTests.registration()
        let outcomes = try await fixture.sync([Self.registration(), local])
        let outcome = try #require(outcomes["order_facts"])
        #expect(outcome.kind == .synced, "\(outcome.reason ?? "")")
        #expect(outcome.rows == 6)
        #expect(outcomes["orders"]?.kind == .synced)
        #expect(
            try fixture.schema("order_facts")
                == [
                    "id BIGINT", "note VARCHAR", "amount DECIMAL(10,2)", "ordered_on DATE", "active BOOLEAN",
                    "ratio DOUBLE",
                    "loaded_at TIMESTAMP",
                ])
        let rows = try fixture.rows(
            "order_facts", "id, note, CAST(amount AS VARCHAR), active, ratio, CAST(loaded_at AS VARCHAR)")
        #expect(rows.map { $0[0].int64 ?? 0 } == [1, 2, 4, 5, 6, 7])
        #expect(rows[1][1].string == "with \"quotes\", commas" && rows[1][4].double == 100)
        #expect(rows[2][1].string == "" && rows[2][2].string == "-4.25" && rows[2][3].bool == false)
        #expect(rows[3][1].string == "žluťoučký kůň" && rows[0][5].string == "2026-01-01 10:00:00")
        let extract = fixture.extract()
        #expect(Set(extract.keys) == ["order_facts", "orders"])
        #expect(extract["order_facts"]?.file?.readPath.contains("extracts/keboola/data/") == true)
        // A read-only Snowflake workspace on the default branch; six rows in pages of two.
        let workspace = try #require(fixture.keboola.workspaces.first)
        #expect(workspace.readOnlyStorageAccess && workspace.backend == "snowflake")
        let submit = try #require(fixture.requests("/queries").first { $0.method == "POST" })
        #expect(
            submit.path.hasSuffix(
                "/api/v1/branches/\(fixture.keboola.defaultBranchID)/workspaces/\(workspace.id)/queries"))
        #expect(submit.headers["x-storageapi-token"] == fixture.keboola.token)
        #expect(submit.body.contains("\"transactional\":true"))
        #expect(fixture.requests("/results").count == 3)
    }

    @Test func theWorkspaceIsReusedAndRecreatedWhenKeboolaDeletedIt() async throws {
        let fixture = try await KeboolaFixture.start()
        defer { Task { await fixture.stop() } }
        fixture.keboola.putTable(Self.orders)
        let sql = #"SELECT count(*) AS n FROM "in.c-sales"."orders""#
        #expect(try await fixture.sync([Self.registration(sql: sql)])["order_facts"]?.kind == .synced)
        #expect(try await fixture.sync([Self.registration(sql: sql)])["order_facts"]?.kind == .synced)
        #expect(fixture.keboola.workspaces.count == 1)
        #expect(fixture.requests("/v2/storage/workspaces").filter { $0.method == "POST" }.count == 1)
        let first = try #require(fixture.keboola.workspaces.first)
        let state = fixture.root.appendingPathComponent("state/keboola-workspace.json")
        #expect(try String(contentsOf: state, encoding: .utf8).contains("\(first.id)"))
        fixture.keboola.deleteWorkspace(first.id)
        let outcome = try #require(try await fixture.sync([Self.registration(sql: sql)])["order_facts"])
        #expect(outcome.kind == .synced && outcome.rows == 1, "\(outcome.reason ?? "")")
        let second = try #require(fixture.keboola.workspaces.first)
        #expect(second.id != first.id)
        #expect(try String(contentsOf: state, encoding: .utf8).contains("\(second.id)"))
        #expect(try fixture.rows("order_facts", "n").first?.first?.int64 == 7)
        #expect(try fixture.schema("order_facts") == ["n BIGINT"])
    }

    @Test func aRunWhileTheSameTableIsInFlightSkipsIt() async throws {
        let fixture = try await KeboolaFixture.start()
        defer { Task { await fixture.stop() } }
        fixture.keboola.putTable(Self.orders)
        fixture.keboola.holdQueries()
        let first = Task { try await fixture.sync([Self.registration()]) }
        await fixture.keboola.waitForHeldQuery()
        let second = try #require(try await fixture.sync([Self.registration()])["order_facts"])
        #expect(second.kind == .skipped && second.reason == "in_flight")
        fixture.keboola.releaseQueries()
        let outcome = try #require(try await first.value["order_facts"])
        #expect(outcome.kind == .synced && outcome.rows == 6, "\(outcome.reason ?? "")")
        #expect(fixture.extract()["order_facts"] != nil)
        // The lock is released: the next run materializes again.
        #expect(try await fixture.sync([Self.registration()])["order_facts"]?.kind == .synced)
    }

    @Test func aFailingQueryFailsTheTableAndItsPreviousDataKeepsServing() async throws {
        let fixture = try await KeboolaFixture.start()
        defer { Task { await fixture.stop() } }
        fixture.keboola.putTable(Self.orders)
        #expect(try await fixture.sync([Self.registration()])["order_facts"]?.kind == .synced)
        let before = try #require(fixture.extract()["order_facts"]?.file)
        let broken = Self.registration(sql: #"SELECT "no_such_column" FROM "in.c-sales"."orders""#)
        let outcome = try #require(try await fixture.sync([broken])["order_facts"])
        #expect(outcome.kind == .failed)
        #expect(
            outcome.reason?.contains("Keboola's query failed: SQL compilation error") == true, "\(outcome.reason ?? "")"
        )
        #expect(outcome.reason?.contains("no_such_column") == true)
        #expect(fixture.extract()["order_facts"]?.file == before)
        #expect(try fixture.rows("order_facts", "id").count == 6)
    }

    @Test func theQueryServiceIsRetriedHonouringRetryAfter() async throws {
        let fixture = try await KeboolaFixture.start()
        defer { Task { await fixture.stop() } }
        fixture.keboola.putTable(Self.orders)
        fixture.keboola.inject(.status(429, retryAfter: 7), pathContains: "/query-service/api/v1/branches/")
        fixture.keboola.inject(.status(503, retryAfter: 3), pathContains: "/results")
        let outcome = try #require(try await fixture.sync([Self.registration()])["order_facts"])
        #expect(outcome.kind == .synced, "\(outcome.reason ?? "")")
        #expect(fixture.recordedSleeps.contains(.seconds(7)) && fixture.recordedSleeps.contains(.seconds(3)))
        #expect(fixture.requests("/query-service/api/v1/branches/").count == 2)
    }

    @Test func missingWorkspaceCredentialsAreRetried() async throws {
        let fixture = try await KeboolaFixture.start()
        defer { Task { await fixture.stop() } }
        fixture.keboola.putTable(Self.orders)
        fixture.keboola.inject(
            .status(
                403, body: #"{"exception":"Failed to get workspace credentials","exceptionId":"exception-2","context":{}}"#
            ), pathContains: "/query-service/api/v1/branches/", count: 2)
        let outcome = try #require(try await fixture.sync([Self.registration()])["order_facts"])
        #expect(outcome.kind == .synced, "\(outcome.reason ?? "")")
        #expect(fixture.recordedSleeps == [.seconds(1), .seconds(2)])
    }

    @Test func aQueryServiceErrorIsTheTablesFailure() async throws {
        let fixture = try await KeboolaFixture.start()
        defer { Task { await fixture.stop() } }
        fixture.keboola.putTable(Self.orders)
        fixture.keboola.inject(
            .status(
                400, body: #"{"exception":"Statements must not be empty","exceptionId":"exception-1","context":{}}"#),
            pathContains: "/query-service/api/v1/branches/")
        let outcome = try #require(try await fixture.sync([Self.registration()])["order_facts"])
        #expect(outcome.kind == .failed, "\(outcome.reason ?? "")")
        #expect(outcome.reason?.contains("HTTP 400: Statements must not be empty") == true, "\(outcome.reason ?? "")")
        #expect(fixture.recordedSleeps.isEmpty)
        #expect(fixture.extract()["order_facts"] == nil)
    }

    @Test func anEmptyResultIsAnEmptyTypedTable() async throws {
        let fixture = try await KeboolaFixture.start()
        defer { Task { await fixture.stop() } }
        fixture.keboola.putTable(Self.orders)
        let sql =
            #"SELECT "id"::BIGINT AS id, CAST("amount" AS NUMERIC(10,2)) AS amount FROM "in.c-sales"."orders" WHERE false"#
        let outcome = try #require(try await fixture.sync([Self.registration(sql: sql)])["order_facts"])
        #expect(outcome.kind == .synced && outcome.rows == 0, "\(outcome.reason ?? "")")
        #expect(try fixture.schema("order_facts") == ["id BIGINT", "amount DECIMAL(10,2)"])
        #expect(try fixture.rows("order_facts").isEmpty)
    }

    @Test func aQueryPastTheTimeoutIsCanceledAndFailsTheTable() async throws {
        let fixture = try await KeboolaFixture.start()
        defer { Task { await fixture.stop() } }
        fixture.keboola.putTable(Self.orders)
        fixture.keboola.pollsUntilDone = 100
        fixture.configure { $0.exportTimeout = .zero }
        let outcome = try #require(try await fixture.sync([Self.registration()])["order_facts"])
        #expect(
            outcome.kind == .failed && outcome.reason?.contains("did not finish within") == true,
            "\(outcome.reason ?? "")")
        let cancel = try #require(fixture.requests("/cancel").first)
        #expect(cancel.method == "POST" && cancel.body.contains("reason"))
    }

    @Test func repeatedAndEmptyColumnNamesAreMadeUnique() {
        #expect(KeboolaResultStager.uniqueNames(["ID", "id", "", "ID", "ID_2"]) == ["ID", "id_2", "column_3", "ID_3", "ID_2_2"])
    }

    @Test func snowflakeTypesMapToDuckDBTypes() {
        let cases: [(String, String)] = [
            ("NUMBER(38,0)", "BIGINT"), ("NUMBER(10,2)", "DECIMAL(10,2)"), ("NUMBER", "DOUBLE"), ("FLOAT", "DOUBLE"),
            ("TEXT", "VARCHAR"), ("VARCHAR(20)", "VARCHAR"), ("BOOLEAN", "BOOLEAN"), ("DATE", "DATE"),
            ("TIMESTAMP_NTZ", "TIMESTAMP"), ("TIMESTAMP_TZ", "TIMESTAMPTZ"), ("TIMESTAMP_LTZ", "TIMESTAMPTZ"),
            ("VARIANT", "VARCHAR"), ("TIME", "VARCHAR"),
        ]
        for (snowflake, duckDB) in cases {
            #expect(KeboolaColumnType.of(snowflakeType: snowflake).sqlType == duckDB, "\(snowflake)")
        }
    }
}
