import AgnesCore
import AgnesFakes
import AgnesJobs
import AgnesServer
import AgnesStore
import AgnesTestSupport
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

/// BigQuery end to end over HTTP against the fake: test-connection, discovery of datasets and tables,
/// precheck and registration of a remote table, `/api/query` over it for those who may read it, and
/// the dry-run guard's 400 with its structured detail.
@Suite struct BigQueryRoutesTests {
    static let project = "acme-data"

    static func fake() async -> FakeBigQuery {
        let bigquery = await FakeBigQuery.start(projectID: project)
        bigquery.putTable(
            project: project, dataset: "sales", table: "orders",
            fields: [
                FakeBigQueryField("id", .int64), FakeBigQueryField("region", .string),
                FakeBigQueryField("amount", .float64),
            ],
            rows: [[1, "EU", 10.5], [2, "US", 20.0], [3, "EU", 7.25]], description: "Orders")
        bigquery.putView(
            project: project, dataset: "sales", view: "eu_orders", sql: "SELECT * FROM sales.orders WHERE region = 'EU'"
        )
        return bigquery
    }

    static func fixture(
        _ bigquery: FakeBigQuery, maxScanBytes: Int64 = 5_368_709_120, configured: Bool = true,
        registrationWaitSeconds: Int = 600,
        scan: ScanLimits = ScanLimits(), dataProject: String = project
    ) async throws -> ServerFixture {
        try await ServerFixture(
            settings: { root in
                AgnesSettings(
                    dataDir: root, dataSourceType: .bigquery, scan: scan,
                    bigquery: BigQuerySettings(
                        dataProject: configured ? dataProject : nil, apiBaseURL: bigquery.apiBaseURL,
                        maxScanBytes: maxScanBytes, registrationWaitSeconds: registrationWaitSeconds),
                    environment: ["GOOGLE_APPLICATION_CREDENTIALS": root + "/key.json"])
            },
            prepare: { root in
                try bigquery.serviceAccountKeyJSON().write(
                    to: root.appendingPathComponent("key.json"), atomically: true, encoding: .utf8)
            })
    }

    @Test func aRegistrationWhoseSchemaReadOutlastsTheWaitIsAcceptedAndFinishesBehind() async throws {
        let bigquery = await Self.fake()
        defer { Task { await bigquery.stop() } }
        let fixture = try await Self.fixture(bigquery, registrationWaitSeconds: 0)
        let root = try await fixture.admin()
        // BigQuery asks for a second's patience first: the schema read cannot finish within no wait.
        bigquery.inject(.status(503, reason: "backendError", retryAfter: 1), pathContains: "/tables/orders", count: 1)
        try await fixture.application.test(.router) { client in
            let body: [String: Any] = [
                "name": "orders", "source_type": "bigquery", "bucket": "sales", "source_table": "orders",
                "query_mode": "remote",
            ]
            let registered = try await client.call(.post, "/api/admin/register-table", as: root.token, body: body)
            #expect(registered.status == .accepted && registered.object["status"] as? String == "accepted")
            let runID = try #require(registered.object["run_id"] as? String)
            let run = await fixture.services.pipeline.completion(of: runID)
            #expect(run?.status == .succeeded, "\(String(describing: run))")
            let query = try await client.call(
                .post, "/api/query", as: root.token, body: ["sql": "SELECT count(*) AS n FROM orders"])
            #expect(query.status == .ok, "\(query.object)")
        }
    }

    @Test func testConnectionDiscoveryPrecheckRegisterAndQuery() async throws {
        let bigquery = await Self.fake()
        defer { Task { await bigquery.stop() } }
        let fixture = try await Self.fixture(bigquery)
        let root = try await fixture.admin()
        let ana = try await fixture.analyst()
        let bob = try await fixture.analyst("bob@example.com")
        try await fixture.grantTables(["orders"], to: ana.id)
        try await fixture.application.test(.router) { client in
            let connected = try await client.call(.post, "/api/admin/bigquery/test-connection", as: root.token)
            #expect(connected.status == .ok, "\(connected.object)")
            #expect(
                connected.object["ok"] as? Bool == true && connected.object["data_project"] as? String == Self.project)
            #expect(connected.object["elapsed_ms"] is Int)
            let forbidden = try await client.call(.post, "/api/admin/bigquery/test-connection", as: ana.token)
            #expect(forbidden.status == .forbidden)
            let health = try await client.call(.get, "/api/health/detailed", as: root.token)
            let bq = (health.object["services"] as? [String: Any])?["bq_config"] as? [String: Any]
            #expect(bq?["status"] as? String == "warning" && bq?["data_project"] as? String == Self.project)
            #expect(bq?["billing_project"] as? String == Self.project && bq?["hint"] is String)

            let datasets = try await client.call(
                .get, "/api/admin/discover-tables?source_type=bigquery", as: root.token)
            #expect(datasets.status == .ok)
            let listed = (datasets.object["datasets"] as? [[String: Any]] ?? []).map { $0["dataset_id"] as? String }
            #expect(listed == ["sales"])
            let tables = try await client.call(
                .get, "/api/admin/discover-tables?source_type=bigquery&dataset=sales", as: root.token)
            let offered = tables.object["tables"] as? [[String: Any]] ?? []
            #expect(Set(offered.compactMap { $0["table_id"] as? String }) == ["orders", "eu_orders"])
            #expect(offered.first { $0["table_id"] as? String == "eu_orders" }?["table_type"] as? String == "VIEW")

            let body: [String: Any] = [
                "name": "orders", "source_type": "bigquery", "bucket": "sales", "source_table": "orders",
                "query_mode": "remote",
            ]
            let precheck = try await client.call(
                .post, "/api/admin/register-table/precheck", as: root.token, body: body)
            #expect(precheck.status == .ok, "\(precheck.object)")
            let checked = try #require(precheck.object["table"] as? [String: Any])
            #expect(checked["rows"] as? Int == 3 && checked["column_count"] as? Int == 3)
            #expect(checked["project_id"] as? String == Self.project)
            var ghost = body
            ghost["source_table"] = "ghost"
            ghost["name"] = "ghost"
            let missing = try await client.call(
                .post, "/api/admin/register-table/precheck", as: root.token, body: ghost)
            #expect(missing.status == .notFound)

            let registered = try await client.call(.post, "/api/admin/register-table", as: root.token, body: body)
            #expect(registered.status == .ok, "\(registered.object)")
            #expect(
                registered.object["status"] as? String == "ok" && registered.object["view_name"] as? String == "orders")

            let query = try await client.call(
                .post, "/api/query", as: ana.token,
                body: ["sql": "SELECT region, sum(amount) AS total FROM orders WHERE region = 'EU' GROUP BY region"])
            #expect(query.status == .ok, "\(query.object)")
            let values = try #require((query.object["rows"] as? [[Any]])?.first)
            #expect(values[0] as? String == "EU" && values[1] as? Double == 17.75)
            #expect(bigquery.jobs.last?.query.contains("WHERE `region` = 'EU'") == true)

            let denied = try await client.call(
                .post, "/api/query", as: bob.token, body: ["sql": "SELECT * FROM orders"])
            #expect(denied.status == .badRequest)
            let manifest = try await client.call(.get, "/api/sync/manifest", as: ana.token)
            let entry = (manifest.object["tables"] as? [String: Any])?["orders"] as? [String: Any]
            #expect(entry?["query_mode"] as? String == "remote")

            // The v2 primitives treat it like any table: schema, sample, scan estimate, scan.
            let schema = try await client.call(.get, "/api/v2/schema/orders", as: ana.token)
            let columns = (schema.object["columns"] as? [[String: Any]] ?? []).map {
                "\($0["name"] ?? "") \($0["type"] ?? "")"
            }
            #expect(columns == ["id BIGINT", "region VARCHAR", "amount DOUBLE"])
            let sample = try await client.call(.get, "/api/v2/sample/orders?n=2", as: ana.token)
            #expect((sample.object["rows"] as? [[String: Any]])?.count == 2)
            #expect(bigquery.jobs.last?.query.hasSuffix("LIMIT 2") == true)
            let estimate = try await client.post(
                "/api/v2/scan/estimate", as: ana.token,
                body: ["table_id": "orders", "select": ["id"], "where": "region = 'US'"])
            #expect(estimate.status == .ok, "\(estimate.object)")
            #expect((estimate.object["estimated_scan_bytes"] as? Int ?? 0) > 0)
            #expect(estimate.object["bq_cost_estimate_usd"] is Double)
            let scanned = try await client.post(
                "/api/v2/scan", as: ana.token,
                body: [
                    "table_id": "orders", "select": ["id", "amount"], "where": "region = 'EU'", "order_by": ["id DESC"],
                ])
            #expect(scanned.status == .ok)
            let reader = try ArrowStreamReader(scanned.bytes)
            #expect(reader.fields.map(\.name) == ["id", "amount"])
            #expect(reader.values(0) == [3, 1])
            #expect(bigquery.jobs.last?.query.contains("WHERE `region` = 'EU'") == true)
        }
        let usage = fixture.services.scanQuota.usage(userID: ana.id)
        #expect(usage.bytesToday > 0)
    }

    @Test func aQueryOverTheScanLimitIs400WithTheEstimate() async throws {
        let bigquery = await Self.fake()
        defer { Task { await bigquery.stop() } }
        let fixture = try await Self.fixture(bigquery, maxScanBytes: 8)
        let root = try await fixture.admin()
        try await fixture.application.test(.router) { client in
            let registered = try await client.call(
                .post, "/api/admin/register-table", as: root.token,
                body: [
                    "name": "orders", "source_type": "bigquery", "bucket": "sales", "source_table": "orders",
                    "query_mode": "remote",
                ])
            #expect(registered.status == .ok, "\(registered.object)")
            let jobs = bigquery.jobs.count
            let refused = try await client.call(
                .post, "/api/query", as: root.token, body: ["sql": "SELECT * FROM orders"])
            #expect(refused.status == .badRequest)
            let detail = try #require(refused.object["detail"] as? [String: Any])
            #expect(detail["reason"] as? String == "remote_scan_too_large")
            #expect(detail["limit_bytes"] as? Int == 8 && (detail["scan_bytes"] as? Int ?? 0) > 8)
            #expect(detail["tables"] as? [String] == ["sales.orders"])
            #expect(detail["suggestion"] is String)
            #expect(bigquery.jobs.count == jobs, "only a dry run reached BigQuery")
        }
    }

    @Test func queriesOverBigQueryAreChargedToTheCallersScanQuota() async throws {
        let bigquery = await Self.fake()
        defer { Task { await bigquery.stop() } }
        let fixture = try await Self.fixture(bigquery, scan: ScanLimits(maxDailyBytesPerUser: 20))
        let root = try await fixture.admin()
        let ana = try await fixture.analyst()
        try await fixture.grantTables(["orders"], to: ana.id)
        try await fixture.application.test(.router) { client in
            let registered = try await client.call(
                .post, "/api/admin/register-table", as: root.token,
                body: [
                    "name": "orders", "source_type": "bigquery", "bucket": "sales", "source_table": "orders",
                    "query_mode": "remote",
                ])
            #expect(registered.status == .ok, "\(registered.object)")
            let first = try await client.call(.post, "/api/query", as: ana.token, body: ["sql": "SELECT * FROM orders"])
            #expect(first.status == .ok, "\(first.object)")
            let charged = fixture.services.scanQuota.usage(userID: ana.id)
            #expect(charged.bytesToday > 20 && charged.running == 0, "charged with BigQuery's processed bytes")
            let second = try await client.call(
                .post, "/api/query", as: ana.token, body: ["sql": "SELECT id FROM orders"])
            #expect(second.status == .tooManyRequests)
            let detail = try #require(second.object["detail"] as? [String: Any])
            #expect(detail["reason"] as? String == "daily_byte_cap_exceeded" && detail["limit"] as? Int == 20)
            // Local SQL is not subject to the scan quota.
            let local = try await client.call(.post, "/api/query", as: ana.token, body: ["sql": "SELECT 42"])
            #expect(local.status == .ok)
        }
    }

    @Test func hybridQueriesJoinBigQueryResultsWithServedTables() async throws {
        let bigquery = await Self.fake()
        defer { Task { await bigquery.stop() } }
        let fixture = try await Self.fixture(bigquery)
        try await fixture.publishLocal(["regions.csv": "region,name\nEU,Europe\nUS,United States\n"])
        let root = try await fixture.admin()
        let ana = try await fixture.analyst()
        try await fixture.application.test(.router) { client in
            let body: [String: Any] = [
                "sql": "SELECT r.name, t.total FROM totals t JOIN regions r USING (region) ORDER BY r.name",
                "register_bq": [
                    "totals": "SELECT region, SUM(amount) AS total FROM `acme-data.sales.orders` GROUP BY region"
                ],
            ]
            let joined = try await client.call(.post, "/api/query/hybrid", as: root.token, body: body)
            #expect(joined.status == .ok, "\(joined.object)")
            let rows = joined.object["rows"] as? [[Any]] ?? []
            #expect(rows.map { $0[0] as? String } == ["Europe", "United States"])
            #expect(rows.map { $0[1] as? Double } == [17.75, 20.0])
            let stats = (joined.object["bq_stats"] as? [String: Any])?["totals"] as? [String: Any]
            #expect(stats?["rows"] as? Int == 2 && (stats?["bytes_processed"] as? Int ?? 0) > 0)
            #expect(joined.object["row_count"] as? Int == 2 && joined.object["truncated"] as? Bool == false)
            #expect(bigquery.jobs.last?.projectID == Self.project)

            let notAdmin = try await client.call(.post, "/api/query/hybrid", as: ana.token, body: body)
            #expect(notAdmin.status == .forbidden)
            let badBQ = try await client.call(
                .post, "/api/query/hybrid", as: root.token,
                body: ["sql": "SELECT * FROM x", "register_bq": ["x": "SELEC nonsense"]])
            #expect(badBQ.status == .badRequest)
            #expect(
                (badBQ.object["detail"] as? String)?.hasPrefix("BQ 'x': bq_bad_request:") == true, "\(badBQ.object)")
            let badAlias = try await client.call(
                .post, "/api/query/hybrid", as: root.token,
                body: ["sql": "SELECT 1", "register_bq": ["regions": "SELECT 1"]])
            #expect((badAlias.object["detail"] as? String)?.hasPrefix("BQ 'regions': invalid_alias") == true)
            let badJoin = try await client.call(
                .post, "/api/query/hybrid", as: root.token,
                body: ["sql": "SELECT nope FROM totals", "register_bq": ["totals": "SELECT 1 AS one"]])
            #expect(
                (badJoin.object["detail"] as? String)?.hasPrefix("Query: query_error:") == true, "\(badJoin.object)")
        }
        #expect(
            (try? FileManager.default.contentsOfDirectory(
                atPath: fixture.root.appendingPathComponent("tmp/hybrid").path))?
                .isEmpty ?? true, "each hybrid query's staged results are removed")
    }

    @Test func registrationsFollowBigQuerysRules() async throws {
        let bigquery = await Self.fake()
        defer { Task { await bigquery.stop() } }
        let fixture = try await Self.fixture(bigquery)
        let root = try await fixture.admin()
        try await fixture.application.test(.router) { client in
            let cases: [([String: Any], String)] = [
                (
                    ["name": "a", "source_type": "bigquery", "query_mode": "remote", "source_table": "orders"],
                    "bucket:"
                ),
                (["name": "a", "source_type": "bigquery", "query_mode": "remote", "bucket": "sales"], "source_table:"),
                (
                    [
                        "name": "a", "source_type": "bigquery", "query_mode": "remote", "bucket": "sa-les",
                        "source_table": "o",
                    ],
                    "bucket: 'sa-les' is not a BigQuery dataset name"
                ),
                (
                    [
                        "name": "a", "source_type": "bigquery", "query_mode": "remote", "bucket": "s",
                        "source_table": "o`x",
                    ],
                    "source_table: 'o`x' is not a BigQuery table name"
                ),
                (["name": "a", "source_type": "bigquery", "query_mode": "materialized"], "bucket:"),
            ]
            for (body, detail) in cases {
                let answer = try await client.call(.post, "/api/admin/register-table", as: root.token, body: body)
                #expect(answer.status == .unprocessableContent, "\(body)")
                #expect((answer.object["detail"] as? String)?.hasPrefix(detail) == true, "\(answer.object)")
            }
            // A remote table BigQuery does not have is registered, but says it cannot be read (500).
            let ghost = try await client.call(
                .post, "/api/admin/register-table", as: root.token,
                body: [
                    "name": "ghost", "source_type": "bigquery", "query_mode": "remote", "bucket": "sales",
                    "source_table": "ghost",
                ])
            #expect(ghost.status == .internalServerError, "\(ghost.object)")
            #expect(ghost.object["status"] as? String == "rebuild_failed")
            #expect((ghost.object["errors"] as? [String])?.first?.contains("Not found") == true, "\(ghost.object)")
            // A materialized table with its table but no SQL copies the whole table.
            let whole = try await client.call(
                .post, "/api/admin/register-table", as: root.token,
                body: [
                    "name": "orders_copy", "source_type": "bigquery", "query_mode": "materialized", "bucket": "sales",
                    "source_table": "orders",
                ])
            #expect(whole.status == .created, "\(whole.object)")
            let runID = try #require(whole.object["run_id"] as? String)
            #expect(await fixture.services.pipeline.completion(of: runID)?.status == .succeeded)
            let copied = try await client.call(
                .post, "/api/query", as: root.token, body: ["sql": "SELECT count(*) AS n FROM orders_copy"])
            #expect((copied.object["rows"] as? [[Any]])?.first?.first as? Int == 3, "\(copied.object)")
            #expect(bigquery.jobs.contains { $0.query == "SELECT * FROM `acme-data.sales.orders`" })
        }
        let badProject = try await Self.fixture(bigquery, dataProject: "Not_A_Project")
        let admin = try await badProject.admin()
        try await badProject.application.test(.router) { client in
            let answer = try await client.call(
                .post, "/api/admin/register-table", as: admin.token,
                body: [
                    "name": "a", "source_type": "bigquery", "query_mode": "remote", "bucket": "s", "source_table": "o",
                ])
            #expect(answer.status == .unprocessableContent)
            #expect((answer.object["detail"] as? String)?.contains("is not a Google Cloud project id") == true)
        }
    }

    @Test func withoutAProjectTestConnectionSaysNotConfigured() async throws {
        let bigquery = await Self.fake()
        defer { Task { await bigquery.stop() } }
        let fixture = try await Self.fixture(bigquery, configured: false)
        let root = try await fixture.admin()
        try await fixture.application.test(.router) { client in
            let answer = try await client.call(.post, "/api/admin/bigquery/test-connection", as: root.token)
            #expect(answer.status == .badRequest)
            #expect((answer.object["detail"] as? [String: Any])?["kind"] as? String == "not_configured")
            bigquery.inject(
                .status(403, reason: "accessDenied", message: "Access Denied: Project acme-data"),
                pathContains: "/queries")
        }
        let configured = try await Self.fixture(bigquery)
        let admin = try await configured.admin()
        try await configured.application.test(.router) { client in
            let answer = try await client.call(.post, "/api/admin/bigquery/test-connection", as: admin.token)
            #expect(answer.status == .badGateway)
            let detail = answer.object["detail"] as? [String: Any]
            #expect(detail?["kind"] as? String == "bq_forbidden")
            #expect((detail?["message"] as? String)?.contains("Access Denied") == true)
        }
    }
}
