import AgnesCore
import AgnesFakes
import AgnesJobs
import AgnesServer
import AgnesStore
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

/// The registration form's discovery pickers against the fake Keboola and BigQuery: what the picker's
/// URL answers, what choosing an entry fills in (as the page script does), and that the form's body then
/// registers the table.
@Suite struct TablePickerTests {
    @Test func aKeboolaTableChosenByBucketIsRegisteredAndSynced() async throws {
        let keboola = await FakeKeboola.start()
        defer { Task { await keboola.stop() } }
        keboola.putTable(KeboolaRoutesTests.orders())
        keboola.putTable(
            FakeKeboolaTable(id: "out.c-reports.daily", columns: ["day", "total"], rows: [["2026-01-01", "5"]]))
        let fixture = try await KeboolaRoutesTests.fixture(keboola)
        let admin = try await fixture.admin()
        try await fixture.application.test(.router) { client in
            let html = String(
                buffer: try await client.raw(.get, "/admin/tables/new?source=keboola", as: admin.token).body)
            #expect(!html.contains("is not configured on this server"))
            var form = try #require(WebForm(in: html, id: "register-table"))
            let picker = try #require(form.pickers.first)
            #expect(picker.attributes["data-group"] == "bucket_id")
            let url = try #require(picker.url(form.fields))
            let answer = try await client.call(.get, url, as: admin.token)
            #expect(answer.status == .ok && answer.object["error"] as? String == nil)
            let entries = picker.entries(answer.object)
            // Grouped by bucket, each named by its table.
            #expect(Set(entries.compactMap { $0["bucket_id"] as? String }) == ["in.c-sales", "out.c-reports"])
            let orders = try #require(entries.first { $0["id"] as? String == "in.c-sales.orders" })
            #expect(WebForm.Picker.text(picker.attributes["data-text"] ?? "", orders) == "orders")
            #expect(picker.isChoosable(orders))
            form.choose(orders, in: picker)
            #expect(form.fields["bucket"] as? String == "in.c-sales")
            #expect(form.fields["source_table"] as? String == "orders")
            #expect(form.fields["name"] as? String == "in_c_sales_orders")
            #expect(form.fields["primary_key"] as? [String] == ["id"])

            let checked = try await client.call(
                .post, "/api/admin/register-table/precheck", as: admin.token, body: form.fields)
            #expect(checked.status == .ok, "\(checked.object)")
            let created = try await client.call(.post, "/api/admin/register-table", as: admin.token, body: form.fields)
            #expect(created.status == .created, "\(created.object)")
            let run = try #require(created.object["run_id"] as? String)
            #expect(await fixture.services.pipeline.completion(of: run)?.status == .succeeded)

            let list = String(buffer: try await client.raw(.get, "/admin/tables", as: admin.token).body)
            #expect(list.contains("<code>in_c_sales_orders</code>") && list.contains("in.c-sales / orders"))
            let edit = String(
                buffer: try await client.raw(.get, "/admin/tables/in_c_sales_orders", as: admin.token).body)
            #expect(edit.contains(#"<td class="status-ok">synced"#))
            // Once registered, the picker shows the table as taken.
            let again = try await client.call(.get, url, as: admin.token)
            let taken = try #require(picker.entries(again.object).first { $0["id"] as? String == "in.c-sales.orders" })
            #expect(!picker.isChoosable(taken))
        }
    }

    @Test func aBigQueryTableChosenByDatasetIsRegisteredAsRemote() async throws {
        let bigquery = await BigQueryRoutesTests.fake()
        defer { Task { await bigquery.stop() } }
        let fixture = try await BigQueryRoutesTests.fixture(bigquery)
        let admin = try await fixture.admin()
        try await fixture.application.test(.router) { client in
            let html = String(
                buffer: try await client.raw(.get, "/admin/tables/new?source=bigquery", as: admin.token).body)
            var form = try #require(WebForm(in: html, id: "register-table"))
            #expect(form.pickers.count == 2)
            let (datasets, tables) = (form.pickers[0], form.pickers[1])
            // The tables picker waits for a dataset.
            #expect(tables.url(form.fields) == nil)
            let listed = try await client.call(.get, try #require(datasets.url(form.fields)), as: admin.token)
            let sales = try #require(datasets.entries(listed.object).first)
            form.choose(sales, in: datasets)
            #expect(form.fields["bucket"] as? String == "sales")
            let url = try #require(tables.url(form.fields))
            #expect(url == "/api/admin/discover-tables?source_type=bigquery&dataset=sales")
            let offered = tables.entries(try await client.call(.get, url, as: admin.token).object)
            let view = try #require(offered.first { $0["table_id"] as? String == "eu_orders" })
            #expect(WebForm.Picker.text(tables.attributes["data-text"] ?? "", view) == "eu_orders (VIEW)")
            form.choose(view, in: tables)
            #expect(form.fields["source_table"] as? String == "eu_orders")
            #expect(form.fields["name"] as? String == "sales_eu_orders")
            #expect(form.fields["query_mode"] as? String == "remote")

            let checked = try await client.call(
                .post, "/api/admin/register-table/precheck", as: admin.token, body: form.fields)
            #expect(checked.status == .ok, "\(checked.object)")
            #expect((checked.object["table"] as? [String: Any])?["column_count"] as? Int == 3)
            let created = try await client.call(.post, "/api/admin/register-table", as: admin.token, body: form.fields)
            #expect(created.status == .ok && created.object["status"] as? String == "ok", "\(created.object)")
            let list = String(buffer: try await client.raw(.get, "/admin/tables", as: admin.token).body)
            #expect(list.contains("<code>sales_eu_orders</code>") && list.contains("<td>remote</td>"))
        }
    }
}
