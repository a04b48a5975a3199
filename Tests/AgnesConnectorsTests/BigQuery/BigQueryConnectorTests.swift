import AgnesCore
import AgnesData
import AgnesFakes
import DuckDB
import Foundation
import Testing

@testable import AgnesConnectors

/// The BigQuery connector against the fake: remote tables synced as schema and queried in place
/// (columns, conditions, LIMIT pushed; the dry-run guard), materialized SQL into typed parquet,
/// credentials as Google's libraries use them, and BigQuery's failures.
@Suite struct BigQueryConnectorTests {
    static let fields: [FakeBigQueryField] = [
        FakeBigQueryField("id", .int64, mode: .required), FakeBigQueryField("customer", .string),
        FakeBigQueryField("amount", .numeric), FakeBigQueryField("placed", .timestamp), FakeBigQueryField("day", .date),
        FakeBigQueryField("tags", .string, mode: .repeated),
        FakeBigQueryField(
            "address", .record, fields: [FakeBigQueryField("city", .string), FakeBigQueryField("zip", .int64)]),
        FakeBigQueryField("raw", .bytes),
    ]

    static let rows: [[FakeBigQueryValue]] = (1...5).map(row)

    static func row(_ index: Int) -> [FakeBigQueryValue] {
        let id: FakeBigQueryValue = .int(Int64(index))
        let customer: FakeBigQueryValue = .string(index % 2 == 0 ? "Ada" : "Bob")
        let amount: FakeBigQueryValue = .string("\(index).25")
        let placed: FakeBigQueryValue = .string("2024-01-0\(index) 10:00:00+00")
        let day: FakeBigQueryValue = .string("2024-01-0\(index)")
        let tags: FakeBigQueryValue = .array([.string("a"), .string("t\(index)")])
        let address: FakeBigQueryValue = .record([.string("Praha"), .int(Int64(11000 + index))])
        let raw: FakeBigQueryValue = .bytes(Array("b\(index)".utf8))
        return [id, customer, amount, placed, day, tags, address, raw]
    }

    static func registration(_ id: String = "orders", mode: QueryMode = .remote, sql: String? = nil)
        -> TableRegistration
    {
        TableRegistration(
            id: id, name: id, sourceType: "bigquery", bucket: "sales", sourceTable: "orders", sourceQuery: sql,
            queryMode: mode)
    }

    static func started() async throws -> BigQueryFixture {
        let fixture = try await BigQueryFixture.start()
        fixture.bigquery.putTable(
            project: BigQueryFixture.project, dataset: "sales", table: "orders", fields: fields, rows: rows,
            description: "Orders from the shop")
        return fixture
    }

    @Test func aRemoteTableSyncsItsSchemaWithAServiceAccountKey() async throws {
        let fixture = try await Self.started()
        defer { Task { await fixture.stop() } }
        let outcome = try #require(try await fixture.sync([Self.registration()])["orders"])
        #expect(outcome.kind == .synced, "\(outcome.reason ?? "")")
        let tables = try ExtractSnapshot.remoteTables(fixture.extractFile)
        #expect(
            tables.first?.remoteColumns.map { "\($0.name) \($0.type)" } == [
                "id BIGINT", "customer VARCHAR", "amount DECIMAL(38,9)", "placed TIMESTAMP WITH TIME ZONE", "day DATE",
                "tags VARCHAR[]", "address STRUCT(city VARCHAR, zip BIGINT)", "raw BLOB",
            ])
        #expect(fixture.bigquery.tokensIssued == 1)
        let get = try #require(fixture.bigquery.requests.first { $0.path.hasSuffix("/tables/orders") })
        #expect(get.path == "/bigquery/v2/projects/acme-data/datasets/sales/tables/orders")
        #expect(get.headers["authorization"]?.hasPrefix("Bearer ") == true)
        #expect(try await fixture.sync([Self.registration()])["orders"]?.kind == .unchanged)
        #expect(fixture.bigquery.tokensIssued == 1, "the token is reused until shortly before it expires")
    }

    @Test func aQueryRunsInBigQueryWithOnlyWhatItNeeds() async throws {
        let fixture = try await Self.started()
        defer { Task { await fixture.stop() } }
        try await fixture.sync([Self.registration()])
        fixture.bigquery.pollsUntilComplete = 2
        let sandbox = try fixture.sandbox()
        let result = try await sandbox.run(
            """
            SELECT id, amount, placed, day, tags, address.city AS city, address.zip AS zip, raw::VARCHAR AS raw
            FROM orders WHERE customer = 'Ada' ORDER BY id
            """, limit: 10)
        #expect(
            result.rows.map { $0.map(\.description) } == [
                ["2", "2.250000000", "2024-01-02 10:00:00+00", "2024-01-02", "['a', 't2']", "Praha", "11002", "b2"],
                ["4", "4.250000000", "2024-01-04 10:00:00+00", "2024-01-04", "['a', 't4']", "Praha", "11004", "b4"],
            ])
        let sql = try #require(fixture.queries.last)
        #expect(
            sql
                == "SELECT `id`, `customer`, `amount`, `placed`, `day`, `tags`, `address`, `raw` FROM `acme-data.sales.orders` WHERE `customer` = 'Ada'"
        )
        #expect(fixture.bigquery.jobs.last?.projectID == "acme-jobs", "jobs run in the billing project")

        let limited = try await sandbox.run("SELECT id FROM orders WHERE id >= 2 LIMIT 3", limit: 10)
        #expect(limited.rows.count == 3)
        #expect(fixture.queries.last == "SELECT `id` FROM `acme-data.sales.orders` WHERE `id` >= 2 LIMIT 3")
        let counted = try await sandbox.run("SELECT count(*) FROM orders", limit: 10)
        #expect(counted.rows.first?.first?.description == "5")
    }

    @Test func aCallerWhoGoesAwayCancelsTheBigQueryJob() async throws {
        let fixture = try await Self.started()
        defer { Task { await fixture.stop() } }
        try await fixture.sync([Self.registration()])
        fixture.bigquery.pollsUntilComplete = 1_000_000  // a job that never completes
        let sandbox = try fixture.sandbox(timeout: .seconds(600))
        let query = Task { try await sandbox.run("SELECT id FROM orders", limit: 10) }
        while fixture.bigquery.jobs.isEmpty { await Task.yield() }
        let job = try #require(fixture.bigquery.jobs.first)
        query.cancel()
        #expect(await fixture.bigquery.nextCancellation() == job.id)
        await #expect(throws: SandboxError.self) { _ = try await query.value }
    }

    @Test func aScanOverTheByteLimitIsRefusedByItsDryRun() async throws {
        let fixture = try await Self.started()
        defer { Task { await fixture.stop() } }
        try await fixture.sync([Self.registration()])
        fixture.configure { $0.maxScanBytes = 10 }
        let sandbox = try fixture.sandbox()
        let jobsBefore = fixture.bigquery.jobs.count
        do {
            _ = try await sandbox.run("SELECT * FROM orders", limit: 10)
            Issue.record("the scan was not refused")
        } catch SandboxError.refused(let refusal) {
            #expect(refusal.status == 400 && refusal.reason == "remote_scan_too_large")
            #expect(refusal.numbers["limit_bytes"] == 10 && (refusal.numbers["scan_bytes"] ?? 0) > 10)
            #expect(refusal.lists["tables"] == ["sales.orders"])
        }
        #expect(fixture.bigquery.jobs.count == jobsBefore, "nothing ran but the dry run")
        fixture.configure { $0.maxScanBytes = 0 }
        #expect(try await sandbox.run("SELECT * FROM orders", limit: 10).rows.count == 5, "0 means no limit")
    }

    @Test func materializedSQLBecomesTypedParquet() async throws {
        let fixture = try await Self.started()
        defer { Task { await fixture.stop() } }
        let sql =
            "SELECT customer, count(*) AS n, sum(amount) AS total, max(placed) AS last FROM `acme-data.sales.orders` GROUP BY customer"
        let outcome = try #require(
            try await fixture.sync([Self.registration("by_customer", mode: .materialized, sql: sql)])["by_customer"])
        #expect(outcome.kind == .synced, "\(outcome.reason ?? "")")
        #expect(outcome.rows == 2)
        let file = fixture.root.appendingPathComponent("extracts/bigquery/data/by_customer.parquet")
        let connection = try Database().connect()
        let described = try connection.query("DESCRIBE SELECT * FROM read_parquet('\(file.path)')").rows.map {
            "\($0[0].string ?? "") \($0[1].string ?? "")"
        }
        #expect(described == ["customer VARCHAR", "n BIGINT", "total DECIMAL(38,9)", "last TIMESTAMP WITH TIME ZONE"])
        // A long job: started by jobs.insert with an id of ours, in the billing project, then waited for.
        let insert = try #require(fixture.bigquery.requests.first { $0.method == "POST" && $0.path.hasSuffix("/jobs") })
        #expect(insert.path == "/bigquery/v2/projects/acme-jobs/jobs" && insert.body.contains(#""jobId":"agnes_"#))
        let rows = try connection.query(
            "SELECT customer, n, total::VARCHAR FROM read_parquet('\(file.path)') ORDER BY 1"
        ).rows
        #expect(rows.map { $0.map(\.description) } == [["Ada", "2", "6.500000000"], ["Bob", "3", "9.750000000"]])

        // Over max_bytes_per_materialize: the table fails with the estimate; its previous file stays.
        fixture.configure { $0.maxBytesPerMaterialize = 10 }
        let refused = try #require(
            try await fixture.sync([Self.registration("by_customer", mode: .materialized, sql: sql)])["by_customer"])
        #expect(refused.kind == .failed)
        #expect(refused.reason?.contains("max_bytes_per_materialize (10)") == true)
        #expect(FileManager.default.fileExists(atPath: file.path))
    }

    @Test func materializationsSurviveFaultsAndSkipWhatIsInFlight() async throws {
        let fixture = try await Self.started()
        defer { Task { await fixture.stop() } }
        let sql = "SELECT id, customer FROM `acme-data.sales.orders`"
        let registration = Self.registration("copy", mode: .materialized, sql: sql)
        // A result page cut short mid-body is fetched again; all five rows arrive in pages of two.
        fixture.bigquery.inject(.dropMidBody, pathContains: "/queries/")
        let first = try #require(try await fixture.sync([registration])["copy"])
        #expect(first.kind == .synced && first.rows == 5, "\(first.reason ?? "")")
        let file = fixture.root.appendingPathComponent("extracts/bigquery/data/copy.parquet")
        let before = try Data(contentsOf: file)
        // Another project's 403: the table fails with BigQuery's words; the previous file keeps serving.
        fixture.bigquery.inject(
            .status(403, reason: "accessDenied", message: "Access Denied: Table acme-data:sales.orders"),
            pathContains: "/queries")
        let denied = try #require(try await fixture.sync([registration])["copy"])
        #expect(denied.kind == .failed && denied.reason?.contains("Access Denied") == true, "\(denied.reason ?? "")")
        #expect(try Data(contentsOf: file) == before)
        // A materialization of the same table in flight elsewhere: this run skips it.
        let elsewhere = MaterializationLocks(
            directory: fixture.root.appendingPathComponent("state/locks"), source: "bigquery")
        let held = try #require(elsewhere.acquire("copy", ttl: .seconds(3600)))
        defer { held.release() }
        let skipped = try #require(try await fixture.sync([registration])["copy"])
        #expect(skipped.kind == .skipped && skipped.reason == "in_flight")
    }

    @Test func bigQueryFailuresAreReportedWithTheirKind() async throws {
        let fixture = try await Self.started()
        defer { Task { await fixture.stop() } }
        // A missing table: the registration fails with BigQuery's message.
        var missing = Self.registration("ghost")
        missing.sourceTable = "ghost"
        let ghost = try #require(try await fixture.sync([missing])["ghost"])
        #expect(ghost.kind == .failed && ghost.reason?.contains("Not found") == true, "\(ghost.reason ?? "")")
        // Bad SQL in a materialization.
        let bad = try #require(
            try await fixture.sync([Self.registration("bad", mode: .materialized, sql: "SELEC nonsense")])["bad"])
        #expect(bad.kind == .failed && bad.reason?.contains("400") == true, "\(bad.reason ?? "")")
        // 429 with Retry-After, then fine.
        fixture.bigquery.inject(.status(429, retryAfter: 7), pathContains: "/tables/orders")
        #expect(try await fixture.sync([Self.registration()])["orders"]?.kind == .synced)
        #expect(fixture.recordedSleeps.contains(.seconds(7)))
        // An expired token is replaced once, without the caller noticing.
        fixture.bigquery.expireTokens()
        #expect(try await fixture.sync([Self.registration()])["orders"]?.kind == .unchanged)
        #expect(fixture.bigquery.tokensIssued == 2)
        // A local BigQuery row says what to do instead.
        let local = try #require(try await fixture.sync([Self.registration("copy", mode: .local)])["copy"])
        #expect(local.kind == .failed && local.reason?.contains("query_mode remote") == true)
        // Not configured.
        fixture.unconfigure()
        let unconfigured = try #require(try await fixture.sync([Self.registration()])["orders"])
        #expect(unconfigured.kind == .failed && unconfigured.reason?.contains("not configured") == true)
    }

    @Test func theMetadataServerGivesTokensWithoutAKeyFile() async throws {
        let fixture = try await BigQueryFixture.start(useMetadataServer: true)
        defer { Task { await fixture.stop() } }
        fixture.bigquery.putTable(
            project: BigQueryFixture.project, dataset: "sales", table: "orders", fields: Self.fields, rows: Self.rows)
        #expect(try await fixture.sync([Self.registration()])["orders"]?.kind == .synced)
        #expect(fixture.bigquery.metadataTokensIssued == 1 && fixture.bigquery.tokensIssued == 0)
        let metadata = try #require(fixture.bigquery.requests.first { $0.path.hasPrefix("/computeMetadata") })
        #expect(metadata.headers["metadata-flavor"] == "Google")
    }

    @Test func aJobThatNeverCompletesIsCancelledAtTheTimeout() async throws {
        let fixture = try await Self.started()
        defer { Task { await fixture.stop() } }
        fixture.bigquery.pollsUntilComplete = 1_000_000
        fixture.configure { $0.materializeTimeout = .zero }
        let outcome = try #require(
            try await fixture.sync([Self.registration("copy", mode: .materialized, sql: "SELECT 1 AS one")])["copy"])
        #expect(
            outcome.kind == .failed && outcome.reason?.contains("did not finish") == true, "\(outcome.reason ?? "")")
        #expect(fixture.bigquery.cancelledJobs.count == 1)
    }

    @Test func aKeyGoogleDoesNotKnowFailsAsAuthentication() async throws {
        let fixture = try await Self.started()
        defer { Task { await fixture.stop() } }
        let revoked = fixture.bigquery.serviceAccountKeyJSON()
            .replacingOccurrences(
                of: "agnes@proj.iam.gserviceaccount.com", with: "revoked@proj.iam.gserviceaccount.com")
        try revoked.write(to: fixture.keyFile, atomically: true, encoding: .utf8)
        let outcome = try #require(try await fixture.sync([Self.registration()])["orders"])
        #expect(outcome.kind == .failed)
        #expect(
            outcome.reason?.contains("no access token") == true && outcome.reason?.contains("400") == true,
            "\(outcome.reason ?? "")")
        #expect(outcome.reason?.contains("PRIVATE KEY") == false, "never the key")
    }

    @Test func aBadKeyFileIsNotConfiguredAndSaysWhichVariable() async throws {
        let fixture = try await Self.started()
        defer { Task { await fixture.stop() } }
        try "{\"type\": \"authorized_user\"}".write(to: fixture.keyFile, atomically: true, encoding: .utf8)
        let outcome = try #require(try await fixture.sync([Self.registration()])["orders"])
        #expect(outcome.kind == .failed && outcome.reason?.contains("GOOGLE_APPLICATION_CREDENTIALS") == true)
    }
}
