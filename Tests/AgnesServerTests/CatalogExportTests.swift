import AgnesConnectors
import AgnesCore
import AgnesFakes
import AgnesJobs
import AgnesServer
import AgnesStore
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Synchronization
import Testing

/// The OpenMetadata catalog export: `POST /api/admin/run-catalog-export` and the scheduler's
/// `catalog-export` job, end to end against ``FakeOpenMetadata`` on 127.0.0.1.
@Suite struct CatalogExportTests {
    static let orders = FakeOpenMetadataTable(
        fqn: "bigquery.orders", description: "One row per order.",
        columns: [
            .init(name: "amount", dataType: "DECIMAL", description: "Net amount in USD"),
            .init(name: "email", dataType: "VARCHAR", description: "Buyer's email", tags: ["PII.Sensitive"]),
            .init(name: "status", dataType: "VARCHAR", description: "paid, open or cancelled"),
            .init(name: "created_at", dataType: "TIMESTAMP"),
        ],
        tags: ["Tier.Tier1"], owners: ["ana"])

    static let revenue = FakeOpenMetadataMetric(
        name: "net_revenue", displayName: "Net revenue", description: "Revenue after refunds.",
        code: "SELECT SUM(amount) FROM orders", metricType: "SUM", unit: "DOLLARS", granularity: "MONTH",
        tags: ["MetricCategory.finance"], owners: ["cfo"], dataProducts: ["AnalyticsDataModel"])
    static let orderCount = FakeOpenMetadataMetric(
        name: "order_count", code: "SELECT COUNT(*) FROM orders", metricType: "COUNT",
        tags: ["MetricCategory.sales"], dataProducts: ["AnalyticsDataModel"])
    static let unrelated = FakeOpenMetadataMetric(name: "headcount", code: "SELECT 1", dataProducts: ["HR"])

    /// A catalog with the orders table and three metrics, a server configured for it with `orders` and
    /// `customers` registered (OpenMetadata does not have `customers`), and an admin.
    static func withCatalog(
        dataProduct: String? = "AnalyticsDataModel",
        _ body: (FakeOpenMetadata, ServerFixture, String) async throws -> Void
    ) async throws {
        let catalog = await FakeOpenMetadata.start()
        catalog.putTable(orders)
        for metric in [revenue, orderCount, unrelated] { catalog.putMetric(metric) }
        do {
            let fixture = try await ServerFixture(settings: { root in
                AgnesSettings(
                    dataDir: root,
                    openMetadata: OpenMetadataSettings(
                        url: catalog.baseURL, token: catalog.token, dataProduct: dataProduct))
            })
            try await fixture.registerTable("orders")
            try await fixture.registerTable("customers")
            let root = try await fixture.admin()
            try await body(catalog, fixture, root.token)
        } catch {
            await catalog.stop()
            throw error
        }
        await catalog.stop()
    }

    static func details(_ reply: Reply) -> [String: Any] { reply.object["details"] as? [String: Any] ?? [:] }

    @Test func tableAndColumnDocsAndTheDataProductsMetricsLandInTheCatalog() async throws {
        try await Self.withCatalog { catalog, fixture, admin in
            try await fixture.application.test(.router) { client in
                let run = try await client.call(.post, "/api/admin/run-catalog-export", as: admin)
                #expect(run.status == .ok, "\(run.object)")
                #expect(run.object["ok"] as? Bool == true)
                let details = Self.details(run)
                #expect(details["tables"] as? Int == 1 && details["columns"] as? Int == 3)
                #expect(details["metrics"] as? Int == 2, "the HR metric is not in the data product")
                #expect(details["skipped"] as? Int == 1 && details["skipped_tables"] as? [String] == ["customers"])
                #expect(details["kept_manual"] as? Int == 0 && details["removed"] as? Int == 0)
                #expect((details["errors"] as? [Any])?.isEmpty == true)

                let metadata = try await client.call(.get, "/api/admin/metadata/orders", as: admin)
                let columns = metadata.object["columns"] as? [[String: Any]] ?? []
                #expect(columns.compactMap { $0["column_name"] as? String } == ["amount", "email", "status"])
                let email = try #require(columns.first { $0["column_name"] as? String == "email" })
                #expect(email["description"] as? String == "Buyer's email" && email["basetype"] as? String == "STRING")
                #expect(email["tags"] as? [String] == ["PII.Sensitive"] && email["source"] as? String == "openmetadata")
                let table = try #require(metadata.object["table"] as? [String: Any])
                #expect(table["description"] as? String == "One row per order.")
                #expect(table["tier"] as? String == "Tier1" && table["owners"] as? [String] == ["ana"])
                #expect(table["fqn"] as? String == "bigquery.orders" && table["source"] as? String == "openmetadata")

                let metrics = try await client.call(.get, "/api/metrics", as: admin)
                let listed = metrics.object["metrics"] as? [[String: Any]] ?? []
                #expect(listed.compactMap { $0["id"] as? String } == ["finance/net_revenue", "sales/order_count"])
                let metric = try await client.call(.get, "/api/metrics/finance/net_revenue", as: admin)
                #expect(metric.object["display_name"] as? String == "Net revenue")
                #expect(metric.object["sql"] as? String == "SELECT SUM(amount) FROM orders")
                #expect(metric.object["grain"] as? String == "monthly" && metric.object["type"] as? String == "sum")
                #expect(
                    metric.object["unit"] as? String == "DOLLARS"
                        && metric.object["source"] as? String == "openmetadata")

                let catalogList = try await client.call(.get, "/api/catalog/tables", as: admin)
                let described = (catalogList.object["tables"] as? [[String: Any]])?.first {
                    $0["id"] as? String == "orders"
                }
                #expect(described?["description"] as? String == "One row per order.", "the registry has none")
            }
            // The export searched the data product's metrics and read each by name, with the token.
            #expect(catalog.requests(pathContains: "/search/query").first?.query["index"] == "metric_search_index")
            #expect(
                Set(catalog.requests(pathContains: "/metrics/name/").map(\.path)) == [
                    "/api/v1/metrics/name/net_revenue", "/api/v1/metrics/name/order_count",
                ])
            #expect(catalog.requests.allSatisfy { $0.authorization == "Bearer \(catalog.token)" })
            // Recorded in the job's history and the audit log.
            let job = try #require(
                try await fixture.services.scheduler.statuses().first { $0.name == "catalog-export" })
            #expect(job.state == "ready" && job.schedule == "every 6h" && job.lastStatus == "ok")
            #expect(job.lastDetail?.hasPrefix("1 tables, 3 columns, 2 metrics exported; 1 tables skipped") == true)
            let audit = try #require(try await fixture.auditLog().first { $0.action == "catalog_export.run" })
            #expect(audit.params?["metrics"] == "2" && audit.params?["result"] == "ok")
        }
    }

    @Test func whatAnAdminEditedByHandSurvivesTheNextExport() async throws {
        try await Self.withCatalog { catalog, fixture, admin in
            try await fixture.application.test(.router) { client in
                #expect(try await client.call(.post, "/api/admin/run-catalog-export", as: admin).status == .ok)
                // The admin rewrites a column's docs and the exported metric (sent back as read, source and all).
                let saved = try await client.call(
                    .post, "/api/admin/metadata/orders", as: admin,
                    body: ["columns": [["column_name": "amount", "description": "Gross amount, VAT included"]]])
                #expect(saved.status == .ok)
                let edited = try await client.call(
                    .post, "/api/admin/metrics", as: admin,
                    body: [
                        "id": "finance/net_revenue", "name": "net_revenue", "display_name": "Net revenue (finance)",
                        "category": "finance", "sql": "SELECT SUM(amount) - SUM(refunds) FROM orders",
                        "source": "openmetadata",
                    ])
                #expect(edited.status == .created && edited.object["source"] as? String == "manual")

                catalog.putTable(
                    FakeOpenMetadataTable(
                        fqn: "bigquery.orders", description: "Orders, v2",
                        columns: [.init(name: "amount", dataType: "DECIMAL", description: "Net amount (catalog v2)")]))
                let again = try await client.call(.post, "/api/admin/run-catalog-export", as: admin)
                #expect(again.object["ok"] as? Bool == true)
                #expect(Self.details(again)["kept_manual"] as? Int == 2)

                let columns =
                    try await client.call(.get, "/api/admin/metadata/orders", as: admin).object["columns"]
                    as? [[String: Any]] ?? []
                let amount = try #require(columns.first { $0["column_name"] as? String == "amount" })
                #expect(amount["description"] as? String == "Gross amount, VAT included")
                #expect(amount["source"] as? String == "manual")
                let metric = try await client.call(.get, "/api/metrics/finance/net_revenue", as: admin)
                #expect(metric.object["sql"] as? String == "SELECT SUM(amount) - SUM(refunds) FROM orders")
                #expect(metric.object["display_name"] as? String == "Net revenue (finance)")
            }
        }
    }

    @Test func staleExportedRowsAreRemovedButHandEditedOnesStay() async throws {
        try await Self.withCatalog { catalog, fixture, admin in
            try await fixture.application.test(.router) { client in
                #expect(try await client.call(.post, "/api/admin/run-catalog-export", as: admin).status == .ok)
                _ = try await client.call(
                    .post, "/api/admin/metadata/orders", as: admin,
                    body: ["columns": [["column_name": "status", "description": "Written by hand"]]])
                // OpenMetadata drops the email column's docs, and the order count metric; the status
                // column goes too, but its row is the admin's now.
                catalog.putTable(
                    FakeOpenMetadataTable(
                        fqn: "bigquery.orders", description: "One row per order.",
                        columns: [.init(name: "amount", dataType: "DECIMAL", description: "Net amount in USD")]))
                catalog.removeMetric(name: "order_count")
                let second = try await client.call(.post, "/api/admin/run-catalog-export", as: admin)
                #expect(Self.details(second)["removed"] as? Int == 2)
                let columns =
                    try await client.call(.get, "/api/admin/metadata/orders", as: admin).object["columns"]
                    as? [[String: Any]] ?? []
                #expect(columns.compactMap { $0["column_name"] as? String } == ["amount", "status"])
                #expect(columns.last?["source"] as? String == "manual")
                let ids =
                    (try await client.call(.get, "/api/metrics", as: admin).object["metrics"] as? [[String: Any]])?
                    .compactMap { $0["id"] as? String }
                #expect(ids == ["finance/net_revenue"])

                // The table leaves OpenMetadata (404): skipped, and what the export wrote for it goes.
                catalog.removeTable(fqn: "bigquery.orders")
                let third = try await client.call(.post, "/api/admin/run-catalog-export", as: admin)
                #expect(third.object["ok"] as? Bool == true)
                #expect(Set(Self.details(third)["skipped_tables"] as? [String] ?? []) == ["customers", "orders"])
                let left = try await client.call(.get, "/api/admin/metadata/orders", as: admin)
                #expect(
                    (left.object["columns"] as? [[String: Any]])?.compactMap { $0["column_name"] as? String } == [
                        "status"
                    ])
                #expect(left.object["table"] is NSNull)
            }
        }
    }

    @Test func aRefusedTokenStopsTheExportWithoutRemovingAnything() async throws {
        try await Self.withCatalog { catalog, fixture, admin in
            try await fixture.application.test(.router) { client in
                #expect(try await client.call(.post, "/api/admin/run-catalog-export", as: admin).status == .ok)
                catalog.token = "rotated"
                let refused = try await client.call(.post, "/api/admin/run-catalog-export", as: admin)
                #expect(refused.status == .badGateway)
                #expect(refused.object["ok"] as? Bool == false)
                #expect(
                    refused.detail
                        == "OpenMetadata rejected the token (HTTP 401: Not Authorized! Invalid Token): check openmetadata.token"
                )
                let columns = try await client.call(.get, "/api/admin/metadata/orders", as: admin).object["columns"]
                #expect((columns as? [Any])?.count == 3, "nothing was removed")
                #expect((try await client.call(.get, "/api/metrics", as: admin).object["count"] as? Int) == 2)
            }
            let job = try #require(
                try await fixture.services.scheduler.statuses().first { $0.name == "catalog-export" })
            #expect(job.lastStatus == "failed")
            #expect(job.lastDetail?.hasPrefix("OpenMetadata rejected the token") == true)
            let audit = try await fixture.auditLog().filter { $0.action == "catalog_export.run" }
            #expect(audit.last?.params?["result"] == "failed")
        }
    }

    @Test func withoutAURLOrATokenTheJobSaysItIsNotConfigured() async throws {
        let fixture = try await ServerFixture()
        let admin = try await fixture.admin()
        let ana = try await fixture.analyst()
        try await fixture.application.test(.router) { client in
            let run = try await client.call(.post, "/api/admin/run-catalog-export", as: admin.token)
            #expect(run.status == .conflict)
            #expect(
                run.detail
                    == "Job catalog-export cannot run on this server: OpenMetadata is not configured: set openmetadata.url and openmetadata.token"
            )
            let jobs = try await client.call(.get, "/api/admin/scheduler/jobs", as: admin.token)
            let job = (jobs.object["jobs"] as? [[String: Any]])?.first { $0["name"] as? String == "catalog-export" }
            #expect(job?["state"] as? String == "not configured")
            #expect((job?["detail"] as? String)?.hasPrefix("OpenMetadata is not configured") == true)
            #expect(try await client.call(.post, "/api/admin/run-catalog-export", as: ana.token).status == .forbidden)
        }
        #expect(try await fixture.auditLog().allSatisfy { $0.action != "catalog_export.run" })
    }

    @Test func aTagSelectsTheMetricsWhenNoDataProductIsSet() async throws {
        let catalog = await FakeOpenMetadata.start()
        catalog.putMetric(FakeOpenMetadataMetric(name: "arr", code: "SELECT 1", tags: ["AIAgent.Analyst"]))
        catalog.putMetric(FakeOpenMetadataMetric(name: "nps", code: "SELECT 2"))
        let fixture = try await ServerFixture()
        let settings = OpenMetadataSettings(url: catalog.baseURL, token: catalog.token, filterTag: "AIAgent.Analyst")
        let export = try #require(
            CatalogExport(settings: settings, store: fixture.services.store, logger: fixture.services.logger))
        let report = try await export.run()
        await catalog.stop()
        #expect(report.metrics == 1 && report.errors.isEmpty)
        #expect(
            try await DuckDBMetricDefinitionRepository(store: fixture.services.store).list(category: nil).map(\.id) == [
                "general/arr"
            ])
        #expect(catalog.requests(pathContains: "/search/").isEmpty, "the list, not the search")
    }

    @Test func a429DuringTheExportIsWaitedOutAsRetryAfterSaysAndA5xxIsRetried() async throws {
        let catalog = await FakeOpenMetadata.start()
        catalog.putTable(Self.orders)
        catalog.putMetric(Self.revenue)
        catalog.inject(.status(429, retryAfter: 30), pathContains: "/tables/name/")
        catalog.inject(.status(502), pathContains: "/metrics/name/")
        let fixture = try await ServerFixture()
        try await fixture.registerTable("orders")
        let waits = Mutex<[Duration]>([])
        let export = try #require(
            CatalogExport(
                settings: OpenMetadataSettings(url: catalog.baseURL, token: catalog.token),
                store: fixture.services.store,
                retry: RetryPolicy { delay in waits.withLock { $0.append(delay) } }, logger: fixture.services.logger))
        let report = try await export.run()
        await catalog.stop()
        #expect(report.tables == 1 && report.metrics == 1 && report.errors.isEmpty)
        #expect(waits.withLock { $0 } == [.seconds(30), .milliseconds(500)])
    }

    @Test func aTableThatKeepsFailingIsAnErrorOfItsOwnAndKeepsItsRows() async throws {
        try await Self.withCatalog { catalog, fixture, admin in
            try await fixture.application.test(.router) { client in
                let first = try await client.call(.post, "/api/admin/run-catalog-export", as: admin)
                #expect(first.status == .ok)
            }
            // Straight to the export, with retries that do not wait.
            let export = try #require(
                CatalogExport(
                    settings: fixture.services.settings.openMetadata, store: fixture.services.store,
                    retry: RetryPolicy(maxAttempts: 2) { _ in }, logger: fixture.services.logger))
            catalog.inject(.status(500), pathContains: "/tables/name/bigquery.orders", count: 2)
            let report = try await export.run()
            #expect(report.errors.count == 1)
            #expect(
                report.errors.first?.hasPrefix(
                    "table orders (bigquery.orders): GET /api/v1/tables/name/bigquery.orders") == true)
            #expect(report.metrics == 2 && report.removed == 0)
            #expect(
                try await DuckDBColumnMetadataRepository(store: fixture.services.store).list(tableID: "orders").count
                    == 3)
        }
    }
}
