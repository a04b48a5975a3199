import AgnesCore
import AgnesData
import AgnesJobs
import AgnesServer
import AgnesStore
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

/// `/admin/tables`, `/admin/tables/new`, `/admin/tables/{id}`: the registry as pages whose forms talk
/// to the registry's own routes.
@Suite struct TablePagesTests {
    static let hostile = #"<script>alert(1)</script> "><img src=x onerror=alert(2)>"#

    @Test func theRegistryListsEveryTableWithItsLastSyncAndItsActions() async throws {
        let fixture = try await ServerFixture.fast()
        let registry = DuckDBTableRegistryRepository(store: fixture.services.store)
        _ = try await registry.register(
            TableRegistration(
                id: "orders", name: "orders", sourceType: "keboola", bucket: "in.c-sales", sourceTable: "orders",
                syncStrategy: .incremental, syncSchedule: "every 6h"))
        _ = try await registry.register(TableRegistration(id: "refunds", name: "refunds", sourceType: "local"))
        let states = DuckDBSyncStateRepository(store: fixture.services.store)
        _ = try await states.upsert(
            SyncState(tableID: "orders", lastSync: Date().addingTimeInterval(-7_200), rows: 1_234_567))
        _ = try await states.upsert(
            SyncState(
                tableID: "refunds", lastSync: Date().addingTimeInterval(-60), status: SyncState.errorStatus,
                error: "the file is gone"))
        let admin = try await fixture.admin()
        let analyst = try await fixture.analyst()
        try await fixture.application.test(.router) { client in
            let page = try await client.raw(.get, "/admin/tables", as: admin.token)
            #expect(page.status == .ok && page.headers[.contentType] == "text/html; charset=utf-8")
            let html = String(buffer: page.body)
            #expect(html.contains(#"<a href="/admin/tables/orders"><code>orders</code></a>"#))
            #expect(html.contains("in.c-sales / orders") && html.contains("incremental") && html.contains("every 6h"))
            #expect(html.contains("2 h ago") && html.contains("1,234,567"))
            #expect(html.contains("The last sync failed: the file is gone"))
            let delete = try #require(WebForm(in: html, id: "/api/admin/registry/orders"))
            #expect(delete.attributes["data-method"] == "DELETE" && delete.attributes["data-confirm"] != nil)
            let syncNow = try #require(WebForm(in: html, id: "/api/sync/trigger"))
            #expect(syncNow.attributes["data-send"] == "tables")
            #expect(html.contains(#"href="/admin/tables/new""#))
            // What the forms send works: the trigger takes the list of one id, the delete goes through.
            let body = try #require(syncNow.fields["tables"] as? [String])
            let triggered = try await client.executeRequest(
                uri: "/api/sync/trigger", method: .post, headers: JSONRequest.bearer(admin.token),
                body: ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: body)))
            #expect(triggered.status == .ok && body == ["orders"])
            #expect(try await client.call(.delete, "/api/admin/registry/orders", as: admin.token).status == .noContent)
            let after = String(buffer: try await client.raw(.get, "/admin/tables", as: admin.token).body)
            #expect(!after.contains("<code>orders</code>") && after.contains("<code>refunds</code>"))

            let index = String(buffer: try await client.raw(.get, "/admin", as: admin.token).body)
            for section in ["/admin/tables", "/admin/sync-runs", "/admin/scheduler"] {
                #expect(index.contains(#"<a href="\#(section)">"#), "\(section)")
            }
            for path in [
                "/admin/tables", "/admin/tables/new", "/admin/tables/refunds", "/admin/sync-runs", "/admin/scheduler",
            ] {
                let denied = try await client.raw(.get, path, as: analyst.token, headers: [.accept: "text/html"])
                #expect(denied.status == .forbidden && String(buffer: denied.body).contains("Admin"), "\(path)")
                let visitor = try await client.raw(.get, path, as: nil)
                #expect(visitor.status == .found, "\(path)")
            }
            let visitor = try await client.raw(.get, "/admin/tables?page=2", as: nil)
            #expect(visitor.headers[.location] == "/login?next=%2Fadmin%2Ftables%3Fpage%3D2")
        }
    }

    @Test func aLongRegistryIsPagedAndSearchable() async throws {
        let fixture = try await ServerFixture.fast()
        let registry = DuckDBTableRegistryRepository(store: fixture.services.store)
        for index in 0..<120 {
            _ = try await registry.register(
                TableRegistration(id: String(format: "t%03d", index), name: String(format: "t%03d", index)))
        }
        let admin = try await fixture.admin()
        try await fixture.application.test(.router) { client in
            let first = String(buffer: try await client.raw(.get, "/admin/tables", as: admin.token).body)
            #expect(
                first.contains("1–100 of 120") && first.contains("<code>t099</code>")
                    && !first.contains("<code>t100</code>"))
            #expect(first.contains(#"href="/admin/tables?page=2""#))
            let second = String(buffer: try await client.raw(.get, "/admin/tables?page=2", as: admin.token).body)
            #expect(second.contains("101–120 of 120") && second.contains("<code>t119</code>"))
            let found = String(buffer: try await client.raw(.get, "/admin/tables?q=T11", as: admin.token).body)
            #expect(found.contains("10 tables matching “T11”") && !found.contains("<code>t099</code>"))
        }
    }

    @Test func aTableRegisteredWithTheFormsBodyIsOnTheListAndEditable() async throws {
        let fixture = try await ServerFixture.fast()
        let admin = try await fixture.admin()
        let directory = fixture.services.layout.localSourceDirectory
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try "code,name\nCZ,Czechia\nSK,Slovakia\n".write(
            to: directory.appendingPathComponent("countries.csv"), atomically: true, encoding: .utf8)
        try await fixture.application.test(.router) { client in
            let page = try await client.raw(.get, "/admin/tables/new?source=local", as: admin.token)
            #expect(page.status == .ok)
            let html = String(buffer: page.body)
            var form = try #require(WebForm(in: html, id: "register-table"))
            #expect(form.attributes["data-api"] == "/api/admin/register-table")
            #expect(form.attributes["data-then"] == "/admin/tables/{id}")
            #expect(html.contains(#"data-discover="/api/admin/discover-tables?source_type=local""#))
            // The picker's answer: the file, with what choosing it fills in.
            let offered = try await client.call(.get, "/api/admin/discover-tables?source_type=local", as: admin.token)
            let file = try #require((offered.object["tables"] as? [[String: Any]])?.first)
            #expect(file["name"] as? String == "countries.csv" && file["id"] as? String == "countries")
            form.fields["name"] = "Country Codes"
            form.fields["source_table"] = "countries.csv"
            form.fields["description"] = "ISO codes"
            form.fields["primary_key"] = ["code"]
            #expect(form.fields["source_type"] as? String == "local")
            #expect(form.fields["query_mode"] as? String == "local")
            #expect(form.fields["profile_after_sync"] as? Bool == true)

            // "Check" posts the same fields to the precheck: nothing is written.
            let check = try #require(form.buttons.first { $0["data-api"] != nil })
            #expect(check["data-api"] == "/api/admin/register-table/precheck" && check["data-then"] == "show:precheck")
            let prechecked = try await client.call(
                .post, "/api/admin/register-table/precheck", as: admin.token, body: form.fields)
            #expect(prechecked.status == .ok)
            let table = try #require(prechecked.object["table"] as? [String: Any])
            #expect((table["note"] as? String)?.contains("reads as 2 columns") == true)
            #expect(html.contains(#"data-key="table.note""#) && html.contains(#"data-key="table.columns""#))

            let created = try await client.call(.post, "/api/admin/register-table", as: admin.token, body: form.fields)
            #expect(created.status == .created, "\(created.object)")
            #expect(created.object["id"] as? String == "country_codes")
            if let run = created.object["run_id"] as? String { _ = await fixture.services.pipeline.completion(of: run) }

            let list = String(buffer: try await client.raw(.get, "/admin/tables", as: admin.token).body)
            #expect(
                list.contains(
                    #"<a href="/admin/tables/country_codes"><code>country_codes</code></a><div>Country Codes</div>"#))
            #expect(list.contains("ISO codes"))

            // The edit page: the stored values, the run that synced it, and a form that sends only what changed.
            let editPage = try await client.raw(.get, "/admin/tables/country_codes", as: admin.token)
            #expect(editPage.status == .ok)
            let edit = String(buffer: editPage.body)
            let editForm = try #require(WebForm(in: edit, id: "edit-table"))
            #expect(editForm.attributes["data-api"] == "/api/admin/registry/country_codes")
            #expect(editForm.attributes["data-method"] == "PUT" && editForm.attributes["data-changed"] != nil)
            #expect(editForm.fields["name"] as? String == "Country Codes")
            #expect(editForm.fields["source_table"] as? String == "countries.csv")
            #expect(editForm.fields["primary_key"] as? [String] == ["code"])
            #expect(editForm.fields["description"] as? String == "ISO codes")
            #expect(edit.contains("Recent sync runs") && edit.contains(#"<td class="status-ok">synced"#))
            #expect(edit.contains(#"href="/admin/sync-runs/"#))
            let updated = try await client.call(
                .put, "/api/admin/registry/country_codes", as: admin.token,
                body: ["description": "Country codes (ISO 3166)", "sync_schedule": "daily 03:00"])
            #expect(updated.object["updated"] as? [String] == ["description", "sync_schedule"])
            let edited = String(buffer: try await client.raw(.get, "/admin/tables/country_codes", as: admin.token).body)
            #expect(edited.contains("Country codes (ISO 3166)</textarea>") && edited.contains(#"value="daily 03:00""#))

            let missing = try await client.raw(.get, "/admin/tables/nope", as: admin.token)
            #expect(missing.status == .notFound && String(buffer: missing.body).contains("There is no table nope."))
        }
    }

    @Test func eachSourceTypeHasItsFormAndAnUnconfiguredOneSaysSo() async throws {
        let fixture = try await ServerFixture.fast()
        let admin = try await fixture.admin()
        try await fixture.application.test(.router) { client in
            let chooser = String(buffer: try await client.raw(.get, "/admin/tables/new", as: admin.token).body)
            for source in ["local", "keboola", "bigquery", "jira"] {
                #expect(chooser.contains(#"href="/admin/tables/new?source=\#(source)""#), "\(source)")
            }
            #expect(WebForm(in: chooser, id: "register-table") == nil)

            let keboola = String(
                buffer: try await client.raw(.get, "/admin/tables/new?source=keboola", as: admin.token).body)
            #expect(keboola.contains("Keboola is not configured on this server"))
            #expect(keboola.contains(#"data-discover="/api/admin/discover-tables?source_type=keboola""#))
            #expect(keboola.contains(#"data-group="bucket_id""#))
            #expect(
                keboola.contains(
                    #"data-fill="bucket={bucket_id} source_table={name} name={registry_id} primary_key={primary_key}""#)
            )
            let keboolaForm = try #require(WebForm(in: keboola, id: "register-table"))
            #expect(
                Set(keboolaForm.fields.keys).isSuperset(of: [
                    "bucket", "source_table", "query_mode", "source_query", "sync_strategy", "partition_by",
                ]))
            // What the picker shows in place: the discovery API's own words.
            let discovered = try await client.call(
                .get, "/api/admin/discover-tables?source_type=keboola", as: admin.token)
            #expect((discovered.object["error"] as? String)?.isEmpty == false)
            // Registering anyway is refused by the API, with the field named.
            var body = keboolaForm.fields
            body["name"] = "orders"
            let refused = try await client.call(.post, "/api/admin/register-table", as: admin.token, body: body)
            #expect(refused.status == .unprocessableContent)
            #expect(refused.detail?.hasPrefix("source_type: keboola is not configured") == true)

            let bigquery = String(
                buffer: try await client.raw(.get, "/admin/tables/new?source=bigquery", as: admin.token).body)
            #expect(bigquery.contains(#"data-discover="/api/admin/discover-tables?source_type=bigquery""#))
            #expect(
                bigquery.contains(
                    #"data-discover="/api/admin/discover-tables?source_type=bigquery&amp;dataset={bucket}""#))
            #expect(bigquery.contains("<label for=\"bucket\">Dataset</label>"))
            let bigqueryForm = try #require(WebForm(in: bigquery, id: "register-table"))
            #expect(bigqueryForm.fields["query_mode"] as? String == "remote")
            #expect(bigqueryForm.fields["sync_strategy"] == nil)

            let jira = String(buffer: try await client.raw(.get, "/admin/tables/new?source=jira", as: admin.token).body)
            #expect(jira.contains("Jira is not configured on this server"))
            #expect(WebForm(in: jira, id: "register-table")?.fields["bucket"] == nil)

            let unknown = try await client.raw(.get, "/admin/tables/new?source=oracle", as: admin.token)
            #expect(
                unknown.status == .notFound && String(buffer: unknown.body).contains("There is no source type oracle"))
        }
    }

    @Test func storedMarkupInADescriptionIsInertEverywhere() async throws {
        let fixture = try await ServerFixture.fast()
        _ = try await DuckDBTableRegistryRepository(store: fixture.services.store).register(
            TableRegistration(
                id: "leads", name: "Leads \"<b>\"", sourceType: "local", sourceTable: "leads.csv",
                folder: "</textarea><script>alert(3)</script>", description: Self.hostile))
        let admin = try await fixture.admin()
        try await fixture.application.test(.router) { client in
            for path in ["/admin/tables", "/admin/tables/leads"] {
                let html = String(buffer: try await client.raw(.get, path, as: admin.token).body)
                #expect(
                    !html.contains("<script>alert") && !html.contains("<img src=x") && !html.contains("<b>"), "\(path)")
                #expect(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"), "\(path)")
            }
            let edit = String(buffer: try await client.raw(.get, "/admin/tables/leads", as: admin.token).body)
            // The stored text comes back unchanged as the form's value, so saving changes nothing by accident.
            let form = try #require(WebForm(in: edit, id: "edit-table"))
            #expect(form.fields["description"] as? String == Self.hostile)
            #expect(form.fields["folder"] as? String == "</textarea><script>alert(3)</script>")
            #expect(form.fields["name"] as? String == "Leads \"<b>\"")
        }
    }
}

/// The page script the forms and pickers rely on parses (when Node.js is on this machine).
@Suite struct WebScriptSyntaxTests {
    static let node = "/usr/bin/node"

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: node)))
    func theScriptParses() async throws {
        let fixture = try await ServerFixture.fast()
        let admin = try await fixture.admin()
        try await fixture.application.test(.router) { client in
            let page = String(
                buffer: try await client.raw(.get, "/admin/tables/new?source=bigquery", as: admin.token).body)
            let path = try #require(WebForm.matches(#"<script src="([^"]+)""#, in: page).first?[1])
            let script = try await client.raw(.get, path, as: nil)
            #expect(script.status == .ok)
            let file = fixture.root.appendingPathComponent("agnes.js")
            try Data(script.body.readableBytesView).write(to: file)
            let process = Process()
            process.executableURL = URL(fileURLWithPath: Self.node)
            process.arguments = ["--check", file.path]
            try process.run()
            process.waitUntilExit()
            #expect(process.terminationStatus == 0)
            let text = String(buffer: script.body)
            #expect(text.contains("select[data-discover]") && text.contains("submitter"))
        }
    }
}
