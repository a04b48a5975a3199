import AgnesCore
import AgnesServer
import AgnesStore
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

/// `/catalog` and `/catalog/{table}`: what the caller may read, searchable, and a table's profile
/// drawn as inline SVG with every stored text escaped.
struct CatalogPageTests {
    static let profile = #"""
        {"table_id":"orders","row_count":1200,"column_count":4,"avg_completeness":97.5,"sampled":false,
         "alerts":[{"column":"status","type":"imbalance","message":"status is imbalanced (<b>paid</b> 80%)"}],
         "columns":[
          {"name":"amount","type":"DOUBLE","type_category":"NUMERIC","completeness_pct":100,"unique_count":900,"alerts":[],
           "numeric_stats":{"min":1,"max":500,"histogram":{"bins":["1-100","100-200","200-500"],"counts":[600,400,200]}}},
          {"name":"status","type":"VARCHAR","type_category":"STRING","completeness_pct":90,"unique_count":3,"alerts":["imbalance"],
           "string_stats":{"top_values":[{"value":"<img src=x onerror=alert(1)>","count":960,"pct":80},{"value":"open","count":120,"pct":10}]}},
          {"name":"created","type":"DATE","type_category":"DATE","completeness_pct":100,"unique_count":30,"alerts":[],
           "date_stats":{"earliest":"2026-01-01","latest":"2026-01-30","histogram":{"bins":["2026-01-01","2026-01-15"],"counts":[10,30]}}},
          {"name":"paid","type":"BOOLEAN","type_category":"BOOLEAN","completeness_pct":100,"unique_count":2,"alerts":[],
           "boolean_stats":{"true_count":900,"false_count":300,"true_pct":75}}],
         "sample_rows":[{"amount":"12.5","status":"<script>x</script>","created":"2026-01-02","paid":"true"}]}
        """#

    static func fixture() async throws -> (fixture: ServerFixture, analyst: (id: String, token: String)) {
        let fixture = try await ServerFixture.fast()
        let registry = DuckDBTableRegistryRepository(store: fixture.services.store)
        _ = try await registry.register(
            TableRegistration(id: "orders", name: "orders", sourceType: "keboola", bucket: "in.c-sales"))
        _ = try await registry.register(
            TableRegistration(
                id: "customers", name: "customers", sourceType: "keboola", bucket: "in.c-sales",
                description: "<script>alert('desc')</script> People who buy"))
        _ = try await registry.register(TableRegistration(id: "salaries", name: "salaries", sourceType: "local"))
        _ = try await DuckDBTableProfileRepository(store: fixture.services.store).save(
            tableID: "orders", profileJSON: profile)
        let analyst = try await fixture.analyst()
        try await fixture.grantTables(["orders", "customers"], to: analyst.id)
        return (fixture, analyst)
    }

    @Test func theCatalogListsReadableTablesBySourceAndFindsThem() async throws {
        let (fixture, analyst) = try await Self.fixture()
        try await fixture.application.test(.router) { client in
            let page = try await client.raw(.get, "/catalog", as: analyst.token)
            #expect(page.status == .ok)
            let html = String(buffer: page.body)
            #expect(html.contains("<h2>keboola · in.c-sales</h2>"))
            #expect(html.contains(#"<a href="/catalog/orders"><code>orders</code></a>"#))
            #expect(html.contains("&lt;script&gt;alert(") && html.contains("People who buy"))
            #expect(!html.contains("<script>") && !html.contains("salaries"))
            #expect(html.contains(#"aria-current="page">Catalog"#))
            let found = String(buffer: try await client.raw(.get, "/catalog?q=BUY", as: analyst.token).body)
            #expect(found.contains("<code>customers</code>") && !found.contains("<code>orders</code>"))
            #expect(found.contains("1 tables matching “BUY”"))
            let none = String(buffer: try await client.raw(.get, "/catalog?q=%3Cb%3E", as: analyst.token).body)
            #expect(none.contains("No table matches.") && none.contains("value=\"&lt;b&gt;\""))
        }
    }

    @Test func aTablePageDrawsItsProfile() async throws {
        let (fixture, analyst) = try await Self.fixture()
        try await fixture.application.test(.router) { client in
            let page = try await client.raw(.get, "/catalog/orders", as: analyst.token)
            #expect(page.status == .ok)
            let html = String(buffer: page.body)
            #expect(html.contains("<strong>1,200</strong> rows") && html.contains("<strong>97.5%</strong> complete"))
            // Two histograms (numbers, dates): 3 + 2 bars, each with its tooltip; the tallest fills the height.
            #expect(html.components(separatedBy: #"<svg class="chart""#).count == 3)
            #expect(
                html.contains(#"<rect x="1.0" y="2.0" width="98.0" height="78.0"><title>1-100: 600</title></rect>"#))
            #expect(html.contains("<title>2026-01-15: 30</title>"))
            // Top values and true/false as bars; completeness as a meter.
            #expect(html.contains(#"<rect width="80.0" height="8"></rect></svg> 80.0%"#))
            #expect(html.contains(#"<rect width="75.0" height="8"></rect></svg> 75.0%"#))
            #expect(html.contains("90.0% complete"))
            // Stored text from the profile is inert.
            #expect(!html.contains("<img src=x") && html.contains("&lt;img src=x onerror=alert(1)&gt;"))
            #expect(!html.contains("<script>x") && html.contains("&lt;script&gt;x&lt;/script&gt;"))
            #expect(!html.contains("<b>paid") && html.contains("&lt;b&gt;paid&lt;/b&gt;"))
            let unprofiled = String(buffer: try await client.raw(.get, "/catalog/customers", as: analyst.token).body)
            #expect(unprofiled.contains("No profile yet"))
        }
    }

    @Test func aTableThatCannotBeReadIsA403WhetherItExistsOrNot() async throws {
        let (fixture, analyst) = try await Self.fixture()
        let admin = try await fixture.admin()
        try await fixture.application.test(.router) { client in
            for table in ["salaries", "no_such_table"] {
                let page = try await client.raw(.get, "/catalog/\(table)", as: analyst.token)
                #expect(page.status == .forbidden, "\(table)")
                #expect(String(buffer: page.body).contains("You may not read the table \(table)."))
                #expect(page.headers[.contentType] == "text/html; charset=utf-8")
            }
            #expect(try await client.raw(.get, "/catalog/no_such_table", as: admin.token).status == .notFound)
            #expect(try await client.raw(.get, "/catalog/salaries", as: admin.token).status == .ok)
            let visitor = try await client.raw(.get, "/catalog/orders", as: nil)
            #expect(visitor.status == .found && visitor.headers[.location] == "/login?next=%2Fcatalog%2Forders")
        }
    }

    @Test func adminsEditDescriptionsAndEveryoneSeesTheColumnNotesAndMetricsAsText() async throws {
        let (fixture, analyst) = try await Self.fixture()
        let admin = try await fixture.admin()
        let store = fixture.services.store
        _ = try await DuckDBColumnMetadataRepository(store: store).upsert([
            ColumnMetadata(
                tableID: "orders", columnName: "amount",
                description: #"Net <script>alert('col')</script> "><img src=x onerror=alert(3)>"#, tags: ["PII.None"])
        ])
        _ = try await DuckDBMetricDefinitionRepository(store: store).upsert(
            MetricDefinition(
                id: "revenue/monthly", name: "monthly_revenue", displayName: "Monthly <b>revenue</b>",
                category: "revenue", sql: "SELECT 1", description: "Sum of amount", tables: ["orders"]))
        _ = try await DuckDBMetricDefinitionRepository(store: store).upsert(
            MetricDefinition(
                id: "other/count", name: "other", displayName: "Other", category: "other", sql: "SELECT 1",
                tables: ["customers"]))
        try await fixture.application.test(.router) { client in
            let seen = String(buffer: try await client.raw(.get, "/catalog/orders", as: analyst.token).body)
            #expect(seen.contains("Net &lt;script&gt;alert(&#39;col&#39;)&lt;/script&gt; &quot;&gt;&lt;img src=x"))
            #expect(!seen.contains("<img src=x") && !seen.contains("<script>alert"))
            #expect(seen.contains(#"<span class="chip">PII.None</span>"#))
            #expect(
                seen.contains("<strong>Monthly &lt;b&gt;revenue&lt;/b&gt;</strong>") && seen.contains("Sum of amount"))
            #expect(!seen.contains("Other</strong>"))
            #expect(seen.contains(#"<a href="/query?table=orders">Query this table</a>"#))
            // Analysts read; only admins get the forms.
            #expect(!seen.contains("data-api=") && !seen.contains("Edit the"))

            let edited = String(buffer: try await client.raw(.get, "/catalog/orders", as: admin.token).body)
            #expect(
                edited.contains(#"<form data-api="/api/admin/registry/orders" data-method="PUT" data-then="reload">"#))
            #expect(edited.contains(#"<form data-api="/api/admin/metadata/orders" data-then="reload">"#))
            #expect(edited.contains(#"<input type="hidden" name="columns.0.column_name" value="amount">"#))
            #expect(edited.contains(#"name="columns.0.description">Net &lt;script&gt;"#))

            // What the column form sends (one column, as the script builds it) is what the page shows next.
            var form = try #require(WebForm(in: edited, id: "/api/admin/metadata/orders"))
            form.fields["columns.0.description"] = "Where the order is"
            let column = try #require((form.body["columns"] as? [[String: Any]])?.first)
            #expect(column.count == 2 && column["column_name"] as? String != nil)
            let saved = try await client.call(.post, "/api/admin/metadata/orders", as: admin.token, body: form.body)
            #expect(saved.status == .ok)
            let described = try await client.execute(
                uri: "/api/admin/registry/salaries", method: .put, headers: JSONRequest.bearer(admin.token),
                body: ByteBuffer(string: #"{"description":"Every <em>order</em>"}"#))
            #expect(described.status == .ok, "\(String(buffer: described.body))")
            let after = String(buffer: try await client.raw(.get, "/catalog/orders", as: analyst.token).body)
            #expect(after.contains("<p>Where the order is</p>"))
            // (a local table: the fixture's Keboola source is not configured, so its tables cannot be saved)
            let salaries = String(buffer: try await client.raw(.get, "/catalog/salaries", as: admin.token).body)
            #expect(salaries.contains("<p>Every &lt;em&gt;order&lt;/em&gt;</p>"))
            #expect(salaries.contains(">Every &lt;em&gt;order&lt;/em&gt;</textarea>"))
        }
    }
}
