import AgnesCore
import AgnesFakes
import AgnesJobs
import AgnesServer
import AgnesStore
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

/// Keboola end to end over HTTP against a fake stack: discovery, discover-and-register, a sync run
/// through the pipeline, the table served to `/api/query`; auto-discovery into an empty registry; and
/// a configure call whose token is used at once.
@Suite struct KeboolaRoutesTests {
    static func orders() -> FakeKeboolaTable {
        FakeKeboolaTable(
            id: "in.c-sales.orders", columns: ["id", "amount", "placed"], primaryKey: ["id"],
            rows: [["1", "10.50", "2026-01-05"], ["2", "20.25", "2026-02-01"], ["3", "", "2026-03-01"]],
            columnMetadata: [
                "id": [FakeKeboolaMetadata("KBC.datatype.basetype", "INTEGER")],
                "amount": [
                    FakeKeboolaMetadata("KBC.datatype.basetype", "NUMERIC"),
                    FakeKeboolaMetadata("KBC.datatype.length", "10,2"),
                ],
                "placed": [FakeKeboolaMetadata("KBC.datatype.basetype", "DATE")],
            ])
    }

    static func fixture(_ keboola: FakeKeboola, configured: Bool = true) async throws -> ServerFixture {
        try await ServerFixture(settings: { root in
            AgnesSettings(
                dataDir: root, dataSourceType: configured ? .keboola : .local, outboundAllowedHosts: ["127.0.0.1"],
                keboola: KeboolaSettings(
                    stackURL: configured ? keboola.stackURL : nil, s3Endpoint: keboola.s3Endpoint,
                    gcsEndpoint: keboola.gcsEndpoint, pollIntervalSeconds: 0),
                environment: configured ? ["KEBOOLA_STORAGE_TOKEN": keboola.token] : [:])
        })
    }

    @Test func discoverRegisterSyncAndQuery() async throws {
        let keboola = await FakeKeboola.start()
        defer { Task { await keboola.stop() } }
        keboola.putTable(Self.orders())
        keboola.putTable(
            FakeKeboolaTable(id: "out.c-reports.daily", columns: ["day", "total"], rows: [["2026-01-01", "5"]]))
        let fixture = try await Self.fixture(keboola)
        let root = try await fixture.admin()
        try await fixture.application.test(.router) { client in
            let listed = try await client.call(.get, "/api/admin/discover-tables", as: root.token)
            #expect(listed.status == .ok)
            #expect(listed.object["source"] as? String == "keboola")
            #expect(listed.object["count"] as? Int == 2)
            let tables = try #require(listed.object["tables"] as? [[String: Any]])
            let orders = try #require(tables.first { $0["id"] as? String == "in.c-sales.orders" })
            #expect(orders["name"] as? String == "orders")
            #expect(orders["bucket_id"] as? String == "in.c-sales")
            #expect(orders["columns"] as? [String] == ["id", "amount", "placed"])
            #expect(orders["row_count"] as? Int == 3)
            #expect(orders["primary_key"] as? [String] == ["id"])
            #expect(orders["last_change"] is String && orders["last_import"] is String)
            #expect(orders["registry_id"] as? String == "in_c_sales_orders")
            #expect(orders["registered"] as? Bool == false)

            let registered = try await client.call(.post, "/api/admin/discover-and-register", as: root.token)
            #expect(registered.status == .ok)
            #expect(registered.object["registered"] as? Int == 2)
            #expect(
                Set(registered.object["tables"] as? [String] ?? []) == ["in_c_sales_orders", "out_c_reports_daily"])
            let runID = try #require(registered.object["run_id"] as? String)
            let run = await fixture.services.pipeline.completion(of: runID)
            #expect(run?.status == .succeeded)
            let row = try #require(
                try await DuckDBTableRegistryRepository(store: fixture.services.store).find(id: "in_c_sales_orders"))
            #expect(row.bucket == "in.c-sales" && row.sourceTable == "orders")
            #expect(row.description == "Auto-discovered from Keboola: in.c-sales.orders")

            let query = try await client.call(
                .post, "/api/query", as: root.token,
                body: ["sql": "SELECT count(*) AS n, sum(amount) AS total, max(placed) AS last FROM in_c_sales_orders"])
            #expect(query.status == .ok, "\(query.object)")
            #expect(query.object["column_types"] as? [String] == ["BIGINT", "DECIMAL(38,2)", "DATE"])
            let values = try #require((query.object["rows"] as? [[Any]])?.first)
            #expect(values[0] as? Int == 3)
            #expect(values[2] as? String == "2026-03-01")

            let again = try await client.call(.post, "/api/admin/discover-and-register", as: root.token)
            #expect(again.object["registered"] as? Int == 0 && again.object["skipped"] as? Int == 2)
            let relisted = try await client.call(.get, "/api/admin/discover-tables", as: root.token)
            let flags = (relisted.object["tables"] as? [[String: Any]] ?? []).map { $0["registered"] as? Bool }
            #expect(flags == [true, true])

            // Unregistering takes the table out of the served database at once.
            let removed = try await client.call(.delete, "/api/admin/registry/in_c_sales_orders", as: root.token)
            #expect(removed.status == .noContent)
            let gone = try await client.call(
                .post, "/api/query", as: root.token, body: ["sql": "SELECT count(*) FROM in_c_sales_orders"])
            #expect(gone.status.code >= 400 && gone.status.code < 500)
            let kept = try await client.call(
                .post, "/api/query", as: root.token, body: ["sql": "SELECT count(*) FROM out_c_reports_daily"])
            #expect(kept.status == .ok)
            #expect(
                !FileManager.default.fileExists(
                    atPath: fixture.root.appendingPathComponent("extracts/keboola/data/in_c_sales_orders.parquet").path)
            )
        }
    }

    @Test func aRemoteTableIsQueriedInPlaceForThoseWhoMayReadItAndNeverDownloaded() async throws {
        let keboola = await FakeKeboola.start()
        defer { Task { await keboola.stop() } }
        keboola.putTable(Self.orders())
        let fixture = try await Self.fixture(keboola)
        let root = try await fixture.admin()
        let ana = try await fixture.analyst()
        let bob = try await fixture.analyst("bob@example.com")
        try await fixture.grantTables(["live_orders"], to: ana.id)
        try await fixture.application.test(.router) { client in
            let created = try await client.call(
                .post, "/api/admin/register-table", as: root.token,
                body: [
                    "name": "live_orders", "source_type": "keboola", "bucket": "in.c-sales", "source_table": "orders",
                    "query_mode": "remote",
                ])
            #expect(created.status == .created, "\(created.object)")
            let runID = try #require(created.object["run_id"] as? String)
            #expect(await fixture.services.pipeline.completion(of: runID)?.status == .succeeded)
            let outcomes = try await SyncRunRepository(store: fixture.services.store).outcomes(runID: runID)
            #expect(outcomes.first { $0.tableID == "live_orders" }?.kind == .synced, "\(outcomes)")

            let query = try await client.call(
                .post, "/api/query", as: ana.token,
                body: [
                    "sql":
                        "SELECT count(*) AS n, sum(amount) AS total, max(placed) AS last FROM live_orders WHERE id > 1"
                ])
            #expect(query.status == .ok, "\(query.object)")
            #expect(query.object["column_types"] as? [String] == ["BIGINT", "DECIMAL(38,2)", "DATE"])
            let values = try #require((query.object["rows"] as? [[Any]])?.first)
            #expect(values[0] as? Int == 2 && values[2] as? String == "2026-03-01")
            #expect(keboola.requests.contains { $0.path.hasSuffix("/queries") && $0.method == "POST" })
            #expect(!keboola.requests.contains { $0.path.contains("export-async") })

            // Not granted: the table does not exist for that caller.
            let denied = try await client.call(
                .post, "/api/query", as: bob.token, body: ["sql": "SELECT count(*) FROM live_orders"])
            #expect(denied.status == .badRequest)
            #expect((denied.object["detail"] as? String)?.contains("live_orders") == true)

            // Its schema and a sample come from Keboola; the manifest lists it as remote, with nothing to download.
            let schema = try await client.call(.get, "/api/v2/schema/live_orders", as: ana.token)
            #expect(schema.status == .ok, "\(schema.object)")
            let columns = (schema.object["columns"] as? [[String: Any]] ?? []).map {
                "\($0["name"] ?? "") \($0["type"] ?? "")"
            }
            #expect(columns == ["id BIGINT", "amount DECIMAL(10,2)", "placed DATE"])
            let sample = try await client.call(.get, "/api/v2/sample/live_orders?n=2", as: ana.token)
            #expect(sample.status == .ok, "\(sample.object)")
            #expect((sample.object["rows"] as? [Any])?.count == 2)
            let manifest = try await client.call(.get, "/api/sync/manifest", as: ana.token)
            let entry = try #require((manifest.object["tables"] as? [String: Any])?["live_orders"] as? [String: Any])
            #expect(entry["query_mode"] as? String == "remote" && entry["hash"] as? String == "")
            let download = try await client.call(.get, "/api/data/live_orders/download", as: ana.token)
            #expect(download.status == .notFound)
        }
    }

    @Test func keboolaDescriptionsAndTypesReachTheCatalogWithoutOverwritingAnAdmin() async throws {
        let keboola = await FakeKeboola.start()
        defer { Task { await keboola.stop() } }
        var orders = Self.orders()
        orders.description = "Orders from the shop"
        orders.columnMetadata["amount"]?.append(FakeKeboolaMetadata("KBC.description", "Order total in EUR"))
        orders.columnMetadata["placed"]?.append(FakeKeboolaMetadata("KBC.description", "When it was placed"))
        keboola.putTable(orders)
        let fixture = try await Self.fixture(keboola)
        let root = try await fixture.admin()
        _ = try await DuckDBTableRegistryRepository(store: fixture.services.store).register(
            TableRegistration(
                id: "orders", name: "orders", sourceType: "keboola", bucket: "in.c-sales", sourceTable: "orders"))
        try await fixture.application.test(.router) { client in
            let saved = try await client.call(
                .post, "/api/admin/metadata/orders", as: root.token,
                body: ["columns": [["column_name": "placed", "description": "Order date (admin's words)"]]])
            #expect(saved.status == .ok)
            let run = try await fixture.services.pipeline.run(tables: ["orders"], trigger: "test", requestedBy: nil)
            #expect(run.status == .succeeded)
            let documented = try await client.call(.get, "/api/admin/metadata/orders", as: root.token)
            let columns = try #require(documented.object["columns"] as? [[String: Any]])
            func column(_ name: String) -> [String: Any]? { columns.first { $0["column_name"] as? String == name } }
            #expect(column("amount")?["description"] as? String == "Order total in EUR")
            #expect(column("amount")?["basetype"] as? String == "NUMERIC")
            #expect(column("amount")?["source"] as? String == "keboola")
            #expect(column("id")?["basetype"] as? String == "INTEGER")
            #expect(column("placed")?["description"] as? String == "Order date (admin's words)")
            #expect(column("placed")?["source"] as? String == "manual")
            #expect((documented.object["table"] as? [String: Any])?["description"] as? String == "Orders from the shop")
        }
    }

    @Test func aRunIntoAnEmptyRegistryRegistersAndSyncsEveryTable() async throws {
        let keboola = await FakeKeboola.start()
        defer { Task { await keboola.stop() } }
        keboola.putTable(Self.orders())
        let fixture = try await Self.fixture(keboola)
        let run = try await fixture.services.pipeline.run(tables: nil, trigger: "test", requestedBy: nil)
        #expect(run.status == .succeeded)
        let registry = try await DuckDBTableRegistryRepository(store: fixture.services.store).list(sourceType: nil)
        #expect(registry.map(\.id) == ["in_c_sales_orders"])
        #expect(registry.first?.registeredBy == "system:auto-discovery")
        let outcomes = try await SyncRunRepository(store: fixture.services.store).outcomes(runID: run.id)
        #expect(outcomes.map(\.summary).first?.hasPrefix("synced") == true)
    }

    @Test func aMaterializedTableIsRunByKeboolaServedAndThenDueHourly() async throws {
        let keboola = await FakeKeboola.start()
        defer { Task { await keboola.stop() } }
        keboola.putTable(Self.orders())
        let fixture = try await Self.fixture(keboola)
        let root = try await fixture.admin()
        try await fixture.application.test(.router) { client in
            let created = try await client.call(
                .post, "/api/admin/register-table", as: root.token,
                body: [
                    "name": "order_totals", "source_type": "keboola", "bucket": "in.c-sales",
                    "query_mode": "materialized",
                    "source_query":
                        #"SELECT count(*) AS n, sum(CAST(NULLIF("amount", '') AS NUMERIC(10,2))) AS total FROM "in.c-sales"."orders""#,
                ])
            #expect(created.status == .created, "\(created.object)")
            let runID = try #require(created.object["run_id"] as? String)
            let run = await fixture.services.pipeline.completion(of: runID)
            #expect(run?.status == .succeeded)
            let query = try await client.call(
                .post, "/api/query", as: root.token, body: ["sql": "SELECT n, total FROM order_totals"])
            #expect(query.status == .ok, "\(query.object)")
            #expect(query.object["column_types"] as? [String] == ["BIGINT", "DECIMAL(38,2)"])
            let values = try #require((query.object["rows"] as? [[Any]])?.first)
            #expect(values[0] as? Int == 3)
            // No sync_schedule: materialized rows run every hour, so the next run skips it.
            let again = try await fixture.services.pipeline.run(tables: nil, trigger: "test", requestedBy: nil)
            let outcomes = try await SyncRunRepository(store: fixture.services.store).outcomes(runID: again.id)
            let outcome = try #require(outcomes.first { $0.tableID == "order_totals" })
            #expect(outcome.kind == .skipped && outcome.reason?.hasPrefix("not due (every 1h") == true, "\(outcome)")
        }
    }

    @Test func configuringKeboolaTakesEffectWithoutARestart() async throws {
        let keboola = await FakeKeboola.start()
        defer { Task { await keboola.stop() } }
        keboola.putTable(Self.orders())
        let fixture = try await Self.fixture(keboola, configured: false)
        let root = try await fixture.admin()
        try await fixture.application.test(.router) { client in
            let before = try await client.call(.get, "/api/admin/discover-tables?source_type=keboola", as: root.token)
            #expect((before.object["error"] as? String)?.hasPrefix("Keboola is not configured") == true)
            let wrong = try await client.call(
                .post, "/api/admin/configure", as: root.token,
                body: ["data_source": "keboola", "keboola_token": "nope", "keboola_url": keboola.stackURL])
            #expect(wrong.status == .badRequest)
            #expect(wrong.detail?.contains("Keboola rejected the Storage API token") == true)
            let configured = try await client.call(
                .post, "/api/admin/configure", as: root.token,
                body: ["data_source": "keboola", "keboola_token": keboola.token, "keboola_url": keboola.stackURL])
            #expect(configured.status == .ok, "\(configured.object)")
            #expect(keboola.requests.contains { $0.path == "/v2/storage/tokens/verify" })
            let after = try await client.call(.get, "/api/admin/discover-tables?source_type=keboola", as: root.token)
            #expect(after.object["count"] as? Int == 1)
        }
    }
}
